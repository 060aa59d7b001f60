//! The standard library catalogue in the language reference (`grammar/REFERENCE.md`, between the
//! `std` markers) is generated from the embedded `std/` modules: the test fails when they differ
//! and rewrites the section when run with `UPDATE_REFERENCE=1`.

use std::fmt::Write as _;
use std::path::PathBuf;

use archc::driver::analyze_paths;
use archc::host::MemHost;
use archc::semantic::model::{Element, Model, Val};
use archc::syntax::schema::DeclKind;

const BEGIN: &str = "<!-- BEGIN GENERATED: std -->";
const END: &str = "<!-- END GENERATED: std -->";

fn reference_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("grammar/REFERENCE.md")
}

/// The model of a workspace that imports every std module, and nothing else.
fn std_model() -> Model {
    let imports: String = archc::stdlib::MODULES.iter().map(|(m, _)| format!("import std.{m}\n")).collect();
    let host = MemHost::new([("/ws/main.arch", imports.as_str())]);
    let mut outcome = analyze_paths(&host, &[PathBuf::from("/ws")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let a = outcome.analyses.remove(0);
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    a.model
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The values of an attribute as written: words and texts as they are, references by name.
fn values(model: &Model, e: &Element, name: &str) -> Vec<String> {
    e.attrs_named(name)
        .flat_map(|a| a.values())
        .filter_map(|v| match &v.val {
            Val::Word(w) => Some(w.to_string()),
            Val::Text(w) => Some(w.to_string()),
            Val::Ref(id) => Some(model.name_of(*id).to_string()),
            _ => None,
        })
        .collect()
}

fn code_list(items: &[String]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn yes(e: &Element, flag: &str) -> &'static str {
    if e.has_flag(flag) {
        "yes"
    } else {
        ""
    }
}

fn of_kind(model: &Model, kind: DeclKind) -> Vec<&Element> {
    model.elements.iter().filter(|e| e.from_std && e.kind == kind).collect()
}

fn generate(model: &Model) -> String {
    let mut out = String::new();
    let techs = of_kind(model, DeclKind::Technology);
    let _ = writeln!(out, "### Technologies (`std.tech`, {} entries)\n", techs.len());
    out.push_str(
        "\"Protocol\" is what a fresh installation speaks before anyone configures it: the default the\n\
         transit rules use for a link to an element with that `tech`. \"At rest\" is encryption of stored\n\
         data by default, with no configuration.\n\n",
    );
    out.push_str("| Name | Product | Kind | Protocol | TLS | Replication | At rest | Managed | Notes |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for t in techs {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | `{}` | {} | {} | {} | {} | {} |",
            t.name,
            cell(t.label.as_deref().unwrap_or("")),
            t.word("kind").unwrap_or(""),
            t.word("protocol").unwrap_or(""),
            yes(t, "tls"),
            yes(t, "replication"),
            yes(t, "encrypts-at-rest"),
            yes(t, "managed"),
            cell(t.text("summary").unwrap_or("")),
        );
    }
    let controls = of_kind(model, DeclKind::Control);
    let _ = writeln!(out, "\n### Security controls (`std.security`, {} entries)\n", controls.len());
    out.push_str("| Name | Control | Mitigates | OWASP ASVS |\n| --- | --- | --- | --- |\n");
    for c in controls {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            c.name,
            cell(c.label.as_deref().unwrap_or("")),
            values(model, c, "mitigates").join(", "),
            values(model, c, "asvs").join(", "),
        );
    }
    let profiles = of_kind(model, DeclKind::Profile);
    let _ = writeln!(out, "\n### Security profiles (`std.security`, {} entries)\n", profiles.len());
    out.push_str("| Name | Profile | Requires | Controls |\n| --- | --- | --- | --- |\n");
    for p in profiles {
        let mut requires = Vec::new();
        if let Some(a) = p.word("min-auth") {
            requires.push(format!("`min-auth {a}`"));
        }
        for flag in ["encrypted-in-transit", "encrypted-at-rest"] {
            if p.has_flag(flag) {
                requires.push(format!("`{flag}`"));
            }
        }
        if let Some(c) = p.word("max-classification") {
            requires.push(format!("`max-classification {c}`"));
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            p.name,
            cell(p.label.as_deref().unwrap_or("")),
            requires.join(", "),
            code_list(&values(model, p, "controls")),
        );
    }
    out
}

#[test]
fn the_reference_lists_the_std_catalogue_as_it_is() {
    let path = reference_path();
    let doc = std::fs::read_to_string(&path).expect("REFERENCE.md");
    let start = doc.find(BEGIN).expect("std BEGIN marker") + BEGIN.len();
    let end = start + doc[start..].find(END).expect("std END marker");
    let expected = format!("\n\n{}\n", generate(&std_model()).trim_end()) + "\n";
    if doc[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::write(&path, format!("{}{expected}{}", &doc[..start], &doc[end..])).expect("write REFERENCE.md");
        return;
    }
    panic!(
        "the std catalogue in grammar/REFERENCE.md is stale; run `UPDATE_REFERENCE=1 cargo test --test std_catalogue`"
    );
}

#[test]
fn the_catalogue_has_what_real_estates_use() {
    let model = std_model();
    for name in
        ["oracle", "openldap", "active_directory", "postfix", "exchange", "tomcat", "jenkins", "gitlab", "sqlserver"]
    {
        let id = model.lookup(name).unwrap_or_else(|| panic!("std.tech has no `{name}`"));
        assert_eq!(model.get(id).map(|e| e.kind), Some(DeclKind::Technology), "{name}");
    }
    // What the transit rules rely on: LDAP and Oracle Net start in plaintext, Exchange clients on HTTPS.
    let protocol = |name: &str| model.lookup(name).and_then(|id| model.get(id)).and_then(|e| e.word("protocol"));
    assert_eq!(protocol("openldap"), Some("ldap"));
    assert_eq!(protocol("oracle"), Some("tcp"));
    assert_eq!(protocol("exchange"), Some("https"));
}
