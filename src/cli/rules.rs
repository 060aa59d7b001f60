//! `archc rules` and `archc explain`: the registry as documentation.

use std::fmt::Write;

use crate::check::registry;
use crate::check::Rule;

pub fn list(as_json: bool) -> i32 {
    let rules = registry::rules();
    let mut out = String::new();
    if as_json {
        let items: Vec<serde_json::Value> = rules.iter().map(|r| rule_json(r)).collect();
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
    let _ = writeln!(out, "\n{} rules; `archc explain CODE` shows one with examples", rules.len());
    super::finish_stdout(&out)
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

pub fn explain(key: &str) -> i32 {
    let Some(r) = registry::find(key) else {
        let suggestion =
            crate::diagnostics::did_you_mean(key, registry::rules().iter().flat_map(|r| [r.code.id, r.code.name]))
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
