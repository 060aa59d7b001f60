//! The one place that derives facts from the resolved model: the communication links (from
//! `uses`, flow steps and event subscriptions) with their effective protocol, encryption in
//! transit and authentication; effective zones, trust and owners after inheritance; interface
//! providers; the data each element handles and how sensitive it is; and the `?` holes. Built
//! once per analysis in O(n log n); the rules, the diagrams, the report and the exports only read
//! it, so what a diagram shows is what a rule judges.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::{FxHashMap, FxHashSet};

pub use super::defaults::StatedBy;
use super::operations;
use super::ranges::Ranges;
use crate::lang::vocab::Transport;
use crate::lang::{AuthScheme, Classification, Criticality, Protocol, Trust};
use crate::parallel::join;
use crate::semantic::model::{has_hole, Attribute, Element, ElementId, Endpoint, Model, Val};
use crate::source::{Span, TextRange};
use crate::syntax::args::ThinList;
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
    /// The stated protocol: the link's own, else (see `protocol_from`) the matching `uses`'s for
    /// a step, else the default of the zones or system around both ends.
    pub protocol: Option<Protocol>,
    /// Where `protocol` comes from when the link does not state it; `None` when it does.
    pub protocol_from: Option<StatedBy>,
    /// Explicit `encrypted yes|no`.
    pub encrypted: Option<bool>,
    /// Authentication: the link's own, else the interface's it goes `via`, else (see `auth_from`)
    /// the matching `uses`'s for a step, else the default of the zones or system around both ends.
    pub auth: Option<AuthScheme>,
    /// Where `auth` comes from when neither the link nor its interface states it.
    pub auth_from: Option<StatedBy>,
    /// A word of [`schema::AUTHZ`], by its position there; see [`Link::authz`].
    pub(super) authz: Option<u8>,
    pub via: Option<ElementId>,
    /// The endpoints of `via` it calls (indices into its `endpoints`), stated with `calls` or
    /// shared between a `uses` and its steps; empty when it may call any of them.
    pub calls: ThinList<usize>,
    /// Data carried, including the request and response models of the interface used (of the
    /// called endpoints only, when `calls` names them).
    pub carries: ThinList<ElementId>,
    pub timeout: Option<u64>,
    pub retries: Option<u64>,
    pub circuit_breaker: bool,
    pub latency: Option<u64>,
    /// A word of [`schema::ACCESS`], by its position there; see [`Link::access`].
    access: Option<u8>,
    /// A word of [`schema::DISCOVERY`], by its position there; see [`Link::discovery`].
    discovery: Option<u8>,
    pub per_item: bool,
    /// A flow step marked `reply`: the answer to an earlier call, not a call of its own.
    pub reply: bool,
    /// The caller tolerates the callee failing (`optional`, on the link or on a `uses` of the
    /// same pair): it degrades instead of failing, so the callee is not on its critical path.
    pub optional: bool,
    /// A build, deployment or maintenance link (`usage devops`, on the link or on a `uses` of the
    /// same pair), not a runtime dependency.
    pub devops: bool,
    /// Some field of the link is a `?` hole.
    pub has_hole: bool,
    /// Options written with a value that is a hole or failed to parse (already reported): the
    /// gap rules must not call them missing.
    pub unreadable: ThinList<&'static str>,
    pub span: Span,
    /// The protocol the link travels over and where that is said; see [`Wire`].
    pub wire: Option<Wire>,
    /// Encryption in transit, judged from `encrypted` and [`Link::wire`].
    pub transit: Transit,
}

/// Where a link's effective protocol comes from when the link does not state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireSource {
    /// The link's own `protocol`.
    Declared,
    /// A link between the same two elements that declares one (a `uses` of a topic tells how the
    /// event deliveries between the same elements travel).
    SamePair,
    /// All declaring links to this store or broker agree (its listener).
    Store(ElementId),
    /// The default `protocol` of this catalogue technology.
    Technology(ElementId),
    /// Both ends run in this container (one is part of it, or both are): an in-process call.
    Container(ElementId),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    pub protocol: Protocol,
    pub source: WireSource,
}

/// How a link travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Transit {
    /// In-process or a local file: never on the network.
    Local,
    Encrypted,
    /// Unencrypted: `encrypted no`, or a plaintext protocol.
    Plaintext,
    /// Neither `encrypted` nor a protocol is known.
    Unknown,
}

impl Link {
    /// Never on the network: its protocol (its own, or the one the facts infer) is in-process or
    /// a local file. The security, performance and reliability rules all ask this one question.
    pub fn is_local(&self) -> bool {
        self.transit == Transit::Local
    }

    /// Says how it authenticates, and that is not `none`.
    pub fn is_authenticated(&self) -> bool {
        matches!(self.auth, Some(a) if a != AuthScheme::None)
    }

    /// Its `authz`, a word of [`schema::AUTHZ`].
    pub fn authz(&self) -> Option<&'static str> {
        listed_word(schema::AUTHZ, self.authz)
    }

    /// Its `access`, a word of [`schema::ACCESS`].
    pub fn access(&self) -> Option<&'static str> {
        listed_word(schema::ACCESS, self.access)
    }

    /// Its `discovery`, a word of [`schema::DISCOVERY`].
    pub fn discovery(&self) -> Option<&'static str> {
        listed_word(schema::DISCOVERY, self.discovery)
    }
}

pub struct Facts {
    pub links: Vec<Link>,
    /// Each element's kind, one byte each: rules ask it of many elements, and reading it here
    /// does not bring each element of the model into the cache.
    pub kinds: Vec<DeclKind>,
    /// By element index: declared in the standard library; with `kinds`, what
    /// [`Facts::of_kind`] scans instead of the elements.
    pub(super) from_std: Vec<bool>,
    /// By element index: its `kind` word, by position in [`schema::KIND_WORDS`]; see
    /// [`Facts::kind_word`].
    kind_words: Vec<u8>,
    /// Links leaving / entering each element, by element index.
    pub outgoing: Ranges<usize>,
    pub incoming: Ranges<usize>,
    /// Owning team or person after inheritance (component <- its container <- system, interface
    /// <- provider).
    pub owner: ElementSlots,
    /// Effective zone of each element (a component without one runs in its container's).
    pub zone: ElementSlots,
    /// The system each element belongs to: the system it is declared in, else its `system`
    /// attribute, else its container's.
    pub system: ElementSlots,
    /// Components that declare `owns` for each data element.
    pub owners_of_data: BTreeMap<ElementId, Vec<ElementId>>,
    /// Provider of each interface (`provider` or the component that `exposes` it).
    pub provider: BTreeMap<ElementId, ElementId>,
    /// Data each component or store handles: what it owns, holds or carries, and what its links
    /// carry; sorted, by element index.
    pub handled: Ranges<ElementId>,
    /// Data each element keeps at rest, sorted, by element index: everything a datastore, cache,
    /// queue or topic handles, and what a component declares it `holds` (a git or build server
    /// keeping code and credentials on its disks). The at-rest encryption rules judge these.
    pub at_rest: Ranges<ElementId>,
    /// Every `?` hole of a user-declared element, in declaration order.
    pub holes: Vec<Hole>,
    /// What each element is for the security rules, by element index, packed (see
    /// [`Facts::roles`]): two bytes each instead of eleven.
    roles: Vec<u16>,
    /// What many rules ask of each element, by element index, packed (see [`Facts::traits`]).
    traits: Vec<PackedTraits>,
    /// Trust, network and internet exposure of every zone; see [`Facts::zones`].
    pub zone_table: ZoneTable,
    /// Which links are dependencies, for the coupling and ownership rules.
    pub deps: Deps,
    /// By element index: some element names it in `owns`, `holds`, `carries`, `publishes` or
    /// `subscribes`, as an endpoint's request or response model, or in a step's `carries`.
    /// Read in the facts' walk, while each element's attributes are at hand.
    pub mentioned_as_data: Vec<bool>,
    /// Views over `deps` built on first use (see [`super::graphs`]).
    pub(crate) graphs: super::graphs::Cache,
}

/// One optional element per element of the model, four bytes each (an `Option<ElementId>` takes
/// eight): the facts keep several such tables over all 285,000 elements of a 100,000-component
/// model.
#[derive(Clone, Debug, Default)]
pub struct ElementSlots(Vec<u32>);

impl ElementSlots {
    /// The slot of no element; no model has 2^32 elements.
    const EMPTY: u32 = u32::MAX;

    fn with_capacity(len: usize) -> Self {
        ElementSlots(Vec::with_capacity(len))
    }

    fn push(&mut self, slot: Option<ElementId>) {
        self.0.push(slot.map_or(Self::EMPTY, |id| id.0));
    }

    /// The element in slot `i`, `None` when empty or past the end.
    pub fn get(&self, i: usize) -> Option<ElementId> {
        self.0.get(i).copied().filter(|&v| v != Self::EMPTY).map(ElementId)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Option<ElementId>> for ElementSlots {
    fn from_iter<I: IntoIterator<Item = Option<ElementId>>>(slots: I) -> Self {
        ElementSlots(slots.into_iter().map(|s| s.map_or(Self::EMPTY, |id| id.0)).collect())
    }
}

/// Which links are dependencies: not a reply step (marked `reply`, or a sync step back over an
/// earlier call of the same flow), not a self-link.
pub struct Deps {
    reply: Vec<bool>,
    /// Dependency links, the declaring `uses` first, then flow steps, then event deliveries, each
    /// in index order; rules that keep one link per pair of elements keep the first.
    order: Vec<u32>,
}

impl Deps {
    fn new(links: &[Link]) -> Deps {
        let mut reply = vec![false; links.len()];
        // Steps are indexed in flow order, so an earlier call is seen before its reply.
        let mut calls: FxHashSet<(ElementId, ElementId, ElementId)> = FxHashSet::default();
        // The dependency links of each origin in index order, concatenated instead of sorted.
        let mut by_origin: [Vec<u32>; 3] = Default::default();
        for (i, l) in links.iter().enumerate() {
            if let LinkOrigin::Step { flow, .. } = l.origin {
                if l.reply {
                    reply[i] = true;
                } else if l.is_async {
                } else if l.via.is_none() && calls.contains(&(flow, l.to, l.from)) {
                    reply[i] = true;
                } else {
                    calls.insert((flow, l.from, l.to));
                }
            }
            let rank = match l.origin {
                LinkOrigin::Uses => 0,
                LinkOrigin::Step { .. } => 1,
                LinkOrigin::Event => 2,
            };
            if !reply[i] && l.from != l.to {
                by_origin[rank].push(i as u32);
            }
        }
        let order = by_origin.concat();
        Deps { reply, order }
    }

    pub fn is_dependency(&self, i: usize) -> bool {
        !self.reply.get(i).copied().unwrap_or(false)
    }

    /// The dependency links with their index, declarations first.
    pub fn links<'c>(&'c self, facts: &'c Facts) -> impl Iterator<Item = (usize, &'c Link)> + Clone + 'c {
        self.order.iter().filter_map(move |&i| facts.links.get(i as usize).map(|l| (i as usize, l)))
    }
}

/// Security roles of an element, from its `kind` word and, for a component without one, its
/// catalogue technology's kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Roles {
    /// A gateway, WAF or reverse proxy: inspects and filters what it forwards.
    pub guard: bool,
    /// Forwards traffic without inspecting it: a load balancer or a Kubernetes-style ingress.
    pub load_balancer: bool,
    /// A CDN or HTTP cache in front of an origin: a caching reverse proxy.
    pub edge_cache: bool,
    /// Keeps secrets.
    pub vault: bool,
    /// Issues and checks credentials.
    pub identity_provider: bool,
    /// Monitoring: an external of kind `monitoring` or an observability technology.
    pub monitoring: bool,
    /// Builds and ships code: a build-pipeline technology.
    pub build_pipeline: bool,
    /// Keeps source code: a source-repository technology.
    pub source_repository: bool,
    /// Serves web content: a frontend, or a web-server technology.
    pub web_server: bool,
    /// A component of kind `frontend`: a client a person uses.
    pub frontend: bool,
    /// A person: an actor that is not an API consumer or device.
    pub person: bool,
}

impl Roles {
    /// The roles as bits, in field order: the facts keep two bytes per element.
    fn to_bits(self) -> u16 {
        let roles = [
            self.guard,
            self.load_balancer,
            self.edge_cache,
            self.vault,
            self.identity_provider,
            self.monitoring,
            self.build_pipeline,
            self.source_repository,
            self.web_server,
            self.frontend,
            self.person,
        ];
        roles.iter().enumerate().fold(0, |bits, (at, &role)| bits | (u16::from(role) << at))
    }

    /// The roles [`Roles::to_bits`] packed.
    fn from_bits(bits: u16) -> Roles {
        let role = |at: u16| bits & (1 << at) != 0;
        Roles {
            guard: role(0),
            load_balancer: role(1),
            edge_cache: role(2),
            vault: role(3),
            identity_provider: role(4),
            monitoring: role(5),
            build_pipeline: role(6),
            source_repository: role(7),
            web_server: role(8),
            frontend: role(9),
            person: role(10),
        }
    }

    /// Gateways, WAFs, reverse proxies, load balancers and CDNs pass traffic to a backend.
    pub fn forwards(&self) -> bool {
        self.guard || self.load_balancer || self.edge_cache
    }

    /// Part of the delivery tool chain (Threagile's development-relevant assets).
    pub fn devops(&self) -> bool {
        self.build_pipeline || self.source_repository
    }

    /// Faces many callers with a large attack surface: web servers and the delivery tool chain.
    /// A high-value asset should not share a network with one it does not talk to.
    pub fn less_protected(&self) -> bool {
        self.web_server || self.devops()
    }
}

/// What many rules ask of one element, read from its attributes once when the facts are built.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traits {
    pub criticality: Option<Criticality>,
    /// The `classification` of a data entity or event.
    pub classification: Option<Classification>,
    /// Its `integrity` and `availability` ratings (with `classification`, the CIA triple
    /// security reviews rate data by).
    pub integrity: Option<Criticality>,
    pub availability: Option<Criticality>,
    /// See [`is_pii`].
    pub pii: bool,
    /// See [`is_credentials`].
    pub credentials: bool,
    /// See [`is_relay`].
    pub relay: bool,
    /// See [`tooling_by_kind`].
    pub tooling: bool,
    /// See [`runs_on_user_device`].
    pub user_device: bool,
    /// See [`is_anonymous_interface`].
    pub anonymous_interface: bool,
}

impl Traits {
    /// Classified at rank `min` or above, personal data, or credentials; see [`is_sensitive`].
    pub fn is_sensitive(&self, min: usize) -> bool {
        self.classification.is_some_and(|c| c.rank() >= min) || self.pii || self.credentials
    }
}

/// [`Traits`] as the facts keep them: the four ratings and the marks as bits, five bytes per
/// element instead of ten.
#[derive(Clone, Copy, Debug, Default)]
struct PackedTraits {
    criticality: Option<Criticality>,
    classification: Option<Classification>,
    integrity: Option<Criticality>,
    availability: Option<Criticality>,
    marks: u8,
}

impl PackedTraits {
    fn pack(t: Traits) -> PackedTraits {
        let marks = [t.pii, t.credentials, t.relay, t.tooling, t.user_device, t.anonymous_interface];
        PackedTraits {
            criticality: t.criticality,
            classification: t.classification,
            integrity: t.integrity,
            availability: t.availability,
            marks: marks.iter().enumerate().fold(0, |bits, (at, &mark)| bits | (u8::from(mark) << at)),
        }
    }

    fn unpack(self) -> Traits {
        let mark = |at: u8| self.marks & (1 << at) != 0;
        Traits {
            criticality: self.criticality,
            classification: self.classification,
            integrity: self.integrity,
            availability: self.availability,
            pii: mark(0),
            credentials: mark(1),
            relay: mark(2),
            tooling: mark(3),
            user_device: mark(4),
            anonymous_interface: mark(5),
        }
    }
}

/// The roles and traits of one element, from its attributes read in the walk's one pass.
fn element_facts(model: &Model, e: &Element, own: &OwnAttrs<'_>) -> (Roles, Traits) {
    let kind = OwnAttrs::word(own.kind);
    // As [`tech_of`], from the `tech` attribute already found.
    let tech = OwnAttrs::reference(own.tech).and_then(|t| model.get(t)).filter(|t| t.kind == DeclKind::Technology);
    let tech_kind = tech.and_then(|t| t.word("kind"));
    let traits = Traits {
        criticality: OwnAttrs::word(own.criticality).and_then(Criticality::parse),
        classification: OwnAttrs::word(own.classification).and_then(Classification::parse),
        integrity: OwnAttrs::word(own.integrity).and_then(Criticality::parse),
        availability: OwnAttrs::word(own.availability).and_then(Criticality::parse),
        pii: own.pii || has_field_mark(e, "pii"),
        credentials: own.credentials || has_field_mark(e, "credentials"),
        relay: relay_by_kind(e.kind, kind, tech_kind),
        tooling: tooling_by_kind(e.kind, kind),
        user_device: on_user_device_by_kind(e.kind, kind),
        anonymous_interface: e.kind == DeclKind::Interface
            && (own.anonymous || (!e.endpoints.is_empty() && e.endpoints.iter().all(is_anonymous_endpoint))),
    };
    (roles_by_kind(e, kind, tech_kind), traits)
}

/// The element's attributes that the walk reads one at a time, found by [`Walked::read_attrs`]:
/// looking each name up in turn re-read an element's attributes a dozen times. Each field holds
/// what a lookup by name gives, the first attribute of that name.
#[derive(Default)]
struct OwnAttrs<'a> {
    provider: Option<&'a Attribute>,
    owner: Option<&'a Attribute>,
    zone: Option<&'a Attribute>,
    system: Option<&'a Attribute>,
    tech: Option<&'a Attribute>,
    kind: Option<&'a Attribute>,
    criticality: Option<&'a Attribute>,
    classification: Option<&'a Attribute>,
    integrity: Option<&'a Attribute>,
    availability: Option<&'a Attribute>,
    pii: bool,
    credentials: bool,
    anonymous: bool,
}

impl<'a> OwnAttrs<'a> {
    /// As [`Element::reference`]: the attribute's single value, when a reference.
    fn reference(a: Option<&Attribute>) -> Option<ElementId> {
        a.and_then(Attribute::first).and_then(|v| v.val.reference())
    }

    /// As [`Element::word`].
    fn word(a: Option<&'a Attribute>) -> Option<&'a str> {
        a.and_then(Attribute::first).and_then(|v| v.val.word())
    }
}

fn roles_by_kind(e: &Element, kind: Option<&str>, tech_kind: Option<&str>) -> Roles {
    let component = e.kind == DeclKind::Component;
    let component_kind = if component { kind } else { None };
    let external = e.kind == DeclKind::External;
    Roles {
        guard: match component_kind {
            Some(k) => matches!(k, "gateway" | "waf" | "proxy"),
            None => component && matches!(tech_kind, Some("gateway" | "proxy")),
        },
        load_balancer: matches!(component_kind, Some("load-balancer" | "ingress")),
        edge_cache: e.kind == DeclKind::Cache && matches!(kind, Some("cdn" | "http")),
        vault: component_kind == Some("vault") || tech_kind == Some("vault"),
        identity_provider: component_kind == Some("identity-provider")
            || (external && kind == Some("identity"))
            || tech_kind == Some("identity"),
        monitoring: (external && kind == Some("monitoring")) || tech_kind == Some("observability"),
        build_pipeline: tech_kind == Some("build-pipeline"),
        source_repository: tech_kind == Some("source-repository"),
        // A web server used as a reverse proxy or load balancer forwards; it serves no pages itself.
        web_server: component_kind == Some("frontend")
            || (component
                && tech_kind == Some("web-server")
                && !matches!(component_kind, Some("gateway" | "waf" | "proxy" | "load-balancer"))),
        frontend: component_kind == Some("frontend"),
        person: e.kind == DeclKind::Actor && !matches!(kind, Some("api-consumer" | "device")),
    }
}

/// Load balancers, ingresses and proxies (by kind, or a component on a proxy technology):
/// infrastructure that relays requests to a backend. Layer, timeout, criticality and
/// data-minimisation rules judge the backend behind them, not the relay itself.
pub fn is_relay(model: &Model, id: ElementId) -> bool {
    model.get(id).is_some_and(|e| {
        let word = e.word("kind");
        // The technology decides only for a component that states no kind.
        let tech_kind = if word.is_none() && e.kind == DeclKind::Component {
            tech_of(model, id).and_then(|t| model.get(t)).and_then(|t| t.word("kind"))
        } else {
            None
        };
        relay_by_kind(e.kind, word, tech_kind)
    })
}

/// [`is_relay`] from the element's kind, `kind` word and technology kind.
fn relay_by_kind(kind: DeclKind, word: Option<&str>, tech_kind: Option<&str>) -> bool {
    kind == DeclKind::Component
        && match word {
            Some(k) => matches!(k, "load-balancer" | "ingress" | "proxy"),
            None => tech_kind == Some("proxy"),
        }
}

/// Test or operations tooling (`kind tooling`: a load generator, a smoke tester): it sends
/// synthetic traffic and is no layer of the product, so layer, timeout and data-in-transit rules
/// do not judge its own links. Read once per element into [`Traits::tooling`].
fn tooling_by_kind(kind: DeclKind, word: Option<&str>) -> bool {
    kind == DeclKind::Component && word == Some("tooling")
}

/// A `?` still to be filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hole {
    pub element: ElementId,
    pub place: HolePlace,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HolePlace {
    /// An attribute, with the names of the blocks it is nested in: `["uses", "timeout"]`; `attr`
    /// indexes the element's top-level attribute.
    Attr { attr: usize, path: Vec<&'static str> },
    /// The source (`to == false`) or target of step `step` (0-based).
    StepEnd { step: usize, to: bool },
    /// An option of step `step` (0-based), with its block path.
    StepOption { step: usize, path: Vec<&'static str> },
    /// The request or response model, or an option, of endpoint `endpoint`.
    Endpoint { endpoint: usize, option: Option<&'static str> },
}

fn ns(attr: &Attribute) -> Option<u64> {
    match attr.first().map(|v| &v.val) {
        Some(Val::Lit(Literal::Duration(n))) => Some(*n),
        _ => None,
    }
}

fn word(attr: &Attribute) -> Option<&str> {
    match attr.first().map(|v| &v.val) {
        Some(Val::Word(w)) => Some(w),
        _ => None,
    }
}

/// The position of a word of an enumerated attribute in the language table's list, so that a
/// link keeps one byte instead of a borrowed string; `None` for a word the table does not list
/// (the shaper reported it).
fn vocabulary_word(words: &'static [&'static str], word: &str) -> Option<u8> {
    words.iter().position(|w| *w == word).and_then(|at| u8::try_from(at).ok())
}

/// No `kind` word, in [`Facts::kind_words`].
const NO_KIND_WORD: u8 = u8::MAX;
/// A `kind` word [`schema::KIND_WORDS`] does not list (the shaper reported it): read from the model.
const UNLISTED_KIND_WORD: u8 = u8::MAX - 1;

fn kind_word_code(word: Option<&str>) -> u8 {
    match word {
        None => NO_KIND_WORD,
        Some(w) => {
            vocabulary_word(schema::KIND_WORDS, w).filter(|at| *at < UNLISTED_KIND_WORD).unwrap_or(UNLISTED_KIND_WORD)
        }
    }
}

/// The word at a position [`vocabulary_word`] gave.
fn listed_word(words: &'static [&'static str], at: Option<u8>) -> Option<&'static str> {
    at.and_then(|at| words.get(at as usize).copied())
}

fn refs(attrs: &[Attribute], name: &str) -> Vec<ElementId> {
    attrs.iter().filter(|a| a.name() == name).flat_map(Attribute::references).collect()
}

/// A value attribute that was written, but whose value is a `?` hole or was rejected by the parser
/// (`timeout 2sec`): the syntax error or the gap report is its one finding, and rules that look
/// for the attribute must treat it as stated, not as missing. Only meaningful for attributes that
/// take a value; a flag has no values either.
pub fn is_unreadable(attr: &Attribute) -> bool {
    match attr.first() {
        None => true,
        Some(v) => matches!(v.val, Val::Hole),
    }
}

/// The element writes the value attribute `name`, but its value is unknown; see [`is_unreadable`].
pub fn written_but_unreadable(model: &Model, id: ElementId, name: &str) -> bool {
    model.get(id).and_then(|e| e.attr(name)).is_some_and(is_unreadable)
}

/// Builds a link from keyed options (a `uses` block or a step's options); its `has_hole` is the
/// caller's to set.
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
        protocol_from: None,
        encrypted: None,
        auth: None,
        auth_from: None,
        authz: None,
        via: None,
        calls: ThinList::default(),
        carries: refs(opts, "carries").into(),
        timeout: None,
        retries: None,
        circuit_breaker: false,
        latency: None,
        access: None,
        discovery: None,
        per_item: false,
        reply: false,
        optional: false,
        devops: false,
        // Set by the callers, which know where a hole can be.
        has_hole: false,
        unreadable: ThinList::from_iter(opts.iter().filter(|a| is_unreadable(a)).map(|a| a.name())),
        span,
        wire: None,
        transit: Transit::Unknown,
    };
    for a in opts {
        match a.name() {
            "protocol" => link.protocol = word(a).and_then(Protocol::parse),
            "encrypted" => {
                if let Some(Val::Bool(b)) = a.first().map(|v| &v.val) {
                    link.encrypted = Some(*b);
                }
            }
            "auth" => link.auth = word(a).and_then(AuthScheme::parse),
            "authz" => link.authz = word(a).and_then(|w| vocabulary_word(schema::AUTHZ, w)),
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
            "access" => link.access = word(a).and_then(|w| vocabulary_word(schema::ACCESS, w)),
            "discovery" => link.discovery = word(a).and_then(|w| vocabulary_word(schema::DISCOVERY, w)),
            "per-item" => link.per_item = true,
            "reply" => link.reply = true,
            "optional" => link.optional = true,
            "usage" => link.devops = word(a) == Some("devops"),
            _ => {}
        }
    }
    link
}

/// What each element states about itself that the facts inherit or index, gathered from the walk
/// over the model (see [`Walked`]); by element index.
struct Stated {
    /// The `provider` of an interface, else the first element that `exposes` it.
    provider: ElementSlots,
    /// The components that `own` each data element, in declaration order.
    data_owners: Ranges<ElementId>,
    /// Its own `owner`.
    owner: ElementSlots,
    /// Its own `zone` attribute: `Some(None)` when written but not a resolved reference.
    zone: Vec<Option<Option<ElementId>>>,
    /// The container of a component (see [`container_of`]).
    container: ElementSlots,
    /// The system each element belongs to; see [`Facts::system`].
    system: ElementSlots,
}

impl Stated {
    /// Takes the per-element facts of the walk and resolves what one element says of another:
    /// the interfaces it exposes, the data it owns, the system its container belongs to.
    fn gather(model: &Model, walked: &mut Walked) -> Stated {
        let n = model.elements.len();
        let mut provider = std::mem::take(&mut walked.provider);
        // The first element that exposes each interface fills a provider slot left empty; the
        // slots are filled in declaration order, so the first exposer stays.
        let mut exposed_by = ElementSlots(vec![ElementSlots::EMPTY; n]);
        for &(x, by) in &std::mem::take(&mut walked.exposes) {
            if exposed_by.get(x.0 as usize).is_none() && (x.0 as usize) < n {
                exposed_by.0[x.0 as usize] = by.0;
            }
        }
        for (p, exposer) in provider.0.iter_mut().zip(exposed_by.0) {
            if *p == ElementSlots::EMPTY {
                *p = exposer;
            }
        }
        let owns = std::mem::take(&mut walked.owns);
        let data_owners = Ranges::from_pairs(n, owns.iter().map(|&(d, by)| (d.0 as usize, by)));
        drop(owns);
        // Declaration order puts a container before its components, so theirs is known first.
        // Read from the walk's parents and kinds, not from the elements again.
        let mut system: Vec<Option<ElementId>> = vec![None; n];
        for i in 0..n {
            system[i] = effective_system(&walked.kinds, &system, walked.parent.get(i), walked.system.get(i));
        }
        walked.system = ElementSlots::default();
        walked.parent = ElementSlots::default();
        Stated {
            provider,
            data_owners,
            owner: std::mem::take(&mut walked.owner),
            zone: std::mem::take(&mut walked.zone),
            container: std::mem::take(&mut walked.container),
            system: system.into_iter().collect(),
        }
    }

    fn provider(&self, id: ElementId) -> Option<ElementId> {
        self.provider.get(id.0 as usize)
    }
}

/// Everything the facts read from the elements themselves, in one walk over a run of consecutive
/// elements, so that no later step reads an element's attributes again. A large model is walked
/// in runs on several threads, joined in declaration order.
#[derive(Default)]
struct Walked {
    /// By element of the run: an interface's own `provider`, the `owner`, the `zone` (see
    /// [`Stated::zone`]), a component's container and the `system` attribute.
    provider: ElementSlots,
    kinds: Vec<DeclKind>,
    /// By element of the run: declared in the standard library.
    from_std: Vec<bool>,
    /// By element of the run: its `kind` word; see [`Facts::kind_word`].
    kind_words: Vec<u8>,
    /// By element of the run: the element it is declared in (see [`Stated::gather`]).
    parent: ElementSlots,
    owner: ElementSlots,
    zone: Vec<Option<Option<ElementId>>>,
    container: ElementSlots,
    system: ElementSlots,
    roles: Vec<u16>,
    traits: Vec<PackedTraits>,
    /// (interface, element) for each `exposes`.
    exposes: Vec<(ElementId, ElementId)>,
    /// (data, component) for each `owns`.
    owns: Vec<(ElementId, ElementId)>,
    /// See [`handled_data`].
    kept: Vec<(u32, ElementId)>,
    /// (element index, data) for each `holds` of a user-declared component.
    held: Vec<(u32, ElementId)>,
    /// The data of every `holds`, of any element; see [`Facts::is_held`].
    held_anywhere: Vec<ElementId>,
    zones: Vec<ElementId>,
    holes: Vec<Hole>,
    /// The links of `uses` and flow steps; one aimed at an interface still names the interface
    /// (see [`reach_providers`]).
    links: Vec<Link>,
    /// (event, topic or queue) for each `carries` of a topic or queue.
    carried: Vec<(ElementId, ElementId)>,
    /// Each event a component subscribes to or publishes.
    deliveries: Vec<Delivery>,
}

/// An event a component subscribes to (`publishes == false`) or publishes.
struct Delivery {
    component: ElementId,
    event: ElementId,
    publishes: bool,
    span: Span,
}

impl Walked {
    /// Reads the elements in `range`; the elements they name as data are marked in `mentioned`
    /// (by element index, shared by the runs: a flag per element rather than a list of names).
    fn walk(model: &Model, range: std::ops::Range<usize>, mentioned: &[AtomicBool]) -> Walked {
        let len = range.len();
        let mut w = Walked {
            provider: ElementSlots::with_capacity(len),
            kinds: Vec::with_capacity(len),
            from_std: Vec::with_capacity(len),
            kind_words: Vec::with_capacity(len),
            parent: ElementSlots::with_capacity(len),
            owner: ElementSlots::with_capacity(len),
            zone: Vec::with_capacity(len),
            container: ElementSlots::with_capacity(len),
            system: ElementSlots::with_capacity(len),
            roles: Vec::with_capacity(len),
            traits: Vec::with_capacity(len),
            // Room for a link per element (a generated model has about 0.74): grown by doubling
            // instead, a run's links were copied through ever larger buffers, each touching new
            // pages (a tenth of a check's page faults at 100,000 components). Room never written
            // is never made resident.
            links: Vec::with_capacity(len),
            ..Walked::default()
        };
        let mut path: Vec<&'static str> = Vec::new();
        let mut published: Vec<Delivery> = Vec::new();
        for (offset, e) in model.elements[range.clone()].iter().enumerate() {
            let i = range.start + offset;
            let id = ElementId(i as u32);
            let component = e.kind == DeclKind::Component;
            let own = w.read_attrs(e, id, mentioned, &mut published);
            w.kinds.push(e.kind);
            w.from_std.push(e.from_std);
            w.kind_words.push(kind_word_code(OwnAttrs::word(own.kind)));
            w.parent.push(e.parent);
            w.provider.push(if e.kind == DeclKind::Interface { OwnAttrs::reference(own.provider) } else { None });
            w.container.push(if component { container_of(model, id) } else { None });
            w.owner.push(OwnAttrs::reference(own.owner));
            w.zone.push(own.zone.map(|a| match a.first().map(|v| &v.val) {
                Some(Val::Ref(z)) => Some(*z),
                _ => None,
            }));
            w.system.push(OwnAttrs::reference(own.system));
            let (roles, traits) = element_facts(model, e, &own);
            w.roles.push(roles.to_bits());
            w.traits.push(PackedTraits::pack(traits));
            if e.kind == DeclKind::Zone {
                w.zones.push(id);
            }
            if !e.from_std {
                element_holes(id, e, &mut path, &mut w.holes);
            }
            declared_links(model, id, e, &mut w.links);
            // A component's subscriptions come before what it publishes, as they always have.
            w.deliveries.append(&mut published);
            mentioned_in_members(e, mentioned);
        }
        w
    }

    /// One pass over an element's attributes: the lists it declares go to the walk's lists (its
    /// `publishes` to `published`, for the caller to add after its subscriptions), the data it
    /// names are marked in `mentioned`, and the attributes read one at a time are returned.
    fn read_attrs<'a>(
        &mut self,
        e: &'a Element,
        id: ElementId,
        mentioned: &[AtomicBool],
        published: &mut Vec<Delivery>,
    ) -> OwnAttrs<'a> {
        let component = e.kind == DeclKind::Component;
        let exposer = matches!(e.kind, DeclKind::Component | DeclKind::External | DeclKind::Topic);
        let keeper = !e.from_std && (component || is_store_kind(Some(e.kind)));
        let carrier = matches!(e.kind, DeclKind::Topic | DeclKind::Queue);
        let mut own = OwnAttrs::default();
        for a in e.attrs().iter() {
            let slot = match a.name() {
                "provider" => &mut own.provider,
                "owner" => &mut own.owner,
                "zone" => &mut own.zone,
                "system" => &mut own.system,
                "tech" => &mut own.tech,
                "kind" => &mut own.kind,
                "criticality" => &mut own.criticality,
                "classification" => &mut own.classification,
                "integrity" => &mut own.integrity,
                "availability" => &mut own.availability,
                "pii" => {
                    own.pii = true;
                    continue;
                }
                "credentials" => {
                    own.credentials = true;
                    continue;
                }
                "anonymous" => {
                    own.anonymous = true;
                    continue;
                }
                "exposes" => {
                    if exposer {
                        self.exposes.extend(a.references().map(|x| (x, id)));
                    }
                    continue;
                }
                name @ ("owns" | "holds" | "carries") => {
                    if component && name == "owns" {
                        self.owns.extend(a.references().map(|d| (d, id)));
                    }
                    if keeper {
                        self.kept.extend(a.references().map(|d| (id.0, d)));
                    }
                    if component && !e.from_std && name == "holds" {
                        self.held.extend(a.references().map(|d| (id.0, d)));
                    }
                    if name == "holds" {
                        self.held_anywhere.extend(a.references());
                    }
                    if carrier && name == "carries" {
                        self.carried.extend(a.references().map(|ev| (ev, id)));
                    }
                    a.references().for_each(|d| mark(mentioned, d));
                    continue;
                }
                name @ ("subscribes" | "publishes") => {
                    let publishes = name == "publishes";
                    for v in a.values() {
                        if let Val::Ref(event) = v.val {
                            mark(mentioned, event);
                            if component {
                                let d = Delivery { component: id, event, publishes, span: v.span_in(e.file) };
                                if publishes {
                                    published.push(d)
                                } else {
                                    self.deliveries.push(d)
                                }
                            }
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            slot.get_or_insert(a);
        }
        own
    }

    /// The walks of consecutive runs joined in order. Each list is allocated once at its full
    /// length and each run's part freed as soon as it is moved: growing the first run's lists
    /// instead copied the links (35 MB at 100,000 components) through ever larger buffers.
    fn concat(mut walks: Vec<Walked>) -> Walked {
        fn joined<T>(walks: &mut [Walked], part: impl Fn(&mut Walked) -> &mut Vec<T>) -> Vec<T> {
            let mut all = Vec::with_capacity(walks.iter_mut().map(|w| part(w).len()).sum());
            for w in walks.iter_mut() {
                all.append(&mut std::mem::take(part(w)));
            }
            all
        }
        let w = &mut walks[..];
        Walked {
            links: joined(w, |w| &mut w.links),
            provider: ElementSlots(joined(w, |w| &mut w.provider.0)),
            kinds: joined(w, |w| &mut w.kinds),
            from_std: joined(w, |w| &mut w.from_std),
            kind_words: joined(w, |w| &mut w.kind_words),
            parent: ElementSlots(joined(w, |w| &mut w.parent.0)),
            owner: ElementSlots(joined(w, |w| &mut w.owner.0)),
            zone: joined(w, |w| &mut w.zone),
            container: ElementSlots(joined(w, |w| &mut w.container.0)),
            system: ElementSlots(joined(w, |w| &mut w.system.0)),
            roles: joined(w, |w| &mut w.roles),
            traits: joined(w, |w| &mut w.traits),
            exposes: joined(w, |w| &mut w.exposes),
            owns: joined(w, |w| &mut w.owns),
            kept: joined(w, |w| &mut w.kept),
            held: joined(w, |w| &mut w.held),
            held_anywhere: joined(w, |w| &mut w.held_anywhere),
            zones: joined(w, |w| &mut w.zones),
            holes: joined(w, |w| &mut w.holes),
            carried: joined(w, |w| &mut w.carried),
            deliveries: joined(w, |w| &mut w.deliveries),
        }
    }
}

/// Marks an element named as data (see [`Facts::mentioned_as_data`]).
fn mark(mentioned: &[AtomicBool], data: ElementId) {
    if let Some(m) = mentioned.get(data.0 as usize) {
        m.store(true, Ordering::Relaxed);
    }
}

/// The elements an element names as data outside its own attributes (whose `owns`, `holds`,
/// `carries`, `publishes` and `subscribes` [`Walked::read_attrs`] marks): as an endpoint's
/// request or response model, or in a step's `carries`.
fn mentioned_in_members(e: &Element, mentioned: &[AtomicBool]) {
    let mut mark_value = |v: &crate::semantic::model::Value| {
        if let Val::Ref(id) = v.val {
            mark(mentioned, id);
        }
    };
    for ep in &e.endpoints {
        ep.request.iter().chain(ep.response.iter()).for_each(&mut mark_value);
    }
    for s in &e.steps {
        s.options.iter().filter(|a| a.name() == "carries").flat_map(|a| a.values()).for_each(&mut mark_value);
    }
}

/// The zone an element runs in: its own, else (a component) its container's, else (an
/// interface) its provider's.
fn effective_zone(kinds: &[DeclKind], stated: &Stated, id: ElementId, depth: usize) -> Option<ElementId> {
    let i = id.0 as usize;
    match *kinds.get(i)? {
        DeclKind::Zone => Some(id),
        DeclKind::Interface => stated.provider(id).and_then(|p| effective_zone(kinds, stated, p, depth + 1)),
        DeclKind::Component if stated.zone[i].is_none() && depth < 64 => {
            stated.container.get(i).and_then(|c| effective_zone(kinds, stated, c, depth + 1))
        }
        _ => stated.zone[i].flatten(),
    }
}

/// A link aimed at an interface goes through it (see [`reach_providers`] for where it arrives).
/// The endpoints it `calls` are resolved against that interface, and decide its
/// authentication when the link states none (an endpoint may override the interface's).
fn go_through_interface(model: &Model, link: &mut Link, opts: &[Attribute]) {
    if model.get(link.to).is_some_and(|t| t.kind == DeclKind::Interface) {
        link.via.get_or_insert(link.to);
    }
    if let Some(v) = link.via {
        link.calls = operations::called(model, v, opts).into();
    }
    if let Some((v, iface)) = link.via.and_then(|v| model.get(v).map(|i| (v, i))) {
        if link.auth.is_none() {
            link.auth = operations::called_auth(model, v, &link.calls)
                .or_else(|| iface.word("auth").and_then(AuthScheme::parse));
        }
        // An interface open by design needs no `auth` on each caller: none is the answer.
        if link.auth.is_none() && link.via.is_some_and(|v| is_anonymous_interface(model, v)) {
            link.auth = Some(AuthScheme::None);
        }
        if link.authz.is_none() {
            link.authz = iface.word("authz").and_then(|w| vocabulary_word(schema::AUTHZ, w));
        }
    }
}

/// A link aimed at an interface reaches the interface's provider through it; the providers are
/// known once every element has been walked.
fn reach_providers(kinds: &[DeclKind], stated: &Stated, links: &mut [Link]) {
    for link in links {
        if kinds.get(link.to.0 as usize) == Some(&DeclKind::Interface) {
            if let Some(p) = stated.provider(link.to) {
                link.to = p;
            }
        }
    }
}

/// Models with fewer elements are walked on one thread: a second one costs more to start than
/// it saves. A 1,000-component workspace (2,947 elements) takes about a millisecond; walking it on
/// two threads took its check phase from 2.2 to 2.1 ms (median of 41, four alternating sets at
/// load 1.6), and gained nothing when other work kept a core busy (the second thread waits).
const TWO_THREADS_FROM_ELEMENTS: usize = 2_000;

/// The steps after the walk run side by side (each pair through [`join`], which starts a thread,
/// about 0.1 ms here) from this many elements. At 1,000 components each of them takes 0.03 to
/// 0.17 ms, so that a join cost more than it saved; at 10,000 they take 0.2 to 1.7 ms. Between
/// the walk's threshold and this one, [`Facts::build`] runs them in two lanes (which
/// at 100,000 components raised the facts' peak from about 62 to 80 MiB).
const JOINS_FROM_ELEMENTS: usize = 8_000;

/// Runs of the facts' walk per thread on a large model.
const WALK_RUNS_PER_THREAD: usize = 4;

impl Facts {
    /// Derives every fact from the model: one walk over the elements (in runs shared between
    /// threads, for a large model), then the links, with the facts that do not depend on them
    /// on the other thread.
    pub fn build(model: &Model) -> Facts {
        Facts::build_with(model, TWO_THREADS_FROM_ELEMENTS, JOINS_FROM_ELEMENTS)
    }

    /// [`Facts::build`] with its thresholds given: the walk on two threads from `walk_from`
    /// elements, a join per step from `joins_from`, two lanes in between.
    fn build_with(model: &Model, walk_from: usize, joins_from: usize) -> Facts {
        let n = model.elements.len();
        let threads = crate::parallel::threads_for(n, walk_from);
        let mentioned: Vec<AtomicBool> = std::iter::repeat_with(|| AtomicBool::new(false)).take(n).collect();
        let mut walked = if threads > 1 {
            // More runs than threads, so that a thread left waiting for a core (other work on
            // the machine) does not hold up the whole walk.
            let run = n.div_ceil(WALK_RUNS_PER_THREAD * threads);
            let runs: Vec<std::ops::Range<usize>> = (0..n).step_by(run).map(|at| at..(at + run).min(n)).collect();
            Walked::concat(crate::parallel::map_in_order(&runs, threads, |r| {
                Walked::walk(model, r.clone(), &mentioned)
            }))
        } else {
            Walked::walk(model, 0..n, &mentioned)
        };
        let stated = Stated::gather(model, &mut walked);
        // Zones first: the zone and system defaults of a link depend on where its ends are.
        let zone: ElementSlots =
            (0..n).map(|i| effective_zone(&walked.kinds, &stated, ElementId(i as u32), 0)).collect();
        let system = &stated.system;
        let Walked {
            kinds,
            from_std,
            kind_words,
            roles,
            traits,
            kept,
            held,
            held_anywhere,
            zones,
            holes,
            links,
            carried,
            deliveries,
            ..
        } = walked;
        let mentioned_as_data: Vec<bool> = mentioned.into_iter().map(AtomicBool::into_inner).collect();
        let steps = |mut links: Vec<Link>| {
            reach_providers(&kinds, &stated, &mut links);
            add_event_links(&carried, &deliveries, &mut links);
            share_pair_marks(&mut links);
            super::defaults::apply(model, &zone, system, &mut links);
            operations::share(&mut links);
            links
        };
        let owners = || {
            // Every `owns` is known before owners are inherited: data takes its owning
            // component's owner whatever the declaration order.
            let owner: ElementSlots =
                (0..n).map(|i| inherited_owner(&kinds, &stated, system, ElementId(i as u32), 0)).collect();
            let owners_of_data: BTreeMap<ElementId, Vec<ElementId>> = (0..n)
                .filter_map(|i| {
                    let owners = stated.data_owners.list(i);
                    (!owners.is_empty()).then(|| (ElementId(i as u32), owners.to_vec()))
                })
                .collect();
            let provider: BTreeMap<ElementId, ElementId> =
                (0..n).filter_map(|i| stated.provider.get(i).map(|p| (ElementId(i as u32), p))).collect();
            (owner, owners_of_data, provider, ZoneTable::for_zones(model, &zones))
        };
        // Two reads of the finished links, side by side: the data each carries and the wire each
        // travels over write different fields, so the outcome is the one-thread outcome.
        let finish = |threads: usize, links: &mut Vec<Link>| {
            let (carries, wires) = join(threads, || gathered_carries(model, links), || judged_wires(model, links));
            for (at, carries) in carries {
                links[at as usize].carries = carries;
            }
            set_transit(links, wires);
        };
        let tables = |threads: usize, links: &[Link]| {
            join(
                threads,
                || {
                    let handled = handled_data(n, &kept, links);
                    let held = Ranges::from_pairs(n, held.iter().map(|&(at, d)| (at as usize, d))).into_sets();
                    let at_rest = at_rest_data(&kinds, &from_std, &handled, &held);
                    (handled, at_rest)
                },
                || {
                    let ends = links.iter().enumerate();
                    let outgoing = Ranges::from_pairs(n, ends.clone().map(|(i, l)| (l.from.0 as usize, i)));
                    let incoming = Ranges::from_pairs(n, ends.map(|(i, l)| (l.to.0 as usize, i)));
                    (Deps::new(links), (outgoing, incoming))
                },
            )
        };
        let joins = crate::parallel::threads_for(n, joins_from);
        let (links, ((handled, at_rest), (deps, (outgoing, incoming))), owned, linkless) = if joins < threads {
            // Too small for a join per step: two lanes, every step of the links on this thread,
            // the owners and the views that read no link on the other (or here too, when that
            // thread has not started by then: see `join`).
            let ((links, found), (owned, linkless)) = join(
                threads,
                || {
                    let mut links = steps(links);
                    finish(1, &mut links);
                    let found = tables(1, &links);
                    (links, found)
                },
                || (owners(), super::graphs::LinklessViews::new(model, &kinds, &from_std, &held_anywhere)),
            );
            (links, found, owned, Some(linkless))
        } else {
            let (mut links, owned) = join(joins, || steps(links), owners);
            finish(joins, &mut links);
            // What only the walk and the steps above needed is freed before the next tables grow.
            drop((carried, deliveries));
            let found = tables(joins, &links);
            (links, found, owned, None)
        };
        let (owner, owners_of_data, provider, zone_table) = owned;
        let Stated { system, .. } = stated;
        drop((kept, held));
        let facts = Facts {
            links,
            kinds,
            from_std,
            kind_words,
            outgoing,
            incoming,
            owner,
            zone,
            system,
            owners_of_data,
            provider,
            handled,
            at_rest,
            holes,
            roles,
            traits,
            zone_table,
            deps,
            mentioned_as_data,
            graphs: Default::default(),
        };
        if let Some(linkless) = linkless {
            facts.graphs.preset(linkless);
        }
        facts.build_views(model, joins, held_anywhere);
        facts
    }
}

/// The links declared by the `uses` and flow steps of one element, in declaration order.
fn declared_links(model: &Model, id: ElementId, e: &Element, links: &mut Vec<Link>) {
    {
        // Actors and external systems may `uses` too: landscape relations outside flows.
        if matches!(e.kind, DeclKind::Component | DeclKind::Actor | DeclKind::External) {
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
                let mut link = link_from_options(id, target, is_async, LinkOrigin::Uses, &a.block, a.span_in(e.file));
                // A block is searched for holes only when the element's attributes hold one.
                link.has_hole = e.attrs_have_holes() && has_hole(&a.block);
                go_through_interface(model, &mut link, &a.block);
                links.push(link);
            }
        }
        if e.kind == DeclKind::Flow {
            for (index, s) in e.steps.iter().enumerate() {
                let (Val::Ref(from), Val::Ref(to)) = (&s.from.val, &s.to.val) else { continue };
                let mut link =
                    link_from_options(*from, *to, s.is_async, LinkOrigin::Step { flow: id, index }, &s.options, s.span);
                link.has_hole = has_hole(&s.options);
                if let Some(p) = s.protocol.as_deref().and_then(Protocol::parse) {
                    if p == Protocol::Mtls {
                        link.protocol = Some(Protocol::Https);
                        link.auth.get_or_insert(AuthScheme::Mtls);
                    } else {
                        link.protocol = Some(p);
                    }
                }
                if let Some(Literal::Duration(ns)) = s.latency {
                    link.latency = Some(ns);
                }
                go_through_interface(model, &mut link, &s.options);
                links.push(link);
            }
        }
    }
}

/// Event delivery: a topic or queue carrying an event reaches each subscriber, and each publisher
/// reaches it; in the order the components are declared.
fn add_event_links(carried: &[(ElementId, ElementId)], deliveries: &[Delivery], links: &mut Vec<Link>) {
    let mut topics_of_event: FxHashMap<ElementId, Vec<ElementId>> = FxHashMap::default();
    for &(event, topic) in carried {
        topics_of_event.entry(event).or_default().push(topic);
    }
    for d in deliveries {
        for &t in topics_of_event.get(&d.event).map(Vec::as_slice).unwrap_or(&[]) {
            let (from, to) = if d.publishes { (d.component, t) } else { (t, d.component) };
            let mut link = link_from_options(from, to, true, LinkOrigin::Event, &[], d.span);
            link.carries = vec![d.event].into();
            links.push(link);
        }
    }
}

/// A flow step repeats what the `uses` of the same pair says about the dependency.
fn share_pair_marks(links: &mut [Link]) {
    let mut optional: FxHashSet<(ElementId, ElementId)> = FxHashSet::default();
    let mut devops: FxHashSet<(ElementId, ElementId)> = FxHashSet::default();
    for l in links.iter().filter(|l| l.origin == LinkOrigin::Uses) {
        if l.optional {
            optional.insert((l.from, l.to));
        }
        if l.devops {
            devops.insert((l.from, l.to));
        }
    }
    for l in links.iter_mut().filter(|l| matches!(l.origin, LinkOrigin::Step { .. })) {
        l.optional |= optional.contains(&(l.from, l.to));
        l.devops |= devops.contains(&(l.from, l.to));
    }
}

/// The data of each link that carries more than it states itself, sorted and without repeats,
/// by link index: what its own `carries` and the request and response models of the interface
/// it goes through (of the called endpoints only, when `calls` names them) add up to. Read once
/// every source of a link's data has added to it; the other links keep their list as it is.
fn gathered_carries(model: &Model, links: &[Link]) -> Vec<(u32, ThinList<ElementId>)> {
    let mut gathered = Vec::new();
    for (at, l) in links.iter().enumerate() {
        if l.via.is_none() && l.carries.len() <= 1 {
            continue;
        }
        let mut carries = l.carries.to_vec();
        if let Some(v) = l.via {
            operations::add_exposed_data(model, v, &l.calls, &mut carries);
        }
        carries.sort_unstable();
        carries.dedup();
        gathered.push((at as u32, carries.into()));
    }
    gathered
}

/// Each link's [`Transit`], judged from `encrypted` and the wire [`judged_wires`] found.
fn set_transit(links: &mut [Link], wires: Vec<Option<Wire>>) {
    for (l, wire) in links.iter_mut().zip(wires) {
        l.transit = match (l.encrypted, wire.as_ref().map(|w| w.protocol.transport())) {
            (_, Some(Transport::Local)) => Transit::Local,
            (Some(true), _) => Transit::Encrypted,
            (Some(false), _) => Transit::Plaintext,
            (None, None) => Transit::Unknown,
            (None, Some(Transport::Plaintext)) => Transit::Plaintext,
            (None, Some(Transport::Encrypted)) => Transit::Encrypted,
        };
        l.wire = wire;
    }
}

/// Each link's [`Wire`], in link order. A link that does not state its protocol takes the one
/// of a declared link between the same two elements, else the one all declaring links to its
/// store or broker agree on, else the default of the target's technology (or of the source's,
/// when the source is a store).
fn judged_wires(model: &Model, links: &[Link]) -> Vec<Option<Wire>> {
    // Links are referred to by index, so that no protocol text is copied but the one chosen.
    // Indices are u32: at 100,000 components the pair map holds 200,000 declaring links.
    let mut pair: FxHashMap<(ElementId, ElementId), u32> = FxHashMap::default();
    // The one declaring link all declaring links to a store agree with; `None` on disagreement.
    let mut store: FxHashMap<ElementId, Option<u32>> = FxHashMap::default();
    for (i, l) in links.iter().enumerate() {
        let Some(p) = l.protocol else { continue };
        pair.entry((l.from, l.to)).or_insert(i as u32);
        for end in [l.from, l.to] {
            if is_store_kind(model.get(end).map(|e| e.kind)) {
                let agreed = store.entry(end).or_insert(Some(i as u32));
                if agreed.is_some_and(|j| links[j as usize].protocol != Some(p)) {
                    *agreed = None;
                }
            }
        }
    }
    let protocol_of = |i: u32| links[i as usize].protocol;
    let local = |i: u32| links[i as usize].protocol.map(Protocol::transport) == Some(Transport::Local);
    let tech_wire = |id: ElementId| {
        let t = tech_of(model, id)?;
        let tech = model.get(t)?;
        let protocol = Protocol::parse(tech.word("protocol")?)?;
        Some(Wire { protocol, source: WireSource::Technology(t) })
    };
    links
        .iter()
        .map(|l| {
            if let Some(protocol) = l.protocol {
                return Some(Wire { protocol, source: WireSource::Declared });
            }
            if let Some(c) = same_container(model, l.from, l.to) {
                return Some(Wire { protocol: Protocol::InProcess, source: WireSource::Container(c) });
            }
            if let Some(&i) = pair.get(&(l.from, l.to)).or_else(|| pair.get(&(l.to, l.from))) {
                return protocol_of(i).map(|protocol| Wire { protocol, source: WireSource::SamePair });
            }
            let listener = [l.to, l.from]
                .into_iter()
                .find_map(|end| store.get(&end).copied().flatten().filter(|i| !local(*i)).map(|i| (end, i)));
            if let Some((end, i)) = listener {
                return protocol_of(i).map(|protocol| Wire { protocol, source: WireSource::Store(end) });
            }
            let from_is_store = is_store_kind(model.get(l.from).map(|e| e.kind));
            tech_wire(l.to).or_else(|| if from_is_store { tech_wire(l.from) } else { None })
        })
        .collect()
}

fn inherited_owner(
    kinds: &[DeclKind],
    stated: &Stated,
    system: &ElementSlots,
    id: ElementId,
    depth: usize,
) -> Option<ElementId> {
    let i = id.0 as usize;
    let kind = *kinds.get(i)?;
    if let Some(o) = stated.owner.get(i) {
        return Some(o);
    }
    if depth > 8 {
        return None;
    }
    let next = match kind {
        DeclKind::Interface => stated.provider.get(i),
        DeclKind::Data | DeclKind::Event => stated.data_owners[i].first().copied(),
        DeclKind::Component if stated.container.get(i).is_some() => stated.container.get(i),
        _ => return system.get(i).and_then(|s| stated.owner.get(s.0 as usize)),
    };
    next.and_then(|x| inherited_owner(kinds, stated, system, x, depth + 1))
}

/// The system an element belongs to, given those of the elements declared before it and its own
/// `system` attribute.
fn effective_system(
    kinds: &[DeclKind],
    system: &[Option<ElementId>],
    parent: Option<ElementId>,
    system_attr: Option<ElementId>,
) -> Option<ElementId> {
    let parent = parent.and_then(|p| kinds.get(p.0 as usize).map(|&kind| (p, kind)));
    match parent {
        Some((p, DeclKind::System)) => Some(p),
        _ if system_attr.is_some() => system_attr,
        Some((p, DeclKind::Component)) => system.get(p.0 as usize).copied().flatten(),
        _ => None,
    }
}

impl Facts {
    /// The user's elements (not the standard library's) of one kind, in declaration order, as
    /// [`Model::of_kind`] gives them; found in two one-byte-per-element tables rather than by
    /// reading every element of the model, which at 100,000 components no longer fits the cache.
    pub fn of_kind(&self, kind: DeclKind) -> impl Iterator<Item = ElementId> + '_ {
        self.user_elements_where(move |k| k == kind)
    }

    /// The user's elements whose kind passes `wanted`, in declaration order; see
    /// [`Facts::of_kind`].
    pub fn user_elements_where<'f>(
        &'f self,
        wanted: impl Fn(DeclKind) -> bool + 'f,
    ) -> impl Iterator<Item = ElementId> + 'f {
        user_elements_where(&self.kinds, &self.from_std, wanted)
    }

    /// The `kind` word of an element (as [`Element::word`] gives it), from the walk's table:
    /// rules ask it of link ends, and the table does not bring each element into the cache.
    pub fn kind_word<'m>(&self, model: &'m Model, id: ElementId) -> Option<&'m str> {
        match self.kind_words.get(id.0 as usize).copied()? {
            NO_KIND_WORD => None,
            UNLISTED_KIND_WORD => model.get(id).and_then(|e| e.word("kind")),
            at => schema::KIND_WORDS.get(at as usize).copied(),
        }
    }

    pub fn system_of(&self, id: ElementId) -> Option<ElementId> {
        self.system.get(id.0 as usize)
    }

    pub fn roles(&self, id: ElementId) -> Roles {
        self.roles.get(id.0 as usize).map_or_else(Roles::default, |&bits| Roles::from_bits(bits))
    }

    /// Zone questions answered from [`Facts::zone_table`].
    pub fn zones<'m>(&'m self, model: &'m Model) -> Zones<'m> {
        Zones::with_table(model, &self.zone_table)
    }

    pub fn traits(&self, id: ElementId) -> Traits {
        self.traits.get(id.0 as usize).map_or_else(Traits::default, |t| t.unpack())
    }

    /// Data an element keeps at rest; see [`Facts::at_rest`].
    pub fn kept_at_rest(&self, id: ElementId) -> &[ElementId] {
        self.at_rest.list(id.0 as usize)
    }

    /// Keeps data at rest: a store, or a component that declares what it `holds`.
    pub fn keeps_data(&self, id: ElementId) -> bool {
        is_store_kind(self.kinds.get(id.0 as usize).copied()) || !self.kept_at_rest(id).is_empty()
    }

    /// Data a component or store handles; empty for other elements.
    pub fn handled(&self, id: ElementId) -> &[ElementId] {
        self.handled.list(id.0 as usize)
    }

    pub fn zone_of(&self, id: ElementId) -> Option<ElementId> {
        self.zone.get(id.0 as usize)
    }

    pub fn owner_of(&self, id: ElementId) -> Option<ElementId> {
        self.owner.get(id.0 as usize)
    }

    pub fn out(&self, id: ElementId) -> impl Iterator<Item = &Link> {
        self.outgoing.list(id.0 as usize).iter().filter_map(|&i| self.links.get(i))
    }

    pub fn inbound(&self, id: ElementId) -> impl Iterator<Item = &Link> {
        self.incoming.list(id.0 as usize).iter().filter_map(|&i| self.links.get(i))
    }
}

/// The container a component is part of: the component it is declared in (C4 level 3).
pub fn container_of(model: &Model, id: ElementId) -> Option<ElementId> {
    let e = model.get(id)?;
    let p = e.parent?;
    (e.kind == DeclKind::Component && model.get(p)?.kind == DeclKind::Component).then_some(p)
}

/// The unit a component is deployed as: itself, or the outermost container it is part of.
pub fn deployed_as(model: &Model, id: ElementId) -> ElementId {
    let mut cur = id;
    // Nesting depth is bounded by the lexer, so this walk ends.
    while let Some(c) = container_of(model, cur) {
        cur = c;
    }
    cur
}

/// The container two components both run in, when a call between them stays in its process.
pub(crate) fn same_container(model: &Model, a: ElementId, b: ElementId) -> Option<ElementId> {
    if !is_part(model, a) && !is_part(model, b) {
        return None;
    }
    let unit = deployed_as(model, a);
    (unit == deployed_as(model, b)).then_some(unit)
}

/// Whether a component runs inside a container rather than being deployed on its own: it
/// scales, fails and is placed with its container.
pub fn is_part(model: &Model, id: ElementId) -> bool {
    container_of(model, id).is_some()
}

/// Zone facts: parents, trust levels, network boundaries, internet exposure.
pub struct Zones<'m> {
    model: &'m Model,
    /// The answers for every zone, when the facts have them: rules ask per link.
    known: Option<&'m ZoneTable>,
}

/// What [`Zones`] answers about each zone of the model, one row per zone in element order; built
/// with the facts from the same walks. A model has few zones, so rows are found by binary search
/// rather than kept in tables over every element.
#[derive(Default)]
pub struct ZoneTable {
    rows: Vec<(ElementId, ZoneRow)>,
}

#[derive(Clone, Copy)]
struct ZoneRow {
    trust: Option<usize>,
    network: Option<ElementId>,
    internet: bool,
}

impl ZoneTable {
    /// The table for the given zones of the model, in element order.
    fn for_zones(model: &Model, zones_of_model: &[ElementId]) -> ZoneTable {
        let zones = Zones::new(model);
        let mut rows: Vec<(ElementId, ZoneRow)> = zones_of_model
            .iter()
            .map(|&z| (z, ZoneRow { trust: zones.trust(z), network: zones.network(z), internet: zones.is_internet(z) }))
            .collect();
        rows.sort_unstable_by_key(|(z, _)| *z);
        ZoneTable { rows }
    }

    /// The answers for `zone`, when it is a zone of the model the table was built for.
    fn row(&self, zone: ElementId) -> Option<&ZoneRow> {
        self.rows.binary_search_by_key(&zone, |(z, _)| *z).ok().map(|at| &self.rows[at].1)
    }
}

impl<'m> Zones<'m> {
    pub fn new(model: &'m Model) -> Self {
        Zones { model, known: None }
    }

    /// Answers trust, network and internet questions from the facts' table.
    pub fn with_table(model: &'m Model, table: &'m ZoneTable) -> Self {
        Zones { model, known: Some(table) }
    }

    fn table_for(&self, zone: ElementId) -> Option<&'m ZoneRow> {
        self.known.and_then(|t| t.row(zone))
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
        let mut out = Vec::new();
        self.find_in_chain(zone, |z| {
            out.push(z);
            None::<()>
        });
        out
    }

    /// The first answer `f` gives along the zone and its ancestors, innermost first; stops on a
    /// cycle. Rules ask this for every link, so the walk allocates nothing.
    fn find_in_chain<T>(&self, zone: ElementId, mut f: impl FnMut(ElementId) -> Option<T>) -> Option<T> {
        const MAX: usize = 65;
        let mut seen = [zone; MAX];
        let mut len = 1;
        let mut cur = zone;
        loop {
            if let Some(t) = f(cur) {
                return Some(t);
            }
            let p = self.parent(cur)?;
            if seen[..len].contains(&p) || len >= MAX {
                return None;
            }
            seen[len] = p;
            len += 1;
            cur = p;
        }
    }

    /// Trust rank (none = 0 .. full = 4), inherited from enclosing zones.
    pub fn trust(&self, zone: ElementId) -> Option<usize> {
        if let Some(row) = self.table_for(zone) {
            return row.trust;
        }
        self.find_in_chain(zone, |z| {
            self.model.get(z).and_then(|e| e.word("trust")).and_then(Trust::parse).map(Trust::rank)
        })
    }

    /// The innermost network zone containing this zone (zones are network zones unless `kind logical`).
    pub fn network(&self, zone: ElementId) -> Option<ElementId> {
        if let Some(row) = self.table_for(zone) {
            return row.network;
        }
        self.find_in_chain(zone, |z| (self.model.get(z).and_then(|e| e.word("kind")) != Some("logical")).then_some(z))
    }

    pub fn is_internet(&self, zone: ElementId) -> bool {
        if let Some(row) = self.table_for(zone) {
            return row.internet;
        }
        self.find_in_chain(zone, |z| self.model.get(z).is_some_and(|e| e.has_flag("internet")).then_some(())).is_some()
    }

    /// Most restrictive `max-classification` rank of the zone and its ancestors.
    pub fn max_classification(&self, zone: ElementId) -> Option<(usize, ElementId)> {
        self.chain(zone)
            .into_iter()
            .filter_map(|z| {
                self.model
                    .get(z)
                    .and_then(|e| e.word("max-classification"))
                    .and_then(Classification::parse)
                    .map(Classification::rank)
                    .map(|r| (r, z))
            })
            .min()
    }
}

/// Technology kinds whose products keep what they handle on their own disks: a component
/// built on one stores data even though the model draws no datastore for it.
pub const DATA_KEEPING_TECH_KINDS: &[&str] =
    &["source-repository", "build-pipeline", "file-server", "database", "object-store", "search"];

/// A component whose catalogue technology keeps data at rest.
pub fn component_keeps_data(model: &Model, id: ElementId) -> bool {
    model.get(id).is_some_and(|e| e.kind == DeclKind::Component)
        && tech_of(model, id)
            .and_then(|t| model.get(t))
            .and_then(|t| t.word("kind"))
            .is_some_and(|k| DATA_KEEPING_TECH_KINDS.contains(&k))
}

/// One way an element is exposed to technology-derived threats: a word of
/// [`crate::syntax::schema::THREAT_SURFACE`], and the element that makes it so (the database a
/// client queries, the link's far end), when there is one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Surface {
    pub name: &'static str,
    pub because_of: Option<ElementId>,
}

/// Protocols that speak to a relational or document database.
const DATABASE_PROTOCOLS: &[&str] = &["postgres", "postgres-tls", "mysql", "mysql-tls", "jdbc"];

/// The threat surfaces of every element, indexed by element id, each in
/// [`crate::syntax::schema::THREAT_SURFACE`] order. Only our components and stores have any: the
/// model does not build std elements, actors or externals.
pub fn threat_surfaces(model: &Model, facts: &Facts) -> Vec<Vec<Surface>> {
    let tech_kind = |x: ElementId| tech_of(model, x).and_then(|t| model.get(t)).and_then(|t| t.word("kind"));
    // Run as a container: a deployment node built on an orchestrator runs it.
    let mut container_node: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for (node, n) in model.iter() {
        if n.kind == DeclKind::Node && tech_kind(node) == Some("orchestrator") {
            for r in n.references("runs") {
                container_node.entry(r).or_insert(node);
            }
        }
    }
    model.iter().map(|(id, _)| element_surfaces(model, facts, id, container_node.get(&id).copied())).collect()
}

fn element_surfaces(model: &Model, facts: &Facts, id: ElementId, container_node: Option<ElementId>) -> Vec<Surface> {
    let Some(e) = model.get(id) else { return Vec::new() };
    let component = e.kind == DeclKind::Component;
    if e.from_std || !(component || is_store_kind(Some(e.kind))) {
        return Vec::new();
    }
    let roles = facts.roles(id);
    let tech_kind = |x: ElementId| tech_of(model, x).and_then(|t| model.get(t)).and_then(|t| t.word("kind"));
    fn protocol(l: &Link) -> Option<&'static str> {
        l.wire.as_ref().map(|w| w.protocol.word())
    }
    let is_web = |l: &Link| l.wire.as_ref().is_some_and(|w| w.protocol.is_web());
    // The first outgoing link to a target the predicate picks.
    let client_of = |pick: &dyn Fn(&Link) -> bool| facts.out(id).find(|l| pick(l)).map(|l| l.to);
    let mut out: Vec<Surface> = Vec::new();
    let mut add = |name: &'static str, because_of: Option<ElementId>| out.push(Surface { name, because_of });
    // A web application: serves pages to people (a web server, an identity provider's login), or
    // people reach it over the web.
    if component && !roles.forwards() && !roles.vault && !roles.monitoring {
        let person = people_over_web(model, facts, id, &is_web);
        if person.is_some() || roles.web_server || roles.identity_provider {
            add("web-application", person);
        }
    }
    if let Some(db) = client_of(&|l| {
        tech_kind(l.to) == Some("database") || protocol(l).is_some_and(|p| DATABASE_PROTOCOLS.contains(&p))
    }) {
        add("database-client", Some(db));
    }
    if let Some(dir) = client_of(&|l| {
        matches!(protocol(l), Some("ldap" | "ldaps"))
            || (is_store_kind(model.get(l.to).map(|t| t.kind)) && tech_kind(l.to) == Some("identity"))
    }) {
        add("directory-client", Some(dir));
    }
    if let Some(search) = client_of(&|l| tech_kind(l.to) == Some("search")) {
        add("search-client", Some(search));
    }
    if let Some(files) = client_of(&|l| {
        matches!(tech_kind(l.to), Some("file-server" | "object-store"))
            || matches!(protocol(l), Some("ftp" | "sftp" | "s3"))
    }) {
        add("file-store-client", Some(files));
    }
    if component && !runs_on_user_device(model, id) {
        if let Some(far) = client_of(&|l| is_web(l)) {
            add("outgoing-http", Some(far));
        }
    }
    let xml = e.references("exposes").find(|i| {
        model.get(*i).is_some_and(|i| i.word("format") == Some("xml") || i.variant.as_deref() == Some("soap"))
    });
    if let Some(iface) = xml {
        add("xml-accepter", Some(iface));
    }
    let uploads = e.references("exposes").find(|i| model.get(*i).is_some_and(|i| i.variant.as_deref() == Some("file")));
    if let Some(iface) = uploads {
        add("file-accepter", Some(iface));
    }
    if roles.source_repository {
        add("source-repository", None);
    }
    if roles.build_pipeline {
        add("build-pipeline", None);
    }
    if tech_kind(id) == Some("orchestrator") {
        add("container-platform", None);
    }
    if let Some(node) = container_node {
        add("container-workload", Some(node));
    }
    out
}

/// A person (an actor that is not an API consumer or device) who reaches this element over a web
/// protocol, directly or through forwarders.
fn people_over_web(model: &Model, facts: &Facts, id: ElementId, is_web: &dyn Fn(&Link) -> bool) -> Option<ElementId> {
    let mut seen: BTreeSet<ElementId> = BTreeSet::new();
    let mut stack = vec![id];
    while let Some(x) = stack.pop() {
        if !seen.insert(x) {
            continue;
        }
        for l in facts.inbound(x).filter(|l| is_web(l)) {
            let from = model.get(l.from);
            let person = from.is_some_and(|a| {
                a.kind == DeclKind::Actor && !matches!(a.word("kind"), Some("api-consumer" | "device"))
            });
            if person {
                return Some(l.from);
            }
            if facts.roles(l.from).forwards() {
                stack.push(l.from);
            }
        }
    }
    None
}

/// For every element (indexed by id), whether something in an internet zone calls it directly or
/// through load balancers only: the exposure SEC005 judges. Guards stop the walk.
pub fn internet_reached(model: &Model, facts: &Facts) -> Vec<bool> {
    let zones = Zones::new(model);
    let in_internet = |x: ElementId| facts.zone_of(x).is_some_and(|z| zones.is_internet(z));
    let mut reached = vec![false; model.elements.len()];
    let mut stack: Vec<ElementId> = facts.links.iter().filter(|l| in_internet(l.from)).map(|l| l.to).collect();
    while let Some(x) = stack.pop() {
        match reached.get_mut(x.0 as usize) {
            Some(r) if !*r => *r = true,
            _ => continue,
        }
        if facts.roles(x).load_balancer {
            stack.extend(facts.out(x).map(|l| l.to));
        }
    }
    reached
}

/// The data an interface exchanges: what it `carries` and the request and response models of its
/// endpoints, in declaration order.
pub fn interface_data(model: &Model, iface: ElementId) -> Vec<ElementId> {
    let mut out = Vec::new();
    operations::add_exposed_data(model, iface, &[], &mut out);
    out
}

/// An interface callable without authentication by design (sign-in, token, password reset,
/// JWKS, health): marked `anonymous`, or every one of its endpoints is.
pub fn is_anonymous_interface(model: &Model, iface: ElementId) -> bool {
    model.get(iface).is_some_and(anonymous_interface)
}

fn anonymous_interface(i: &Element) -> bool {
    i.kind == DeclKind::Interface
        && (i.has_flag("anonymous") || (!i.endpoints.is_empty() && i.endpoints.iter().all(is_anonymous_endpoint)))
}

/// An endpoint marked `anonymous`: callable without authentication by design.
fn is_anonymous_endpoint(ep: &Endpoint) -> bool {
    ep.options.iter().any(|a| a.name() == "anonymous")
}

/// The link goes through an interface that is open by design, or calls only endpoints marked
/// `anonymous`, so asking its callers to authenticate (or for a second factor) is no finding.
pub fn anonymous_by_design(model: &Model, link: &Link) -> bool {
    let Some(v) = link.via else { return false };
    if is_anonymous_interface(model, v) {
        return true;
    }
    let Some(i) = model.get(v) else { return false };
    !link.calls.is_empty() && link.calls.iter().all(|&n| i.endpoints.get(n).is_some_and(is_anonymous_endpoint))
}

/// Component kinds whose code runs on the users' own devices: a browser single-page app, a mobile
/// app, a desktop app. Every user runs a copy, so one crash is not an outage.
pub const USER_DEVICE_KINDS: &[&str] = &["spa", "mobile", "desktop"];

/// A component that runs on the users' devices rather than on the system's hosts.
pub fn runs_on_user_device(model: &Model, id: ElementId) -> bool {
    model.get(id).is_some_and(|e| on_user_device_by_kind(e.kind, e.word("kind")))
}

fn on_user_device_by_kind(kind: DeclKind, word: Option<&str>) -> bool {
    kind == DeclKind::Component && word.is_some_and(|k| USER_DEVICE_KINDS.contains(&k))
}

pub fn is_store_kind(kind: Option<DeclKind>) -> bool {
    matches!(kind, Some(DeclKind::Datastore | DeclKind::Cache | DeclKind::Queue | DeclKind::Topic))
}

/// The technology catalogue entry an element's `tech` names.
pub fn tech_of(model: &Model, id: ElementId) -> Option<ElementId> {
    model.get(id)?.reference("tech").filter(|t| model.get(*t).is_some_and(|t| t.kind == DeclKind::Technology))
}

/// Classification rank of a data entity or event: public 0, internal 1, confidential 2,
/// restricted 3; `None` when unclassified.
pub fn classification(model: &Model, data: ElementId) -> Option<usize> {
    model.get(data).and_then(|e| e.word("classification")).and_then(Classification::parse).map(Classification::rank)
}

/// Marked `pii`, or has a `pii` field.
pub fn is_pii(model: &Model, data: ElementId) -> bool {
    model.get(data).is_some_and(|e| has_mark(e, "pii"))
}

/// Marked with the flag `mark`, or has a field with that modifier.
fn has_mark(e: &Element, mark: &str) -> bool {
    e.has_flag(mark) || has_field_mark(e, mark)
}

/// A field of the element carries the modifier `mark`.
fn has_field_mark(e: &Element, mark: &str) -> bool {
    e.fields.iter().any(|f| f.modifiers.iter().any(|m| m == mark))
}

/// Marked `credentials`, or has a `credentials` field.
pub fn is_credentials(model: &Model, data: ElementId) -> bool {
    model.get(data).is_some_and(|e| has_mark(e, "credentials"))
}

/// The data entities and events named as field types of `data` (`field address: Address`):
/// nested value types, as protobuf and JSON schemas have them.
pub fn field_types(model: &Model, data: ElementId) -> Vec<ElementId> {
    field_types_with(model, data, &mut |name| model.lookup(name))
}

/// [`field_types`] with the name lookup given: the facts look each distinct type name up once
/// for the whole model, as most fields share a few scalar types.
pub(crate) fn field_types_with<'m>(
    model: &'m Model,
    data: ElementId,
    lookup: &mut dyn FnMut(&'m str) -> Option<ElementId>,
) -> Vec<ElementId> {
    let Some(e) = model.get(data) else { return Vec::new() };
    e.fields
        .iter()
        .filter_map(|f| lookup(f.ty.trim_end_matches("[]")))
        .filter(|t| *t != data && model.get(*t).is_some_and(|t| matches!(t.kind, DeclKind::Data | DeclKind::Event)))
        .collect()
}

/// Credentials that are the system's own secrets (keys, service passwords), which belong in a
/// vault: not end users' credentials kept as one-way hashes (`hashed` on the data or the field).
pub fn is_system_secret(model: &Model, data: ElementId) -> bool {
    model.get(data).is_some_and(|e| {
        let hashed = e.has_flag("hashed");
        (e.has_flag("credentials") && !hashed)
            || e.fields.iter().any(|f| {
                f.modifiers.iter().any(|m| m == "credentials") && !hashed && !f.modifiers.iter().any(|m| m == "hashed")
            })
    })
}

/// Classified at rank `min` or above, personal data, or credentials.
pub fn is_sensitive(model: &Model, data: ElementId, min: usize) -> bool {
    classification(model, data).is_some_and(|c| c >= min) || is_pii(model, data) || is_credentials(model, data)
}

/// Data each component or store handles: what it owns, holds or carries (`kept`, see
/// [`Stated::kept`]), and what its links carry; sorted, by element index.
fn handled_data(n: usize, kept: &[(u32, ElementId)], links: &[Link]) -> Ranges<ElementId> {
    let carried = links.iter().flat_map(|l| {
        [l.from, l.to].into_iter().flat_map(move |end| l.carries.iter().map(move |&d| (end.0 as usize, d)))
    });
    Ranges::from_pairs(n, kept.iter().map(|&(at, d)| (at as usize, d)).chain(carried)).into_sets()
}

/// Data kept at rest: a store's handled data, a component's `holds` (`held`, sorted); empty for
/// other elements.
/// Read from the walk's kind and std tables, not from the elements: the model no longer fits
/// the cache at 100,000 components.
fn at_rest_data(
    kinds: &[DeclKind],
    from_std: &[bool],
    handled: &Ranges<ElementId>,
    held: &Ranges<ElementId>,
) -> Ranges<ElementId> {
    let mut at_rest = Ranges::default();
    for (i, (&kind, &std)) in kinds.iter().zip(from_std).enumerate() {
        if std {
            at_rest.push_list([]);
        } else if is_store_kind(Some(kind)) {
            at_rest.push_list(handled.list(i).iter().copied());
        } else if kind == DeclKind::Component {
            at_rest.push_list(held.list(i).iter().copied());
        } else {
            at_rest.push_list([]);
        }
    }
    at_rest
}

/// Holes in attributes, nested blocks included, with their block path; `path` is the path of the
/// enclosing blocks and is left as it was found. Allocates only for a hole found.
fn attr_holes(attrs: &[Attribute], path: &mut Vec<&'static str>, found: &mut impl FnMut(Vec<&'static str>, TextRange)) {
    for a in attrs {
        path.push(a.name());
        for v in a.values() {
            if matches!(v.val, Val::Hole) {
                found(path.clone(), v.span);
            }
        }
        if !a.block.is_empty() {
            attr_holes(&a.block, path, found);
        }
        path.pop();
    }
}

/// Every `?` of a user-declared element: attributes at any depth, step ends and options, endpoint
/// models and options. `path` is scratch space for the block path.
fn element_holes(element: ElementId, e: &Element, path: &mut Vec<&'static str>, out: &mut Vec<Hole>) {
    let attrs: &[Attribute] = if e.attrs_have_holes() { e.attrs() } else { &[] };
    for (attr, a) in attrs.iter().enumerate() {
        attr_holes(std::slice::from_ref(a), path, &mut |path, span| {
            out.push(Hole { element, place: HolePlace::Attr { attr, path }, span: span.in_file(e.file) })
        });
    }
    for (step, s) in e.steps.iter().enumerate() {
        for (to, end) in [(false, &s.from), (true, &s.to)] {
            if matches!(end.val, Val::Hole) {
                out.push(Hole { element, place: HolePlace::StepEnd { step, to }, span: end.span_in(e.file) });
            }
        }
        attr_holes(&s.options, path, &mut |path, span| {
            out.push(Hole { element, place: HolePlace::StepOption { step, path }, span: span.in_file(e.file) })
        });
    }
    for (endpoint, ep) in e.endpoints.iter().enumerate() {
        for v in [&ep.request, &ep.response].into_iter().flatten() {
            if matches!(v.val, Val::Hole) {
                out.push(Hole {
                    element,
                    place: HolePlace::Endpoint { endpoint, option: None },
                    span: v.span_in(e.file),
                });
            }
        }
        for o in &ep.options {
            for v in o.values() {
                if matches!(v.val, Val::Hole) {
                    out.push(Hole {
                        element,
                        place: HolePlace::Endpoint { endpoint, option: Some(o.name()) },
                        span: v.span_in(e.file),
                    });
                }
            }
        }
    }
}

/// [`Facts::user_elements_where`] over the walk's kind and standard-library tables, for views
/// built before the facts are put together.
pub(super) fn user_elements_where<'t>(
    kinds: &'t [DeclKind],
    from_std: &'t [bool],
    wanted: impl Fn(DeclKind) -> bool + 't,
) -> impl Iterator<Item = ElementId> + 't {
    kinds
        .iter()
        .zip(from_std)
        .enumerate()
        .filter(move |(_, (k, from_std))| !**from_std && wanted(**k))
        .map(|(i, _)| ElementId(i as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One thread, two lanes and a join per step derive the same facts.
    #[test]
    fn every_thread_layout_derives_the_same_facts() {
        let mut text = String::from("zone dmz {\n  trust low\n}\nzone core {\n  trust high\n}\n");
        for i in 0..400 {
            let zone = if i % 2 == 0 { "dmz" } else { "core" };
            let next = (i + 1) % 400;
            text.push_str(&format!(
                "data D{i} {{\n  classification internal\n  field part: D{next}\n}}\ninterface I{i} {{\n  provider c{i}\n}}\n\
                 component c{i} {{\n  zone {zone}\n  owns D{i}\n  holds D{next}\n  uses I{next} sync {{ protocol https timeout 1s carries D{i} }}\n}}\n"
            ));
        }
        text.push_str("flow f {\n  c0 -> c1 \"ask\"\n  c1 -> c2 \"ask on\"\n}\n");
        let (model, _) = crate::semantic::analyze(&crate::semantic::Workspace::of_texts([text]));
        assert!(model.elements.len() > 1_000, "{} elements", model.elements.len());
        let seen = |f: &Facts| {
            let n = model.elements.len();
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                f.links,
                f.owner,
                f.zone,
                (0..n).map(|i| f.handled.list(i).to_vec()).collect::<Vec<_>>(),
                (0..n).map(|i| f.at_rest.list(i).to_vec()).collect::<Vec<_>>(),
                (0..n).map(|i| (f.outgoing.list(i).to_vec(), f.incoming.list(i).to_vec())).collect::<Vec<_>>(),
                f.components_by_name(&model),
                (0..n).map(|i| f.containers_of(&model, ElementId(i as u32)).to_vec()).collect::<Vec<_>>(),
                f.flow_steps(&model),
                (0..f.component_graph(&model).comps.len())
                    .map(|v| f.component_graph(&model).depends_on(v).collect::<Vec<_>>())
                    .collect::<Vec<_>>(),
            )
        };
        let one = seen(&Facts::build_with(&model, usize::MAX, usize::MAX));
        assert!(one.contains("Step"), "the flow's steps are links");
        assert_eq!(seen(&Facts::build_with(&model, 0, usize::MAX)), one, "two lanes");
        assert_eq!(seen(&Facts::build_with(&model, 0, 0)), one, "a join per step");
    }

    /// Each role and mark survives packing on its own and with the others.
    #[test]
    fn packed_roles_and_traits_read_back_as_built() {
        for at in 0..11 {
            let roles = Roles::from_bits(1 << at);
            assert_eq!(roles.to_bits(), 1 << at, "role {at}");
            assert_eq!(Roles::from_bits(roles.to_bits()), roles);
        }
        let all = Roles::from_bits(0x7ff);
        assert!(all.guard && all.person && all.web_server && all.vault);
        assert_eq!(Roles::from_bits(0), Roles::default());
        let traits = Traits {
            criticality: Some(Criticality::High),
            classification: Some(Classification::Restricted),
            integrity: Some(Criticality::MissionCritical),
            availability: None,
            pii: true,
            credentials: false,
            relay: true,
            tooling: false,
            user_device: true,
            anonymous_interface: true,
        };
        assert_eq!(PackedTraits::pack(traits).unpack(), traits);
        assert_eq!(PackedTraits::pack(Traits::default()).unpack(), Traits::default());
        let slots: ElementSlots = [Some(ElementId(3)), None].into_iter().collect();
        assert_eq!((slots.get(0), slots.get(1), slots.get(2)), (Some(ElementId(3)), None, None));
    }

    /// A 100,000-component model has about 210,000 links, all resident while the rules run.
    #[test]
    fn a_link_stays_small() {
        assert!(std::mem::size_of::<Link>() <= 168, "Link is {} bytes", std::mem::size_of::<Link>());
    }
}
