//! SEC004 missing-authorization: Personal data reaches a component without authorization of the end user.

use super::{
    code, data_list, group_by_link, is_client, is_component, is_forwarder, is_human, is_identity_provider, is_pii, q,
};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MISSING_AUTHORIZATION: Rule = Rule {
    code: code("SEC004", "missing-authorization", Severity::Warning, "Personal data reaches a component without authorization of the end user."),
    category: Category::Security,
    explanation: "A link into a component carries end-user-scoped data (personal data: a `pii` entity or field) and either says `authz none`, or says `authz technical-user` although the caller acts for a person (it is a frontend, or a human actor calls it, directly or through load balancers; calls into an identity provider are exempt). Authentication alone tells who calls, not whether this caller may see this user's records: without authorization any authenticated caller reads everyone's data, and with a technical user the callee cannot tell which person asked (broken object-level authorization; ASVS 1.4.1, 1.4.4; Threagile missing-identity-propagation). Links with `auth none` are SEC003's, links without `authz` are gaps. Fix it with `authz ownership`, `rbac`, `abac` or `scopes`, and propagate the end user's identity instead of a technical user.",
    bad: "data Profile {\n  classification confidential\n  pii\n}\ncomponent web {\n  uses accounts sync { protocol https auth jwt authz none carries Profile timeout 1s circuit-breaker }\n}\ncomponent accounts\n",
    good: "data Profile {\n  classification confidential\n  pii\n}\ncomponent web {\n  uses accounts sync { protocol https auth jwt authz ownership carries Profile timeout 1s circuit-breaker }\n}\ncomponent accounts\n",
    options: &[],
    run: missing_authorization,
};

fn missing_authorization(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Components acting for a person: clients, and components a human actor calls directly.
    let mut for_person = vec![false; cx.model.elements.len()];
    for (id, _) in cx.of_kind(DeclKind::Component) {
        for_person[id.0 as usize] = is_client(cx, id);
    }
    // A person's call passes load balancers unchanged to the component that serves it; a gateway
    // terminates it and calls on under its own policy.
    let mut stack: Vec<ElementId> =
        cx.facts.links.iter().filter(|l| is_human(cx, l.from) && is_component(cx, l.to)).map(|l| l.to).collect();
    while let Some(c) = stack.pop() {
        let Some(slot) = for_person.get_mut(c.0 as usize) else { continue };
        if *slot && !is_client(cx, c) {
            continue;
        }
        *slot = true;
        if cx.facts.roles(c).load_balancer {
            stack.extend(cx.facts.out(c).map(|l| l.to).filter(|t| is_component(cx, *t)));
        }
    }
    let mut problems = Vec::new();
    for l in &cx.facts.links {
        let (Some(authz), Some(auth)) = (l.authz(), l.auth.map(crate::lang::AuthScheme::word)) else {
            continue;
        };
        if auth == "none" || !is_component(cx, l.to) || is_forwarder(cx, l.to) {
            continue;
        }
        let personal: Vec<ElementId> = l.carries.iter().copied().filter(|d| is_pii(cx, *d)).collect();
        if personal.is_empty() {
            continue;
        }
        let caller_acts_for_person =
            is_human(cx, l.from) || for_person.get(l.from.0 as usize).copied().unwrap_or(false);
        let why = match authz {
            "none" => "without authorization".to_string(),
            // An identity provider checks credentials for the caller itself: its technical user is the design.
            "technical-user" if caller_acts_for_person && !is_identity_provider(cx, l.to) => {
                format!("as a technical user although {} acts for a person", q(cx, l.from))
            }
            _ => continue,
        };
        problems.push((l, (personal, why, authz)));
    }
    // A link stated as a `uses` and as steps of flows is one problem, reported once at the `uses`.
    for g in group_by_link(problems) {
        let (l, (personal, why, authz)) = g.primary();
        let d = cx
            .finding(
                &MISSING_AUTHORIZATION,
                format!("{} passes {} {why}", g.name(cx), data_list(cx, personal)),
                l.span,
                format!("authz {authz}"),
                &g.subjects(),
            )
            .with_secondary(cx.span_of(l.to), "cannot tell whose data the caller may see")
            .with_help("authorize per end user (`authz ownership`, `rbac`, `abac` or `scopes`) and propagate the user's identity");
        acc.push(g.finish(cx, d));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec004_a_link_stated_as_uses_and_as_a_step_is_one_finding() {
        let text = "data Profile {\n  classification confidential\n  pii\n}\ncomponent web {\n  uses accounts sync { protocol https auth jwt authz none carries Profile timeout 1s circuit-breaker }\n}\ncomponent accounts\nflow view {\n  web -> accounts https auth jwt authz none carries Profile\n}\n";
        assert_eq!(
            findings("SEC004", text),
            vec!["SEC004@web@accounts: `web -> accounts` passes `Profile` (confidential, personal data) without authorization"]
        );
    }

    #[test]
    fn sec004_technical_user_for_a_person() {
        let text = "data Profile {\n  classification confidential\n  pii\n}\nactor user\ncomponent web {\n  kind frontend\n}\ncomponent accounts\nflow f {\n  user -> web https auth oidc\n  web -> accounts https auth jwt authz technical-user carries Profile\n}\n";
        assert_eq!(count("SEC004", text), 1);
        let batch = "data Profile {\n  classification confidential\n  pii\n}\ncomponent nightly {\n  kind batch\n  uses accounts sync { protocol https auth mtls authz technical-user carries Profile }\n}\ncomponent accounts\n";
        assert_eq!(count("SEC004", batch), 0, "a batch job acts for nobody");
        let behind_lb = "data Profile {\n  classification confidential\n  pii\n}\nactor user\ncomponent lb {\n  kind load-balancer\n}\ncomponent web\ncomponent accounts\nflow f {\n  user -> lb https auth oidc\n  lb -> web https auth oidc\n  web -> accounts https auth jwt authz technical-user carries Profile\n}\n";
        assert_eq!(count("SEC004", behind_lb), 1, "the person's call reaches web through the load balancer");
    }
}
