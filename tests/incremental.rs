//! Re-analysis with a parse cache: after one file changes, only that file is parsed again, the
//! syntax trees stay available, and the result is the same as a fresh analysis.

use std::path::{Path, PathBuf};

use archc::diagnostics::Diagnostic;
use archc::driver::{analyze_workspace, analyze_workspace_cached, ParseCache, RunOptions};
use archc::host::MemHost;

const ROOT: &str = "/ws";

fn host(files: &[(&str, &str)]) -> MemHost {
    let mut host = MemHost::default();
    for (name, text) in files {
        host.insert(&Path::new(ROOT).join(name), text.as_bytes().to_vec());
    }
    host
}

fn rendered(diags: &[Diagnostic]) -> Vec<String> {
    diags.iter().map(|d| format!("{}@{:?} {}", d.code.id, d.span(), d.message)).collect()
}

#[test]
fn an_edit_reparses_only_the_edited_file() {
    let files = [
        ("arch.toml", ""),
        (
            "a.arch",
            "import \"b.arch\"\nteam t\ncomponent a {\n  owner t\n  uses b sync { timeout 1s circuit-breaker }\n}\n",
        ),
        ("b.arch", "import \"c.arch\"\ncomponent b {\n  owner t\n  uses c sync { timeout 1s circuit-breaker }\n}\n"),
        ("c.arch", "import \"a.arch\"\ncomponent c {\n  owner t\n  standalone\n}\n"),
    ];
    let root = PathBuf::from(ROOT);
    let opts = RunOptions::default();
    let inputs = [root.clone()];
    let mut cache = ParseCache::default();
    let first = analyze_workspace_cached(&host(&files), &root, &inputs, &opts, &mut cache);
    assert_eq!((cache.parsed, cache.reused), (3, 0));
    assert!(
        first.workspace.files.iter().all(|f| first.tree(f.id).is_some_and(|t| !t.items.is_empty())),
        "the trees are kept"
    );

    // `c` now calls a component that does not exist.
    let mut edited = files;
    edited[3].1 =
        "import \"a.arch\"\ncomponent c {\n  owner t\n  uses nowhere sync { timeout 1s circuit-breaker }\n}\n";
    let host = host(&edited);
    let second = analyze_workspace_cached(&host, &root, &inputs, &opts, &mut cache);
    assert_eq!((cache.parsed, cache.reused), (1, 2));
    let fresh = analyze_workspace(&host, &root, &inputs, &opts);
    assert_eq!(rendered(&second.diagnostics), rendered(&fresh.diagnostics));
    assert!(second.diagnostics.iter().any(|d| d.code.id == "HYG001"), "{:?}", rendered(&second.diagnostics));
    assert_eq!(second.model.dump(), fresh.model.dump());

    // Unchanged input: nothing is parsed.
    let third = analyze_workspace_cached(&host, &root, &inputs, &opts, &mut cache);
    assert_eq!((cache.parsed, cache.reused), (0, 3));
    assert_eq!(rendered(&third.diagnostics), rendered(&fresh.diagnostics));
}
