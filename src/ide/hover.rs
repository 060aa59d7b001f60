//! Hover text: what an element is (kind, title, summary, owner, zone, system and its findings),
//! what an attribute means, and why the rule of a diagnostic under the cursor matters.

use std::fmt::Write as _;
use std::ops::Range;

use crate::check::registry;
use crate::semantic::model::Val;
use crate::syntax::ast::{Attr, Decl, Item};

use super::analysis::{File, Snapshot};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: Range<usize>,
    pub markdown: String,
}

pub fn hover(snap: &Snapshot, file: File<'_>, offset: usize) -> Option<Hover> {
    let mut parts = Vec::new();
    let mut range = None;
    if let Some((id, span)) = snap.element_at(file, offset) {
        parts.push(element(file, id));
        range = Some(span.range());
    } else if let Some(attr) = attribute_at(file.text(), offset) {
        parts.push(attr.0);
        range = Some(attr.1);
    }
    // A diagnostic under the cursor: the explanation of its rule.
    for d in &file.analysis.diagnostics {
        let Some(span) = d.span() else { continue };
        if span.file != file.id || !span.contains(offset) || d.suppression.is_some() {
            continue;
        }
        let mut text = format!("**{}** `{}`: {}", d.code.id, d.code.name, d.message);
        if let Some(rule) = registry::find(d.code.id) {
            let _ = write!(text, "\n\n{}", rule.explanation);
        } else {
            let _ = write!(text, "\n\n{}", d.code.summary);
        }
        parts.push(text);
        range.get_or_insert(span.range());
    }
    let range = range?;
    Some(Hover { range, markdown: parts.join("\n\n---\n\n") })
}

fn element(file: File<'_>, id: crate::semantic::model::ElementId) -> String {
    let model = file.model();
    let Some(e) = model.get(id) else { return String::new() };
    let mut out = format!("**{}** `{}`", e.kind.noun(), model.path_of(id));
    if let Some(label) = &e.label {
        let _ = write!(out, " \"{label}\"");
    }
    if e.from_std {
        out.push_str(" (standard library)");
    }
    if let Some(summary) = e.text("summary") {
        let _ = write!(out, "\n\n{summary}");
    }
    let mut facts = Vec::new();
    for key in ["owner", "zone", "system"] {
        if let Some(Val::Ref(r)) = e.value(key) {
            facts.push(format!("- {key}: `{}` ({})", model.name_of(*r), model.get(*r).map_or("", |o| o.title())));
        }
    }
    // A nested component: what it is part of, and its system when the nesting says it.
    if let Some(c) = crate::analysis::facts::container_of(model, id) {
        facts.push(format!("- part of: `{}` ({})", model.name_of(c), model.get(c).map_or("", |o| o.title())));
    }
    if e.kind == crate::syntax::schema::DeclKind::Component && e.value("system").is_none() {
        if let Some(s) = file.analysis.facts.system_of(id) {
            facts.push(format!("- system: `{}` ({})", model.name_of(s), model.get(s).map_or("", |o| o.title())));
        }
    }
    if !facts.is_empty() {
        let _ = write!(out, "\n\n{}", facts.join("\n"));
    }
    let path = model.path_of(id);
    let findings: Vec<String> = file
        .analysis
        .diagnostics
        .iter()
        .filter(|d| d.suppression.is_none() && d.subjects.first() == Some(&path))
        .map(|d| format!("- {} {}: {}", d.severity.as_str(), d.code.id, d.message))
        .collect();
    if !findings.is_empty() {
        let _ = write!(out, "\n\nFindings:\n{}", findings.join("\n"));
    }
    out
}

/// The documentation of the attribute whose name is under the cursor.
fn attribute_at(text: &str, offset: usize) -> Option<(String, Range<usize>)> {
    let parse = crate::syntax::parse(crate::source::FileId(0), text);
    let mut found = None;
    for item in &parse.ast.items {
        match item {
            Item::Decl(d) => decl(d, offset, &mut found),
            Item::Accept(a) => attrs(&a.attrs, offset, &mut found),
            Item::Import(_) => {}
        }
    }
    let attr = found?;
    let mut doc = format!("**{}**: {}", attr.spec.name, attr.spec.doc);
    for p in attr.spec.params {
        let _ = write!(doc, "\n\nTakes {}.", p.ty.describe());
    }
    Some((doc, attr.name_span().range()))
}

fn decl<'a>(d: &'a Decl, offset: usize, found: &mut Option<&'a Attr>) {
    if !d.span.contains(offset) {
        return;
    }
    attrs(&d.attrs, offset, found);
    for s in &d.steps {
        attrs(&s.options, offset, found);
    }
    for ep in &d.endpoints {
        attrs(&ep.options, offset, found);
    }
    for c in &d.children {
        decl(c, offset, found);
    }
}

fn attrs<'a>(list: &'a [Attr], offset: usize, found: &mut Option<&'a Attr>) {
    for a in list {
        if a.name_span().contains(offset) {
            *found = Some(a);
        }
        attrs(&a.block, offset, found);
    }
}
