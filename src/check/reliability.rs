//! Reliability rules.

use super::Rule;

/// The reliability rules, in code order.
pub static RULES: &[&Rule] = &[];
