//! OWN006 foreign-datastore-access: A component reads or writes a datastore owned by another team.

use std::collections::BTreeMap;

use super::shared_persistence::{by_datastore, writers_by_team};
use super::{code, is_user, is_write};
use crate::check::shared::{exposed_by, team_of};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::DeclKind;

pub static FOREIGN_DATASTORE_ACCESS: Rule = Rule {
    code: code("OWN006", "foreign-datastore-access", Severity::Error, "A component reads or writes a datastore owned by another team."),
    category: Category::Ownership,
    explanation: "Reaching into another team's datastore bypasses the owning service's interface: its validation, authorization and invariants are skipped, and its schema becomes a public contract that can no longer change freely. Call the owner's interface, subscribe to its events, or keep a read model of your own fed by them. Owners are compared after inheritance (a component's or store's `system`), and a person counts as the team they belong to. A write into a datastore that several teams write is reported once, by shared-persistence (OWN005), which names every writer.",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses orders_db { access read }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  exposes OrdersApi\n  uses orders_db { access read-write }\n}\ninterface OrdersApi rest\ncomponent invoicing {\n  owner billing\n  uses OrdersApi sync { timeout 1s circuit-breaker }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    options: &[],
    run: foreign_datastore_access,
};

fn foreign_datastore_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // (component, datastore) -> first link span, reads, writes.
    let mut pairs: BTreeMap<(ElementId, ElementId), (Span, bool, bool)> = BTreeMap::new();
    let deps = &cx.facts.deps;
    for (_, l) in deps.links(cx.facts) {
        if !is_user(cx, l.from, DeclKind::Component) || !is_user(cx, l.to, DeclKind::Datastore) {
            continue;
        }
        let (Some(mine), Some(theirs)) = (team_of(cx, l.from), team_of(cx, l.to)) else { continue };
        if mine == theirs {
            continue;
        }
        let write = is_write(l);
        let read = !write || l.access() == Some("read-write");
        let e = pairs.entry((l.from, l.to)).or_insert((l.span, false, false));
        e.1 |= read;
        e.2 |= write;
    }
    // A write into a store that several teams write is OWN005's finding, which lists the writer:
    // the same cause once.
    let writers = writers_by_team(cx);
    let shared: Vec<ElementId> =
        by_datastore(&writers).filter(|(_, teams, _)| *teams > 1).map(|(ds, _, _)| ds).collect();
    drop(writers);
    pairs.retain(|(_, ds), (_, _, write)| !(*write && shared.contains(ds)));
    // Read only for a finding: most models have none, and the map holds every provider.
    let mut exposed = None;
    let mut owner_services: BTreeMap<ElementId, Option<ElementId>> = BTreeMap::new();
    for ((c, ds), (span, read, write)) in pairs {
        let (Some(mine), Some(theirs)) = (team_of(cx, c), team_of(cx, ds)) else { continue };
        let verb = match (read, write) {
            (true, true) => "reads and writes",
            (false, true) => "writes",
            _ => "reads",
        };
        // The owning team's service for this store (its first writer, else its first reader), to
        // suggest its interface; looked up once per store.
        let owner_service = *owner_services.entry(ds).or_insert_with(|| {
            let mut own = cx
                .facts
                .inbound(ds)
                .filter(|l| is_user(cx, l.from, DeclKind::Component) && team_of(cx, l.from) == Some(theirs));
            let first = own.next();
            match first {
                Some(f) if !is_write(f) => own.find(|l| is_write(l)).or(first),
                _ => first,
            }
            .map(|l| l.from)
        });
        let help = match owner_service {
            Some(s) => match exposed.get_or_insert_with(|| exposed_by(cx)).get(&s).and_then(|v| v.first()) {
                Some(i) => {
                    format!("call `{}` through `{}` instead, or subscribe to its events", cx.name(s), cx.name(*i))
                }
                None => {
                    format!("ask team `{}` for an interface on `{}` and call it instead", cx.name(theirs), cx.name(s))
                }
            },
            None => format!(
                "call a service of team `{}` instead, or move the datastore to team `{}`",
                cx.name(theirs),
                cx.name(mine)
            ),
        };
        acc.push(
            cx.finding(
                &FOREIGN_DATASTORE_ACCESS,
                format!(
                    "`{}` of team `{}` {verb} datastore `{}` of team `{}`",
                    cx.name(c),
                    cx.name(mine),
                    cx.name(ds),
                    cx.name(theirs)
                ),
                span,
                format!("{verb} another team's datastore"),
                &[c, ds],
            )
            .with_secondary(cx.span_of(ds), format!("owned by `{}`", cx.name(theirs)))
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn a_foreign_write_into_a_shared_store_is_shared_persistences_finding() {
        let text = "team t\nteam u\ncomponent a {\n  owner t\n  uses db { access write }\n}\ncomponent b {\n  owner u\n  uses db { access write }\n}\ncomponent c {\n  owner u\n  uses db { access read }\n}\ndatastore db { owner t }\n";
        // `b` writes: OWN005 names it; `c` only reads: its own OWN006.
        assert_eq!(findings("OWN006", text), vec!["`c` of team `u` reads datastore `db` of team `t` [c,db]"]);
        let diags = crate::check::registry::check_source(&format!("{text}accept OWN006@b@db \"old\"\n"));
        let own005: Vec<_> = diags.iter().filter(|d| d.code.id == "OWN005").collect();
        assert_eq!(own005.len(), 1);
        assert!(own005[0].suppression.is_some(), "an acceptance of the foreign write still matches");
    }

    #[test]
    fn foreign_access_is_reported_once_per_pair_with_the_owner_inherited() {
        let text = "team t\nteam u\nsystem s { owner t }\ncomponent b {\n  owner u\n  uses db { access read }\n  uses db { access write }\n}\ndatastore db { system s }\n";
        assert_eq!(
            findings("OWN006", text),
            vec!["`b` of team `u` reads and writes datastore `db` of team `t` [b,db]"]
        );
    }
}
