//! The analysis facts as the diagrams and exports draw them: who talks to whom (from `uses`, flow
//! steps and events), over which protocol, encrypted or not, authenticated how; which zone and
//! system an element sits in. Links, transit and zones are read from `analysis::Facts`, never
//! re-derived. Everything is returned in declaration order so that output built from it is
//! deterministic.

use std::collections::{BTreeMap, BTreeSet};

pub use crate::analysis::facts::Transit as Encryption;
use crate::analysis::facts::{self as derived, LinkOrigin, Zones};
use crate::lang::Trust;
use crate::semantic::model::{Attribute, Element, ElementId, Model, Value};
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

/// Kinds drawn as nodes in the architecture views.
pub const NODE_KINDS: &[DeclKind] = &[
    DeclKind::Actor,
    DeclKind::External,
    DeclKind::Component,
    DeclKind::Datastore,
    DeclKind::Queue,
    DeclKind::Topic,
    DeclKind::Cache,
];

/// Kinds that run inside a system (everything drawn except actors and externals).
pub const SYSTEM_KINDS: &[DeclKind] =
    &[DeclKind::Component, DeclKind::Datastore, DeclKind::Queue, DeclKind::Topic, DeclKind::Cache];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkKind {
    /// `uses X` on a component.
    Uses,
    /// A step of a flow.
    Step,
    /// A component publishing an event to a topic or queue (or straight to subscribers).
    Publishes,
    /// A topic or queue delivering an event to a subscriber.
    Subscribes,
}

/// A directed interaction between two drawn elements.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub from: ElementId,
    pub to: ElementId,
    pub kind: LinkKind,
    /// The flow and 1-based step number, for steps.
    pub flow: Option<(ElementId, usize)>,
    pub is_async: bool,
    pub label: Option<String>,
    pub protocol: Option<String>,
    pub latency: Option<String>,
    pub encryption: Encryption,
    /// Authentication method, `None` when not stated; `Some("none")` when stated as none.
    pub auth: Option<String>,
    /// The interface used, when known.
    pub via: Option<ElementId>,
    /// Events or data carried.
    pub carries: Vec<ElementId>,
    /// A flow step marked `reply`: drawn dashed, back to the caller.
    pub reply: bool,
}

impl Link {
    /// Says how it authenticates, and that is not `none` (as `analysis::facts::Link`).
    pub fn authenticated(&self) -> bool {
        matches!(self.auth.as_deref(), Some(a) if a != "none")
    }
}

/// Derived facts over one model.
pub struct Facts<'m> {
    pub model: &'m Model,
    /// Interface -> the component or external providing it.
    pub providers: &'m BTreeMap<ElementId, ElementId>,
    /// The analysis facts everything here is read from: the same the rules judged.
    pub derived: &'m derived::Facts,
}

fn block_attr<'a>(block: &'a [Attribute], name: &str) -> Option<&'a Value> {
    block.iter().find(|a| a.name() == name).and_then(|a| a.first())
}

fn block_word(block: &[Attribute], name: &str) -> Option<String> {
    block_attr(block, name).and_then(|v| v.val.text_or_word()).map(str::to_string)
}

impl<'m> Facts<'m> {
    /// Reads `derived`, the facts of the analysis that produced `model`.
    pub fn new(model: &'m Model, derived: &'m derived::Facts) -> Self {
        Facts { model, providers: &derived.provider, derived }
    }

    pub fn el(&self, id: ElementId) -> Option<&'m Element> {
        self.model.get(id)
    }

    /// User-declared elements drawn as nodes, in declaration order.
    pub fn nodes(&self) -> Vec<ElementId> {
        self.model.iter().filter(|(_, e)| !e.from_std && NODE_KINDS.contains(&e.kind)).map(|(id, _)| id).collect()
    }

    /// The link as the containers view draws it: an end that is a component of a container is
    /// drawn as the container (its components have their own view).
    pub fn rolled_up(&self, l: &Link) -> Link {
        let unit = |id| derived::deployed_as(self.model, id);
        Link { from: unit(l.from), to: unit(l.to), ..l.clone() }
    }

    /// Whether an element is drawn as a node of the containers view: a component of a container
    /// is drawn in the container's component view instead.
    pub fn is_container_level(&self, id: ElementId) -> bool {
        !derived::is_part(self.model, id)
    }

    /// The node a reference is drawn as: itself for drawn kinds, the provider for an interface
    /// (the interface itself when nothing provides it).
    pub fn endpoint(&self, id: ElementId) -> Option<ElementId> {
        let e = self.el(id)?;
        if NODE_KINDS.contains(&e.kind) {
            return Some(id);
        }
        if e.kind == DeclKind::Interface {
            return Some(self.providers.get(&id).copied().unwrap_or(id));
        }
        None
    }

    /// The element's effective zone, as the rules see it.
    pub fn zone_of(&self, id: ElementId) -> Option<ElementId> {
        self.derived.zone_of(id).filter(|z| self.el(*z).is_some_and(|e| e.kind == DeclKind::Zone))
    }

    /// The enclosing zone: the block it is nested in, or its `parent` attribute.
    pub fn zone_parent(&self, zone: ElementId) -> Option<ElementId> {
        Zones::new(self.model)
            .parent(zone)
            .filter(|p| *p != zone && self.el(*p).is_some_and(|e| e.kind == DeclKind::Zone))
    }

    /// The zone and its ancestors, innermost first; stops at cycles.
    pub fn zone_chain(&self, zone: ElementId) -> Vec<ElementId> {
        Zones::new(self.model).chain(zone)
    }

    /// The zone's trust level, inherited from enclosing zones when not stated.
    pub fn trust(&self, zone: ElementId) -> Option<&'static str> {
        Zones::new(self.model).trust(zone).and_then(Trust::from_rank).map(Trust::word)
    }

    /// User-declared zones, in declaration order.
    pub fn zones(&self) -> Vec<ElementId> {
        self.model.of_kind(DeclKind::Zone).map(|(id, _)| id).collect()
    }

    /// Every interaction, in the order the checker's link index has them (declaration order:
    /// `uses`, flow steps, event deliveries), plus publisher -> subscriber links for events that
    /// no topic or queue carries. Built from the analysis facts so that the diagrams show the
    /// same facts the rules judge.
    pub fn links(&self) -> Vec<Link> {
        let mut out = Vec::new();
        for l in &self.derived.links {
            let (Some(from), Some(to)) = (self.endpoint(l.from), self.endpoint(l.to)) else { continue };
            if self.el(from).is_some_and(|e| e.from_std) || self.el(to).is_some_and(|e| e.from_std) {
                continue;
            }
            let (kind, flow, label) = match l.origin {
                LinkOrigin::Uses => {
                    let label = self
                        .el(l.from)
                        .and_then(|e| {
                            e.attrs_named("uses")
                                .find(|u| u.span_in(e.file) == l.span)
                                .map(|u| block_word(&u.block, "description"))
                        })
                        .flatten();
                    (LinkKind::Uses, None, label)
                }
                LinkOrigin::Step { flow, index } => {
                    let label = self
                        .el(flow)
                        .and_then(|f| f.steps.get(index))
                        .and_then(|s| s.label.as_ref().map(|l| l.to_string()));
                    (LinkKind::Step, Some((flow, index + 1)), label)
                }
                LinkOrigin::Event => {
                    let to_channel = self.el(to).is_some_and(|e| matches!(e.kind, DeclKind::Topic | DeclKind::Queue));
                    (if to_channel { LinkKind::Publishes } else { LinkKind::Subscribes }, None, None)
                }
            };
            out.push(Link {
                from,
                to,
                kind,
                flow,
                is_async: l.is_async,
                label,
                protocol: l.wire.as_ref().map(|w| w.protocol.word().to_string()),
                latency: l.latency.map(|ns| Literal::Duration(ns).to_string()),
                encryption: l.transit,
                auth: l.auth.map(|a| a.word().to_string()),
                via: l.via,
                carries: l.carries.to_vec(),
                reply: l.reply,
            });
        }
        // Events no topic or queue carries go straight from publisher to subscribers.
        let carried: BTreeSet<ElementId> = self
            .model
            .iter()
            .filter(|(_, e)| matches!(e.kind, DeclKind::Topic | DeclKind::Queue))
            .flat_map(|(_, e)| e.references("carries"))
            .collect();
        for (id, e) in self.model.of_kind(DeclKind::Component) {
            for ev in e.references("publishes") {
                if carried.contains(&ev) {
                    continue;
                }
                for (sid, s) in self.model.of_kind(DeclKind::Component) {
                    if sid != id && s.references("subscribes").any(|x| x == ev) {
                        out.push(Link {
                            from: id,
                            to: sid,
                            kind: LinkKind::Publishes,
                            flow: None,
                            is_async: true,
                            label: None,
                            protocol: None,
                            latency: None,
                            encryption: Encryption::Unknown,
                            auth: None,
                            via: None,
                            carries: vec![ev],
                            reply: false,
                        });
                    }
                }
            }
        }
        out
    }

    /// The system an element belongs to (declared in it or naming it), else the only declared
    /// system.
    pub fn system_of(&self, id: ElementId) -> Option<ElementId> {
        self.el(id)?;
        if let Some(s) = self.derived.system_of(id) {
            return Some(s);
        }
        let mut systems = self.model.of_kind(DeclKind::System);
        match (systems.next(), systems.next()) {
            (Some((s, _)), None) => Some(s),
            _ => None,
        }
    }
}

/// Words joined for a short label: `a, b, c` or `a, b +2`.
pub fn short_list(items: &[String], max: usize) -> String {
    if items.len() <= max {
        items.join(", ")
    } else {
        format!("{} +{}", items[..max].join(", "), items.len() - max)
    }
}
