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
    let mut seen: FxHashMap<(ElementId, ElementId, bool, Option<ElementId>), crate::source::Span> =
        FxHashMap::with_capacity_and_hasher(cx.facts.links.len(), Default::default());
    for l in cx.facts.links.iter().filter(|l| l.origin == LinkOrigin::Uses) {
        let key = (l.from, l.to, l.is_async, l.via);
        match seen.get(&key) {
            Some(first) => acc.push(
                cx.finding(
                    &DUPLICATE_FLOW,
                    format!("`{}` uses `{}` twice", cx.name(l.from), cx.name(l.to)),
                    l.span,
                    "declared again",
                    &[l.from, l.to],
                )
                .with_secondary(*first, "first declared here")
                .with_help("merge the two `uses` into one"),
            ),
            None => {
                seen.insert(key, l.span);
            }
        }
    }
}
