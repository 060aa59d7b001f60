//! archc: an architecture-as-code compiler.
//!
//! The pipeline, in reading order: `source` (files and spans) -> `syntax` (lexer, chumsky parser,
//! typed tree; never fails) -> `semantic` (imports, names, references -> an inert `Model`) ->
//! `analysis` (facts derived once: links, transit, zones, owners, data handled, holes) -> `check` ->
//! `fmt` (canonical layout from the syntax tree). `diagnostics` is the one diagnostic type with its
//! renderers; `pipeline` is the pure analysis of sources in memory (parse cache, imports, resolve,
//! facts, rules); `driver` and `host` hold all IO and hand the texts to it (or, for `archc check`, a
//! reader the parsing threads call); `cli` is the command line; `lsp` is the language
//! server, over the editor features of `ide`. `import` turns other tools' models into `.arch` text,
//! purely, at the edge.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod driver;
pub mod emit;
pub mod fmt;
pub mod graph;
pub mod host;
pub mod ide;
pub mod import;
pub mod lang;
pub mod llm;
pub mod lsp;
pub mod parallel;
pub mod pipeline;
pub mod semantic;
pub mod source;
pub mod stdlib;
pub mod syntax;
