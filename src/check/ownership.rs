//! Ownership rules.

use super::Rule;

/// The ownership rules, in code order.
pub static RULES: &[&Rule] = &[];
