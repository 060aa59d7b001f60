//! HYG015 local-protocol-across-processes: A link says `in-process` to a component that runs in its own process.

use std::collections::BTreeSet;

use super::code;
use crate::analysis::facts;
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static LOCAL_PROTOCOL_ACROSS_PROCESSES: Rule = Rule {
    code: code(
        "HYG015",
        "local-protocol-across-processes",
        Severity::Warning,
        "A link says `in-process` to a component that runs in its own process.",
    ),
    category: Category::Hygiene,
    explanation: "A `uses` or flow step says `protocol in-process`, but its target is a component that runs on its own: not a `library` or `module`, and not a part of the same container as the caller (nor the caller's own container). An in-process call cannot cross a process, so the model is inconsistent, and every rule that judges the link's encryption, authentication and timeouts then skips a call that really travels over a network (Threagile wrong-communication-link-content: an in-process library call must target a library). Stores are left alone: an embedded database or an in-memory cache is reached in process. Fix it by stating the network protocol the call uses, or by declaring the target inside the caller's container, or as `kind library` or `kind module`.",
    bad: "component web {\n  uses pricing sync { protocol in-process }\n}\ncomponent pricing {\n  kind service\n}\n",
    good: "component web {\n  uses pricing sync { protocol in-process }\n}\ncomponent pricing {\n  kind library\n}\n",
    options: &[],
    run: local_protocol_across_processes,
};

/// Kinds of component that run inside their caller's process.
const LINKED_INTO_CALLER: &[&str] = &["library", "module"];

fn local_protocol_across_processes(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for l in &cx.facts.links {
        if l.protocol.map(crate::lang::Protocol::word) != Some("in-process") || l.reply {
            continue;
        }
        let Some(target) = cx.model.get(l.to) else { continue };
        if target.kind != DeclKind::Component
            || target.word("kind").is_some_and(|k| LINKED_INTO_CALLER.contains(&k))
            || facts::same_container(cx.model, l.from, l.to).is_some()
            || !seen.insert((l.from, l.to))
        {
            continue;
        }
        acc.push(
            cx.finding(
                &LOCAL_PROTOCOL_ACROSS_PROCESSES,
                format!(
                    "`{} -> {}` says `in-process`, but `{}` runs in its own process",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.name(l.to)
                ),
                l.span,
                "in-process",
                &[l.from, l.to],
            )
            .with_secondary(target.name_span, "deployed on its own")
            .with_help(format!(
                "say the network protocol the call uses, or declare `{}` inside the caller's container or as `kind library`",
                cx.name(l.to)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    fn findings(code: &str, text: &str) -> Vec<String> {
        crate::check::registry::findings_of(code, text)
            .into_iter()
            .map(|d| format!("{}: {}", d.fingerprint(), d.message))
            .collect()
    }

    #[test]
    fn in_process_is_fine_inside_a_container_and_to_libraries_and_stores() {
        let nested = "component shop {\n  component cart {\n    uses prices sync { protocol in-process }\n  }\n  component prices\n}\n";
        assert!(findings("HYG015", nested).is_empty(), "parts of one container share a process");
        let store = "component web {\n  uses cache { protocol in-process }\n}\ncache cache\n";
        assert!(findings("HYG015", store).is_empty(), "an embedded store is reached in process");
        let apart = "component web {\n  uses pricing sync { protocol in-process }\n}\ncomponent pricing\nflow f {\n  web -> pricing in-process\n}\n";
        assert_eq!(
            findings("HYG015", apart),
            vec!["HYG015@web@pricing: `web -> pricing` says `in-process`, but `pricing` runs in its own process"],
            "one finding for the pair, however many places say it"
        );
    }
}
