//! OWN008 component-without-system: A component that belongs to no system.

use super::code;
use crate::check::shared::name_list;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static COMPONENT_WITHOUT_SYSTEM: Rule = Rule {
    code: code("OWN008", "component-without-system", Severity::Note, "A component that belongs to no system."),
    category: Category::Ownership,
    explanation: "Once a workspace declares systems, components are expected to say which one they belong to: the system gives them their owner, groups them in the diagrams and the report, and scopes the system-level cycle and interface rules. A component outside every system is often one that was forgotten when the model was split up. Models that declare no system at all are not checked.",
    bad: "team checkout\nsystem shop {\n  owner checkout\n}\ncomponent orders {\n  system shop\n  uses payments sync { timeout 1s circuit-breaker }\n}\ncomponent payments {\n  owner checkout\n}\n",
    good: "team checkout\nsystem shop {\n  owner checkout\n}\ncomponent orders {\n  system shop\n  uses payments sync { timeout 1s circuit-breaker }\n}\ncomponent payments {\n  system shop\n}\n",
    options: &[],
    run: component_without_system,
};

fn component_without_system(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let systems: Vec<ElementId> = cx.of_kind(DeclKind::System).map(|(id, _)| id).collect();
    if systems.is_empty() {
        return;
    }
    let help = match systems.as_slice() {
        [one] => format!("add `system {}`", cx.name(*one)),
        _ => format!("add `system <name>`; the systems are {}", name_list(cx, &systems, 6)),
    };
    for (id, e) in cx.of_kind(DeclKind::Component) {
        // Declared inside a system, or naming one (an unresolved name is reported already).
        if e.attr("system").is_some() || cx.facts.system_of(id).is_some() {
            continue;
        }
        acc.push(
            cx.finding(
                &COMPONENT_WITHOUT_SYSTEM,
                format!("component `{}` belongs to no system", e.name),
                e.name_span,
                "no `system`",
                &[id],
            )
            .with_help(help.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn component_without_system_needs_a_declared_system() {
        assert!(findings("OWN008", "component a { standalone }\n").is_empty());
    }
}
