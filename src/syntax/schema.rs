//! The language schema: which declarations exist, which attributes each block accepts and what
//! values they take. The parser's shaping pass, the formatter, the resolver, the language reference
//! test and (later) completion all read this one table.

use crate::lang::{AuthScheme, Classification, Criticality, Protocol, Trust};

/// A word of an enumerated attribute value (`high`, `rest`, `sync`): the schema's own copy of it,
/// so that a model's millions of values borrow it instead of each holding a string. Cloning it
/// copies a reference (it is not `Copy` so that readers written for a string value still read).
/// It refers to the word's place in its set, one pointer, so that a model value holding a word
/// takes sixteen bytes.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FixedWord(&'static &'static str);

impl FixedWord {
    /// The word of `allowed` (a [`Ty::Enum`] set) that `text` spells, if any.
    pub fn find(allowed: &'static [&'static str], text: &str) -> Option<FixedWord> {
        allowed.iter().find(|w| same_word(w, text)).map(FixedWord)
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for FixedWord {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl From<FixedWord> for String {
    fn from(word: FixedWord) -> Self {
        word.as_str().to_string()
    }
}

impl From<FixedWord> for smol_str::SmolStr {
    fn from(word: FixedWord) -> Self {
        smol_str::SmolStr::new_static(word.as_str())
    }
}

impl PartialEq<str> for FixedWord {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FixedWord {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for FixedWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prints as the string it is.
impl std::fmt::Debug for FixedWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Kinds of declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeclKind {
    System,
    Actor,
    External,
    Zone,
    Team,
    Person,
    Component,
    Datastore,
    Queue,
    Topic,
    Cache,
    Interface,
    Data,
    Event,
    Flow,
    Decision,
    Option,
    Quality,
    Milestone,
    Deployment,
    Node,
    Observability,
    Risk,
    Phase,
    Metric,
    Profile,
    Control,
    Technology,
    Rule,
    Threat,
}

impl DeclKind {
    pub fn keyword(self) -> &'static str {
        self.spec().keyword
    }

    /// The kind as a noun for messages: "a team", "an interface".
    pub fn article(self) -> String {
        let word = self.noun();
        let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u']);
        format!("{} {word}", if vowel { "an" } else { "a" })
    }

    pub fn noun(self) -> &'static str {
        match self {
            DeclKind::External => "external system",
            DeclKind::Data => "data entity",
            DeclKind::Option => "decision option",
            DeclKind::Node => "deployment node",
            DeclKind::Quality => "quality target set",
            DeclKind::Observability => "observability setup",
            DeclKind::Technology => "technology",
            DeclKind::Profile => "security profile",
            DeclKind::Rule => "custom rule",
            other => other.keyword(),
        }
    }

    pub fn spec(self) -> &'static DeclSpec {
        // Every kind has exactly one spec, in the order of the enum: the table test below
        // guarantees both, and shaping asks on every line.
        match DECLS.get(self as usize) {
            Some(d) if d.kind == self => d,
            _ => DECLS.iter().find(|d| d.kind == self).unwrap_or(&DECLS[0]),
        }
    }

    /// Kinds whose names live in the workspace-wide namespace (options, nodes are local).
    pub fn is_global(self) -> bool {
        !matches!(self, DeclKind::Option | DeclKind::Node)
    }

    pub fn from_keyword(word: &str) -> Option<DeclKind> {
        DECLS.iter().find(|d| same_word(d.keyword, word) && d.top_level).map(|d| d.kind)
    }
}

/// A value's type, checked while shaping (all but references, which the resolver checks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A reference to a declaration of one of these kinds.
    Ref(&'static [DeclKind]),
    Str,
    /// Free text, or a reference to one of these kinds (`tech postgres` or `tech "Rust, axum"`).
    StrOrRef(&'static [DeclKind]),
    Int,
    /// A plain count, also accepting `10K` and `1M`.
    Count,
    Number,
    Duration,
    Rate,
    Percent,
    Size,
    Date,
    Bool,
    Enum(&'static [&'static str]),
}

impl Ty {
    pub fn describe(self) -> String {
        match self {
            Ty::Ref(kinds) | Ty::StrOrRef(kinds) => {
                let names: Vec<String> = kinds.iter().map(|k| k.article()).collect();
                let refs = join_or(&names);
                if matches!(self, Ty::StrOrRef(_)) {
                    format!("a string or the name of {refs}")
                } else {
                    format!("the name of {refs}")
                }
            }
            Ty::Str => "a string".into(),
            Ty::Int => "a whole number".into(),
            Ty::Count => "a count such as `500` or `10K`".into(),
            Ty::Number => "a number".into(),
            Ty::Duration => "a duration such as `300ms` or `2s`".into(),
            Ty::Rate => "a rate such as `200/s` or `50rps`".into(),
            Ty::Percent => "a percentage such as `99.9%`".into(),
            Ty::Size => "a size such as `512MB`".into(),
            Ty::Date => "a date such as `2027-01-31`".into(),
            Ty::Bool => "`yes` or `no`".into(),
            Ty::Enum(vals) => {
                let v: Vec<String> = vals.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", join_or(&v))
            }
        }
    }
}

pub fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// How many values an attribute takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// No value: the attribute is a flag (`internet`, `pii`).
    Flag,
    /// Exactly one value.
    One,
    /// One or more values separated by commas.
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Param {
    pub ty: Ty,
    pub arity: Arity,
    /// May be left out; only an `Enum` parameter can be optional, so that the next word decides.
    pub optional: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct AttrSpec {
    pub name: &'static str,
    pub params: &'static [Param],
    /// The attributes of its `{ ... }` block, if it takes one.
    pub block: Option<&'static [AttrSpec]>,
    /// May appear more than once; values accumulate.
    pub repeatable: bool,
    pub doc: &'static str,
}

/// Statement forms other than attributes that a block accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statements {
    None,
    /// `a -> b ...` and `a ~> b ...`.
    Steps,
    /// `GET /path (Req) -> Resp "summary"` and `op name (Req) -> Resp`.
    Endpoints,
    /// `field name: type modifiers`.
    Fields,
}

#[derive(Debug)]
pub struct DeclSpec {
    pub kind: DeclKind,
    pub keyword: &'static str,
    /// Allowed at the top of a file (nested-only kinds are not).
    pub top_level: bool,
    /// Variants written right after the name or label (`interface OrdersApi rest`).
    pub variants: Option<&'static [&'static str]>,
    pub attrs: &'static [AttrSpec],
    pub nested: &'static [DeclKind],
    pub statements: Statements,
    pub doc: &'static str,
}

impl DeclSpec {
    pub fn attr(&self, name: &str) -> Option<&'static AttrSpec> {
        find_attr(self.attrs, name)
    }
}

pub fn find_attr(attrs: &'static [AttrSpec], name: &str) -> Option<&'static AttrSpec> {
    attrs.iter().find(|a| same_word(a.name, name))
}

/// `a == b`, comparing lengths and first bytes before calling `memcmp`: the schema's lists are
/// searched for every word of a model, and nearly every name there differs from the word in one
/// of those.
#[inline]
pub fn same_word(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().next() == b.bytes().next() && a == b
}

// Value sets.
pub const TRUST: &[&str] = Trust::WORDS;
pub const ZONE_KIND: &[&str] = &["network", "logical"];
pub const LAYER: &[&str] = &["presentation", "business", "infrastructure", "cross-cutting", "data"];
pub const COMPONENT_KIND: &[&str] = &[
    "service",
    "gateway",
    "frontend",
    "mobile",
    "spa",
    "desktop",
    "worker",
    "job",
    "function",
    "library",
    "module",
    "proxy",
    "waf",
    "load-balancer",
    "ingress",
    "tooling",
    "identity-provider",
    "vault",
    "monolith",
    "batch",
];
pub const CRITICALITY: &[&str] = Criticality::WORDS;
pub const CLASSIFICATION: &[&str] = Classification::WORDS;
pub const AUTHN: &[&str] = AuthScheme::WORDS;
pub const AUTHZ: &[&str] = &["none", "rbac", "abac", "scopes", "acl", "ownership", "technical-user"];
pub const PROTOCOL: &[&str] = Protocol::WORDS;
pub const INTERFACE_KIND: &[&str] =
    &["rest", "graphql", "grpc", "events", "websocket", "soap", "sql", "file", "batch", "webhook"];
pub const EXPOSURE: &[&str] = &["public", "partner", "internal", "private"];
pub const FORMAT: &[&str] =
    &["json", "xml", "protobuf", "avro", "thrift", "msgpack", "csv", "text", "binary", "java-serialization"];
pub const MODE: &[&str] = &["sync", "async"];
pub const ACCESS: &[&str] = &["read", "write", "read-write"];
pub const DISCOVERY: &[&str] = &["static", "dns", "registry", "mesh"];
pub const ACTOR_KIND: &[&str] = &["user", "admin", "operator", "api-consumer", "partner", "device", "support"];
pub const EXTERNAL_KIND: &[&str] = &[
    "payment",
    "identity",
    "email",
    "sms",
    "push",
    "monitoring",
    "data-feed",
    "storage",
    "analytics",
    "crm",
    "erp",
    "government",
    "bank",
    "shipping",
    "ai",
    "search",
    "other",
];
pub const LEVEL: &[&str] = &["low", "medium", "high"];
pub const IMPACT: &[&str] = &["low", "medium", "high", "critical"];
pub const RISK_CATEGORY: &[&str] = &[
    "scalability",
    "reliability",
    "security",
    "performance",
    "operational",
    "deployment",
    "maintenance",
    "compliance",
    "data",
    "vendor",
    "organisational",
];
pub const RISK_STATUS: &[&str] = &["open", "mitigated", "accepted", "closed"];
pub const DECISION_STATUS: &[&str] = &["proposed", "accepted", "rejected", "superseded", "deprecated"];
pub const DECISION_CATEGORY: &[&str] =
    &["style", "technology", "data", "integration", "security", "infrastructure", "process"];
pub const METRIC_CATEGORY: &[&str] =
    &["performance", "scalability", "reliability", "security", "business", "cost", "delivery"];
pub const CACHE_KIND: &[&str] = &["in-memory", "distributed", "cdn", "query", "session", "http", "computed"];
pub const INVALIDATION: &[&str] = &["ttl", "event", "manual", "write-through", "write-behind"];
pub const USAGE: &[&str] = &["business", "devops"];
pub const ENVIRONMENT: &[&str] = &["development", "test", "staging", "production", "disaster-recovery"];
pub const TECH_KIND: &[&str] = &[
    "database",
    "cache",
    "broker",
    "web-server",
    "proxy",
    "gateway",
    "runtime",
    "language",
    "framework",
    "platform",
    "search",
    "object-store",
    "identity",
    "vault",
    "cdn",
    "observability",
    "orchestrator",
    "email",
    "source-repository",
    "build-pipeline",
    "file-server",
    "other",
];
pub const STRIDE: &[&str] =
    &["spoofing", "tampering", "repudiation", "information-disclosure", "denial-of-service", "elevation-of-privilege"];
/// What a technology-derived threat applies to: derived facts about an element, computed in
/// `analysis::facts::threat_surfaces`.
pub const THREAT_SURFACE: &[&str] = &[
    "web-application",
    "database-client",
    "directory-client",
    "search-client",
    "file-store-client",
    "outgoing-http",
    "xml-accepter",
    "file-accepter",
    "source-repository",
    "build-pipeline",
    "container-platform",
    "container-workload",
];
pub const FLOW_KIND: &[&str] = &["journey", "event-chain", "batch", "integration", "sync"];
pub const FIELD_MODIFIERS: &[&str] = &["pii", "credentials", "hashed", "optional", "key", "unique", "sensitive"];
pub const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
pub const ERROR_MODEL: &[&str] = &["problem-json", "status-codes", "grpc-status", "envelope", "none"];
pub const RESILIENCE: &[&str] = &["none", "active-passive", "active-active", "multi-az", "multi-region"];

// Reference targets.
use DeclKind as K;
const OWNERS: &[DeclKind] = &[K::Team, K::Person];
const ZONES: &[DeclKind] = &[K::Zone];
const SYSTEMS: &[DeclKind] = &[K::System];
const DATA: &[DeclKind] = &[K::Data, K::Event];
const EVENTS: &[DeclKind] = &[K::Event];
const IFACES: &[DeclKind] = &[K::Interface];
const TECHS: &[DeclKind] = &[K::Technology];
const PROFILES: &[DeclKind] = &[K::Profile];
const CONTROLS: &[DeclKind] = &[K::Control];
const TEAMS: &[DeclKind] = &[K::Team];
const PHASES: &[DeclKind] = &[K::Phase];
const DECISIONS: &[DeclKind] = &[K::Decision];
const OPTIONS: &[DeclKind] = &[K::Option];
const COMPONENTS: &[DeclKind] = &[K::Component];
const RUNNABLE: &[DeclKind] = &[K::Component, K::Datastore, K::Queue, K::Topic, K::Cache];
/// Things a flow step or a `uses` can point at.
pub const PARTICIPANTS: &[DeclKind] =
    &[K::Actor, K::External, K::Component, K::Datastore, K::Queue, K::Topic, K::Cache, K::Interface];
const ANYTHING: &[DeclKind] = &[
    K::System,
    K::Actor,
    K::External,
    K::Zone,
    K::Component,
    K::Datastore,
    K::Queue,
    K::Topic,
    K::Cache,
    K::Interface,
    K::Data,
    K::Event,
    K::Flow,
    K::Decision,
    K::Deployment,
    K::Risk,
    K::Phase,
    K::Observability,
    K::Quality,
    K::Metric,
    K::Milestone,
    K::Profile,
    K::Control,
];
const QUALITY_SUBJECTS: &[DeclKind] = &[K::System, K::Component, K::Interface, K::Flow];

macro_rules! params {
    () => { &[] };
    ($($ty:expr => $arity:ident $(?$opt:tt)?),+ $(,)?) => {
        &[$(Param { ty: $ty, arity: Arity::$arity, optional: params!(@opt $($opt)?) }),+]
    };
    (@opt) => { false };
    (@opt $t:tt) => { true };
}

macro_rules! attr {
    ($name:literal, $doc:literal) => {
        AttrSpec { name: $name, params: &[], block: None, repeatable: false, doc: $doc }
    };
    ($name:literal : [$ty:expr], $doc:literal) => {
        AttrSpec { name: $name, params: params!($ty => List), block: None, repeatable: true, doc: $doc }
    };
    ($name:literal : *$ty:expr, $doc:literal) => {
        AttrSpec { name: $name, params: params!($ty => One), block: None, repeatable: true, doc: $doc }
    };
    ($name:literal : $ty:expr, $doc:literal) => {
        AttrSpec { name: $name, params: params!($ty => One), block: None, repeatable: false, doc: $doc }
    };
}

const PROFILE: AttrSpec = attr!("profile": [Ty::Ref(PROFILES)], "Security profiles it follows.");
const CONTROLS_ATTR: AttrSpec = attr!("controls": [Ty::Ref(CONTROLS)], "Security controls it implements.");
const SUMMARY: AttrSpec = attr!("summary": Ty::Str, "One paragraph describing the element.");
const TAGS: AttrSpec = attr!("tags": [Ty::Str], "Free-form labels.");
const OWNER: AttrSpec = attr!("owner": Ty::Ref(OWNERS), "The team (or person) accountable for it.");
const ZONE: AttrSpec = attr!("zone": Ty::Ref(ZONES), "The trust zone it runs in.");
const SYSTEM: AttrSpec = attr!("system": Ty::Ref(SYSTEMS), "The system it belongs to.");
const TECH: AttrSpec =
    attr!("tech": Ty::StrOrRef(TECHS), "Technology: free text or a catalogue entry such as `postgres`.");
const REPLICAS: AttrSpec = attr!("replicas": Ty::Int, "Number of running instances.");
const CRIT: AttrSpec = attr!("criticality": Ty::Enum(CRITICALITY), "How much the business depends on it.");
const CLASS: AttrSpec = attr!("classification": Ty::Enum(CLASSIFICATION), "Confidentiality: public < internal < confidential < restricted.");
const ENC_REST: AttrSpec =
    attr!("encrypted-at-rest": Ty::Bool, "Whether stored data is encrypted; defaults to the technology's setting.");
const DEFAULT_PROTOCOL: AttrSpec = attr!(
    "default-protocol": Ty::Enum(PROTOCOL),
    "Protocol of links between elements inside it that state none; `mtls` also sets `default-auth mtls`."
);
const DEFAULT_AUTH: AttrSpec =
    attr!("default-auth": Ty::Enum(AUTHN), "Authentication of links between elements inside it that state none.");
const AVAILABILITY: AttrSpec =
    attr!("availability": Ty::Enum(CRITICALITY), "How much it hurts when the data cannot be reached.");
const HOLDS: AttrSpec = attr!("holds": [Ty::Ref(DATA)], "Data entities or events stored here.");
const MAX_CLASS: AttrSpec =
    attr!("max-classification": Ty::Enum(CLASSIFICATION), "The most sensitive data allowed here.");

const CALLS: AttrSpec = attr!(
    "calls": [Ty::Str],
    "The endpoints or operations of the interface it calls: `\"POST /orders\"` or an operation's name."
);

/// The attributes of a `uses` block and of a flow step's options.
pub const USES_BLOCK: &[AttrSpec] = &[
    attr!("timeout": Ty::Duration, "How long the caller waits."),
    attr!("retries": Ty::Int, "How many times a failed call is retried."),
    attr!("circuit-breaker", "The call is guarded by a circuit breaker."),
    attr!("protocol": Ty::Enum(PROTOCOL), "Wire protocol; decides encryption in transit unless `encrypted` says otherwise."),
    attr!("encrypted": Ty::Bool, "Encryption in transit, when the protocol does not say."),
    attr!("auth": Ty::Enum(AUTHN), "How the caller authenticates."),
    attr!("authz": Ty::Enum(AUTHZ), "How the callee authorizes the call."),
    attr!("via": Ty::Ref(IFACES), "The interface used."),
    attr!("access": Ty::Enum(ACCESS), "For datastores: read, write or both."),
    attr!("discovery": Ty::Enum(DISCOVERY), "How the callee is found."),
    attr!("latency": Ty::Duration, "Expected p95 latency of the call."),
    attr!("carries": [Ty::Ref(DATA)], "Data sent or received."),
    attr!("per-item", "Called once per item of a collection (a chatty interaction)."),
    attr!("optional", "The caller tolerates this dependency failing and degrades (ads, recommendations, a confirmation e-mail): it is not on the caller's critical path."),
    attr!("usage": Ty::Enum(USAGE), "`business` (the default) or `devops`: a build push, a git fetch or admin maintenance, which is no runtime dependency."),
    attr!("description": Ty::Str, "Why the dependency exists."),
    CALLS,
];

/// The keyed options of a flow step (`auth jwt`, `carries Order`, ...).
pub const STEP_OPTIONS: &[AttrSpec] = &[
    attr!("via": Ty::Ref(IFACES), "The interface used."),
    attr!("protocol": Ty::Enum(PROTOCOL), "Wire protocol (a bare protocol name also works)."),
    attr!("encrypted": Ty::Bool, "Encryption in transit, overriding the protocol's default."),
    attr!("auth": Ty::Enum(AUTHN), "How the source authenticates to the target."),
    attr!("authz": Ty::Enum(AUTHZ), "How the target authorizes the request."),
    attr!("carries": [Ty::Ref(DATA)], "Data carried by the step."),
    attr!("latency": Ty::Duration, "Expected p95 latency (a bare duration also works)."),
    attr!("timeout": Ty::Duration, "Caller timeout for this step."),
    attr!("access": Ty::Enum(ACCESS), "For datastores: read, write or both."),
    attr!("per-item", "Repeated once per item of a collection."),
    attr!("reply", "Returns to the caller of an earlier step: the answer, not a new call."),
    CALLS,
    attr!("optional", "The flow carries on without this step's answer (the caller degrades)."),
    attr!("usage": Ty::Enum(USAGE), "`business` (the default) or `devops`: a build, deployment or maintenance step."),
];

/// Options after an endpoint or operation.
pub const ENDPOINT_OPTIONS: &[AttrSpec] = &[
    attr!("auth": Ty::Enum(AUTHN), "Overrides the interface's authentication for this endpoint."),
    attr!("authz": Ty::Enum(AUTHZ), "Overrides the interface's authorization for this endpoint."),
    attr!("rate-limit": Ty::Rate, "Overrides the interface's rate limit."),
    attr!("latency": Ty::Duration, "Expected p95 latency."),
    attr!("idempotent", "Safe to retry."),
    attr!("deprecated", "Scheduled for removal."),
    attr!("anonymous", "Callable without authentication, by design (sign-in, token, JWKS, health); an interface whose every endpoint says so is `anonymous`."),
];

const SCALE_BLOCK: &[AttrSpec] = &[
    attr!("min": Ty::Int, "Fewest instances."),
    attr!("max": Ty::Int, "Most instances."),
    attr!("on": Ty::Str, "What triggers scaling."),
];

const AUTOSCALE: AttrSpec = AttrSpec {
    name: "autoscale",
    params: &[],
    block: Some(SCALE_BLOCK),
    repeatable: false,
    doc: "Auto-scaling policy.",
};

/// `uses` of an actor or an external system: a landscape relation outside any flow (C4 context).
const LANDSCAPE_USES: AttrSpec = AttrSpec {
    name: "uses",
    params: params!(Ty::Ref(PARTICIPANTS) => One, Ty::Enum(MODE) => One ?o),
    block: Some(USES_BLOCK),
    repeatable: true,
    doc: "What it uses, outside any flow: `uses storefront { protocol https auth oidc }`.",
};

pub static DECLS: &[DeclSpec] = &[
    DeclSpec {
        kind: K::System,
        keyword: "system",
        top_level: true,
        variants: None,
        attrs: &[
            SUMMARY,
            OWNER,
            attr!("scope": *Ty::Str, "What is inside the system boundary (repeatable)."),
            attr!("out-of-scope": *Ty::Str, "What is explicitly outside (repeatable)."),
            attr!("complexity": Ty::Enum(LEVEL), "Overall complexity assessment."),
            attr!("style": Ty::Ref(DECISIONS), "The decision that fixes the architectural style."),
            attr!("users": Ty::Count, "Target number of users."),
            attr!("concurrent-users": Ty::Count, "Target number of concurrent users."),
            attr!("security": Ty::Str, "Summary of the security approach."),
            attr!("profile": [Ty::Ref(PROFILES)], "Security profiles applied to every component of the system."),
            TAGS,
            DEFAULT_PROTOCOL,
            DEFAULT_AUTH,
        ],
        // Its containers, declared inside it (C4 level 2).
        nested: &[K::Component],
        statements: Statements::None,
        doc: "The system being described: its purpose, scope and scale targets.",
    },
    DeclSpec {
        kind: K::Actor,
        keyword: "actor",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(ACTOR_KIND), "What sort of user."),
            SUMMARY,
            ZONE,
            attr!("count": Ty::Count, "How many of them."),
            attr!("mfa", "Authenticates with a second factor."),
            TAGS,
            LANDSCAPE_USES,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A person or group using the system: end users, administrators, API consumers.",
    },
    DeclSpec {
        kind: K::External,
        keyword: "external",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(EXTERNAL_KIND), "What the external system provides."),
            SUMMARY,
            ZONE,
            attr!("provider": Ty::Str, "Vendor or organisation."),
            TECH,
            attr!("exposes": [Ty::Ref(IFACES)], "Interfaces it offers us."),
            attr!("sla": Ty::Percent, "Availability the provider commits to."),
            attr!("data-residency": Ty::Str, "Where it keeps data."),
            CRIT,
            TAGS,
            PROFILE,
            CONTROLS_ATTR,
            LANDSCAPE_USES,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A system we depend on but do not control: payment, identity, monitoring, data feeds.",
    },
    DeclSpec {
        kind: K::Zone,
        keyword: "zone",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("trust": Ty::Enum(TRUST), "How much what runs here is trusted."),
            attr!("kind": Ty::Enum(ZONE_KIND), "A network boundary or a logical one."),
            attr!("parent": Ty::Ref(ZONES), "The enclosing zone (or nest the block inside it)."),
            attr!("internet", "Reachable from the public internet."),
            MAX_CLASS,
            SUMMARY,
            TAGS,
            DEFAULT_PROTOCOL,
            DEFAULT_AUTH,
        ],
        nested: &[K::Zone],
        statements: Statements::None,
        doc: "A trust boundary: a network segment or a logical boundary with a trust level.",
    },
    DeclSpec {
        kind: K::Team,
        keyword: "team",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("contact": Ty::Str, "Where to reach the team."),
            attr!("lead": Ty::Ref(&[K::Person]), "The person leading the team."),
            attr!("size": Ty::Int, "Number of people."),
            SUMMARY,
            TAGS,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A team that owns elements.",
    },
    DeclSpec {
        kind: K::Person,
        keyword: "person",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("email": Ty::Str, "Contact address."),
            attr!("team": Ty::Ref(TEAMS), "The team the person belongs to."),
            attr!("role": Ty::Str, "Role, such as principal engineer."),
        ],
        nested: &[],
        statements: Statements::None,
        doc: "An individual. Owners should be teams; people may lead them.",
    },
    DeclSpec {
        kind: K::Component,
        keyword: "component",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(COMPONENT_KIND), "What sort of component."),
            attr!("layer": Ty::Enum(LAYER), "Business, infrastructure or cross-cutting."),
            attr!("does": *Ty::Str, "Responsibilities; the first is the primary one (repeatable)."),
            TECH,
            OWNER,
            ZONE,
            SYSTEM,
            REPLICAS,
            attr!("redundancy": Ty::Enum(RESILIENCE), "How the replicas are spread."),
            CRIT,
            attr!("owns": [Ty::Ref(DATA)], "Data this component is the system of record for."),
            attr!("exposes": [Ty::Ref(IFACES)], "Interfaces this component provides."),
            AttrSpec {
                name: "uses",
                params: params!(Ty::Ref(PARTICIPANTS) => One, Ty::Enum(MODE) => One ?o),
                block: Some(USES_BLOCK),
                repeatable: true,
                doc: "A dependency: `uses payments sync { timeout 2s retries 2 circuit-breaker }`.",
            },
            attr!("publishes": [Ty::Ref(EVENTS)], "Events it publishes."),
            attr!("subscribes": [Ty::Ref(EVENTS)], "Events it consumes."),
            attr!("timeout": Ty::Duration, "Deadline for requests it serves."),
            attr!("latency": Ty::Duration, "Its own expected p95 processing time."),
            attr!("capacity": Ty::Rate, "Throughput one instance sustains."),
            attr!("rto": Ty::Duration, "Recovery time objective."),
            attr!("rpo": Ty::Duration, "Recovery point objective."),
            attr!("failover": Ty::Str, "How it fails over."),
            PROFILE,
            CONTROLS_ATTR,
            MAX_CLASS,
            attr!("standalone", "Has no flows on purpose (batch tools, libraries)."),
            attr!("multi-tenant", "Serves several tenants from one instance."),
            attr!("packaged", "An off-the-shelf product (an ERP, a CMS, a directory, a build server), not code cut by the team: how much data it owns says nothing about the system's cut."),
            attr!("health": Ty::Str, "Health check endpoint or probe."),
            SUMMARY,
            TAGS,
            attr!("holds": [Ty::Ref(DATA)], "Data it keeps on its own disks (a git or build server), judged like a store's."),
            ENC_REST,
        ],
        // The components of a container, declared inside it (C4 level 3).
        nested: &[K::Component],
        statements: Statements::None,
        doc: "A deployable or logical unit with a responsibility: a service, gateway, frontend, worker.",
    },
    DeclSpec {
        kind: K::Datastore,
        keyword: "datastore",
        top_level: true,
        variants: None,
        attrs: &[
            TECH,
            OWNER,
            ZONE,
            SYSTEM,
            HOLDS,
            ENC_REST,
            attr!("per-tenant-keys", "Each tenant's data is encrypted with its own key."),
            REPLICAS,
            attr!("read-replicas": Ty::Int, "Read-only replicas."),
            attr!("backup": Ty::Str, "Backup policy."),
            attr!("partitioning": Ty::Str, "How data is partitioned or sharded."),
            attr!("size": Ty::Size, "Expected data volume."),
            CRIT,
            attr!("rto": Ty::Duration, "Recovery time objective."),
            attr!("rpo": Ty::Duration, "Recovery point objective."),
            MAX_CLASS,
            SUMMARY,
            TAGS,
            PROFILE,
            CONTROLS_ATTR,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A database, object store or file store.",
    },
    DeclSpec {
        kind: K::Queue,
        keyword: "queue",
        top_level: true,
        variants: None,
        attrs: &[
            TECH,
            OWNER,
            ZONE,
            SYSTEM,
            attr!("carries": [Ty::Ref(DATA)], "Messages it carries."),
            ENC_REST,
            REPLICAS,
            attr!("retention": Ty::Duration, "How long messages are kept."),
            attr!("dead-letter": Ty::Ref(&[K::Queue]), "Where failed messages go."),
            attr!("ordering": Ty::Enum(&["none", "fifo", "per-key"]), "Delivery order."),
            CRIT,
            SUMMARY,
            TAGS,
            PROFILE,
            CONTROLS_ATTR,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A point-to-point message queue.",
    },
    DeclSpec {
        kind: K::Topic,
        keyword: "topic",
        top_level: true,
        variants: None,
        attrs: &[
            TECH,
            OWNER,
            ZONE,
            SYSTEM,
            attr!("carries": [Ty::Ref(DATA)], "Events it carries."),
            ENC_REST,
            REPLICAS,
            attr!("partitions": Ty::Int, "Number of partitions."),
            attr!("retention": Ty::Duration, "How long events are kept."),
            attr!("dead-letter": Ty::Ref(&[K::Queue, K::Topic]), "Where failed events go."),
            attr!("ordering": Ty::Enum(&["none", "fifo", "per-key"]), "Delivery order."),
            CRIT,
            SUMMARY,
            TAGS,
            PROFILE,
            CONTROLS_ATTR,
            attr!("exposes": [Ty::Ref(IFACES)], "Event interfaces it provides."),
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A publish-subscribe topic or event stream.",
    },
    DeclSpec {
        kind: K::Cache,
        keyword: "cache",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(CACHE_KIND), "Where the cache sits."),
            TECH,
            OWNER,
            ZONE,
            SYSTEM,
            HOLDS,
            attr!("serves": [Ty::Ref(COMPONENTS)], "Components that read through it."),
            attr!("ttl": Ty::Duration, "Time to live of entries."),
            attr!("invalidation": Ty::Enum(INVALIDATION), "How entries are invalidated."),
            attr!("hit-ratio": Ty::Percent, "Expected hit ratio."),
            attr!("size": Ty::Size, "Memory budget."),
            ENC_REST,
            REPLICAS,
            SUMMARY,
            TAGS,
            PROFILE,
            CONTROLS_ATTR,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A cache: in-memory, distributed, CDN or query cache.",
    },
    DeclSpec {
        kind: K::Interface,
        keyword: "interface",
        top_level: true,
        variants: Some(INTERFACE_KIND),
        attrs: &[
            attr!("provider": Ty::Ref(&[K::Component, K::External, K::Topic]), "Who implements it (or list it in the provider's `exposes`)."),
            attr!("auth": Ty::Enum(AUTHN), "How callers authenticate."),
            attr!("authz": Ty::Enum(AUTHZ), "How calls are authorized."),
            attr!("version": Ty::Str, "Current version."),
            attr!("versioning": Ty::Str, "How changes are managed."),
            attr!("errors": Ty::Enum(ERROR_MODEL), "How errors are reported."),
            attr!("rate-limit": Ty::Rate, "Requests allowed per client."),
            attr!("exposure": Ty::Enum(EXPOSURE), "Who may call it."),
            attr!("anonymous", "Callers need not authenticate, by design (sign-in, token, password reset, public keys or JWKS, health): links through it default to `auth none` and the authentication rules ask for nothing more."),
            attr!("format": Ty::Enum(FORMAT), "Payload format."),
            attr!("carries": [Ty::Ref(DATA)], "For event interfaces: the events it carries."),
            attr!("owner": Ty::Ref(OWNERS), "The owning team, when it differs from the provider's."),
            SUMMARY,
            TAGS,
        ],
        nested: &[],
        statements: Statements::Endpoints,
        doc: "A contract: REST endpoints, RPC operations or events, with auth, version and limits.",
    },
    DeclSpec {
        kind: K::Data,
        keyword: "data",
        top_level: true,
        variants: None,
        attrs: &[
            CLASS,
            attr!("pii", "Contains personal data."),
            attr!("credentials", "Contains secrets or credentials."),
            attr!("transient", "A message that only travels and is never stored (a request or response, a notification payload): it needs no system of record."),
            attr!("hashed", "Its credentials are end users' secrets kept only as one-way hashes (password hashes): sensitive, but no secret of the system's own that needs a vault."),
            attr!("owner": Ty::Ref(OWNERS), "The accountable team, when no component owns it."),
            attr!("retention": Ty::Duration, "How long it is kept."),
            attr!("integrity": Ty::Enum(CRITICALITY), "How much corruption would hurt."),
            attr!("volume": Ty::Str, "Expected volume."),
            AVAILABILITY,
            SUMMARY,
            TAGS,
        ],
        nested: &[],
        statements: Statements::Fields,
        doc: "A data entity with fields and a classification.",
    },
    DeclSpec {
        kind: K::Event,
        keyword: "event",
        top_level: true,
        variants: None,
        attrs: &[
            CLASS,
            attr!("pii", "Contains personal data."),
            attr!("credentials", "Contains secrets or credentials."),
            attr!("owner": Ty::Ref(OWNERS), "The accountable team, when no publisher owns it."),
            attr!("version": Ty::Str, "Schema version."),
            attr!("key": Ty::Str, "Partitioning key."),
            attr!("retention": Ty::Duration, "How long it is kept."),
            SUMMARY,
            TAGS,
            attr!("integrity": Ty::Enum(CRITICALITY), "How much corruption would hurt."),
            AVAILABILITY,
        ],
        nested: &[],
        statements: Statements::Fields,
        doc: "An event: a fact published by one component and consumed by others.",
    },
    DeclSpec {
        kind: K::Flow,
        keyword: "flow",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(FLOW_KIND), "A user journey, an event chain or a batch."),
            SUMMARY,
            attr!("trigger": Ty::Str, "What starts it."),
            attr!("input": Ty::Str, "What comes in."),
            attr!("output": Ty::Str, "What comes out."),
            attr!("p95": Ty::Duration, "Latency target for the whole flow at the 95th percentile."),
            attr!("p99": Ty::Duration, "Latency target at the 99th percentile."),
            attr!("throughput": Ty::Rate, "Throughput target."),
            CRIT,
            attr!("validation": *Ty::Str, "Validation performed (repeatable)."),
            attr!("processing": *Ty::Str, "Processing performed (repeatable)."),
            attr!("storage": Ty::Str, "What is persisted."),
            attr!("waits", "The initiator waits for the asynchronous steps to finish."),
            TAGS,
        ],
        nested: &[],
        statements: Statements::Steps,
        doc: "An ordered scenario: steps between elements, each sync (`->`) or async (`~>`).",
    },
    DeclSpec {
        kind: K::Decision,
        keyword: "decision",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("category": Ty::Enum(DECISION_CATEGORY), "What the decision is about."),
            attr!("status": Ty::Enum(DECISION_STATUS), "Where it stands."),
            attr!("date": Ty::Date, "When it was taken."),
            attr!("context": Ty::Str, "The forces at play."),
            attr!("chosen": Ty::Ref(OPTIONS), "The option taken."),
            attr!("rationale": Ty::Str, "Why."),
            attr!("reason": *Ty::Str, "A primary reason (repeatable)."),
            attr!("tradeoffs": Ty::Str, "What we gain and lose."),
            attr!("consequences": Ty::Str, "What follows."),
            attr!("evolution": Ty::Str, "How it may evolve as the system grows."),
            attr!("supersedes": Ty::Ref(DECISIONS), "The decision this one replaces."),
            attr!("owner": Ty::Ref(OWNERS), "Who decided."),
            TAGS,
        ],
        nested: &[K::Option],
        statements: Statements::None,
        doc: "An architectural decision (ADR): options with pros and cons, the choice and why.",
    },
    DeclSpec {
        kind: K::Option,
        keyword: "option",
        top_level: false,
        variants: None,
        attrs: &[
            SUMMARY,
            attr!("pro": *Ty::Str, "A benefit (repeatable)."),
            attr!("con": *Ty::Str, "A drawback (repeatable)."),
            attr!("fit": Ty::Str, "How well it fits the project."),
            attr!("tech-fit": Ty::Str, "How well it fits the chosen technology."),
        ],
        nested: &[],
        statements: Statements::None,
        doc: "An option considered in a decision.",
    },
    DeclSpec {
        kind: K::Quality,
        keyword: "quality",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("of": Ty::Ref(QUALITY_SUBJECTS), "What the targets apply to."),
            attr!("p95": Ty::Duration, "API response time at the 95th percentile."),
            attr!("p99": Ty::Duration, "Response time at the 99th percentile."),
            attr!("page-load": Ty::Duration, "Initial page load time."),
            attr!("query-time": Ty::Duration, "Standard database query time."),
            attr!("throughput": Ty::Rate, "Sustained throughput."),
            attr!("concurrent-users": Ty::Count, "Concurrent users supported."),
            attr!("availability": Ty::Percent, "Uptime."),
            attr!("error-rate": Ty::Percent, "Share of failed requests allowed."),
            attr!("rto": Ty::Duration, "Recovery time objective."),
            attr!("rpo": Ty::Duration, "Recovery point objective."),
            attr!("durability": Ty::Percent, "Data durability."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "Quality targets: latency, throughput, users, availability, recovery, durability.",
    },
    DeclSpec {
        kind: K::Milestone,
        keyword: "milestone",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("users": Ty::Count, "The user count the milestone is about."),
            attr!("change": *Ty::Str, "A planned architecture change (repeatable)."),
            attr!("affects": [Ty::Ref(ANYTHING)], "Elements that change."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A scalability milestone (1K, 10K, 100K, 1M users) and the changes it needs.",
    },
    DeclSpec {
        kind: K::Deployment,
        keyword: "deployment",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("environment": Ty::Enum(ENVIRONMENT), "Which environment."),
            attr!("platform": Ty::StrOrRef(TECHS), "Container platform or hosting."),
            attr!("region": [Ty::Str], "Regions or sites."),
            attr!("strategy": Ty::Str, "Release strategy: blue-green, canary, rolling."),
            attr!("promotion": Ty::Str, "How changes reach this environment."),
            attr!("registry": Ty::Str, "Where images come from."),
            attr!("network": Ty::Str, "VPC, subnets, DNS and CDN setup."),
            SUMMARY,
        ],
        nested: &[K::Node],
        statements: Statements::None,
        doc: "An environment and the nodes that run the elements.",
    },
    DeclSpec {
        kind: K::Node,
        keyword: "node",
        top_level: false,
        variants: None,
        attrs: &[
            TECH,
            attr!("runs": [Ty::Ref(RUNNABLE)], "Elements deployed on it."),
            attr!("instances": Ty::Int, "Number of instances."),
            attr!("size": Ty::Str, "Instance type or resources."),
            ZONE,
            AUTOSCALE,
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A host, cluster or managed service in a deployment.",
    },
    DeclSpec {
        kind: K::Observability,
        keyword: "observability",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("covers": [Ty::Ref(RUNNABLE)], "Elements it covers (all when absent)."),
            TECH,
            attr!("health-checks": Ty::Str, "How health is checked."),
            attr!("metric": *Ty::Str, "A metric collected (repeatable)."),
            attr!("logs": Ty::Str, "Where logs go and how long they stay."),
            attr!("tracing": Ty::Str, "How requests are traced."),
            attr!("alert": *Ty::Str, "An alert (repeatable)."),
            attr!("dashboard": *Ty::Str, "A dashboard (repeatable)."),
            attr!("audit": Ty::Str, "Security audit logging."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "Health checks, metrics, logs, tracing and alerting.",
    },
    DeclSpec {
        kind: K::Risk,
        keyword: "risk",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("category": Ty::Enum(RISK_CATEGORY), "What kind of risk."),
            attr!("likelihood": Ty::Enum(LEVEL), "How likely."),
            attr!("impact": Ty::Enum(IMPACT), "How bad."),
            attr!("mitigation": Ty::Str, "What reduces it."),
            attr!("monitoring": Ty::Str, "How we notice it."),
            attr!("contingency": Ty::Str, "What we do if it happens."),
            attr!("affects": [Ty::Ref(ANYTHING)], "Elements at risk."),
            attr!("owner": Ty::Ref(OWNERS), "Who tracks it."),
            attr!("status": Ty::Enum(RISK_STATUS), "Where it stands."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "An architectural or operational risk with mitigation, monitoring and contingency.",
    },
    DeclSpec {
        kind: K::Phase,
        keyword: "phase",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("period": Ty::Str, "When, such as \"Weeks 1-4\"."),
            attr!("after": Ty::Ref(PHASES), "The phase it follows."),
            attr!("goal": *Ty::Str, "A goal (repeatable)."),
            attr!("delivers": [Ty::Ref(ANYTHING)], "Elements it delivers."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A roadmap phase.",
    },
    DeclSpec {
        kind: K::Metric,
        keyword: "metric",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("category": Ty::Enum(METRIC_CATEGORY), "What it measures."),
            attr!("target": Ty::Str, "The target, such as \"< 200ms for 95% of requests\"."),
            attr!("measure": Ty::Str, "How it is measured."),
            attr!("owner": Ty::Ref(OWNERS), "Who watches it."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A success metric with its target.",
    },
    DeclSpec {
        kind: K::Profile,
        keyword: "profile",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("controls": [Ty::Ref(CONTROLS)], "Controls the profile requires."),
            attr!("min-auth": Ty::Enum(AUTHN), "Weakest authentication allowed for incoming calls."),
            attr!("encrypted-in-transit", "All traffic must be encrypted."),
            attr!("encrypted-at-rest", "All stores must encrypt at rest."),
            attr!("max-classification": Ty::Enum(CLASSIFICATION), "Most sensitive data allowed."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A named bundle of security requirements and controls.",
    },
    DeclSpec {
        kind: K::Control,
        keyword: "control",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("mitigates": [Ty::Enum(STRIDE)], "STRIDE threats it addresses."),
            attr!("asvs": [Ty::Str], "OWASP ASVS requirements it satisfies."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A security control and the STRIDE threats it mitigates.",
    },
    DeclSpec {
        kind: K::Technology,
        keyword: "technology",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("kind": Ty::Enum(TECH_KIND), "What sort of technology."),
            attr!("encrypts-at-rest", "Encrypts stored data by default."),
            attr!("tls", "Supports TLS in transit."),
            attr!("replication", "Supports replication."),
            attr!("protocol": Ty::Enum(PROTOCOL), "Default wire protocol."),
            attr!("license": Ty::Str, "License."),
            attr!("managed", "Offered as a managed service."),
            attr!("vendor": Ty::Str, "Vendor or project."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A technology catalogue entry with the properties rules rely on.",
    },
    DeclSpec {
        kind: K::Rule,
        keyword: "rule",
        top_level: true,
        variants: Some(RULE_KIND),
        attrs: RULE_ATTRS,
        nested: &[],
        statements: Statements::None,
        doc: "A team's own architecture rule: a forbidden, allowed or required dependency, an assertion or a layer matrix.",
    },
    DeclSpec {
        kind: K::Threat,
        keyword: "threat",
        top_level: true,
        variants: None,
        attrs: &[
            attr!("stride": Ty::Enum(STRIDE), "The STRIDE category of the threat."),
            attr!("cwe": Ty::Int, "The CWE weakness it exploits (the number of CWE-79 is 79)."),
            attr!("applies-to": [Ty::Enum(THREAT_SURFACE)], "The elements it threatens, by what they do."),
            attr!("mitigation": Ty::Str, "What counters it."),
            SUMMARY,
        ],
        nested: &[],
        statements: Statements::None,
        doc: "A technology-derived threat: every element with one of its surfaces gets a note to check it.",
    },
];

// Custom rules (`rule NAME forbidden { ... }`), read by `check::custom`.

/// What a custom rule checks, written right after its name.
pub const RULE_KIND: &[&str] = &["forbidden", "allowed", "required", "assert", "layers"];
pub const RULE_SEVERITY: &[&str] = &["error", "warning", "note"];
/// Built-in rules whose defaults a custom rule may replace (CPL002, CPL003, CPL004).
pub const RULE_REPLACES: &[&str] = &["layer-violation", "forbidden-or-not-allowed", "required-dependency"];
/// Declaration kinds a selector's `is` may name.
#[rustfmt::skip]
pub const SELECTABLE: &[&str] = &[
    "component", "datastore", "queue", "topic", "cache", "interface", "actor", "external", "system", "zone", "data",
    "event", "team", "person",
];

/// Every `kind` word and interface variant, for a selector's `kind` (kept equal by a test).
#[rustfmt::skip]
pub const KIND_WORDS: &[&str] = &[
    "service", "gateway", "frontend", "mobile", "spa", "desktop", "worker", "job", "function", "library", "module",
    "proxy", "waf", "load-balancer", "identity-provider", "vault", "monolith", "batch", "user", "admin", "operator",
    "api-consumer", "partner", "device", "support", "payment", "identity", "email", "sms", "push", "monitoring",
    "data-feed", "storage", "analytics", "crm", "erp", "government", "bank", "shipping", "ai", "search", "other",
    "network", "logical", "in-memory", "distributed", "cdn", "query", "session", "http", "computed", "rest",
    "graphql", "grpc", "events", "websocket", "soap", "sql", "file", "webhook", "ingress", "tooling",
];
/// Every attribute name of a declaration, for a selector's `has` (kept equal by a test).
#[rustfmt::skip]
pub const ATTRIBUTE_NAMES: &[&str] = &[
    "affects", "after", "alert", "anonymous", "applies-to", "asvs", "audit", "auth", "authz", "autoscale",
    "availability", "backup", "capacity", "carries", "category", "change", "chosen", "classification", "complexity",
    "con", "concurrent-users", "consequences", "contact", "context", "contingency", "controls", "count", "covers",
    "credentials", "criticality", "cwe", "dashboard", "data-residency", "date", "dead-letter", "default-auth",
    "default-protocol", "delivers", "does", "durability", "email", "encrypted-at-rest", "encrypted-in-transit",
    "encrypts-at-rest", "environment", "error-rate", "errors", "evolution", "exposes", "exposure", "failover", "fit",
    "format", "goal", "hashed", "health", "health-checks", "hit-ratio", "holds", "impact", "input", "instances",
    "integrity", "internet", "invalidation", "key", "kind", "latency", "layer", "lead", "license", "likelihood",
    "logs", "managed", "max-classification", "measure", "metric", "mfa", "min-auth", "mitigates", "mitigation",
    "monitoring", "multi-tenant", "network", "of", "ordering", "out-of-scope", "output", "owner", "owns", "p95",
    "p99", "packaged", "page-load", "parent", "partitioning", "partitions", "per-tenant-keys", "period", "pii",
    "platform", "pro", "processing", "profile", "promotion", "protocol", "provider", "publishes", "query-time",
    "rate-limit", "rationale", "read-replicas", "reason", "redundancy", "region", "registry", "replicas",
    "replication", "retention", "role", "rpo", "rto", "runs", "scope", "security", "serves", "size", "sla",
    "standalone", "status", "storage", "strategy", "stride", "style", "subscribes", "summary", "supersedes", "system",
    "tags", "target", "team", "tech", "tech-fit", "throughput", "timeout", "tls", "tracing", "tradeoffs", "transient",
    "trigger", "trust", "ttl", "users", "uses", "validation", "vendor", "version", "versioning", "volume", "waits",
    "zone",
];

/// The keys of a selector block (`from`, `to`, `via`, `given`, `then`): each key narrows the
/// selection; several values of one key are alternatives.
pub const SELECTOR_BLOCK: &[AttrSpec] = &[
    attr!("is": [Ty::Enum(SELECTABLE)], "Declaration kinds: `is component, datastore`."),
    attr!("kind": [Ty::Enum(KIND_WORDS)], "`kind` words (or interface variants): `kind gateway, waf`."),
    attr!("tag": [Ty::Str], "Carries one of these tags."),
    attr!("zone": [Ty::Ref(ZONES)], "Runs in one of these zones or a zone nested in one."),
    attr!("layer": [Ty::Enum(LAYER)], "Declares one of these layers."),
    attr!("system": [Ty::Ref(SYSTEMS)], "Belongs to one of these systems."),
    attr!("team": [Ty::Ref(TEAMS)], "Owned (after inheritance) by one of these teams or a person in one."),
    attr!("name": Ty::Str, "Name pattern: `*` matches any run and captures it as `$1`, `$2`, ...; `to` may use `$1`."),
    attr!("name-not": Ty::Str, "Name pattern the element must not match; may use the captures of `from`."),
    attr!("has": [Ty::Enum(ATTRIBUTE_NAMES)], "Has all these attributes (owner and zone after inheritance)."),
    attr!("handles": Ty::Enum(CLASSIFICATION), "Handles data of this classification or above."),
];

/// Conditions on a link of a dependency rule.
pub const RULE_LINK_BLOCK: &[AttrSpec] = &[
    attr!("mode": Ty::Enum(MODE), "Only synchronous or only asynchronous links."),
    attr!("protocol": [Ty::Enum(PROTOCOL)], "Only links travelling over one of these protocols (as the facts infer)."),
];

const fn selector(name: &'static str, doc: &'static str) -> AttrSpec {
    AttrSpec { name, params: &[], block: Some(SELECTOR_BLOCK), repeatable: false, doc }
}

pub const RULE_ATTRS: &[AttrSpec] = &[
    attr!("severity": Ty::Enum(RULE_SEVERITY), "Level of its findings; `warning` when absent."),
    attr!("message": Ty::Str, "The finding's message; `{from}`, `{to}` and `{element}` become names in backticks."),
    attr!("replaces": Ty::Enum(RULE_REPLACES), "Replaces a built-in rule's defaults; findings carry its code."),
    SUMMARY,
    selector("from", "The elements a dependency starts from (everything when absent)."),
    selector("to", "The elements a dependency reaches."),
    selector("via", "`required` only: every path from `from` to `to` passes one of these."),
    attr!("reachable", "Judge paths of links (transitively), not only direct links."),
    AttrSpec {
        name: "link",
        params: &[],
        block: Some(RULE_LINK_BLOCK),
        repeatable: false,
        doc: "Only links matching these conditions count.",
    },
    selector("given", "`assert` only: the elements the assertion is about."),
    selector("then", "`assert` only: what each of them must match."),
    AttrSpec {
        name: "allow",
        params: params!(Ty::Enum(LAYER) => One, Ty::Enum(LAYER) => List),
        block: None,
        repeatable: true,
        doc: "`layers` only: `allow business data, infrastructure`: the first layer may depend on the others.",
    },
];

/// Attributes of a top-level `accept` statement.
pub const ACCEPT_ATTRS: &[AttrSpec] = &[
    attr!("until": Ty::Date, "The acceptance expires on this date."),
    attr!("ticket": Ty::Str, "Tracking ticket."),
    attr!("by": Ty::Ref(OWNERS), "Who accepted the finding."),
];

/// Every top-level keyword, for suggestions.
pub fn top_level_keywords() -> impl Iterator<Item = &'static str> {
    DECLS.iter().filter(|d| d.top_level).map(|d| d.keyword).chain(["import", "accept"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_spec_and_attribute_names_are_unique() {
        for (i, spec) in DECLS.iter().enumerate() {
            assert_eq!(DECLS.iter().filter(|d| d.kind == spec.kind).count(), 1, "{:?}", spec.kind);
            assert_eq!(spec.kind as usize, i, "DECLS lists {:?} out of the enum's order", spec.kind);
            assert_eq!(spec.kind.spec().keyword, spec.keyword);
            let mut names: Vec<_> = spec.attrs.iter().map(|a| a.name).collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "duplicate attribute in {}", spec.keyword);
            for a in spec.attrs {
                // An attribute name may not be a nested keyword, or splitting lines would be ambiguous.
                assert!(!spec.nested.iter().any(|k| k.keyword() == a.name), "{}", a.name);
                // Optional parameters must be enums so that the next word decides.
                for p in a.params {
                    assert!(!p.optional || matches!(p.ty, Ty::Enum(_)), "{}", a.name);
                }
            }
        }
    }
}
