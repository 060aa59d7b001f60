//! Security rules (SEC): encryption in transit and at rest, authentication and authorization on
//! trust-boundary crossings, internet exposure, classification ceilings, secrets and identity,
//! shared runtimes, deserialization and STRIDE coverage.
//!
//! Every link is judged hop by hop: a flow through a gateway is two links, each with its own
//! protocol, authentication and zones. A rule that needs an attribute the model does not give
//! (protocol, authentication, classification, trust) skips that link or element: HYG008 and SEC009
//! report the gap once.

mod classification_ceiling;
mod datastore_accessed_across_boundary;
mod internet_exposed_without_gateway;
mod missing_authorization;
mod missing_identity_provider;
mod missing_mfa_for_human_access;
mod missing_network_segmentation;
mod missing_secret_store;
mod missing_vault_isolation;
mod missing_waf;
mod mixed_trust_shared_runtime;
mod push_deployment;
mod stride_coverage_gap;
mod technology_threat;
mod unauthenticated_boundary_crossing;
mod unclassified_data;
mod unencrypted_boundary_crossing;
mod unencrypted_component_storage;
mod unencrypted_sensitive_flow;
mod unencrypted_sensitive_storage;
mod unnecessary_sensitive_transfer;
mod untrusted_deserialization;

pub use classification_ceiling::CLASSIFICATION_CEILING;
pub use datastore_accessed_across_boundary::{
    DATASTORE_ACCESSED_ACROSS_BOUNDARY, DATASTORE_ACCESSED_ACROSS_BOUNDARY_EQUAL_TRUST,
    DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CLASSIFICATION, DATASTORE_ACCESSED_ACROSS_BOUNDARY_MIN_CRITICALITY,
    DATASTORE_ACCESSED_ACROSS_BOUNDARY_TRUSTED_FROM,
};
pub use internet_exposed_without_gateway::{
    INTERNET_EXPOSED_WITHOUT_GATEWAY, INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CLASSIFICATION,
    INTERNET_EXPOSED_WITHOUT_GATEWAY_MIN_CRITICALITY,
};
pub use missing_authorization::MISSING_AUTHORIZATION;
pub use missing_identity_provider::MISSING_IDENTITY_PROVIDER;
pub use missing_mfa_for_human_access::{
    MISSING_MFA_FOR_HUMAN_ACCESS, MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CLASSIFICATION,
    MISSING_MFA_FOR_HUMAN_ACCESS_MIN_CRITICALITY,
};
pub use missing_network_segmentation::{
    MISSING_NETWORK_SEGMENTATION, MISSING_NETWORK_SEGMENTATION_MIN_CLASSIFICATION,
    MISSING_NETWORK_SEGMENTATION_MIN_CRITICALITY,
};
pub use missing_secret_store::MISSING_SECRET_STORE;
pub use missing_vault_isolation::MISSING_VAULT_ISOLATION;
pub use missing_waf::MISSING_WAF;
pub use mixed_trust_shared_runtime::MIXED_TRUST_SHARED_RUNTIME;
pub use push_deployment::PUSH_DEPLOYMENT;
pub use stride_coverage_gap::STRIDE_COVERAGE_GAP;
pub use technology_threat::{Threat, TECHNOLOGY_THREAT};
pub use unauthenticated_boundary_crossing::{
    UNAUTHENTICATED_BOUNDARY_CROSSING, UNAUTHENTICATED_BOUNDARY_CROSSING_MIN_CLASSIFICATION,
};
pub use unclassified_data::UNCLASSIFIED_DATA;
pub use unencrypted_boundary_crossing::{
    UNENCRYPTED_BOUNDARY_CROSSING, UNENCRYPTED_BOUNDARY_CROSSING_LEAVE_SENSITIVE_TO_SEC001,
};
pub use unencrypted_component_storage::{
    UNENCRYPTED_COMPONENT_STORAGE, UNENCRYPTED_COMPONENT_STORAGE_MIN_CLASSIFICATION,
    UNENCRYPTED_COMPONENT_STORAGE_MIN_INTEGRITY,
};
pub use unencrypted_sensitive_flow::{UNENCRYPTED_SENSITIVE_FLOW, UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION};
pub use unencrypted_sensitive_storage::{
    UNENCRYPTED_SENSITIVE_STORAGE, UNENCRYPTED_SENSITIVE_STORAGE_MIN_CLASSIFICATION,
};
pub use unnecessary_sensitive_transfer::{
    UNNECESSARY_SENSITIVE_TRANSFER, UNNECESSARY_SENSITIVE_TRANSFER_MIN_CLASSIFICATION,
};
pub use untrusted_deserialization::UNTRUSTED_DESERIALIZATION;

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::facts;
use crate::analysis::ranges::Ranges;
use crate::check::shared::Memo;
use crate::check::{Ctx, Link, LinkOrigin, Rule, Transit, WireSource};
use crate::diagnostics::Diagnostic;
use crate::lang::{AuthScheme, Classification, Criticality, Protocol, Trust};
use crate::semantic::model::{Element, ElementId};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

// The rule files of this family name their codes with `super::code`.
use super::code;

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
    &MISSING_WAF,
    &PUSH_DEPLOYMENT,
    &MISSING_VAULT_ISOLATION,
    &MISSING_NETWORK_SEGMENTATION,
    &UNENCRYPTED_COMPONENT_STORAGE,
    &TECHNOLOGY_THREAT,
];

const MIN_CLASSIFICATION_DOC: &str =
    "Lowest classification rank that counts as sensitive: 1 internal, 2 confidential, 3 restricted (personal data and credentials always count).";

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

/// Gateways, WAFs, reverse proxies, load balancers and CDNs: pass traffic through to a backend.
fn is_forwarder(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).forwards()
}

/// A client a person uses: a web frontend, or an app on the person's device.
fn is_client(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).frontend || cx.facts.traits(id).user_device
}

/// An authentication mode by which a person logs in (see [`AuthScheme::is_human_login`]).
fn is_human_login(mode: &str) -> bool {
    AuthScheme::parse(mode).is_some_and(AuthScheme::is_human_login)
}

/// Actors are people unless they are API consumers or devices.
fn is_human(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).person
}

fn is_identity_provider(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).identity_provider
}

fn is_vault(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.roles(id).vault
}

fn is_pii(cx: &Ctx<'_>, d: ElementId) -> bool {
    cx.facts.traits(d).pii
}

fn is_credentials(cx: &Ctx<'_>, d: ElementId) -> bool {
    cx.facts.traits(d).credentials
}

/// Classified at `min` or above, personal data, or credentials.
fn sensitive(cx: &Ctx<'_>, d: ElementId, min: usize) -> bool {
    cx.facts.traits(d).is_sensitive(min)
}

fn integrity(cx: &Ctx<'_>, d: ElementId) -> Option<usize> {
    cx.facts.traits(d).integrity.map(Criticality::rank)
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
    if let Some(sys) = cx.facts.system_of(id).and_then(|s| el(cx, s)) {
        out.extend(sys.references("profile"));
    }
    out.sort();
    out.dedup();
    out
}

fn handled(h: &Ranges<ElementId>, id: ElementId) -> &[ElementId] {
    h.list(id.0 as usize)
}

/// Why an element is a high-value target: sensitive data or high integrity needs.
fn high_value(cx: &Ctx<'_>, h: &Ranges<ElementId>, id: ElementId, min_class: usize, min_crit: usize) -> Option<String> {
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

/// Why an unencrypted link is unencrypted (`plaintext `http``, `encrypted no`) and its protocol;
/// `None` unless the facts judge the link plaintext.
fn plain_why(cx: &Ctx<'_>, l: &Link) -> Option<(String, Option<String>)> {
    if l.transit != Transit::Plaintext {
        return None;
    }
    let protocol = l.wire.as_ref().map(|w| w.protocol.word().to_string());
    if l.encrypted == Some(false) {
        return Some(("`encrypted no`".into(), protocol));
    }
    let w = l.wire.as_ref()?;
    let p = &w.protocol;
    let why = match (w.source, l.protocol_from) {
        (WireSource::Declared, Some(facts::StatedBy::Default(place))) => {
            format!(
                "plaintext `{p}`, the `default-protocol` of {} {}",
                cx.kind(place).map_or("", |k| k.noun()),
                q(cx, place)
            )
        }
        (WireSource::Declared | WireSource::SamePair, _) => format!("plaintext `{p}`"),
        (WireSource::Store(end), _) => format!("plaintext `{p}`, as the other links to {} declare", q(cx, end)),
        (WireSource::Technology(t), _) => format!("plaintext `{p}`, the default of technology `{}`", cx.name(t)),
        // An in-process call is never plaintext on a network; kept for completeness.
        (WireSource::Container(c), _) => format!("`{p}` inside container `{}`", cx.name(c)),
    };
    Some((why, protocol))
}

fn encrypt_help(protocol: Option<&str>) -> String {
    match protocol.and_then(Protocol::parse).and_then(Protocol::tls_variant) {
        Some(t) => format!("say `protocol {t}` instead of `{}`, or `encrypted yes` if a tunnel or service mesh encrypts the link", protocol.unwrap_or_default()),
        None => "use a TLS protocol (https, grpcs, postgres-tls, ...), or say `encrypted yes` if a tunnel or service mesh encrypts the link".to_string(),
    }
}

fn attr_span(e: &Element, name: &str) -> Span {
    e.attr(name).map_or(e.name_span, |a| a.span_in(e.file))
}

/// The places of one link problem: the links between the same two elements that share it,
/// the cause first. A link written as a `uses` and as steps of several flows is one decision, so
/// it is one finding: at the `uses` when it is among them (the steps repeat what it states), else
/// at the first place, with the other places as related locations.
struct LinkGroup<'f, T> {
    places: Vec<(&'f Link, T)>,
}

impl<'f, T> LinkGroup<'f, T> {
    fn primary(&self) -> (&'f Link, &T) {
        let (l, t) = &self.places[0];
        (l, t)
    }

    /// The caller and the callee: a fingerprint that does not depend on which flow mentions it.
    fn subjects(&self) -> Vec<ElementId> {
        let l = self.primary().0;
        vec![l.from, l.to]
    }

    /// "step `a -> b` of flow `f`" for one place; "`a -> b`" for a link stated in several.
    fn name(&self, cx: &Ctx<'_>) -> String {
        let l = self.primary().0;
        if self.places.len() == 1 {
            return link_name(cx, l);
        }
        let arrow = if l.is_async { "~>" } else { "->" };
        format!("`{} {arrow} {}`", cx.name(l.from), cx.name(l.to))
    }

    fn links(&self) -> impl Iterator<Item = &'f Link> + '_ {
        self.places.iter().map(|(l, _)| *l)
    }

    /// Adds the other places as related locations, and the per-place fingerprints findings had
    /// before they were merged, so that acceptances written for those still match.
    fn finish(&self, cx: &Ctx<'_>, mut d: Diagnostic) -> Diagnostic {
        for (l, _) in self.places.iter().skip(1) {
            let label = match l.origin {
                LinkOrigin::Step { flow, index } => format!("also step {} of flow {}", index + 1, q(cx, flow)),
                LinkOrigin::Uses => "also the `uses` of this link".to_string(),
                LinkOrigin::Event => "also an event delivery on this link".to_string(),
            };
            d = d.with_secondary(l.span, label);
        }
        let code = d.code.id;
        let old = self.links().filter_map(|l| match l.origin {
            LinkOrigin::Step { flow, .. } => {
                Some(format!("{code}@{}@{}@{}", cx.name(flow), cx.name(l.from), cx.name(l.to)))
            }
            _ => None,
        });
        d.with_merged(old)
    }
}

/// Groups link problems by the pair of elements they join, in the order first met, with each
/// group's `uses` (the declaration that causes it) first.
fn group_by_link<'f, T>(problems: Vec<(&'f Link, T)>) -> Vec<LinkGroup<'f, T>> {
    let mut index: BTreeMap<(ElementId, ElementId), usize> = BTreeMap::new();
    let mut groups: Vec<LinkGroup<'f, T>> = Vec::new();
    for (l, t) in problems {
        let at = *index.entry((l.from, l.to)).or_insert_with(|| {
            groups.push(LinkGroup { places: Vec::new() });
            groups.len() - 1
        });
        groups[at].places.push((l, t));
    }
    for g in &mut groups {
        // Stable: the `uses` first, then a place that states its own protocol (the others
        // inherit it), then the places in model order.
        g.places.sort_by_key(|(l, _)| {
            let declared = l.wire.as_ref().is_some_and(|w| w.source == WireSource::Declared);
            (!matches!(l.origin, LinkOrigin::Uses), !declared)
        });
    }
    groups
}

/// Remembers subjects already reported, so that each problem is reported once.
#[derive(Default)]
struct Once(BTreeSet<Vec<ElementId>>);

impl Once {
    fn first(&mut self, subjects: &[ElementId]) -> bool {
        self.0.insert(subjects.to_vec())
    }
}

fn in_internet(cx: &Ctx<'_>, id: ElementId) -> bool {
    cx.facts.zone_of(id).is_some_and(|z| cx.zones.is_internet(z))
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;
    use crate::diagnostics::Diagnostic;

    /// Unsuppressed findings of one rule, as `fingerprint: message`.
    pub(super) fn findings(code: &str, text: &str) -> Vec<String> {
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

    pub(super) fn count(code: &str, text: &str) -> usize {
        findings(code, text).len()
    }

    pub(super) const ZONES: &str = "zone internet {\n  trust none\n  internet\n}\nzone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\nzone data {\n  trust high\n}\n";

    #[test]
    fn empty_model_yields_nothing() {
        for r in super::RULES {
            assert_eq!(count(r.code.id, ""), 0, "{}", r.code.id);
        }
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
    fn a_link_stated_as_uses_and_as_steps_is_one_finding_at_the_uses() {
        let text = format!("{ZONES}data Card {{\n  classification restricted\n}}\nactor user\ncomponent web {{\n  zone dmz\n  uses api sync {{ protocol http auth none carries Card }}\n}}\ncomponent api {{\n  zone core\n  owns Card\n}}\nflow browse {{\n  user -> web https auth jwt\n  web -> api http auth none carries Card\n}}\nflow pay {{\n  user -> web https auth jwt\n  web -> api http auth none carries Card\n}}\n");
        let diags = check_source(&text);
        for code in ["SEC001", "SEC003"] {
            let of: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.id == code).collect();
            assert_eq!(of.len(), 1, "{code}: {:?}", of.iter().map(|d| d.fingerprint()).collect::<Vec<_>>());
            let d = of[0];
            assert_eq!(d.fingerprint(), format!("{code}@web@api"));
            // At the `uses` (line 20); the two steps are related locations.
            let line = |s: crate::source::Span| text[..s.start as usize].lines().count();
            assert_eq!(line(d.span().unwrap()), 20, "{code} at the `uses`");
            let related: Vec<&str> = d.secondary.iter().map(|l| l.message.as_str()).collect();
            assert!(
                related.contains(&"also step 2 of flow `browse`") && related.contains(&"also step 2 of flow `pay`"),
                "{related:?}"
            );
        }
        // An acceptance written for one flow's step (the old fingerprint) still accepts the link.
        let old = format!("{text}accept SEC001@pay@web@api \"mesh planned\"\n");
        let diags = check_source(&old);
        let sec001: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.id == "SEC001").collect();
        assert!(sec001.len() == 1 && sec001[0].suppression.is_some(), "old-style accept must still match");
        assert!(!diags.iter().any(|d| d.code.id == "HYG014"));
    }

    #[test]
    fn without_a_uses_the_step_that_states_the_protocol_is_the_cause() {
        let text = "data Card {\n  classification restricted\n}\ncomponent web\ncomponent api {\n  owns Card\n}\nflow browse {\n  web -> api auth jwt carries Card\n}\nflow pay {\n  web -> api http auth jwt carries Card\n}\n";
        let diags = check_source(text);
        let d = diags.iter().find(|d| d.code.id == "SEC001").expect("SEC001");
        let line = |s: crate::source::Span| text[..s.start as usize].lines().count();
        assert_eq!(line(d.span().unwrap()), 12, "at the step of `pay`, which says `http`");
        assert_eq!(d.secondary.iter().filter(|l| l.message == "also step 1 of flow `browse`").count(), 1);
    }

    #[test]
    fn test_tooling_sends_synthetic_traffic() {
        let text = "data Order {\n  classification restricted\n}\ncomponent loadgen {\n  kind tooling\n  layer infrastructure\n  uses web sync { protocol http auth none carries Order }\n}\ncomponent web {\n  layer presentation\n  owns Order\n}\n";
        let diags = check_source(text);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        for code in ["SEC001", "CPL002", "REL002"] {
            assert!(!codes.contains(&code), "{code}: {codes:?}");
        }
        let product = text.replace("kind tooling", "kind job");
        let codes: Vec<String> = check_source(&product).iter().map(|d| d.code.id.to_string()).collect();
        for code in ["SEC001", "CPL002", "REL002"] {
            assert!(codes.iter().any(|c| c == code), "{code} for a product component: {codes:?}");
        }
    }

    #[test]
    fn endpoints_open_by_design_need_no_authentication() {
        // The gateway must reach the identity provider (CPL004); the link that fetches the
        // signing keys is unauthenticated by design and must not be a finding for it.
        let text = format!("{ZONES}data Keys {{\n  classification confidential\n}}\ncomponent idp {{\n  kind identity-provider\n  zone data\n  exposes Jwks\n  owns Keys\n}}\ninterface Jwks rest {{\n  anonymous\n  GET /.well-known/jwks.json -> Keys\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n  uses Jwks sync {{ protocol https timeout 1s circuit-breaker }}\n}}\n");
        let diags = check_source(&text);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.id).collect();
        assert!(!codes.contains(&"SEC003") && !codes.contains(&"HYG008"), "{codes:?}");
        // Without `anonymous`, the same link is unauthenticated into higher trust.
        let closed = text.replace("  anonymous\n", "  auth none\n");
        assert_eq!(count("SEC003", &closed), 1);
        // Every endpoint open makes the interface open.
        let per_endpoint = text.replace("  anonymous\n", "").replace("-> Keys\n", "-> Keys anonymous\n");
        assert_eq!(count("SEC003", &per_endpoint), 0);
        assert!(!check_source(&per_endpoint).iter().any(|d| d.code.id == "HYG008"));
    }

    #[test]
    fn a_guest_on_an_open_interface_neither_logs_in_nor_needs_mfa() {
        let text = "data Card {\n  classification restricted\n}\nactor shopper\ncomponent shop {\n  kind service\n  exposes Storefront\n  owns Card\n}\ninterface Storefront rest {\n  anonymous\n  POST /checkout (Card)\n}\nflow buy {\n  shopper -> Storefront https auth session carries Card\n}\n";
        assert_eq!(count("SEC011", text), 0);
        assert_eq!(count("SEC014", text), 0);
        let account = text.replace("  anonymous\n", "");
        assert_eq!(count("SEC011", &account), 1, "a session on a closed interface is a login");
        assert_eq!(count("SEC014", &account), 1);
    }

    #[test]
    fn sec003_multi_tenant_forwarder_is_not_exempt_and_gaps_are_skipped() {
        let text = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent gw {{\n  kind gateway\n  zone dmz\n  multi-tenant\n}}\nflow f {{\n  user -> gw https auth none\n}}\n");
        assert_eq!(count("SEC003", &text), 1);
        let gap = format!("{ZONES}actor user {{\n  zone internet\n}}\ncomponent api {{\n  zone core\n}}\nflow f {{\n  user -> api https\n}}\n");
        assert_eq!(count("SEC003", &gap), 0, "missing auth is HYG008's gap");
    }
}
