//! The Introduction: the document's purpose, the system's scope, who the model names as concerned,
//! and a glossary of the model's own terms (its data entities and events) and of the words the
//! report uses. Only what the model states is said about the system; what it lacks is "not stated".

use super::ctx::{plural, Ctx, NOT_STATED};
use super::doc::{self, Rich};
use super::Out;
use crate::syntax::schema::DeclKind as K;

/// The words this report uses with a fixed meaning, defined by the language, not by the model.
const REPORT_TERMS: &[(&str, &str)] = &[
    ("zone", "a trust boundary: a network or logical area whose members share a trust level"),
    ("trust level", "how far a zone is trusted, from `none` (the internet) to `full`"),
    ("flow", "a numbered sequence of interactions that serves one purpose, such as a user journey"),
    ("finding", "a rule's verdict on the model (error, warning or note), listed under Findings"),
    ("hole", "a value written as `?`: known to be needed, still to be filled"),
    ("gap", "an attribute a rule needed and the model does not state (\"not stated\")"),
];

pub fn introduction(ctx: &Ctx<'_>, out: &mut Out) {
    out.h(2, "Introduction");
    let systems = ctx.of(K::System);

    out.h(3, "Purpose");
    out.p("This document describes the architecture as its model states it: every statement below comes from \
         the model's files, and what the model does not say is marked as not stated rather than assumed.");
    for (id, s) in &systems {
        let mut r: Rich = vec![doc::strong("Purpose of "), ctx.link(*id), doc::text(": ")];
        r.extend(ctx.attr(s, "summary").unwrap_or_else(|| doc::ticks(&format!("{NOT_STATED} (no `summary`)"))));
        out.rich(r);
    }

    out.h(3, "Scope");
    if systems.is_empty() {
        out.p("The model declares no system, so no boundary is stated.");
    }
    for (id, s) in &systems {
        let inside = ctx.each(s, "scope");
        let outside = ctx.each(s, "out-of-scope");
        let mut r: Rich = vec![doc::strong("In scope of "), ctx.link(*id), doc::text(": ")];
        if inside.is_empty() {
            r.extend(doc::ticks(&format!("{NOT_STATED} (no `scope`)")));
        } else {
            r.extend(doc::join(inside, "; "));
        }
        out.rich(r);
        if !outside.is_empty() {
            let mut r: Rich = vec![doc::strong("Out of scope"), doc::text(": ")];
            r.extend(doc::join(outside, "; "));
            out.rich(r);
        }
    }
    let counts: Vec<String> = [
        (K::Component, "component", "components"),
        (K::Datastore, "datastore", "datastores"),
        (K::Queue, "queue", "queues"),
        (K::Topic, "topic", "topics"),
        (K::Cache, "cache", "caches"),
        (K::Flow, "flow", "flows"),
        (K::Deployment, "deployment", "deployments"),
    ]
    .iter()
    .filter(|(k, _, _)| ctx.count(*k) > 0)
    .map(|(k, one, many)| plural(ctx.count(*k), one, many))
    .collect();
    if !counts.is_empty() {
        out.p(format!("The model covers {}.", counts.join(", ")));
    }
    let externals = ctx.of(K::External);
    if !externals.is_empty() {
        let ids: Vec<_> = externals.iter().map(|(id, _)| *id).collect();
        let mut r = doc::plain("Outside the boundary, depended on but not described here: ");
        r.extend(ctx.links(&ids));
        out.rich(r);
    }

    out.h(3, "Audience");
    let teams: Vec<_> = ctx.of(K::Team).into_iter().map(|(id, _)| id).collect();
    let actors: Vec<_> = ctx.of(K::Actor).into_iter().map(|(id, _)| id).collect();
    out.p("The model does not name this document's readers. It names these as concerned:");
    let mut items = Vec::new();
    items.push(doc::fact_item(
        "Teams owning elements",
        if teams.is_empty() { doc::plain(format!("{NOT_STATED} (no team declared)")) } else { ctx.links(&teams) },
    ));
    items.push(doc::fact_item(
        "Actors using the system",
        if actors.is_empty() { doc::plain(format!("{NOT_STATED} (no actor declared)")) } else { ctx.links(&actors) },
    ));
    out.push(doc::bullets(items));

    out.h(3, "Glossary");
    let mut rows: Vec<Vec<Rich>> = Vec::new();
    for (kind, what) in [(K::Data, "data entity"), (K::Event, "event")] {
        for (id, e) in ctx.of(kind) {
            let meaning = ctx.attr(e, "summary").unwrap_or_else(|| doc::plain(NOT_STATED));
            rows.push(vec![ctx.link_r(id), doc::plain(what), meaning]);
        }
    }
    if rows.is_empty() {
        out.p("The model declares no data entities or events to define.");
    } else {
        out.p("The model's own terms:");
        out.table(&["Term", "Kind", "Meaning (the model's summary)"], rows);
    }
    out.p("The words this report uses:");
    out.table(
        &["Word", "Meaning in this report"],
        REPORT_TERMS.iter().map(|(w, m)| vec![doc::plain(*w), doc::ticks(m)]).collect(),
    );
}
