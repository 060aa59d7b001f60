//! Views and indexes several rules read: the user's components in name order, the distinct
//! dependencies between them, and which data nests in which. Built on first use and then kept
//! with the [`Facts`], so that no rule sorts the components, rebuilds the graph or scans the
//! whole model for one element again.

use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::ranges::Ranges;
use super::Facts;
use crate::semantic::model::{ElementId, Model};
use crate::syntax::schema::DeclKind;

/// The lazily built views; empty until a reader asks.
#[derive(Default)]
pub(crate) struct Cache {
    components: OnceLock<Vec<ElementId>>,
    component_graph: OnceLock<ComponentGraph>,
    nesting: OnceLock<Nesting>,
    pub(super) flows: OnceLock<super::flows::Flows>,
}

/// The views that read no link, built beside the links' steps on a model too small for a join
/// per step (see [`Facts::build`]).
pub(super) struct LinklessViews {
    components: Vec<ElementId>,
    nesting: Nesting,
}

impl LinklessViews {
    /// `held_anywhere` is the data of every `holds`, gathered in the facts' walk.
    pub(super) fn new(model: &Model, kinds: &[DeclKind], from_std: &[bool], held_anywhere: &[ElementId]) -> Self {
        // The user's components, as [`Facts::of_kind`] lists them.
        let mut components: Vec<ElementId> =
            super::facts::user_elements_where(kinds, from_std, |k| k == DeclKind::Component).collect();
        sort_by_path(model, &mut components);
        LinklessViews { components, nesting: Nesting::new(model, kinds, held_anywhere) }
    }
}

impl Cache {
    /// Keeps views built before the facts were put together.
    pub(super) fn preset(&self, linkless: LinklessViews) {
        let LinklessViews { components, nesting } = linkless;
        let _ = self.components.set(components);
        let _ = self.nesting.set(nesting);
    }
}

/// Which data nests in which (`field address: Address`), both ways, and which data something
/// `holds`; by element index. Flat lists, not a `Vec` per element: at 100,000 components the
/// per-element headers alone took 13 MB.
struct Nesting {
    field_types: Ranges<ElementId>,
    containers: Ranges<ElementId>,
    held: Vec<bool>,
}

impl Nesting {
    /// `held_anywhere` is the data of every `holds`, gathered in the facts' walk; only data items
    /// and events (found by `kinds`) are read again.
    fn new(model: &Model, kinds: &[DeclKind], held_anywhere: &[ElementId]) -> Nesting {
        let n = model.elements.len();
        let mut field_types = Ranges::default();
        // (type, data item with a field of that type), once per pair, in declaration order.
        let mut contained_in: Vec<(usize, ElementId)> = Vec::new();
        let mut held = vec![false; n];
        for d in held_anywhere {
            if let Some(h) = held.get_mut(d.0 as usize) {
                *h = true;
            }
        }
        let mut known: FxHashMap<&str, Option<ElementId>> = FxHashMap::default();
        let mut lookup = |name| match known.get(name) {
            Some(found) => *found,
            None => {
                let found = model.lookup(name);
                known.insert(name, found);
                found
            }
        };
        let mut distinct: Vec<ElementId> = Vec::new();
        for (i, kind) in kinds.iter().enumerate() {
            let id = ElementId(i as u32);
            if matches!(kind, DeclKind::Data | DeclKind::Event) {
                let types = super::facts::field_types_with(model, id, &mut lookup);
                distinct.clear();
                distinct.extend_from_slice(&types);
                distinct.sort_unstable();
                distinct.dedup();
                contained_in.extend(distinct.iter().map(|t| (t.0 as usize, id)));
                field_types.push_list(types);
            } else {
                field_types.push_list([]);
            }
        }
        let containers = Ranges::from_pairs(n, contained_in.iter().copied());
        Nesting { field_types, containers, held }
    }
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
    // The paths are copied into one buffer first: comparing them where the elements keep them
    // read the elements at random, and at 100,000 components they no longer fit the cache.
    let mut text = String::new();
    let mut keys: Vec<(usize, usize, ElementId)> = Vec::with_capacity(ids.len());
    for &id in ids.iter() {
        let start = text.len();
        text.push_str(&path_key(model, id));
        keys.push((start, text.len(), id));
    }
    // Stable, as the order among equal paths is kept.
    keys.sort_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
    for (slot, (_, _, id)) in ids.iter_mut().zip(keys) {
        *slot = id;
    }
}

/// Distinct dependencies between components (sync and async, events through brokers excluded),
/// with the first dependency link of each pair. Nodes are positions in the components' name order.
/// Kept flat (one list of pairs cut per component) rather than a map per component: at 100,000
/// components the maps took about 20 MB, the flat lists 4.
pub struct ComponentGraph {
    /// The user's components in name order.
    pub comps: Vec<ElementId>,
    /// Per component: the components it depends on in position order, each with the first link
    /// saying so (four bytes each: positions and link indices fit); see
    /// [`ComponentGraph::depends_on`].
    out: Ranges<(u32, u32)>,
    /// Per component: how many components depend on it.
    fan_in: Vec<u32>,
}

impl ComponentGraph {
    fn new(model: &Model, facts: &Facts) -> ComponentGraph {
        let comps = facts.components_by_name(model).to_vec();
        let mut pos = vec![u32::MAX; model.elements.len()];
        for (i, c) in comps.iter().enumerate() {
            pos[c.0 as usize] = i as u32;
        }
        let at = |id: ElementId| pos.get(id.0 as usize).copied().filter(|p| *p != u32::MAX);
        let pairs = facts.deps.links(facts).filter_map(|(i, l)| {
            let (a, b) = (at(l.from)?, at(l.to)?);
            (a != b).then_some((a as usize, (b, i as u32)))
        });
        // Dependency order within each component's list; a stable sort by target then keeps the
        // first link of each pair.
        let out = Ranges::from_pairs(comps.len(), pairs).into_first_per_key();
        let mut fan_in = vec![0; comps.len()];
        for v in 0..comps.len() {
            for &(b, _) in out.list(v) {
                fan_in[b as usize] += 1;
            }
        }
        ComponentGraph { comps, out, fan_in }
    }

    /// The components `v` depends on, by position, each with the first dependency link saying so.
    pub fn depends_on(&self, v: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.out.list(v).iter().map(|&(b, link)| (b as usize, link as usize))
    }

    /// How many components `v` depends on.
    pub fn fan_out(&self, v: usize) -> usize {
        self.out.list(v).len()
    }

    /// How many components depend on `v`.
    pub fn fan_in(&self, v: usize) -> usize {
        self.fan_in.get(v).map_or(0, |&n| n as usize)
    }

    /// Martin's instability: fan-out over fan-in plus fan-out; 0 for an unconnected component.
    pub fn instability(&self, v: usize) -> f64 {
        let (ce, ca) = (self.fan_out(v) as f64, self.fan_in(v) as f64);
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
            let mut v: Vec<ElementId> = self.of_kind(DeclKind::Component).collect();
            sort_by_path(model, &mut v);
            v
        })
    }

    /// Built with the facts (see [`Facts::build_views`]); the walk of the model here is only a
    /// fallback.
    fn nesting(&self, model: &Model) -> &Nesting {
        self.graphs.nesting.get_or_init(|| {
            let held: Vec<ElementId> = model.elements.iter().flat_map(|e| e.references("holds")).collect();
            Nesting::new(model, &self.kinds, &held)
        })
    }

    /// The data and event types of the fields of a data item or event, in field order (see
    /// [`super::facts::field_types`]).
    pub fn field_types(&self, model: &Model, data: ElementId) -> &[ElementId] {
        self.nesting(model).field_types.list(data.0 as usize)
    }

    /// The data items and events with a field of type `data`, in declaration order.
    pub fn containers_of(&self, model: &Model, data: ElementId) -> &[ElementId] {
        self.nesting(model).containers.list(data.0 as usize)
    }

    /// Something `holds` the data item.
    pub fn is_held(&self, model: &Model, data: ElementId) -> bool {
        self.nesting(model).held.get(data.0 as usize).copied().unwrap_or(false)
    }

    /// Data that only travels and is never kept: marked `transient` (a request or response
    /// message, a notification payload), or a value type that appears only as a field of such
    /// messages.
    pub fn is_transient(&self, model: &Model, data: ElementId) -> bool {
        let Some(e) = model.get(data) else { return false };
        if e.has_flag("transient") {
            return true;
        }
        let containers = self.containers_of(model, data);
        !containers.is_empty()
            && !self.is_held(model, data)
            && containers.iter().all(|c| model.get(*c).is_some_and(|c| c.has_flag("transient")))
    }

    /// The dependencies between the user's components; see [`ComponentGraph`].
    pub fn component_graph(&self, model: &Model) -> &ComponentGraph {
        self.graphs.component_graph.get_or_init(|| ComponentGraph::new(model, self))
    }

    /// Builds every view now, on up to two threads: when the rules run side by side, a view built
    /// on first use would keep one rule thread waiting for the other.
    /// `held_anywhere` is the data of every `holds`, from the facts' walk.
    pub(super) fn build_views(&self, model: &Model, threads: usize, held_anywhere: Vec<ElementId>) {
        crate::parallel::join(
            threads,
            || {
                self.component_graph(model);
            },
            || {
                self.graphs.nesting.get_or_init(|| Nesting::new(model, &self.kinds, &held_anywhere));
                self.flow_steps(model);
            },
        );
    }
}
