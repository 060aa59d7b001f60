//! What a `?` hole expects, read from the language table: the declaration, the attribute (with
//! its block path), the parameter's type and the words or names it allows. Also the gaps: rule
//! findings whose repair fix writes an attribute as a `?` hole, so that filling a gap is opening
//! it with that fix and filling the hole it leaves.

use crate::analysis::facts::{Hole, HolePlace};
use crate::diagnostics::{Diagnostic, FixKind, TextEdit};
use crate::semantic::model::{Attribute, Element, Model};
use crate::source::SourceMap;
use crate::syntax::schema::{self, AttrSpec, DeclKind, Ty};

/// The rules whose findings name a missing attribute precisely and carry a fix that writes it as
/// a hole: a missing owner, a missing timeout on a synchronous call.
const FIX_GAPS: &[&str] = &["OWN001", "REL002"];

/// Rules whose findings name a missing attribute of the element they are about, which goes first
/// in its block: the rule, the attribute, and for a finding that reports several things the words
/// of its message that name this one.
const ELEMENT_GAPS: &[(&str, &str, Option<&str>)] =
    &[("SEC009", "classification", None), ("HYG008", "zone", Some("no `zone`"))];

/// Every rule whose findings can be filled as gaps.
pub const GAP_RULES: &[&str] = &["OWN001", "REL002", "SEC009", "HYG008"];

/// A hole's place in the language.
#[derive(Clone, Debug)]
pub struct HoleType {
    /// `owner`, `uses.timeout`, `step 2 latency`, `GET /x request`.
    pub place: String,
    pub ty: Ty,
    /// A comma-separated list is allowed.
    pub list: bool,
    /// The attribute's documentation line, if the hole is an attribute's value.
    pub doc: &'static str,
}

/// The type a hole expects, or `None` when the table has no entry for it.
pub fn hole_type(model: &Model, hole: &Hole) -> Option<HoleType> {
    let e = model.get(hole.element)?;
    let spec = e.kind.spec();
    match &hole.place {
        HolePlace::Attr { attr, path } => {
            let a = e.attrs().get(*attr)?;
            let (attr_spec, value_attr) = walk(spec.attrs, a, path)?;
            typed(path.join("."), attr_spec, value_attr, hole)
        }
        HolePlace::StepOption { step, path } => {
            let s = e.steps.get(*step)?;
            let top = s.options.iter().find(|o| Some(&o.name()) == path.first())?;
            let (attr_spec, value_attr) = walk(schema::STEP_OPTIONS, top, path)?;
            typed(format!("step {} {}", step + 1, path.join(".")), attr_spec, value_attr, hole)
        }
        HolePlace::StepEnd { step, to } => Some(HoleType {
            place: format!("step {} {}", step + 1, if *to { "target" } else { "source" }),
            ty: Ty::Ref(schema::PARTICIPANTS),
            list: false,
            doc: "A participant of the step.",
        }),
        HolePlace::Endpoint { endpoint, option: None } => {
            let ep = e.endpoints.get(*endpoint)?;
            let which = if ep.request.as_ref().is_some_and(|v| v.span_in(hole.span.file) == hole.span) {
                "request"
            } else {
                "response"
            };
            Some(HoleType {
                place: format!("{} {} {which}", ep.method, ep.target),
                ty: Ty::Ref(&[DeclKind::Data, DeclKind::Event]),
                list: false,
                doc: "The data entity the endpoint receives or returns.",
            })
        }
        HolePlace::Endpoint { endpoint, option: Some(name) } => {
            let ep = e.endpoints.get(*endpoint)?;
            let o = ep.options.iter().find(|o| o.name() == *name)?;
            let attr_spec = schema::find_attr(schema::ENDPOINT_OPTIONS, name)?;
            typed(format!("{} {} {name}", ep.method, ep.target), attr_spec, o, hole)
        }
    }
}

/// The spec and attribute at the end of `path`, starting from the top-level attribute `top`.
fn walk<'m>(
    attrs: &'static [AttrSpec],
    top: &'m Attribute,
    path: &[&str],
) -> Option<(&'static AttrSpec, &'m Attribute)> {
    let mut spec = schema::find_attr(attrs, path.first()?)?;
    let mut attr = top;
    for name in &path[1..] {
        spec = schema::find_attr(spec.block?, name)?;
        attr = attr.block.iter().find(|b| b.name() == *name)?;
    }
    Some((spec, attr))
}

/// The parameter of `spec` whose values hold the hole.
fn typed(place: String, spec: &'static AttrSpec, attr: &Attribute, hole: &Hole) -> Option<HoleType> {
    let index = attr.args.iter().position(|values| values.iter().any(|v| v.span_in(hole.span.file) == hole.span))?;
    let param = spec.params.get(index)?;
    Some(HoleType { place, ty: param.ty, list: param.arity == schema::Arity::List, doc: spec.doc })
}

/// The words or names a value of `ty` may take in this model: the enumeration, or the declared
/// elements of the kinds a reference may name (the standard library's included).
pub fn allowed_values(model: &Model, ty: Ty) -> Vec<String> {
    match ty {
        Ty::Enum(words) => words.iter().map(|w| w.to_string()).collect(),
        Ty::Bool => vec!["yes".into(), "no".into()],
        Ty::Ref(kinds) | Ty::StrOrRef(kinds) => {
            model.iter().filter(|(_, e)| kinds.contains(&e.kind)).map(|(_, e)| e.name.to_string()).collect()
        }
        _ => Vec::new(),
    }
}

/// A gap: a finding of one of [`GAP_RULES`] and the edits that write the missing attribute as a
/// `?` hole (the rule's own repair fix, or the attribute first in the element's block).
pub struct Gap<'d> {
    pub finding: &'d Diagnostic,
    pub rule: &'static str,
    pub edits: Vec<TextEdit>,
    /// Words of the finding's message that name this gap, when it reports several things.
    pub needle: Option<&'static str>,
}

impl Gap<'_> {
    /// Whether `d` still reports this gap.
    pub fn reported_by(fingerprint: &str, needle: Option<&str>, d: &Diagnostic) -> bool {
        d.suppression.is_none() && d.fingerprint() == fingerprint && needle.is_none_or(|n| d.message.contains(n))
    }
}

/// The gaps among `diagnostics`, in their order.
pub fn gaps<'d>(model: &Model, sources: &SourceMap, diagnostics: &'d [Diagnostic]) -> Vec<Gap<'d>> {
    let mut out = Vec::new();
    for d in diagnostics.iter().filter(|d| d.suppression.is_none()) {
        if let Some(rule) = FIX_GAPS.iter().copied().find(|r| *r == d.code.id) {
            let fix =
                d.fixes.iter().find(|f| f.kind == FixKind::Repair && f.edits.iter().any(|e| has_hole(&e.new_text)));
            if let Some(fix) = fix {
                out.push(Gap { finding: d, rule, edits: fix.edits.clone(), needle: None });
            }
            continue;
        }
        for &(rule, attr, needle) in ELEMENT_GAPS {
            if d.code.id != rule || needle.is_some_and(|n| !d.message.contains(n)) {
                continue;
            }
            let Some(e) = d.subjects.first().and_then(|s| model.lookup(s)).and_then(|id| model.get(id)) else {
                continue;
            };
            if let Some(edit) = first_in_block(e, sources, attr) {
                out.push(Gap { finding: d, rule, edits: vec![edit], needle });
            }
        }
    }
    out
}

/// Writes `attr ?` as the first statement of the element's block, at that statement's indent.
/// `None` for an element without statements: where its block would go is not the gap's to decide.
fn first_in_block(e: &Element, sources: &SourceMap, attr: &str) -> Option<TextEdit> {
    let first = e
        .attrs()
        .iter()
        .map(|a| a.span_in(e.file))
        .chain(e.fields.iter().map(|f| f.span))
        .chain(e.steps.iter().map(|s| s.span))
        .chain(e.endpoints.iter().map(|p| p.span))
        .min_by_key(|s| s.start)?;
    let text = sources.get(first.file)?.text.as_str();
    let start = first.start as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    Some(TextEdit::insert(first, format!("{attr} ?\n{indent}")))
}

/// The text holds a `?` word (not one inside a string).
fn has_hole(text: &str) -> bool {
    text.split_whitespace().any(|w| w == "?")
}

/// The declaration of an element as one line: `component web "Booking site"`.
pub fn header(e: &Element) -> String {
    let mut out = format!("{} {}", e.kind.keyword(), e.name);
    if let Some(label) = &e.label {
        out.push_str(&format!(" {label:?}"));
    }
    out
}

/// The part of the design report a value of this attribute feeds.
pub fn report_section(kind: DeclKind, place: &str) -> &'static str {
    let last = place.rsplit(['.', ' ']).next().unwrap_or(place);
    match last {
        "owner" | "contact" | "lead" => "Ownership: who is accountable and who to call",
        "timeout" | "retries" | "circuit-breaker" | "contingency" | "likelihood" | "impact" => {
            "Reliability and risks: how failures are contained"
        }
        "classification" | "max-classification" => "Data: what is sensitive and where it may go",
        "trust" | "zone" | "auth" | "authz" | "protocol" | "encrypted" | "exposure" => {
            "Security: trust zones, crossings and transit"
        }
        "latency" | "p95" | "rate-limit" | "users" | "concurrent-users" => "Performance and scale targets",
        _ => match kind {
            DeclKind::Flow => "Flows: the steps of each journey",
            DeclKind::Decision | DeclKind::Option => "Decisions",
            _ => "Components and interfaces: what each element is and does",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{analyze_workspace, Analysis, RunOptions};
    use crate::host::MemHost;
    use std::path::PathBuf;

    fn analyse(model: &str) -> Analysis {
        let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/m.arch", model)]);
        let root = PathBuf::from("/ws");
        analyze_workspace(&host, &root, std::slice::from_ref(&root), &RunOptions::default())
    }

    #[test]
    fn a_hole_has_the_type_of_its_attribute_in_the_language_table() {
        let a = analyse(
            "team t\ncomponent a {\n  owner ?\n  kind ?\n  uses b sync { timeout ? }\n}\ncomponent b { owner t }\n\
             flow f {\n  a -> b \"call\" protocol ?\n}\n",
        );
        let types: Vec<(String, String, Vec<String>)> = a
            .facts
            .holes
            .iter()
            .filter_map(|h| hole_type(&a.model, h))
            .map(|t| (t.place.clone(), t.ty.describe(), allowed_values(&a.model, t.ty)))
            .collect();
        let places: Vec<&str> = types.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(places, ["owner", "kind", "uses.timeout", "step 1 protocol"]);
        assert!(types[0].2.contains(&"t".to_string()), "owners offered: {:?}", types[0].2);
        assert!(types[1].2.contains(&"service".to_string()));
        assert_eq!(types[2].1, "a duration such as `300ms` or `2s`");
        assert!(types[3].2.contains(&"https".to_string()));
    }

    #[test]
    fn element_gaps_are_written_first_in_the_block_at_its_indent() {
        let a = analyse(
            "data Invoice {\n    field id: uuid key\n}\ncomponent billing {\n  owns Invoice\n  standalone\n}\n",
        );
        let gaps = gaps(&a.model, &a.workspace.sources, &a.diagnostics);
        let sec009: Vec<&Gap<'_>> = gaps.iter().filter(|g| g.rule == "SEC009").collect();
        assert_eq!(sec009.len(), 1, "{:?}", a.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
        assert_eq!(sec009[0].edits[0].new_text, "classification ?\n    ");
        let text = a.workspace.sources.text(sec009[0].edits[0].span.file);
        assert!(text[sec009[0].edits[0].span.start as usize..].starts_with("field id"));
    }
}
