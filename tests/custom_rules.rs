//! Custom rules through the `archc` binary: `rules` and `explain` list and show a workspace's own
//! rules, `check` fails on their error findings, and a baseline records and then silences them.

use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/run.rs"]
mod run;

use run::text;

fn marketplace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/marketplace")
}

fn archc_in(dir: &Path, args: &[&str]) -> Output {
    run::output(run::archc(args).current_dir(dir).env("NO_COLOR", "1"))
}

/// A copy of `examples/marketplace` plus `extra` as `violations.arch`.
fn workspace_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(marketplace()).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap_or_default())).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(dir.path().join("violations.arch"), extra).unwrap_or_else(|e| panic!("{e}"));
    dir
}

#[test]
fn rules_lists_a_workspaces_own_rules_after_the_built_in_ones() {
    let path = marketplace().to_string_lossy().into_owned();
    let o = archc_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["rules", &path]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    let line = out.lines().find(|l| l.starts_with("own_context_only ")).expect("own_context_only listed");
    assert!(line.contains("custom") && line.contains("error"), "{line}");
    // Rules that replace a built-in rule's defaults are listed under its code.
    assert!(out.lines().any(|l| l.starts_with("CPL002") && l.contains("layering") && l.contains("custom")), "{out}");
    assert!(out.contains("rules and 8 custom rules"), "{out}");
    // Run inside the workspace, the path may be left out.
    assert_eq!(text(&archc_in(&marketplace(), &["rules"]).stdout), out);
    // Without a workspace only the built-in rules are listed.
    let bare = text(&archc_in(&std::env::temp_dir(), &["rules"]).stdout);
    assert!(!bare.contains("own_context_only") && !bare.contains("custom rules"));
    let json: serde_json::Value =
        serde_json::from_slice(&archc_in(&marketplace(), &["rules", "--format", "json"]).stdout).expect("JSON");
    let rule = json["rules"].as_array().unwrap().iter().find(|r| r["name"] == "backed_up").expect("backed_up");
    assert_eq!(rule["category"], "custom");
    assert_eq!(rule["kind"], "assert");
    assert!(rule["declaration"].as_str().unwrap().contains("then { has backup }"), "{rule}");
}

#[test]
fn explain_shows_a_custom_rule_as_the_checker_reads_it() {
    let o = archc_in(&marketplace(), &["explain", "gateway_in_front"]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.starts_with("gateway_in_front (custom required rule, level error, declared at rules.arch:"), "{out}");
    assert!(out.contains("via { kind gateway }") && out.contains("accept gateway_in_front@element"), "{out}");
    let typo = archc_in(&marketplace(), &["explain", "gateway_in_frnt"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(text(&typo.stderr).contains("did you mean `gateway_in_front`?"), "{}", text(&typo.stderr));
}

#[test]
fn custom_findings_fail_the_run_and_a_baseline_silences_them() {
    let ws = workspace_with("import \"contexts.arch\"\n\ncomponent reports_api {\n  kind service\n  zone core\n  system fieldmarket\n  owner orders_team\n  uses billing_db { access read }\n}\n");
    let o = archc_in(ws.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let out = text(&o.stdout);
    assert!(out.contains("own_context_only@reports_api@billing_db"), "{out}");
    assert!(out.contains("`reports_api` reaches into another context's `billing_db`"), "{out}");
    let baseline = ws.path().join("baseline.json");
    let b = baseline.to_string_lossy().into_owned();
    assert_eq!(archc_in(ws.path(), &["check", "--write-baseline", &b]).status.code(), Some(1));
    assert!(std::fs::read_to_string(&baseline).unwrap_or_default().contains("own_context_only@reports_api@billing_db"));
    let again = archc_in(ws.path(), &["check", "--baseline", &b]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
}
