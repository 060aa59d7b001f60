//! PERF001 latency-budget-exceeded: The estimated p95 latency of a flow's critical path exceeds the flow's `p95` target.

use super::{budgets, code, hop, ms};
use crate::check::{Category, Ctx, Link, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.PERF001] hop-overhead-ms`.
pub const LATENCY_BUDGET_EXCEEDED_HOP_OVERHEAD_MS: RuleOption = RuleOption {
    rule: "PERF001",
    name: "hop-overhead-ms",
    default: 0,
    doc: "Milliseconds added for every hop on the critical path (network, serialisation).",
};

pub static LATENCY_BUDGET_EXCEEDED: Rule = Rule {
    code: code("PERF001", "latency-budget-exceeded", Severity::Error, "The estimated p95 latency of a flow's critical path exceeds the flow's `p95` target."),
    category: Category::Performance,
    explanation: "A flow with a `p95` target is checked against the sum of the p95 latencies of the steps its initiator waits for: the synchronous steps in order (asynchronous `~>` steps and what follows from their targets are not waited for, unless the flow says `waits`), plus a configurable overhead per hop. A step's latency is its own (`40ms` or `latency 40ms`), else the `latency` of the matching `uses`, else the target component's `latency`. Summing p95s over-estimates slightly, which is the safe side for a budget. When the sum is over the target the design cannot meet it: cut the biggest contributors (cache, batch, parallelise, go asynchronous) or renegotiate the target.",
    bad: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments { latency 200ms }\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n}\n",
    good: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments { latency 100ms }\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n}\n",
    options: &[LATENCY_BUDGET_EXCEEDED_HOP_OVERHEAD_MS],
    run: latency_budget_exceeded,
};

/// `a -> b -> c, b -> d`: the hops of a path, chained where one starts where the previous ended.
pub(crate) fn path_text(cx: &Ctx<'_>, path: &[(usize, &Link)]) -> String {
    let mut out = String::new();
    let mut prev: Option<ElementId> = None;
    for (_, l) in path {
        if prev == Some(l.from) {
            out.push_str(&format!(" -> {}", cx.name(l.to)));
        } else {
            if prev.is_some() {
                out.push_str(", ");
            }
            out.push_str(&format!("{} -> {}", cx.name(l.from), cx.name(l.to)));
        }
        prev = Some(l.to);
    }
    out
}

fn latency_budget_exceeded(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for b in budgets(cx) {
        let total = b.known_total();
        if total <= b.target {
            continue;
        }
        let complete = b.is_complete();
        let flow_name = cx.name(b.flow);
        let amount = if complete { ms(total) } else { format!("at least {}", ms(total)) };
        let mut d = cx.finding(
            &LATENCY_BUDGET_EXCEEDED,
            format!(
                "flow `{flow_name}` needs {amount} at p95 along {}, over its {} target",
                path_text(cx, &b.path),
                ms(b.target)
            ),
            b.target_span,
            format!("{amount} > {}", ms(b.target)),
            &[b.flow],
        );
        // The biggest contributors, largest first; ties keep the step order.
        let mut ranked: Vec<(u64, usize)> =
            b.costs.iter().enumerate().filter_map(|(k, c)| c.ok().filter(|ns| *ns > 0).map(|ns| (ns, k))).collect();
        ranked.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
        let share = |ns: u64| (ns as f64 * 100.0 / total as f64).round() as u64;
        let mut top = Vec::new();
        for &(ns, k) in ranked.iter().take(3) {
            let Some((_, l)) = b.path.get(k) else { continue };
            top.push(format!("{} {} ({}%)", hop(cx, l), ms(ns), share(ns)));
            d = d.with_secondary(l.span, format!("{} ({}%)", ms(ns), share(ns)));
        }
        if !top.is_empty() {
            d = d.with_note(format!("biggest contributors: {}", top.join(", ")));
        }
        if b.overhead > 0 {
            let all = b.overhead * b.path.len() as u64;
            d = d.with_note(format!(
                "includes {} hops x {} overhead = {} ({}%)",
                b.path.len(),
                ms(b.overhead),
                ms(all),
                share(all)
            ));
        }
        if !complete {
            d = d.with_note("some steps have no estimate yet, so the real figure is higher");
        }
        acc.push(d.with_help("shorten the slowest steps (cache, batch, parallelise, or make them asynchronous), or renegotiate the target"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{with_config, SHOP};
    use crate::check::registry::{findings_of as of, messages_of as messages};
    use crate::diagnostics::Diagnostic;

    #[test]
    fn budget_within_target_is_silent() {
        let text = format!("{SHOP}flow checkout {{\n  p95 200ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n  orders -> db 10ms\n}}\n");
        assert!(of("PERF001", &text).is_empty());
    }

    #[test]
    fn waits_counts_the_async_steps() {
        let base = "actor customer\ncomponent api { latency 20ms }\ncomponent worker { latency 300ms }\nflow report {\n  p95 100ms\n  customer -> api\n  api ~> worker\n}\n";
        assert!(of("PERF001", base).is_empty());
        let waits = base.replace("p95 100ms", "p95 100ms\n  waits");
        let d = messages("PERF001", &waits);
        assert_eq!(
            d,
            vec!["flow `report` needs 320ms at p95 along customer -> api -> worker, over its 100ms target".to_string()]
        );
    }

    #[test]
    fn interface_steps_reach_the_provider() {
        let text = "actor customer\ncomponent api { latency 80ms exposes SearchApi }\ninterface SearchApi rest { exposure public }\nflow find {\n  p95 50ms\n  customer -> SearchApi\n}\n";
        assert_eq!(
            messages("PERF001", text),
            vec!["flow `find` needs 80ms at p95 along customer -> api, over its 50ms target".to_string()]
        );
    }

    #[test]
    fn hop_overhead_is_added_per_hop() {
        let text = "actor customer\ncomponent api { latency 60ms }\ncomponent db_proxy { latency 20ms }\nflow find {\n  p95 100ms\n  customer -> api\n  api -> db_proxy\n}\n";
        assert!(of("PERF001", text).is_empty());
        let d: Vec<Diagnostic> = with_config("[rules.latency-budget-exceeded]\nhop-overhead-ms = 15\n", text)
            .into_iter()
            .filter(|d| d.code.id == "PERF001")
            .collect();
        assert_eq!(d.len(), 1);
        assert!(d[0].message.starts_with("flow `find` needs 110ms at p95"), "{}", d[0].message);
        assert!(d[0].notes.iter().any(|n| n == "includes 2 hops x 15ms overhead = 30ms (27%)"), "{:?}", d[0].notes);
    }
}
