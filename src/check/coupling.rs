//! Coupling rules.

use super::Rule;

/// The coupling rules, in code order.
pub static RULES: &[&Rule] = &[];
