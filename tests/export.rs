//! Exports: JSON, Mermaid and Backstage for the sample and the examples, checked by their own
//! ecosystems' parsers (Mermaid's parser, Backstage's entity validators, via node scripts in
//! tests/js), the same bytes on every run, and the `archc export` command line.
//!
//! The node validators need `npm ci --prefix tests/js` first (CI's setup does it).

use std::path::{Path, PathBuf};
use std::process::Command;

use archc::driver::{analyze_paths, Analysis};
use archc::emit::export::{export, Format, MODEL_JSON_VERSION};
use archc::host::FsHost;

#[path = "support/run.rs"]
mod run;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn analyze(path: &Path) -> Analysis {
    let mut outcome = analyze_paths(&FsHost, &[path.to_path_buf()]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.analyses.remove(0)
}

fn workspaces() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in [root().join("tests/fixtures/sample"), PathBuf::from("/work/bin/sample")] {
        if p.is_dir() {
            out.push(p);
            break;
        }
    }
    if let Ok(rd) = std::fs::read_dir(root().join("examples")) {
        let mut dirs: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
        dirs.sort();
        out.extend(dirs);
    }
    out.push(tricky_workspace());
    out
}

/// A workspace whose names and labels need escaping everywhere (in the test target folder).
fn tricky_workspace() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("export-tricky");
    std::fs::create_dir_all(&dir).unwrap();
    // Tests run in parallel and all write this file: each writes its own copy and renames it
    // into place, so that no test reads a file another one is still writing.
    let staged = dir.join(format!(".m.arch.{:?}", std::thread::current().id()).replace(['(', ')'], ""));
    std::fs::write(
        &staged,
        r#"
team _core_ "Core & <friends>" { contact "core@example.com" }
person ann "Ann \"the lead\"" { team _core_ }
system shop "Shop: \"best\" #1" { owner _core_ }
zone end "end" { trust low }
zone graph_zone "Graph | zone" { parent end }
actor user_ "User <b>" { zone end }
component end-point "End point `x` | y" {
  kind frontend
  zone graph_zone
  system shop
  owner _core_
  tags "UI & Web", "__"
  exposes Api-v2
  uses store sync { protocol postgres }
}
component worker_ { kind library
 system shop
 uses end-point sync { via Api-v2 } }
datastore store "Store #2" { system shop
 zone end }
interface Api-v2 rest {
  auth jwt
  GET /items/{id} -> Item "fetch an item: #1 \"quoted\""
  POST /items (Item) -> Item
}
interface Events events { carries Item }
data Item { classification internal
 field id: uuid }
flow f "F" {
  user_ -> end-point "GET /" https
  end-point ~> store "save"
}
"#,
    )
    .unwrap();
    std::fs::rename(&staged, dir.join("m.arch")).unwrap();
    dir
}

fn node_tools() -> PathBuf {
    let js = root().join("tests/js");
    assert!(
        js.join("node_modules").is_dir(),
        "tests/js/node_modules is missing: run `npm ci --prefix tests/js` before the tests (CI's .ci/setup does)"
    );
    js
}

fn run_node(script: &str, files: &[PathBuf]) {
    let js = node_tools();
    let out = Command::new("node").arg(js.join(script)).args(files).current_dir(&js).output().expect("run node");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} rejected the output:\n{text}");
    eprintln!("{text}");
}

/// Every workspace exported in one format, written to a temporary folder.
fn export_all(format: Format, ext: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, ws) in workspaces().iter().enumerate() {
        let a = analyze(ws);
        let text = export(&a.model, &a.facts, &a.workspace.sources, format);
        let name = format!("{i}-{}.{ext}", ws.file_name().unwrap().to_string_lossy());
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    (dir, files)
}

#[test]
fn mermaid_output_parses_with_mermaid() {
    let (_dir, files) = export_all(Format::Mermaid, "mmd");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains("flowchart TB"), "{}", f.display());
    }
    run_node("mermaid-parse.mjs", &files);
}

#[test]
fn backstage_output_passes_the_catalog_validators() {
    let (_dir, files) = export_all(Format::Backstage, "yaml");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains("apiVersion: \"backstage.io/v1alpha1\""), "{}", f.display());
    }
    run_node("backstage-validate.mjs", &files);
}

#[test]
fn backstage_maps_kinds_owners_and_apis() {
    let a = analyze(&tricky_workspace());
    let yaml = export(&a.model, &a.facts, &a.workspace.sources, Format::Backstage);
    for expected in [
        "kind: \"Group\"",
        "name: \"core\"",
        "kind: \"User\"",
        "kind: \"System\"",
        "kind: \"Component\"",
        "name: \"end-point\"",
        "type: \"website\"",
        "type: \"library\"",
        "owner: \"group:core\"",
        "system: \"system:shop\"",
        "kind: \"API\"",
        "name: \"Api-v2\"",
        "type: \"openapi\"",
        "type: \"asyncapi\"",
        "providesApis:\n    - \"api:Api-v2\"",
        "consumesApis:\n    - \"api:Api-v2\"",
        "dependsOn:\n    - \"resource:store\"",
        "kind: \"Resource\"",
        "type: \"database\"",
        "- \"ui-web\"",
    ] {
        assert!(yaml.contains(expected), "missing {expected:?} in\n{yaml}");
    }
}

#[test]
fn json_is_the_resolved_model_with_a_version() {
    for ws in workspaces() {
        let a = analyze(&ws);
        let text = export(&a.model, &a.facts, &a.workspace.sources, Format::Json);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", ws.display()));
        assert_eq!(v["version"], MODEL_JSON_VERSION);
        let user = a.model.elements.iter().filter(|e| !e.from_std).count();
        assert_eq!(v["elements"].as_array().unwrap().len(), user, "{}", ws.display());
        // Keys come in a fixed order: kind first.
        assert!(text.contains("\"elements\": [\n    {\n      \"kind\": ") || user == 0);
    }
    let a = analyze(&tricky_workspace());
    let v: serde_json::Value =
        serde_json::from_str(&export(&a.model, &a.facts, &a.workspace.sources, Format::Json)).unwrap();
    let els = v["elements"].as_array().unwrap();
    let ep = els.iter().find(|e| e["name"] == "end-point").unwrap();
    assert_eq!(ep["kind"], "component");
    assert_eq!(ep["label"], "End point `x` | y");
    let uses = ep["attributes"].as_array().unwrap().iter().find(|a| a["name"] == "uses").unwrap();
    assert_eq!(uses["args"][0][0]["ref"], "store");
    assert_eq!(uses["args"][0][0]["kind"], "datastore");
    assert_eq!(uses["args"][1][0], "sync");
    assert_eq!(uses["block"][0]["args"][0][0], "postgres");
    let flow = els.iter().find(|e| e["name"] == "f").unwrap();
    assert_eq!(flow["steps"][1]["async"], true);
    assert_eq!(flow["steps"][0]["number"], 1);
    assert!(ep["location"]["line"].as_u64().unwrap() > 1);
}

#[test]
fn every_export_gives_the_same_bytes_twice() {
    for ws in workspaces() {
        for f in [Format::Json, Format::Mermaid, Format::Backstage] {
            let one = {
                let a = analyze(&ws);
                export(&a.model, &a.facts, &a.workspace.sources, f)
            };
            let two = {
                let a = analyze(&ws);
                export(&a.model, &a.facts, &a.workspace.sources, f)
            };
            assert_eq!(one, two, "{} {f:?}", ws.display());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command line

fn archc(args: &[&str]) -> std::process::Output {
    run::output(run::archc(args).arg("--color=never"))
}

/// A small workspace without errors: rules that would still report an error on it are turned
/// off in its `arch.toml`, so that the test does not depend on the rule set.
fn clean_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.arch"),
        "team core \"Core\" { contact \"#core\" }\nsystem shop { owner core }\ncomponent api { system shop\n owner core\n standalone }\n",
    )
    .unwrap();
    let a = analyze(dir.path());
    let mut codes: Vec<&str> =
        a.diagnostics.iter().filter(|d| d.severity == archc::diagnostics::Severity::Error).map(|d| d.code.id).collect();
    codes.dedup();
    let mut toml = String::from("[rules]\n");
    for c in &codes {
        toml.push_str(&format!("{c} = \"off\"\n"));
    }
    std::fs::write(dir.path().join("arch.toml"), toml).unwrap();
    let a = analyze(dir.path());
    assert!(!a.diagnostics.iter().any(|d| d.severity == archc::diagnostics::Severity::Error), "{:#?}", a.diagnostics);
    dir
}

#[test]
fn cli_exports_to_stdout_and_to_a_file() {
    let ws = clean_workspace();
    let p = ws.path().to_str().unwrap();
    let out = archc(&["export", p, "--to", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], MODEL_JSON_VERSION);

    let file = ws.path().join("catalog-info.yaml");
    let out = archc(&["export", p, "--to", "backstage", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(std::fs::read_to_string(&file).unwrap().contains("kind: \"Component\""));

    let out = archc(&["export", p, "--to", "mermaid"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("%% Generated by archc"));
}

/// A workspace with one file, `m.arch`, holding `text`.
fn workspace_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("m.arch"), text).unwrap();
    dir
}

#[test]
fn cli_exports_a_model_with_checker_findings_and_counts_them() {
    // No owner (OWN001, an error) and no links (HYG004, a warning): checker findings only.
    let ws = workspace_with("component api { }\n");
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "findings do not fail an export: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the export is valid JSON");
    assert!(v.to_string().contains("\"api\""), "the component is exported: {v}");
    assert!(
        stderr.contains("note: the model has 1 error and 1 warning; `archc check` lists them"),
        "stderr counts the findings: {stderr}"
    );

    let file = ws.path().join("model.json");
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(written, v, "the file holds what standard output held");
}

#[test]
fn cli_says_nothing_about_findings_on_a_clean_model() {
    let ws = clean_workspace();
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("the model has"), "{stderr}");
}

#[test]
fn cli_refuses_a_workspace_with_a_syntax_error() {
    let ws = workspace_with("component api {\n");
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing is exported");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SYN") && stderr.contains("not exported"), "{stderr}");
}

#[test]
fn cli_refuses_a_workspace_with_an_unresolved_reference() {
    let ws = workspace_with("component api { uses nowhere }\n");
    let file = ws.path().join("model.json");
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && !file.exists(), "nothing is exported");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nowhere") && stderr.contains("not exported"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn cli_does_not_write_through_a_symbolic_link() {
    let ws = clean_workspace();
    let target = ws.path().join("precious.txt");
    std::fs::write(&target, "keep me\n").unwrap();
    let link = ws.path().join("out.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "json", "-o", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n", "the link's target is untouched");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
}

#[test]
fn cli_replaces_an_existing_output_file_whole() {
    let ws = clean_workspace();
    let file = ws.path().join("out.mmd");
    std::fs::write(&file, "x".repeat(100_000)).unwrap();
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "mermaid", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("%% Generated by archc") && !text.contains("xxx"), "{text}");
}

#[test]
fn cli_io_problems_exit_2() {
    let out = archc(&["export", "/definitely/not/here", "--to", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let ws = clean_workspace();
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "mermaid", "-o", "/definitely/not/here/x.mmd"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    let out = archc(&["export", ws.path().to_str().unwrap(), "--to", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "an unknown format is a usage error");
}

#[test]
fn the_validators_reject_broken_input() {
    let js = node_tools();
    let dir = tempfile::tempdir().unwrap();
    let mmd = dir.path().join("bad.mmd");
    std::fs::write(&mmd, "flowchart TB\n  a[\"x\"] -->\n").unwrap();
    let yaml = dir.path().join("bad.yaml");
    std::fs::write(&yaml, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: \"bad name!\"\nspec:\n  type: service\n  lifecycle: production\n  owner: group:x\n").unwrap();
    for (script, file) in [("mermaid-parse.mjs", &mmd), ("backstage-validate.mjs", &yaml)] {
        let out = Command::new("node").arg(js.join(script)).arg(file).current_dir(&js).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{script} accepted broken input");
    }
}

/// Backstage requires a lifecycle; archc states `production` only for what a production
/// deployment runs, and never invents it.
#[test]
fn backstage_lifecycle_comes_from_the_deployments_not_a_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.arch"),
        "team core\ncomponent api {\n  owner core\n  exposes Orders\n}\ncomponent batch {\n  owner core\n}\ncomponent tool {\n  owner core\n}\ninterface Orders rest {\n  GET /orders\n}\ndeployment prod {\n  environment production\n  node pods {\n    runs api\n  }\n}\ndeployment qa {\n  environment staging\n  node pods_qa {\n    runs tool\n  }\n}\n",
    )
    .unwrap();
    let a = analyze(dir.path());
    let yaml = export(&a.model, &a.facts, &a.workspace.sources, Format::Backstage);
    let lifecycle_of = |name: &str| {
        let at = yaml.find(&format!("name: \"{name}\"")).unwrap_or_else(|| panic!("no {name} in\n{yaml}"));
        let rest = &yaml[at..];
        let line = rest.lines().find(|l| l.trim_start().starts_with("lifecycle:")).expect("a lifecycle");
        line.trim().trim_start_matches("lifecycle: ").trim_matches('"').to_string()
    };
    assert_eq!(lifecycle_of("api"), "production");
    assert_eq!(lifecycle_of("Orders"), "production", "an interface follows its provider");
    assert_eq!(lifecycle_of("batch"), "unknown");
    assert_eq!(lifecycle_of("tool"), "unknown", "only staging runs it: the model does not say");
}
