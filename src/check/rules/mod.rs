//! The rules, one family per folder and one rule per file: each file holds the rule's metadata,
//! explanation, failing and passing examples, options, logic and tests; each family's `mod.rs`
//! holds its shared helpers and its `RULES` list, which the registry collects. No rule file
//! imports another family: what families share lives in `check/shared.rs` or the analysis facts.

pub mod coupling;
pub mod hygiene;
pub mod ownership;
pub mod performance;
pub mod reliability;
pub mod security;

use crate::diagnostics::{Code, Severity};

/// A rule's code, as each rule file declares it with its metadata.
const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}
