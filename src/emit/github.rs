//! GitHub Actions workflow commands (`::error file=...::message`), one line per finding.

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{ColumnUnit, SourceMap};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn to_github(groups: &[(&SourceMap, &[Diagnostic])]) -> String {
    let mut out = String::new();
    for (sources, diags) in groups {
        for d in diags.iter().filter(|d| d.suppression.is_none()) {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "notice",
            };
            let mut props = vec![format!("title={}", escape_property(&format!("{} {}", d.code.id, d.code.name)))];
            if let Some(p) = &d.primary {
                if let Some(f) = sources.get(p.span.file) {
                    let a = f.line_index.line_col(&f.text, p.span.start as usize, ColumnUnit::Char);
                    let b = f.line_index.line_col(&f.text, p.span.end as usize, ColumnUnit::Char);
                    props.insert(0, format!("file={}", escape_property(&sources.display_name(p.span.file))));
                    props.insert(1, format!("line={}", a.line + 1));
                    props.insert(2, format!("col={}", a.col + 1));
                    props.insert(3, format!("endLine={}", b.line + 1));
                    props.insert(4, format!("endColumn={}", b.col + 1));
                }
            }
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            out.push_str(&format!("::{command} {}::{}\n", props.join(","), escape_data(&message)));
        }
    }
    out
}
