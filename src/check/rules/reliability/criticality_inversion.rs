//! REL003 criticality-inversion: An element depends synchronously on an element of lower criticality.

use super::{code, criticality_word};
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

pub static CRITICALITY_INVERSION: Rule = Rule {
    code: code("REL003", "criticality-inversion", Severity::Warning, "An element depends synchronously on an element of lower criticality."),
    category: Category::Reliability,
    explanation: "A synchronous dependency makes the caller at most as available as the callee. When a `critical` service waits on a `medium` one, the weaker element's lower standards (redundancy, on-call, change process) silently cap the stronger one. Raise the callee to the caller's tier with what that implies, or make the dependency asynchronous or optional so that the caller degrades instead of failing.",
    bad: "component orders {\n  criticality critical\n  uses catalog sync { timeout 1s circuit-breaker }\n}\ncomponent catalog { criticality medium }\n",
    good: "component orders {\n  criticality critical\n  uses catalog async\n}\ncomponent catalog { criticality medium }\n",
    options: &[],
    run: criticality_inversion,
};

fn criticality_inversion(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::BTreeSet::new();
    for l in &cx.facts.links {
        if l.is_async
            || matches!(l.origin, LinkOrigin::Event)
            || l.from == l.to
            || cx.kind(l.from) != Some(DeclKind::Component)
        {
            continue;
        }
        // An in-process call shares the caller's process, and with it its availability.
        if l.is_local() || matches!(cx.kind_word(l.to), Some("library" | "module")) {
            continue;
        }
        let (Some(a), Some(b)) = (cx.criticality(l.from), cx.criticality(l.to)) else { continue };
        if a <= b || !seen.insert((l.from, l.to)) {
            continue;
        }
        let (caller, callee) = (cx.name(l.from), cx.name(l.to));
        acc.push(
            cx.finding(
                &CRITICALITY_INVERSION,
                format!(
                    "`{caller}` ({}) depends synchronously on `{callee}` ({})",
                    criticality_word(cx, l.from),
                    criticality_word(cx, l.to)
                ),
                l.span,
                "synchronous dependency on a lower tier",
                &[l.from, l.to],
            )
            .with_secondary(cx.span_of(l.to), format!("{} only", criticality_word(cx, l.to)))
            .with_help(format!(
                "raise `{callee}` to {} with what that implies, or make the call asynchronous or optional",
                criticality_word(cx, l.from)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

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
