//! The formatter: one canonical layout, idempotent, comments kept, meaning preserved.
//!
//! Snapshots: set `UPDATE_SNAPSHOTS=1` to rewrite `tests/data/fmt/*.expected` after reviewing the diff.

use std::path::{Path, PathBuf};

use archc::driver::{analyze_paths_with, RunOptions};
use archc::fmt::format;
use archc::host::MemHost;
use archc::source::FileId;

fn arch_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "arch") {
            out.push(e.path().to_path_buf());
        }
    }
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// The model dump of a workspace given as (relative path, text) pairs.
fn model_dump(files: &[(String, String)]) -> String {
    let mut host = MemHost::default();
    host.insert(Path::new("/ws/arch.toml"), Vec::new());
    for (path, text) in files {
        host.insert(&Path::new("/ws").join(path), text.as_bytes().to_vec());
    }
    let outcome = analyze_paths_with(&host, &[PathBuf::from("/ws")], &RunOptions::default());
    outcome.analyses.iter().map(|a| a.model.dump()).collect()
}

/// Formats every file of a folder, asserting idempotence and an unchanged model; returns the
/// formatted texts.
fn format_workspace(dir: &Path) -> Vec<(String, String, String)> {
    let files: Vec<(String, String)> = arch_files(dir)
        .iter()
        .map(|p| (p.strip_prefix(dir).unwrap_or(p).to_string_lossy().into_owned(), read(p)))
        .collect();
    let mut formatted = Vec::new();
    for (name, text) in &files {
        let once = format(FileId(0), text).unwrap_or_else(|e| panic!("{name} does not parse: {e:#?}"));
        let twice = format(FileId(0), &once).unwrap_or_else(|e| panic!("formatted {name} does not parse: {e:#?}"));
        assert_eq!(once, twice, "formatting {name} is not idempotent");
        let comments = |t: &str| t.lines().filter(|l| l.contains("//")).count();
        assert!(comments(&once) >= comments(text), "{name}: a comment was lost");
        formatted.push((name.clone(), text.clone(), once));
    }
    let after: Vec<(String, String)> = formatted.iter().map(|(n, _, f)| (n.clone(), f.clone())).collect();
    assert_eq!(model_dump(&files), model_dump(&after), "formatting {} changed the model", dir.display());
    formatted
}

#[test]
fn examples_and_std_are_fixed_points_and_keep_their_models() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs.push(root.join("std"));
    for dir in dirs {
        for (name, original, formatted) in format_workspace(&dir) {
            assert_eq!(original, formatted, "{}/{name} is not formatted; run `archc fmt`", dir.display());
        }
    }
}

#[test]
fn messy_input_gets_the_canonical_layout() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fmt");
    for (name, original, formatted) in format_workspace(&dir) {
        let expected_path = dir.join(format!("{}.expected", name.trim_end_matches(".arch")));
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&expected_path, &formatted).unwrap_or_else(|e| panic!("{e}"));
        }
        let expected = read(&expected_path);
        assert_eq!(formatted, expected, "{name}: formatted output differs from {}", expected_path.display());
        if name == "messy.arch" {
            assert_ne!(original, formatted, "the messy fixture should need formatting");
        }
    }
}

#[test]
fn files_with_syntax_errors_are_refused_not_mangled() {
    let errs = format(FileId(0), "component a {\n  ownr x\n}\n").err().unwrap_or_default();
    assert_eq!(errs.iter().map(|e| e.code.id).collect::<Vec<_>>(), ["SYN009"]);
}

#[test]
fn different_whitespace_gives_the_same_output() {
    let a = "component a { layer business  owner t }\n";
    let b = "component a {\n\n    layer   business\n owner t\n}";
    assert_eq!(format(FileId(0), a), format(FileId(0), b));
}

#[test]
fn a_trailing_comment_stays_on_the_line_it_was_written_on() {
    // Each comment trails the statement it was written after, also when the formatter opens a
    // block around an attribute written on the header line, or a statement continues over lines.
    let text = "team t\ncomponent c  owner t // who owns it\ncomponent g {\n  exposes A, // the public one\n    B // the internal one\n}\ninterface A rest\ninterface B rest\n";
    let out = format(FileId(0), text).unwrap_or_else(|e| panic!("{e:#?}"));
    let expected = "team t\ncomponent c {\n  owner t // who owns it\n}\ncomponent g {\n  exposes A, // the public one\n    B // the internal one\n}\ninterface A rest\ninterface B rest\n";
    assert_eq!(out, expected);
    assert_eq!(format(FileId(0), &out).unwrap_or_default(), out, "idempotent");
    let dump = |t: &str| model_dump(&[("m.arch".to_string(), t.to_string())]);
    assert_eq!(dump(text), dump(&out), "the model is unchanged");
}
