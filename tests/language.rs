//! The language as a workspace sees it (issue 11): one namespace per workspace, an interface
//! provided once, nesting, landscape relations and return steps. Each test runs the driver on
//! an in-memory workspace and asserts on the diagnostics and the model a user would see.

use std::path::{Path, PathBuf};

use archc::diagnostics::Diagnostic;
use archc::driver::{analyze_paths, Analysis};
use archc::host::MemHost;

const ROOT: &str = "/ws";

fn host(files: &[(&str, &str)]) -> MemHost {
    let mut host = MemHost::default();
    for (name, text) in files {
        host.insert(&Path::new(ROOT).join(name), text.as_bytes().to_vec());
    }
    host
}

/// Analyses `paths` (relative to the workspace root) of a workspace made of `files`.
fn analyse_paths(files: &[(&str, &str)], paths: &[&str]) -> Analysis {
    let host = host(files);
    let paths: Vec<PathBuf> = paths.iter().map(|p| Path::new(ROOT).join(p)).collect();
    let mut outcome = analyze_paths(&host, &paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.analyses.len(), 1);
    outcome.analyses.remove(0)
}

fn analyse(files: &[(&str, &str)]) -> Analysis {
    analyse_paths(files, &[""])
}

fn codes(a: &Analysis) -> Vec<String> {
    a.diagnostics.iter().map(|d| format!("{} {}", d.code.id, d.message)).collect()
}

/// Front-end diagnostics only (syntax and resolution), not rule findings.
fn front_end(a: &Analysis) -> Vec<&Diagnostic> {
    a.diagnostics.iter().filter(|d| archc::diagnostics::codes::ALL.iter().any(|c| c.id == d.code.id)).collect()
}

fn file_of(a: &Analysis, span: archc::source::Span) -> &str {
    a.workspace.sources.name(span.file)
}

#[test]
fn files_refer_to_each_other_in_both_directions_without_imports() {
    // `system.arch` names a decision declared in a later file, and that file names the system's
    // team back: with file imports this needed a cycle, which was an error.
    let files = [
        ("arch.toml", ""),
        ("a_system.arch", "system shop {\n  owner web\n  style style_choice\n}\n"),
        (
            "b_decisions.arch",
            "team web { contact \"#web\" }\ndecision style_choice {\n  owner web\n  chosen modular\n  option modular\n}\n",
        ),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let shop = a.model.lookup("shop").and_then(|id| a.model.get(id)).expect("shop");
    assert!(shop.reference("style").is_some(), "the decision of a later file resolves");
}

#[test]
fn an_import_of_a_workspace_file_is_allowed_even_in_a_cycle() {
    let files = [
        ("arch.toml", ""),
        ("a.arch", "import \"b.arch\"\nteam ta { contact \"#a\" }\ndata A { owner tb }\n"),
        ("b.arch", "import \"a.arch\"\nteam tb { contact \"#b\" }\ndata B { owner ta }\n"),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
}

#[test]
fn a_file_checked_on_its_own_sees_its_whole_workspace() {
    let files = [
        ("arch.toml", ""),
        ("teams.arch", "team web { contact \"#web\" }\n"),
        ("shop/web.arch", "component storefront {\n  owner web\n}\n"),
    ];
    let a = analyse_paths(&files, &["shop/web.arch"]);
    assert!(!codes(&a).iter().any(|c| c.starts_with("HYG001")), "{:?}", codes(&a));
    let web = a.model.lookup("storefront").and_then(|id| a.model.get(id)).expect("storefront");
    assert!(web.reference("owner").is_some());
}

#[test]
fn a_std_module_imported_once_serves_the_whole_workspace() {
    let files = [
        ("arch.toml", ""),
        ("catalogue.arch", "import std.tech\n"),
        ("db.arch", "datastore orders_db {\n  tech postgres\n}\n"),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let db = a.model.lookup("orders_db").and_then(|id| a.model.get(id)).expect("db");
    assert!(db.reference("tech").is_some(), "`postgres` is the std catalogue entry");
}

#[test]
fn a_name_declared_in_two_files_is_an_error_with_both_places() {
    let files =
        [("arch.toml", ""), ("a.arch", "component orders {\n  standalone\n}\n"), ("b.arch", "datastore orders\n")];
    let a = analyse(&files);
    let dup: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "HYG002").collect();
    assert_eq!(dup.len(), 1, "{:?}", codes(&a));
    let primary = dup[0].primary.as_ref().expect("primary");
    let first = dup[0].secondary.first().expect("the first declaration is related");
    let mut files_named = [file_of(&a, primary.span), file_of(&a, first.span)];
    files_named.sort_unstable();
    assert_eq!(files_named, ["a.arch", "b.arch"]);
}

#[test]
fn a_second_exposes_of_an_interface_is_an_error_naming_the_first_provider() {
    let files = [
        ("arch.toml", ""),
        ("a.arch", "component billing {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest\n"),
        ("b.arch", "component ledger {\n  exposes BillingApi\n  standalone\n}\n"),
    ];
    let a = analyse(&files);
    let twice: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES008").collect();
    assert_eq!(twice.len(), 1, "{:?}", codes(&a));
    let d = twice[0];
    assert_eq!(d.message, "`BillingApi` is already provided by `billing`");
    let primary = d.primary.as_ref().expect("primary");
    assert_eq!(file_of(&a, primary.span), "b.arch", "reported at the second `exposes`");
    let related = d.secondary.first().expect("the first provider is related");
    assert_eq!(file_of(&a, related.span), "a.arch");
    assert!(d.help.as_deref().unwrap_or("").contains("one provider"), "{:?}", d.help);
}

#[test]
fn an_exposes_that_contradicts_the_interface_provider_is_an_error() {
    let text = "component billing {\n  standalone\n}\ncomponent ledger {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest {\n  provider billing\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let twice: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES008").collect();
    assert_eq!(twice.len(), 1, "{:?}", codes(&a));
    assert!(twice[0].secondary[0].message.contains("its `provider`"), "{:?}", twice[0].secondary);

    // The provider itself repeating it in `exposes` is consistent.
    let same = "component billing {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest {\n  provider billing\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", same)]);
    assert!(!codes(&a).iter().any(|c| c.starts_with("RES008")), "{:?}", codes(&a));
}
