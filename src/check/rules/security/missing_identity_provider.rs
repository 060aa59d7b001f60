//! SEC011 missing-identity-provider: End users log in but no identity provider is modelled, or it is not isolated.

use std::collections::BTreeMap;

use super::{code, is_component, is_human, is_human_login, is_identity_provider, is_vault, q, Once};
use crate::check::shared::anonymous_by_design;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MISSING_IDENTITY_PROVIDER: Rule = Rule {
    code: code("SEC011", "missing-identity-provider", Severity::Warning, "End users log in but no identity provider is modelled, or it is not isolated."),
    category: Category::Security,
    explanation: "A person (an actor that is not an API consumer or device) authenticates with a password, session or token (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`, `mfa`), yet the model has no identity provider: no component of kind `identity-provider`, no external of kind `identity`, no identity technology. Or an identity provider of ours, or an identity store (a datastore whose technology is of kind `identity`, such as an LDAP directory), shares its network zone with ordinary components. Who issues and checks the credentials is then unspecified, or one compromised neighbour can reach the crown jewels (Threagile missing-identity-store, missing-identity-provider-isolation; ASVS 1.2.3). Fix it by modelling the identity provider, in its own network zone. A link through an interface marked `anonymous` (a guest's session, a sign-in page) is no login.",
    bad: "actor customer\ncomponent shop\nflow login {\n  customer -> shop https auth oidc\n}\n",
    good: "actor customer\ncomponent shop\nexternal auth0 {\n  kind identity\n}\nflow login {\n  customer -> shop https auth oidc\n  shop -> auth0 https auth oauth2\n}\n",
    options: &[],
    run: missing_identity_provider,
};

fn missing_identity_provider(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let idps: Vec<ElementId> = cx
        .model
        .iter()
        .filter(|(id, e)| !e.from_std && e.kind != DeclKind::Technology && is_identity_provider(cx, *id))
        .map(|(id, _)| id)
        .collect();
    if idps.is_empty() {
        let mut once = Once::default();
        for l in &cx.facts.links {
            let Some(auth) = l.auth.map(crate::lang::AuthScheme::word) else { continue };
            // A session on an interface open by design (a guest's cart) is no login.
            if !is_human(cx, l.from) || !is_human_login(auth) || anonymous_by_design(cx, l) || !once.first(&[l.from]) {
                continue;
            }
            acc.push(
                cx.finding(&MISSING_IDENTITY_PROVIDER, format!("{} logs in with `{auth}` but the model has no identity provider", q(cx, l.from)), l.span, "end-user authentication", &[l.from])
                    .with_help("model who issues and checks the credentials: a component of kind `identity-provider` or an external of kind `identity`"),
            );
        }
        return;
    }
    // Isolation: our identity providers' network zones host nothing but identity and secrets.
    let mut by_network: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, _) in cx.of_kind(DeclKind::Component) {
        if let Some(net) = cx.facts.zone_of(id).and_then(|z| cx.zones.network(z)) {
            by_network.entry(net).or_default().push(id);
        }
    }
    // Identity stores (a datastore whose technology is an identity product, such as a directory)
    // need the same isolation as the provider that reads them.
    for idp in idps.into_iter().filter(|i| is_component(cx, *i) || cx.kind(*i) == Some(DeclKind::Datastore)) {
        let Some(net) = cx.facts.zone_of(idp).and_then(|z| cx.zones.network(z)) else { continue };
        let others: Vec<ElementId> = by_network
            .get(&net)
            .into_iter()
            .flatten()
            .copied()
            .filter(|c| !is_identity_provider(cx, *c) && !is_vault(cx, *c))
            .collect();
        let Some(first) = others.first() else { continue };
        let more = if others.len() > 1 { format!(" and {} more", others.len() - 1) } else { String::new() };
        acc.push(
            cx.finding(
                &MISSING_IDENTITY_PROVIDER,
                format!(
                    "{} {} shares network zone {} with {}{more}",
                    if is_component(cx, idp) { "identity provider" } else { "identity store" },
                    q(cx, idp),
                    q(cx, net),
                    q(cx, *first)
                ),
                cx.span_of(idp),
                "not isolated",
                &[idp],
            )
            .with_secondary(cx.span_of(*first), "an ordinary component in the same network")
            .with_help(format!("give {} a network zone of its own", q(cx, idp))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec011_identity_provider_isolation() {
        let text = "zone core {\n  trust high\n}\ncomponent keycloak {\n  kind identity-provider\n  zone core\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n";
        assert_eq!(count("SEC011", text), 1);
        let isolated = "zone core {\n  trust high\n}\nzone idz {\n  trust full\n}\ncomponent keycloak {\n  kind identity-provider\n  zone idz\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n";
        assert_eq!(count("SEC011", isolated), 0);
        let store = "technology ldap {\n  kind identity\n}\nzone core {\n  trust high\n}\ncomponent keycloak {\n  kind identity-provider\n  zone core\n  uses directory { protocol ldaps auth basic }\n}\ndatastore directory {\n  tech ldap\n  zone core\n}\ncomponent orders {\n  zone core\n  standalone\n}\n";
        let f = super::super::tests::findings("SEC011", store);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f[1].starts_with("SEC011@directory: identity store `directory` shares network zone `core` with `orders`"),
            "{f:?}"
        );
    }
}
