//! PERF002 latency-estimate-missing: A flow has a latency target but some step on its critical path has no latency estimate.

use super::{budgets, code, hop, ms, Gap};
use crate::check::{Category, Ctx, Link, Rule};
use crate::diagnostics::{Diagnostic, Severity};

pub static LATENCY_ESTIMATE_MISSING: Rule = Rule {
    code: code("PERF002", "latency-estimate-missing", Severity::Warning, "A flow has a latency target but some step on its critical path has no latency estimate."),
    category: Category::Performance,
    explanation: "A `p95` target can only be verified when every step the initiator waits for has an estimate: the step's own latency, a `latency` on the matching `uses`, or a `latency` on the target component. Until then the budget rule stays silent for the flow (unless the known steps alone already exceed the target), so the gap is reported once here, listing the steps that need a number.",
    bad: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n}\n",
    good: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments 80ms\n}\n",
    options: &[],
    run: latency_estimate_missing,
};

fn latency_estimate_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for b in budgets(cx) {
        let missing: Vec<&Link> =
            b.path.iter().zip(&b.costs).filter(|(_, c)| **c == Err(Gap::Missing)).map(|((_, l), _)| *l).collect();
        let Some(first) = missing.first() else { continue };
        let names: Vec<String> = missing.iter().map(|l| hop(cx, l)).collect();
        let mut d = cx.finding(
            &LATENCY_ESTIMATE_MISSING,
            format!(
                "flow `{}` has a {} p95 target but no latency estimate for {}",
                cx.name(b.flow),
                ms(b.target),
                names.join(", ")
            ),
            first.span,
            "no latency estimate",
            &[b.flow],
        );
        for l in missing.iter().skip(1) {
            d = d.with_secondary(l.span, "no latency estimate");
        }
        acc.push(
            d.with_secondary(b.target_span, "target that cannot be verified")
                .with_help("give each step a latency such as `40ms`, a `latency` on the matching `uses`, or a `latency` on the target component"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::findings_of as of;

    #[test]
    fn replies_to_actors_need_no_estimate() {
        let text = "actor customer\ncomponent api { latency 20ms }\nflow find {\n  p95 100ms\n  customer -> api\n  api -> customer\n}\n";
        assert!(of("PERF002", text).is_empty());
    }
}
