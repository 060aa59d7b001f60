//! CPL005 interface-bypass: A link into another system that does not go through the interfaces the target exposes.

use std::collections::BTreeSet;

use super::{code, is_component};
use crate::check::shared::{exposed_by, name_list};
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static INTERFACE_BYPASS: Rule = Rule {
    code: code("CPL005", "interface-bypass", Severity::Error, "A link into another system that does not go through the interfaces the target exposes."),
    category: Category::Coupling,
    explanation: "A component that exposes interfaces offers them as its contract to the outside. A caller from another system that reaches it without naming one of them (`via`) depends on internals: undocumented endpoints, a private port, an implementation detail that can change without notice, and skips the authentication and versioning the interface promises. Name the interface the link uses, or have the target expose one for what the caller needs. Links inside a system, and targets that expose no interface at all, are not checked.",
    bad: "system shop\nsystem payments\ncomponent orders {\n  system shop\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  system payments\n  exposes BillingApi\n}\ninterface BillingApi rest\n",
    good: "system shop\nsystem payments\ncomponent orders {\n  system shop\n  uses billing sync { via BillingApi timeout 1s circuit-breaker }\n}\ncomponent billing {\n  system payments\n  exposes BillingApi\n}\ninterface BillingApi rest\n",
    options: &[],
    run: interface_bypass,
};

fn interface_bypass(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deps = &cx.facts.deps;
    let exposed = exposed_by(cx);
    let system = |c: ElementId| cx.model.get(c).and_then(|e| e.reference("system"));
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in deps.links(cx.facts) {
        if l.via.is_some() || l.origin == LinkOrigin::Event || !is_component(cx, l.from) || !is_component(cx, l.to) {
            continue;
        }
        let (Some(a), Some(b)) = (system(l.from), system(l.to)) else { continue };
        let Some(ifaces) = exposed.get(&l.to).filter(|v| !v.is_empty()) else { continue };
        if a == b || !seen.insert((l.from, l.to)) {
            continue;
        }
        let mut names: Vec<String> = ifaces.iter().take(3).map(|i| format!("`via {}`", cx.name(*i))).collect();
        if ifaces.len() > 3 {
            names.push("...".into());
        }
        acc.push(
            cx.finding(
                &INTERFACE_BYPASS,
                format!(
                    "`{}` reaches `{}` of system `{}` without one of its interfaces",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.name(b)
                ),
                l.span,
                "no `via`",
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("exposes {}", name_list(cx, ifaces, 3)))
            .with_help(format!("name the interface the link goes through: {}", names.join(", "))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::messages;

    #[test]
    fn interface_bypass_needs_two_systems_and_an_exposed_interface() {
        let same = "system s\ncomponent a { system s uses b sync }\ncomponent b { system s exposes Api }\ninterface Api rest\n";
        assert!(messages("CPL005", same).is_empty());
        let none = "system s\nsystem t\ncomponent a { system s uses b sync }\ncomponent b { system t }\n";
        assert!(messages("CPL005", none).is_empty());
    }
}
