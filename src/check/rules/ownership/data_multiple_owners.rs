//! OWN007 data-multiple-owners: Data that more than one component claims to own.

use super::{code, value_span};
use crate::check::shared::{count, name_list};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static DATA_MULTIPLE_OWNERS: Rule = Rule {
    code: code("OWN007", "data-multiple-owners", Severity::Error, "Data that more than one component claims to own."),
    category: Category::Ownership,
    explanation: "`owns` names the system of record: the one component whose copy is authoritative and which decides how the data changes. When two components own the same data, both copies are \"the truth\" and they drift apart; which one wins in a conflict is undefined. Keep one owner; the other components hold a read model fed by its interface or events.",
    bad: "data Order {\n  classification internal\n}\ncomponent orders {\n  owns Order\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  owns Order\n}\n",
    good: "data Order {\n  classification internal\n}\ncomponent orders {\n  owns Order\n  uses billing sync { timeout 1s circuit-breaker carries Order }\n}\ncomponent billing\n",
    options: &[],
    run: data_multiple_owners,
};

fn data_multiple_owners(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (data, owners) in &cx.facts.owners_of_data {
        let mut owners: Vec<ElementId> =
            owners.iter().copied().filter(|c| cx.model.get(*c).is_some_and(|e| !e.from_std)).collect();
        owners.sort_by_cached_key(|c| cx.name(*c));
        owners.dedup();
        if owners.len() < 2 {
            continue;
        }
        let Some(e) = cx.model.get(*data) else { continue };
        let mut d = cx.finding(
            &DATA_MULTIPLE_OWNERS,
            format!(
                "{} `{}` has {}: {}",
                e.kind.noun(),
                e.name,
                count(owners.len(), "owner"),
                name_list(cx, &owners, 4)
            ),
            e.name_span,
            "more than one system of record",
            &[*data],
        );
        for c in &owners {
            if let Some(s) = value_span(cx, *c, "owns", *data) {
                d = d.with_secondary(s, format!("claimed by `{}`", cx.name(*c)));
            }
        }
        acc.push(d.with_help(format!(
            "keep `owns {}` on one component; the others keep a read model fed by its interface or events",
            e.name
        )));
    }
}
