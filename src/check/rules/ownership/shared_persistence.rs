//! OWN005 shared-persistence: A datastore written by components of more than one team.

use std::collections::BTreeMap;

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

fn shared_persistence(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Datastore -> team -> writers with the span of their first writing link.
    let mut writers: BTreeMap<ElementId, BTreeMap<ElementId, BTreeMap<ElementId, Span>>> = BTreeMap::new();
    let deps = &cx.facts.deps;
    for (_, l) in deps.links(cx.facts) {
        if !is_write(l) || !is_user(cx, l.from, DeclKind::Component) || !is_user(cx, l.to, DeclKind::Datastore) {
            continue;
        }
        let Some(team) = team_of(cx, l.from) else { continue };
        writers.entry(l.to).or_default().entry(team).or_default().entry(l.from).or_insert(l.span);
    }
    for (ds, teams) in writers {
        if teams.len() < 2 {
            continue;
        }
        let team_ids: Vec<ElementId> = teams.keys().copied().collect();
        let mut d = cx.finding(
            &SHARED_PERSISTENCE,
            format!(
                "datastore `{}` is written by {}: {}",
                cx.name(ds),
                count(teams.len(), "team"),
                name_list(cx, &team_ids, 4)
            ),
            cx.span_of(ds),
            "shared persistence",
            &[ds],
        );
        let mut spans: Vec<(Span, String)> = Vec::new();
        for (team, comps) in &teams {
            for (c, span) in comps {
                spans.push((*span, format!("`{}` of team `{}` writes here", cx.name(*c), cx.name(*team))));
            }
        }
        spans.sort_by_key(|(s, _)| (s.file.0, s.start));
        for (s, m) in spans {
            d = d.with_secondary(s, m);
        }
        if let Some(o) = team_of(cx, ds) {
            d = d.with_note(format!("the datastore is owned by `{}`", cx.name(o)));
        }
        acc.push(d.with_help(
            "keep one service as its only writer; the other teams call that service's interface or react to its events",
        ));
    }
}
