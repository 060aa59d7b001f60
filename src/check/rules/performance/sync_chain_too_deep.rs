//! PERF003 sync-chain-too-deep: A chain of synchronous calls from an entry point is deeper than allowed.

use std::collections::BTreeSet;

use super::code;
use crate::analysis::ranges::Ranges;
use crate::check::{Category, Ctx, Link, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::DeclKind;

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

/// A sync link that is a remote call between services: in-process calls and libraries do not count.
/// `in_process` remembers, per element index, whether a callee is a library or module: most
/// callees are called many times, and their `kind` is read from the model once.
fn is_remote_sync_call(cx: &Ctx<'_>, l: &Link, in_process: &mut [Option<bool>]) -> bool {
    if l.is_async
        || l.is_local()
        || l.from == l.to
        || cx.kind(l.from) != Some(DeclKind::Component)
        || !matches!(cx.kind(l.to), Some(DeclKind::Component | DeclKind::External))
    {
        return false;
    }
    let library = |id| matches!(cx.kind_word(id), Some("library" | "module"));
    match in_process.get_mut(l.to.0 as usize) {
        Some(Some(known)) => !*known,
        Some(slot) => !*slot.insert(library(l.to)),
        None => !library(l.to),
    }
}

fn sync_chain_too_deep(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let max = cx.option(&SYNC_CHAIN_TOO_DEEP_MAX_DEPTH) as usize;
    let n = cx.model.elements.len();
    let mut in_process: Vec<Option<bool>> = vec![None; n];
    let calls: Vec<&Link> = cx
        .facts
        .links
        .iter()
        .filter(|l| (l.from.0 as usize) < n && (l.to.0 as usize) < n && is_remote_sync_call(cx, l, &mut in_process))
        .collect();
    drop(in_process);
    // The graph has a node for each element that makes or takes a remote call, numbered in
    // element order, so that its tables are sized by the callers and callees, not the model.
    let mut node_at = vec![u32::MAX; n];
    for l in &calls {
        node_at[l.from.0 as usize] = 0;
        node_at[l.to.0 as usize] = 0;
    }
    let mut nodes: Vec<ElementId> = Vec::new();
    for (v, at) in node_at.iter_mut().enumerate() {
        if *at == 0 {
            *at = nodes.len() as u32;
            nodes.push(ElementId(v as u32));
        }
    }
    let node = |id: ElementId| node_at.get(id.0 as usize).copied().filter(|&v| v != u32::MAX).map(|v| v as usize);
    // Each node's distinct callees in node order, with the span of the first call to each.
    let by_caller = Ranges::from_pairs(
        nodes.len(),
        calls.iter().filter_map(|l| Some((node(l.from)?, (node(l.to)? as u32, l.span)))),
    );
    drop(calls);
    let by_caller = by_caller.into_first_per_key();
    // Sized once: the lists hold every distinct call.
    let (lists, edges) = (nodes.len(), (0..nodes.len()).map(|v| by_caller.list(v).len()).sum());
    let (mut adj, mut spans): (Ranges<usize>, Ranges<Span>) =
        (Ranges::with_capacity(lists, edges), Ranges::with_capacity(lists, edges));
    for v in 0..nodes.len() {
        adj.push_list(by_caller.list(v).iter().map(|(w, _)| *w as usize));
        spans.push_list(by_caller.list(v).iter().map(|(_, span)| *span));
    }
    drop(by_caller);
    let edge_span = |a: usize, b: usize| adj.list(a).binary_search(&b).ok().map(|k| spans.list(a)[k]);
    // Entry points among the nodes; whether the model declares any at all, on or off the graph.
    let mut entry = vec![false; nodes.len()];
    let mut any_entry = false;
    let mut mark_entry = |id: ElementId| {
        any_entry = true;
        if let Some(v) = node(id) {
            entry[v] = true;
        }
    };
    // Whether each zone is in the internet, by zone index: asked once per zone, not per element.
    let mut internet_zone: Vec<Option<bool>> = vec![None; n];
    let mut in_internet = |id: ElementId| {
        let Some(z) = cx.facts.zone_of(id) else { return false };
        match internet_zone.get_mut(z.0 as usize) {
            Some(Some(known)) => *known,
            Some(slot) => *slot.insert(cx.zones.is_internet(z)),
            None => cx.zones.is_internet(z),
        }
    };
    for (id, _) in cx.of_kind(DeclKind::Component) {
        if in_internet(id) {
            mark_entry(id);
        }
    }
    for (&iface, &provider) in &cx.facts.provider {
        let public = cx.model.get(iface).and_then(|i| i.word("exposure")) == Some("public");
        if public && cx.kind(provider) == Some(DeclKind::Component) {
            mark_entry(provider);
        }
    }
    for l in &cx.facts.links {
        let outside = matches!(cx.kind(l.from), Some(DeclKind::Actor | DeclKind::External)) || in_internet(l.from);
        if outside && cx.kind(l.to) == Some(DeclKind::Component) {
            mark_entry(l.to);
        }
    }
    if !any_entry {
        // No declared entry point: components nothing calls synchronously stand in for them
        // (one off the graph has no chain to report).
        let mut called = vec![false; nodes.len()];
        (0..nodes.len()).flat_map(|v| adj.list(v)).for_each(|&b| called[b] = true);
        for (v, id) in nodes.iter().enumerate() {
            entry[v] = cx.kind(*id) == Some(DeclKind::Component) && !called[v];
        }
    }
    let chains = longest_chains(&adj);
    // Deepest first; an entry point already on a reported chain (or in a cycle with one) adds
    // nothing new.
    let mut deep: Vec<(usize, usize)> =
        (0..nodes.len()).filter(|v| entry[*v] && chains.best[*v] > max).map(|v| (chains.best[v], v)).collect();
    deep.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    let mut covered = BTreeSet::new();
    let name = |v: usize| cx.name(nodes[v]);
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
                if adj.list(v).binary_search(&x).is_ok() {
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
        let entry_id = nodes[start];
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
            if let Some(span) = hop.and_then(|(a, b)| edge_span(a, b)) {
                d = d.with_secondary(span, format!("call {} of {depth}", k + 1));
            }
        }
        for c in cycles {
            let ms: Vec<String> = chains.members.list(c).iter().map(|m| format!("`{}`", name(*m))).collect();
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
    members: Ranges<usize>,
    /// Calls in the longest chain from each node.
    best: Vec<usize>,
    /// The first call leaving the node's cycle on that chain: (member it leaves from, target).
    choice: Vec<Option<(usize, usize)>>,
}

fn longest_chains(adj: &Ranges<usize>) -> Chains {
    let n = adj.len();
    let comp = crate::graph::component_of(n, |v, i| adj.list(v).get(i).map(|&w| Some(w)));
    let count = comp.iter().map(|c| c + 1).max().unwrap_or(0);
    // Each component's members in node order, in one flat list.
    let members = Ranges::from_pairs(count, comp.iter().enumerate().map(|(v, &c)| (c, v)));
    let mut best = vec![0; n];
    let mut choice = vec![None; n];
    // Tarjan numbers components in reverse topological order: successors come first.
    // Each member's best way out of its component: (calls, target); reused for every component.
    let mut out: Vec<(usize, Option<usize>)> = Vec::new();
    for c in 0..count {
        let ms = members.list(c);
        out.clear();
        for &x in ms {
            let mut b = (0, None);
            for &w in adj.list(x) {
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

#[cfg(test)]
mod tests {
    use super::super::tests::with_config;
    use crate::check::registry::{findings_of as of, messages_of as messages};

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
}
