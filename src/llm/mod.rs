//! The optional LLM stage behind `archc fill`, at the edge like `lsp`: it asks an
//! OpenAI-compatible provider for the values of the model's `?` holes and of the attributes rules
//! report missing, and keeps an answer only when the re-analysed workspace accepts it. The core
//! never calls it; without a provider (or with `--offline`) it opens no connection.
//!
//! `config` reads the settings, `client` speaks HTTP, `cache` records answers, `holes` finds
//! what to fill and its type in the language table, `prompt` words the question and `fill` runs
//! the loop and its gate.

pub mod cache;
pub mod client;
pub mod config;
pub mod fill;
pub mod holes;
pub mod prompt;
