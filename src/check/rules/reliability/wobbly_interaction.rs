//! REL002 wobbly-interaction: A synchronous call to a service with neither a timeout nor a circuit breaker.

use super::code;
use crate::check::{Category, Ctx, Link, LinkOrigin, Rule};
use crate::diagnostics::{Diagnostic, Severity, TextEdit};
use crate::semantic::model::Attribute;
use crate::syntax::schema::DeclKind;

pub static WOBBLY_INTERACTION: Rule = Rule {
    code: code("REL002", "wobbly-interaction", Severity::Warning, "A synchronous call to a service with neither a timeout nor a circuit breaker."),
    category: Category::Reliability,
    explanation: "A synchronous `uses` of a service, an external system or an interface without a `timeout` waits as long as the callee hangs, and without a `circuit-breaker` keeps hammering a callee that is already failing: one slow dependency then exhausts the caller's threads and the failure cascades upstream. Give the call a timeout shorter than the caller's own deadline, and a circuit breaker so that it fails fast while the callee recovers. Build, deployment and maintenance links (`usage devops`) and calls of test tooling (`kind tooling`) are skipped, and so are calls from a load balancer, ingress or proxy: its upstream timeouts are proxy configuration, and the services behind it are judged on their own calls.",
    bad: "component web { uses api sync }\ncomponent api\n",
    good: "component web { uses api sync { timeout 1s circuit-breaker } }\ncomponent api\n",
    options: &[],
    run: wobbly_interaction,
};

fn wobbly_interaction(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for l in &cx.facts.links {
        if l.origin != LinkOrigin::Uses
            || l.is_async
            || l.is_local()
            || l.timeout.is_some()
            || l.circuit_breaker
            || l.from == l.to
        {
            continue;
        }
        // A relay's upstream timeouts are its configuration, not a dependency of its own.
        if cx.facts.traits(l.from).relay || l.devops || cx.facts.traits(l.from).tooling {
            continue;
        }
        // `timeout ?` is a gap HYG008 reports and `timeout 2sec` a syntax error, not a missing timeout.
        if l.unreadable.contains(&"timeout") {
            continue;
        }
        // People and systems we do not run have no timeouts the model could set.
        if matches!(cx.kind(l.from), Some(DeclKind::Actor | DeclKind::External)) {
            continue;
        }
        if !matches!(cx.kind(l.to), Some(DeclKind::Component | DeclKind::External | DeclKind::Interface))
            || matches!(cx.kind_word(l.to), Some("library" | "module"))
        {
            continue;
        }
        let callee = cx.name(l.to);
        acc.push(
            cx.finding(
                &WOBBLY_INTERACTION,
                format!(
                    "`{}` calls `{callee}` synchronously with neither a timeout nor a circuit breaker",
                    cx.name(l.from)
                ),
                l.span,
                "unguarded synchronous call",
                &[l.from, l.to],
            )
            .with_help(format!("add `timeout` and `circuit-breaker` to this `uses` of `{callee}`"))
            .with_note("a hanging callee then holds the caller's threads, and the failure cascades upstream")
            .with_fix("Add `timeout ?` to fill in later", vec![timeout_edit(cx, l)]),
        );
    }
}

/// The `uses` attribute a link comes from.
fn uses_attr<'m>(cx: &Ctx<'m>, l: &Link) -> Option<&'m Attribute> {
    cx.model.get(l.from).and_then(|e| e.attrs_named("uses").find(|a| a.span_in(e.file) == l.span))
}

/// Inserts `timeout ?` into the `uses` of a link: after its last block attribute, or as a new
/// block when it has none.
fn timeout_edit(cx: &Ctx<'_>, l: &Link) -> TextEdit {
    match uses_attr(cx, l).and_then(|a| a.block.iter().map(|b| b.span_in(l.span.file)).max_by_key(|s| s.end)) {
        Some(last) => TextEdit::insert_after(last, " timeout ?"),
        None => TextEdit::insert_after(l.span, " { timeout ? }"),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    #[test]
    fn actors_and_external_systems_are_not_asked_for_timeouts() {
        let text = "actor shopper { uses web sync }\nexternal bank { uses web sync }\ncomponent web\n";
        assert!(of("REL002", text).is_empty());
        let ours = "component shop { uses web sync }\ncomponent web\n";
        assert_eq!(of("REL002", ours).len(), 1, "a component still is");
    }

    #[test]
    fn a_timeout_that_failed_to_parse_is_not_a_missing_one() {
        let text = "component api { uses pay sync { timeout 2sec } }\ncomponent pay\n";
        let all = crate::check::registry::check_source(text);
        let about: Vec<&str> = all.iter().filter(|d| d.message.contains("2sec")).map(|d| d.code.id).collect();
        assert_eq!(about, vec!["SYN007"]);
        assert!(messages("REL002", text).is_empty(), "{:?}", messages("REL002", text));
        assert_eq!(messages("REL002", &text.replace(" { timeout 2sec }", "")).len(), 1);
    }

    #[test]
    fn wobbly_only_for_unguarded_sync_service_calls() {
        let text = "component web {
  uses api sync
  uses search sync { retries 3 }
  uses guarded sync { timeout 1s }
  uses breaker sync { circuit-breaker }
  uses db sync
  uses jobs
  uses lib sync
  uses PayApi sync
}
component api
component search
component guarded
component breaker
datastore db
queue jobs
component lib { kind library }
external psp { exposes PayApi }
interface PayApi rest
";
        let d = of("REL002", text);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "`web` calls `api` synchronously with neither a timeout nor a circuit breaker",
                "`web` calls `search` synchronously with neither a timeout nor a circuit breaker",
                "`web` calls `psp` synchronously with neither a timeout nor a circuit breaker",
            ]
        );
        assert_eq!(d[2].subjects, vec!["web".to_string(), "psp".to_string()]);
    }
}
