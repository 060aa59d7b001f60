//! Security architecture: zones and trust, encryption in transit and at rest, authentication, data
//! classification, profiles, controls and external integration security.

use std::collections::BTreeMap;

use super::ctx::{plural, Ctx, NOT_STATED};
use super::doc::{self, Rich};
use super::flows::{step_auth, step_protocol};
use super::overview::anchored;
use super::Out;
use crate::lang::Classification;
use crate::semantic::model::{ElementId, Val};
use crate::syntax::schema::{self, DeclKind as K};

pub fn security_architecture(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Security Architecture");
    out.h(3, "Security Layers");
    network(ctx, out);
    transit_section(ctx, out);
    application(ctx, out);
    data(ctx, out);
    out.h(3, "Security Integration Points");
    profiles(ctx, out);
    externals(ctx, out);
    out.holes(ctx, |h| {
        matches!(h.kind, K::Zone | K::Profile | K::Control)
            || matches!(
                h.top.as_str(),
                "auth"
                    | "authz"
                    | "encrypted"
                    | "protocol"
                    | "classification"
                    | "encrypted-at-rest"
                    | "max-classification"
            )
    });
}

fn network(ctx: &Ctx<'_>, out: &mut Out) {
    let zones = ctx.of(K::Zone);
    if zones.is_empty() {
        out.fact("Network Security", doc::plain("the model declares no zones"));
        out.diagrams(ctx, |n| n == "trust");
        return;
    }
    let mut members: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, e) in ctx.model.iter().filter(|(_, e)| !e.from_std && e.kind != K::Zone) {
        if let Some(z) = e.reference("zone") {
            members.entry(z).or_default().push(id);
        }
    }
    let internet = zones.iter().filter(|(_, z)| z.has_flag("internet")).count();
    out.fact(
        "Network Security",
        doc::plain(format!(
            "{}, {} of them reachable from the internet:",
            plural(zones.len(), "trust zone", "trust zones"),
            internet
        )),
    );
    let rows = zones
        .iter()
        .map(|(id, z)| {
            let parent = z
                .reference("parent")
                .or(z.parent.filter(|p| ctx.el(*p).kind == K::Zone))
                .map(|p| ctx.link_r(p))
                .unwrap_or_default();
            vec![
                anchored(ctx, *id),
                ctx.attr_or(z, "trust"),
                ctx.attr(z, "kind").unwrap_or_default(),
                parent,
                doc::plain(if z.has_flag("internet") { "yes" } else { "no" }),
                ctx.attr(z, "max-classification").unwrap_or_default(),
                members.get(id).map(|m| ctx.links(m)).unwrap_or_else(|| doc::plain("none")),
            ]
        })
        .collect();
    out.table(&["Zone", "Trust", "Kind", "Parent", "Internet", "Most sensitive data allowed", "Elements"], rows);
    out.diagrams(ctx, |n| n == "trust");
}

fn transit_section(ctx: &Ctx<'_>, out: &mut Out) {
    let flows = ctx.of(K::Flow);
    let total: usize = flows.iter().map(|(_, f)| f.steps.len()).sum();
    if total == 0 {
        out.fact("Encryption in Transit", doc::plain("the model declares no flow steps"));
        return;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut exceptions = Vec::new();
    for (fid, f) in &flows {
        for (i, s) in f.steps.iter().enumerate() {
            let t = ctx.link_transit(ctx.step_link(*fid, i), step_protocol(s));
            let class = if t == NOT_STATED {
                "not stated"
            } else if t.starts_with("yes") {
                "encrypted"
            } else if t.starts_with("local") {
                "local"
            } else {
                "not encrypted"
            };
            *counts.entry(class).or_default() += 1;
            if class == "not encrypted" || class == "not stated" {
                exceptions.push(vec![
                    ctx.link_r(*fid),
                    doc::plain((i + 1).to_string()),
                    ctx.val(&s.from, f.file),
                    ctx.val(&s.to, f.file),
                    doc::plain(t),
                    step_auth(ctx, s, f.file),
                ]);
            }
        }
    }
    let parts: Vec<String> = ["encrypted", "local", "not encrypted", "not stated"]
        .iter()
        .filter_map(|k| counts.get(k).map(|n| format!("{n} {k}")))
        .collect();
    out.fact(
        "Encryption in Transit",
        doc::plain(format!("of {}: {}", plural(total, "flow step", "flow steps"), parts.join(", "))),
    );
    if !exceptions.is_empty() {
        out.p("Steps not encrypted in transit or not saying:");
        out.table(&["Flow", "Step", "From", "To", "Encrypted in transit", "Authentication"], exceptions);
    }
}

fn application(ctx: &Ctx<'_>, out: &mut Out) {
    let ifaces = ctx.of(K::Interface);
    if ifaces.is_empty() {
        out.fact("Application Security", doc::plain("the model declares no interfaces"));
    } else {
        let rows = ifaces
            .iter()
            .map(|(id, i)| {
                let overrides: Vec<String> = i
                    .endpoints
                    .iter()
                    .filter_map(|e| {
                        let auth: Vec<String> = e
                            .options
                            .iter()
                            .filter(|o| o.name() == "auth" || o.name() == "authz")
                            .map(|o| {
                                let v: Vec<String> = o.values().map(|v| ctx.model.dump_val(&v.val)).collect();
                                format!("{} {}", o.name(), v.join(", "))
                            })
                            .collect();
                        (!auth.is_empty()).then(|| format!("{} {}: {}", e.method, e.target, auth.join(", ")))
                    })
                    .collect();
                vec![
                    ctx.link_r(*id),
                    ctx.attr_or(i, "exposure"),
                    ctx.attr_or(i, "auth"),
                    ctx.attr_or(i, "authz"),
                    doc::plain(overrides.join("; ")),
                ]
            })
            .collect();
        out.fact("Application Security", doc::plain("authentication and authorization per interface:"));
        out.table(&["Interface", "Exposure", "Authentication", "Authorization", "Endpoint overrides"], rows);
    }
    let steps: Vec<(usize, usize)> = ctx
        .of(K::Flow)
        .iter()
        .map(|(_, f)| {
            let stated = f.steps.iter().filter(|s| doc::flatten(&step_auth(ctx, s, f.file)) != NOT_STATED).count();
            (stated, f.steps.len())
        })
        .collect();
    let (stated, total) = steps.iter().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    if total > 0 {
        out.fact(
            "Step Authentication",
            doc::plain(format!(
                "stated for {stated} of {}, directly or through the interface used",
                plural(total, "flow step", "flow steps")
            )),
        );
    }
    let mfa: Vec<ElementId> = ctx.of(K::Actor).iter().filter(|(_, a)| a.has_flag("mfa")).map(|(id, _)| *id).collect();
    if !mfa.is_empty() {
        out.fact("Multi-factor Authentication", ctx.links(&mfa));
    }
}

fn data(ctx: &Ctx<'_>, out: &mut Out) {
    let data: Vec<(ElementId, &crate::semantic::model::Element)> =
        ctx.of(K::Data).into_iter().chain(ctx.of(K::Event)).collect();
    // Where each data element is stored or carried.
    let mut stored: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    // Components that keep data on their own disks say so with `holds`.
    for kind in [K::Datastore, K::Cache, K::Queue, K::Topic, K::Component] {
        for (sid, s) in ctx.of(kind) {
            for d in s.references("holds").chain(s.references("carries")) {
                stored.entry(d).or_default().push(sid);
            }
        }
    }
    if data.is_empty() {
        out.fact("Data Security", doc::plain("the model declares no data entities or events"));
    } else {
        // In classification order, unclassified data last.
        let mut by_class: BTreeMap<(bool, Option<Classification>), usize> = BTreeMap::new();
        for (_, d) in &data {
            let class = d.word("classification").and_then(Classification::parse);
            *by_class.entry((class.is_none(), class)).or_default() += 1;
        }
        let parts: Vec<String> = by_class
            .iter()
            .map(|((_, c), n)| format!("{n} {}", c.map_or("unclassified", Classification::word)))
            .collect();
        out.fact("Data Security", doc::plain(format!("data classification inventory: {}", parts.join(", "))));
        let rows = data
            .iter()
            .map(|(id, d)| {
                let pii = d.has_flag("pii") || d.fields.iter().any(|f| f.modifiers.iter().any(|m| m == "pii"));
                let cred = d.has_flag("credentials")
                    || d.fields.iter().any(|f| f.modifiers.iter().any(|m| m == "credentials"));
                vec![
                    ctx.link_r(*id),
                    doc::plain(d.kind.keyword()),
                    cia_cell(ctx, d),
                    doc::plain(if pii { "yes" } else { "no" }),
                    doc::plain(if cred { "yes" } else { "no" }),
                    ctx.data_owners.get(id).map(|o| ctx.links(o)).unwrap_or_else(|| match ctx.attr(d, "owner") {
                        Some(team) => {
                            let mut r = doc::plain("no component; owner ");
                            r.extend(team);
                            r
                        }
                        None => doc::plain(NOT_STATED),
                    }),
                    stored.get(id).map(|s| ctx.links(s)).unwrap_or_else(|| doc::plain("none declared")),
                ]
            })
            .collect();
        out.table(
            &["Data", "Kind", "Classification", "PII", "Credentials", "System of record", "Stored or carried in"],
            rows,
        );
    }
    let holders = ctx.of(K::Component).into_iter().filter(|(_, c)| c.attr("holds").is_some());
    let stores: Vec<(ElementId, &crate::semantic::model::Element)> =
        [K::Datastore, K::Cache, K::Queue, K::Topic].iter().flat_map(|k| ctx.of(*k)).chain(holders).collect();
    if stores.is_empty() {
        out.fact("Encryption at Rest", doc::plain("the model declares no datastores, caches, queues or topics"));
    } else {
        let rows = stores
            .iter()
            .map(|(id, s)| {
                let held: Vec<ElementId> = s.references("holds").chain(s.references("carries")).collect();
                vec![
                    ctx.link_r(*id),
                    doc::plain(s.kind.keyword()),
                    ctx.attr_or(s, "tech"),
                    ctx.links(&held),
                    ctx.at_rest(s),
                    doc::plain(if s.has_flag("per-tenant-keys") { "yes" } else { "no" }),
                ]
            })
            .collect();
        let what = if stores.iter().any(|(_, s)| s.kind == K::Component) {
            "per store and component that holds data, explicit or the technology's default:"
        } else {
            "per store, explicit or the technology's default:"
        };
        out.fact("Encryption at Rest", doc::plain(what));
        out.table(&["Store", "Kind", "Technology", "Holds", "Encrypted at rest", "Per-tenant keys"], rows);
    }
}

/// The classification, then the integrity and availability ratings where the model states them:
/// the CIA triple a security review reads.
fn cia_cell(ctx: &Ctx<'_>, d: &crate::semantic::model::Element) -> Rich {
    let mut r = ctx.attr_or(d, "classification");
    for name in ["integrity", "availability"] {
        if let Some(v) = ctx.attr(d, name) {
            r.push(doc::text(format!("; {name} ")));
            r.extend(v);
        }
    }
    r
}

fn profiles(ctx: &Ctx<'_>, out: &mut Out) {
    // Profiles applied: by systems (to all their components) and by components.
    let mut applied: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for kind in [K::System, K::Component] {
        for (id, e) in ctx.of(kind) {
            for p in e.references("profile") {
                applied.entry(p).or_default().push(id);
            }
        }
    }
    let mut profile_ids: Vec<ElementId> = ctx.of(K::Profile).iter().map(|(id, _)| *id).collect();
    for p in applied.keys() {
        if !profile_ids.contains(p) {
            profile_ids.push(*p);
        }
    }
    if profile_ids.is_empty() {
        out.fact("Security Profiles", doc::plain("the model declares and applies no security profiles"));
    } else {
        let rows = profile_ids
            .iter()
            .map(|id| {
                let p = ctx.el(*id);
                vec![
                    anchored(ctx, *id),
                    ctx.attr(p, "controls").unwrap_or_default(),
                    ctx.attr(p, "min-auth").unwrap_or_default(),
                    doc::plain(if p.has_flag("encrypted-in-transit") { "required" } else { "" }),
                    doc::plain(if p.has_flag("encrypted-at-rest") { "required" } else { "" }),
                    ctx.attr(p, "max-classification").unwrap_or_default(),
                    applied.get(id).map(|a| ctx.links(a)).unwrap_or_else(|| doc::plain("nothing")),
                ]
            })
            .collect();
        out.fact("Security Profiles", doc::plain(format!("{}:", plural(profile_ids.len(), "profile", "profiles"))));
        out.table(
            &[
                "Profile",
                "Controls",
                "Minimum authentication",
                "Encryption in transit",
                "Encryption at rest",
                "Most sensitive data",
                "Applied to",
            ],
            rows,
        );
    }
    // Controls: declared ones, and those required by the profiles in use.
    let mut implemented: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, c) in ctx.of(K::Component) {
        for k in c.references("controls") {
            implemented.entry(k).or_default().push(id);
        }
    }
    let mut required: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for p in &profile_ids {
        for k in ctx.el(*p).references("controls") {
            required.entry(k).or_default().push(*p);
        }
    }
    let mut control_ids: Vec<ElementId> = ctx.of(K::Control).iter().map(|(id, _)| *id).collect();
    for k in implemented.keys().chain(required.keys()) {
        if !control_ids.contains(k) {
            control_ids.push(*k);
        }
    }
    if control_ids.is_empty() {
        out.fact("Security Controls", doc::plain("the model declares no security controls"));
        return;
    }
    let rows = control_ids
        .iter()
        .map(|id| {
            let k = ctx.el(*id);
            vec![
                anchored(ctx, *id),
                ctx.attr(k, "mitigates").unwrap_or_default(),
                ctx.attr(k, "asvs").unwrap_or_default(),
                required.get(id).map(|a| ctx.links(a)).unwrap_or_default(),
                implemented.get(id).map(|a| ctx.links(a)).unwrap_or_default(),
            ]
        })
        .collect();
    out.fact("Security Controls", doc::plain(format!("{}:", plural(control_ids.len(), "control", "controls"))));
    out.table(&["Control", "Mitigates", "ASVS", "Required by", "Implemented by"], rows);
    // STRIDE coverage.
    let rows: Vec<Vec<Rich>> = schema::STRIDE
        .iter()
        .map(|threat| {
            let by: Vec<ElementId> = control_ids
                .iter()
                .copied()
                .filter(|k| {
                    ctx.el(*k)
                        .attrs_named("mitigates")
                        .flat_map(|a| a.values())
                        .any(|v| matches!(&v.val, Val::Word(w) if w == threat))
                })
                .collect();
            vec![doc::plain(*threat), if by.is_empty() { doc::plain("no control") } else { ctx.links(&by) }]
        })
        .collect();
    out.fact("Threat Coverage", doc::plain("STRIDE threats and the controls that mitigate them:"));
    out.table(&["Threat", "Controls"], rows);
}

fn externals(ctx: &Ctx<'_>, out: &mut Out) {
    let mut rows: Vec<Vec<Rich>> = Vec::new();
    let is_ext = |id: ElementId| ctx.el(ctx.reach(id)).kind == K::External;
    for u in &ctx.uses {
        if is_ext(u.target) {
            let protocol = match u.block_value("protocol").map(|v| &v.val) {
                Some(Val::Word(w)) => Some(w.as_str()),
                _ => None,
            };
            rows.push(vec![
                ctx.link_r(u.from),
                ctx.link_r(u.target),
                doc::plain("uses"),
                doc::plain(ctx.link_transit(ctx.use_link(u), protocol)),
                u.block_value("auth").map(|v| ctx.val(v, u.file)).unwrap_or_else(|| doc::plain(NOT_STATED)),
            ]);
        }
    }
    for (fid, f) in ctx.of(K::Flow) {
        for (i, s) in f.steps.iter().enumerate() {
            let touches = [&s.from, &s.to].iter().any(|v| matches!(v.val, Val::Ref(id) if is_ext(id)));
            if touches {
                let mut r = ctx.link_r(fid);
                r.push(doc::text(format!(" step {}", i + 1)));
                rows.push(vec![
                    ctx.val(&s.from, f.file),
                    ctx.val(&s.to, f.file),
                    r,
                    doc::plain(ctx.link_transit(ctx.step_link(fid, i), step_protocol(s))),
                    step_auth(ctx, s, f.file),
                ]);
            }
        }
    }
    if rows.is_empty() {
        out.fact(
            "External Integration Security",
            doc::plain("the model declares no dependencies or flow steps that reach external systems"),
        );
    } else {
        out.fact("External Integration Security", doc::plain("every declared hop to or from an external system:"));
        out.table(&["From", "To", "Declared in", "Encrypted in transit", "Authentication"], rows);
    }
}
