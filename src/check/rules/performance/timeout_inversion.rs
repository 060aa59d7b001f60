//! PERF004 timeout-inversion: A caller times out before its callee can answer.

use std::collections::BTreeSet;

use super::{code, dur, duration, is_call, ms};
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};

pub static TIMEOUT_INVERSION: Rule = Rule {
    code: code("PERF004", "timeout-inversion", Severity::Warning, "A caller times out before its callee can answer."),
    category: Category::Performance,
    explanation: "A caller's timeout must be longer than everything the callee may legitimately spend: its own request deadline (`timeout` on the component), its own downstream calls with their retries, and the p95 latency it needs. Otherwise the caller gives up while the callee is still working, the work is wasted, and retries pile new requests on a service that is already slow. Give the caller the longer timeout, or shorten the callee's deadlines so that they nest.",
    bad: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 2s }\n",
    good: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 800ms }\n",
    options: &[],
    run: timeout_inversion,
};

/// The latency of one call of a link: a batch flow's or a per-item step's latency covers many.
fn per_call_latency(cx: &Ctx<'_>, l: &Link) -> Option<u64> {
    if l.per_item {
        return None;
    }
    if let LinkOrigin::Step { flow, .. } = l.origin {
        if cx.model.get(flow).and_then(|f| f.word("kind")) == Some("batch") {
            return None;
        }
    }
    l.latency
}

/// A callee's own deadline (`timeout` on it) caps what it spends, downstream waits included;
/// without one, its longest downstream wait with every retry counts.
fn timeout_inversion(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let n = cx.model.elements.len();
    // What each element may spend waiting downstream: its longest call with every retry.
    let mut downstream: Vec<Option<(u64, &Link)>> = vec![None; n];
    // What each element needs at p95: its own latency plus its synchronous `uses` latencies.
    let mut needs: Vec<Option<u64>> = cx.model.elements.iter().map(|e| duration(e, "latency")).collect();
    for l in cx.facts.links.iter().filter(|l| is_call(l)) {
        let Some(slot) = downstream.get_mut(l.from.0 as usize) else { continue };
        if let Some(t) = l.timeout {
            let wait = t.saturating_mul(1 + l.retries.unwrap_or(0));
            if slot.is_none_or(|(w, _)| wait > w) {
                *slot = Some((wait, l));
            }
        }
        if let (LinkOrigin::Uses, Some(lat)) = (l.origin, l.latency) {
            if let Some(need) = needs.get_mut(l.from.0 as usize) {
                *need = Some(need.unwrap_or(0) + lat);
            }
        }
    }
    let mut seen = BTreeSet::new();
    for l in cx.facts.links.iter().filter(|l| is_call(l)) {
        let Some(t) = l.timeout else { continue };
        if !seen.insert((l.from, l.to, t)) {
            continue;
        }
        let (caller, callee) = (cx.name(l.from), cx.name(l.to));
        let head = format!("`{caller}` gives up on `{callee}` after {}", dur(t));
        let own = cx.model.get(l.to).and_then(|e| duration(e, "timeout").zip(e.attr("timeout")));
        let d = if let Some((c, attr)) = own.filter(|(c, _)| *c >= t) {
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{head}, but `{callee}` allows its requests {}", dur(c)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
            .with_secondary(attr.span, "the callee's own deadline")
        } else if let Some((w, down)) =
            downstream.get(l.to.0 as usize).copied().flatten().filter(|(w, _)| *w >= t && own.is_none())
        {
            let attempts = 1 + down.retries.unwrap_or(0);
            let how = if attempts > 1 {
                format!(" ({} x {attempts} attempts)", dur(down.timeout.unwrap_or(0)))
            } else {
                String::new()
            };
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{head}, but `{callee}` may wait {} on `{}`{how}", dur(w), cx.name(down.to)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
            .with_secondary(down.span, "the callee's downstream wait")
        } else if let Some(p) =
            per_call_latency(cx, l).or_else(|| needs.get(l.to.0 as usize).copied().flatten()).filter(|p| *p > t)
        {
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{head}, but `{callee}` needs {} at p95", ms(p)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
        } else {
            continue;
        };
        acc.push(
            d.with_help(format!("make the timeout on `{callee}` longer than everything it may spend, or shorten `{callee}`'s own deadlines"))
                .with_note("a caller that gives up first wastes the callee's work, and its retries pile more load on a slow service"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn timeout_inversion_against_downstream_retries_and_latency() {
        let down = "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { uses db sync { timeout 400ms retries 2 } }\ndatastore db\n";
        assert_eq!(
            messages("PERF004", down),
            vec!["`web` gives up on `api` after 1s, but `api` may wait 1200ms on `db` (400ms x 3 attempts)".to_string()]
        );
        let slow =
            "component web { uses api sync { timeout 100ms circuit-breaker } }\ncomponent api { latency 150ms }\n";
        assert_eq!(
            messages("PERF004", slow),
            vec!["`web` gives up on `api` after 100ms, but `api` needs 150ms at p95".to_string()]
        );
        let fine = "component web { uses api sync { timeout 2s circuit-breaker } }\ncomponent api { timeout 1s latency 150ms uses db sync { timeout 400ms retries 2 } }\ndatastore db\n";
        assert!(of("PERF004", fine).is_empty());
    }

    #[test]
    fn a_callee_deadline_caps_its_downstream_waits_and_batch_steps_are_aggregates() {
        // label waits up to 2400ms on the bucket, but gives every request only 1200ms.
        let capped = "component ship { uses label sync { timeout 1500ms circuit-breaker } }\ncomponent label {\n  timeout 1200ms\n  uses bucket sync { timeout 800ms retries 2 }\n}\ndatastore bucket\n";
        assert!(of("PERF004", capped).is_empty());
        let batch = "component job\nexternal erp\nflow invoicing {\n  kind batch\n  job -> erp timeout 20s 30m\n}\n";
        assert!(of("PERF004", batch).is_empty());
        let request = batch.replace("  kind batch\n", "");
        assert_eq!(
            messages("PERF004", &request),
            vec!["`job` gives up on `erp` after 20s, but `erp` needs 30m at p95".to_string()]
        );
    }
}
