//! Performance budget (PERF): latency budgets summed along flows, missing estimates, synchronous
//! chain depth, timeout inversions, chatty interactions and throughput against capacity.
//!
//! The critical path of a flow is shared with the reliability rules: the steps the initiator waits
//! for, that is the synchronous steps leaving an element the flow reached synchronously (all steps
//! when the flow `waits`). Replies to actors are not hops of their own.

use std::collections::{BTreeMap, BTreeSet};

use super::shared::{critical_path, flow_steps};
use super::{Category, Ctx, Link, LinkOrigin, Rule, RuleOption};
use crate::analysis::facts;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::semantic::model::{Element, ElementId, Val};
use crate::source::Span;
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The performance rules, in code order.
pub static RULES: &[&Rule] = &[
    &LATENCY_BUDGET_EXCEEDED,
    &LATENCY_ESTIMATE_MISSING,
    &SYNC_CHAIN_TOO_DEEP,
    &TIMEOUT_INVERSION,
    &CHATTY_INTERACTION,
    &THROUGHPUT_OVER_CAPACITY,
];

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

pub static LATENCY_ESTIMATE_MISSING: Rule = Rule {
    code: code("PERF002", "latency-estimate-missing", Severity::Warning, "A flow has a latency target but some step on its critical path has no latency estimate."),
    category: Category::Performance,
    explanation: "A `p95` target can only be verified when every step the initiator waits for has an estimate: the step's own latency, a `latency` on the matching `uses`, or a `latency` on the target component. Until then the budget rule stays silent for the flow (unless the known steps alone already exceed the target), so the gap is reported once here, listing the steps that need a number.",
    bad: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n}\n",
    good: "actor customer\ncomponent gateway { latency 20ms }\ncomponent orders { latency 150ms }\ncomponent payments\nflow checkout {\n  p95 300ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments 80ms\n}\n",
    options: &[],
    run: latency_estimate_missing,
};

/// `[rules.PERF003] max-depth`.
pub const SYNC_CHAIN_TOO_DEEP_MAX_DEPTH: RuleOption = RuleOption {
    rule: "PERF003",
    name: "max-depth",
    default: 4,
    doc: "Most synchronous calls allowed in a chain from an entry point.",
};

pub static SYNC_CHAIN_TOO_DEEP: Rule = Rule {
    code: code("PERF003", "sync-chain-too-deep", Severity::Warning, "A chain of synchronous calls from an entry point is deeper than allowed."),
    category: Category::Performance,
    explanation: "Every synchronous hop adds latency, multiplies the chance of failure and ties the caller's threads to the slowest callee: a long chain behaves like a distributed monolith, and one slow service at its end stalls everything above it. The rule follows synchronous `uses` and flow steps between components from each entry point (a component reached from an actor, an external system or the internet zone, or exposing a public interface) and reports the longest chain when it has more calls than `max-depth`. Cycles are ignored here; dependency-cycle reports them. Make some calls asynchronous, cache their answers, or merge services that always call each other.",
    bad: "actor user\ncomponent web { uses a sync { timeout 1s circuit-breaker } }\ncomponent a { uses b sync { timeout 1s circuit-breaker } }\ncomponent b { uses c sync { timeout 1s circuit-breaker } }\ncomponent c { uses d sync { timeout 1s circuit-breaker } }\ncomponent d { uses e sync { timeout 1s circuit-breaker } }\ncomponent e\nflow browse {\n  user -> web\n}\n",
    good: "actor user\ncomponent web { uses a sync { timeout 1s circuit-breaker } }\ncomponent a { uses b sync { timeout 1s circuit-breaker } }\ncomponent b { uses c sync { timeout 1s circuit-breaker } }\ncomponent c { uses d sync { timeout 1s circuit-breaker } }\ncomponent d { uses e async }\ncomponent e\nflow browse {\n  user -> web\n}\n",
    options: &[SYNC_CHAIN_TOO_DEEP_MAX_DEPTH],
    run: sync_chain_too_deep,
};

pub static TIMEOUT_INVERSION: Rule = Rule {
    code: code("PERF004", "timeout-inversion", Severity::Warning, "A caller times out before its callee can answer."),
    category: Category::Performance,
    explanation: "A caller's timeout must be longer than everything the callee may legitimately spend: its own request deadline (`timeout` on the component), its own downstream calls with their retries, and the p95 latency it needs. Otherwise the caller gives up while the callee is still working, the work is wasted, and retries pile new requests on a service that is already slow. Give the caller the longer timeout, or shorten the callee's deadlines so that they nest.",
    bad: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 2s }\n",
    good: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api { timeout 800ms }\n",
    options: &[],
    run: timeout_inversion,
};

/// `[rules.PERF005] max-calls-per-pair`.
pub const CHATTY_INTERACTION_MAX_CALLS_PER_PAIR: RuleOption = RuleOption {
    rule: "PERF005",
    name: "max-calls-per-pair",
    default: 3,
    doc: "Most synchronous steps allowed between the same two elements in one flow.",
};

pub static CHATTY_INTERACTION: Rule = Rule {
    code: code("PERF005", "chatty-interaction", Severity::Warning, "The same pair of elements talks synchronously too often in one flow, or once per item."),
    category: Category::Performance,
    explanation: "Many small synchronous round trips between the same two elements (more than `max-calls-per-pair` in one flow), or a synchronous call made once per item of a collection (`per-item`), make latency grow with the data instead of staying flat, and load the callee with overhead. Fetch what is needed in one batch call, return richer responses, or move the per-item work behind a queue.",
    bad: "component orders { uses catalog sync { timeout 1s circuit-breaker per-item } }\ncomponent catalog\n",
    good: "component orders { uses catalog sync { timeout 1s circuit-breaker description \"One batch lookup per order\" } }\ncomponent catalog\n",
    options: &[CHATTY_INTERACTION_MAX_CALLS_PER_PAIR],
    run: chatty_interaction,
};

pub static THROUGHPUT_OVER_CAPACITY: Rule = Rule {
    code: code("PERF006", "throughput-over-capacity", Severity::Warning, "A flow's throughput target sends more load to an element than its instances sustain."),
    category: Category::Performance,
    explanation: "A flow with a `throughput` target sends that rate, times the number of synchronous calls per run, to every element it calls synchronously. When that exceeds the element's `capacity` per instance times its `replicas`, the element saturates before the target is reached and queues build up along the whole path. Add replicas, raise the capacity (cache, optimise), or reduce the calls per flow. Elements without a declared capacity are skipped.",
    bad: "actor customer\ncomponent api { capacity 50/s replicas 2 }\nflow browse {\n  throughput 150/s\n  customer -> api\n}\n",
    good: "actor customer\ncomponent api { capacity 50/s replicas 4 }\nflow browse {\n  throughput 150/s\n  customer -> api\n}\n",
    options: &[],
    run: throughput_over_capacity,
};

// Shared facts about flows, also read by the reliability rules.

/// A duration attribute, in nanoseconds.
pub(crate) fn duration(e: &Element, name: &str) -> Option<u64> {
    match e.value(name) {
        Some(Val::Lit(Literal::Duration(ns))) => Some(*ns),
        _ => None,
    }
}

/// A rate attribute, per second.
pub(crate) fn rate(e: &Element, name: &str) -> Option<f64> {
    match e.value(name) {
        Some(Val::Lit(Literal::Rate(r))) => Some(*r),
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

fn per_second(r: f64) -> String {
    Literal::Rate(r).to_string()
}

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

/// The latency estimates declared on `uses`, by (from, to).
fn uses_latencies(cx: &Ctx<'_>) -> BTreeMap<(ElementId, ElementId), u64> {
    let mut out = BTreeMap::new();
    for l in &cx.facts.links {
        if let (LinkOrigin::Uses, Some(ns)) = (l.origin, l.latency) {
            out.entry((l.from, l.to)).or_insert(ns);
        }
    }
    out
}

/// A step's p95 estimate: its own, else the matching `uses`, else the target's `latency`.
fn estimate(
    cx: &Ctx<'_>,
    uses: &BTreeMap<(ElementId, ElementId), u64>,
    flow: ElementId,
    index: usize,
    l: &Link,
) -> Result<u64, Gap> {
    if let Some(ns) = l.latency {
        return Ok(ns);
    }
    if let Some(ns) = uses.get(&(l.from, l.to)) {
        return Ok(*ns);
    }
    let target = cx.model.get(l.to);
    if let Some(ns) = target.and_then(|t| duration(t, "latency")) {
        return Ok(ns);
    }
    let step_hole = cx
        .model
        .get(flow)
        .and_then(|f| f.steps.get(index))
        .is_some_and(|s| s.options.iter().any(|a| a.name == "latency" && a.values().any(|v| v.val == Val::Hole)));
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
    let steps = flow_steps(cx);
    let uses = uses_latencies(cx);
    let overhead = cx.option(&LATENCY_BUDGET_EXCEEDED_HOP_OVERHEAD_MS).saturating_mul(1_000_000);
    let mut out = Vec::new();
    for (flow, e) in cx.model.of_kind(DeclKind::Flow) {
        let (Some(target), Some(attr)) = (duration(e, "p95"), e.attr("p95")) else { continue };
        let Some(list) = steps.get(&flow) else { continue };
        let path = critical_path(cx, flow, list);
        if path.is_empty() {
            continue;
        }
        let costs = path.iter().map(|(i, l)| estimate(cx, &uses, flow, *i, l)).collect();
        out.push(Budget { flow, target, target_span: attr.span, path, costs, overhead });
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

/// Strongly connected components of a graph given as sorted adjacency lists (iterative Tarjan).
fn components(adj: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = adj.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![NONE; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut count = 0;
    let mut calls: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != NONE || adj[root].is_empty() {
            if index[root] == NONE {
                // An isolated node or a sink is its own component.
                index[root] = next;
                next += 1;
                comp[root] = count;
                count += 1;
            }
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, 0));
        while let Some(&(v, i)) = calls.last() {
            if let Some(&w) = adj[v].get(i) {
                if let Some(top) = calls.last_mut() {
                    top.1 += 1;
                }
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                calls.pop();
                if let Some(&(p, _)) = calls.last() {
                    low[p] = low[p].min(low[v]);
                }
                if low[v] == index[v] {
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = count;
                        if w == v {
                            break;
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    comp
}

/// A sync link that is a remote call between services: in-process calls and libraries do not count.
fn is_remote_sync_call(cx: &Ctx<'_>, l: &Link) -> bool {
    !l.is_async
        && !l.is_local()
        && l.from != l.to
        && cx.kind(l.from) == Some(DeclKind::Component)
        && matches!(cx.kind(l.to), Some(DeclKind::Component | DeclKind::External))
        && !matches!(cx.kind_word(l.to), Some("library" | "module"))
}

fn sync_chain_too_deep(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max = cx.option(&SYNC_CHAIN_TOO_DEEP_MAX_DEPTH) as usize;
    let n = cx.model.elements.len();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut edge_span: BTreeMap<(usize, usize), Span> = BTreeMap::new();
    for l in cx.facts.links.iter().filter(|l| is_remote_sync_call(cx, l)) {
        let (a, b) = (l.from.0 as usize, l.to.0 as usize);
        if a < n && b < n {
            adj[a].push(b);
            edge_span.entry((a, b)).or_insert(l.span);
        }
    }
    for list in &mut adj {
        list.sort_unstable();
        list.dedup();
    }
    // Entry points.
    let mut entry = vec![false; n];
    let in_internet = |id: ElementId| cx.facts.zone_of(id).is_some_and(|z| cx.zones.is_internet(z));
    for (id, _) in cx.model.of_kind(DeclKind::Component) {
        if in_internet(id) {
            entry[id.0 as usize] = true;
        }
    }
    for (&iface, &provider) in &cx.facts.provider {
        let public = cx.model.get(iface).and_then(|i| i.word("exposure")) == Some("public");
        if public && cx.kind(provider) == Some(DeclKind::Component) {
            entry[provider.0 as usize] = true;
        }
    }
    for l in &cx.facts.links {
        let outside = matches!(cx.kind(l.from), Some(DeclKind::Actor | DeclKind::External)) || in_internet(l.from);
        if outside && cx.kind(l.to) == Some(DeclKind::Component) {
            entry[l.to.0 as usize] = true;
        }
    }
    if !entry.iter().any(|e| *e) {
        // No declared entry point: components nothing calls synchronously stand in for them.
        let mut called = vec![false; n];
        adj.iter().flatten().for_each(|&b| called[b] = true);
        for (id, _) in cx.model.of_kind(DeclKind::Component) {
            entry[id.0 as usize] = !called[id.0 as usize];
        }
    }
    let chains = longest_chains(&adj);
    // Deepest first; an entry point already on a reported chain (or in a cycle with one) adds
    // nothing new.
    let mut deep: Vec<(usize, usize)> =
        (0..n).filter(|v| entry[*v] && chains.best[*v] > max).map(|v| (chains.best[v], v)).collect();
    deep.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut covered = BTreeSet::new();
    let name = |v: usize| cx.name(ElementId(v as u32));
    for (depth, start) in deep {
        if covered.contains(&chains.comp[start]) {
            continue;
        }
        let mut names = vec![name(start)];
        let mut hops: Vec<Option<(usize, usize)>> = Vec::new();
        let mut cycles: Vec<usize> = Vec::new();
        let mut v = start;
        covered.insert(chains.comp[v]);
        while let Some((x, w)) = chains.choice[v] {
            if x != v {
                // Through a cycle: one call at least, a direct one when there is such an edge.
                if adj[v].binary_search(&x).is_ok() {
                    names.push(name(x));
                    hops.push(Some((v, x)));
                } else {
                    names.push(format!("… -> {}", name(x)));
                    hops.push(None);
                }
                cycles.push(chains.comp[v]);
            }
            names.push(name(w));
            hops.push(Some((x, w)));
            covered.insert(chains.comp[w]);
            v = w;
        }
        let entry_id = ElementId(start as u32);
        let mut d = cx.finding(
            &SYNC_CHAIN_TOO_DEEP,
            format!(
                "synchronous call chain from `{}` is {depth} calls deep (max {max}): {}",
                cx.name(entry_id),
                names.join(" -> ")
            ),
            cx.span_of(entry_id),
            format!("entry point of a {depth}-call chain"),
            &[entry_id],
        );
        for (k, hop) in hops.iter().enumerate().skip(max) {
            if let Some(span) = hop.and_then(|h| edge_span.get(&h)) {
                d = d.with_secondary(*span, format!("call {} of {depth}", k + 1));
            }
        }
        for c in cycles {
            let ms: Vec<String> =
                chains.members.get(c).into_iter().flatten().map(|m| format!("`{}`", name(*m))).collect();
            d = d.with_note(format!(
                "the chain passes through a cycle of {}, crossed once (dependency-cycle reports the cycle)",
                ms.join(", ")
            ));
        }
        acc.push(
            d.with_help("make some of these calls asynchronous, cache their answers, or merge services that always call each other")
                .with_note("each synchronous hop adds latency and another way for the whole request to fail"),
        );
    }
}

/// The longest synchronous chain from every node, computed on the condensation so that no cycle
/// is walked twice: a chain that enters a cycle at one member and leaves it from another counts
/// one call inside it (a lower bound), and never more.
struct Chains {
    comp: Vec<usize>,
    members: Vec<Vec<usize>>,
    /// Calls in the longest chain from each node.
    best: Vec<usize>,
    /// The first call leaving the node's cycle on that chain: (member it leaves from, target).
    choice: Vec<Option<(usize, usize)>>,
}

fn longest_chains(adj: &[Vec<usize>]) -> Chains {
    let n = adj.len();
    let comp = components(adj);
    let count = comp.iter().map(|c| c + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &c) in comp.iter().enumerate() {
        members[c].push(v);
    }
    let mut best = vec![0; n];
    let mut choice = vec![None; n];
    // Tarjan numbers components in reverse topological order: successors come first.
    for ms in &members {
        // Each member's best way out of the component: (calls, target).
        let mut out: Vec<(usize, Option<usize>)> = Vec::with_capacity(ms.len());
        for &x in ms {
            let mut b = (0, None);
            for &w in &adj[x] {
                if comp[w] != comp[x] && (best[w] + 1 > b.0) {
                    b = (best[w] + 1, Some(w));
                }
            }
            out.push(b);
        }
        // The two best exits from different members, first ones on ties.
        let mut first: Option<usize> = None;
        let mut second: Option<usize> = None;
        for (k, o) in out.iter().enumerate().filter(|(_, o)| o.1.is_some()) {
            match first {
                Some(f) if out[f].0 >= o.0 => {
                    if second.is_none_or(|s| out[s].0 < o.0) {
                        second = Some(k);
                    }
                }
                _ => {
                    second = first;
                    first = Some(k);
                }
            }
        }
        for (k, &v) in ms.iter().enumerate() {
            let own = out[k];
            let other = if first == Some(k) { second } else { first };
            let mut b = own.0;
            let mut c = own.1.map(|w| (v, w));
            if let Some(o) = other {
                if out[o].0 + 1 > b {
                    b = out[o].0 + 1;
                    c = out[o].1.map(|w| (ms[o], w));
                }
            }
            best[v] = b;
            choice[v] = c;
        }
    }
    Chains { comp, members, best, choice }
}

/// A sync call that a caller makes and can time out: a `uses` or a flow step.
fn is_call(l: &Link) -> bool {
    !l.is_async && matches!(l.origin, LinkOrigin::Uses | LinkOrigin::Step { .. }) && l.from != l.to
}

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

fn chatty_interaction(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max = cx.option(&CHATTY_INTERACTION_MAX_CALLS_PER_PAIR) as usize;
    // Too many synchronous steps between the same pair in one flow.
    for (flow, steps) in flow_steps(cx) {
        let mut pairs: BTreeMap<(ElementId, ElementId), Vec<&Link>> = BTreeMap::new();
        for (_, l) in steps.iter().filter(|(_, l)| !l.is_async && l.from != l.to) {
            pairs.entry((l.from, l.to)).or_default().push(l);
        }
        for ((from, to), calls) in pairs {
            if calls.len() <= max {
                continue;
            }
            let Some(first) = calls.first() else { continue };
            let mut d = cx.finding(
                &CHATTY_INTERACTION,
                format!(
                    "flow `{}` calls `{}` from `{}` synchronously {} times (max {max})",
                    cx.name(flow),
                    cx.name(to),
                    cx.name(from),
                    calls.len()
                ),
                first.span,
                format!("first of {} calls", calls.len()),
                &[flow, from, to],
            );
            for l in calls.iter().skip(1) {
                d = d.with_secondary(l.span, "again");
            }
            acc.push(d.with_help("fetch what the flow needs in one call, or return richer responses"));
        }
    }
    // Synchronous calls made once per item.
    let mut per_item: BTreeMap<(ElementId, ElementId), Vec<&Link>> = BTreeMap::new();
    for l in cx.facts.links.iter().filter(|l| l.per_item && is_call(l)) {
        per_item.entry((l.from, l.to)).or_default().push(l);
    }
    for ((from, to), mut links) in per_item {
        // The declaration (`uses`) is the place to fix; flow steps follow.
        links.sort_by_key(|l| !matches!(l.origin, LinkOrigin::Uses));
        let Some(first) = links.first() else { continue };
        let flows: Vec<String> = links
            .iter()
            .filter_map(|l| match l.origin {
                LinkOrigin::Step { flow, .. } => Some(format!("`{}`", cx.name(flow))),
                _ => None,
            })
            .collect();
        let mut d = cx.finding(
            &CHATTY_INTERACTION,
            format!("`{}` calls `{}` synchronously once per item", cx.name(from), cx.name(to)),
            first.span,
            "per-item synchronous call",
            &[from, to],
        );
        if !flows.is_empty() {
            d = d.with_note(format!("in flow {}", flows.join(", ")));
        }
        acc.push(d.with_help("fetch all items in one batch call, or move the per-item work behind a queue"));
    }
}

fn throughput_over_capacity(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (flow, steps) in flow_steps(cx) {
        let Some(throughput) = cx.model.get(flow).and_then(|f| rate(f, "throughput")) else { continue };
        let mut calls: BTreeMap<ElementId, Vec<&Link>> = BTreeMap::new();
        for (_, l) in steps.iter().filter(|(_, l)| !l.is_async) {
            calls.entry(l.to).or_default().push(l);
        }
        for (target, links) in calls {
            let Some(e) = cx.model.get(target) else { continue };
            let (Some(capacity), Some(attr)) = (rate(e, "capacity"), e.attr("capacity")) else { continue };
            // An unknown count (`replicas 2x`, already reported) is not one instance.
            if facts::written_but_unreadable(cx.model, target, "replicas") {
                continue;
            }
            let replicas = cx.replicas(target).max(1);
            let load = throughput * links.len() as f64;
            let sustained = capacity * replicas as f64;
            if load <= sustained {
                continue;
            }
            let Some(first) = links.first() else { continue };
            let times = if links.len() > 1 {
                format!(" ({} x {} calls)", per_second(throughput), links.len())
            } else {
                String::new()
            };
            acc.push(
                cx.finding(
                    &THROUGHPUT_OVER_CAPACITY,
                    format!(
                        "flow `{}` sends {}{times} to `{}`, which sustains {} ({} x {replicas} replicas)",
                        cx.name(flow),
                        per_second(load),
                        e.name,
                        per_second(sustained),
                        per_second(capacity)
                    ),
                    first.span,
                    format!("{} needed", per_second(load)),
                    &[flow, target],
                )
                .with_secondary(attr.span, "capacity of one instance")
                .with_help(format!(
                    "run more replicas of `{}`, raise its capacity, or make fewer calls per flow",
                    e.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Diagnostic;

    use crate::check::registry::{findings_of as of, messages_of as messages};

    const SHOP: &str = "actor customer
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
    fn budget_within_target_is_silent() {
        let text = format!("{SHOP}flow checkout {{\n  p95 200ms\n  customer -> gateway\n  gateway -> orders\n  orders -> payments\n  orders -> db 10ms\n}}\n");
        assert!(of("PERF001", &text).is_empty());
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

    #[test]
    fn replies_to_actors_need_no_estimate() {
        let text = "actor customer\ncomponent api { latency 20ms }\nflow find {\n  p95 100ms\n  customer -> api\n  api -> customer\n}\n";
        assert!(of("PERF002", text).is_empty());
    }

    #[test]
    fn interface_steps_reach_the_provider() {
        let text = "actor customer\ncomponent api { latency 80ms exposes SearchApi }\ninterface SearchApi rest { exposure public }\nflow find {\n  p95 50ms\n  customer -> SearchApi\n}\n";
        assert_eq!(
            messages("PERF001", text),
            vec!["flow `find` needs 80ms at p95 along customer -> api, over its 50ms target".to_string()]
        );
    }

    fn chain(n: usize, extra: &str) -> String {
        let mut s = String::from("actor user\n");
        for i in 0..n {
            s.push_str(&format!("component s{i} {{ uses s{} sync {{ timeout 1s circuit-breaker }} }}\n", i + 1));
        }
        s.push_str(&format!("component s{n}\n{extra}flow f {{\n  user -> s0\n}}\n"));
        s
    }

    #[test]
    fn deep_chain_is_reported_once_with_its_path() {
        let d = messages("PERF003", &chain(5, ""));
        assert_eq!(
            d,
            vec!["synchronous call chain from `s0` is 5 calls deep (max 4): s0 -> s1 -> s2 -> s3 -> s4 -> s5"
                .to_string()]
        );
        assert!(of("PERF003", &chain(4, "")).is_empty());
    }

    #[test]
    fn deep_chain_walks_a_cycle_once() {
        // s2 <-> s3 call each other: the chain enters the cycle at s2 and leaves it from s3.
        let cyclic = |n: usize| {
            chain(n, "").replace(
                "component s3 { uses s4",
                "component s3 {\n  uses s2 sync { timeout 1s circuit-breaker }\n  uses s4",
            )
        };
        assert!(of("PERF003", &cyclic(4)).is_empty(), "{:?}", messages("PERF003", &cyclic(4)));
        let d = of("PERF003", &cyclic(5));
        assert_eq!(
            d.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            vec!["synchronous call chain from `s0` is 5 calls deep (max 4): s0 -> s1 -> s2 -> s3 -> s4 -> s5"]
        );
        assert!(
            d[0].notes.iter().any(|n| n.starts_with("the chain passes through a cycle of `s2`, `s3`")),
            "{:?}",
            d[0].notes
        );
    }

    #[test]
    fn a_cycle_is_crossed_by_one_call_at_least() {
        // a -> b -> c -> a is a cycle; the chain enters at a and leaves from c, which a does not
        // call directly: one call is counted for the way through.
        let text = "actor user\ncomponent a { uses b sync { timeout 1s circuit-breaker } }\ncomponent b { uses c sync { timeout 1s circuit-breaker } }\ncomponent c {\n  uses a sync { timeout 1s circuit-breaker }\n  uses d sync { timeout 1s circuit-breaker }\n}\ncomponent d { uses e sync { timeout 1s circuit-breaker } }\ncomponent e { uses f sync { timeout 1s circuit-breaker } }\ncomponent f { uses g sync { timeout 1s circuit-breaker } }\ncomponent g\nflow x {\n  user -> a\n}\n";
        assert_eq!(
            messages("PERF003", text),
            vec!["synchronous call chain from `a` is 5 calls deep (max 4): a -> … -> c -> d -> e -> f -> g".to_string()]
        );
    }

    #[test]
    fn an_entry_point_inside_a_cycle_is_reported_once() {
        // s0 <-> s1 are both entry points; their cycle is reported once, from the deeper one.
        let cyclic = |n: usize| {
            let text = chain(n, "").replace(
                "component s1 { uses s2",
                "component s1 {\n  uses s0 sync { timeout 1s circuit-breaker }\n  uses s2",
            );
            format!("{text}flow g {{\n  user -> s1\n}}\n")
        };
        assert!(of("PERF003", &cyclic(4)).is_empty());
        assert_eq!(
            messages("PERF003", &cyclic(5)),
            vec!["synchronous call chain from `s0` is 5 calls deep (max 4): s0 -> s1 -> s2 -> s3 -> s4 -> s5"
                .to_string()]
        );
    }

    #[test]
    fn without_entry_points_the_roots_stand_in() {
        let text = chain(5, "").replace("actor user\n", "").replace("flow f {\n  user -> s0\n}\n", "");
        assert_eq!(
            messages("PERF003", &text),
            vec!["synchronous call chain from `s0` is 5 calls deep (max 4): s0 -> s1 -> s2 -> s3 -> s4 -> s5"
                .to_string()]
        );
    }

    #[test]
    fn entry_points_on_a_reported_chain_are_not_repeated() {
        // s1 is an entry too (it exposes a public interface), but lies on s0's chain.
        let text = chain(6, "interface Pub rest { exposure public provider s1 }\n");
        let d = of("PERF003", &text);
        assert_eq!(d.len(), 1, "{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>());
        assert_eq!(d[0].subjects, vec!["s0".to_string()]);
        assert_eq!(d[0].secondary.len(), 2);
    }

    /// All diagnostics of a one-file model checked with an `arch.toml`.
    fn with_config(toml: &str, text: &str) -> Vec<Diagnostic> {
        use crate::driver::{analyze_paths_with, RunOptions};
        use crate::host::MemHost;
        let host = MemHost::new([("/ws/arch.toml", toml), ("/ws/example.arch", text)]);
        let opts = RunOptions { today: None, baseline: None };
        let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
        outcome.analyses.into_iter().flat_map(|a| a.diagnostics).chain(outcome.errors).collect()
    }

    #[test]
    fn chain_depth_is_configurable_and_counts_flow_steps() {
        let text = "actor user\ncomponent a\ncomponent b\ncomponent c\nflow f {\n  user -> a\n  a -> b\n  b -> c\n}\n";
        assert!(of("PERF003", text).is_empty());
        let d: Vec<String> = with_config("[rules.sync-chain-too-deep]\nmax-depth = 1\n", text)
            .into_iter()
            .filter(|d| d.code.id == "PERF003")
            .map(|d| d.message)
            .collect();
        assert_eq!(d, vec!["synchronous call chain from `a` is 2 calls deep (max 1): a -> b -> c".to_string()]);
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

    #[test]
    fn chatty_pairs_in_a_flow() {
        let text = "actor user\ncomponent web\ncomponent api\nflow f {\n  user -> web\n  web -> api\n  web -> api\n  web -> api\n  web -> api\n}\n";
        let d = of("PERF005", text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "flow `f` calls `api` from `web` synchronously 4 times (max 3)");
        assert_eq!(d[0].subjects, vec!["f".to_string(), "web".to_string(), "api".to_string()]);
        let three = text.replacen("  web -> api\n", "", 1);
        assert!(of("PERF005", &three).is_empty());
    }

    #[test]
    fn per_item_is_reported_once_per_pair_and_only_when_sync() {
        let text = "actor user\ncomponent web { uses api sync { timeout 1s circuit-breaker per-item } }\ncomponent api\ncomponent worker\nflow f {\n  user -> web\n  web -> api per-item\n  web ~> worker per-item\n}\n";
        let d = of("PERF005", text);
        assert_eq!(d.len(), 1, "{:?}", d.iter().map(|d| &d.message).collect::<Vec<_>>());
        assert_eq!(d[0].message, "`web` calls `api` synchronously once per item");
        assert_eq!(d[0].notes, vec!["in flow `f`".to_string()]);
    }

    #[test]
    fn throughput_counts_calls_per_flow() {
        let text = "actor user\ncomponent web\ncomponent api { capacity 100/s replicas 2 }\nflow f {\n  throughput 80/s\n  user -> web\n  web -> api\n  web -> api\n  web -> api\n}\n";
        assert_eq!(
            messages("PERF006", text),
            vec![
                "flow `f` sends 240/s (80/s x 3 calls) to `api`, which sustains 200/s (100/s x 2 replicas)".to_string()
            ]
        );
        let unknown = text.replace("capacity 100/s ", "");
        assert!(of("PERF006", &unknown).is_empty());
    }

    #[test]
    fn throughput_skips_a_replicas_value_that_failed_to_parse() {
        let text = "actor user\ncomponent api { capacity 100/s replicas 4x }\nflow f {\n  throughput 150/s\n  user -> api\n}\n";
        assert!(messages("PERF006", text).is_empty(), "{:?}", messages("PERF006", text));
        assert_eq!(messages("PERF006", &text.replace(" replicas 4x", "")).len(), 1);
    }
}
