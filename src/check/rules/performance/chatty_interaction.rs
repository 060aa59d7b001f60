//! PERF005 chatty-interaction: The same pair of elements talks synchronously too often in one flow, or once per item.

use std::collections::BTreeMap;

use super::{code, is_call};
use crate::check::shared::flow_steps;
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

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

#[cfg(test)]
mod tests {
    use crate::check::registry::findings_of as of;

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
}
