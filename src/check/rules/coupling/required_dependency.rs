//! CPL004 required-dependency: A component that lacks a dependency it must have.

use std::collections::VecDeque;

use super::code;
use crate::check::shared::name_list;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static REQUIRED_DEPENDENCY: Rule = Rule {
    code: code("CPL004", "required-dependency", Severity::Error, "A component that lacks a dependency it must have."),
    category: Category::Coupling,
    explanation: "Some dependencies must exist for the design to be sound. The built-in requirement: when the model has an identity provider (a component of kind `identity-provider` or an external of kind `identity`), every gateway must reach one of them, directly or through other links, since a gateway that never talks to the identity provider cannot validate the tokens it lets through, or the model is missing that link. Models without an identity provider are not checked. A model states its own requirements instead with custom `required` rules (`from`, `to`, `reachable`, `via`) that say `replaces required-dependency`: the built-in requirement is then off, and those rules' findings carry this code.",
    bad: "component edge {\n  kind gateway\n  uses orders sync { timeout 1s circuit-breaker }\n}\ncomponent orders\nexternal auth0 {\n  kind identity\n}\ncomponent web {\n  uses auth0 sync { timeout 1s circuit-breaker }\n  uses edge sync { timeout 1s circuit-breaker }\n}\n",
    good: "component edge {\n  kind gateway\n  uses orders sync { timeout 1s circuit-breaker }\n  uses auth0 sync { timeout 1s circuit-breaker }\n}\ncomponent orders\nexternal auth0 {\n  kind identity\n}\ncomponent web {\n  uses auth0 sync { timeout 1s circuit-breaker }\n  uses edge sync { timeout 1s circuit-breaker }\n}\n",
    options: &[],
    run: required_dependency,
};

fn required_dependency(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    if crate::check::custom::replaced(cx.model, REQUIRED_DEPENDENCY.code.id) {
        return;
    }
    let idps: Vec<ElementId> = cx
        .model
        .iter()
        .filter(|(id, e)| !e.from_std && cx.facts.roles(*id).identity_provider)
        .map(|(id, _)| id)
        .collect();
    if idps.is_empty() {
        return;
    }
    // Everything that reaches an identity provider: breadth-first backwards from all of them.
    let deps = &cx.facts.deps;
    let mut reaches = vec![false; cx.model.elements.len()];
    let mut queue: VecDeque<ElementId> = idps.iter().copied().collect();
    for i in &idps {
        reaches[i.0 as usize] = true;
    }
    while let Some(v) = queue.pop_front() {
        for &li in cx.facts.incoming.list(v.0 as usize) {
            let Some(l) = cx.facts.links.get(li) else { continue };
            if !deps.is_dependency(li) {
                continue;
            }
            if let Some(r) = reaches.get_mut(l.from.0 as usize) {
                if !*r {
                    *r = true;
                    queue.push_back(l.from);
                }
            }
        }
    }
    for (id, e) in cx.of_kind(DeclKind::Component) {
        if e.word("kind") != Some("gateway") || reaches[id.0 as usize] {
            continue;
        }
        acc.push(
            cx.finding(
                &REQUIRED_DEPENDENCY,
                format!("gateway `{}` does not reach an identity provider", e.name),
                e.name_span,
                "no path to an identity provider",
                &[id],
            )
            .with_help(format!(
                "add the link it validates tokens with, e.g. `uses {} sync {{ ... }}`",
                cx.name(idps[0])
            ))
            .with_note(format!("identity providers in the model: {}", name_list(cx, &idps, 4))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::messages;

    #[test]
    fn gateways_reach_the_identity_provider_transitively() {
        let text = "component edge { kind gateway uses auth sync }\ncomponent auth { uses idp sync }\ncomponent idp { kind identity-provider }\n";
        assert!(messages("CPL004", text).is_empty());
        assert!(messages("CPL004", "component edge { kind gateway standalone }\n").is_empty());
    }
}
