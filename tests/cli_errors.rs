//! The CLI's own errors (a broken `arch.toml`, paths it cannot use) are miette reports: a code, a
//! labelled excerpt when there is a source, and a help line; plain text when not on a terminal.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_archc");

/// Runs archc in `dir` with colour left to its default (`auto`): the output is a pipe here.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).env_remove("NO_COLOR").output().expect("run archc")
}

fn all_output(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A workspace whose arch.toml has an unclosed array on line 2.
fn broken_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("arch.toml"), "[workspace]\nexclude = [\"drafts/**\"\n").expect("write");
    fs::write(dir.path().join("model.arch"), "system Shop {\n  owner team-a\n}\n").expect("write");
    dir
}

#[test]
fn check_shows_a_broken_arch_toml_with_its_line_a_label_and_help() {
    let ws = broken_workspace();
    let o = run_in(ws.path(), &["check", "."]);
    let out = all_output(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("IO003"), "code missing: {out}");
    assert!(out.contains("× invalid arch.toml: unclosed array"), "message missing: {out}");
    assert!(out.contains("[arch.toml:2:"), "file and line missing: {out}");
    assert!(out.contains(" 2 │ exclude = [\"drafts/**\""), "TOML line missing: {out}");
    assert!(out.contains("╰── here"), "label missing: {out}");
    assert!(out.contains("help: see the configuration section"), "help missing: {out}");
    assert!(!out.contains('\u{1b}'), "ANSI escape without a terminal: {out}");
}

#[test]
fn color_always_colours_the_report() {
    let ws = broken_workspace();
    let o = run_in(ws.path(), &["check", "--color", "always", "."]);
    let out = all_output(&o);
    assert!(out.contains("IO003"), "{out}");
    assert!(out.contains('\u{1b}'), "no colour with --color always: {out}");
}

#[test]
fn fmt_shows_a_broken_arch_toml_with_its_line_and_formats_nothing() {
    let ws = broken_workspace();
    let before = fs::read_to_string(ws.path().join("model.arch")).expect("read");
    let o = run_in(ws.path(), &["fmt", "."]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("IO003"), "{err}");
    assert!(err.contains(" 2 │ exclude = [\"drafts/**\""), "{err}");
    assert!(err.contains("help: fix arch.toml, then run `archc fmt` again"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    assert_eq!(fs::read_to_string(ws.path().join("model.arch")).expect("read"), before);
}

#[test]
fn import_of_a_missing_path_shows_code_and_help() {
    let dir = tempfile::tempdir().expect("temp dir");
    let o = run_in(dir.path(), &["import", "--from", "calm", "missing.json", "--output", "out"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("IO004"), "{err}");
    assert!(err.contains("cannot read `missing.json`"), "{err}");
    assert!(err.contains("help: check that the path names a readable model"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn init_into_a_used_folder_shows_code_and_help_in_plain_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("arch.toml"), "").expect("write");
    let o = run_in(dir.path(), &["init", "."]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("IO001"), "{err}");
    assert!(err.contains("arch.toml is already there"), "{err}");
    assert!(err.contains("help: choose an empty folder"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
}

#[test]
fn a_bad_source_date_epoch_shows_code_and_help() {
    let ws = broken_workspace();
    fs::write(ws.path().join("arch.toml"), "").expect("write");
    let o = Command::new(BIN)
        .args(["check", "."])
        .current_dir(ws.path())
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .expect("run archc");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("IO006"), "{err}");
    assert!(err.contains("SOURCE_DATE_EPOCH is `yesterday`"), "{err}");
    assert!(err.contains("help: set it to a Unix timestamp"), "{err}");
}
