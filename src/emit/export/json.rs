//! The resolved model as JSON: `archc export --to json` and the `model.json` of `archc build`.
//!
//! Layout (format version 1): `{"version", "generator", "files", "elements", "acceptances"}`. Each
//! element carries its kind, name, path, label, variant, parent, source location, attributes (in
//! source order, each with one list of values per parameter and an optional block), steps,
//! endpoints and fields. Values are JSON strings (text and keywords), numbers, booleans, `null`
//! for a `?` hole, or objects: `{"ref": path, "kind": keyword}` for references,
//! `{"unresolved": name}` for dangling ones, and `{"duration"|"rate"|"percent"|"size"|"date"|
//! "count": text, ...}` for typed literals. Keys are written in a fixed order, elements in
//! declaration order, so the same model always gives the same bytes. Standard-library elements
//! are left out; references to them still name them.

use crate::semantic::model::{Attribute, Element, ElementId, Model, Val, Value};
use crate::source::{ColumnUnit, SourceMap, Span};
use crate::syntax::literal::Literal;

/// Version of the JSON layout; raised when a field changes meaning or disappears.
pub const MODEL_JSON_VERSION: u32 = 1;

/// A JSON value with keys in insertion order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// A number already written as JSON.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn obj() -> Json {
        Json::Obj(Vec::new())
    }

    /// Adds a key (builder style).
    pub fn with(mut self, key: &str, value: Json) -> Json {
        if let Json::Obj(fields) = &mut self {
            fields.push((key.to_string(), value));
        }
        self
    }

    /// Adds a key unless the value is null, an empty list or an empty object.
    pub fn with_some(self, key: &str, value: Json) -> Json {
        match &value {
            Json::Null => self,
            Json::Arr(a) if a.is_empty() => self,
            Json::Obj(o) if o.is_empty() => self,
            _ => self.with(key, value),
        }
    }

    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    pub fn opt_str(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    pub fn int(n: u64) -> Json {
        Json::Num(n.to_string())
    }

    pub fn float(x: f64) -> Json {
        if x.is_finite() {
            // Rust prints floats without exponent for this range; both forms are valid JSON.
            let s = format!("{x}");
            Json::Num(s)
        } else {
            Json::Null
        }
    }

    /// Pretty-printed with two-space indentation and a final newline.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, depth: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => out.push_str(&quote(s)),
            Json::Arr(items) if items.is_empty() => out.push_str("[]"),
            Json::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            Json::Arr(items) => {
                // Lists of scalars stay on one line.
                if items.iter().all(|i| !matches!(i, Json::Arr(_) | Json::Obj(_))) {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        item.write(out, depth);
                    }
                    out.push(']');
                    return;
                }
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    indent(out, depth + 1);
                    item.write(out, depth + 1);
                    if i + 1 < items.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                indent(out, depth);
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push_str("{\n");
                for (i, (k, v)) in fields.iter().enumerate() {
                    indent(out, depth + 1);
                    out.push_str(&quote(k));
                    out.push_str(": ");
                    v.write(out, depth + 1);
                    if i + 1 < fields.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                indent(out, depth);
                out.push('}');
            }
        }
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// A JSON string literal.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The model as pretty-printed JSON.
pub fn model_json(model: &Model, sources: &SourceMap) -> String {
    model_value(model, sources).pretty()
}

/// The model as a [`Json`] value, for callers that embed it.
pub fn model_value(model: &Model, sources: &SourceMap) -> Json {
    let mut files: Vec<String> = Vec::new();
    for (_, e) in model.iter().filter(|(_, e)| !e.from_std) {
        let name = sources.name(e.file).to_string();
        if !files.contains(&name) {
            files.push(name);
        }
    }
    files.sort();
    let elements = model.iter().filter(|(_, e)| !e.from_std).map(|(id, e)| element(model, sources, id, e)).collect();
    let acceptances = model
        .acceptances
        .iter()
        .map(|a| {
            Json::obj()
                .with("rule", Json::str(a.rule.as_str()))
                .with("targets", Json::Arr(a.targets.iter().map(|t| Json::str(t.as_str())).collect()))
                .with("fingerprint", Json::str(a.fingerprint()))
                .with("justification", Json::opt_str(a.justification.as_deref()))
                .with("attributes", Json::Arr(a.attrs.iter().map(|at| attribute(model, at)).collect()))
                .with("location", location(sources, a.span))
        })
        .collect();
    Json::obj()
        .with("version", Json::int(u64::from(MODEL_JSON_VERSION)))
        .with("generator", Json::str(format!("archc {}", env!("CARGO_PKG_VERSION"))))
        .with("files", Json::Arr(files.into_iter().map(Json::Str).collect()))
        .with("elements", Json::Arr(elements))
        .with("acceptances", Json::Arr(acceptances))
}

fn location(sources: &SourceMap, span: Span) -> Json {
    let Some(file) = sources.get(span.file) else { return Json::Null };
    let start = file.line_index.line_col(&file.text, span.start as usize, ColumnUnit::Char);
    let end = file.line_index.line_col(&file.text, span.end as usize, ColumnUnit::Char);
    Json::obj()
        .with("file", Json::str(&file.name))
        .with("line", Json::int(u64::from(start.line) + 1))
        .with("column", Json::int(u64::from(start.col) + 1))
        .with("end_line", Json::int(u64::from(end.line) + 1))
        .with("end_column", Json::int(u64::from(end.col) + 1))
}

fn element(model: &Model, sources: &SourceMap, id: ElementId, e: &Element) -> Json {
    let mut o = Json::obj()
        .with("kind", Json::str(e.kind.keyword()))
        .with("name", Json::str(e.name.as_str()))
        .with("path", Json::str(model.path_of(id)))
        .with("label", Json::opt_str(e.label.as_deref()))
        .with("variant", Json::opt_str(e.variant.as_deref()))
        .with("parent", e.parent.map_or(Json::Null, |p| Json::str(model.path_of(p))))
        .with("location", location(sources, e.span))
        .with("attributes", Json::Arr(e.attrs().iter().map(|a| attribute(model, a)).collect()));
    if !e.steps.is_empty() {
        let steps = e
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Json::obj()
                    .with("number", Json::int(i as u64 + 1))
                    .with("from", value(model, &s.from))
                    .with("to", value(model, &s.to))
                    .with("async", Json::Bool(s.is_async))
                    .with("label", Json::opt_str(s.label.as_deref()))
                    .with("protocol", Json::opt_str(s.protocol.as_deref()))
                    .with("latency", s.latency.as_ref().map_or(Json::Null, literal))
                    .with("options", Json::Arr(s.options.iter().map(|a| attribute(model, a)).collect()))
                    .with("location", location(sources, s.span))
            })
            .collect();
        o = o.with("steps", Json::Arr(steps));
    }
    if !e.endpoints.is_empty() {
        let eps = e
            .endpoints
            .iter()
            .map(|ep| {
                Json::obj()
                    .with("method", Json::str(ep.method.as_str()))
                    .with("target", Json::str(ep.target.as_str()))
                    .with("request", ep.request.as_ref().map_or(Json::Null, |v| value(model, v)))
                    .with("response", ep.response.as_ref().map_or(Json::Null, |v| value(model, v)))
                    .with("summary", Json::opt_str(ep.summary.as_deref()))
                    .with("options", Json::Arr(ep.options.iter().map(|a| attribute(model, a)).collect()))
                    .with("location", location(sources, ep.span))
            })
            .collect();
        o = o.with("endpoints", Json::Arr(eps));
    }
    if !e.fields.is_empty() {
        let fields = e
            .fields
            .iter()
            .map(|f| {
                Json::obj()
                    .with("name", Json::str(f.name.as_str()))
                    .with("type", Json::str(f.ty.as_str()))
                    .with("list", Json::Bool(f.list))
                    .with("modifiers", Json::Arr(f.modifiers.iter().map(|m| Json::str(m.as_str())).collect()))
                    .with("doc", Json::opt_str(f.doc.as_deref()))
            })
            .collect();
        o = o.with("fields", Json::Arr(fields));
    }
    o
}

fn attribute(model: &Model, a: &Attribute) -> Json {
    let args = a.args.iter().map(|arg| Json::Arr(arg.iter().map(|v| value(model, v)).collect())).collect();
    let mut o = Json::obj().with("name", Json::str(a.name())).with("args", Json::Arr(args));
    if !a.block.is_empty() {
        o = o.with("block", Json::Arr(a.block.iter().map(|b| attribute(model, b)).collect()));
    }
    o
}

fn value(model: &Model, v: &Value) -> Json {
    match &v.val {
        Val::Ref(id) => Json::obj()
            .with("ref", Json::str(model.path_of(*id)))
            .with("kind", Json::str(model.get(*id).map_or("?", |e| e.kind.keyword()))),
        Val::Unresolved(n) => Json::obj().with("unresolved", Json::str(&**n)),
        Val::Text(t) => Json::str(t.as_str()),
        Val::Word(t) => Json::str(t.as_str()),
        Val::Lit(l) => literal(l),
        Val::Bool(b) => Json::Bool(*b),
        Val::Hole => Json::Null,
    }
}

fn literal(l: &Literal) -> Json {
    let text = Json::str(l.to_string());
    match *l {
        Literal::Int(n) => Json::int(n),
        Literal::Float(x) => Json::float(x),
        Literal::Count(n) => Json::obj().with("count", text).with("value", Json::int(n)),
        Literal::Duration(ns) => Json::obj().with("duration", text).with("ms", Json::float(ns as f64 / 1e6)),
        Literal::Rate(r) => Json::obj().with("rate", text).with("per_second", Json::float(r)),
        Literal::Percent(p) => Json::obj().with("percent", text).with("value", Json::float(p)),
        Literal::Size(b) => Json::obj().with("size", text).with("bytes", Json::int(b)),
        Literal::Date { .. } => Json::obj().with("date", text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_printing_keeps_key_order_and_escapes() {
        let j = Json::obj()
            .with("z", Json::int(1))
            .with("a", Json::str("quote \" and \\ and \n"))
            .with("list", Json::Arr(vec![Json::Bool(true), Json::Null]))
            .with("nested", Json::Arr(vec![Json::obj().with("k", Json::float(0.5))]));
        let text = j.pretty();
        assert_eq!(
            text,
            "{\n  \"z\": 1,\n  \"a\": \"quote \\\" and \\\\ and \\n\",\n  \"list\": [true, null],\n  \"nested\": [\n    {\n      \"k\": 0.5\n    }\n  ]\n}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["a"], "quote \" and \\ and \n");
    }
}
