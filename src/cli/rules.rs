//! `archc rules` and `archc explain`: the registry as documentation, and the custom rules a
//! workspace declares.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::check::custom::CustomRule;
use crate::check::registry;
use crate::check::Rule;
use crate::host::Host;

/// A custom rule as the CLI shows it: the rule, its declaration as text, and where it is.
pub(crate) struct Declared {
    /// The declared name; the code too, unless the rule replaces a built-in one's defaults.
    pub name: String,
    pub rule: CustomRule,
    pub text: String,
    pub location: String,
}

/// The custom rules of the workspaces at `paths`, or of the current folder when it holds an
/// `arch.toml`; a workspace that does not parse still lists the rules that do.
pub(crate) fn declared(host: &dyn Host, paths: &[PathBuf]) -> Vec<Declared> {
    let paths: Vec<PathBuf> = if paths.is_empty() && host.is_file(Path::new("arch.toml")) {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    if paths.is_empty() {
        return Vec::new();
    }
    let outcome = crate::driver::analyze_paths(host, &paths);
    let mut out = Vec::new();
    for a in &outcome.analyses {
        for rule in crate::check::custom::rules_of(&a.model) {
            let location = a
                .workspace
                .sources
                .get(rule.span.file)
                .map(|f| {
                    let lc = f.line_index.line_col(&f.text, rule.span.start as usize, crate::source::ColumnUnit::Char);
                    format!("{}:{}", a.workspace.sources.display_name(rule.span.file), lc.line + 1)
                })
                .unwrap_or_default();
            let name = a.model.name_of(rule.element).to_string();
            out.push(Declared { name, text: rule.describe(&a.model), rule, location });
        }
    }
    out
}

pub fn list(host: &dyn Host, paths: &[PathBuf], as_json: bool) -> i32 {
    let rules = registry::rules();
    let custom = declared(host, paths);
    let mut out = String::new();
    if as_json {
        let items: Vec<serde_json::Value> =
            rules.iter().map(|r| rule_json(r)).chain(custom.iter().map(custom_json)).collect();
        let text =
            serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": items })).unwrap_or_default();
        let _ = writeln!(out, "{text}");
        return super::finish_stdout(&out);
    }
    let _ = writeln!(out, "{:<8} {:<36} {:<12} {:<8} summary", "code", "name", "category", "level");
    for r in rules {
        let _ = writeln!(
            out,
            "{:<8} {:<36} {:<12} {:<8} {}",
            r.code.id,
            r.code.name,
            r.category.as_str(),
            r.code.severity.as_str(),
            r.code.summary
        );
    }
    for c in &custom {
        let _ = writeln!(
            out,
            "{:<8} {:<36} {:<12} {:<8} {}",
            c.rule.code.id,
            c.name,
            "custom",
            c.rule.code.severity.as_str(),
            c.rule.summary
        );
    }
    if custom.is_empty() {
        let _ = writeln!(out, "\n{} rules; `archc explain CODE` shows one with examples", rules.len());
    } else {
        let _ =
            writeln!(out, "\n{} rules and {} custom rules; `archc explain CODE` shows one", rules.len(), custom.len());
    }
    super::finish_stdout(&out)
}

fn custom_json(c: &Declared) -> serde_json::Value {
    serde_json::json!({
        "code": c.rule.code.id,
        "name": c.name,
        "category": "custom",
        "severity": c.rule.code.severity.as_str(),
        "summary": c.rule.summary,
        "kind": c.rule.kind.as_str(),
        "declaration": c.text,
        "location": c.location,
    })
}

fn rule_json(r: &Rule) -> serde_json::Value {
    let options: Vec<serde_json::Value> = r
        .options
        .iter()
        .map(|o| serde_json::json!({ "name": o.name, "default": o.default, "description": o.doc }))
        .collect();
    serde_json::json!({
        "code": r.code.id,
        "name": r.code.name,
        "category": r.category.as_str(),
        "severity": r.code.severity.as_str(),
        "summary": r.code.summary,
        "explanation": r.explanation,
        "failing_example": r.bad,
        "passing_example": r.good,
        "options": options,
    })
}

pub fn explain(host: &dyn Host, paths: &[PathBuf], key: &str) -> i32 {
    let custom = if registry::find(key).is_some() { Vec::new() } else { declared(host, paths) };
    if let Some(c) = custom.iter().find(|c| c.name == key) {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} (custom {} rule, level {}, declared at {})\n",
            c.name,
            c.rule.kind.as_str(),
            c.rule.code.severity.as_str(),
            c.location
        );
        let _ = writeln!(out, "{}\n", c.rule.summary);
        let _ = writeln!(out, "As the checker reads it:\n");
        for line in c.text.lines() {
            let _ = writeln!(out, "    {line}");
        }
        let _ = writeln!(
            out,
            "\nIts level is the rule's `severity`; accept a finding with `accept {}@element \"why\"`.",
            c.rule.code.id
        );
        return super::finish_stdout(&out);
    }
    let Some(r) = registry::find(key) else {
        let candidates = registry::rules()
            .iter()
            .flat_map(|r| [r.code.id, r.code.name])
            .chain(custom.iter().map(|c| c.name.as_str()));
        let suggestion = crate::diagnostics::did_you_mean(key, candidates)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        eprintln!("error: no rule `{key}`{suggestion}\n  help: `archc rules` lists them all");
        return super::EXIT_ERROR;
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({}, default level {})\n",
        r.code.id,
        r.code.name,
        r.category.as_str(),
        r.code.severity.as_str()
    );
    let _ = writeln!(out, "{}\n", r.code.summary);
    let _ = writeln!(out, "{}\n", r.explanation);
    let _ = writeln!(out, "Failing example:\n");
    for line in r.bad.lines() {
        let _ = writeln!(out, "    {line}");
    }
    let _ = writeln!(out, "\nPassing example:\n");
    for line in r.good.lines() {
        let _ = writeln!(out, "    {line}");
    }
    if !r.options.is_empty() {
        let _ = writeln!(out, "\nOptions (in arch.toml under [rules.{}]):", r.code.name);
        for o in r.options {
            let _ = writeln!(out, "    {} = {}    {}", o.name, o.default, o.doc);
        }
    }
    let _ = writeln!(
        out,
        "\nTo change its level: `{} = \"warning\"` (error, warning, note, off) under [rules] in arch.toml.",
        r.code.name
    );
    super::finish_stdout(&out)
}
