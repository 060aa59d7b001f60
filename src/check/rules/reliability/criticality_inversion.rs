//! REL003 criticality-inversion: An element depends synchronously on an element of lower criticality.

use std::collections::BTreeMap;

use super::{code, criticality_word};
use crate::check::shared::count;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::DeclKind;

pub static CRITICALITY_INVERSION: Rule = Rule {
    code: code("REL003", "criticality-inversion", Severity::Warning, "An element depends synchronously on an element of lower criticality."),
    category: Category::Reliability,
    explanation: "A synchronous dependency makes the caller at most as available as the callee. When a `critical` service waits on a `medium` one, the weaker element's lower standards (redundancy, on-call, change process) silently cap the stronger one. Raise the callee to the caller's tier with what that implies, or make the dependency asynchronous or optional so that the caller degrades instead of failing. All lower-tier dependencies of one caller are one finding at the caller's `criticality`, since one rating decision explains them; acceptances written for one caller and callee (`REL003@orders@catalog`) still match it. A load balancer, ingress or proxy rated above its backends is no inversion: the backends' own ratings count; nor is an `optional` dependency (the caller degrades) or a `usage devops` link.",
    bad: "component orders {\n  criticality critical\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog { criticality medium }\n",
    good: "component orders {\n  criticality critical\n  uses catalog async\n}\ncomponent catalog { criticality medium }\n",
    options: &[],
    run: criticality_inversion,
};

fn criticality_inversion(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Caller -> its lower-tier callees with the first link to each. One rating decision of the
    // caller explains them all, so they are one finding.
    let mut inversions: BTreeMap<ElementId, Vec<(ElementId, Span, bool)>> = BTreeMap::new();
    for l in &cx.facts.links {
        if l.is_async
            || matches!(l.origin, LinkOrigin::Event)
            || l.from == l.to
            || cx.kind(l.from) != Some(DeclKind::Component)
        {
            continue;
        }
        if l.is_local() || matches!(cx.kind_word(l.to), Some("library" | "module")) {
            continue;
        }
        // A relay rated above its backend is normal: the backend's own rating is what counts. An
        // optional dependency only degrades the caller; a devops link is no runtime dependency.
        if cx.facts.traits(l.from).relay || l.optional || l.devops {
            continue;
        }
        let (Some(a), Some(b)) = (cx.criticality(l.from), cx.criticality(l.to)) else { continue };
        if a <= b {
            continue;
        }
        // Each callee once, at its `uses` when there is one (the declaration of the dependency).
        let callees = inversions.entry(l.from).or_default();
        match callees.iter_mut().find(|(c, _, _)| *c == l.to) {
            Some(place) if !place.2 && matches!(l.origin, LinkOrigin::Uses) => *place = (l.to, l.span, true),
            Some(_) => {}
            None => callees.push((l.to, l.span, matches!(l.origin, LinkOrigin::Uses))),
        }
    }
    for (caller, callees) in inversions {
        let name = cx.name(caller);
        let tier = criticality_word(cx, caller);
        let listed: Vec<String> =
            callees.iter().map(|(c, _, _)| format!("`{}` ({})", cx.name(*c), criticality_word(cx, *c))).collect();
        let (message, help) = match callees.as_slice() {
            [(one, _, _)] => (
                format!("`{name}` ({tier}) depends synchronously on {}", listed[0]),
                format!("raise `{}` to {tier} with what that implies, or make the call asynchronous or optional", cx.name(*one)),
            ),
            _ => (
                format!(
                    "`{name}` ({tier}) depends synchronously on {} of lower criticality: {}",
                    count(callees.len(), "element"),
                    listed.join(", ")
                ),
                format!("rate `{name}` no higher than its dependencies, or raise them to {tier}, or make the calls asynchronous or optional"),
            ),
        };
        // The caller's rating is the one decision behind the group; each dependency is a place.
        let rating = cx
            .model
            .get(caller)
            .and_then(|e| e.attr("criticality"))
            .map_or(cx.span_of(caller), |a| a.span_in(cx.model.file_of(caller)));
        let mut d = cx.finding(&CRITICALITY_INVERSION, message, rating, format!("rated {tier}"), &[caller]);
        for (c, span, _) in &callees {
            d = d.with_secondary(*span, format!("depends on `{}` ({})", cx.name(*c), criticality_word(cx, *c)));
        }
        let merged: Vec<String> = callees.iter().map(|(c, _, _)| format!("REL003@{name}@{}", cx.name(*c))).collect();
        acc.push(d.with_help(help).with_merged(merged));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn one_caller_rated_above_its_dependencies_is_one_finding() {
        let text = "component checkout {\n  criticality critical\n  uses cart sync { timeout 1s circuit-breaker }\n  uses email sync { timeout 1s circuit-breaker }\n  uses stock sync { timeout 1s circuit-breaker }\n}\ncomponent cart { criticality high }\ncomponent email { criticality medium }\ncomponent stock { criticality critical }\naccept REL003@checkout@email \"written before the findings were grouped\"\n";
        let diags = crate::check::registry::check_source(text);
        let rel: Vec<_> = diags.iter().filter(|d| d.code.id == "REL003").collect();
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0].fingerprint(), "REL003@checkout");
        assert_eq!(
            rel[0].message,
            "`checkout` (critical) depends synchronously on 2 elements of lower criticality: `cart` (high), `email` (medium)"
        );
        assert_eq!(rel[0].secondary.len(), 2, "each dependency is a related location");
        // The old per-callee acceptance still covers the group.
        assert!(rel[0].suppression.is_some());
    }

    #[test]
    fn criticality_inversion_once_per_pair() {
        let text = "actor user\ncomponent orders {\n  criticality mission-critical\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog { criticality high }\ncomponent stock { criticality mission-critical }\nflow f {\n  user -> orders\n  orders -> catalog\n  orders -> stock\n}\n";
        assert_eq!(
            messages("REL003", text),
            vec!["`orders` (mission-critical) depends synchronously on `catalog` (high)".to_string()]
        );
        let in_process = text
            .replace("uses catalog sync { timeout 1s circuit-breaker }", "uses catalog sync { protocol in-process }");
        let in_process = in_process.replace("  orders -> catalog\n", "  orders -> catalog in-process\n");
        assert!(of("REL003", &in_process).is_empty(), "{:?}", messages("REL003", &in_process));
        let module = text
            .replace("component catalog { criticality high }", "component catalog { kind module criticality high }");
        assert!(of("REL003", &module).is_empty());
    }
}
