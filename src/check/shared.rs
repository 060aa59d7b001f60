//! Helpers several rule families use: the team behind an element, the interfaces each element
//! exposes, the steps of each flow and its critical path, short English lists, and a per-element
//! memo. Kept out of the rule files so that rule files never import each other.

use std::collections::BTreeMap;

use super::{Ctx, Link};
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

/// The link goes through an interface open by design or calls only anonymous endpoints (see
/// [`crate::analysis::facts::anonymous_by_design`]), with the interface's openness read from the
/// facts' traits: only a link that names endpoints needs the model.
pub(crate) fn anonymous_by_design(cx: &Ctx<'_>, l: &Link) -> bool {
    let Some(via) = l.via else { return false };
    cx.facts.traits(via).anonymous_interface
        || (!l.calls.is_empty() && crate::analysis::facts::anonymous_by_design(cx.model, l))
}

/// A per-element fact computed at most once. Each element has a four-byte slot number and only
/// the elements asked about keep a value: rules ask about a part of the model, and at 100,000
/// components a value slot for each of the 285,000 elements took up to 9 MB per memo.
pub(crate) struct Memo<T> {
    /// By element index: where its value is in `values`, `NOT_ASKED` before it is asked.
    slot: Vec<u32>,
    values: Vec<T>,
}

const NOT_ASKED: u32 = u32::MAX;

impl<T: Clone> Memo<T> {
    pub(crate) fn new(cx: &Ctx<'_>) -> Self {
        Memo { slot: vec![NOT_ASKED; cx.model.elements.len()], values: Vec::new() }
    }

    /// The value for `id`, computed with `f` the first time it is asked.
    pub(crate) fn get(&mut self, id: ElementId, f: impl FnOnce() -> T) -> T {
        let Some(&at) = self.slot.get(id.0 as usize) else { return f() };
        if let Some(known) = self.values.get(at as usize) {
            return known.clone();
        }
        let value = f();
        self.slot[id.0 as usize] = self.values.len() as u32;
        self.values.push(value.clone());
        value
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
/// with each step's index in the flow; see [`crate::analysis::Facts::flow_steps`].
pub(crate) fn flow_steps<'m>(cx: &Ctx<'m>) -> impl Iterator<Item = (ElementId, Vec<(usize, &'m Link)>)> {
    let facts = cx.facts;
    facts.flow_steps(cx.model).iter().map(move |(flow, steps)| (*flow, steps_as_links(facts, steps)))
}

/// The steps of a flow its initiator waits for, in order; see
/// [`crate::analysis::Facts::critical_path`].
pub(crate) fn critical_path<'m>(cx: &Ctx<'m>, flow: ElementId) -> Vec<(usize, &'m Link)> {
    steps_as_links(cx.facts, cx.facts.critical_path(cx.model, flow))
}

fn steps_as_links<'m>(facts: &'m crate::analysis::Facts, steps: &[(usize, usize)]) -> Vec<(usize, &'m Link)> {
    steps.iter().map(|&(index, link)| (index, &facts.links[link])).collect()
}
