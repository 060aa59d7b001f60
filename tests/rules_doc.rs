//! `docs/rules.md` is generated from the rule registry; this test fails when the checked-in file
//! differs from what the registry says. Set `UPDATE_SNAPSHOTS=1` to rewrite it, then review.

use std::path::PathBuf;

#[test]
fn docs_rules_md_matches_the_registry() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let generated = archc::check::docs::rules_markdown();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("missing {}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert!(
        on_disk == generated,
        "docs/rules.md is stale; run `UPDATE_SNAPSHOTS=1 cargo test --test rules_doc` and review the diff"
    );
}

#[test]
fn sarif_help_links_point_at_anchors_of_docs_rules_md() {
    let md = archc::check::docs::rules_markdown();
    let sarif = archc::emit::sarif::to_sarif(&[]);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rule metadata");
    assert!(rules.len() > 50, "{}", rules.len());
    for r in rules {
        let uri = r["helpUri"].as_str().expect("helpUri");
        let anchor = uri.split_once("docs/rules.md#").map(|(_, a)| a).unwrap_or_else(|| panic!("{uri}"));
        assert!(md.contains(&format!("<a id=\"{anchor}\"></a>")), "no anchor for {uri}");
    }
}
