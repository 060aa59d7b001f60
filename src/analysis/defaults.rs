//! Link settings stated once for many links. A zone or a system may say how the traffic inside
//! it travels (`default-protocol`) and authenticates (`default-auth`): a service mesh with mutual
//! TLS is one line. A flow step inherits the protocol and authentication of the `uses` between
//! the same two elements. The facts layer applies both before judging transit, so every rule,
//! diagram and report reads the same effective values.

use rustc_hash::FxHashMap;

use super::facts::{ElementSlots, Link, LinkOrigin, Zones};
use crate::lang::vocab::Transport;
use crate::lang::{AuthScheme, Protocol};
use crate::semantic::model::{ElementId, Model};

/// Where a link's protocol or authentication comes from when the link does not state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatedBy {
    /// The `uses` declaration at this index of `Facts::links` (for flow steps).
    Uses(u32),
    /// The `default-protocol` or `default-auth` of this zone or system.
    Default(ElementId),
}

/// A default (`https`, `mtls`, ...) and the zone or system that states it.
pub type StatedDefault<T> = (T, ElementId);

/// The places whose defaults apply to a link, most specific first: the zones holding both ends,
/// innermost first, then the system both ends belong to.
fn scopes(
    model: &Model,
    zone_of: &ElementSlots,
    system_of: &ElementSlots,
    from: ElementId,
    to: ElementId,
) -> Vec<ElementId> {
    let zone = |id: ElementId| zone_of.get(id.0 as usize);
    let system = |id: ElementId| system_of.get(id.0 as usize);
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (zone(from), zone(to)) {
        let zones = Zones::new(model);
        let outer = zones.chain(b);
        out.extend(zones.chain(a).into_iter().filter(|z| outer.contains(z)));
    }
    if let (Some(a), Some(b)) = (system(from), system(to)) {
        if a == b {
            out.push(a);
        }
    }
    out
}

/// The default protocol and authentication for a link between `from` and `to`, with the zone or
/// system that states each. `default-protocol mtls` also means `default-auth mtls` unless the
/// same place says otherwise.
pub fn for_link(
    model: &Model,
    zone_of: &ElementSlots,
    system_of: &ElementSlots,
    from: ElementId,
    to: ElementId,
) -> (Option<StatedDefault<Protocol>>, Option<StatedDefault<AuthScheme>>) {
    let places = scopes(model, zone_of, system_of, from, to);
    let word = |place: ElementId, name: &str| model.get(place).and_then(|e| e.word(name));
    let protocol = places.iter().find_map(|&p| word(p, "default-protocol").and_then(Protocol::parse).map(|w| (w, p)));
    let auth = places.iter().find_map(|&p| {
        let mtls = || word(p, "default-protocol").filter(|w| *w == "mtls").map(|_| AuthScheme::Mtls);
        word(p, "default-auth").and_then(AuthScheme::parse).or_else(mtls).map(|w| (w, p))
    });
    (protocol, auth)
}

/// Fills what links leave unsaid: a step takes the protocol, encryption and authentication of
/// the `uses` between the same two elements (through the same interface when both name one),
/// then every link takes the defaults of the zones and system around both its ends (a local
/// link, in-process or a file, takes no default authentication).
pub fn apply(model: &Model, zone_of: &ElementSlots, system_of: &ElementSlots, links: &mut [Link]) {
    // The first `uses` between two elements, and the first through each interface; link
    // indices are u32, as at 100,000 components the maps hold 150,000 declarations.
    let mut declared: FxHashMap<(ElementId, ElementId), u32> = FxHashMap::default();
    let mut declared_via: FxHashMap<(ElementId, ElementId, ElementId), u32> = FxHashMap::default();
    for (i, l) in links.iter().enumerate().filter(|(_, l)| l.origin == LinkOrigin::Uses) {
        declared.entry((l.from, l.to)).or_insert(i as u32);
        if let Some(via) = l.via {
            declared_via.entry((l.from, l.to, via)).or_insert(i as u32);
        }
    }
    for i in 0..links.len() {
        if !matches!(links[i].origin, LinkOrigin::Step { .. }) {
            continue;
        }
        let (from, to) = (links[i].from, links[i].to);
        let through_same = links[i].via.and_then(|via| declared_via.get(&(from, to, via)));
        let Some(j) = through_same.or_else(|| declared.get(&(from, to))).map(|&j| j as usize) else { continue };
        let (protocol, encrypted, auth, authz) = (links[j].protocol, links[j].encrypted, links[j].auth, links[j].authz);
        let step = &mut links[i];
        if step.protocol.is_none() && protocol.is_some() && !step.unreadable.contains(&"protocol") {
            step.protocol = protocol;
            step.protocol_from = Some(StatedBy::Uses(j as u32));
            if step.encrypted.is_none() {
                step.encrypted = encrypted;
            }
        }
        if step.auth.is_none() && auth.is_some() && !step.unreadable.contains(&"auth") {
            step.auth = auth;
            step.auth_from = Some(StatedBy::Uses(j as u32));
        }
        if step.authz.is_none() && !step.unreadable.contains(&"authz") {
            step.authz = authz;
        }
    }
    // The defaults depend only on the zones and systems of both ends: looked up once per
    // combination, not once per link.
    type Scope = (Option<ElementId>, Option<ElementId>, Option<ElementId>, Option<ElementId>);
    type Found = (Option<StatedDefault<Protocol>>, Option<StatedDefault<AuthScheme>>);
    let mut defaults: FxHashMap<Scope, Found> = FxHashMap::default();
    let at = |list: &ElementSlots, id: ElementId| list.get(id.0 as usize);
    for l in links.iter_mut() {
        if l.protocol.is_some() && l.auth.is_some() {
            continue;
        }
        // Two parts of one container call each other in process: no zone's network default applies.
        if super::facts::same_container(model, l.from, l.to).is_some() {
            continue;
        }
        let scope = (at(zone_of, l.from), at(zone_of, l.to), at(system_of, l.from), at(system_of, l.to));
        let (protocol, auth) =
            *defaults.entry(scope).or_insert_with(|| for_link(model, zone_of, system_of, l.from, l.to));
        if let (None, Some((p, place))) = (&l.protocol, protocol) {
            if !l.unreadable.contains(&"protocol") {
                l.protocol = Some(p);
                l.protocol_from = Some(StatedBy::Default(place));
            }
        }
        // An in-process call or a local file has no one to authenticate to.
        let local = l.protocol.map(Protocol::transport) == Some(Transport::Local);
        if let (None, Some((a, place))) = (&l.auth, auth) {
            if !l.unreadable.contains(&"auth") && !local {
                l.auth = Some(a);
                l.auth_from = Some(StatedBy::Default(place));
            }
        }
    }
}
