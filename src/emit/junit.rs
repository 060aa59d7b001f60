//! JUnit XML: one test case per enabled rule; each finding is a failure of its rule's case.

use std::collections::BTreeMap;

use crate::check::registry;
use crate::diagnostics::Diagnostic;
use crate::source::{ColumnUnit, SourceMap};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids: a document holding one is not well-formed.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

struct Failure {
    message: String,
    severity: &'static str,
    text: String,
}

pub fn to_junit(groups: &[(&SourceMap, &[Diagnostic])]) -> String {
    // Test cases by code: each registry rule, plus any other code that produced a diagnostic.
    let mut cases: BTreeMap<&'static str, (&'static str, Vec<Failure>)> = BTreeMap::new();
    for r in registry::rules() {
        cases.insert(r.code.id, (r.code.name, Vec::new()));
    }
    for (sources, diags) in groups {
        for d in diags.iter().filter(|d| d.suppression.is_none()) {
            let loc = d.primary.as_ref().and_then(|p| {
                sources.get(p.span.file).map(|f| {
                    let lc = f.line_index.line_col(&f.text, p.span.start as usize, ColumnUnit::Char);
                    format!("{}:{}:{}", sources.display_name(p.span.file), lc.line + 1, lc.col + 1)
                })
            });
            let text = format!("{}{}", loc.map(|l| format!("{l}: ")).unwrap_or_default(), d.message);
            cases.entry(d.code.id).or_insert((d.code.name, Vec::new())).1.push(Failure {
                message: d.message.clone(),
                severity: d.severity.as_str(),
                text: format!("{text}\nfingerprint: {}", d.fingerprint()),
            });
        }
    }
    let failing_cases = cases.values().filter(|c| !c.1.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"archc\" tests=\"{}\" failures=\"{failing_cases}\">\n", cases.len()));
    out.push_str(&format!(
        "  <testsuite name=\"archc check\" tests=\"{}\" failures=\"{failing_cases}\" errors=\"0\" skipped=\"0\">\n",
        cases.len()
    ));
    for (code, (name, failures)) in &cases {
        out.push_str(&format!("    <testcase classname=\"archc.{code}\" name=\"{name}\""));
        if failures.is_empty() {
            out.push_str("/>\n");
        } else {
            out.push_str(">\n");
            // JUnit allows one failure element per case; further findings go to system-out.
            if let Some(first) = failures.first() {
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    xml(&first.message),
                    first.severity,
                    xml(&first.text)
                ));
            }
            if failures.len() > 1 {
                let rest: Vec<&str> = failures[1..].iter().map(|f| f.text.as_str()).collect();
                out.push_str(&format!("      <system-out>{}</system-out>\n", xml(&rest.join("\n"))));
            }
            out.push_str("    </testcase>\n");
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
