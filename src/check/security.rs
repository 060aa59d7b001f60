//! Security rules.

use super::Rule;

/// The security rules, in code order.
pub static RULES: &[&Rule] = &[];
