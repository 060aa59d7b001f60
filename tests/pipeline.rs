//! The pure `pipeline::analyze`, fed texts this test reads itself, gives exactly what `archc check`
//! prints for the same workspace: the CLI is discovery and reading around the same analysis.

use std::path::{Path, PathBuf};
use std::process::Command;

use archc::diagnostics::json;
use archc::pipeline::{self, ParseCache, RunOptions, SourceText, Sources};
use archc::syntax::literal::Literal;

/// 2026-06-01, as `SOURCE_DATE_EPOCH` and as the analysis's date (fixes for accepting a finding
/// carry an expiry counted from it).
const EPOCH: &str = "1780272000";
const TODAY: Literal = Literal::Date { year: 2026, month: 6, day: 1 };

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name)
}

/// Every `.arch` file below `dir`, walked the way a workspace is (entries by name, folders where
/// they sort), as names relative to `root`.
fn arch_files(root: &Path, dir: &Path, out: &mut Vec<SourceText>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("readable").map(|e| e.expect("entry").path()).collect();
    entries.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    for path in entries {
        if path.is_dir() {
            arch_files(root, &path, out);
        } else if path.extension().is_some_and(|x| x == "arch") {
            let name = pipeline::relative_name(root, &path);
            out.push(SourceText::new(name, std::fs::read_to_string(&path).expect("UTF-8")));
        }
    }
}

fn sources_of(root: &Path) -> Sources {
    let mut files = Vec::new();
    arch_files(root, root, &mut files);
    let config = std::fs::read_to_string(root.join("arch.toml")).ok().map(|t| SourceText::new("arch.toml", t));
    Sources { root: root.to_path_buf(), config, files, ..Sources::default() }
}

fn cli_json(root: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_archc"))
        .args(["check", "--format", "json", "."])
        .current_dir(root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("archc runs");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn pipeline_json(analysis: &pipeline::Analysis) -> String {
    let files = analysis.workspace.files.iter().filter(|f| !f.is_std).count();
    json::to_json(&[(&analysis.workspace.sources, analysis.diagnostics.as_slice())], files)
}

#[test]
fn analyze_in_memory_prints_what_the_cli_prints_for_every_example() {
    let opts = RunOptions { today: Some(TODAY), baseline: None };
    for name in ["flawed", "holes", "logistics", "marketplace", "payments", "shop"] {
        let root = example(name).canonicalize().expect("example exists");
        let analysis = pipeline::analyze(sources_of(&root), &opts, &mut ParseCache::batch());
        let cli = cli_json(&root);
        assert!(cli.contains("\"diagnostics\""), "{name}: the CLI printed JSON: {cli}");
        assert_eq!(pipeline_json(&analysis).trim_end(), cli.trim_end(), "{name}");
    }
}

#[test]
fn an_editor_cache_gives_the_batch_result_after_an_edit() {
    let root = example("shop").canonicalize().expect("example exists");
    let opts = RunOptions { today: Some(TODAY), baseline: None };
    let mut cache = ParseCache::default();
    pipeline::analyze(sources_of(&root), &opts, &mut cache);

    let mut edited = sources_of(&root);
    let checkout = edited.files.iter_mut().find(|f| f.name == "checkout.arch").expect("checkout.arch");
    checkout.text = checkout.text.replacen("component ", "component renamed_", 1);
    let cached = pipeline::analyze(edited.clone(), &opts, &mut cache);
    assert_eq!(cache.parsed, 1, "only the edited file is parsed again");
    let fresh = pipeline::analyze(edited, &opts, &mut ParseCache::batch());
    assert_eq!(pipeline_json(&cached), pipeline_json(&fresh));
    assert_ne!(cached.diagnostics.len(), 0);
}
