//! `archc check --format sarif` is accepted by Microsoft's SARIF validator (npm package
//! `@microsoft/sarif-multitool`, installed into `tests/sarif` by `.ci/setup`).

use std::path::Path;
use std::process::Command;

#[path = "support/run.rs"]
mod run;

#[test]
fn sarif_of_the_flawed_example_passes_the_sarif_validator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool = root.join("tests/sarif/node_modules/.bin/sarif-multitool");
    assert!(tool.exists(), "the SARIF validator is not installed: run `.ci/setup` (npm ci --prefix tests/sarif)");
    let out = run::output(run::archc(&["check", "examples/flawed", "--format", "sarif"]).current_dir(root));
    assert_eq!(out.status.code(), Some(1), "the flawed example must have findings");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = dir.path().join("flawed.sarif");
    std::fs::write(&file, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let results = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(results >= 15, "only {results} results");
    let v = Command::new(&tool)
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the validator: {e}"));
    let text = String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    // The validator exits 0 even when it reports problems: read its findings.
    let problems: Vec<&str> = text.lines().filter(|l| l.contains(": error ") || l.contains(": warning ")).collect();
    assert!(v.status.success() && text.contains("Analysis completed successfully"), "validator failed:\n{text}");
    assert!(problems.is_empty(), "the SARIF validator reports:\n{}", problems.join("\n"));
}

/// Custom rules' findings and metadata pass the validator too: `examples/marketplace` with a file
/// that breaks two of its rules.
#[test]
fn sarif_with_custom_rules_passes_the_sarif_validator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool = root.join("tests/sarif/node_modules/.bin/sarif-multitool");
    assert!(tool.exists(), "the SARIF validator is not installed: run `.ci/setup` (npm ci --prefix tests/sarif)");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = dir.path().join("ws");
    std::fs::create_dir(&ws).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(root.join("examples/marketplace")).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        std::fs::copy(&path, ws.join(path.file_name().unwrap_or_default())).unwrap_or_else(|e| panic!("{e}"));
    }
    let violations = "import \"contexts.arch\"\n\ncomponent reports_api {\n  kind service\n  zone core\n  system fieldmarket\n  owner orders_team\n  uses billing_db { access read }\n}\n\ndatastore audit_db {\n  zone core\n  system fieldmarket\n  owner orders_team\n  holds Order\n}\n";
    std::fs::write(ws.join("violations.arch"), violations).unwrap_or_else(|e| panic!("{e}"));
    let out = run::output(run::archc(&["check", "ws", "--format", "sarif"]).current_dir(dir.path()));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = log["runs"][0]["results"].as_array().expect("results");
    for (id, fingerprint) in
        [("own_context_only", "own_context_only@reports_api@billing_db"), ("backed_up", "backed_up@audit_db")]
    {
        let index = rules.iter().position(|r| r["id"] == id).unwrap_or_else(|| panic!("no rule {id}"));
        let result = results.iter().find(|r| r["ruleId"] == id).unwrap_or_else(|| panic!("no result of {id}"));
        assert_eq!(result["ruleIndex"], index);
        assert_eq!(result["partialFingerprints"]["archcFingerprint/v1"], fingerprint);
    }
    let file = dir.path().join("custom.sarif");
    std::fs::write(&file, &out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let v = Command::new(&tool).arg("validate").arg(&file).output().unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    let problems: Vec<&str> = text.lines().filter(|l| l.contains(": error ") || l.contains(": warning ")).collect();
    assert!(v.status.success() && text.contains("Analysis completed successfully"), "validator failed:\n{text}");
    assert!(problems.is_empty(), "the SARIF validator reports:\n{}", problems.join("\n"));
}
