//! CPL010 endpoint-based-interaction: A component reaching another at a hard-coded endpoint.

use std::collections::BTreeSet;

use super::{code, is_component};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static ENDPOINT_BASED_INTERACTION: Rule = Rule {
    code: code("CPL010", "endpoint-based-interaction", Severity::Note, "A component reaching another at a hard-coded endpoint."),
    category: Category::Coupling,
    explanation: "A link with `discovery static` reaches its target at a fixed address. The caller then breaks when the target moves, scales out or fails over, and instances cannot be added or replaced without reconfiguring every caller. Let the callee be found through DNS, a registry or a service mesh.",
    bad: "component orders {\n  uses billing sync { timeout 1s circuit-breaker discovery static }\n}\ncomponent billing\n",
    good: "component orders {\n  uses billing sync { timeout 1s circuit-breaker discovery dns }\n}\ncomponent billing\n",
    options: &[],
    run: endpoint_based_interaction,
};

fn endpoint_based_interaction(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if l.discovery() != Some("static")
            || !is_component(cx, l.from)
            || !is_component(cx, l.to)
            || !seen.insert((l.from, l.to))
        {
            continue;
        }
        acc.push(
            cx.finding(
                &ENDPOINT_BASED_INTERACTION,
                format!("`{}` reaches `{}` at a static endpoint", cx.name(l.from), cx.name(l.to)),
                l.span,
                "`discovery static`",
                &[l.from, l.to],
            )
            .with_help("use `discovery dns`, `registry` or `mesh`"),
        );
    }
}
