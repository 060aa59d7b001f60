//! HYG014 unused-acceptance: An `accept` that matches no finding or names no rule.

use super::{code, resolver_owned};
use crate::check::{Category, Rule};
use crate::diagnostics::Severity;

pub static UNUSED_ACCEPTANCE: Rule = Rule {
    code: code("HYG014", "unused-acceptance", Severity::Warning, "An `accept` that matches no finding or names no rule."),
    category: Category::Hygiene,
    explanation: "An acceptance that no longer matches a finding is stale: the problem was fixed or the element renamed. Left in place it would silently accept a future, different problem with the same fingerprint.",
    bad: "component web {\n  standalone\n}\naccept orphan-component@web \"Kept for the migration\"\n",
    good: "component web\naccept orphan-component@web \"Kept for the migration\"\n",
    options: &[],
    run: resolver_owned,
};
