//! Facts derived once from the model for all rules: the communication links (from `uses`, flow
//! steps and event subscriptions), effective zones, trust, owners after inheritance, and data
//! classification. Built in O(n log n); rules only read it.

use std::collections::BTreeMap;

use crate::semantic::model::{Attribute, Element, ElementId, Model, Val};
use crate::source::Span;
use crate::syntax::literal::Literal;
use crate::syntax::schema::{self, DeclKind};

/// Where a link was declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkOrigin {
    /// A component's `uses`.
    Uses,
    /// Step `index` (0-based) of a flow.
    Step { flow: ElementId, index: usize },
    /// A subscription: the topic or publisher delivers an event to a subscriber.
    Event,
}

/// A communication link: one hop between two elements.
#[derive(Clone, Debug)]
pub struct Link {
    pub from: ElementId,
    /// The element reached; an interface target is replaced by its provider (kept in `via`).
    pub to: ElementId,
    pub is_async: bool,
    pub origin: LinkOrigin,
    pub protocol: Option<String>,
    /// Explicit `encrypted yes|no`.
    pub encrypted: Option<bool>,
    pub auth: Option<String>,
    pub authz: Option<String>,
    pub via: Option<ElementId>,
    /// Data carried, including the request and response models of the interface used.
    pub carries: Vec<ElementId>,
    pub timeout: Option<u64>,
    pub retries: Option<u64>,
    pub circuit_breaker: bool,
    pub latency: Option<u64>,
    pub access: Option<String>,
    pub discovery: Option<String>,
    pub per_item: bool,
    /// Some field of the link is a `?` hole.
    pub has_hole: bool,
    pub span: Span,
}

impl Link {
    /// Encrypted in transit: explicit setting, else the protocol's nature; `None` when unknown.
    pub fn is_encrypted(&self) -> Option<bool> {
        if let Some(e) = self.encrypted {
            return Some(e);
        }
        let p = self.protocol.as_deref()?;
        if schema::LOCAL_PROTOCOLS.contains(&p) {
            return Some(true);
        }
        Some(!schema::PLAINTEXT_PROTOCOLS.contains(&p))
    }

    pub fn is_local(&self) -> bool {
        self.protocol.as_deref().is_some_and(|p| schema::LOCAL_PROTOCOLS.contains(&p))
    }
}

pub struct Index {
    pub links: Vec<Link>,
    /// Links leaving / entering each element, by element index.
    pub outgoing: Vec<Vec<usize>>,
    pub incoming: Vec<Vec<usize>>,
    /// Owning team or person after inheritance (component <- system, interface <- provider).
    pub owner: Vec<Option<ElementId>>,
    /// Effective zone of each element.
    pub zone: Vec<Option<ElementId>>,
    /// Components that declare `owns` for each data element.
    pub owners_of_data: BTreeMap<ElementId, Vec<ElementId>>,
    /// Provider of each interface (`provider` or the component that `exposes` it).
    pub provider: BTreeMap<ElementId, ElementId>,
}

pub fn rank(value: &str, scale: &[&str]) -> Option<usize> {
    scale.iter().position(|v| *v == value)
}

fn ns(attr: &Attribute) -> Option<u64> {
    match attr.first().map(|v| &v.val) {
        Some(Val::Lit(Literal::Duration(n))) => Some(*n),
        _ => None,
    }
}

fn word(attr: &Attribute) -> Option<String> {
    match attr.first().map(|v| &v.val) {
        Some(Val::Word(w)) => Some(w.clone()),
        _ => None,
    }
}

fn refs(attrs: &[Attribute], name: &str) -> Vec<ElementId> {
    attrs
        .iter()
        .filter(|a| a.name == name)
        .flat_map(|a| a.values())
        .filter_map(|v| match v.val {
            Val::Ref(id) => Some(id),
            _ => None,
        })
        .collect()
}

fn has_hole(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.values().any(|v| v.val == Val::Hole) || has_hole(&a.block))
}

/// Builds a link from keyed options (a `uses` block or a step's options).
fn link_from_options(
    from: ElementId,
    to: ElementId,
    is_async: bool,
    origin: LinkOrigin,
    opts: &[Attribute],
    span: Span,
) -> Link {
    let mut link = Link {
        from,
        to,
        is_async,
        origin,
        protocol: None,
        encrypted: None,
        auth: None,
        authz: None,
        via: None,
        carries: refs(opts, "carries"),
        timeout: None,
        retries: None,
        circuit_breaker: false,
        latency: None,
        access: None,
        discovery: None,
        per_item: false,
        has_hole: has_hole(opts),
        span,
    };
    for a in opts {
        match a.name {
            "protocol" => link.protocol = word(a),
            "encrypted" => {
                if let Some(Val::Bool(b)) = a.first().map(|v| &v.val) {
                    link.encrypted = Some(*b);
                }
            }
            "auth" => link.auth = word(a),
            "authz" => link.authz = word(a),
            "via" => {
                if let Some(Val::Ref(id)) = a.first().map(|v| &v.val) {
                    link.via = Some(*id);
                }
            }
            "timeout" => link.timeout = ns(a),
            "latency" => link.latency = ns(a),
            "retries" => {
                if let Some(Val::Lit(Literal::Int(n))) = a.first().map(|v| &v.val) {
                    link.retries = Some(*n);
                }
            }
            "circuit-breaker" => link.circuit_breaker = true,
            "access" => link.access = word(a),
            "discovery" => link.discovery = word(a),
            "per-item" => link.per_item = true,
            _ => {}
        }
    }
    link
}

impl Index {
    pub fn build(model: &Model) -> Index {
        let n = model.elements.len();
        let mut provider = BTreeMap::new();
        for (id, e) in model.iter() {
            if e.kind == DeclKind::Interface {
                if let Some(p) = e.reference("provider") {
                    provider.insert(id, p);
                }
            }
        }
        for (id, e) in model.iter() {
            if matches!(e.kind, DeclKind::Component | DeclKind::External) {
                for i in e.references("exposes") {
                    provider.entry(i).or_insert(id);
                }
            }
        }
        let mut idx = Index {
            links: Vec::new(),
            outgoing: vec![Vec::new(); n],
            incoming: vec![Vec::new(); n],
            owner: vec![None; n],
            zone: vec![None; n],
            owners_of_data: BTreeMap::new(),
            provider,
        };
        idx.collect_links(model);
        for (i, l) in idx.links.iter().enumerate() {
            if let Some(v) = idx.outgoing.get_mut(l.from.0 as usize) {
                v.push(i);
            }
            if let Some(v) = idx.incoming.get_mut(l.to.0 as usize) {
                v.push(i);
            }
        }
        for (id, e) in model.iter() {
            idx.owner[id.0 as usize] = idx.inherited_owner(model, id, 0);
            idx.zone[id.0 as usize] = idx.effective_zone(model, id, e);
            if e.kind == DeclKind::Component {
                for d in e.references("owns") {
                    idx.owners_of_data.entry(d).or_default().push(id);
                }
            }
        }
        idx
    }

    fn collect_links(&mut self, model: &Model) {
        let models_of = |iface: ElementId| -> Vec<ElementId> {
            let Some(i) = model.get(iface) else { return Vec::new() };
            let mut out: Vec<ElementId> = i.references("carries").collect();
            for ep in &i.endpoints {
                for v in ep.request.iter().chain(ep.response.iter()) {
                    if let Val::Ref(id) = v.val {
                        out.push(id);
                    }
                }
            }
            out
        };
        for (id, e) in model.iter() {
            if e.kind == DeclKind::Component {
                for a in e.attrs_named("uses") {
                    let Some(Val::Ref(target)) = a.first().map(|v| v.val.clone()) else { continue };
                    let mode = a.args.get(1).and_then(|m| m.first()).and_then(|v| match &v.val {
                        Val::Word(w) => Some(w.clone()),
                        _ => None,
                    });
                    let target_kind = model.get(target).map(|t| t.kind);
                    let is_async = match mode.as_deref() {
                        Some("async") => true,
                        Some(_) => false,
                        None => matches!(target_kind, Some(DeclKind::Queue | DeclKind::Topic)),
                    };
                    let mut link = link_from_options(id, target, is_async, LinkOrigin::Uses, &a.block, a.span);
                    self.retarget(model, &mut link);
                    if let Some(v) = link.via {
                        link.carries.extend(models_of(v));
                    }
                    self.links.push(link);
                }
            }
            if e.kind == DeclKind::Flow {
                for (index, s) in e.steps.iter().enumerate() {
                    let (Val::Ref(from), Val::Ref(to)) = (&s.from.val, &s.to.val) else { continue };
                    let mut link = link_from_options(
                        *from,
                        *to,
                        s.is_async,
                        LinkOrigin::Step { flow: id, index },
                        &s.options,
                        s.span,
                    );
                    if let Some(p) = &s.protocol {
                        if p == "mtls" {
                            link.protocol = Some("https".into());
                            link.auth.get_or_insert_with(|| "mtls".into());
                        } else {
                            link.protocol = Some(p.clone());
                        }
                    }
                    if let Some(Literal::Duration(ns)) = s.latency {
                        link.latency = Some(ns);
                    }
                    self.retarget(model, &mut link);
                    if let Some(v) = link.via {
                        link.carries.extend(models_of(v));
                    }
                    self.links.push(link);
                }
            }
        }
        // Event delivery: a topic carrying an event reaches each subscriber.
        let mut topics_of_event: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
        for (id, e) in model.iter() {
            if matches!(e.kind, DeclKind::Topic | DeclKind::Queue) {
                for ev in e.references("carries") {
                    topics_of_event.entry(ev).or_default().push(id);
                }
            }
        }
        for (id, e) in model.iter() {
            if e.kind != DeclKind::Component {
                continue;
            }
            for a in e.attrs_named("subscribes") {
                for v in a.values() {
                    let Val::Ref(ev) = v.val else { continue };
                    for &t in topics_of_event.get(&ev).map(Vec::as_slice).unwrap_or(&[]) {
                        let mut link = link_from_options(t, id, true, LinkOrigin::Event, &[], v.span);
                        link.carries.push(ev);
                        self.links.push(link);
                    }
                }
            }
            for a in e.attrs_named("publishes") {
                for v in a.values() {
                    let Val::Ref(ev) = v.val else { continue };
                    for &t in topics_of_event.get(&ev).map(Vec::as_slice).unwrap_or(&[]) {
                        let mut link = link_from_options(id, t, true, LinkOrigin::Event, &[], v.span);
                        link.carries.push(ev);
                        self.links.push(link);
                    }
                }
            }
        }
        for l in &mut self.links {
            l.carries.sort();
            l.carries.dedup();
        }
    }

    /// A link aimed at an interface reaches the interface's provider through it.
    fn retarget(&self, model: &Model, link: &mut Link) {
        if model.get(link.to).is_some_and(|t| t.kind == DeclKind::Interface) {
            link.via.get_or_insert(link.to);
            if let Some(p) = self.provider.get(&link.to) {
                link.to = *p;
            }
        }
        if let Some(iface) = link.via.and_then(|v| model.get(v)) {
            if link.auth.is_none() {
                link.auth = iface.word("auth").map(str::to_string);
            }
            if link.authz.is_none() {
                link.authz = iface.word("authz").map(str::to_string);
            }
        }
    }

    fn inherited_owner(&self, model: &Model, id: ElementId, depth: usize) -> Option<ElementId> {
        let e = model.get(id)?;
        if let Some(o) = e.reference("owner") {
            return Some(o);
        }
        if depth > 8 {
            return None;
        }
        match e.kind {
            DeclKind::Interface => self.provider.get(&id).and_then(|p| self.inherited_owner(model, *p, depth + 1)),
            DeclKind::Data | DeclKind::Event => {
                let owners = self.owners_of_data.get(&id)?;
                owners.first().and_then(|c| self.inherited_owner(model, *c, depth + 1))
            }
            _ => e.reference("system").and_then(|s| model.get(s)).and_then(|s| s.reference("owner")),
        }
    }

    fn effective_zone(&self, model: &Model, id: ElementId, e: &Element) -> Option<ElementId> {
        match e.kind {
            DeclKind::Zone => Some(id),
            DeclKind::Interface => self.provider.get(&id).and_then(|p| model.get(*p)).and_then(|p| p.reference("zone")),
            _ => e.reference("zone"),
        }
    }

    pub fn zone_of(&self, id: ElementId) -> Option<ElementId> {
        self.zone.get(id.0 as usize).copied().flatten()
    }

    pub fn owner_of(&self, id: ElementId) -> Option<ElementId> {
        self.owner.get(id.0 as usize).copied().flatten()
    }

    pub fn out(&self, id: ElementId) -> impl Iterator<Item = &Link> {
        self.outgoing.get(id.0 as usize).into_iter().flatten().filter_map(|&i| self.links.get(i))
    }

    pub fn inbound(&self, id: ElementId) -> impl Iterator<Item = &Link> {
        self.incoming.get(id.0 as usize).into_iter().flatten().filter_map(|&i| self.links.get(i))
    }
}

/// Zone facts: parents, trust levels, network boundaries, internet exposure.
pub struct Zones<'m> {
    model: &'m Model,
}

impl<'m> Zones<'m> {
    pub fn new(model: &'m Model) -> Self {
        Zones { model }
    }

    /// The enclosing zone: the nesting block, else the `parent` attribute.
    pub fn parent(&self, zone: ElementId) -> Option<ElementId> {
        let z = self.model.get(zone)?;
        z.parent
            .filter(|p| self.model.get(*p).is_some_and(|pe| pe.kind == DeclKind::Zone))
            .or_else(|| z.reference("parent"))
    }

    /// The zone and its ancestors, innermost first; stops on a cycle.
    pub fn chain(&self, zone: ElementId) -> Vec<ElementId> {
        let mut out = vec![zone];
        let mut cur = zone;
        while let Some(p) = self.parent(cur) {
            if out.contains(&p) || out.len() > 64 {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// Trust rank (none = 0 .. full = 4), inherited from enclosing zones.
    pub fn trust(&self, zone: ElementId) -> Option<usize> {
        self.chain(zone)
            .into_iter()
            .find_map(|z| self.model.get(z).and_then(|e| e.word("trust")).and_then(|t| rank(t, schema::TRUST)))
    }

    /// The innermost network zone containing this zone (zones are network zones unless `kind logical`).
    pub fn network(&self, zone: ElementId) -> Option<ElementId> {
        self.chain(zone).into_iter().find(|z| self.model.get(*z).and_then(|e| e.word("kind")) != Some("logical"))
    }

    pub fn is_internet(&self, zone: ElementId) -> bool {
        self.chain(zone).into_iter().any(|z| self.model.get(z).is_some_and(|e| e.has_flag("internet")))
    }

    /// Most restrictive `max-classification` rank of the zone and its ancestors.
    pub fn max_classification(&self, zone: ElementId) -> Option<(usize, ElementId)> {
        self.chain(zone)
            .into_iter()
            .filter_map(|z| {
                self.model
                    .get(z)
                    .and_then(|e| e.word("max-classification"))
                    .and_then(|c| rank(c, schema::CLASSIFICATION))
                    .map(|r| (r, z))
            })
            .min()
    }
}
