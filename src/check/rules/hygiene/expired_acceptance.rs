//! HYG013 expired-acceptance: An `accept` whose `until` date has passed.

use super::{code, resolver_owned};
use crate::check::{Category, Rule};
use crate::diagnostics::Severity;

pub static EXPIRED_ACCEPTANCE: Rule = Rule {
    code: code("HYG013", "expired-acceptance", Severity::Warning, "An `accept` whose `until` date has passed."),
    category: Category::Hygiene,
    explanation: "An acceptance is a decision with a shelf life. Once its `until` date has passed it no longer suppresses the finding, and this finding asks for a fix or a renewed, re-justified acceptance.",
    bad: "component legacy\naccept orphan-component@legacy \"Retired with the old billing run\" until 2025-12-31\n",
    good: "component legacy\naccept orphan-component@legacy \"Retired with the old billing run\" until 2099-12-31\n",
    options: &[],
    run: resolver_owned,
};
