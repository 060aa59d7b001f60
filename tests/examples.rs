//! The bundled examples: the real ones check clean, and `examples/flawed` reports exactly the
//! findings recorded in `tests/data/snapshots/flawed.findings.txt` (rewrite with
//! `UPDATE_SNAPSHOTS=1` after reviewing the change).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use archc::diagnostics::Diagnostic;
use archc::driver::{analyze_paths_with, RunOptions};
use archc::host::FsHost;
use archc::syntax::literal::Literal;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Analyzes one example as `archc check` would, with today's date fixed.
fn check(name: &str) -> Vec<Diagnostic> {
    let opts = RunOptions { today: Some(Literal::Date { year: 2026, month: 11, day: 26 }), baseline: None };
    let outcome = analyze_paths_with(&FsHost, &[root().join("examples").join(name)], &opts);
    assert!(outcome.errors.is_empty(), "{name}: {:?}", outcome.errors);
    outcome.analyses.into_iter().flat_map(|a| a.diagnostics).collect()
}

fn example_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("examples"))
        .map(|rd| {
            rd.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn every_real_example_checks_clean() {
    let names = example_names();
    assert!(names.len() >= 4, "expected shop, logistics, payments and flawed: {names:?}");
    // `holes` is deliberately unfinished: it is the input of `archc fill` (tests/fill.rs).
    for name in names.iter().filter(|n| *n != "flawed" && *n != "holes") {
        let open: Vec<String> = check(name)
            .iter()
            .filter(|d| d.suppression.is_none())
            .map(|d| format!("{} {} ({})", d.code.id, d.message, d.fingerprint()))
            .collect();
        assert!(open.is_empty(), "examples/{name} is not clean:\n{}", open.join("\n"));
    }
}

#[test]
fn the_flawed_example_reports_its_recorded_findings() {
    let diags = check("flawed");
    let codes: BTreeSet<&str> = diags.iter().filter(|d| d.suppression.is_none()).map(|d| d.code.id).collect();
    assert!(codes.len() >= 15, "only {} rules fire on examples/flawed: {codes:?}", codes.len());
    let mut text = String::new();
    for d in &diags {
        let state = if d.suppression.is_some() { " (accepted)" } else { "" };
        text.push_str(&format!("{} {} {}{state}: {}\n", d.severity.as_str(), d.code.id, d.fingerprint(), d.message));
    }
    let path: PathBuf = root().join("tests/data/snapshots/flawed.findings.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("{e}"));
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(expected == text, "examples/flawed findings changed; rerun with UPDATE_SNAPSHOTS=1 and review.\n--- expected\n{expected}\n--- actual\n{text}");
}

/// `examples/marketplace` checks clean with its own rules in force; each of those rules reports
/// the violation a new file adds, under the rule's name, or under the code of the built-in rule
/// whose defaults it replaces.
#[test]
fn the_marketplace_rules_catch_violations() {
    let source = root().join("examples/marketplace");
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(&source).expect("examples/marketplace") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let violations = r#"
import "contexts.arch"
import "rules.arch"

component reports_api {
  kind service
  uses billing_db { access read }
}
component legacy_gateway {
  kind gateway
}
component edge_writer {
  zone edge_zone
  uses orders_db { access write }
}
datastore audit_db {
  holds Order
}
interface ReportsApi rest {
  provider reports_api
}
component pci_proxy {
  zone pci
  owner platform_team
}
component report_job {
  layer data
  uses CatalogApi sync
}
flow scrape {
  buyer -> catalog_api "Scrapes prices past the gateway"
}
"#;
    std::fs::write(dir.path().join("violations.arch"), violations).expect("write");
    let opts = RunOptions { today: Some(Literal::Date { year: 2026, month: 11, day: 26 }), baseline: None };
    let outcome = analyze_paths_with(&FsHost, &[dir.path().to_path_buf()], &opts);
    let diags: Vec<Diagnostic> = outcome.analyses.into_iter().flat_map(|a| a.diagnostics).collect();
    let fired =
        |code: &str| -> Vec<String> { diags.iter().filter(|d| d.code.id == code).map(|d| d.fingerprint()).collect() };
    assert!(fired("RUL001").is_empty() && fired("RUL002").is_empty(), "{:?}", diags);
    let expected: &[(&str, &str)] = &[
        ("own_context_only", "own_context_only@reports_api@billing_db"),
        ("gateway_in_front", "gateway_in_front@buyer@catalog_api"),
        ("CPL004", "CPL004@legacy_gateway"),
        ("edge_never_touches_stores", "edge_never_touches_stores@edge_writer@orders_db"),
        ("backed_up", "backed_up@audit_db"),
        ("rest_has_auth", "rest_has_auth@ReportsApi"),
        ("pci_owned_by_champions", "pci_owned_by_champions@pci_proxy"),
        ("CPL002", "CPL002@report_job@catalog_api"),
    ];
    for (code, fingerprint) in expected {
        assert_eq!(fired(code), [fingerprint.to_string()], "rule {code}");
    }
}
