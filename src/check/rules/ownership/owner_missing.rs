//! OWN001 owner-missing: A component, interface, store or system with no owner after inheritance.

use std::collections::{BTreeMap, BTreeSet};

use super::code;
use crate::analysis::facts::container_of;
use crate::check::shared::{name_list, team_of};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity, TextEdit};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static OWNER_MISSING: Rule = Rule {
    code: code("OWN001", "owner-missing", Severity::Error, "A component, interface, store or system with no owner after inheritance."),
    category: Category::Ownership,
    explanation: "Every component, interface, datastore, queue, topic, cache and system needs an accountable team: someone is paged when it breaks, reviews changes to it and decides when it is retired. An element inherits its owner: a component, store or broker from its `system`, an interface from the component that provides it. The finding is reported once, where adding an `owner` fixes it: on the system when its members have nothing of their own, on the provider for its interfaces. Interfaces of external systems belong to their vendor and need no owner.",
    bad: "team checkout\ncomponent orders {\n  standalone\n}\ncomponent payments {\n  owner checkout\n  standalone\n}\n",
    good: "team checkout\ncomponent orders {\n  owner checkout\n  standalone\n}\ncomponent payments {\n  owner checkout\n  standalone\n}\n",
    options: &[],
    run: owner_missing,
};

const OWNED_KINDS: &[DeclKind] = &[
    DeclKind::System,
    DeclKind::Component,
    DeclKind::Datastore,
    DeclKind::Queue,
    DeclKind::Topic,
    DeclKind::Cache,
    DeclKind::Interface,
];

/// Where adding an `owner` gives `id` one: the element itself, its system, or its provider's root.
/// `None` when no owner is needed (an external's interface) or the gap is already reported
/// elsewhere (an `owner` that does not resolve).
fn owner_gap_root(cx: &Ctx<'_>, id: ElementId, depth: usize) -> Option<ElementId> {
    let e = cx.model.get(id)?;
    if e.attr("owner").is_some() || e.from_std || depth > 8 {
        return None;
    }
    match e.kind {
        DeclKind::Interface => match cx.facts.provider.get(&id) {
            Some(p) if cx.kind(*p) == Some(DeclKind::Component) => owner_gap_root(cx, *p, depth + 1),
            Some(_) => None,
            None => Some(id),
        },
        DeclKind::System => Some(id),
        // A component without an owner takes its container's, then its system's.
        _ => match (container_of(cx.model, id), cx.facts.system_of(id)) {
            (Some(c), _) => owner_gap_root(cx, c, depth + 1),
            (None, Some(s)) => owner_gap_root(cx, s, depth + 1),
            // A `system` that does not resolve is reported already.
            (None, None) if e.attr("system").is_some() => None,
            (None, None) => Some(id),
        },
    }
}

fn owner_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut heirs: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for id in cx.facts.user_elements_where(|k| OWNED_KINDS.contains(&k)) {
        if cx.facts.owner_of(id).is_some() {
            continue;
        }
        if let Some(root) = owner_gap_root(cx, id, 0) {
            let list = heirs.entry(root).or_default();
            if root != id {
                list.push(id);
            }
        }
    }
    for (root, heirs) in heirs {
        let Some(e) = cx.model.get(root) else { continue };
        let mut d = cx.finding(
            &OWNER_MISSING,
            format!("{} `{}` has no owner", e.kind.noun(), e.name),
            e.name_span,
            "no `owner`",
            &[root],
        );
        if !heirs.is_empty() {
            d = d.with_note(format!(
                "{} inherit{} the owner from it and {} none either",
                name_list(cx, &heirs, 5),
                if heirs.len() == 1 { "s" } else { "" },
                if heirs.len() == 1 { "has" } else { "have" }
            ));
        }
        d = d.with_help(match (e.kind, suggested_owner(cx, root)) {
            (DeclKind::System, _) => {
                "add `owner <team>` to the system; its components, stores and brokers inherit it".to_string()
            }
            (_, Some(team)) => format!("add `owner {}`, the team of the components that use it", cx.name(team)),
            (DeclKind::Component, _) => "add `owner <team>`, or put it in a `system` that has one".to_string(),
            (DeclKind::Interface, _) => "add `owner <team>`, or name its `provider`".to_string(),
            _ => "add `owner <team>`".to_string(),
        });
        // The fix states the suggested team, else leaves the owner as a `?` hole to fill. It
        // goes before the first attribute, so elements without a block get none.
        if let Some(first) = e.attrs().iter().map(|a| a.span_in(e.file)).min_by_key(|s| s.start) {
            let (title, owner) = match suggested_owner(cx, root).filter(|_| e.kind != DeclKind::System) {
                Some(team) => (format!("Add `owner {}`", cx.name(team)), cx.name(team)),
                None => ("Add `owner ?` to fill in later".to_string(), "?".to_string()),
            };
            d = d.with_fix(title, vec![TextEdit::insert(first, format!("owner {owner}\n  "))]);
        }
        acc.push(d);
    }
}

/// The one team whose components link to a store or broker, if there is exactly one.
fn suggested_owner(cx: &Ctx<'_>, id: ElementId) -> Option<ElementId> {
    if !matches!(cx.kind(id), Some(DeclKind::Datastore | DeclKind::Queue | DeclKind::Topic | DeclKind::Cache)) {
        return None;
    }
    let teams: BTreeSet<ElementId> = cx
        .facts
        .inbound(id)
        .chain(cx.facts.out(id))
        .flat_map(|l| [l.from, l.to])
        .filter(|x| *x != id && cx.kind(*x) == Some(DeclKind::Component))
        .filter_map(|c| team_of(cx, c))
        .collect();
    if teams.len() == 1 {
        teams.into_iter().next()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;
    use crate::check::registry::check_source;

    #[test]
    fn owner_is_inherited_from_the_system_and_the_provider() {
        let text = "team t\nsystem shop { owner t }\ncomponent a { system shop exposes Api standalone }\ninterface Api rest\ndatastore db { system shop }\n";
        assert!(findings("OWN001", text).is_empty());
    }

    #[test]
    fn owner_missing_is_reported_once_at_the_system() {
        let text = "system shop\ncomponent a { system shop exposes Api standalone }\ncomponent b { system shop standalone }\ninterface Api rest\n";
        let f = findings("OWN001", text);
        assert_eq!(f, vec!["system `shop` has no owner [shop]"]);
        let d = check_source(text).into_iter().find(|d| d.code.id == "OWN001").unwrap();
        assert_eq!(d.notes, vec!["`a`, `b` and `Api` inherit the owner from it and have none either"]);
    }

    #[test]
    fn owner_missing_suggests_the_only_team_using_a_store() {
        let text = "team t\ncomponent a { owner t uses db { access write } }\ndatastore db\n";
        let d = check_source(text).into_iter().find(|d| d.code.id == "OWN001").unwrap();
        assert_eq!(d.subjects, vec!["db"]);
        assert!(d.help.unwrap().contains("owner t"));
    }
}
