//! `archc check --format sarif` is accepted by Microsoft's SARIF validator (npm package
//! `@microsoft/sarif-multitool`, installed into `tests/sarif` by `.ci/setup`).

use std::path::Path;
use std::process::Command;

#[test]
fn sarif_of_the_flawed_example_passes_the_sarif_validator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tool = root.join("tests/sarif/node_modules/.bin/sarif-multitool");
    assert!(tool.exists(), "the SARIF validator is not installed: run `.ci/setup` (npm ci --prefix tests/sarif)");
    let out = Command::new(env!("CARGO_BIN_EXE_archc"))
        .args(["check", "examples/flawed", "--format", "sarif"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run archc: {e}"));
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
