//! Security rules (SEC): encryption in transit and at rest, authentication and authorization on
//! trust-boundary crossings, internet exposure, classification ceilings, secrets and identity,
//! shared runtimes, deserialization and STRIDE coverage.
//!
//! Every link is judged hop by hop: a flow through a gateway is two links, each with its own
//! protocol, authentication and zones. A rule that needs an attribute the model does not give
//! (protocol, authentication, classification, trust) skips that link or element: HYG008 and SEC009
//! report the gap once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::{
    Category, Ctx, Link, LinkOrigin, Rule, RuleOption, Transit, WireSource, CONFIDENTIAL, CRITICAL, RESTRICTED,
};
use crate::analysis::facts;
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::lang::{AuthScheme, Classification, Criticality, Protocol, Trust};
use crate::semantic::model::{Element, ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::{self, DeclKind};

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The security rules, in code order.
pub static RULES: &[&Rule] = &[
    &UNENCRYPTED_SENSITIVE_FLOW,
    &UNENCRYPTED_BOUNDARY_CROSSING,
    &UNAUTHENTICATED_BOUNDARY_CROSSING,
    &MISSING_AUTHORIZATION,
    &INTERNET_EXPOSED_WITHOUT_GATEWAY,
    &DATASTORE_ACCESSED_ACROSS_BOUNDARY,
    &CLASSIFICATION_CEILING,
    &UNENCRYPTED_SENSITIVE_STORAGE,
    &UNCLASSIFIED_DATA,
    &MISSING_SECRET_STORE,
    &MISSING_IDENTITY_PROVIDER,
    &UNNECESSARY_SENSITIVE_TRANSFER,
    &MIXED_TRUST_SHARED_RUNTIME,
    &MISSING_MFA_FOR_HUMAN_ACCESS,
    &UNTRUSTED_DESERIALIZATION,
    &STRIDE_COVERAGE_GAP,
];

/// Mission-critical, the top of the criticality scale.
const MISSION_CRITICAL: usize = 4;

const MIN_CLASSIFICATION_DOC: &str =
    "Lowest classification rank that counts as sensitive: 1 internal, 2 confidential, 3 restricted (personal data and credentials always count).";

// ---------------------------------------------------------------------------------------------
// Shared facts and wording.
// ---------------------------------------------------------------------------------------------

fn el<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m Element> {
    cx.model.get(id)
}

fn q(cx: &Ctx<'_>, id: ElementId) -> String {
    format!("`{}`", cx.name(id))
}

/// The technology catalogue entry an element's `tech` names.
fn tech_of<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m Element> {
    facts::tech_of(cx.model, id).and_then(|t| el(cx, t))
}

fn tech_kind<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m str> {
    tech_of(cx, id).and_then(|t| t.word("kind"))
}

fn is_component(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.kind(id) == Some(DeclKind::Component)
}

/// Datastores, caches, queues and topics: things that keep data.
fn is_store_kind(kind: Option<DeclKind>) -> bool {
    facts::is_store_kind(kind)
}

/// Elements the model itself runs: components and stores.
fn is_ours(cx: &Ctx<'_>, id: ElementId) -> bool {
    let k = cx.kind(id);
    k == Some(DeclKind::Component) || is_store_kind(k)
}

fn component_kind<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m str> {
    if is_component(cx, id) {
        cx.kind_word(id)
    } else {
        None
    }
}

/// A gateway, WAF or reverse proxy: inspects and filters what it forwards. A component without
/// a `kind` counts by its catalogue technology.
fn is_guard(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).guard
}

/// Forwards traffic without inspecting it.
fn is_load_balancer(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).load_balancer
}

/// Gateways, WAFs, reverse proxies, load balancers and CDNs: pass traffic through to a backend.
fn is_forwarder(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).forwards()
}

/// A client a person uses: a web frontend, or an app on the person's device.
fn is_client(cx: &Ctx<'_>, id: ElementId) -> bool {
    component_kind(cx, id) == Some("frontend") || facts::runs_on_user_device(cx.model, id)
}

fn is_monitoring(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).monitoring
}

/// An authentication mode by which a person logs in (see [`AuthScheme::is_human_login`]).
fn is_human_login(mode: &str) -> bool {
    AuthScheme::parse(mode).is_some_and(AuthScheme::is_human_login)
}

/// Actors are people unless they are API consumers or devices.
fn is_human(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.kind(id) == Some(DeclKind::Actor) && !matches!(cx.kind_word(id), Some("api-consumer" | "device"))
}

fn is_identity_provider(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).identity_provider
}

fn is_vault(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).vault
}

fn is_pii(cx: &Ctx<'_>, d: ElementId) -> bool {
    facts::is_pii(cx.model, d)
}

fn is_credentials(cx: &Ctx<'_>, d: ElementId) -> bool {
    facts::is_credentials(cx.model, d)
}

/// Classified at `min` or above, personal data, or credentials.
fn sensitive(cx: &Ctx<'_>, d: ElementId, min: usize) -> bool {
    facts::is_sensitive(cx.model, d, min)
}

fn integrity(cx: &Ctx<'_>, d: ElementId) -> Option<usize> {
    el(cx, d).and_then(|e| e.word("integrity")).and_then(Criticality::parse).map(Criticality::rank)
}

fn class_word(rank: usize) -> &'static str {
    Classification::from_rank(rank).map_or("?", Classification::word)
}

fn crit_word(rank: usize) -> &'static str {
    Criticality::from_rank(rank).map_or("?", Criticality::word)
}

fn trust_word(rank: usize) -> &'static str {
    Trust::from_rank(rank).map_or("?", Trust::word)
}

/// `restricted, personal data`: what makes a data item sensitive.
fn data_traits(cx: &Ctx<'_>, d: ElementId) -> String {
    let mut t: Vec<&str> = Vec::new();
    if let Some(c) = cx.classification(d) {
        t.push(class_word(c));
    }
    if is_pii(cx, d) {
        t.push("personal data");
    }
    if is_credentials(cx, d) {
        t.push("credentials");
    }
    if t.is_empty() {
        "unclassified".to_string()
    } else {
        t.join(", ")
    }
}

fn join_and(items: Vec<String>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "`Card` (restricted) and `Email` (confidential, personal data)", at most three named.
fn data_list(cx: &Ctx<'_>, ds: &[ElementId]) -> String {
    let mut parts: Vec<String> =
        ds.iter().take(3).map(|d| format!("{} ({})", q(cx, *d), data_traits(cx, *d))).collect();
    if ds.len() > 3 {
        parts.push(format!("{} more", ds.len() - 3));
    }
    join_and(parts)
}

/// The most sensitive of `ds` by classification, then by id; `None` when none is sensitive.
fn most_sensitive(cx: &Ctx<'_>, ds: &[ElementId], min: usize) -> Option<ElementId> {
    ds.iter().copied().filter(|d| sensitive(cx, *d, min)).max_by_key(|d| (cx.classification(*d), std::cmp::Reverse(*d)))
}

/// "`a -> b`", or "step `a -> b` of flow `f`".
fn link_name(cx: &Ctx<'_>, l: &Link) -> String {
    let arrow = if l.is_async { "~>" } else { "->" };
    match l.origin {
        LinkOrigin::Step { flow, .. } => {
            format!("step `{} {arrow} {}` of flow {}", cx.name(l.from), cx.name(l.to), q(cx, flow))
        }
        _ => format!("`{} {arrow} {}`", cx.name(l.from), cx.name(l.to)),
    }
}

/// The subjects of a finding about one link: the flow (for a step) and both ends.
fn link_subjects(l: &Link) -> Vec<ElementId> {
    match l.origin {
        LinkOrigin::Step { flow, .. } => vec![flow, l.from, l.to],
        _ => vec![l.from, l.to],
    }
}

fn zone_desc(cx: &Ctx<'_>, z: ElementId) -> String {
    match cx.zones.trust(z) {
        Some(t) => format!("{} (trust {})", q(cx, z), trust_word(t)),
        None => q(cx, z),
    }
}

/// Profiles that apply to an element: its own and those of its system.
fn profiles_of(cx: &Ctx<'_>, id: ElementId) -> Vec<ElementId> {
    let Some(e) = el(cx, id) else { return Vec::new() };
    let mut out: Vec<ElementId> = e.references("profile").collect();
    if let Some(sys) = e.reference("system").and_then(|s| el(cx, s)) {
        out.extend(sys.references("profile"));
    }
    out.sort();
    out.dedup();
    out
}

fn handled(h: &[Vec<ElementId>], id: ElementId) -> &[ElementId] {
    h.get(id.0 as usize).map_or(&[], Vec::as_slice)
}

/// Why an element is a high-value target: sensitive data or high integrity needs.
fn high_value(cx: &Ctx<'_>, h: &[Vec<ElementId>], id: ElementId, min_class: usize, min_crit: usize) -> Option<String> {
    let data = handled(h, id);
    if let Some(d) = most_sensitive(cx, data, min_class) {
        return Some(format!("handles {} ({})", q(cx, d), data_traits(cx, d)));
    }
    if let Some(c) = cx.criticality(id).filter(|c| *c >= min_crit) {
        return Some(format!("is {}", crit_word(c)));
    }
    data.iter()
        .copied()
        .filter_map(|d| integrity(cx, d).filter(|i| *i >= min_crit).map(|i| (i, d)))
        .max_by_key(|(i, d)| (*i, std::cmp::Reverse(*d)))
        .map(|(i, d)| format!("handles {} (integrity {})", q(cx, d), crit_word(i)))
}

/// A per-element fact computed at most once.
struct Memo<T>(Vec<Option<T>>);

impl<T: Clone> Memo<T> {
    fn new(cx: &Ctx<'_>) -> Self {
        Memo((0..cx.model.elements.len()).map(|_| None).collect())
    }

    fn get(&mut self, id: ElementId, f: impl FnOnce() -> T) -> T {
        match self.0.get_mut(id.0 as usize) {
            Some(slot) => slot.get_or_insert_with(f).clone(),
            None => f(),
        }
    }
}

/// Why an unencrypted link is unencrypted (`plaintext `http``, `encrypted no`) and its protocol;
/// `None` unless the facts judge the link plaintext.
fn plain_why(cx: &Ctx<'_>, l: &Link) -> Option<(String, Option<String>)> {
    if l.transit != Transit::Plaintext {
        return None;
    }
    let protocol = l.wire.as_ref().map(|w| w.protocol.clone());
    if l.encrypted == Some(false) {
        return Some(("`encrypted no`".into(), protocol));
    }
    let w = l.wire.as_ref()?;
    let p = &w.protocol;
    let why = match w.source {
        WireSource::Declared | WireSource::SamePair => format!("plaintext `{p}`"),
        WireSource::Store(end) => format!("plaintext `{p}`, as the other links to {} declare", q(cx, end)),
        WireSource::Technology(t) => format!("plaintext `{p}`, the default of technology `{}`", cx.name(t)),
    };
    Some((why, protocol))
}

fn encrypt_help(protocol: Option<&str>) -> String {
    match protocol.and_then(Protocol::parse).and_then(Protocol::tls_variant) {
        Some(t) => format!("say `protocol {t}` instead of `{}`, or `encrypted yes` if a tunnel or service mesh encrypts the link", protocol.unwrap_or_default()),
        None => "use a TLS protocol (https, grpcs, postgres-tls, ...), or say `encrypted yes` if a tunnel or service mesh encrypts the link".to_string(),
    }
}

/// Relative strength of an authentication mode, for `min-auth`; an unknown word counts as none.
fn auth_strength(mode: &str) -> u8 {
    AuthScheme::parse(mode).map_or(0, AuthScheme::strength)
}

fn attr_span(e: &Element, name: &str) -> Span {
    e.attr(name).map_or(e.name_span, |a| a.span)
}

/// Remembers subjects already reported, so that each problem is reported once.
#[derive(Default)]
struct Once(BTreeSet<Vec<ElementId>>);

impl Once {
    fn first(&mut self, subjects: &[ElementId]) -> bool {
        self.0.insert(subjects.to_vec())
    }
}

// ---------------------------------------------------------------------------------------------
// SEC001 unencrypted-sensitive-flow
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC001] min-classification`.
pub const UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC001",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNENCRYPTED_SENSITIVE_FLOW: Rule = Rule {
    code: code("SEC001", "unencrypted-sensitive-flow", Severity::Error, "Sensitive data travels over an unencrypted link."),
    category: Category::Security,
    explanation: "A link (a `uses`, a flow step or an event delivery) carries confidential or restricted data, personal data or credentials, and either says `encrypted no` or uses a plaintext protocol (http, ws, jdbc, ldap, ftp, plain postgres, ...). Anyone on the network path can read or alter it (STRIDE information disclosure and tampering; ASVS 1.9.1). In-process calls and local files are exempt. The protocol is the link's own, else the default protocol of the target's technology; a link with neither is a gap (HYG008), not a finding. Fix it by switching to the protocol's TLS variant, or say `encrypted yes` when a tunnel or service mesh encrypts the traffic.",
    bad: "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { protocol http carries Card timeout 1s circuit-breaker }\n}\ncomponent api\n",
    good: "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { protocol https carries Card timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION],
    run: unencrypted_sensitive_flow,
};

fn unencrypted_sensitive_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION) as usize;
    let mut once = Once::default();
    for l in &cx.facts.links {
        let Some((why, protocol)) = plain_why(cx, l) else { continue };
        let data: Vec<ElementId> = l.carries.iter().copied().filter(|d| sensitive(cx, *d, min)).collect();
        let Some(worst) = most_sensitive(cx, &data, min) else { continue };
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        acc.push(
            cx.finding(
                &UNENCRYPTED_SENSITIVE_FLOW,
                format!("{} carries {} over {why}", link_name(cx, l), data_list(cx, &data)),
                l.span,
                "unencrypted",
                &subjects,
            )
            .with_secondary(cx.span_of(worst), format!("{} is {}", q(cx, worst), data_traits(cx, worst)))
            .with_help(encrypt_help(protocol.as_deref())),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC002 unencrypted-boundary-crossing
// ---------------------------------------------------------------------------------------------

pub static UNENCRYPTED_BOUNDARY_CROSSING: Rule = Rule {
    code: code("SEC002", "unencrypted-boundary-crossing", Severity::Warning, "A link crosses a network boundary unencrypted."),
    category: Category::Security,
    explanation: "A link leaves one network zone for another (logical zones do not count) over a plaintext protocol or with `encrypted no`, whatever data it carries; or a link is unencrypted although a security profile of either end requires `encrypted-in-transit`. Traffic between containers, systems or sites should be encrypted (ASVS 1.9.1): metadata, session tokens and future payloads leak otherwise. Links that carry confidential or restricted data, personal data or credentials are SEC001's and not reported again, unless `leave-sensitive-to-sec001` is set to 0 (do so when SEC001 is off). Fix it with the protocol's TLS variant, or say `encrypted yes` when a tunnel or mesh encrypts it.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  uses api sync { protocol http auth jwt timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  uses api sync { protocol https auth jwt timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    options: &[UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001],
    run: unencrypted_boundary_crossing,
};

/// `[rules.SEC002] leave-sensitive-to-sec001`.
pub const UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001: RuleOption = RuleOption {
    rule: "SEC002",
    name: "leave-sensitive-to-sec001",
    default: 1,
    doc: "1 leaves links with confidential or restricted data, personal data or credentials to SEC001; 0 reports them here too.",
};

/// The first profile of `id` that requires encryption in transit.
fn transit_profile(cx: &Ctx<'_>, id: ElementId) -> Option<ElementId> {
    profiles_of(cx, id).into_iter().find(|p| el(cx, *p).is_some_and(|e| e.has_flag("encrypted-in-transit")))
}

fn unencrypted_boundary_crossing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Links with sensitive data are SEC001's; this rule reads no other rule's settings, so the
    // hand-over is its own option.
    let leave_sensitive = cx.option(&UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001) > 0;
    let mut once = Once::default();
    for l in &cx.facts.links {
        let Some((why, protocol)) = plain_why(cx, l) else { continue };
        if leave_sensitive && l.carries.iter().any(|d| sensitive(cx, *d, CONFIDENTIAL)) {
            continue;
        }
        let crossing = cx.zones_of(l).filter(|_| cx.crosses_network(l));
        let profile =
            transit_profile(cx, l.to).map(|p| (p, l.to)).or_else(|| transit_profile(cx, l.from).map(|p| (p, l.from)));
        if crossing.is_none() && profile.is_none() {
            continue;
        }
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        let mut d = match crossing {
            Some((a, b)) => cx.finding(
                &UNENCRYPTED_BOUNDARY_CROSSING,
                format!("{} crosses from zone {} to {} over {why}", link_name(cx, l), q(cx, a), q(cx, b)),
                l.span,
                "unencrypted network crossing",
                &subjects,
            ),
            None => {
                let (p, who) = profile.unwrap_or((l.to, l.to));
                cx.finding(
                    &UNENCRYPTED_BOUNDARY_CROSSING,
                    format!(
                        "{} travels over {why}, although profile {} of {} requires encryption in transit",
                        link_name(cx, l),
                        q(cx, p),
                        q(cx, who)
                    ),
                    l.span,
                    "unencrypted",
                    &subjects,
                )
                .with_secondary(cx.span_of(p), "requires `encrypted-in-transit`")
            }
        };
        if let (Some(_), Some((p, who))) = (crossing, profile) {
            d = d.with_note(format!("profile {} of {} also requires encryption in transit", q(cx, p), q(cx, who)));
        }
        acc.push(d.with_help(encrypt_help(protocol.as_deref())));
    }
}

// ---------------------------------------------------------------------------------------------
// SEC003 unauthenticated-boundary-crossing
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC003] min-classification`.
pub const UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC003",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNAUTHENTICATED_BOUNDARY_CROSSING: Rule = Rule {
    code: code("SEC003", "unauthenticated-boundary-crossing", Severity::Error, "A link enters higher trust or reaches sensitive data without authentication."),
    category: Category::Security,
    explanation: "A link says `auth none` (its own or inherited from the interface it goes `via`) and either enters a zone of higher trust than the one it leaves, or reaches an element that handles confidential or restricted data, personal data or credentials, or reaches a multi-tenant component. Whoever can reach the network can then act as any caller (STRIDE spoofing; ASVS 1.2.2, 1.9.2). Each hop is judged on its own: the hop into a gateway, load balancer, WAF or reverse proxy is exempt (they pass traffic to a backend that must authenticate it) unless that forwarder is multi-tenant, and so is monitoring traffic. A link whose authentication is weaker than the `min-auth` of a profile of its target is reported too. A link that does not say how it authenticates is a gap (HYG008). Fix it with service credentials (`auth mtls`, `service-token`) or end-user tokens (`jwt`, `oidc`).",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent gateway {\n  kind gateway\n  zone dmz\n  uses orders sync { protocol https auth none timeout 1s circuit-breaker }\n}\ncomponent orders {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent gateway {\n  kind gateway\n  zone dmz\n  uses orders sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent orders {\n  zone core\n}\n",
    options: &[UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION],
    run: unauthenticated_boundary_crossing,
};

/// The strongest `min-auth` among the profiles of `id`.
fn min_auth(cx: &Ctx<'_>, id: ElementId) -> Option<(&'static str, ElementId)> {
    profiles_of(cx, id)
        .into_iter()
        .filter_map(|p| {
            let w = el(cx, p)?.word("min-auth")?;
            let w = schema::AUTHN.iter().copied().find(|a| *a == w)?;
            Some((w, p))
        })
        .max_by_key(|(w, p)| (auth_strength(w), std::cmp::Reverse(*p)))
}

fn unauthenticated_boundary_crossing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION) as usize;
    let h = &cx.facts.handled;
    let mut sensitive_at = Memo::new(cx);
    let mut once = Once::default();
    for l in &cx.facts.links {
        let Some(auth) = l.auth.as_deref() else { continue };
        if !is_ours(cx, l.to) || l.transit == Transit::Local || is_monitoring(cx, l.from) || is_monitoring(cx, l.to) {
            continue;
        }
        let multi_tenant = el(cx, l.to).is_some_and(|e| e.has_flag("multi-tenant"));
        if is_forwarder(cx, l.to) && !multi_tenant {
            continue;
        }
        let required = min_auth(cx, l.to).filter(|(w, _)| auth_strength(auth) < auth_strength(w));
        let mut reason: Option<(String, Span, String)> = None;
        if auth == "none" {
            if let (true, Some((a, b))) = (cx.enters_higher_trust(l), cx.zones_of(l)) {
                reason = Some((
                    format!("enters zone {} from {} without authentication", zone_desc(cx, b), zone_desc(cx, a)),
                    cx.span_of(b),
                    "higher trust".into(),
                ));
            } else if let Some(d) = sensitive_at.get(l.to, || most_sensitive(cx, handled(h, l.to), min)) {
                reason = Some((
                    format!(
                        "reaches {}, which handles {} ({}), without authentication",
                        q(cx, l.to),
                        q(cx, d),
                        data_traits(cx, d)
                    ),
                    cx.span_of(d),
                    format!("{} is {}", q(cx, d), data_traits(cx, d)),
                ));
            } else if multi_tenant {
                reason = Some((
                    format!("reaches multi-tenant {} without authentication", q(cx, l.to)),
                    cx.span_of(l.to),
                    "serves several tenants".into(),
                ));
            }
        }
        if reason.is_none() {
            if let Some((w, p)) = required {
                reason = Some((
                    format!(
                        "authenticates with `{auth}`, weaker than the `{w}` that profile {} of {} requires",
                        q(cx, p),
                        q(cx, l.to)
                    ),
                    cx.span_of(p),
                    format!("requires `min-auth {w}`"),
                ));
            }
        }
        let Some((why, span, label)) = reason else { continue };
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        let help = match required {
            Some((w, _)) => format!("authenticate the caller with `auth {w}` or stronger"),
            None => "authenticate the caller: `auth mtls` or `service-token` between services, `jwt` or `oidc` for end users".to_string(),
        };
        acc.push(
            cx.finding(
                &UNAUTHENTICATED_BOUNDARY_CROSSING,
                format!("{} {why}", link_name(cx, l)),
                l.span,
                "unauthenticated",
                &subjects,
            )
            .with_secondary(span, label)
            .with_help(help),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC004 missing-authorization
// ---------------------------------------------------------------------------------------------

pub static MISSING_AUTHORIZATION: Rule = Rule {
    code: code("SEC004", "missing-authorization", Severity::Warning, "Personal data reaches a component without authorization of the end user."),
    category: Category::Security,
    explanation: "A link into a component carries end-user-scoped data (personal data: a `pii` entity or field) and either says `authz none`, or says `authz technical-user` although the caller acts for a person (it is a frontend, or a human actor calls it directly). Authentication alone tells who calls, not whether this caller may see this user's records: without authorization any authenticated caller reads everyone's data, and with a technical user the callee cannot tell which person asked (broken object-level authorization; ASVS 1.4.1, 1.4.4; Threagile missing-identity-propagation). Links with `auth none` are SEC003's, links without `authz` are gaps. Fix it with `authz ownership`, `rbac`, `abac` or `scopes`, and propagate the end user's identity instead of a technical user.",
    bad: "data Profile {\n  classification confidential\n  pii\n}\ncomponent web {\n  uses accounts sync { protocol https auth jwt authz none carries Profile timeout 1s circuit-breaker }\n}\ncomponent accounts\n",
    good: "data Profile {\n  classification confidential\n  pii\n}\ncomponent web {\n  uses accounts sync { protocol https auth jwt authz ownership carries Profile timeout 1s circuit-breaker }\n}\ncomponent accounts\n",
    options: &[],
    run: missing_authorization,
};

fn missing_authorization(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Components acting for a person: clients, and components a human actor calls directly.
    let mut for_person = vec![false; cx.model.elements.len()];
    for (id, _) in cx.model.of_kind(DeclKind::Component) {
        for_person[id.0 as usize] = is_client(cx, id);
    }
    for l in &cx.facts.links {
        if is_human(cx, l.from) && is_component(cx, l.to) {
            for_person[l.to.0 as usize] = true;
        }
    }
    let mut once = Once::default();
    for l in &cx.facts.links {
        let (Some(authz), Some(auth)) = (l.authz.as_deref(), l.auth.as_deref()) else { continue };
        if auth == "none" || !is_component(cx, l.to) || is_forwarder(cx, l.to) {
            continue;
        }
        let personal: Vec<ElementId> = l.carries.iter().copied().filter(|d| is_pii(cx, *d)).collect();
        if personal.is_empty() {
            continue;
        }
        let caller_acts_for_person =
            is_human(cx, l.from) || for_person.get(l.from.0 as usize).copied().unwrap_or(false);
        let why = match authz {
            "none" => "without authorization".to_string(),
            "technical-user" if caller_acts_for_person => {
                format!("as a technical user although {} acts for a person", q(cx, l.from))
            }
            _ => continue,
        };
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        acc.push(
            cx.finding(&MISSING_AUTHORIZATION, format!("{} passes {} {why}", link_name(cx, l), data_list(cx, &personal)), l.span, format!("authz {authz}"), &subjects)
                .with_secondary(cx.span_of(l.to), "cannot tell whose data the caller may see")
                .with_help("authorize per end user (`authz ownership`, `rbac`, `abac` or `scopes`) and propagate the user's identity"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC005 internet-exposed-without-gateway
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC005] min-classification`.
pub const INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC005",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};
/// `[rules.SEC005] min-criticality`.
pub const INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC005",
    name: "min-criticality",
    default: CRITICAL as u64,
    doc: "Lowest criticality rank of a high-value component: 2 high, 3 critical, 4 mission-critical.",
};

pub static INTERNET_EXPOSED_WITHOUT_GATEWAY: Rule = Rule {
    code: code("SEC005", "internet-exposed-without-gateway", Severity::Error, "A high-value component is reached from the internet without a gateway."),
    category: Category::Security,
    explanation: "Something in an `internet` zone (an actor, an external system, or a client running on users' devices) reaches a component that handles confidential or restricted data, personal data or credentials, or is critical, and the path passes no component of kind `gateway`, `waf` or `proxy`; load balancers are transparent and do not count as a guard. Such a component must parse hostile input, throttle floods and authenticate strangers on its own, and one bug exposes its data (Threagile unguarded-access-from-internet and missing-waf; microFreshener no-API-gateway; ASVS 1.14.1). Each exposed component is reported once. Fix it by routing internet traffic through a gateway, WAF or reverse proxy, and letting only that reach the component.",
    bad: "zone internet {\n  trust none\n  internet\n}\nzone core {\n  trust high\n}\nactor customer {\n  zone internet\n}\ndata Order {\n  classification confidential\n}\ncomponent orders {\n  zone core\n  owns Order\n}\nflow buy {\n  customer -> orders https auth jwt carries Order\n}\n",
    good: "zone internet {\n  trust none\n  internet\n}\nzone core {\n  trust high\n}\nactor customer {\n  zone internet\n}\ndata Order {\n  classification confidential\n}\ncomponent edge {\n  kind gateway\n  zone core\n}\ncomponent orders {\n  zone core\n  owns Order\n}\nflow buy {\n  customer -> edge https auth jwt carries Order\n  edge -> orders https auth mtls carries Order\n}\n",
    options: &[
        INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION,
        INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY,
    ],
    run: internet_exposed_without_gateway,
};

fn in_internet(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.zone_of(id).is_some_and(|z| cx.zones.is_internet(z))
}

fn internet_exposed_without_gateway(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let mut value = Memo::new(cx);
    let n = cx.model.elements.len();
    // Load balancers reached from the internet with no guard in between, with the internet
    // source that reaches them.
    let mut exposed_lb: Vec<Option<ElementId>> = vec![None; n];
    let mut queue: VecDeque<(usize, ElementId)> = VecDeque::new();
    for (i, l) in cx.facts.links.iter().enumerate() {
        if in_internet(cx, l.from) && (cx.kind(l.from) != Some(DeclKind::Component) || !is_forwarder(cx, l.from)) {
            queue.push_back((i, l.from));
        }
    }
    let mut once = Once::default();
    while let Some((i, origin)) = queue.pop_front() {
        let Some(l) = cx.facts.links.get(i) else { continue };
        let to = l.to;
        if !is_component(cx, to) || in_internet(cx, to) || is_guard(cx, to) {
            continue;
        }
        if is_load_balancer(cx, to) {
            if exposed_lb[to.0 as usize].is_none() {
                exposed_lb[to.0 as usize] = Some(origin);
                for &j in cx.facts.outgoing.get(to.0 as usize).map_or(&[][..], Vec::as_slice) {
                    queue.push_back((j, origin));
                }
            }
            continue;
        }
        let Some(why) = value.get(to, || high_value(cx, h, to, min_class, min_crit)) else { continue };
        if !once.first(&[to]) {
            continue;
        }
        let through =
            if l.from != origin { format!(" through load balancer {}", q(cx, l.from)) } else { String::new() };
        acc.push(
            cx.finding(
                &INTERNET_EXPOSED_WITHOUT_GATEWAY,
                format!("{} {why} and is reached from the internet by {}{through} without a gateway", q(cx, to), q(cx, origin)),
                l.span,
                "straight from the internet",
                &[to],
            )
            .with_secondary(cx.span_of(to), "not behind a gateway, WAF or reverse proxy")
            .with_help(format!("route internet traffic through a component of kind `gateway`, `waf` or `proxy`, and let only that reach {}", q(cx, to))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC006 datastore-accessed-across-boundary
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC006] min-classification`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC006",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};
/// `[rules.SEC006] min-criticality`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC006",
    name: "min-criticality",
    default: CRITICAL as u64,
    doc: "Lowest criticality rank of a high-value store: 2 high, 3 critical, 4 mission-critical.",
};
/// `[rules.SEC006] trusted-from`.
pub const DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM: RuleOption =
    RuleOption { rule: "SEC006", name: "trusted-from", default: 3, doc: "Trust rank of a zone whose services may reach stores in other networks directly (a service tier): 2 medium, 3 high, 4 full." };

pub static DATASTORE_ACCESSED_ACROSS_BOUNDARY: Rule = Rule {
    code: code("SEC006", "datastore-accessed-across-boundary", Severity::Error, "A sensitive datastore is accessed directly from a less trusted network."),
    category: Category::Security,
    explanation: "A datastore or cache that holds confidential or restricted data, personal data or credentials, or is critical, is accessed directly from another network zone that is less trusted and is not itself a trusted service tier (trust below `high`, configurable), or from the internet. Direct database access across such a boundary means the database's own protocol and credentials face the weaker zone: one compromised host in a DMZ or office network reads or rewrites everything (Threagile unguarded-direct-datastore-access; ASVS 1.14.1). A service tier of high trust reaching its data tier is the guard this rule asks for and is not reported; logical zones are not boundaries; links whose zones or trust are unknown are skipped. Fix it by letting a service in the datastore's zone own it and serve the data through an interface.",
    bad: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone data {\n  trust high\n}\ndata Customer {\n  classification confidential\n}\ncomponent web {\n  zone dmz\n  uses customers sync { protocol https auth mtls carries Customer timeout 1s circuit-breaker }\n}\ncomponent customers {\n  zone data\n  uses db { protocol postgres-tls auth basic carries Customer }\n}\ndatastore db {\n  zone data\n  holds Customer\n}\n",
    options: &[
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY,
        DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM,
    ],
    run: datastore_accessed_across_boundary,
};

fn datastore_accessed_across_boundary(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY) as usize;
    let trusted_from = cx.option(&DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM) as usize;
    let h = &cx.facts.handled;
    let mut value = Memo::new(cx);
    let mut once = Once::default();
    for l in &cx.facts.links {
        if !matches!(cx.kind(l.to), Some(DeclKind::Datastore | DeclKind::Cache)) || !cx.crosses_network(l) {
            continue;
        }
        let Some((a, b)) = cx.zones_of(l) else { continue };
        let weaker = if cx.zones.is_internet(a) && !cx.zones.is_internet(b) {
            Some("the internet".to_string())
        } else {
            match (cx.zones.trust(a), cx.zones.trust(b)) {
                (Some(x), Some(y)) if x < y && x < trusted_from => Some(format!("zone {}", zone_desc(cx, a))),
                _ => None,
            }
        };
        let Some(from_where) = weaker else { continue };
        let Some(why) = value.get(l.to, || high_value(cx, h, l.to, min_class, min_crit)) else { continue };
        let subjects = [l.from, l.to];
        if !once.first(&subjects) {
            continue;
        }
        acc.push(
            cx.finding(
                &DATASTORE_ACCESSED_ACROSS_BOUNDARY,
                format!(
                    "{} in {from_where} accesses {} in zone {} directly",
                    q(cx, l.from),
                    q(cx, l.to),
                    zone_desc(cx, b)
                ),
                l.span,
                "direct access across a network boundary",
                &subjects,
            )
            .with_secondary(cx.span_of(l.to), format!("{} {why}", q(cx, l.to)))
            .with_help(format!(
                "let a service in zone {} own {} and serve the data through an interface",
                q(cx, b),
                q(cx, l.to)
            )),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC007 classification-ceiling
// ---------------------------------------------------------------------------------------------

pub static CLASSIFICATION_CEILING: Rule = Rule {
    code: code("SEC007", "classification-ceiling", Severity::Error, "Data goes where its classification is not allowed."),
    category: Category::Security,
    explanation: "A `max-classification` sets the most sensitive data an element may see: on an enclosing zone, and on the element itself, else on the security profiles it follows (the most permissive of its own profiles, else of its system's: a profile says what its controls are adequate for). A link that carries data classified above the ceiling of either end, or a component that owns, a datastore or cache that holds, or a queue or topic that carries such data, leaks it to a place that was not secured for it (pytm data leak DS06). Each link and each declaration is reported once; a link end that itself declares the data is covered by that declaration's finding. Unclassified data is SEC009's. Fix it by keeping the data out (tokenise, aggregate or drop fields), or by raising the ceiling when the place really is secured for it.",
    bad: "zone partner {\n  max-classification internal\n}\ndata Card {\n  classification restricted\n}\ncomponent payments {\n  uses reporting sync { protocol https auth mtls carries Card timeout 1s circuit-breaker }\n}\ncomponent reporting {\n  zone partner\n}\n",
    good: "zone partner {\n  max-classification internal\n}\ndata Card {\n  classification restricted\n}\ndata CardSummary {\n  classification internal\n}\ncomponent payments {\n  owns Card\n  uses reporting sync { protocol https auth mtls carries CardSummary timeout 1s circuit-breaker }\n}\ncomponent reporting {\n  zone partner\n}\n",
    options: &[],
    run: classification_ceiling,
};

/// A classification ceiling: (rank, where it is declared, span of the declaration).
type Ceiling = Option<(usize, ElementId, Span)>;

fn max_class_of(cx: &Ctx<'_>, holder: ElementId) -> Option<(usize, ElementId, Span)> {
    let e = el(cx, holder)?;
    let r = e.word("max-classification").and_then(Classification::parse).map(Classification::rank)?;
    Some((r, holder, attr_span(e, "max-classification")))
}

/// The ceiling of an element: the tightest of its zones' ceilings and of the most specific
/// statement about the element itself: its own `max-classification`, else its profiles', else
/// its system's profiles'. Profiles say what their controls are adequate for, so an element
/// meeting several is adequate for the highest of them.
fn ceiling_of(cx: &Ctx<'_>, id: ElementId) -> Ceiling {
    let e = el(cx, id)?;
    let mut limits: Vec<(usize, ElementId, Span)> = Vec::new();
    if let Some(z) = cx.facts.zone_of(id) {
        limits.extend(cx.zones.chain(z).into_iter().filter_map(|z| max_class_of(cx, z)));
    }
    let by_profiles = |profiles: Vec<ElementId>| {
        profiles.into_iter().filter_map(|p| max_class_of(cx, p)).max_by_key(|(r, p, _)| (*r, std::cmp::Reverse(*p)))
    };
    let own: Vec<ElementId> = e.references("profile").collect();
    let system: Vec<ElementId> =
        e.reference("system").and_then(|s| el(cx, s)).map(|s| s.references("profile").collect()).unwrap_or_default();
    let specific = if e.kind == DeclKind::Zone { None } else { max_class_of(cx, id) };
    limits.extend(specific.or_else(|| by_profiles(own)).or_else(|| by_profiles(system)));
    limits.into_iter().min_by_key(|(r, holder, _)| (*r, *holder))
}

fn ceiling_holder(cx: &Ctx<'_>, holder: ElementId) -> String {
    match cx.kind(holder) {
        Some(DeclKind::Zone) => format!("zone {}", q(cx, holder)),
        Some(DeclKind::Profile) => format!("profile {}", q(cx, holder)),
        _ => q(cx, holder),
    }
}

fn classification_ceiling(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let ceilings: Vec<Ceiling> = (0..cx.model.elements.len()).map(|i| ceiling_of(cx, ElementId(i as u32))).collect();
    let ceiling = |id: ElementId| ceilings.get(id.0 as usize).copied().flatten();
    // Declarations: what a component owns, a store holds or a broker carries.
    let mut declared: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (id, e) in cx.model.iter() {
        if e.from_std || !(e.kind == DeclKind::Component || is_store_kind(Some(e.kind))) {
            continue;
        }
        let Some((max, holder, span)) = ceiling(id) else { continue };
        for name in ["owns", "holds", "carries"] {
            for a in e.attrs_named(name) {
                for v in a.values() {
                    let Val::Ref(d) = v.val else { continue };
                    if !declared.insert((id, d)) {
                        continue;
                    }
                    let Some(c) = cx.classification(d).filter(|c| *c > max) else { continue };
                    acc.push(
                        cx.finding(
                            &CLASSIFICATION_CEILING,
                            format!(
                                "{} {name} {} ({}) above the {} ceiling of {}",
                                q(cx, id),
                                q(cx, d),
                                class_word(c),
                                class_word(max),
                                ceiling_holder(cx, holder)
                            ),
                            v.span,
                            format!("{} data", class_word(c)),
                            &[id, d],
                        )
                        .with_secondary(span, format!("allows at most {}", class_word(max)))
                        .with_help(format!(
                            "move {} where {} data is allowed, or raise the ceiling if this place is secured for it",
                            q(cx, d),
                            class_word(c)
                        )),
                    );
                }
            }
        }
    }
    let mut once = Once::default();
    for l in &cx.facts.links {
        // The violated end with the lowest ceiling, skipping ends that declare the data.
        let mut worst: Option<(usize, ElementId, Span, ElementId, Vec<ElementId>)> = None;
        for end in [l.from, l.to] {
            let Some((max, holder, span)) = ceiling(end) else { continue };
            let over: Vec<ElementId> = l
                .carries
                .iter()
                .copied()
                .filter(|d| !declared.contains(&(end, *d)) && cx.classification(*d).is_some_and(|c| c > max))
                .collect();
            if over.is_empty() || worst.as_ref().is_some_and(|w| w.0 <= max) {
                continue;
            }
            worst = Some((max, holder, span, end, over));
        }
        let Some((max, holder, span, end, over)) = worst else { continue };
        let subjects = link_subjects(l);
        if !once.first(&subjects) {
            continue;
        }
        let holder_desc =
            if holder == end { q(cx, end) } else { format!("{} for {}", ceiling_holder(cx, holder), q(cx, end)) };
        acc.push(
            cx.finding(
                &CLASSIFICATION_CEILING,
                format!("{} carries {} above the {} ceiling of {holder_desc}", link_name(cx, l), data_list(cx, &over), class_word(max)),
                l.span,
                "data above the ceiling",
                &subjects,
            )
            .with_secondary(span, format!("allows at most {}", class_word(max)))
            .with_help(format!("keep {} out of this link (tokenise, aggregate or drop it), or raise the ceiling if {} is secured for it", data_list(cx, &over[..1]), q(cx, end))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC008 unencrypted-sensitive-storage
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC008] min-classification`.
pub const UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC008",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNENCRYPTED_SENSITIVE_STORAGE: Rule = Rule {
    code: code("SEC008", "unencrypted-sensitive-storage", Severity::Error, "Sensitive data is stored without encryption at rest."),
    category: Category::Security,
    explanation: "A datastore, cache, queue or topic keeps confidential or restricted data, personal data or credentials (what it holds or carries, and what its links carry) and is not encrypted at rest: it says `encrypted-at-rest no`, or its catalogue technology does not encrypt by default. Stolen disks, snapshots and backups then expose the data (Threagile unencrypted-asset; ASVS 1.8.2). A store under a profile requiring `encrypted-at-rest` must be encrypted whatever it keeps, and restricted data in a store shared by a multi-tenant component also needs `per-tenant-keys`. A store whose encryption is unknown (no setting, no catalogue technology) is skipped. Fix it with `encrypted-at-rest yes` (and the keys to back it).",
    bad: "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest no\n}\n",
    good: "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest yes\n}\n",
    options: &[UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION],
    run: unencrypted_sensitive_storage,
};

/// Encryption at rest: the explicit setting, else the catalogue technology's default.
fn encrypted_at_rest(cx: &Ctx<'_>, id: ElementId) -> Option<(bool, Span)> {
    let e = el(cx, id)?;
    if let Some(a) = e.attr("encrypted-at-rest") {
        if let Some(Val::Bool(b)) = a.first().map(|v| &v.val) {
            return Some((*b, a.span));
        }
        return None;
    }
    tech_of(cx, id).map(|t| (t.has_flag("encrypts-at-rest"), attr_span(e, "tech")))
}

fn unencrypted_sensitive_storage(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION) as usize;
    let h = &cx.facts.handled;
    // Stores used by a multi-tenant component.
    let mut shared_by_tenants: BTreeMap<ElementId, ElementId> = BTreeMap::new();
    for l in &cx.facts.links {
        for (store, user) in [(l.to, l.from), (l.from, l.to)] {
            if is_store_kind(cx.kind(store))
                && el(cx, user).is_some_and(|u| u.kind == DeclKind::Component && u.has_flag("multi-tenant"))
            {
                shared_by_tenants.entry(store).or_insert(user);
            }
        }
    }
    for (id, e) in cx.model.iter() {
        if e.from_std || !is_store_kind(Some(e.kind)) {
            continue;
        }
        let Some((encrypted, span)) = encrypted_at_rest(cx, id) else { continue };
        let data = handled(h, id);
        let how = if e.attr("encrypted-at-rest").is_some() {
            "says `encrypted-at-rest no`".to_string()
        } else {
            format!(
                "uses technology {}, which does not encrypt at rest by default",
                tech_of(cx, id).map_or("?".into(), |t| format!("`{}`", t.name))
            )
        };
        let noun = e.kind.noun();
        let d = if !encrypted {
            let sens: Vec<ElementId> = data.iter().copied().filter(|d| sensitive(cx, *d, min)).collect();
            let profile =
                profiles_of(cx, id).into_iter().find(|p| el(cx, *p).is_some_and(|pe| pe.has_flag("encrypted-at-rest")));
            if !sens.is_empty() {
                cx.finding(
                    &UNENCRYPTED_SENSITIVE_STORAGE,
                    format!("{noun} {} keeps {} unencrypted at rest", q(cx, id), data_list(cx, &sens)),
                    e.name_span,
                    "not encrypted at rest",
                    &[id],
                )
                .with_secondary(span, how)
            } else if let Some(p) = profile {
                cx.finding(
                    &UNENCRYPTED_SENSITIVE_STORAGE,
                    format!("{noun} {} is not encrypted at rest although profile {} requires it", q(cx, id), q(cx, p)),
                    e.name_span,
                    "not encrypted at rest",
                    &[id],
                )
                .with_secondary(span, how)
                .with_secondary(cx.span_of(p), "requires `encrypted-at-rest`")
            } else {
                continue;
            }
            .with_help(format!("encrypt {} at rest: `encrypted-at-rest yes`, or a technology that does", q(cx, id)))
        } else {
            let restricted: Vec<ElementId> =
                data.iter().copied().filter(|d| cx.classification(*d).is_some_and(|c| c >= RESTRICTED)).collect();
            let (Some(user), false) = (shared_by_tenants.get(&id), e.has_flag("per-tenant-keys")) else { continue };
            if restricted.is_empty() {
                continue;
            }
            cx.finding(
                &UNENCRYPTED_SENSITIVE_STORAGE,
                format!(
                    "{noun} {} keeps {} for several tenants without per-tenant keys",
                    q(cx, id),
                    data_list(cx, &restricted)
                ),
                e.name_span,
                "one key for all tenants",
                &[id],
            )
            .with_secondary(cx.span_of(*user), format!("{} is multi-tenant", q(cx, *user)))
            .with_help(format!(
                "encrypt each tenant's data with its own key and say `per-tenant-keys` on {}",
                q(cx, id)
            ))
        };
        acc.push(d);
    }
}

// ---------------------------------------------------------------------------------------------
// SEC009 unclassified-data
// ---------------------------------------------------------------------------------------------

pub static UNCLASSIFIED_DATA: Rule = Rule {
    code: code("SEC009", "unclassified-data", Severity::Error, "A data entity or event has no classification."),
    category: Category::Security,
    explanation: "Every data entity and event needs a `classification` (public, internal, confidential or restricted): it decides which links must be encrypted (SEC001), where the data may go (SEC007) and which stores must encrypt it (SEC008). Those rules skip unclassified data, so an unclassified entity silently escapes them (ASVS 1.8.1). A classification still left as a `?` hole is reported by HYG008 instead. Fix it by classifying the data.",
    bad: "data Invoice\ncomponent billing {\n  owns Invoice\n  standalone\n}\n",
    good: "data Invoice {\n  classification confidential\n}\ncomponent billing {\n  owns Invoice\n  standalone\n}\n",
    options: &[],
    run: unclassified_data,
};

fn unclassified_data(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for kind in [DeclKind::Data, DeclKind::Event] {
        for (id, e) in cx.model.of_kind(kind) {
            if e.attr("classification").is_some() {
                continue;
            }
            let mut d = cx.finding(
                &UNCLASSIFIED_DATA,
                format!("{} {} has no classification", kind.noun(), q(cx, id)),
                e.name_span,
                "unclassified",
                &[id],
            );
            if is_pii(cx, id) || is_credentials(cx, id) {
                d = d.with_note("it holds personal data or credentials, so it is at least confidential");
            }
            acc.push(d.with_help("add `classification public`, `internal`, `confidential` or `restricted`"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SEC010 missing-secret-store
// ---------------------------------------------------------------------------------------------

pub static MISSING_SECRET_STORE: Rule = Rule {
    code: code("SEC010", "missing-secret-store", Severity::Warning, "Credentials are used without a secret store, or kept in an ordinary store."),
    category: Category::Security,
    explanation: "Components use credentials (data marked `credentials`, or with a `credentials` field) but the model has no secret store: no component of kind `vault` and no element whose technology is a vault. Or a vault exists, yet a datastore, cache, queue or topic other than it keeps credentials. Secrets in configuration files, ordinary databases or messages leak through backups, logs and broad read access, and cannot be rotated or audited (Threagile missing-vault; ASVS 1.6.2). Identity stores used only by identity providers and vaults are exempt. Fix it by adding a vault and keeping secrets only there.",
    bad: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  owns ApiKey\n  standalone\n}\n",
    good: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  uses secrets sync { protocol https auth mtls carries ApiKey timeout 1s circuit-breaker }\n}\ncomponent secrets {\n  kind vault\n  owns ApiKey\n}\n",
    options: &[],
    run: missing_secret_store,
};

fn missing_secret_store(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let have_vault = cx.model.iter().any(|(id, e)| !e.from_std && e.kind != DeclKind::Technology && is_vault(cx, id));
    let h = &cx.facts.handled;
    if !have_vault {
        // Credentials used by a component, each reported once at its declaration.
        let mut user_of: BTreeMap<ElementId, ElementId> = BTreeMap::new();
        for (id, _) in cx.model.of_kind(DeclKind::Component) {
            for d in handled(h, id) {
                if is_credentials(cx, *d) {
                    user_of.entry(*d).or_insert(id);
                }
            }
        }
        for (d, user) in user_of {
            acc.push(
                cx.finding(
                    &MISSING_SECRET_STORE,
                    format!(
                        "{} holds credentials used by {}, but the model has no secret store",
                        q(cx, d),
                        q(cx, user)
                    ),
                    cx.span_of(d),
                    "credentials",
                    &[d],
                )
                .with_secondary(cx.span_of(user), "uses them")
                .with_help("add a component of kind `vault` (or a vault technology) and keep the credentials there"),
            );
        }
        return;
    }
    for (id, e) in cx.model.iter() {
        if e.from_std || !is_store_kind(Some(e.kind)) || is_vault(cx, id) || tech_kind(cx, id) == Some("identity") {
            continue;
        }
        let creds: Vec<ElementId> = handled(h, id).iter().copied().filter(|d| is_credentials(cx, *d)).collect();
        if creds.is_empty() {
            continue;
        }
        let users: Vec<ElementId> = cx
            .facts
            .inbound(id)
            .map(|l| l.from)
            .chain(cx.facts.out(id).map(|l| l.to))
            .filter(|u| is_component(cx, *u))
            .collect();
        if !users.is_empty() && users.iter().all(|u| is_identity_provider(cx, *u) || is_vault(cx, *u)) {
            continue;
        }
        acc.push(
            cx.finding(
                &MISSING_SECRET_STORE,
                format!("{} {} keeps {} outside the secret store", e.kind.noun(), q(cx, id), data_list(cx, &creds)),
                e.name_span,
                "not a vault",
                &[id],
            )
            .with_help("keep credentials in the vault and pass references to them instead"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC011 missing-identity-provider
// ---------------------------------------------------------------------------------------------

pub static MISSING_IDENTITY_PROVIDER: Rule = Rule {
    code: code("SEC011", "missing-identity-provider", Severity::Warning, "End users log in but no identity provider is modelled, or it is not isolated."),
    category: Category::Security,
    explanation: "A person (an actor that is not an API consumer or device) authenticates with a password, session or token (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`, `mfa`), yet the model has no identity provider: no component of kind `identity-provider`, no external of kind `identity`, no identity technology. Or an identity provider of ours shares its network zone with ordinary components. Who issues and checks the credentials is then unspecified, or one compromised neighbour can reach the crown jewels (Threagile missing-identity-store, missing-identity-provider-isolation; ASVS 1.2.3). Fix it by modelling the identity provider, in its own network zone.",
    bad: "actor customer\ncomponent shop\nflow login {\n  customer -> shop https auth oidc\n}\n",
    good: "actor customer\ncomponent shop\nexternal auth0 {\n  kind identity\n}\nflow login {\n  customer -> shop https auth oidc\n  shop -> auth0 https auth oauth2\n}\n",
    options: &[],
    run: missing_identity_provider,
};

fn missing_identity_provider(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let idps: Vec<ElementId> = cx
        .model
        .iter()
        .filter(|(id, e)| !e.from_std && e.kind != DeclKind::Technology && is_identity_provider(cx, *id))
        .map(|(id, _)| id)
        .collect();
    if idps.is_empty() {
        let mut once = Once::default();
        for l in &cx.facts.links {
            let Some(auth) = l.auth.as_deref() else { continue };
            if !is_human(cx, l.from) || !is_human_login(auth) || !once.first(&[l.from]) {
                continue;
            }
            acc.push(
                cx.finding(&MISSING_IDENTITY_PROVIDER, format!("{} logs in with `{auth}` but the model has no identity provider", q(cx, l.from)), l.span, "end-user authentication", &[l.from])
                    .with_help("model who issues and checks the credentials: a component of kind `identity-provider` or an external of kind `identity`"),
            );
        }
        return;
    }
    // Isolation: our identity providers' network zones host nothing but identity and secrets.
    let mut by_network: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, _) in cx.model.of_kind(DeclKind::Component) {
        if let Some(net) = cx.facts.zone_of(id).and_then(|z| cx.zones.network(z)) {
            by_network.entry(net).or_default().push(id);
        }
    }
    for idp in idps.into_iter().filter(|i| is_component(cx, *i)) {
        let Some(net) = cx.facts.zone_of(idp).and_then(|z| cx.zones.network(z)) else { continue };
        let others: Vec<ElementId> = by_network
            .get(&net)
            .into_iter()
            .flatten()
            .copied()
            .filter(|c| !is_identity_provider(cx, *c) && !is_vault(cx, *c))
            .collect();
        let Some(first) = others.first() else { continue };
        let more = if others.len() > 1 { format!(" and {} more", others.len() - 1) } else { String::new() };
        acc.push(
            cx.finding(
                &MISSING_IDENTITY_PROVIDER,
                format!(
                    "identity provider {} shares network zone {} with {}{more}",
                    q(cx, idp),
                    q(cx, net),
                    q(cx, *first)
                ),
                cx.span_of(idp),
                "not isolated",
                &[idp],
            )
            .with_secondary(cx.span_of(*first), "an ordinary component in the same network")
            .with_help(format!("give {} a network zone of its own", q(cx, idp))),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC012 unnecessary-sensitive-transfer
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC012] min-classification`.
pub const UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC012",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNNECESSARY_SENSITIVE_TRANSFER: Rule = Rule {
    code: code("SEC012", "unnecessary-sensitive-transfer", Severity::Warning, "A component receives sensitive data it does nothing with."),
    category: Category::Security,
    explanation: "A link delivers confidential or restricted data, personal data or credentials to a component that neither owns it, nor exchanges it through an interface it exposes, nor subscribes to it, nor passes it on or stores it over any other link. Data sent where it is not needed widens the attack surface and the compliance scope for nothing (Threagile unnecessary-data-transfer; data minimisation). Components with a link whose data is unknown are skipped (HYG007 reports that gap). Fix it by dropping the data from the link, or model what the component does with it.",
    bad: "data Card {\n  classification restricted\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Card timeout 1s circuit-breaker }\n}\ncomponent mailer\n",
    good: "data Card {\n  classification restricted\n}\ndata Receipt {\n  classification internal\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Receipt timeout 1s circuit-breaker }\n}\ncomponent mailer\n",
    options: &[UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION],
    run: unnecessary_sensitive_transfer,
};

fn unnecessary_sensitive_transfer(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION) as usize;
    for (id, e) in cx.model.of_kind(DeclKind::Component) {
        let links: Vec<&Link> = cx.facts.out(id).chain(cx.facts.inbound(id)).collect();
        if links.is_empty() || links.iter().any(|l| l.carries.is_empty()) {
            continue;
        }
        // How often each data item appears on this component's links, and what it declares.
        let mut count: BTreeMap<ElementId, usize> = BTreeMap::new();
        for l in &links {
            for d in &l.carries {
                *count.entry(*d).or_insert(0) += 1;
            }
        }
        let mut own: BTreeSet<ElementId> =
            ["owns", "publishes", "subscribes"].into_iter().flat_map(|n| e.references(n)).collect();
        for i in e.references("exposes") {
            own.extend(facts::interface_data(cx.model, i));
        }
        for l in cx.facts.inbound(id) {
            let unneeded: Vec<ElementId> = l
                .carries
                .iter()
                .copied()
                .filter(|d| sensitive(cx, *d, min) && !own.contains(d) && count.get(d).copied().unwrap_or(0) == 1)
                .collect();
            for d in unneeded {
                acc.push(
                    cx.finding(
                        &UNNECESSARY_SENSITIVE_TRANSFER,
                        format!("{} receives {} ({}) from {} but neither owns, stores nor forwards it", q(cx, id), q(cx, d), data_traits(cx, d), q(cx, l.from)),
                        l.span,
                        "sent for nothing",
                        &[id, d],
                    )
                    .with_secondary(cx.span_of(id), "does nothing with it in the model")
                    .with_help(format!("stop sending {} to {}, or model what it does with it (`owns`, an interface, or the link that stores or forwards it)", q(cx, d), q(cx, id))),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SEC013 mixed-trust-shared-runtime
// ---------------------------------------------------------------------------------------------

pub static MIXED_TRUST_SHARED_RUNTIME: Rule = Rule {
    code: code("SEC013", "mixed-trust-shared-runtime", Severity::Warning, "One deployment node runs elements of different trust."),
    category: Category::Security,
    explanation: "A deployment node (host, VM or cluster) `runs` elements from different network zones or from zones of different trust, or runs a frontend together with a datastore. A compromise of the less trusted workload, or a container escape, then lands next to the more trusted one and bypasses the zone boundary the model relies on (Threagile mixed-targets-on-shared-runtime; ASVS 1.14.5). Nodes of development and test deployments are exempt. Fix it by splitting the node per zone, or moving the elements into one zone if they really share trust.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  standalone\n}\ncomponent ledger {\n  zone core\n  standalone\n}\ndeployment prod {\n  environment production\n  node vm1 {\n    runs web, ledger\n  }\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  standalone\n}\ncomponent ledger {\n  zone core\n  standalone\n}\ndeployment prod {\n  environment production\n  node vm1 {\n    runs web\n  }\n  node vm2 {\n    runs ledger\n  }\n}\n",
    options: &[],
    run: mixed_trust_shared_runtime,
};

fn mixed_trust_shared_runtime(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (node_id, node) in cx.model.iter().filter(|(_, e)| e.kind == DeclKind::Node && !e.from_std) {
        let env = node.parent.and_then(|p| el(cx, p)).and_then(|d| d.word("environment"));
        if matches!(env, Some("development" | "test")) {
            continue;
        }
        let runs: Vec<ElementId> = node.references("runs").collect();
        // Pairs of elements whose zones are different networks or of different trust.
        let mut first_by_net: Vec<(ElementId, ElementId, Option<usize>)> = Vec::new();
        let mut clash: Option<(ElementId, ElementId)> = None;
        for &r in &runs {
            let Some(z) = cx.facts.zone_of(r) else { continue };
            let net = cx.zones.network(z).unwrap_or(z);
            let trust = cx.zones.trust(z);
            if let Some((other, _, _)) =
                first_by_net.iter().find(|(_, n, t)| *n != net || matches!((t, trust), (Some(a), Some(b)) if *a != b))
            {
                clash = Some((*other, r));
                break;
            }
            first_by_net.push((r, net, trust));
        }
        let d = if let Some((a, b)) = clash {
            let (za, zb) = (cx.facts.zone_of(a), cx.facts.zone_of(b));
            cx.finding(
                &MIXED_TRUST_SHARED_RUNTIME,
                format!(
                    "node {} runs {} (zone {}) and {} (zone {}) together",
                    q(cx, node_id),
                    q(cx, a),
                    za.map_or("?".into(), |z| zone_desc(cx, z)),
                    q(cx, b),
                    zb.map_or("?".into(), |z| zone_desc(cx, z))
                ),
                node.name_span,
                "mixed trust on one runtime",
                &[node_id],
            )
            .with_secondary(cx.span_of(b), "in another trust zone")
        } else {
            let front = runs.iter().copied().find(|r| is_client(cx, *r));
            let store = runs.iter().copied().find(|r| cx.kind(*r) == Some(DeclKind::Datastore));
            let (Some(f), Some(s)) = (front, store) else { continue };
            cx.finding(
                &MIXED_TRUST_SHARED_RUNTIME,
                format!("node {} runs frontend {} next to datastore {}", q(cx, node_id), q(cx, f), q(cx, s)),
                node.name_span,
                "frontend and data on one runtime",
                &[node_id],
            )
            .with_secondary(cx.span_of(s), "the data a compromised frontend would reach")
        };
        acc.push(d.with_help("run elements of different trust on separate nodes"));
    }
}

// ---------------------------------------------------------------------------------------------
// SEC014 missing-mfa-for-human-access
// ---------------------------------------------------------------------------------------------

/// `[rules.SEC014] min-classification`.
pub const MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC014",
    name: "min-classification",
    default: RESTRICTED as u64,
    doc: "Lowest classification rank that needs a second factor: 2 confidential, 3 restricted.",
};
/// `[rules.SEC014] min-criticality`.
pub const MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC014",
    name: "min-criticality",
    default: MISSION_CRITICAL as u64,
    doc: "Lowest criticality rank that needs a second factor: 3 critical, 4 mission-critical.",
};

pub static MISSING_MFA_FOR_HUMAN_ACCESS: Rule = Rule {
    code: code("SEC014", "missing-mfa-for-human-access", Severity::Warning, "A person reaches restricted or mission-critical assets with one factor."),
    category: Category::Security,
    explanation: "A person (an actor that is not an API consumer or device) reaches a component or store that handles restricted data or is mission-critical, directly or through frontends, gateways, proxies and load balancers, and logs in with a single factor: the actor is not marked `mfa` and neither the person's own link nor the client's calls say `auth mfa`. A phished or reused password then opens the most valuable assets (Threagile missing-authentication-second-factor; pytm usesMFA). Only logins count (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`): a person who is anonymous, or whose link carries only a machine credential such as a publishable API key, logs in nowhere, and unknown authentication is left to HYG008 and SEC003. Fix it by requiring a second factor: mark the actor `mfa` or use `auth mfa` on the login step.",
    bad: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    good: "data Ledger {\n  classification restricted\n}\nactor clerk {\n  kind admin\n  mfa\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> books https auth oidc carries Ledger\n}\n",
    options: &[
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION,
        MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY,
    ],
    run: missing_mfa_for_human_access,
};

fn missing_mfa_for_human_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let n = cx.model.elements.len();
    let passer = |id: ElementId| is_forwarder(cx, id) || is_client(cx, id);
    // Why each valuable element qualifies; only restricted data counts here, so personal data
    // and credentials below the threshold do not.
    let value = |id: ElementId| -> Option<String> {
        if !is_ours(cx, id) || passer(id) {
            return None;
        }
        let data = handled(h, id);
        if let Some(d) = data
            .iter()
            .copied()
            .filter(|d| cx.classification(*d).is_some_and(|c| c >= min_class))
            .max_by_key(|d| (cx.classification(*d), std::cmp::Reverse(*d)))
        {
            return Some(format!("handles {} ({})", q(cx, d), data_traits(cx, d)));
        }
        if let Some(c) = cx.criticality(id).filter(|c| *c >= min_crit) {
            return Some(format!("is {}", crit_word(c)));
        }
        None
    };
    // The valuable target each element reaches through passers (clients, forwarders), found by
    // walking links backwards from the targets.
    let mut reach: Vec<Option<ElementId>> = vec![None; n];
    let mut queue: VecDeque<ElementId> = VecDeque::new();
    for (i, r) in reach.iter_mut().enumerate() {
        let id = ElementId(i as u32);
        if value(id).is_some() {
            *r = Some(id);
            queue.push_back(id);
        }
    }
    while let Some(x) = queue.pop_front() {
        let target = reach[x.0 as usize];
        for l in cx.facts.inbound(x) {
            if passer(l.from) && reach[l.from.0 as usize].is_none() {
                reach[l.from.0 as usize] = target;
                queue.push_back(l.from);
            }
        }
    }
    let mut once = Once::default();
    for l in &cx.facts.links {
        if !is_human(cx, l.from) || el(cx, l.from).is_some_and(|a| a.has_flag("mfa")) {
            continue;
        }
        let Some(target) = reach.get(l.to.0 as usize).copied().flatten() else { continue };
        // The person's authentication: on their own link, or on the client's calls.
        let mut factors: Vec<&str> = l.auth.iter().map(String::as_str).filter(|a| is_human_login(a)).collect();
        if factors.is_empty() && is_client(cx, l.to) {
            factors.extend(cx.facts.out(l.to).filter_map(|o| o.auth.as_deref()).filter(|a| is_human_login(a)));
        }
        if factors.is_empty() || factors.contains(&"mfa") || !once.first(&[l.from]) {
            continue;
        }
        let why = value(target).unwrap_or_default();
        let through = if target != l.to { format!(" through {}", q(cx, l.to)) } else { String::new() };
        acc.push(
            cx.finding(
                &MISSING_MFA_FOR_HUMAN_ACCESS,
                format!(
                    "{} reaches {}{through} with single-factor `{}`",
                    q(cx, l.from),
                    q(cx, target),
                    factors.first().copied().unwrap_or_default()
                ),
                l.span,
                "one factor",
                &[l.from],
            )
            .with_secondary(cx.span_of(target), format!("{} {why}", q(cx, target)))
            .with_help(format!(
                "require a second factor: mark {} `mfa`, or use `auth mfa` on its login step",
                q(cx, l.from)
            )),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SEC015 untrusted-deserialization
// ---------------------------------------------------------------------------------------------

pub static UNTRUSTED_DESERIALIZATION: Rule = Rule {
    code: code("SEC015", "untrusted-deserialization", Severity::Warning, "An interface deserializes a binary object format from untrusted callers."),
    category: Category::Security,
    explanation: "An interface one of our components provides, whose `format` is `java-serialization` or `binary`, is exposed `public` or to partners, or receives a link from a less trusted zone or from the internet. Native object deserialization of attacker-controlled bytes leads to remote code execution and denial of service (Threagile untrusted-deserialization; ASVS 1.5.2; CWE-502). Links whose zones or trust are unknown are skipped. Fix it with a schema-bound data format (json, protobuf, avro), or keep the interface to callers of equal trust.",
    bad: "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal bank {\n  zone partners\n}\ninterface Settlement rest {\n  format java-serialization\n  auth mtls\n}\ncomponent ledger {\n  zone core\n  exposes Settlement\n}\nflow settle {\n  bank -> ledger https via Settlement\n}\n",
    good: "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal bank {\n  zone partners\n}\ninterface Settlement rest {\n  format json\n  auth mtls\n}\ncomponent ledger {\n  zone core\n  exposes Settlement\n}\nflow settle {\n  bank -> ledger https via Settlement\n}\n",
    options: &[],
    run: untrusted_deserialization,
};

fn untrusted_deserialization(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // The first link from lower trust through each interface.
    let mut from_lower: BTreeMap<ElementId, &Link> = BTreeMap::new();
    for l in &cx.facts.links {
        let Some(via) = l.via else { continue };
        let lower = in_internet(cx, l.from) && !in_internet(cx, l.to) || cx.enters_higher_trust(l);
        if lower {
            from_lower.entry(via).or_insert(l);
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Interface) {
        // Only our own components deserialize what our interfaces receive.
        if !cx.facts.provider.get(&id).is_some_and(|p| is_component(cx, *p)) {
            continue;
        }
        let Some(format) = e.word("format").filter(|f| matches!(*f, "java-serialization" | "binary")) else { continue };
        let exposure = e.word("exposure").filter(|x| matches!(*x, "public" | "partner"));
        let d = match (from_lower.get(&id), exposure) {
            (Some(l), _) => {
                let from = cx
                    .facts
                    .zone_of(l.from)
                    .map_or("the internet".to_string(), |z| format!("zone {}", zone_desc(cx, z)));
                cx.finding(
                    &UNTRUSTED_DESERIALIZATION,
                    format!("interface {} deserializes `{format}` sent by {} from {from}", q(cx, id), q(cx, l.from)),
                    attr_span(e, "format"),
                    "native deserialization",
                    &[id],
                )
                .with_secondary(l.span, "less trusted caller")
            }
            (None, Some(x)) => cx
                .finding(
                    &UNTRUSTED_DESERIALIZATION,
                    format!("{x} interface {} deserializes `{format}`", q(cx, id)),
                    attr_span(e, "format"),
                    "native deserialization",
                    &[id],
                )
                .with_secondary(attr_span(e, "exposure"), "callers outside our control"),
            (None, None) => continue,
        };
        acc.push(d.with_help(
            "use a schema-bound format such as `json`, `protobuf` or `avro`, or accept only callers of equal trust",
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// SEC016 stride-coverage-gap
// ---------------------------------------------------------------------------------------------

pub static STRIDE_COVERAGE_GAP: Rule = Rule {
    code: code("SEC016", "stride-coverage-gap", Severity::Note, "An element on a trust boundary has STRIDE threats no control covers."),
    category: Category::Security,
    explanation: "Every element touching a link that crosses a trust boundary (into another network zone, or into a zone of different trust; logical zones of equal trust do not count) faces the STRIDE threats of its kind: actors and external systems spoofing and repudiation; components all six (spoofing, tampering, repudiation, information disclosure, denial of service, elevation of privilege); datastores, caches, queues and topics tampering, information disclosure and denial of service. The links themselves are covered by SEC001 to SEC003. Each applicable threat needs a `control` that `mitigates` it, declared in the element's `controls`, in a profile it follows, or in a profile of its system; actors and external systems cannot declare controls, so the controls of the components and stores they talk to across the boundary count for them. One note per element lists what is left, so that the threat model is complete and reviewable (STRIDE per element; CALM controls). Fix it by adding or referencing controls, or accept a deliberate gap with `accept SEC016@element \"why\" until DATE`.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncontrol edge_hardening {\n  mitigates spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege\n}\ncomponent web {\n  zone dmz\n  controls edge_hardening\n  uses api sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncontrol edge_hardening {\n  mitigates spoofing, tampering, repudiation, information-disclosure, denial-of-service, elevation-of-privilege\n}\ncomponent web {\n  zone dmz\n  controls edge_hardening\n  uses api sync { protocol https auth mtls timeout 1s circuit-breaker }\n}\ncomponent api {\n  zone core\n  controls edge_hardening\n}\n",
    options: &[],
    run: stride_coverage_gap,
};

/// STRIDE threats as bits, in `schema::STRIDE` order.
fn stride_bit(word: &str) -> u8 {
    schema::STRIDE.iter().position(|s| *s == word).map_or(0, |i| 1 << i)
}

const ALL_STRIDE: u8 = 0b11_1111;

fn applicable_stride(kind: Option<DeclKind>) -> u8 {
    match kind {
        Some(DeclKind::Actor | DeclKind::External) => stride_bit("spoofing") | stride_bit("repudiation"),
        Some(DeclKind::Component) => ALL_STRIDE,
        k if is_store_kind(k) => {
            stride_bit("tampering") | stride_bit("information-disclosure") | stride_bit("denial-of-service")
        }
        _ => 0,
    }
}

/// Threats mitigated by the controls an element declares or inherits from profiles.
fn mitigated(cx: &Ctx<'_>, id: ElementId) -> u8 {
    let Some(e) = el(cx, id) else { return 0 };
    let mut controls: Vec<ElementId> = e.references("controls").collect();
    for p in profiles_of(cx, id) {
        controls.extend(el(cx, p).into_iter().flat_map(|pe| pe.references("controls")));
    }
    let mut bits = 0;
    for c in controls {
        for a in el(cx, c).into_iter().flat_map(|ce| ce.attrs_named("mitigates")) {
            for v in a.values() {
                if let Val::Word(w) = &v.val {
                    bits |= stride_bit(w);
                }
            }
        }
    }
    bits
}

/// The link leaves one network zone for another, or enters a zone of different trust: logical
/// zones of the same trust in one network are not trust boundaries.
fn crosses_trust_boundary(cx: &Ctx<'_>, l: &Link) -> bool {
    let Some((a, b)) = cx.zones_of(l) else { return false };
    a != b && (cx.crosses_network(l) || cx.zones.trust(a) != cx.zones.trust(b))
}

fn stride_coverage_gap(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let n = cx.model.elements.len();
    let own: Vec<u8> = (0..n).map(|i| mitigated(cx, ElementId(i as u32))).collect();
    // For each element on a crossing: the first crossing link and, for actors and externals,
    // the controls of their counterparts.
    let mut first: Vec<Option<&Link>> = vec![None; n];
    let mut borrowed: Vec<u8> = vec![0; n];
    for l in &cx.facts.links {
        if !crosses_trust_boundary(cx, l) {
            continue;
        }
        for (end, other) in [(l.from, l.to), (l.to, l.from)] {
            let i = end.0 as usize;
            if i >= n || applicable_stride(cx.kind(end)) == 0 {
                continue;
            }
            first[i].get_or_insert(l);
            if matches!(cx.kind(end), Some(DeclKind::Actor | DeclKind::External)) && is_ours(cx, other) {
                borrowed[i] |= own.get(other.0 as usize).copied().unwrap_or(0);
            }
        }
    }
    for (i, l) in first.iter().enumerate() {
        let Some(l) = l else { continue };
        let id = ElementId(i as u32);
        let missing = applicable_stride(cx.kind(id)) & !(own[i] | borrowed[i]);
        if missing == 0 {
            continue;
        }
        let threats: Vec<&str> =
            schema::STRIDE.iter().enumerate().filter(|(b, _)| missing & (1 << b) != 0).map(|(_, s)| *s).collect();
        let (za, zb) = cx.zones_of(l).unwrap_or((id, id));
        let noun = cx.kind(id).map_or("element", DeclKind::noun);
        acc.push(
            cx.finding(&STRIDE_COVERAGE_GAP, format!("{noun} {} crosses a trust boundary with no control for {}", q(cx, id), threats.join(", ")), cx.span_of(id), "threats not covered", &[id])
                .with_secondary(l.span, format!("crosses from zone {} to {}", q(cx, za), q(cx, zb)))
                .with_help(format!(
                    "add a control that `mitigates {}` to {}'s `controls` or to a profile it follows, or accept the gap with `accept SEC016@{} \"why\" until DATE`",
                    threats.join(", "),
                    q(cx, id),
                    cx.name(id)
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;
    use crate::diagnostics::Diagnostic;

    /// Unsuppressed findings of one rule, as `fingerprint: message`.
    fn findings(code: &str, text: &str) -> Vec<String> {
        let diags: Vec<Diagnostic> = check_source(text);
        let front: Vec<String> = diags
            .iter()
            .filter(|d| d.code.id.starts_with("SYN") || d.code.id.starts_with("RES") || d.code.id == "HYG001")
            .map(|d| d.message.clone())
            .collect();
        assert!(front.is_empty(), "front-end errors: {front:?}");
        diags
            .iter()
            .filter(|d| d.code.id == code && d.suppression.is_none())
            .map(|d| format!("{}: {}", d.fingerprint(), d.message))
            .collect()
    }

    fn count(code: &str, text: &str) -> usize {
        findings(code, text).len()
    }

    const ZONES: &str = "zone internet {\n  trust none\n  internet\n}\nzone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\nzone data {\n  trust high\n}\n";

    #[test]
    fn empty_model_yields_nothing() {
        for r in super::RULES {
            assert_eq!(count(r.code.id, ""), 0, "{}", r.code.id);
        }
    }

    #[test]
    fn sec001_flow_step_fingerprint_and_local_exemption() {
        let text = "data Card {\n  classification restricted\n}\nactor user\ncomponent web\ncomponent api\nflow pay {\n  user -> web http carries Card\n  web -> api in-process encrypted no carries Card\n}\n";
        assert_eq!(findings("SEC001", text), vec!["SEC001@pay@user@web: step `user -> web` of flow `pay` carries `Card` (restricted) over plaintext `http`"]);
    }

    #[test]
    fn sec001_gap_when_protocol_unknown_and_tech_default_counts() {
        let gap = "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { carries Card }\n}\ncomponent api\n";
        assert_eq!(count("SEC001", gap), 0);
        let tech = "import std.tech\ndata Card {\n  classification restricted\n}\ncomponent web {\n  uses db { carries Card }\n}\ndatastore db {\n  tech postgres\n}\n";
        assert_eq!(findings("SEC001", tech), vec!["SEC001@web@db: `web -> db` carries `Card` (restricted) over plaintext `postgres`, the default of technology `postgres`"]);
        assert_eq!(count("SEC001", &tech.replace("tech postgres", "tech mysql")), 0, "mysql defaults to mysql-tls");
        let pii = "data Email {\n  classification internal\n  field address: string pii\n}\ncomponent web {\n  uses api sync { protocol http carries Email }\n}\ncomponent api\n";
        assert_eq!(count("SEC001", pii), 1, "personal data counts whatever its classification");
    }

    #[test]
    fn sec001_event_deliveries_travel_like_the_declared_links_to_the_broker() {
        let model = |protocol: &str| {
            format!("import std.tech\nevent Booked {{\n  classification confidential\n}}\ntopic bookings {{\n  tech kafka\n  carries Booked\n}}\ncomponent shipping {{\n  publishes Booked\n  uses bookings async {{ protocol {protocol} auth mtls }}\n}}\ncomponent tracking {{\n  subscribes Booked\n}}\n")
        };
        // The publisher's `uses` says how it reaches the broker; the delivery to the subscriber
        // travels like the broker's other declared links; only without them does the
        // technology's plaintext default count.
        assert_eq!(count("SEC001", &model("kafka-tls")), 0);
        let plain = findings("SEC001", &model("kafka"));
        assert_eq!(plain.len(), 2, "the `uses` and the publication are one link: {plain:?}");
        assert!(plain.iter().any(|f| f.contains("as the other links to `bookings` declare")), "{plain:?}");
    }

    #[test]
    fn sec001_and_sec002_do_not_double_report() {
        let text = format!("{ZONES}data Card {{\n  classification restricted\n}}\ncomponent web {{\n  zone dmz\n  uses api sync {{ protocol http auth jwt carries Card }}\n}}\ncomponent api {{\n  zone core\n}}\n");
        assert_eq!(count("SEC001", &text), 1);
        assert_eq!(count("SEC002", &text), 0);
        // SEC002 reads its own option, not SEC001's level, to take such links too.
        let toml = "[rules]\nSEC001 = \"off\"\n[rules.SEC002]\nleave-sensitive-to-sec001 = 0\n";
        let diags = crate::check::registry::check_source_with(&text, toml);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert_eq!(codes.iter().filter(|c| **c == "SEC002").count(), 1, "{codes:?}");
        assert!(!codes.contains(&"SEC001") && !codes.contains(&"IO003"), "{codes:?}");
    }

    #[test]
    fn sec002_logical_zones_are_not_network_boundaries_but_profiles_count() {
        let logical = "zone net {\n  trust high\n}\nzone billing {\n  kind logical\n  parent net\n}\ncomponent a {\n  zone net\n  uses b sync { protocol http auth jwt }\n}\ncomponent b {\n  zone billing\n}\n";
        assert_eq!(count("SEC002", logical), 0);
        let profile = "profile strict {\n  encrypted-in-transit\n}\ncomponent a {\n  uses b sync { protocol http auth jwt }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC002", profile), 1);
    }

    #[test]
    fn sec003_hop_by_hop_through_a_gateway() {
        // Into the gateway: exempt (pass-through). Gateway to the service: its own hop, reported.
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n}}\ncomponent api {{\n  zone core\n}}\nflow f {{\n  user -> gw https auth none\n  gw -> api https auth none\n}}\n");
        assert_eq!(findings("SEC003", &text), vec!["SEC003@f@gw@api: step `gw -> api` of flow `f` enters zone `core` (trust high) from `dmz` (trust medium) without authentication"]);
    }

    #[test]
    fn sec003_multi_tenant_forwarder_is_not_exempt_and_gaps_are_skipped() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n  multi-tenant\n}}\nflow f {{\n  user -> gw https auth none\n}}\n");
        assert_eq!(count("SEC003", &text), 1);
        let gap = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent api {{\n  zone core\n}}\nflow f {{\n  user -> api https\n}}\n");
        assert_eq!(count("SEC003", &gap), 0, "missing auth is HYG008's gap");
    }

    #[test]
    fn sec003_sensitive_target_in_same_zone_and_min_auth() {
        let same = "data Card {\n  classification restricted\n}\ncomponent a {\n  uses b sync { protocol https auth none }\n}\ncomponent b {\n  owns Card\n}\n";
        assert_eq!(count("SEC003", same), 1);
        let weak = "profile strict {\n  min-auth jwt\n}\ncomponent a {\n  uses b sync { protocol https auth api-key }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC003", weak), 1);
        let strong = "profile strict {\n  min-auth jwt\n}\ncomponent a {\n  uses b sync { protocol https auth mtls }\n}\ncomponent b {\n  profile strict\n}\n";
        assert_eq!(count("SEC003", strong), 0);
    }

    #[test]
    fn sec004_technical_user_for_a_person() {
        let text = "data Profile {\n  classification confidential\n  pii\n}\nactor user\ncomponent web {\n  kind frontend\n}\ncomponent accounts\nflow f {\n  user -> web https auth oidc\n  web -> accounts https auth jwt authz technical-user carries Profile\n}\n";
        assert_eq!(count("SEC004", text), 1);
        let batch = "data Profile {\n  classification confidential\n  pii\n}\ncomponent nightly {\n  kind batch\n  uses accounts sync { protocol https auth mtls authz technical-user carries Profile }\n}\ncomponent accounts\n";
        assert_eq!(count("SEC004", batch), 0, "a batch job acts for nobody");
    }

    #[test]
    fn sec005_load_balancers_are_transparent_and_reported_once() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\nexternal partner {{\n  zone internet\n}}\ndata Order {{\n  classification confidential\n}}\ncomponent lb {{\n  kind load-balancer\n  zone dmz\n}}\ncomponent orders {{\n  zone core\n  owns Order\n}}\nflow f {{\n  user -> lb https auth jwt\n  lb -> orders https auth jwt\n}}\nflow g {{\n  partner -> orders https auth mtls\n}}\n");
        let f = findings("SEC005", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("SEC005@orders:"), "{f:?}");
    }

    #[test]
    fn sec005_spa_in_the_internet_zone_calls_the_api_directly() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ndata Order {{\n  classification confidential\n}}\ncomponent spa {{\n  kind frontend\n  zone internet\n}}\ncomponent orders {{\n  zone core\n  owns Order\n}}\nflow f {{\n  user -> spa https auth none\n  spa -> orders https auth jwt\n}}\n");
        let f = findings("SEC005", &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("reached from the internet by `spa`"), "{f:?}");
        let public = format!("{ZONES}actor user {{\n  zone internet\n}}\ndata Page {{\n  classification public\n}}\ncomponent site {{\n  zone dmz\n  owns Page\n}}\nflow f {{\n  user -> site https auth none carries Page\n}}\n");
        assert_eq!(count("SEC005", &public), 0, "public data needs no gateway");
    }

    #[test]
    fn sec006_service_tier_may_reach_its_data_tier_but_a_dmz_may_not() {
        let model = |from: &str, store_trust: &str| {
            format!("zone dmz {{\n  trust medium\n}}\nzone core {{\n  trust high\n}}\nzone data {{\n  trust {store_trust}\n}}\ndata Customer {{\n  classification confidential\n}}\ncomponent api {{\n  zone {from}\n  uses db {{ protocol postgres-tls auth basic carries Customer }}\n}}\ndatastore db {{\n  zone data\n  holds Customer\n}}\n")
        };
        assert_eq!(count("SEC006", &model("core", "high")), 0, "equal trust");
        assert_eq!(count("SEC006", &model("core", "full")), 0, "a high-trust service tier is the guard");
        assert_eq!(
            findings("SEC006", &model("dmz", "full")),
            vec![
                "SEC006@api@db: `api` in zone `dmz` (trust medium) accesses `db` in zone `data` (trust full) directly"
            ]
        );
    }

    #[test]
    fn sec007_nested_zone_ceiling_and_declarations() {
        let text = "zone outer {\n  max-classification internal\n  zone inner {\n    trust high\n  }\n}\ndata Card {\n  classification restricted\n}\ndatastore cards {\n  zone inner\n  holds Card\n}\ncomponent pay {\n  owns Card\n  uses cards { protocol postgres-tls auth basic carries Card }\n}\n";
        let f = findings("SEC007", text);
        // The store's holding is reported; the link's end at the store is covered by it.
        assert_eq!(
            f,
            vec!["SEC007@cards@Card: `cards` holds `Card` (restricted) above the internal ceiling of zone `outer`"]
        );
    }

    #[test]
    fn sec007_profile_ceiling_of_the_system() {
        let text = "profile low {\n  max-classification internal\n}\nsystem shop {\n  profile low\n}\ndata Card {\n  classification restricted\n}\ncomponent a {\n  uses b sync { protocol https auth mtls carries Card }\n}\ncomponent b {\n  system shop\n}\n";
        let f = findings("SEC007", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("profile `low` for `b`"), "{f:?}");
    }

    #[test]
    fn sec007_specific_statements_override_system_profiles_but_zones_still_limit() {
        let model = |store_extra: &str| {
            format!("profile base {{\n  max-classification confidential\n}}\nprofile pci {{\n  max-classification restricted\n}}\nsystem pay {{\n  profile base\n}}\nzone cde {{\n  max-classification restricted\n}}\ndata Card {{\n  classification restricted\n}}\ncomponent vault_svc {{\n  system pay\n  zone cde\n  profile base, pci\n  uses vault_db {{ protocol postgres-tls auth mtls carries Card }}\n}}\ndatastore vault_db {{\n  system pay\n  zone cde\n  holds Card\n{store_extra}}}\n")
        };
        // The store can name no profile: its system's profile applies until it says otherwise.
        assert_eq!(findings("SEC007", &model("")), vec!["SEC007@vault_db@Card: `vault_db` holds `Card` (restricted) above the confidential ceiling of profile `base`"]);
        assert_eq!(count("SEC007", &model("  max-classification restricted\n")), 0);
        let zone_limits = model("  max-classification restricted\n")
            .replace("zone cde {\n  max-classification restricted", "zone cde {\n  max-classification confidential");
        assert_eq!(count("SEC007", &zone_limits), 2, "the zone limits both the holding and the component's link");
    }

    #[test]
    fn sec008_tech_default_and_per_tenant_keys() {
        let tech = "import std.tech\ndata Card {\n  classification restricted\n}\ndatastore cards {\n  tech postgres\n  holds Card\n}\n";
        assert_eq!(count("SEC008", tech), 1);
        let unknown = "data Card {\n  classification restricted\n}\ndatastore cards {\n  holds Card\n}\n";
        assert_eq!(count("SEC008", unknown), 0, "unknown encryption is a gap");
        let tenants = "data Card {\n  classification restricted\n}\ncomponent saas {\n  multi-tenant\n  uses cards { protocol postgres-tls auth basic }\n}\ndatastore cards {\n  holds Card\n  encrypted-at-rest yes\n}\n";
        assert_eq!(count("SEC008", tenants), 1);
        assert_eq!(
            count("SEC008", &tenants.replace("encrypted-at-rest yes", "encrypted-at-rest yes\n  per-tenant-keys")),
            0
        );
    }

    #[test]
    fn sec009_hole_is_hyg008s() {
        let text = "data Invoice {\n  classification ?\n}\ncomponent billing {\n  owns Invoice\n  standalone\n}\n";
        assert_eq!(count("SEC009", text), 0);
        assert_eq!(count("SEC009", "event Paid\n"), 1);
    }

    #[test]
    fn sec010_credentials_in_an_ordinary_store_when_a_vault_exists() {
        let text = "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent secrets {\n  kind vault\n  standalone\n}\ncomponent billing {\n  uses db { protocol postgres-tls auth basic carries ApiKey }\n}\ndatastore db {\n  holds ApiKey\n}\n";
        assert_eq!(
            findings("SEC010", text),
            vec!["SEC010@db: datastore `db` keeps `ApiKey` (restricted, credentials) outside the secret store"]
        );
    }

    #[test]
    fn sec011_identity_provider_isolation() {
        let text = "zone core {\n  trust high\n}\ncomponent keycloak {\n  kind identity-provider\n  zone core\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n";
        assert_eq!(count("SEC011", text), 1);
        let isolated = "zone core {\n  trust high\n}\nzone idz {\n  trust full\n}\ncomponent keycloak {\n  kind identity-provider\n  zone idz\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n";
        assert_eq!(count("SEC011", isolated), 0);
    }

    #[test]
    fn sec012_skips_components_with_unknown_data() {
        let text = "data Card {\n  classification restricted\n}\ncomponent checkout {\n  owns Card\n  uses mailer sync { protocol https auth mtls carries Card }\n}\ncomponent mailer {\n  uses smtp_relay sync { protocol smtps auth basic }\n}\ncomponent smtp_relay\n";
        assert_eq!(count("SEC012", text), 0);
    }

    #[test]
    fn sec013_dev_nodes_and_frontend_with_datastore() {
        let dev = "zone a {\n  trust low\n}\nzone b {\n  trust high\n}\ncomponent x {\n  zone a\n  standalone\n}\ncomponent y {\n  zone b\n  standalone\n}\ndeployment dev {\n  environment development\n  node box {\n    runs x, y\n  }\n}\n";
        assert_eq!(count("SEC013", dev), 0);
        let mixed = "component web {\n  kind frontend\n  standalone\n}\ndatastore db\ndeployment prod {\n  node box {\n    runs web, db\n  }\n}\n";
        assert_eq!(
            findings("SEC013", mixed),
            vec!["SEC013@prod.box: node `prod.box` runs frontend `web` next to datastore `db`"]
        );
    }

    #[test]
    fn sec014_through_a_client_and_mfa_on_the_client_call() {
        let base = "data Ledger {\n  classification restricted\n}\nactor clerk\ncomponent ui {\n  kind frontend\n}\ncomponent books {\n  owns Ledger\n}\nflow post {\n  clerk -> ui https\n  ui -> books https auth AUTH carries Ledger\n}\n";
        assert_eq!(count("SEC014", &base.replace("AUTH", "oidc")), 1);
        assert_eq!(count("SEC014", &base.replace("AUTH", "mfa")), 0);
    }

    #[test]
    fn sec014_anonymous_people_and_machine_keys_are_not_logins() {
        let text = "data Card {\n  classification restricted\n}\nactor cardholder\ncomponent gw {\n  kind gateway\n}\ncomponent vault {\n  owns Card\n}\nflow tokenize {\n  cardholder -> gw https auth api-key carries Card\n  gw -> vault https auth mtls carries Card\n}\n";
        assert_eq!(count("SEC014", text), 0);
        assert_eq!(count("SEC014", &text.replace("auth api-key", "auth session")), 1);
    }

    #[test]
    fn sec015_only_our_interfaces_deserialize() {
        let text = "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal acquirer {\n  zone partners\n  exposes Iso8583\n}\ninterface Iso8583 batch {\n  format binary\n  exposure partner\n}\ncomponent auth_svc {\n  zone core\n  uses acquirer sync { via Iso8583 protocol tls auth mtls }\n}\n";
        assert_eq!(count("SEC015", text), 0);
    }

    #[test]
    fn sec015_public_exposure() {
        let text = "interface Legacy rest {\n  format binary\n  exposure public\n}\ncomponent old {\n  exposes Legacy\n  standalone\n}\n";
        assert_eq!(count("SEC015", text), 1);
    }

    #[test]
    fn sec016_actor_borrows_counterpart_controls_and_acceptance() {
        let text = format!("{ZONES}control login {{\n  mitigates spoofing, repudiation\n}}\nactor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n  controls login\n}}\nflow f {{\n  user -> gw https auth oidc\n}}\naccept SEC016@gw \"Edge hardening tracked in SEC-12\" until 2099-01-01\n");
        let f = findings("SEC016", &text);
        assert!(f.is_empty(), "{f:?}");
        let all = check_source(&text);
        assert!(all.iter().any(|d| d.code.id == "SEC016" && d.suppression.is_some()));
    }

    #[test]
    fn sec016_lists_uncovered_threats_per_element() {
        let text = format!("import std.security\n{ZONES}system shop {{\n  profile baseline\n}}\ncomponent web {{\n  zone dmz\n  system shop\n  uses db {{ protocol postgres-tls auth basic }}\n}}\ndatastore db {{\n  zone data\n  system shop\n}}\n");
        let f = findings("SEC016", &text);
        assert_eq!(
            f,
            vec![
                "SEC016@web: component `web` crosses a trust boundary with no control for denial-of-service",
                "SEC016@db: datastore `db` crosses a trust boundary with no control for denial-of-service",
            ]
        );
    }
}
