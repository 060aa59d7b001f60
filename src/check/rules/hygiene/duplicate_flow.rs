//! HYG010 duplicate-flow: The same dependency declared twice.

use rustc_hash::FxHashMap;

use super::code;
use crate::check::{Category, Ctx, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static DUPLICATE_FLOW: Rule = Rule {
    code: code("HYG010", "duplicate-flow", Severity::Warning, "The same dependency declared twice."),
    category: Category::Hygiene,
    explanation: "Two `uses` of one component with the same target, mode and interface describe one dependency twice; their settings (timeouts, authentication) can silently disagree.",
    bad: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n  uses api sync { timeout 2s circuit-breaker }\n}\ncomponent api\n",
    good: "component web {\n  uses api sync { timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[],
    run: duplicate_flow,
};

fn duplicate_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // A hash map, not an ordered one: only the first declaration of each key matters, and links
    // are visited in declaration order, so the findings do not depend on the map's order.
    // Sized for the `uses` links, with four-byte parts: the first declaration is kept as its
    // link index and `via` as an element index (`u32::MAX` for none), so that at 100,000
    // components the map takes 20 bytes per `uses` rather than 32 per link.
    let uses = || cx.facts.links.iter().enumerate().filter(|(_, l)| l.origin == LinkOrigin::Uses);
    let mut seen: FxHashMap<(ElementId, ElementId, bool, u32), u32> =
        FxHashMap::with_capacity_and_hasher(uses().count(), Default::default());
    for (i, l) in uses() {
        let key = (l.from, l.to, l.is_async, l.via.map_or(u32::MAX, |v| v.0));
        match seen.get(&key).map(|&first| cx.facts.links[first as usize].span) {
            Some(first) => acc.push(
                cx.finding(
                    &DUPLICATE_FLOW,
                    format!("`{}` uses `{}` twice", cx.name(l.from), cx.name(l.to)),
                    l.span,
                    "declared again",
                    &[l.from, l.to],
                )
                .with_secondary(first, "first declared here")
                .with_help("merge the two `uses` into one"),
            ),
            None => {
                seen.insert(key, i as u32);
            }
        }
    }
}
