//! Ownership (OWN): every element has an accountable team, every piece of sensitive data has one
//! system of record, and persistence is not shared or reached into across team lines.
//!
//! OWN002 owner-unknown has no rule here: an `owner` that names no declared team or person is
//! already reported by the resolver, as HYG001 dangling-reference (unknown name) or RES001
//! wrong-kind-reference (a name of another kind), and rules treat such an owner as absent.

mod component_without_system;
mod data_multiple_owners;
mod data_owner_missing;
mod foreign_datastore_access;
mod owner_missing;
mod owner_not_a_team;
mod shared_persistence;
mod tightly_coupled_teams;

pub use component_without_system::COMPONENT_WITHOUT_SYSTEM;
pub use data_multiple_owners::DATA_MULTIPLE_OWNERS;
pub use data_owner_missing::DATA_OWNER_MISSING;
pub use foreign_datastore_access::FOREIGN_DATASTORE_ACCESS;
pub use owner_missing::OWNER_MISSING;
pub use owner_not_a_team::OWNER_NOT_A_TEAM;
pub use shared_persistence::SHARED_PERSISTENCE;
pub use tightly_coupled_teams::{TIGHTLY_COUPLED_TEAMS, TIGHTLY_COUPLED_TEAMS_MIN_LINKS};

use crate::check::{Ctx, LinkOrigin, Rule};
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

// The rule files of this family name their codes with `super::code`.
use super::code;

/// The ownership rules, in code order.
pub static RULES: &[&Rule] = &[
    &OWNER_MISSING,
    &OWNER_NOT_A_TEAM,
    &DATA_OWNER_MISSING,
    &SHARED_PERSISTENCE,
    &FOREIGN_DATASTORE_ACCESS,
    &DATA_MULTIPLE_OWNERS,
    &COMPONENT_WITHOUT_SYSTEM,
    &TIGHTLY_COUPLED_TEAMS,
];

fn is_user(cx: &Ctx<'_>, id: ElementId, kind: DeclKind) -> bool {
    cx.model.get(id).is_some_and(|e| e.kind == kind && !e.from_std)
}

/// The span of the value `target` in attribute `attr` of element `id`.
fn value_span(cx: &Ctx<'_>, id: ElementId, attr: &str, target: ElementId) -> Option<Span> {
    cx.model
        .get(id)?
        .attrs_named(attr)
        .flat_map(|a| a.values())
        .find(|v| v.val == Val::Ref(target))
        .map(|v| v.span_in(cx.model.file_of(id)))
}

/// The link writes to its target.
pub(crate) fn is_write(l: &crate::check::Link) -> bool {
    match l.origin {
        LinkOrigin::Uses => !matches!(l.access(), Some("read")),
        LinkOrigin::Step { .. } => matches!(l.access(), Some("write" | "read-write")),
        LinkOrigin::Event => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;

    /// The findings of one rule, as "message [subjects]"; the model must parse and resolve.
    pub(super) fn findings(code: &str, text: &str) -> Vec<String> {
        let diags = check_source(text);
        let front: Vec<&String> = diags
            .iter()
            .filter(|d| d.code.id.starts_with("SYN") || d.code.id.starts_with("RES") || d.code.id == "HYG001")
            .map(|d| &d.message)
            .collect();
        assert!(front.is_empty() || code == "OWN001", "{front:?}");
        diags
            .into_iter()
            .filter(|d| d.code.id == code)
            .map(|d| format!("{} [{}]", d.message, d.subjects.join(",")))
            .collect()
    }

    #[test]
    fn owner_missing_skips_interfaces_of_externals_and_dangling_owners() {
        let text = "external stripe { kind payment exposes StripeApi }\ninterface StripeApi rest\n";
        assert!(findings("OWN001", text).is_empty());
        let dangling = "component a { owner nobody standalone }\n";
        assert!(findings("OWN001", dangling).is_empty());
        assert!(check_source(dangling).iter().any(|d| d.code.id == "HYG001"));
    }

    #[test]
    fn a_person_owner_counts_as_their_team() {
        let text = "team t\nperson ann { team t }\ncomponent a { owner ann uses db { access write } }\ndatastore db { owner t }\n";
        assert!(findings("OWN006", text).is_empty());
        assert_eq!(findings("OWN003", text), vec!["component `a` is owned by a person, `ann` [a,ann]"]);
    }

    #[test]
    fn shared_persistence_counts_teams_not_components_and_ignores_reads() {
        let same_team = "team t\ncomponent a { owner t uses db { access write } }\ncomponent b { owner t uses db }\ndatastore db { owner t }\n";
        assert!(findings("OWN005", same_team).is_empty());
        let reader = "team t\nteam u\ncomponent a { owner t uses db { access write } }\ncomponent b { owner u uses db { access read } }\ndatastore db { owner t }\n";
        assert!(findings("OWN005", reader).is_empty());
        assert_eq!(findings("OWN006", reader), vec!["`b` of team `u` reads datastore `db` of team `t` [b,db]"]);
        // A uses without access writes; a step writes only when it says so.
        let steps = "team t\nteam u\ncomponent a { owner t uses db }\ncomponent b { owner u }\ndatastore db\nflow f {\n  b -> db postgres-tls access write\n}\n";
        assert_eq!(findings("OWN005", steps), vec!["datastore `db` is written by 2 teams: `t` and `u` [db]"]);
        let read_step = "team t\nteam u\ncomponent a { owner t uses db }\ncomponent b { owner u }\ndatastore db\nflow f {\n  b -> db postgres-tls\n}\n";
        assert!(findings("OWN005", read_step).is_empty());
    }
}
