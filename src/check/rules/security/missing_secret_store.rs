//! SEC010 missing-secret-store: Credentials are used without a secret store, or kept in an ordinary store.

use std::collections::BTreeMap;

use super::{
    code, data_list, handled, is_component, is_identity_provider, is_ours, is_store_kind, is_vault, q, tech_of, Memo,
};
use crate::analysis::facts;
use crate::check::{Category, Ctx, Link, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

fn tech_kind<'m>(cx: &Ctx<'m>, id: ElementId) -> Option<&'m str> {
    tech_of(cx, id).and_then(|t| t.word("kind"))
}

/// Authentication schemes whose caller keeps a shared secret: a password, an API key or a
/// signing key that someone must store and rotate. Service tokens and certificates are usually
/// issued by the platform (workload identity, a mesh), so they are left out.
const SHARED_SECRET_AUTH: &[&str] = &["basic", "api-key", "hmac"];

pub static MISSING_SECRET_STORE: Rule = Rule {
    code: code("SEC010", "missing-secret-store", Severity::Warning, "Credentials are used without a secret store, or kept in an ordinary store."),
    category: Category::Security,
    explanation: "Components use credentials (data marked `credentials`, or with a `credentials` field) but the model has no secret store: no component of kind `vault` and no element whose technology is a vault. Or a vault exists, yet a datastore, cache, queue or topic other than it keeps credentials. Secrets in configuration files, ordinary databases or messages leak through backups, logs and broad read access, and cannot be rotated or audited (Threagile missing-vault; ASVS 1.6.2). Identity stores used only by identity providers and vaults are exempt, and so are end users' credentials kept as one-way hashes (`hashed` on the data entity or on its `credentials` field): the rule is about the system's own keys and passwords. A model that declares no credentials as data, yet has its components authenticate to each other with shared secrets (`basic`, `api-key`, `hmac`) and no vault, gets one finding, at the first such link. Fix it by adding a vault and keeping secrets only there.",
    bad: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  owns ApiKey\n  standalone\n}\n",
    good: "data ApiKey {\n  classification restricted\n  credentials\n}\ncomponent billing {\n  uses secrets sync { protocol https auth mtls carries ApiKey timeout 1s circuit-breaker }\n}\ncomponent secrets {\n  kind vault\n  owns ApiKey\n}\n",
    options: &[],
    run: missing_secret_store,
};

fn missing_secret_store(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let have_vault = cx.facts.user_elements_where(|k| k != DeclKind::Technology).any(|id| is_vault(cx, id));
    let h = &cx.facts.handled;
    // The same data is handled by many elements: each data item's fields are read once.
    let mut secret = Memo::new(cx);
    let mut is_secret = |d: ElementId| secret.get(d, || facts::is_system_secret(cx.model, d));
    if !have_vault {
        // Credentials used by a component, each reported once at its declaration.
        let mut user_of: BTreeMap<ElementId, ElementId> = BTreeMap::new();
        for (id, _) in cx.of_kind(DeclKind::Component) {
            for d in handled(h, id) {
                if is_secret(*d) {
                    user_of.entry(*d).or_insert(id);
                }
            }
        }
        // No credentials declared as data, yet our components log in to each other with shared
        // secrets: those passwords and keys live somewhere. One finding for the whole model.
        if user_of.is_empty() {
            let with_secret: Vec<&Link> = cx
                .facts
                .links
                .iter()
                .filter(|l| {
                    l.auth.map(crate::lang::AuthScheme::word).is_some_and(|a| SHARED_SECRET_AUTH.contains(&a))
                        && is_ours(cx, l.from)
                        && is_component(cx, l.from)
                        && is_ours(cx, l.to)
                })
                .collect();
            if let Some(first) = with_secret.first() {
                let pairs: std::collections::BTreeSet<(ElementId, ElementId)> =
                    with_secret.iter().map(|l| (l.from, l.to)).collect();
                let others = pairs.len() - 1;
                let more = if others > 0 { format!(" (and {others} more links)") } else { String::new() };
                acc.push(
                    cx.finding(
                        &MISSING_SECRET_STORE,
                        format!(
                            "{} authenticates to {} with `{}`{more}, but the model has no secret store for those passwords and keys",
                            q(cx, first.from),
                            q(cx, first.to),
                            first.auth.map(crate::lang::AuthScheme::word).unwrap_or_default()
                        ),
                        first.span,
                        "a shared secret",
                        &[first.from, first.to],
                    )
                    .with_help("add a component of kind `vault` (or a vault technology) and keep the service credentials there"),
                );
            }
            return;
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
    for (id, e) in cx.user_elements_where(|k| is_store_kind(Some(k))) {
        if is_vault(cx, id) || tech_kind(cx, id) == Some("identity") {
            continue;
        }
        let creds: Vec<ElementId> = handled(h, id).iter().copied().filter(|d| is_secret(*d)).collect();
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

    #[test]
    fn sec010_end_user_password_hashes_are_no_system_secrets() {
        let users = "data Account {\n  classification confidential\n  field email: string pii\n  field password: string credentials hashed\n}\ncomponent accounts {\n  uses users_db { protocol postgres-tls auth mtls carries Account }\n}\ndatastore users_db {\n  holds Account\n}\n";
        assert!(findings("SEC010", users).is_empty(), "hashed end-user passwords need no vault");
        // Without `hashed` they are secrets like any other.
        assert_eq!(findings("SEC010", &users.replace(" credentials hashed", " credentials")).len(), 1);
        // On the whole entity too; the system's own key next to them still counts.
        let flag = "data Account {\n  classification confidential\n  credentials\n  hashed\n}\ndata ApiKey {\n  classification restricted\n  credentials\n}\ncomponent accounts {\n  owns Account\n  owns ApiKey\n  standalone\n}\n";
        let f = findings("SEC010", flag);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("SEC010@ApiKey"), "{f:?}");
    }

    #[test]
    fn sec010_service_passwords_without_a_vault_are_one_finding() {
        let text = "component web {\n  uses api sync { protocol https auth api-key timeout 1s }\n  uses db { protocol postgres-tls auth basic }\n}\ncomponent api {\n  uses db { protocol postgres-tls auth basic }\n}\ndatastore db\n";
        assert_eq!(
            findings("SEC010", text),
            vec!["SEC010@web@api: `web` authenticates to `api` with `api-key` (and 2 more links), but the model has no secret store for those passwords and keys"]
        );
        let with_vault = format!("{text}component secrets {{\n  kind vault\n  standalone\n}}\n");
        assert!(findings("SEC010", &with_vault).is_empty());
        assert!(findings(
            "SEC010",
            &text.replace("auth basic", "auth mtls").replace("auth api-key", "auth service-token")
        )
        .is_empty());
    }
}
