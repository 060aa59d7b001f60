//! PERF004 timeout-inversion: A caller times out before its callee can answer.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use super::{code, dur, duration, is_call, ms};
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::graph;
use crate::semantic::model::ElementId;

pub static TIMEOUT_INVERSION: Rule = Rule {
    code: code("PERF004", "timeout-inversion", Severity::Warning, "A caller times out before its callee can answer."),
    category: Category::Performance,
    explanation: "A caller's timeout must be longer than everything the callee may legitimately spend: its own request deadline (`timeout` on the component), its own downstream calls with their retries, and the p95 latency it needs. Otherwise the caller gives up while the callee is still working, the work is wasted, and retries pile new requests on a service that is already slow. Give the caller the longer timeout, or shorten the callee's deadlines so that they nest. In a cycle of synchronous calls no timeouts can nest, so the inversions along it are one finding that names the cycle's members (acceptances of one of its calls, `PERF004@a@b`, still match it).",
    bad: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 2s }\n",
    good: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 800ms }\n",
    options: &[],
    run: timeout_inversion,
};

/// The latency of one call of a link: a batch flow's or a per-item step's latency covers many.
/// `batch` remembers, per element index, whether a flow is a batch flow.
fn per_call_latency(cx: &Ctx<'_>, l: &Link, batch: &mut [Option<bool>]) -> Option<u64> {
    if l.per_item {
        return None;
    }
    if let LinkOrigin::Step { flow, .. } = l.origin {
        let is_batch = || cx.model.get(flow).and_then(|f| f.word("kind")) == Some("batch");
        if *batch[flow.0 as usize].get_or_insert_with(is_batch) {
            return None;
        }
    }
    l.latency
}

/// What the rule reads of a callee, once: its own deadline (`timeout`), and its p95 need once
/// asked; in nanoseconds, with the sentinels below, so that each of the 100,000 callees of a
/// large model takes 16 bytes.
struct Callee {
    own: u64,
    needs: u64,
}

/// No such duration.
const NO_DURATION: u64 = u64::MAX;
/// A callee's need not asked yet.
const NOT_ASKED: u64 = u64::MAX - 1;

fn duration_or_none(d: Option<u64>) -> u64 {
    d.unwrap_or(NO_DURATION)
}

fn known_duration(d: u64) -> Option<u64> {
    (d != NO_DURATION).then_some(d)
}

/// A callee's own deadline (`timeout` on it) caps what it spends, downstream waits included;
/// without one, its longest downstream wait with every retry counts.
fn timeout_inversion(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let n = cx.model.elements.len();
    let links = &cx.facts.links;
    // What a timed call may spend waiting, every retry included.
    let wait = |l: &Link| l.timeout.map(|t| t.saturating_mul(1 + l.retries.unwrap_or(0)));
    // What each element may spend waiting downstream: its longest call with every retry, as the
    // index of that call in the links (`NONE` when it makes no timed call). Per-element tables
    // hold four or eight bytes: at 100,000 components the model has 285,000 elements.
    const NONE: u32 = u32::MAX;
    let mut downstream: Vec<u32> = vec![NONE; n];
    for (i, l) in links.iter().enumerate().filter(|(_, l)| is_call(l)) {
        let Some(slot) = downstream.get_mut(l.from.0 as usize) else { continue };
        if let Some(w) = wait(l) {
            if *slot == NONE || wait(&links[*slot as usize]).is_some_and(|best| w > best) {
                *slot = i as u32;
            }
        }
    }
    let downstream_of = |id: ElementId| {
        let at = downstream.get(id.0 as usize).copied().filter(|&at| at != NONE)?;
        let down = &links[at as usize];
        Some((wait(down)?, down))
    };
    // Synchronous call cycles: inside one, every caller waits on a callee that waits on the next,
    // so no timeouts can nest. That is one cause (the cycle), reported once per cycle.
    // Own latency plus the `uses` latencies; read only for the callees of timed calls, not for
    // every element of the model.
    // The `uses` latencies are summed from the callee's own links when asked (once per callee),
    // not kept in a table over every element.
    let needs = |id: ElementId| {
        let own = cx.model.get(id).and_then(|e| duration(e, "latency"));
        let declared = cx.facts.outgoing.list(id.0 as usize).iter().map(|&i| &links[i]);
        let uses_latency = declared
            .filter(|l| is_call(l) && l.origin == LinkOrigin::Uses)
            .filter_map(|l| l.latency)
            .reduce(|sum, lat| sum + lat);
        match uses_latency {
            Some(sum) => Some(own.unwrap_or(0) + sum),
            None => own,
        }
    };
    // Read from the model once per callee rather than once per call: the callee's own deadline
    // and its p95 need, kept for the callees only (`callee_at` numbers them); and whether a
    // flow is a batch.
    let mut callee_at: Vec<u32> = vec![NONE; n];
    let mut callees: Vec<Callee> = Vec::new();
    let mut batch: Vec<Option<bool>> = vec![None; n];
    // Each element's callees, read from the facts' outgoing links rather than copied into a
    // list per element.
    let calls = |v: usize| {
        let links = &cx.facts.links;
        cx.facts.outgoing.list(v).iter().map(|&i| &links[i]).filter(|l| is_call(l)).map(|l| l.to.0 as usize)
    };
    // Only an element that calls and is called can be on a cycle: the search runs over those
    // alone, not over every element of the model.
    let mut called = vec![false; n];
    cx.facts.links.iter().filter(|l| is_call(l)).for_each(|l| called[l.to.0 as usize] = true);
    let members: Vec<usize> = (0..n).filter(|&v| called[v] && calls(v).next().is_some()).collect();
    drop(called);
    let mut member_at = vec![NONE; n];
    for (i, &v) in members.iter().enumerate() {
        member_at[v] = i as u32;
    }
    let sccs: Vec<Vec<usize>> = graph::strongly_connected(members.len(), 2, |i| {
        calls(members[i]).map(|w| member_at[w]).filter(|&j| j != NONE).map(|j| j as usize).collect()
    });
    // The cycle of each member that is on one, by member number.
    let mut cycle_of: Vec<u32> = vec![NONE; members.len()];
    for (k, scc) in sccs.iter().enumerate() {
        for &m in scc {
            cycle_of[m] = k as u32;
        }
    }
    let cycle_of = |id: ElementId| {
        let m = member_at.get(id.0 as usize).copied().filter(|&m| m != NONE)?;
        Some(cycle_of[m as usize]).filter(|&k| k != NONE)
    };
    let same_cycle = |a: ElementId, b: ElementId| cycle_of(a).is_some() && cycle_of(a) == cycle_of(b);
    let mut in_cycles: BTreeMap<u32, Vec<&Link>> = BTreeMap::new();
    // Sized once: growing it held the old table and the new one at the same time.
    let timed = cx.facts.links.iter().filter(|l| is_call(l) && l.timeout.is_some()).count();
    let mut seen = FxHashSet::with_capacity_and_hasher(timed, Default::default());
    for l in cx.facts.links.iter().filter(|l| is_call(l)) {
        let Some(t) = l.timeout else { continue };
        if !seen.insert((l.from, l.to, t)) {
            continue;
        }
        // Names are looked up only for a finding: most calls nest their timeouts fine.
        let callee = || cx.name(l.to);
        let head = || format!("`{}` gives up on `{}` after {}", cx.name(l.from), callee(), dur(t));
        let known = match callee_at[l.to.0 as usize] {
            NONE => {
                callee_at[l.to.0 as usize] = callees.len() as u32;
                let own = cx.model.get(l.to).and_then(|e| duration(e, "timeout"));
                callees.push(Callee { own: duration_or_none(own), needs: NOT_ASKED });
                callees.len() - 1
            }
            at => at as usize,
        };
        let own = known_duration(callees[known].own);
        // The attribute is read again only for a finding.
        let own_attr = || cx.model.get(l.to).and_then(|e| e.attr("timeout"));
        let d = if let Some((c, attr)) = own.filter(|c| *c >= t).and_then(|c| Some((c, own_attr()?))) {
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{}, but `{}` allows its requests {}", head(), callee(), dur(c)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
            .with_secondary(attr.span_in(cx.model.file_of(l.to)), "the callee's own deadline")
        } else if let Some((w, down)) = downstream_of(l.to).filter(|(w, _)| *w >= t && own.is_none()) {
            if same_cycle(l.from, l.to) && same_cycle(l.to, down.to) {
                if let Some(k) = cycle_of(l.from) {
                    in_cycles.entry(k).or_default().push(l);
                }
                continue;
            }
            let attempts = 1 + down.retries.unwrap_or(0);
            let how = if attempts > 1 {
                format!(" ({} x {attempts} attempts)", dur(down.timeout.unwrap_or(0)))
            } else {
                String::new()
            };
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{}, but `{}` may wait {} on `{}`{how}", head(), callee(), dur(w), cx.name(down.to)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
            .with_secondary(down.span, "the callee's downstream wait")
        } else if let Some(p) = per_call_latency(cx, l, &mut batch)
            .or_else(|| {
                let need = &mut callees[known].needs;
                if *need == NOT_ASKED {
                    *need = duration_or_none(needs(l.to));
                }
                known_duration(*need)
            })
            .filter(|p| *p > t)
        {
            cx.finding(
                &TIMEOUT_INVERSION,
                format!("{}, but `{}` needs {} at p95", head(), callee(), ms(p)),
                l.span,
                format!("times out after {}", dur(t)),
                &[l.from, l.to],
            )
        } else {
            continue;
        };
        acc.push(
            d.with_help(format!("make the timeout on `{0}` longer than everything it may spend, or shorten `{0}`'s own deadlines", callee()))
                .with_note("a caller that gives up first wastes the callee's work, and its retries pile more load on a slow service"),
        );
    }
    for (_, links) in in_cycles {
        let mut members: Vec<ElementId> = links.iter().flat_map(|l| [l.from, l.to]).collect();
        members.sort_by_key(|m| cx.name(*m));
        members.dedup();
        let names: Vec<String> = members.iter().map(|m| format!("`{}`", cx.name(*m))).collect();
        let first = links[0];
        let mut d = cx.finding(
            &TIMEOUT_INVERSION,
            format!(
                "timeouts cannot nest in the synchronous cycle of {}: each caller gives up while its callee still waits on the next",
                names.join(", ")
            ),
            first.span,
            format!("times out after {}", dur(first.timeout.unwrap_or(0))),
            &members,
        );
        for l in links.iter().skip(1) {
            d = d.with_secondary(
                l.span,
                format!("`{}` gives up on `{}` after {}", cx.name(l.from), cx.name(l.to), dur(l.timeout.unwrap_or(0))),
            );
        }
        let merged: Vec<String> =
            links.iter().map(|l| format!("PERF004@{}@{}", cx.name(l.from), cx.name(l.to))).collect();
        acc.push(d.with_merged(merged).with_help(
            "break the cycle (dependency-cycle reports it); until then no choice of timeouts is consistent",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn every_timeout_in_a_sync_cycle_is_one_finding() {
        let text = "component a { uses b sync { timeout 1s circuit-breaker } }\ncomponent b { uses c sync { timeout 1s circuit-breaker } }\ncomponent c { uses a sync { timeout 1s circuit-breaker } }\naccept PERF004@b@c \"written before the cycle was one finding\"\n";
        let f = of("PERF004", text);
        assert_eq!(f.len(), 1, "{:?}", messages("PERF004", text));
        assert_eq!(f[0].fingerprint(), "PERF004@a@b@c");
        assert_eq!(f[0].secondary.len(), 2, "the other calls of the cycle are related locations");
        let all = crate::check::registry::check_source(text);
        let d = all.iter().find(|d| d.code.id == "PERF004").unwrap();
        assert!(d.suppression.is_some(), "an acceptance of one call still matches");
    }

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
