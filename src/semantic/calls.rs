//! Checks what a `calls` names: an endpoint or operation of the interface the `uses` or flow step
//! goes through (`via`, or the interface it targets). Runs on the resolved model, so that every
//! interface is known whatever the declaration order.

use super::model::{Attribute, ElementId, Model, Val, Value};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Fix, FixKind, TextEdit};
use crate::source::FileId;
use crate::syntax::schema::DeclKind;

/// One diagnostic per `calls` value that names nothing the link can call, in element order.
/// `with_calls` lists, in id order, the elements whose links or steps have a `calls` (resolving
/// notes them while it walks their attributes), the only ones this reads. Elements are judged
/// independently, so long lists are split into runs of elements checked on all cores and the
/// findings joined in order.
pub fn check(model: &Model, with_calls: &[ElementId]) -> Vec<Diagnostic> {
    check_in_runs(model, with_calls, PARALLEL_FROM_ELEMENTS, ELEMENTS_PER_RUN)
}

fn check_in_runs(
    model: &Model,
    with_calls: &[ElementId],
    parallel_from_elements: usize,
    elements_per_run: usize,
) -> Vec<Diagnostic> {
    let threads = crate::parallel::threads_for(with_calls.len(), parallel_from_elements);
    let runs: Vec<&[ElementId]> = with_calls.chunks(elements_per_run.max(1)).collect();
    crate::parallel::map_in_order(&runs, threads, |run| check_elements(model, run)).concat()
}

/// Measured at about 70 ns an element when every element was read (20 ms for the 285,000 elements
/// of 100,000 components, 11 ms on two threads): a list of 28,000 elements is checked in about a
/// millisecond, where a second thread would save little on an idle machine and cost its start on
/// a busy one.
const PARALLEL_FROM_ELEMENTS: usize = 65_536;
const ELEMENTS_PER_RUN: usize = 8_192;

fn check_elements(model: &Model, elements: &[ElementId]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in elements.iter().filter_map(|id| model.get(*id)).filter(|e| !e.from_std) {
        for a in e.attrs_named("uses") {
            // An unresolved or unknown target is already reported; its calls cannot be judged.
            let Some(Val::Ref(target)) = a.first().map(|v| &v.val) else { continue };
            check_link(model, e.file, *target, &a.block, &mut out);
        }
        for s in &e.steps {
            let Val::Ref(target) = &s.to.val else { continue };
            check_link(model, e.file, *target, &s.options, &mut out);
        }
    }
    out
}

/// `file` is the file of the element whose link this is, where its values are written.
fn check_link(model: &Model, file: FileId, target: ElementId, opts: &[Attribute], out: &mut Vec<Diagnostic>) {
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
                    v.span_in(file),
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
            v.span_in(file),
            "not an endpoint of the interface",
        )
        .with_secondary(i.name_span, format!("`{}` is declared here", i.name));
        match did_you_mean(text, names.iter().map(String::as_str)) {
            Some(s) => {
                d = d.with_help(format!("did you mean `{s}`?"));
                d.fixes.push(Fix {
                    title: format!("Replace with `\"{s}\"`"),
                    kind: FixKind::Repair,
                    edits: vec![TextEdit { span: v.span_in(file), new_text: format!("\"{s}\"") }],
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::Workspace;

    #[test]
    fn checking_in_runs_on_threads_gives_the_one_thread_findings_in_order() {
        let ws = Workspace::of_texts((0..12).map(|i| {
            format!(
                "interface api{i} \"Api\" {{\n  endpoint GET \"/orders\"\n}}\n\
                 component c{i} \"C\" {{\n  uses api{i} sync {{ calls \"GET /order\" }}\n  uses d{i} sync {{ calls \"run\" }}\n}}\n\
                 component d{i} \"D\"\n"
            )
        }));
        let (model, diags) = crate::semantic::analyze(&ws);
        let every: Vec<ElementId> = model.iter().map(|(id, _)| id).collect();
        let one_thread = check_in_runs(&model, &every, usize::MAX, usize::MAX);
        assert_eq!(one_thread.len(), 24, "two unknown operations per file: {one_thread:?}");
        assert!(one_thread.iter().all(|d| d.code.id == codes::UNKNOWN_ENDPOINT.id));
        assert_eq!(format!("{:?}", check_in_runs(&model, &every, 0, 5)), format!("{one_thread:?}"));
        let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.id == codes::UNKNOWN_ENDPOINT.id).collect();
        assert_eq!(
            format!("{found:?}"),
            format!("{:?}", one_thread.iter().collect::<Vec<_>>()),
            "resolving notes every element with a `calls`"
        );
    }
}
