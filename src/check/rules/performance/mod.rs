//! Performance budget (PERF): latency budgets summed along flows, missing estimates, synchronous
//! chain depth, timeout inversions, chatty interactions and throughput against capacity.
//!
//! The critical path of a flow is shared with the reliability rules: the steps the initiator waits
//! for, that is the synchronous steps leaving an element the flow reached synchronously (all steps
//! when the flow `waits`). Replies to actors are not hops of their own.

mod chatty_interaction;
mod latency_budget_exceeded;
mod latency_estimate_missing;
mod sync_chain_too_deep;
mod throughput_over_capacity;
mod timeout_inversion;

pub use chatty_interaction::{CHATTY_INTERACTION, CHATTY_INTERACTION_MAX_CALLS_PER_PAIR};
pub use latency_budget_exceeded::{LATENCY_BUDGET_EXCEEDED, LATENCY_BUDGET_EXCEEDED_HOP_OVERHEAD_MS};
pub use latency_estimate_missing::LATENCY_ESTIMATE_MISSING;
pub use sync_chain_too_deep::{SYNC_CHAIN_TOO_DEEP, SYNC_CHAIN_TOO_DEEP_MAX_DEPTH};
pub use throughput_over_capacity::THROUGHPUT_OVER_CAPACITY;
pub use timeout_inversion::TIMEOUT_INVERSION;

use crate::check::shared::critical_path;
use crate::check::{Ctx, Link, LinkOrigin, Rule};
use crate::semantic::model::{Element, ElementId, Val};
use crate::source::Span;
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

// The rule files of this family name their codes with `super::code`.
use super::code;

/// The performance rules, in code order.
pub static RULES: &[&Rule] = &[
    &LATENCY_BUDGET_EXCEEDED,
    &LATENCY_ESTIMATE_MISSING,
    &SYNC_CHAIN_TOO_DEEP,
    &TIMEOUT_INVERSION,
    &CHATTY_INTERACTION,
    &THROUGHPUT_OVER_CAPACITY,
];

/// A duration attribute, in nanoseconds.
pub(crate) fn duration(e: &Element, name: &str) -> Option<u64> {
    match e.value(name) {
        Some(Val::Lit(Literal::Duration(ns))) => Some(*ns),
        _ => None,
    }
}

/// A duration as budgets are read: milliseconds below ten seconds (`340ms`, `1500ms`, `0.5ms`),
/// larger units above (`30m`, `12.5s`).
pub(crate) fn ms(ns: u64) -> String {
    if ns >= 10_000_000_000 {
        if ns % 1_000_000_000 == 0 {
            dur(ns)
        } else {
            let v = format!("{:.1}", ns as f64 / 1e9);
            format!("{}s", v.trim_end_matches('0').trim_end_matches('.'))
        }
    } else if ns % 1_000_000 == 0 {
        format!("{}ms", ns / 1_000_000)
    } else {
        let v = format!("{:.3}", ns as f64 / 1e6);
        format!("{}ms", v.trim_end_matches('0').trim_end_matches('.'))
    }
}

/// A declared duration as written: `2s`, `800ms`.
pub(crate) fn dur(ns: u64) -> String {
    Literal::Duration(ns).to_string()
}

fn hop(cx: &Ctx<'_>, l: &Link) -> String {
    format!("{} -> {}", cx.name(l.from), cx.name(l.to))
}

/// Why a step has no latency estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gap {
    /// Nothing says how long it takes.
    Missing,
    /// A `?` hole says it is still to be filled (incomplete-model reports those).
    Hole,
}

/// A step's p95 estimate: its own, else the matching `uses`, else the target's `latency`.
fn estimate(cx: &Ctx<'_>, flow: ElementId, index: usize, l: &Link) -> Result<u64, Gap> {
    if let Some(ns) = l.latency {
        return Ok(ns);
    }
    if let Some(ns) = cx.facts.uses_latency(cx.model, l.from, l.to) {
        return Ok(ns);
    }
    let target = cx.model.get(l.to);
    if let Some(ns) = target.and_then(|t| duration(t, "latency")) {
        return Ok(ns);
    }
    let step_hole = cx
        .model
        .get(flow)
        .and_then(|f| f.steps.get(index))
        .is_some_and(|s| s.options.iter().any(|a| a.name() == "latency" && a.values().any(|v| v.val == Val::Hole)));
    let target_hole = target.is_some_and(|t| t.value("latency") == Some(&Val::Hole));
    Err(if step_hole || target_hole { Gap::Hole } else { Gap::Missing })
}

/// The latency budget of one flow with a `p95` target.
struct Budget<'a> {
    flow: ElementId,
    target: u64,
    target_span: Span,
    path: Vec<(usize, &'a Link)>,
    /// The estimate of each hop of `path`.
    costs: Vec<Result<u64, Gap>>,
    /// Overhead added per hop.
    overhead: u64,
}

impl Budget<'_> {
    /// Known estimates plus the overhead of every hop.
    fn known_total(&self) -> u64 {
        let known: u64 = self.costs.iter().filter_map(|c| c.ok()).sum();
        known + self.overhead * self.path.len() as u64
    }

    fn is_complete(&self) -> bool {
        self.costs.iter().all(Result::is_ok)
    }
}

fn budgets<'a>(cx: &'a Ctx<'_>) -> Vec<Budget<'a>> {
    let overhead = cx.option(&LATENCY_BUDGET_EXCEEDED_HOP_OVERHEAD_MS).saturating_mul(1_000_000);
    let mut out = Vec::new();
    for (flow, e) in cx.of_kind(DeclKind::Flow) {
        let (Some(target), Some(attr)) = (duration(e, "p95"), e.attr("p95")) else { continue };
        let path = critical_path(cx, flow);
        if path.is_empty() {
            continue;
        }
        let costs = path.iter().map(|(i, l)| estimate(cx, flow, *i, l)).collect();
        out.push(Budget { flow, target, target_span: attr.span_in(e.file), path, costs, overhead });
    }
    out
}

/// A sync call that a caller makes and can time out: a `uses` or a flow step.
fn is_call(l: &Link) -> bool {
    !l.is_async && matches!(l.origin, LinkOrigin::Uses | LinkOrigin::Step { .. }) && l.from != l.to
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};
    use crate::diagnostics::Diagnostic;

    pub(super) const SHOP: &str = "actor customer
component gateway { latency 20ms }
component orders {
  latency 50ms
  uses payments sync { timeout 2s circuit-breaker latency 120ms }
}
component payments { latency 30ms }
datastore db
topic events
component mailer { latency 500ms }
";

    #[test]
    fn budget_sums_sync_steps_and_names_path_and_contributors() {
        let text = format!("{SHOP}flow checkout {{\n  p95 150ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n  orders -> db 10ms\n}}\n");
        let d = of("PERF001", &text);
        assert_eq!(d.len(), 1, "{d:?}");
        // 20 (gateway) + 50 (orders) + 120 (uses latency wins over payments' own 30ms) + 10.
        assert_eq!(d[0].message, "flow `checkout` needs 200ms at p95 along customer -> gateway -> orders -> payments, orders -> db, over its 150ms target");
        assert_eq!(d[0].subjects, vec!["checkout".to_string()]);
        assert!(d[0].notes.iter().any(|n| n == "biggest contributors: orders -> payments 120ms (60%), gateway -> orders 50ms (25%), customer -> gateway 20ms (10%)"), "{:?}", d[0].notes);
        assert_eq!(d[0].secondary.len(), 3);
        assert!(messages("PERF002", &text).is_empty());
    }

    #[test]
    fn async_steps_stop_the_sum_but_not_later_sync_steps_of_waited_elements() {
        // mailer (500ms) is reached asynchronously through the topic: not waited for. The later
        // orders -> payments is still part of the request the customer waits for.
        let text = format!("{SHOP}flow checkout {{\n  p95 150ms\n  customer -> gateway\n  gateway -> orders\n  orders ~> events\n  events ~> mailer\n  mailer -> db 10ms\n  orders -> payments\n}}\n");
        let d = of("PERF001", &text);
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("needs 190ms")
                && d[0].message.ends_with("along customer -> gateway -> orders -> payments, over its 150ms target"),
            "{}",
            d[0].message
        );
        // The untimed topic hop is not on the critical path, so no estimate is missing.
        assert!(of("PERF002", &text).is_empty());
    }

    #[test]
    fn unknown_estimates_are_reported_once_and_hold_back_the_budget() {
        let text = "actor customer\ncomponent api { latency 20ms }\ncomponent search\ndatastore db\nflow find {\n  p95 100ms\n  customer -> api\n  api -> search\n  api -> db\n}\n";
        assert_eq!(
            messages("PERF002", text),
            vec!["flow `find` has a 100ms p95 target but no latency estimate for api -> search, api -> db".to_string()]
        );
        assert!(of("PERF001", text).is_empty());
        // The known part alone already exceeds the target: the budget fires with a lower bound.
        let over = text.replace("latency 20ms", "latency 120ms");
        let d = messages("PERF001", &over);
        assert_eq!(d, vec!["flow `find` needs at least 120ms at p95 along customer -> api -> search, api -> db, over its 100ms target".to_string()]);
        assert_eq!(of("PERF002", &over).len(), 1);
    }

    #[test]
    fn a_latency_hole_is_left_to_incomplete_model() {
        let text = "actor customer\ncomponent api { latency ? }\nflow find {\n  p95 100ms\n  customer -> api\n}\n";
        assert!(of("PERF002", text).is_empty());
        assert!(of("PERF001", text).is_empty());
        assert_eq!(of("HYG008", text).len(), 1);
    }

    /// All diagnostics of a one-file model checked with an `arch.toml`.
    pub(super) fn with_config(toml: &str, text: &str) -> Vec<Diagnostic> {
        use crate::driver::{analyze_paths_with, RunOptions};
        use crate::host::MemHost;
        let host = MemHost::new([("/ws/arch.toml", toml), ("/ws/example.arch", text)]);
        let opts = RunOptions { today: None, baseline: None };
        let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
        outcome.analyses.into_iter().flat_map(|a| a.diagnostics).chain(outcome.errors).collect()
    }
}
