//! The rules reference, `docs/rules.md`, generated from the registry and the front end's codes so
//! that it cannot drift from `archc rules`, `archc explain` and SARIF (whose `helpUri` points at
//! the anchor of each code here). `tests/rules_doc.rs` fails when the checked-in file differs.

use super::registry;
use crate::diagnostics::codes;

/// The Markdown text of `docs/rules.md`.
pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# archc rules\n\n");
    out.push_str("Generated from the rule registry by `tests/rules_doc.rs` (run it with `UPDATE_SNAPSHOTS=1` to\n");
    out.push_str("rewrite this file); do not edit by hand. `archc explain CODE` prints the same text.\n\n");
    out.push_str("Change a rule's level under `[rules]` in `arch.toml` (`CODE = \"warning\"`, or `error`, `note`,\n");
    out.push_str("`off`) and its options under `[rules.CODE]`. A category sets all its rules at once\n");
    out.push_str("(`security = \"warning\"`); a rule's own entry wins over its category's.\n\n");
    out.push_str("Teams add their own rules with `rule` declarations in the model (see \"Custom rules\" in\n");
    out.push_str("`grammar/REFERENCE.md`); their code is the rule's name, and `archc rules PATH` lists them.\n\n");
    out.push_str("## Front-end codes\n\n");
    out.push_str("Problems reading, parsing and resolving the model. They are always errors; `IO` codes make the\n");
    out.push_str("exit code 2.\n\n");
    out.push_str("| Code | Name | Meaning |\n| --- | --- | --- |\n");
    // The resolver's HYG codes are rules too and are documented with them below.
    for c in codes::ALL.iter().filter(|c| registry::find(c.id).is_none()) {
        out.push_str(&format!(
            "| <a id=\"{}\"></a>{} | `{}` | {} |\n",
            c.id.to_ascii_lowercase(),
            c.id,
            c.name,
            cell(c.summary)
        ));
    }
    let mut category = None;
    for r in registry::rules() {
        if category != Some(r.category) {
            category = Some(r.category);
            let name = r.category.as_str();
            let mut title = name.to_string();
            title[..1].make_ascii_uppercase();
            out.push_str(&format!("\n## {title}\n"));
        }
        out.push_str(&format!("\n<a id=\"{}\"></a>\n\n", r.code.id.to_ascii_lowercase()));
        out.push_str(&format!("### {} `{}`\n\n", r.code.id, r.code.name));
        out.push_str(&format!("Default level: {}. {}\n\n", r.code.severity.as_str(), r.code.summary));
        out.push_str(r.explanation);
        out.push_str("\n\nFailing example:\n\n```arch\n");
        out.push_str(r.bad.trim_end());
        out.push_str("\n```\n\nPassing example:\n\n```arch\n");
        out.push_str(r.good.trim_end());
        out.push_str("\n```\n");
        if !r.options.is_empty() {
            out.push_str(&format!("\nOptions (under `[rules.{}]`):\n\n", r.code.id));
            out.push_str("| Option | Default | Meaning |\n| --- | --- | --- |\n");
            for o in r.options {
                out.push_str(&format!("| `{}` | {} | {} |\n", o.name, o.default, cell(o.doc)));
            }
        }
    }
    out
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_code_has_an_anchor() {
        let md = super::rules_markdown();
        for r in super::registry::rules() {
            assert!(md.contains(&format!("<a id=\"{}\"></a>", r.code.id.to_ascii_lowercase())), "{}", r.code.id);
        }
        for c in super::codes::ALL {
            let anchor = format!("<a id=\"{}\"></a>", c.id.to_ascii_lowercase());
            assert_eq!(md.matches(&anchor).count(), 1, "{}", c.id);
        }
    }
}
