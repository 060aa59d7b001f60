//! OWN003 owner-not-a-team: An element owned by a person rather than a team.

use super::{code, value_span};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static OWNER_NOT_A_TEAM: Rule = Rule {
    code: code("OWN003", "owner-not-a-team", Severity::Warning, "An element owned by a person rather than a team."),
    category: Category::Ownership,
    explanation: "Ownership by one person does not survive holidays, team changes or departures: the element becomes an orphan the day that person moves on. Make a team the owner and record the person as its `lead` or a member. Decisions, risks and metrics may name a person; systems, components, stores, brokers, interfaces and data may not.",
    bad: "team checkout\nperson ann {\n  team checkout\n}\ncomponent orders {\n  owner ann\n  standalone\n}\n",
    good: "team checkout\nperson ann {\n  team checkout\n}\ncomponent orders {\n  owner checkout\n  standalone\n}\n",
    options: &[],
    run: owner_not_a_team,
};

fn owner_not_a_team(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    const KINDS: &[DeclKind] = &[
        DeclKind::System,
        DeclKind::Component,
        DeclKind::Datastore,
        DeclKind::Queue,
        DeclKind::Topic,
        DeclKind::Cache,
        DeclKind::Interface,
        DeclKind::Data,
        DeclKind::Event,
    ];
    for (i, kind) in cx.facts.kinds.iter().enumerate() {
        let id = ElementId(i as u32);
        // A stated `owner` is the inherited one too: only an element whose owner the facts say
        // is a person is read from the model.
        if !KINDS.contains(kind) || cx.facts.owner_of(id).is_none_or(|o| cx.kind(o) != Some(DeclKind::Person)) {
            continue;
        }
        let Some(e) = cx.model.get(id).filter(|e| !e.from_std) else { continue };
        let Some(person) = e.reference("owner") else { continue };
        let Some(p) = cx.model.get(person).filter(|p| p.kind == DeclKind::Person) else { continue };
        let span = value_span(cx, id, "owner", person).unwrap_or(e.name_span);
        let help = match p.reference("team") {
            Some(t) => format!("use `owner {}`, the team `{}` belongs to", cx.name(t), p.name),
            None => format!("create a team for it and make `{}` its `lead`", p.name),
        };
        acc.push(
            cx.finding(
                &OWNER_NOT_A_TEAM,
                format!("{} `{}` is owned by a person, `{}`", e.kind.noun(), e.name, p.name),
                span,
                "a person, not a team",
                &[id, person],
            )
            .with_help(help),
        );
    }
}
