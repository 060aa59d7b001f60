//! HYG002 duplicate-id: Two declarations share one name.

use super::resolver_owned;
use crate::check::{Category, Rule};
use crate::diagnostics::codes;

pub static DUPLICATE_ID: Rule = Rule {
    code: codes::DUPLICATE_ID,
    category: Category::Hygiene,
    explanation: "Two declarations share a name. Names are unique across the workspace so that every reference has exactly one meaning.",
    bad: "component api\ndatastore api\n",
    good: "component api\ndatastore api_db\n",
    options: &[],
    run: resolver_owned,
};
