//! SEC010 missing-secret-store: Credentials are used without a secret store, or kept in an ordinary store.

use std::collections::BTreeMap;

use super::{
    code, data_list, handled, is_component, is_credentials, is_identity_provider, is_store_kind, is_vault, q, tech_of,
};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

fn tech_kind<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m str> {
    tech_of(cx, id).and_then(|t| t.word("kind"))
}

pub static MISSING_SECRET_STORE: Rule = Rule {
    code: code("SEC010", "missing-secret-store", Severity::Warning, "Credentials are used without a secret store, or kept in an ordinary store."),
    category: Category::Security,
    explanation: "Components use credentials (data marked `credentials`, or with a `credentials` field) but the model has no secret store: no component of kind `vault` and no element whose technology is a vault. Or a vault exists, yet a datastore, cache, queue or topic other than it keeps credentials. Secrets in configuration files, ordinary databases or messages leak through backups, logs and broad read access, and cannot be rotated or audited (Threagile missing-vault; ASVS 1.6.2). Identity stores used only by identity providers and vaults are exempt. Fix it by adding a vault and keeping secrets only there.",
    bad: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  owns ApiKey\n  standalone\n}\n",
    good: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  uses secrets sync { protocol https auth mtls carries ApiKey timeout 1s circuit-breaker }\n}\ncomponent secrets {\n  kind vault\n  owns ApiKey\n}\n",
    options: &[],
    run: missing_secret_store,
};

fn missing_secret_store(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let have_vault = cx.model.iter().any(|(id, e)| !e.from_std && e.kind != DeclKind::Technology && is_vault(cx, id));
    let h = &cx.facts.handled;
    if !have_vault {
        // Credentials used by a component, each reported once at its declaration.
        let mut user_of: BTreeMap<ElementId, ElementId> = BTreeMap::new();
        for (id, _) in cx.model.of_kind(DeclKind::Component) {
            for d in handled(h, id) {
                if is_credentials(cx, *d) {
                    user_of.entry(*d).or_insert(id);
                }
            }
        }
        for (d, user) in user_of {
            acc.push(
                cx.finding(
                    &MISSING_SECRET_STORE,
                    format!(
                        "{} holds credentials used by {}, but the model has no secret store",
                        q(cx, d),
                        q(cx, user)
                    ),
                    cx.span_of(d),
                    "credentials",
                    &[d],
                )
                .with_secondary(cx.span_of(user), "uses them")
                .with_help("add a component of kind `vault` (or a vault technology) and keep the credentials there"),
            );
        }
        return;
    }
    for (id, e) in cx.model.iter() {
        if e.from_std || !is_store_kind(Some(e.kind)) || is_vault(cx, id) || tech_kind(cx, id) == Some("identity") {
            continue;
        }
        let creds: Vec<ElementId> = handled(h, id).iter().copied().filter(|d| is_credentials(cx, *d)).collect();
        if creds.is_empty() {
            continue;
        }
        let users: Vec<ElementId> = cx
            .facts
            .inbound(id)
            .map(|l| l.from)
            .chain(cx.facts.out(id).map(|l| l.to))
            .filter(|u| is_component(cx, *u))
            .collect();
        if !users.is_empty() && users.iter().all(|u| is_identity_provider(cx, *u) || is_vault(cx, *u)) {
            continue;
        }
        acc.push(
            cx.finding(
                &MISSING_SECRET_STORE,
                format!("{} {} keeps {} outside the secret store", e.kind.noun(), q(cx, id), data_list(cx, &creds)),
                e.name_span,
                "not a vault",
                &[id],
            )
            .with_help("keep credentials in the vault and pass references to them instead"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn sec010_credentials_in_an_ordinary_store_when_a_vault_exists() {
        let text = "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent secrets {\n  kind vault\n  standalone\n}\ncomponent billing {\n  uses db { protocol postgres-tls auth basic carries ApiKey }\n}\ndatastore db {\n  holds ApiKey\n}\n";
        assert_eq!(
            findings("SEC010", text),
            vec!["SEC010@db: datastore `db` keeps `ApiKey` (restricted, credentials) outside the secret store"]
        );
    }
}
