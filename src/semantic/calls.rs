//! Checks what a `calls` names: an endpoint or operation of the interface the `uses` or flow step
//! goes through (`via`, or the interface it targets). Runs on the resolved model, so that every
//! interface is known whatever the declaration order.

use super::model::{Attribute, ElementId, Model, Val, Value};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Fix, FixKind, TextEdit};
use crate::syntax::schema::DeclKind;

/// One diagnostic per `calls` value that names nothing the link can call.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (_, e) in model.iter().filter(|(_, e)| !e.from_std) {
        for a in e.attrs_named("uses") {
            // An unresolved or unknown target is already reported; its calls cannot be judged.
            let Some(Val::Ref(target)) = a.first().map(|v| &v.val) else { continue };
            check_link(model, *target, &a.block, &mut out);
        }
        for s in &e.steps {
            let Val::Ref(target) = &s.to.val else { continue };
            check_link(model, *target, &s.options, &mut out);
        }
    }
    out
}

fn check_link(model: &Model, target: ElementId, opts: &[Attribute], out: &mut Vec<Diagnostic>) {
    let calls: Vec<&Value> = opts.iter().filter(|a| a.name() == "calls").flat_map(|a| a.values()).collect();
    if calls.is_empty() {
        return;
    }
    let via = opts.iter().find(|a| a.name() == "via").and_then(|a| a.first()).map(|v| &v.val);
    let iface = match via {
        Some(Val::Ref(i)) => Some(*i),
        // An unresolved `via` is already reported; its calls cannot be judged.
        Some(_) => return,
        None => Some(target).filter(|t| model.get(*t).is_some_and(|t| t.kind == DeclKind::Interface)),
    };
    for v in calls {
        let Val::Text(text) = &v.val else { continue };
        let Some(i) = iface.and_then(|i| model.get(i)) else {
            out.push(
                Diagnostic::new(
                    codes::UNKNOWN_ENDPOINT,
                    format!("`calls \"{text}\"` names an operation, but the link goes through no interface"),
                    v.span,
                    "no interface to look in",
                )
                .with_help("say which interface it uses with `via Interface`, or aim the link at the interface"),
            );
            continue;
        };
        if i.endpoints.iter().any(|ep| ep.is_named(text)) {
            continue;
        }
        let names: Vec<String> = i.endpoints.iter().map(|ep| ep.signature()).collect();
        let mut d = Diagnostic::new(
            codes::UNKNOWN_ENDPOINT,
            format!("interface `{}` has no endpoint or operation `{text}`", i.name),
            v.span,
            "not an endpoint of the interface",
        )
        .with_secondary(i.name_span, format!("`{}` is declared here", i.name));
        match did_you_mean(text, names.iter().map(String::as_str)) {
            Some(s) => {
                d = d.with_help(format!("did you mean `{s}`?"));
                d.fixes.push(Fix {
                    title: format!("Replace with `\"{s}\"`"),
                    kind: FixKind::Repair,
                    edits: vec![TextEdit { span: v.span, new_text: format!("\"{s}\"") }],
                });
            }
            None if names.is_empty() => {
                d = d.with_help(format!("declare the endpoint in interface `{}` first", i.name));
            }
            None => {
                let shown: Vec<String> = names.iter().take(6).map(|n| format!("`{n}`")).collect();
                d = d.with_help(format!("its endpoints are {}", shown.join(", ")));
            }
        }
        out.push(d);
    }
}
