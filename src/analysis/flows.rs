//! The steps of each user flow, the critical path its initiator waits for, and the latency each
//! `uses` declares. Several rule families read them (performance, reliability); built on first
//! use and kept with the [`Facts`], so no rule scans every link again to find a flow's steps.

use std::collections::{BTreeMap, BTreeSet};

use super::facts::LinkOrigin;
use super::Facts;
use crate::semantic::model::{ElementId, Model};
use crate::syntax::schema::DeclKind;

/// A flow step: its index in the flow and the index of its link in [`Facts::links`].
pub type Step = (usize, usize);

/// The lazily built flow views.
pub(crate) struct Flows {
    /// The steps of each user flow in step order.
    steps: BTreeMap<ElementId, Vec<Step>>,
    /// The critical path of each user flow, in step order (see [`Facts::critical_path`]).
    critical: BTreeMap<ElementId, Vec<Step>>,
    /// The first latency estimate declared on a `uses`, by (from, to).
    uses_latency: BTreeMap<(ElementId, ElementId), u64>,
}

impl Flows {
    pub(crate) fn new(model: &Model, facts: &Facts) -> Flows {
        let mut steps: BTreeMap<ElementId, Vec<Step>> = BTreeMap::new();
        let mut uses_latency = BTreeMap::new();
        for (i, l) in facts.links.iter().enumerate() {
            match l.origin {
                LinkOrigin::Step { flow, index } if facts.from_std.get(flow.0 as usize) == Some(&false) => {
                    steps.entry(flow).or_default().push((index, i));
                }
                LinkOrigin::Uses => {
                    if let Some(ns) = l.latency {
                        uses_latency.entry((l.from, l.to)).or_insert(ns);
                    }
                }
                _ => {}
            }
        }
        for list in steps.values_mut() {
            list.sort_by_key(|(index, _)| *index);
        }
        let critical = steps.iter().map(|(flow, list)| (*flow, critical_path(model, facts, *flow, list))).collect();
        Flows { steps, critical, uses_latency }
    }
}

/// The steps of a flow its initiator waits for, in order: synchronous steps leaving an element
/// the flow reached synchronously (every step when the flow `waits`). A step leaving an element
/// that no earlier step reached is taken as waited for (scenario-integrity reports the gap).
/// Steps that only answer an actor are not hops of the path.
fn critical_path(model: &Model, facts: &Facts, flow: ElementId, steps: &[Step]) -> Vec<Step> {
    let waits = model.get(flow).is_some_and(|f| f.has_flag("waits"));
    let mut sync_reached = BTreeSet::new();
    let mut reached = BTreeSet::new();
    if let Some((_, first)) = steps.first() {
        sync_reached.insert(facts.links[*first].from);
        reached.insert(facts.links[*first].from);
    }
    let mut out = Vec::new();
    for &(index, link) in steps {
        let l = &facts.links[link];
        let from_waited = sync_reached.contains(&l.from) || !reached.contains(&l.from);
        if from_waited && (waits || !l.is_async) {
            sync_reached.insert(l.to);
            if facts.kinds.get(l.to.0 as usize) != Some(&DeclKind::Actor) {
                out.push((index, link));
            }
        }
        reached.insert(l.from);
        reached.insert(l.to);
    }
    out
}

impl Facts {
    fn flows(&self, model: &Model) -> &Flows {
        self.graphs.flows.get_or_init(|| Flows::new(model, self))
    }

    /// The steps of each user flow in step order, as (step index, link index); a target
    /// interface is replaced by its provider in the link.
    pub fn flow_steps(&self, model: &Model) -> &BTreeMap<ElementId, Vec<Step>> {
        &self.flows(model).steps
    }

    /// The steps of a flow its initiator waits for, in order: synchronous steps leaving an
    /// element the flow reached synchronously (every step when the flow `waits`), without the
    /// steps that only answer an actor. Empty for a flow without steps.
    pub fn critical_path(&self, model: &Model, flow: ElementId) -> &[Step] {
        self.flows(model).critical.get(&flow).map_or(&[], Vec::as_slice)
    }

    /// The latency estimate the first `uses` from `from` to `to` declares.
    pub fn uses_latency(&self, model: &Model, from: ElementId, to: ElementId) -> Option<u64> {
        self.flows(model).uses_latency.get(&(from, to)).copied()
    }
}
