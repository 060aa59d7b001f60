//! Performance rules.

use super::Rule;

/// The performance rules, in code order.
pub static RULES: &[&Rule] = &[];
