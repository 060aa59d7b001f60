//! Dependency views several rules read: the user's components in name order and the distinct
//! dependencies between them. Built on first use and then kept with the [`Facts`], so that no
//! rule sorts the components or rebuilds the graph again.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::Facts;
use crate::semantic::model::{ElementId, Model};
use crate::syntax::schema::DeclKind;

/// The lazily built views; empty until a reader asks.
#[derive(Default)]
pub(crate) struct Cache {
    components: OnceLock<Vec<ElementId>>,
    component_graph: OnceLock<ComponentGraph>,
}

/// An element's path ([`Model::path_of`]) borrowed from the model when it is the element's own
/// name, as most are: sorting by it then copies no names.
pub fn path_key(model: &Model, id: ElementId) -> Cow<'_, str> {
    match model.get(id) {
        Some(e) if !e.kind.is_global() && e.parent.is_some() => Cow::Owned(model.path_of(id)),
        Some(e) => Cow::Borrowed(e.name.as_str()),
        None => Cow::Borrowed("?"),
    }
}

/// Sorts elements by path, keeping the given order among equal paths.
pub fn sort_by_path(model: &Model, ids: &mut [ElementId]) {
    ids.sort_by_cached_key(|id| path_key(model, *id));
}

/// Distinct dependencies between components (sync and async, events through brokers excluded),
/// with the first dependency link of each pair. Nodes are positions in the components' name order.
pub struct ComponentGraph {
    /// The user's components in name order.
    pub comps: Vec<ElementId>,
    /// Per component: the components it depends on, each with the first link saying so.
    pub out: Vec<BTreeMap<usize, usize>>,
    /// Per component: the components depending on it.
    pub inn: Vec<BTreeSet<usize>>,
}

impl ComponentGraph {
    fn new(model: &Model, facts: &Facts) -> ComponentGraph {
        let comps = facts.components_by_name(model).to_vec();
        let mut pos = vec![usize::MAX; model.elements.len()];
        for (i, c) in comps.iter().enumerate() {
            pos[c.0 as usize] = i;
        }
        let at = |id: ElementId| pos.get(id.0 as usize).copied().filter(|p| *p != usize::MAX);
        let mut out = vec![BTreeMap::new(); comps.len()];
        let mut inn = vec![BTreeSet::new(); comps.len()];
        for (i, l) in facts.deps.links(facts) {
            let (Some(a), Some(b)) = (at(l.from), at(l.to)) else { continue };
            if a == b {
                continue;
            }
            out[a].entry(b).or_insert(i);
            inn[b].insert(a);
        }
        ComponentGraph { comps, out, inn }
    }

    /// Martin's instability: fan-out over fan-in plus fan-out; 0 for an unconnected component.
    pub fn instability(&self, v: usize) -> f64 {
        let (ce, ca) = (self.out[v].len() as f64, self.inn[v].len() as f64);
        if ce + ca == 0.0 {
            0.0
        } else {
            ce / (ce + ca)
        }
    }
}

impl Facts {
    /// The user's components (not the standard library's) in name order.
    pub fn components_by_name(&self, model: &Model) -> &[ElementId] {
        self.graphs.components.get_or_init(|| {
            let mut v: Vec<ElementId> = model.of_kind(DeclKind::Component).map(|(id, _)| id).collect();
            sort_by_path(model, &mut v);
            v
        })
    }

    /// The dependencies between the user's components; see [`ComponentGraph`].
    pub fn component_graph(&self, model: &Model) -> &ComponentGraph {
        self.graphs.component_graph.get_or_init(|| ComponentGraph::new(model, self))
    }
}
