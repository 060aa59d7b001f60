//! SEC011 missing-identity-provider: End users log in but no identity provider is modelled, or it is not isolated.

use std::collections::BTreeMap;

use super::{code, is_component, is_human, is_human_login, is_identity_provider, is_vault, q, Once};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MISSING_IDENTITY_PROVIDER: Rule = Rule {
    code: code("SEC011", "missing-identity-provider", Severity::Warning, "End users log in but no identity provider is modelled, or it is not isolated."),
    category: Category::Security,
    explanation: "A person (an actor that is not an API consumer or device) authenticates with a password, session or token (`basic`, `session`, `jwt`, `oauth2`, `oidc`, `saml`, `mfa`), yet the model has no identity provider: no component of kind `identity-provider`, no external of kind `identity`, no identity technology. Or an identity provider of ours shares its network zone with ordinary components. Who issues and checks the credentials is then unspecified, or one compromised neighbour can reach the crown jewels (Threagile missing-identity-store, missing-identity-provider-isolation; ASVS 1.2.3). Fix it by modelling the identity provider, in its own network zone.",
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
            let Some(auth) = l.auth.as_deref() else { continue };
            if !is_human(cx, l.from) || !is_human_login(auth) || !once.first(&[l.from]) {
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
    for (id, _) in cx.model.of_kind(DeclKind::Component) {
        if let Some(net) = cx.facts.zone_of(id).and_then(|z| cx.zones.network(z)) {
            by_network.entry(net).or_default().push(id);
        }
    }
    for idp in idps.into_iter().filter(|i| is_component(cx, *i)) {
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
                    "identity provider {} shares network zone {} with {}{more}",
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
    }
}
