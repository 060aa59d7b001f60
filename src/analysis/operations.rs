//! Which operations of an interface a link calls, and so which data it exchanges. A `uses` or a
//! flow step may name them with `calls`; a caller then handles only the request and response
//! models of those endpoints, not of every operation of the interface (one new operation used by
//! a batch job must not make every other caller handle its data). A `uses` that names none takes
//! the operations its caller's steps through the same interface name, and a step that names none
//! takes those of its `uses`; a link that nothing narrows exchanges everything the interface does.

use std::collections::BTreeSet;

use super::facts::{Link, LinkOrigin};
use crate::lang::AuthScheme;
use crate::semantic::model::{Attribute, ElementId, Model, Val};

/// The endpoints (indices into the interface's `endpoints`) that the `calls` options name;
/// names that match no endpoint are the resolver's finding and are skipped here.
pub fn called(model: &Model, iface: ElementId, opts: &[Attribute]) -> Vec<usize> {
    let Some(i) = model.get(iface) else { return Vec::new() };
    let mut out: Vec<usize> = opts
        .iter()
        .filter(|a| a.name() == "calls")
        .flat_map(|a| a.values())
        .filter_map(|v| match &v.val {
            Val::Text(text) => i.endpoints.iter().position(|ep| ep.is_named(text)),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The authentication of the called endpoints, when the link states none: the weakest of each
/// endpoint's own `auth` or else the interface's. `None` when no endpoint is called or none says.
pub fn called_auth(model: &Model, iface: ElementId, calls: &[usize]) -> Option<AuthScheme> {
    let i = model.get(iface)?;
    let iface_auth = i.word("auth");
    calls
        .iter()
        .filter_map(|&n| i.endpoints.get(n))
        .filter_map(|ep| {
            let own = ep.options.iter().find(|o| o.name() == "auth").and_then(|o| match o.first().map(|v| &v.val) {
                Some(Val::Word(w)) => Some(w.as_str()),
                _ => None,
            });
            own.or(iface_auth)
        })
        .filter_map(AuthScheme::parse)
        .min_by_key(|a| a.strength())
}

/// Shares `calls` between a caller's `uses` and its steps through the same interface: a `uses`
/// that names none takes the union of its steps', then a step that names none takes its `uses`'s.
pub fn share(links: &mut [Link]) {
    let key = |l: &Link| l.via.map(|v| (l.from, v));
    let mut from_steps: std::collections::BTreeMap<(ElementId, ElementId), BTreeSet<usize>> = Default::default();
    for l in links.iter() {
        if matches!(l.origin, LinkOrigin::Step { .. }) && !l.calls.is_empty() {
            if let Some(k) = key(l) {
                from_steps.entry(k).or_default().extend(l.calls.iter().copied());
            }
        }
    }
    for l in links.iter_mut() {
        if l.origin == LinkOrigin::Uses && l.calls.is_empty() {
            if let Some(set) = key(l).and_then(|k| from_steps.get(&k)) {
                l.calls = set.iter().copied().collect();
            }
        }
    }
    let mut from_uses: std::collections::BTreeMap<(ElementId, ElementId), Vec<usize>> = Default::default();
    for l in links.iter() {
        if l.origin == LinkOrigin::Uses && !l.calls.is_empty() {
            if let Some(k) = key(l) {
                from_uses.entry(k).or_default().extend(l.calls.iter().copied());
            }
        }
    }
    for l in links.iter_mut() {
        if matches!(l.origin, LinkOrigin::Step { .. }) && l.calls.is_empty() {
            if let Some(calls) = key(l).and_then(|k| from_uses.get(&k)) {
                let mut calls = calls.clone();
                calls.sort_unstable();
                calls.dedup();
                l.calls = calls.into();
            }
        }
    }
}

/// Adds to `out` the data a link exchanges through an interface: what the interface `carries`,
/// and the request and response models of the called endpoints (of every endpoint when none is
/// named). The facts add it to each link's `carries` in place.
pub fn add_exposed_data(model: &Model, iface: ElementId, calls: &[usize], out: &mut Vec<ElementId>) {
    let Some(i) = model.get(iface) else { return };
    out.extend(i.references("carries"));
    for (n, ep) in i.endpoints.iter().enumerate() {
        if !calls.is_empty() && !calls.contains(&n) {
            continue;
        }
        for v in ep.request.iter().chain(ep.response.iter()) {
            if let Val::Ref(id) = v.val {
                out.push(id);
            }
        }
    }
}
