//! The CI integrations shipped in the repository: the GitHub Action (`action.yml`), the pre-commit
//! hooks (`.pre-commit-hooks.yaml`) and the GitLab CI job (`ci/gitlab-ci.yml`). Each file is parsed,
//! and every archc command and option it runs is run against the real CLI.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use archc::import::yaml;
use serde_json::Value;

#[path = "support/run.rs"]
mod run;

use run::text;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    yaml::parse(&text).unwrap_or_else(|e| panic!("{rel} is not valid YAML: line {}: {}", e.line, e.message))
}

fn archc(cwd: &Path, args: &[&str]) -> Output {
    run::output(run::archc(args).current_dir(cwd))
}

/// The long options a subcommand accepts, from its `--help`.
fn options_of(sub: &str) -> String {
    let o = archc(&root(), &[sub, "--help"]);
    assert_eq!(o.status.code(), Some(0), "`archc {sub}` does not exist");
    text(&o.stdout)
}

#[test]
fn the_github_action_runs_real_check_options_and_uploads_sarif() {
    let action = load("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in ["paths", "format", "deny-warnings", "baseline"] {
        assert!(action["inputs"][input]["description"].is_string(), "input `{input}` is missing");
    }
    assert_eq!(action["inputs"]["format"]["default"], "sarif");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let script = runs.join("\n");
    // Installed from the repository itself, cached by a key from its sources.
    assert!(script.contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\""), "{script}");
    assert!(steps.iter().any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/cache@"))));
    assert!(steps
        .iter()
        .any(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))));
    // Every option the script passes exists.
    let help = options_of("check");
    for option in ["--format", "--deny", "--baseline"] {
        assert!(script.contains(option) && help.contains(option), "`{option}`");
    }
    assert!(script.contains("--deny warnings"));
    // Both formats the action offers work on a real workspace.
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(archc(tmp.path(), &["init", "ws"]).status.code(), Some(0));
    for format in ["sarif", "github"] {
        let o = archc(tmp.path(), &["check", "--format", format, "--deny", "warnings", "ws"]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", text(&o.stderr));
    }
    let sarif: Value =
        serde_json::from_slice(&archc(tmp.path(), &["check", "--format", "sarif", "ws"]).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn the_pre_commit_hooks_run_existing_commands() {
    let hooks = load(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().unwrap();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["archc-check", "archc-fmt"]);
    for h in hooks {
        assert_eq!(h["language"], "rust", "pre-commit builds the hook with cargo from this repository");
        let entry = h["entry"].as_str().unwrap();
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "archc");
        options_of(words[1]);
    }
    // The check hook runs on the repository and fails on errors; fmt is given the staged files.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.arch"), "component a {\n  owner nobody\n}\n").unwrap();
    assert_eq!(archc(tmp.path(), &["check", "."]).status.code(), Some(1));
    std::fs::write(tmp.path().join("b.arch"), "team   t {contact \"#t\"}\n").unwrap();
    assert_eq!(archc(tmp.path(), &["fmt", "b.arch"]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(tmp.path().join("b.arch")).unwrap(), "team t {\n  contact \"#t\"\n}\n");
}

#[test]
fn the_gitlab_job_writes_code_quality_and_junit_reports() {
    let ci = load("ci/gitlab-ci.yml");
    let job = &ci["archc"];
    assert_eq!(job["artifacts"]["reports"]["codequality"], "gl-code-quality-report.json");
    assert_eq!(job["artifacts"]["reports"]["junit"], "archc-junit.xml");
    let script: Vec<&str> = job["script"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(script.iter().any(|l| l.contains("archc check --format codequality")));
    assert!(script.iter().any(|l| l.contains("archc check --format junit")));

    // The Code Quality report: an array of issues with the fields GitLab requires.
    let o = archc(&root(), &["check", "--format", "codequality", "examples/flawed"]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let issues = report.as_array().unwrap();
    assert!(!issues.is_empty());
    let mut fingerprints = std::collections::BTreeSet::new();
    for i in issues {
        for field in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[field].is_string(), "{field} missing in {i}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&i["severity"].as_str().unwrap()));
        assert!(i["location"]["path"].as_str().unwrap().starts_with("examples/flawed/"), "{i}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()), "duplicate fingerprint: {i}");
    }
    // Deterministic: the same report twice.
    let again = archc(&root(), &["check", "--format", "codequality", "examples/flawed"]);
    assert_eq!(o.stdout, again.stdout);
}

/// Runs the action's `archc check` step script as the runner would, with archc on the PATH.
fn run_check_step(ws: &Path, format: &str, deny: &str, baseline: &str) -> (i32, BTreeMap<String, String>) {
    let action = load("action.yml");
    let step = action["runs"]["steps"].as_array().unwrap().iter().find(|s| s["id"] == "check").unwrap();
    assert_eq!(step["shell"], "bash");
    let script = step["run"].as_str().unwrap();
    let outputs = ws.join("github_output");
    std::fs::write(&outputs, "").unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_archc")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(ws)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("ARCHC_PATHS", "model extra")
        .env("ARCHC_FORMAT", format)
        .env("ARCHC_DENY_WARNINGS", deny)
        .env("ARCHC_BASELINE", baseline)
        .env("ARCHC_SARIF_FILE", "archc.sarif")
        .env("SOURCE_DATE_EPOCH", run::SOURCE_DATE_EPOCH)
        .output()
        .unwrap();
    let values = std::fs::read_to_string(&outputs)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (o.status.code().unwrap_or(-1), values)
}

#[test]
fn the_action_check_step_records_the_exit_code_and_writes_the_sarif_log() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    assert_eq!(archc(ws, &["init", "model"]).status.code(), Some(0));
    // A second path with a warning only (an orphan component), to see `deny-warnings` at work.
    std::fs::create_dir_all(ws.join("extra")).unwrap();
    std::fs::write(
        ws.join("extra/a.arch"),
        "team t {\n  contact \"#t\"\n}\n\ncomponent lonely {\n  owner t\n  does \"Nothing yet\"\n}\n",
    )
    .unwrap();

    // The step itself always succeeds, so that the upload runs; the exit code is an output.
    let (code, out) = run_check_step(ws, "sarif", "false", "");
    assert_eq!(code, 0);
    assert_eq!(out.get("exit-code").map(String::as_str), Some("0"), "{out:?}");
    assert_eq!(out.get("sarif-file").map(String::as_str), Some("archc.sarif"));
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(ws.join("archc.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "HYG004"), "{sarif}");

    let (_, out) = run_check_step(ws, "sarif", "true", "");
    assert_eq!(out.get("exit-code").map(String::as_str), Some("1"), "--deny warnings fails on the warning");

    // A baseline of today's findings makes the same run clean.
    let base = archc(ws, &["check", "model", "extra", "--write-baseline", "base.json"]);
    assert_eq!(base.status.code(), Some(0), "{}", text(&base.stderr));
    let (_, out) = run_check_step(ws, "github", "true", "base.json");
    assert_eq!(out.get("exit-code").map(String::as_str), Some("0"), "{out:?}");
}
