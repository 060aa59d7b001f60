//! GitLab Code Quality report: a JSON array of issues (`description`, `check_name`, `fingerprint`,
//! `severity`, `location.path`, `location.lines.begin`), the subset of the Code Climate format that
//! GitLab reads for merge request widgets.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{ColumnUnit, SourceMap};

/// FNV-1a, 64 bits: a short, stable fingerprint that does not depend on the Rust version.
fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

pub fn to_codequality(groups: &[(&SourceMap, &[Diagnostic])]) -> String {
    let mut issues = Vec::new();
    // GitLab wants fingerprints unique per report; the same finding twice in a file gets a count.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (sources, diags) in groups {
        for d in diags.iter().filter(|d| d.suppression.is_none()) {
            let (path, line) = match &d.primary {
                Some(p) => match sources.get(p.span.file) {
                    Some(f) => {
                        let at = f.line_index.line_col(&f.text, p.span.start as usize, ColumnUnit::Char);
                        (sources.display_name(p.span.file), at.line + 1)
                    }
                    None => (String::new(), 1),
                },
                None => ("arch.toml".to_string(), 1),
            };
            let key = format!("{path}:{}", d.fingerprint());
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Note => "info",
            };
            let mut description = format!("{} {}: {}", d.code.id, d.code.name, d.message);
            if let Some(h) = &d.help {
                description.push_str(" (help: ");
                description.push_str(h);
                description.push(')');
            }
            let issue: Value = json!({
                "type": "issue",
                "description": description,
                "check_name": d.code.id,
                "categories": ["Bug Risk"],
                "fingerprint": format!("{:016x}", fnv64(&format!("{key}#{n}"))),
                "severity": severity,
                "location": { "path": path, "lines": { "begin": line } },
            });
            issues.push(issue);
        }
    }
    serde_json::to_string_pretty(&Value::Array(issues)).unwrap_or_default() + "\n"
}
