//! Go to definition, find references, document highlights and rename: all read the resolved
//! references of the model, so they agree with the checker about what a name means.

use crate::semantic::model::{Attribute, ElementId, Model, Val, Value};
use crate::source::{Span, TextRange};
use crate::syntax::schema::top_level_keywords;

use super::analysis::{File, Snapshot};
use super::{FileRange, TextEdit};

/// Calls `f` with the target and span of every resolved reference in the model.
pub fn each_reference(model: &Model, mut f: impl FnMut(ElementId, Span)) {
    fn value(v: &Value, f: &mut dyn FnMut(ElementId, TextRange)) {
        if let Val::Ref(id) = v.val {
            f(id, v.span);
        }
    }
    fn attrs(list: &[Attribute], f: &mut dyn FnMut(ElementId, TextRange)) {
        for a in list {
            for v in a.values() {
                value(v, f);
            }
            attrs(&a.block, f);
        }
    }
    for e in &model.elements {
        // Values keep no file: every one of them is written in its element's.
        let mut f = |id, range: TextRange| f(id, range.in_file(e.file));
        attrs(e.attrs(), &mut f);
        for s in &e.steps {
            value(&s.from, &mut f);
            value(&s.to, &mut f);
            attrs(&s.options, &mut f);
        }
        for ep in &e.endpoints {
            for v in ep.request.iter().chain(&ep.response) {
                value(v, &mut f);
            }
            attrs(&ep.options, &mut f);
        }
    }
}

/// Where the name under the cursor is declared.
pub fn definition(snap: &Snapshot, file: File<'_>, offset: usize) -> Option<FileRange> {
    let (id, _) = snap.element_at(file, offset)?;
    let e = file.model().get(id)?;
    snap.locate(file.analysis, e.name_span)
}

/// Every use of the element under the cursor, its declaration first when asked for.
pub fn references(snap: &Snapshot, file: File<'_>, offset: usize, include_declaration: bool) -> Vec<FileRange> {
    let Some((id, _)) = snap.element_at(file, offset) else { return Vec::new() };
    name_ranges(snap, file, id, include_declaration)
}

/// The uses of the element under the cursor within the same file.
pub fn highlights(snap: &Snapshot, file: File<'_>, offset: usize) -> Vec<FileRange> {
    let Some((id, _)) = snap.element_at(file, offset) else { return Vec::new() };
    let Some(path) = snap.path_of(file.analysis, file.id) else { return Vec::new() };
    name_ranges(snap, file, id, true).into_iter().filter(|r| r.path == path).collect()
}

/// Why a rename cannot happen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameError(pub String);

/// The range of the name to rename, if the element under the cursor can be renamed.
pub fn prepare_rename(snap: &Snapshot, file: File<'_>, offset: usize) -> Result<FileRange, RenameError> {
    let (id, span) =
        snap.element_at(file, offset).ok_or_else(|| RenameError("no element name under the cursor".into()))?;
    let e = file.model().get(id).ok_or_else(|| RenameError("no element name under the cursor".into()))?;
    if e.from_std {
        return Err(RenameError(format!("`{}` is declared in the standard library and cannot be renamed", e.name)));
    }
    let path = snap.path_of(file.analysis, file.id).ok_or_else(|| RenameError("not a workspace file".into()))?;
    Ok(FileRange { path, range: last_segment(file.text(), span, &e.name) })
}

/// Edits renaming the element under the cursor everywhere in its workspace, accept statements
/// included; refuses names that are not identifiers and names already taken.
pub fn rename(snap: &Snapshot, file: File<'_>, offset: usize, new_name: &str) -> Result<Vec<TextEdit>, RenameError> {
    prepare_rename(snap, file, offset)?;
    let (id, _) =
        snap.element_at(file, offset).ok_or_else(|| RenameError("no element name under the cursor".into()))?;
    let model = file.model();
    let e = model.get(id).ok_or_else(|| RenameError("no element name under the cursor".into()))?;
    if !is_identifier(new_name) {
        return Err(RenameError(format!(
            "`{new_name}` is not a valid name: use letters, digits and `_`, starting with a letter or `_`"
        )));
    }
    if top_level_keywords().any(|k| k == new_name) {
        return Err(RenameError(format!("`{new_name}` is a keyword")));
    }
    let clash = if e.kind.is_global() {
        model.lookup(new_name).and_then(|other| model.get(other))
    } else {
        model.iter().map(|(_, o)| o).find(|o| o.parent == e.parent && o.name == new_name && !o.kind.is_global())
    };
    if let Some(other) = clash {
        return Err(RenameError(format!("`{new_name}` is already the name of {}", other.kind.article())));
    }
    let mut edits: Vec<TextEdit> = name_ranges(snap, file, id, true)
        .into_iter()
        .map(|r| TextEdit { path: r.path, range: r.range, new_text: new_name.to_string() })
        .collect();
    // A qualified name spells the ancestors of what it names: renaming `storefront` rewrites
    // its segment of `shop.storefront.cart_view`.
    let sources = &file.analysis.workspace.sources;
    each_reference(model, |target, span| {
        let range = span.range();
        let Some(text) = sources.text(span.file).get(range.clone()).filter(|t| t.contains('.')) else { return };
        let Some(path) = snap.path_of(file.analysis, span.file) else { return };
        let mut starts: Vec<usize> = vec![0];
        starts.extend(text.match_indices('.').map(|(i, _)| i + 1));
        let mut element = model.get(target).and_then(|t| t.parent);
        // The last segment is the target itself (renamed above when it is the element).
        for &start in starts.iter().rev().skip(1) {
            let Some(el) = element else { break };
            let segment = &text[start..text[start..].find('.').map_or(text.len(), |e| start + e)];
            if el == id && segment == e.name {
                let at = range.start + start;
                edits.push(TextEdit {
                    path: path.clone(),
                    range: at..at + segment.len(),
                    new_text: new_name.to_string(),
                });
            }
            element = model.get(el).and_then(|x| x.parent);
        }
    });
    // Acceptances name their elements in the fingerprint: `accept RULE@old@other`.
    let old_path = model.path_of(id);
    for acc in &model.acceptances {
        if !acc.targets.iter().any(|t| t == &old_path) {
            continue;
        }
        let text = file.analysis.workspace.sources.text(acc.file);
        let Some(path) = snap.path_of(file.analysis, acc.file) else { continue };
        let stmt = acc.span.range();
        let Some(stmt_text) = text.get(stmt.clone()) else { continue };
        let needle = format!("@{old_path}");
        let mut from = 0;
        while let Some(at) = stmt_text.get(from..).and_then(|s| s.find(&needle)) {
            let start = from + at + 1;
            let end = start + old_path.len();
            let next = stmt_text.as_bytes().get(end).copied().unwrap_or(b' ');
            if !(next.is_ascii_alphanumeric() || next == b'_' || next == b'-' || next == b'.') {
                let name_start = end - e.name.len();
                edits.push(TextEdit {
                    path: path.clone(),
                    range: stmt.start + name_start..stmt.start + end,
                    new_text: new_name.to_string(),
                });
            }
            from = end;
        }
    }
    edits.sort_by(|a, b| a.key().cmp(&b.key()));
    edits.dedup();
    Ok(edits)
}

/// A plain name: what the lexer reads as one identifier without dots or hyphens.
pub fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The declaration and every reference of `id`, as ranges of the last name segment.
fn name_ranges(snap: &Snapshot, file: File<'_>, id: ElementId, include_declaration: bool) -> Vec<FileRange> {
    let model = file.model();
    let Some(e) = model.get(id) else { return Vec::new() };
    let sources = &file.analysis.workspace.sources;
    let mut spans = Vec::new();
    if include_declaration {
        spans.push(e.name_span);
    }
    each_reference(model, |target, span| {
        if target == id {
            spans.push(span);
        }
    });
    let mut out: Vec<FileRange> = spans
        .into_iter()
        .filter_map(|span| {
            let path = snap.path_of(file.analysis, span.file)?;
            Some(FileRange { path, range: last_segment(sources.text(span.file), span, &e.name) })
        })
        .collect();
    out.sort_by(|a, b| a.key().cmp(&b.key()));
    out.dedup();
    out
}

/// The part of a (possibly qualified) reference that spells the element's own name.
fn last_segment(text: &str, span: Span, name: &str) -> std::ops::Range<usize> {
    let range = span.range();
    match text.get(range.clone()) {
        Some(t) if t.ends_with(name) && t.len() > name.len() => range.end - name.len()..range.end,
        _ => range,
    }
}
