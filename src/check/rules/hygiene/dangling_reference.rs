//! HYG001 dangling-reference: A reference that resolves to no declared element.

use super::resolver_owned;
use crate::check::{Category, Rule};
use crate::diagnostics::codes;

pub static DANGLING_REFERENCE: Rule = Rule {
    code: codes::DANGLING_REFERENCE,
    category: Category::Hygiene,
    explanation: "A reference names no declared element. Every other rule is unsound while a reference dangles, so the resolver reports it with the closest existing name.",
    bad: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\n",
    good: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[],
    run: resolver_owned,
};
