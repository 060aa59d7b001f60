//! Exports to other architecture tools, checked by the peers themselves where they install here:
//! LikeC4 output by LikeC4's own parser (`likec4 validate`, npm, tests/likec4), CALM output by the
//! published CALM 1.1 JSON Schemas (tests/calm, Python `jsonschema`). Structurizr's parser is Java
//! and not reachable from this machine, so Structurizr output is read back by `archc import` and
//! compared element by element. All exports are byte-for-byte deterministic.
//!
//! Needs `npm ci --prefix tests/likec4` and Python's `jsonschema` (CI's .ci/setup provides both).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/run.rs"]
mod run;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn archc(args: &[&str]) -> Output {
    run::output(run::archc(args).current_dir(root()))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The clean example workspaces and the starter workspace.
fn workspaces(tmp: &Path) -> Vec<PathBuf> {
    let starter = tmp.join("starter");
    assert_eq!(archc(&["init", starter.to_str().unwrap()]).status.code(), Some(0));
    let mut out: Vec<PathBuf> =
        ["shop", "payments", "logistics"].iter().map(|e| root().join("examples").join(e)).collect();
    out.push(starter);
    out
}

fn export(ws: &Path, to: &str, file: &Path) -> String {
    let o = archc(&["export", ws.to_str().unwrap(), "--to", to, "-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "export {} --to {to}: {}", ws.display(), text(&o));
    let first = std::fs::read_to_string(file).unwrap();
    let again = archc(&["export", ws.to_str().unwrap(), "--to", to]);
    assert_eq!(String::from_utf8_lossy(&again.stdout), first, "--to {to} is not deterministic");
    first
}

fn likec4_validate(dir: &Path) {
    let bin = root().join("tests/likec4/node_modules/.bin/likec4");
    assert!(
        bin.is_file(),
        "tests/likec4/node_modules is missing: run `npm ci --prefix tests/likec4` (CI's .ci/setup does)"
    );
    // LikeC4 ignores SIGTERM while busy; `timeout -s KILL` bounds it.
    let o = Command::new("timeout")
        .args(["-s", "KILL", "180"])
        .arg(&bin)
        .args(["validate", "--no-layout"])
        .arg(dir)
        .current_dir(root().join("tests/likec4"))
        .output()
        .expect("run likec4");
    let out = text(&o);
    assert!(o.status.success() && out.contains("Valid"), "LikeC4 rejected {}:\n{out}", dir.display());
    assert!(!out.contains("Invalid"), "{out}");
}

fn calm_validate(files: &[PathBuf]) {
    let o = Command::new("python3")
        .arg(root().join("tests/calm/validate.py"))
        .args(files)
        .output()
        .expect("run python3 tests/calm/validate.py");
    assert!(o.status.success(), "the CALM schemas rejected the output (needs Python's jsonschema):\n{}", text(&o));
    assert_eq!(text(&o).matches(": valid (").count(), files.len(), "{}", text(&o));
}

#[test]
fn likec4_parses_every_likec4_export_and_the_import_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, ws) in workspaces(tmp.path()).iter().enumerate() {
        let dir = tmp.path().join(format!("l{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let src = export(ws, "likec4", &dir.join("model.c4"));
        assert!(src.contains("specification {") && src.contains("views {"), "{src}");
        if ws.ends_with("examples/shop") {
            // Flows become dynamic views, steps in order.
            assert!(src.contains("dynamic view place_order_flow {"), "{src}");
            assert!(src.contains("    customer -> northbound_shop.edge 'POST /api/v1/checkout'\n"), "{src}");
        }
        likec4_validate(&dir);
    }
    let fixture = tmp.path().join("fixture");
    std::fs::create_dir_all(&fixture).unwrap();
    std::fs::copy(root().join("tests/data/import/likec4/food-delivery.c4"), fixture.join("food-delivery.c4")).unwrap();
    likec4_validate(&fixture);
}

#[test]
fn likec4_rejects_a_broken_export_so_the_check_can_fail() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("model.c4"),
        "specification {\n  element component\n}\nmodel {\n  a = service 'A'\n}\n",
    )
    .unwrap();
    let bin = root().join("tests/likec4/node_modules/.bin/likec4");
    let o = Command::new("timeout")
        .args(["-s", "KILL", "180"])
        .arg(&bin)
        .args(["validate", "--no-layout"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(!o.status.success() || text(&o).contains("Invalid"), "{}", text(&o));
}

#[test]
fn calm_exports_and_the_import_fixture_follow_the_calm_schemas() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, ws) in workspaces(tmp.path()).iter().enumerate() {
        let file = tmp.path().join(format!("c{i}.json"));
        let doc: serde_json::Value = serde_json::from_str(&export(ws, "calm", &file)).unwrap();
        assert_eq!(doc["$schema"], "https://calm.finos.org/release/1.1/meta/calm.json");
        files.push(file);
    }
    files.push(root().join("tests/data/import/calm/trade-settlement.architecture.json"));
    calm_validate(&files);

    // And the validator does fail: a relationship to a node that does not exist.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, r#"{"nodes": [], "relationships": [{"unique-id": "r", "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}}]}"#).unwrap();
    let o = Command::new("python3").arg(root().join("tests/calm/validate.py")).arg(&bad).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
}

#[test]
fn calm_round_trip_keeps_every_node_and_dependency() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("shop.json");
    let doc: serde_json::Value = serde_json::from_str(&export(&root().join("examples/shop"), "calm", &file)).unwrap();
    let out = tmp.path().join("back");
    let o = archc(&["import", "--from", "calm", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let nodes = doc["nodes"].as_array().unwrap().len();
    let interfaces: usize =
        doc["nodes"].as_array().unwrap().iter().map(|n| n["interfaces"].as_array().map_or(0, Vec::len)).sum();
    let controls: usize =
        doc["nodes"].as_array().unwrap().iter().map(|n| n["controls"].as_object().map_or(0, |c| c.len())).sum();
    let flows = doc["flows"].as_array().map_or(0, Vec::len);
    let dependencies = doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["relationship-type"].get("connects").is_some() || r["relationship-type"].get("interacts").is_some()
        })
        .count();
    let summary = text(&o);
    assert!(
        summary.contains(&format!("imported {} elements and {} relationships", nodes + interfaces + controls + flows, dependencies)),
        "nodes {nodes}, interfaces {interfaces}, controls {controls}, flows {flows}, dependencies {dependencies}: {summary}"
    );
    let check = archc(&["check", out.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let front_end: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            let code = d["code"].as_str().unwrap();
            code.starts_with("SYN") || code.starts_with("RES") || code == "HYG001" || code == "HYG002"
        })
        .collect();
    assert!(front_end.is_empty(), "{front_end:#?}");
}

#[test]
fn structurizr_exports_read_back_with_every_element_and_relationship() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, ws) in workspaces(tmp.path()).iter().enumerate() {
        let file = tmp.path().join(format!("s{i}.dsl"));
        let dsl = export(ws, "structurizr", &file);
        let people = dsl.matches(" = person ").count();
        let systems = dsl.matches(" = softwareSystem ").count();
        let containers = dsl.matches(" = container ").count();
        let relationships = dsl.lines().filter(|l| l.trim_start().split(' ').nth(1) == Some("->")).count();
        assert!(people > 0 && containers > 0 && relationships > 0, "{dsl}");

        let out = tmp.path().join(format!("back{i}"));
        let o = archc(&["import", "--from", "structurizr", file.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let summary = text(&o);
        let deployment_nodes = dsl.matches("deploymentNode ").count();
        let environments = dsl.matches("deploymentEnvironment ").count();
        let expected = people + systems + containers + deployment_nodes + environments;
        assert!(
            summary.contains(&format!("imported {expected} elements and {relationships} relationships")),
            "{}: expected {expected} elements, {relationships} relationships: {summary}",
            ws.display()
        );
        let model = std::fs::read_to_string(out.join("model.arch")).unwrap();
        assert_eq!(model.matches("\nactor ").count(), people, "{model}");
    }
}

/// LikeC4 -> archc -> LikeC4: LikeC4's own JSON export of the result has the source's elements and
/// relations.
#[test]
fn likec4_round_trip_through_archc_keeps_elements_and_relations() {
    let tmp = tempfile::tempdir().unwrap();
    let back = tmp.path().join("arch");
    let o = archc(&[
        "import",
        "--from",
        "likec4",
        "tests/data/import/likec4/food-delivery.c4",
        "-o",
        back.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let dir = tmp.path().join("c4");
    std::fs::create_dir_all(&dir).unwrap();
    export(&back, "likec4", &dir.join("model.c4"));
    likec4_validate(&dir);
    let json = tmp.path().join("model.json");
    let bin = root().join("tests/likec4/node_modules/.bin/likec4");
    let o = Command::new("timeout")
        .args(["-s", "KILL", "180"])
        .arg(&bin)
        .args(["export", "json", "--skip-layout", "-o"])
        .arg(&json)
        .arg(&dir)
        .current_dir(root().join("tests/likec4"))
        .output()
        .expect("run likec4");
    assert!(o.status.success(), "{}", text(&o));
    let model: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    // The fixture has 14 elements and 11 relations (LikeC4's own count of it).
    assert_eq!(model["elements"].as_object().unwrap().len(), 14);
    assert_eq!(model["relations"].as_object().unwrap().len(), 11);
    let titles: Vec<&str> =
        model["elements"].as_object().unwrap().values().filter_map(|e| e["title"].as_str()).collect();
    for t in ["Customer", "Order API", "Orders DB", "Payment Provider"] {
        assert!(titles.contains(&t), "{titles:?}");
    }
}

/// CALM -> archc -> CALM: the same node ids, interfaces and controls, and a valid document.
#[test]
fn calm_fixture_round_trip_keeps_node_ids_interfaces_and_controls() {
    let tmp = tempfile::tempdir().unwrap();
    let source_path = root().join("tests/data/import/calm/trade-settlement.architecture.json");
    let source: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&source_path).unwrap()).unwrap();
    let back = tmp.path().join("arch");
    let o = archc(&["import", "--from", "calm", source_path.to_str().unwrap(), "-o", back.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let file = tmp.path().join("again.json");
    let again: serde_json::Value = serde_json::from_str(&export(&back, "calm", &file)).unwrap();
    calm_validate(std::slice::from_ref(&file));
    let ids = |doc: &serde_json::Value| {
        let mut ids: Vec<String> =
            doc["nodes"].as_array().unwrap().iter().map(|n| n["unique-id"].as_str().unwrap().to_string()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&again), ids(&source));
    let count = |doc: &serde_json::Value, key: &str| -> usize {
        doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n[key].as_array().map(Vec::len).or_else(|| n[key].as_object().map(|o| o.len())).unwrap_or(0))
            .sum()
    };
    assert_eq!(count(&again, "interfaces"), count(&source, "interfaces"));
    assert_eq!(count(&again, "controls"), count(&source, "controls"));
    let flow_names: Vec<&str> = again["flows"].as_array().unwrap().iter().filter_map(|f| f["name"].as_str()).collect();
    assert!(flow_names.contains(&"Book and settle a trade"), "{flow_names:?}");
}
