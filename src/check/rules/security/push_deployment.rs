//! SEC018 push-deployment: A build pipeline pushes into a runtime it deploys to.

use super::{code, crit_word, data_traits, handled, is_ours, link_name, most_sensitive, q, Once};
use crate::check::{Category, Ctx, Rule, CONFIDENTIAL};
use crate::diagnostics::{Diagnostic, Severity};

pub static PUSH_DEPLOYMENT: Rule = Rule {
    code: code("SEC018", "push-deployment", Severity::Warning, "A build pipeline pushes into a runtime it deploys to."),
    category: Category::Security,
    explanation: "A build pipeline (an element whose catalogue technology is of kind `build-pipeline`) has a link to a component or store that is not part of the delivery tool chain, and the link is not read-only (`access read`). The pipeline then holds credentials that can write to production, so one compromised build job, plugin or pipeline account changes the running system directly (Threagile push-instead-of-pull-deployment). Links to source repositories and other build pipelines are the tool chain's own and are exempt. Fix it by letting the runtime pull signed artefacts from a registry (GitOps, an image registry, a package feed), so the pipeline has no write path into production.",
    bad: "technology ci {\n  kind build-pipeline\n}\ncomponent builder {\n  tech ci\n  uses web sync { protocol tls auth mtls timeout 5m circuit-breaker }\n}\ncomponent web\n",
    good: "technology ci {\n  kind build-pipeline\n}\ncomponent builder {\n  tech ci\n  uses registry sync { protocol https auth mtls timeout 5m circuit-breaker }\n}\ndatastore registry {\n  tech ci\n}\ncomponent web {\n  uses registry sync { protocol https auth mtls access read timeout 5m circuit-breaker }\n}\n",
    options: &[],
    run: push_deployment,
};

fn push_deployment(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let h = &cx.facts.handled;
    let mut once = Once::default();
    for l in &cx.facts.links {
        if !cx.facts.roles(l.from).build_pipeline || cx.facts.roles(l.to).devops() {
            continue;
        }
        if l.access() == Some("read") || cx.model.get(l.to).is_some_and(|e| e.from_std) {
            continue;
        }
        if !is_ours(cx, l.to) {
            continue;
        }
        let subjects = [l.from, l.to];
        if !once.first(&subjects) {
            continue;
        }
        // What is at stake on the target, for the label: its most sensitive data or its criticality.
        let stake = most_sensitive(cx, handled(h, l.to), CONFIDENTIAL)
            .map(|d| format!("{} handles {} ({})", q(cx, l.to), q(cx, d), data_traits(cx, d)))
            .or_else(|| cx.criticality(l.to).map(|c| format!("{} is {}", q(cx, l.to), crit_word(c))))
            .unwrap_or_else(|| format!("{} runs what the pipeline pushes", q(cx, l.to)));
        acc.push(
            cx.finding(
                &PUSH_DEPLOYMENT,
                format!("build pipeline {} pushes into {} ({})", q(cx, l.from), q(cx, l.to), link_name(cx, l)),
                l.span,
                "the pipeline can write to the runtime",
                &subjects,
            )
            .with_secondary(cx.span_of(l.to), stake)
            .with_help(format!(
                "let {} pull signed artefacts from a registry, so {} needs no write access to it",
                q(cx, l.to),
                q(cx, l.from)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec018_tool_chain_links_and_read_only_links_are_exempt() {
        let text = "technology ci {\n  kind build-pipeline\n}\ntechnology git {\n  kind source-repository\n}\ncomponent builder {\n  tech ci\n  uses repo sync { protocol tls auth mtls timeout 5m circuit-breaker }\n  uses web sync { protocol tls auth mtls ACCESS timeout 5m circuit-breaker }\n}\ncomponent repo {\n  tech git\n}\ncomponent web\n";
        assert_eq!(
            findings("SEC018", &text.replace("ACCESS", "")),
            vec!["SEC018@builder@web: build pipeline `builder` pushes into `web` (`builder -> web`)"]
        );
        assert_eq!(count("SEC018", &text.replace("ACCESS", "access read")), 0);
    }
}
