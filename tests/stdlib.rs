//! The standard library: every module loads cleanly when imported, is already in canonical format,
//! and holds what the rules rely on (complete catalogue entries, STRIDE coverage, ASVS references).

use std::collections::BTreeSet;
use std::path::PathBuf;

use archc::driver::{analyze_paths, Analysis};
use archc::host::FsHost;
use archc::semantic::model::{Element, Val};
use archc::source::FileId;
use archc::stdlib::MODULES;
use archc::syntax::schema::{DeclKind, STRIDE};

/// Analyzes a workspace made of `arch.toml` and one `main.arch` holding `source`.
fn analyze(source: &str) -> Analysis {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("arch.toml"), "").expect("write arch.toml");
    std::fs::write(dir.path().join("main.arch"), source).expect("write main.arch");
    let mut outcome = analyze_paths(&FsHost, &[PathBuf::from(dir.path())]);
    assert!(outcome.errors.is_empty(), "path errors: {:#?}", outcome.errors);
    assert_eq!(outcome.analyses.len(), 1, "one workspace expected");
    outcome.analyses.remove(0)
}

fn messages(a: &Analysis) -> Vec<String> {
    a.diagnostics.iter().map(|d| format!("{}: {}", d.code.id, d.message)).collect()
}

/// Syntax, name-resolution and import problems; model checks may add findings of their own.
fn front_end_problems(a: &Analysis) -> Vec<String> {
    let front = |id: &str| id.starts_with("SYN") || id.starts_with("RES") || id == "HYG001" || id == "HYG002";
    a.diagnostics.iter().filter(|d| front(d.code.id)).map(|d| format!("{}: {}", d.code.id, d.message)).collect()
}

fn std_elements(a: &Analysis, kind: DeclKind) -> Vec<&Element> {
    a.model.elements.iter().filter(|e| e.from_std && e.kind == kind).collect()
}

fn words(e: &Element, attr: &str) -> Vec<String> {
    e.attrs_named(attr)
        .flat_map(|a| a.values())
        .filter_map(|v| match &v.val {
            Val::Word(w) => Some(w.to_string()),
            Val::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn every_module_imports_without_diagnostics() {
    assert!(!MODULES.is_empty());
    for (module, _) in MODULES {
        let a = analyze(&format!("import std.{module}\n"));
        assert!(a.diagnostics.is_empty(), "std.{module}: {:#?}", messages(&a));
        assert!(a.model.elements.iter().any(|e| e.from_std), "std.{module} declares nothing");
    }
}

#[test]
fn all_modules_together_have_no_name_clashes() {
    let imports: String = MODULES.iter().map(|(m, _)| format!("import std.{m}\n")).collect();
    let a = analyze(&imports);
    assert!(a.diagnostics.is_empty(), "{:#?}", messages(&a));
}

#[test]
fn every_module_is_a_fixed_point_of_the_formatter() {
    for (module, text) in MODULES {
        match archc::fmt::format(FileId(0), text) {
            Ok(formatted) => assert!(
                formatted == *text,
                "std/{module}.arch is not formatted; run `archc fmt std`\n--- formatted ---\n{formatted}"
            ),
            Err(errors) => panic!("std/{module}.arch does not parse: {errors:#?}"),
        }
    }
}

#[test]
fn user_models_can_refer_to_catalogue_entries_and_profiles() {
    let a = analyze(
        r#"import std.tech
import std.security

team payments_team

datastore ledger {
  tech postgres
  owner payments_team
}

component payments {
  owner payments_team
  tech "Rust"
  profile pci_cde, baseline
  controls mutual_tls, audit_logging
  uses ledger
}

deployment prod {
  platform kubernetes
  node cluster {
    tech kubernetes
    runs payments
  }
}
"#,
    );
    assert!(front_end_problems(&a).is_empty(), "{:#?}", front_end_problems(&a));
}

#[test]
fn a_user_declaration_replaces_a_catalogue_entry() {
    let a = analyze(
        r#"import std.tech

technology postgres "Our hardened PostgreSQL" {
  kind database
  protocol postgres-tls
  tls
}
"#,
    );
    assert!(front_end_problems(&a).is_empty(), "{:#?}", front_end_problems(&a));
    let id = a.model.lookup("postgres").expect("postgres resolves");
    assert!(!a.model.get(id).expect("element").from_std, "the user's declaration wins");
}

#[test]
fn technology_entries_are_complete() {
    let a = analyze("import std.tech\n");
    let techs = std_elements(&a, DeclKind::Technology);
    assert!(techs.len() >= 25, "only {} technologies", techs.len());
    for t in &techs {
        for attr in ["kind", "protocol", "license", "vendor", "summary"] {
            assert!(t.attr(attr).is_some(), "technology `{}` has no `{attr}`", t.name);
        }
        assert!(t.label.is_some(), "technology `{}` has no display name", t.name);
        // Encrypting at rest by default is a claim about stores, never about proxies or runtimes.
        if t.has_flag("encrypts-at-rest") {
            let kind = t.word("kind").unwrap_or("");
            assert!(
                ["database", "object-store", "broker", "cache", "search", "vault"].contains(&kind),
                "`{}` ({kind}) claims encryption at rest",
                t.name
            );
        }
    }
    let names: BTreeSet<&str> = techs.iter().map(|t| t.name.as_str()).collect();
    for expected in ["postgres", "mysql", "redis", "kafka", "s3", "dynamodb", "vault", "kubernetes", "nginx"] {
        assert!(names.contains(expected), "missing `{expected}`");
    }
    // Self-hosted defaults are plaintext; the catalogue must not claim otherwise.
    let protocol = |n: &str| techs.iter().find(|t| t.name == n).and_then(|t| t.word("protocol")).map(str::to_string);
    assert_eq!(protocol("postgres").as_deref(), Some("postgres"));
    assert_eq!(protocol("redis").as_deref(), Some("redis"));
    assert_eq!(protocol("kafka").as_deref(), Some("kafka"));
    let flagged = |n: &str| techs.iter().any(|t| t.name == n && t.has_flag("encrypts-at-rest"));
    assert!(!flagged("postgres") && !flagged("mongodb") && !flagged("redis"));
    assert!(flagged("dynamodb") && flagged("s3"));
}

#[test]
fn controls_cover_every_stride_category_with_asvs_references() {
    let a = analyze("import std.security\n");
    let controls = std_elements(&a, DeclKind::Control);
    let mut covered = BTreeSet::new();
    for c in &controls {
        let threats = words(c, "mitigates");
        assert!(!threats.is_empty(), "control `{}` mitigates nothing", c.name);
        covered.extend(threats);
        let asvs = words(c, "asvs");
        assert!(!asvs.is_empty(), "control `{}` has no ASVS reference", c.name);
        for id in &asvs {
            let parts: Vec<&str> = id.strip_prefix('V').unwrap_or("").split('.').collect();
            let well_formed = parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.parse::<u8>().is_ok());
            assert!(well_formed, "control `{}`: `{id}` is not an ASVS 4.0.3 id such as `V9.1.1`", c.name);
            let chapter: u8 = parts[0].parse().unwrap_or(0);
            assert!((1..=14).contains(&chapter), "control `{}`: ASVS 4.0.3 has chapters V1 to V14, not `{id}`", c.name);
        }
        assert!(c.attr("summary").is_some(), "control `{}` has no summary", c.name);
    }
    let all: BTreeSet<String> = STRIDE.iter().map(|s| s.to_string()).collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(missing.is_empty(), "no control mitigates {missing:?}");
}

#[test]
fn profiles_name_controls_and_requirements() {
    let a = analyze("import std.security\n");
    let profiles = std_elements(&a, DeclKind::Profile);
    let names: BTreeSet<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    for expected in ["baseline", "internet_facing", "pci_cde", "pii_processing", "internal_batch"] {
        assert!(names.contains(expected), "missing profile `{expected}`");
    }
    for p in &profiles {
        assert!(p.references("controls").count() >= 3, "profile `{}` requires too few controls", p.name);
        assert!(p.attr("min-auth").is_some(), "profile `{}` has no `min-auth`", p.name);
        assert!(p.attr("max-classification").is_some(), "profile `{}` has no `max-classification`", p.name);
        assert!(p.has_flag("encrypted-in-transit"), "profile `{}` allows plaintext traffic", p.name);
    }
    let pci = profiles.iter().find(|p| p.name == "pci_cde").expect("pci_cde");
    assert!(pci.has_flag("encrypted-at-rest"));
    assert_eq!(pci.word("max-classification"), Some("restricted"));
}
