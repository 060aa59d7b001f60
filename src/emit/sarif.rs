//! SARIF 2.1.0 output of `archc check --format sarif`: the rule registry as the tool's rules,
//! findings as results with locations, fingerprints and suppressions.

use serde_json::{json, Value};

use crate::check::registry;
use crate::diagnostics::{codes, Code, Diagnostic, Severity, SuppressionKind};
use crate::source::{ColumnUnit, SourceMap, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://github.com/archc/archc";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Every code a result may carry: the front end's and the registry's, in code order.
fn all_codes() -> Vec<(Code, Option<&'static crate::check::Rule>)> {
    let mut out: Vec<(Code, Option<&'static crate::check::Rule>)> =
        codes::ALL.iter().filter(|c| registry::find(c.id).is_none()).map(|c| (*c, None)).collect();
    out.extend(registry::rules().iter().map(|r| (r.code, Some(*r))));
    out.sort_by_key(|c| c.0.id);
    out
}

fn region(sources: &SourceMap, span: Span) -> Value {
    match sources.get(span.file) {
        Some(f) => {
            let a = f.line_index.line_col(&f.text, span.start as usize, ColumnUnit::Utf16);
            let b = f.line_index.line_col(&f.text, span.end as usize, ColumnUnit::Utf16);
            json!({ "startLine": a.line + 1, "startColumn": a.col + 1, "endLine": b.line + 1, "endColumn": b.col + 1 })
        }
        None => json!({ "startLine": 1 }),
    }
}

/// A relative path as a URI reference: every byte but unreserved characters and `/` is
/// percent-encoded (SARIF's `uri` is a URI, and a space or `#` in a file name would break it).
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(sources: &SourceMap, span: Span, message: Option<&str>) -> Value {
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri_reference(&sources.display_name(span.file)) },
            "region": region(sources, span),
        }
    });
    if let Some(m) = message.filter(|m| !m.is_empty()) {
        loc["message"] = json!({ "text": m });
    }
    loc
}

/// A custom rule of a workspace, as SARIF rule metadata: the rule and its declaration as text.
pub struct CustomRuleMeta<'a> {
    pub rule: &'a crate::check::custom::CustomRule,
    pub declaration: String,
}

/// Renders one SARIF log for the diagnostics of one or more workspaces.
pub fn to_sarif(groups: &[(&SourceMap, &[Diagnostic])]) -> String {
    to_sarif_with(groups, &[])
}

/// [`to_sarif`] with the workspaces' custom rules among the tool's rules, after the built-in
/// ones (a result's `ruleIndex` points at them like at any rule).
pub fn to_sarif_with(groups: &[(&SourceMap, &[Diagnostic])], custom: &[CustomRuleMeta<'_>]) -> String {
    let mut codes = all_codes();
    let mut custom_help = Vec::new();
    for c in custom {
        if codes.iter().all(|(code, _)| code.id != c.rule.code.id) {
            codes.push((c.rule.code, None));
            custom_help.push((c.rule.code.id, c));
        }
    }
    let rules: Vec<Value> = codes
        .iter()
        .map(|(code, rule)| {
            if let Some((_, c)) = custom_help.iter().find(|(id, _)| *id == code.id) {
                // A custom rule's name is its id, and SARIF wants a `name` only when it differs.
                return json!({
                    "id": code.id,
                    "shortDescription": { "text": c.rule.summary },
                    "fullDescription": { "text": format!("{} {}", code.summary, c.rule.summary) },
                    "help": { "text": format!("{}\n\nAs declared in the model:\n\n{}", c.rule.summary, indent(&c.declaration)) },
                    "helpUri": format!("{INFO_URI}/blob/main/grammar/REFERENCE.md#custom-rules"),
                    "defaultConfiguration": { "level": level(code.severity) },
                    "properties": { "category": "custom", "kind": c.rule.kind.as_str() },
                });
            }
            let full = rule.map_or(code.summary, |r| r.explanation);
            let mut help = format!("{full}\n\nRun `archc explain {}` for examples.", code.id);
            if let Some(r) = rule {
                help =
                    format!("{full}\n\nFailing example:\n\n{}\nPassing example:\n\n{}", indent(r.bad), indent(r.good));
            }
            json!({
                "id": code.id,
                "name": code.name,
                "shortDescription": { "text": code.summary },
                "fullDescription": { "text": full },
                "help": { "text": help },
                "helpUri": format!("{INFO_URI}/blob/main/docs/rules.md#{}", code.id.to_ascii_lowercase()),
                "defaultConfiguration": { "level": level(code.severity) },
                "properties": { "category": rule.map_or("front-end", |r| r.category.as_str()) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (sources, diags) in groups {
        for d in diags.iter() {
            let rule_index = codes.iter().position(|c| c.0.id == d.code.id).unwrap_or(0);
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!(" (help: {h})"));
            }
            let mut r = json!({
                "ruleId": d.code.id,
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": { "text": message },
                "partialFingerprints": { "archcFingerprint/v1": d.fingerprint() },
            });
            if let Some(p) = &d.primary {
                r["locations"] = json!([location(sources, p.span, None)]);
            }
            if !d.secondary.is_empty() {
                let related: Vec<Value> = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        let mut v = location(sources, l.span, Some(&l.message));
                        v["id"] = json!(i + 1);
                        v
                    })
                    .collect();
                r["relatedLocations"] = json!(related);
            }
            if let Some(s) = &d.suppression {
                let kind = match s.kind {
                    SuppressionKind::InSource => "inSource",
                    SuppressionKind::Baseline => "external",
                };
                r["suppressions"] = json!([{ "kind": kind, "justification": s.justification }]);
            }
            results.push(r);
        }
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "archc",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFO_URI,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
