//! Helpers several rule families use: the team behind an element, the interfaces each element
//! exposes, the steps of each flow and its critical path, and short English lists. Kept out of the rule files so that rule files never import
//! each other.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Link, LinkOrigin};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

/// The team accountable for an element: its owner after inheritance, or the team of the person
/// who owns it; `None` when unknown, including a person who belongs to no team.
pub(crate) fn team_of(cx: &Ctx<'_>, id: ElementId) -> Option<ElementId> {
    let owner = cx.facts.owner_of(id)?;
    match cx.model.get(owner) {
        Some(p) if p.kind == DeclKind::Person => p.reference("team"),
        _ => Some(owner),
    }
}

/// Names as a short list: "`a`, `b` and 3 more".
pub(crate) fn name_list(cx: &Ctx<'_>, ids: &[ElementId], max: usize) -> String {
    let mut names: Vec<String> = ids.iter().take(max).map(|i| format!("`{}`", cx.name(*i))).collect();
    if ids.len() > max {
        names.push(format!("{} more", ids.len() - max));
    }
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A count with its noun: "1 component", "3 components".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else {
        format!("{n} {noun}s")
    }
}

/// Interfaces each element provides, in declaration order.
pub(crate) fn exposed_by(cx: &Ctx<'_>) -> BTreeMap<ElementId, Vec<ElementId>> {
    let mut out: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (iface, provider) in &cx.facts.provider {
        out.entry(*provider).or_default().push(*iface);
    }
    out
}

/// The steps of each user flow in order, as links (a target interface replaced by its provider),
/// with each step's index in the flow.
pub(crate) fn flow_steps<'a>(cx: &'a Ctx<'_>) -> BTreeMap<ElementId, Vec<(usize, &'a Link)>> {
    let mut out: BTreeMap<ElementId, Vec<(usize, &'a Link)>> = BTreeMap::new();
    for l in &cx.facts.links {
        if let LinkOrigin::Step { flow, index } = l.origin {
            if cx.model.get(flow).is_some_and(|f| !f.from_std) {
                out.entry(flow).or_default().push((index, l));
            }
        }
    }
    for steps in out.values_mut() {
        steps.sort_by_key(|(i, _)| *i);
    }
    out
}

/// The steps of a flow its initiator waits for, in order: synchronous steps leaving an element
/// the flow reached synchronously (every step when the flow `waits`). A step leaving an element
/// that no earlier step reached is taken as waited for (scenario-integrity reports the gap).
/// Steps that only answer an actor are not hops of the path.
pub(crate) fn critical_path<'a>(cx: &Ctx<'_>, flow: ElementId, steps: &[(usize, &'a Link)]) -> Vec<(usize, &'a Link)> {
    let waits = cx.model.get(flow).is_some_and(|f| f.has_flag("waits"));
    let mut sync_reached = BTreeSet::new();
    let mut reached = BTreeSet::new();
    if let Some((_, first)) = steps.first() {
        sync_reached.insert(first.from);
        reached.insert(first.from);
    }
    let mut out = Vec::new();
    for &(i, l) in steps {
        let from_waited = sync_reached.contains(&l.from) || !reached.contains(&l.from);
        if from_waited && (waits || !l.is_async) {
            sync_reached.insert(l.to);
            if cx.kind(l.to) != Some(DeclKind::Actor) {
                out.push((i, l));
            }
        }
        reached.insert(l.from);
        reached.insert(l.to);
    }
    out
}
