//! End-to-end tests of the `archc` binary: exit codes, output formats (as snapshots), colour,
//! baselines and acceptances.
//!
//! Snapshots live in `tests/data/snapshots/`; set `UPDATE_SNAPSHOTS=1` to rewrite them, then review
//! the diff before committing.

use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "support/run.rs"]
mod run;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(rel)
}

/// Runs archc in `tests/data` so that file names in the output are short and stable.
fn archc(args: &[&str]) -> Output {
    run::output(run::archc(args).current_dir(data("")).env_remove("NO_COLOR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn snapshot(name: &str, actual: &str) {
    let path = data("snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(data("snapshots")).ok();
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("{e}"));
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing snapshot {}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(expected == actual, "snapshot {name} differs; rerun with UPDATE_SNAPSHOTS=1 and review.\n--- expected\n{expected}\n--- actual\n{actual}");
}

#[test]
fn a_misspelt_reference_fails_and_names_the_intended_element() {
    let o = archc(&["check", "check/typo"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("HYG001") && out.contains("unresolved reference `paymnts`"), "{out}");
    assert!(out.contains("did you mean `payments`?"), "{out}");
    assert!(!out.contains("\u{1b}["), "colour on a pipe: {out}");
    snapshot("typo.human.txt", &out);
}

#[test]
fn every_output_format_is_stable() {
    for (format, file) in
        [("json", "typo.json"), ("sarif", "typo.sarif"), ("github", "typo.github.txt"), ("junit", "typo.junit.xml")]
    {
        let o = archc(&["check", "check/typo", "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}");
        let out = stdout(&o);
        let mut shown = out.clone();
        if format == "json" || format == "sarif" {
            let mut v: serde_json::Value =
                serde_json::from_str(&out).unwrap_or_else(|e| panic!("{format} is not JSON: {e}"));
            assert!(v.is_object());
            if format == "sarif" {
                // The rule metadata comes from the registry and is tested there; the snapshot keeps
                // the rule ids so that it changes only when findings or their shape do.
                let rules = &mut v["runs"][0]["tool"]["driver"]["rules"];
                let ids: Vec<serde_json::Value> =
                    rules.as_array().into_iter().flatten().map(|r| r["id"].clone()).collect();
                assert!(ids.len() >= 40, "SARIF lists {} rules", ids.len());
                *rules = serde_json::Value::Array(ids);
                shown = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
            }
        }
        snapshot(file, &shown);
        // Deterministic: a second run gives the same bytes.
        assert_eq!(stdout(&archc(&["check", "check/typo", "--format", format])), out, "{format} is not deterministic");
    }
}

#[test]
fn colour_is_used_only_when_asked_or_on_a_terminal() {
    let coloured = stdout(&archc(&["--color", "always", "check", "check/typo"]));
    assert!(coloured.contains("\u{1b}["), "no colour with --color always");
    let plain = stdout(&archc(&["--color", "never", "check", "check/typo"]));
    assert!(!plain.contains("\u{1b}["));
}

#[test]
fn exit_codes_separate_findings_from_usage_and_io_errors() {
    assert_eq!(archc(&["check", "does/not/exist"]).status.code(), Some(2));
    assert_eq!(archc(&["check", "--format", "yaml", "check/typo"]).status.code(), Some(2));
    assert_eq!(archc(&["frobnicate"]).status.code(), Some(2));
    // A usage error is a report like any other CLI error: code, the command line, the fix.
    let usage = archc(&["check", "--format", "yaml", "check/typo"]);
    let err = String::from_utf8_lossy(&usage.stderr);
    assert!(err.contains("IO008") && err.contains("archc check --format yaml check/typo"), "{err}");
    assert!(err.contains("possible values: human, json, sarif"), "{err}");
    assert_eq!(archc(&["--help"]).status.code(), Some(0));
    assert_eq!(archc(&["explain", "HYG004"]).status.code(), Some(0));
    assert_eq!(archc(&["explain", "HYG999"]).status.code(), Some(2));
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("arch.toml"), "").ok();
    std::fs::write(
        dir.path().join("a.arch"),
        "team t { contact \"#t\" }\nsystem s { owner t }\ncomponent lonely { owner t  system s }\n",
    )
    .ok();
    let path = dir.path().to_string_lossy().into_owned();
    let o = archc(&["check", &path]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("HYG004"));
    assert_eq!(archc(&["check", "--deny", "warnings", &path]).status.code(), Some(1));
}

#[test]
fn a_baseline_hides_known_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = dir.path();
    std::fs::write(ws.join("arch.toml"), "").ok();
    std::fs::write(ws.join("a.arch"), "component a {\n  uses b sync { timeout 1s circuit-breaker }\n}\n").ok();
    let path = ws.to_string_lossy().into_owned();
    let base = ws.join("baseline.json").to_string_lossy().into_owned();
    let first = archc(&["check", &path, "--write-baseline", &base]);
    assert_eq!(first.status.code(), Some(1));
    let with_base = archc(&["check", &path, "--baseline", &base]);
    assert_eq!(with_base.status.code(), Some(0), "{}", stdout(&with_base));
    assert!(stdout(&with_base).contains("accepted"), "{}", stdout(&with_base));
    // A new finding is still reported.
    std::fs::write(ws.join("a.arch"), "component a {\n  uses b sync { timeout 1s circuit-breaker }\n  uses c sync { timeout 1s circuit-breaker }\n}\n").ok();
    let o = archc(&["check", &path, "--baseline", &base]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("`c`") && !stdout(&o).contains("reference `b`"), "{}", stdout(&o));
}

#[test]
fn acceptances_suppress_expire_and_go_stale() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = dir.path();
    std::fs::write(ws.join("arch.toml"), "").ok();
    let path = ws.to_string_lossy().into_owned();
    let write = |text: &str| std::fs::write(ws.join("a.arch"), text).ok();
    write("component old\naccept orphan-component@old \"Retired in Q3\" until 2099-01-01\n");
    let o = archc(&["check", &path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let diag = &v["diagnostics"][0];
    assert_eq!(diag["code"], "HYG004");
    assert_eq!(diag["suppressed"]["kind"], "accept");
    assert_eq!(v["summary"]["warnings"], 0);
    // SOURCE_DATE_EPOCH in these tests is 2026-05-28: an acceptance until 2026-01-01 has expired.
    write("component old\naccept orphan-component@old \"Retired in Q3\" until 2026-01-01\n");
    let out = stdout(&archc(&["check", &path]));
    assert!(out.contains("HYG013") && out.contains("expired on 2026-01-01") && out.contains("HYG004"), "{out}");
    write("component old { standalone }\naccept orphan-component@old \"Retired in Q3\"\n");
    let out = stdout(&archc(&["check", &path]));
    assert!(out.contains("HYG014") && out.contains("matches no finding"), "{out}");
}

#[test]
fn rules_are_listed_with_their_metadata() {
    let o = archc(&["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let rules = v["rules"].as_array().cloned().unwrap_or_default();
    assert!(rules.len() >= 14);
    for r in &rules {
        for key in ["code", "name", "category", "severity", "explanation", "failing_example", "passing_example"] {
            assert!(r[key].as_str().is_some_and(|s| !s.is_empty()), "{key} missing in {r}");
        }
    }
}

#[test]
fn a_folder_of_workspaces_is_checked_as_separate_workspaces() {
    // examples/ holds several workspaces, each with its own arch.toml and some names in common.
    let o = run::output(run::archc(&["check", "examples", "--format", "json"]).current_dir(env!("CARGO_MANIFEST_DIR")));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert!(!diags.is_empty(), "examples/flawed has findings");
    for d in diags.iter().filter(|d| d["suppressed"].is_null()) {
        let file = d["location"]["file"].as_str().unwrap_or("");
        // examples/holes is the unfinished input of `archc fill`.
        let expected = file.starts_with("examples/flawed/") || file.starts_with("examples/holes/");
        assert!(expected, "a finding outside examples/flawed and examples/holes: {d}");
        assert!(d["code"] != "HYG002" && d["code"] != "RES002", "workspaces were merged: {d}");
    }
}

#[test]
fn a_duplicate_name_does_not_misdirect_references_and_files_see_each_other() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = dir.path();
    std::fs::write(ws.join("arch.toml"), "").ok();
    // `x` is declared twice; b.arch's reference prefers its own `x`, the control.
    std::fs::write(ws.join("a.arch"), "flow x\n").ok();
    std::fs::write(ws.join("b.arch"), "control x { mitigates spoofing }\nprofile p { controls x }\n").ok();
    // high.arch imports low.arch; low.arch refers to something in high.arch, which is fine:
    // the workspace is one namespace.
    std::fs::write(ws.join("high.arch"), "import \"low.arch\"\nteam top { contact \"#top\" }\n").ok();
    std::fs::write(ws.join("low.arch"), "data D { classification internal  owner top }\n").ok();
    let out = stdout(&archc(&["check", &ws.to_string_lossy()]));
    assert!(out.contains("HYG002"), "{out}");
    assert!(!out.contains("RES001"), "the duplicate cascaded into a wrong-kind error:\n{out}");
    assert!(!out.contains("RES002") && !out.contains("HYG001"), "{out}");
}

#[test]
fn notes_are_counted_in_one_line_unless_verbose_and_kept_in_machine_formats() {
    let human = stdout(&archc(&["check", "check/notes"]));
    // The advice is one line, so the error is what the reader sees.
    assert!(!human.contains("] Advice:"), "notes shown by default:\n{human}");
    assert!(human.contains("[SEC001] Error:"), "{human}");
    assert!(human.contains("2 notes not shown (REL006 2): run with `--verbose` to see them"), "{human}");
    assert!(human.trim_end().ends_with("2 errors, 3 warnings, 2 notes"), "the summary still counts them:\n{human}");
    let verbose = stdout(&archc(&["check", "--verbose", "check/notes"]));
    assert_eq!(verbose.matches("[REL006] Advice:").count(), 2, "{verbose}");
    assert!(!verbose.contains("not shown"));
    // JSON and SARIF keep every note.
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&archc(&["check", "--format", "json", "check/notes"]))).unwrap();
    let notes = json["diagnostics"].as_array().unwrap().iter().filter(|d| d["severity"] == "note").count();
    assert_eq!(notes, 2);
    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&archc(&["check", "--format", "sarif", "check/notes"]))).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.iter().filter(|r| r["level"] == "note").count(), 2);
}

#[test]
fn a_baseline_written_with_per_flow_fingerprints_still_covers_the_merged_finding() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = dir.path();
    std::fs::write(ws.join("arch.toml"), "").ok();
    let model = "data Card {\n  classification restricted\n}\nactor user\ncomponent web {\n  owns Card\n  standalone\n}\ncomponent api\nflow pay {\n  user -> web https auth jwt\n  web -> api http auth mtls carries Card\n}\n";
    std::fs::write(ws.join("a.arch"), model).ok();
    // The fingerprint earlier versions gave the step, as a baseline recorded it.
    let base = ws.join("baseline.json");
    std::fs::write(&base, "{\"version\": 1, \"tool\": \"archc\", \"findings\": {\"SEC001@pay@web@api\": 1}}\n").ok();
    let path = ws.to_string_lossy().into_owned();
    let json = archc(&["check", &path, "--format", "json", "--baseline", &base.to_string_lossy()]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_default();
    let sec001: Vec<&serde_json::Value> =
        v["diagnostics"].as_array().into_iter().flatten().filter(|d| d["code"] == "SEC001").collect();
    assert_eq!(sec001.len(), 1, "{v}");
    assert_eq!(sec001[0]["fingerprint"], "SEC001@web@api");
    assert_eq!(sec001[0]["suppressed"]["kind"], "baseline", "{}", sec001[0]);
}
