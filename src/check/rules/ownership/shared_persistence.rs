//! OWN005 shared-persistence: A datastore written by components of more than one team.

use super::{code, is_user, is_write};
use crate::check::shared::{count, name_list, team_of};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::DeclKind;

pub static SHARED_PERSISTENCE: Rule = Rule {
    code: code("OWN005", "shared-persistence", Severity::Error, "A datastore written by components of more than one team."),
    category: Category::Ownership,
    explanation: "A datastore that services of several teams write to couples those teams through its schema: no team can change a table, migrate or scale the store without coordinating with the others, and a bug in one service corrupts another's data. Each datastore should have one owning service (database per service); other teams read through its interface or react to its events. A `uses` of a datastore writes unless it says `access read`; a flow step writes when it says `access write` or `access read-write`.",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses orders_db { access write }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses invoices_db { access write }\n}\ndatastore orders_db {\n  owner checkout\n}\ndatastore invoices_db {\n  owner billing\n}\n",
    options: &[],
    run: shared_persistence,
};

/// A component writing a datastore: (datastore, the component's team, component, span of its
/// first writing link).
pub(super) type Writer = (ElementId, ElementId, ElementId, Span);

/// The components writing each datastore, sorted by datastore, team and component, each once
/// with its first writing link. One flat list: nested maps per datastore and team took about
/// 12 MB at 100,000 components.
pub(super) fn writers_by_team(cx: &Ctx<'_>) -> Vec<Writer> {
    let mut writers: Vec<Writer> = Vec::new();
    let deps = &cx.facts.deps;
    for (_, l) in deps.links(cx.facts) {
        if !is_write(l) || !is_user(cx, l.from, DeclKind::Component) || !is_user(cx, l.to, DeclKind::Datastore) {
            continue;
        }
        let Some(team) = team_of(cx, l.from) else { continue };
        writers.push((l.to, team, l.from, l.span));
    }
    // A stable sort keeps each component's links in dependency order, so the first is kept.
    writers.sort_by_key(|w| (w.0, w.1, w.2));
    writers.dedup_by_key(|w| (w.0, w.1, w.2));
    writers
}

/// The writers of each datastore (see [`writers_by_team`]), with how many teams they belong to.
pub(super) fn by_datastore(writers: &[Writer]) -> impl Iterator<Item = (ElementId, usize, &[Writer])> {
    writers.chunk_by(|a, b| a.0 == b.0).map(|rows| (rows[0].0, rows.chunk_by(|a, b| a.1 == b.1).count(), rows))
}

fn shared_persistence(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let writers = writers_by_team(cx);
    for (ds, teams, rows) in by_datastore(&writers) {
        if teams < 2 {
            continue;
        }
        let team_ids: Vec<ElementId> = rows.chunk_by(|a, b| a.1 == b.1).map(|r| r[0].1).collect();
        let mut d = cx.finding(
            &SHARED_PERSISTENCE,
            format!(
                "datastore `{}` is written by {}: {}",
                cx.name(ds),
                count(teams, "team"),
                name_list(cx, &team_ids, 4)
            ),
            cx.span_of(ds),
            "shared persistence",
            &[ds],
        );
        let mut spans: Vec<(Span, String)> = Vec::new();
        for &(_, team, c, span) in rows {
            spans.push((span, format!("`{}` of team `{}` writes here", cx.name(c), cx.name(team))));
        }
        spans.sort_by_key(|(s, _)| (s.file.0, s.start));
        for (s, m) in spans {
            d = d.with_secondary(s, m);
        }
        if let Some(o) = team_of(cx, ds) {
            d = d.with_note(format!("the datastore is owned by `{}`", cx.name(o)));
            // The other teams' writes are this finding's places, not OWN006 findings of their own.
            let foreign = rows.iter().filter(|w| w.1 != o).map(|w| w.2);
            let merged: Vec<String> = foreign.map(|c| format!("OWN006@{}@{}", cx.name(c), cx.name(ds))).collect();
            d = d.with_merged(merged);
        }
        acc.push(d.with_help(
            "keep one service as its only writer; the other teams call that service's interface or react to its events",
        ));
    }
}
