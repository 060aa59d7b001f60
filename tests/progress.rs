//! The progress bar of `archc build`: on a terminal, a build whose diagrams take more than a
//! second shows it on stderr and finishes (the bar is drawn from the layout threads); off a
//! terminal nothing of it appears. The terminal is a pseudo-terminal made by `script(1)`.

#[path = "../benches/workspace_gen.rs"]
mod workspace_gen;

use std::path::Path;
use std::process::Command;

fn write_workspace(dir: &Path, components: usize) {
    for (rel, text) in workspace_gen::generate(components, 1) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn a_long_build_on_a_terminal_shows_progress_and_finishes() {
    assert!(Command::new("script").arg("--version").output().is_ok_and(|o| o.status.success()), "script(1) is needed");
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    write_workspace(&ws, 600);
    let bin = env!("CARGO_BIN_EXE_archc");
    let out = dir.path().join("out");
    let typescript = dir.path().join("typescript");
    let cmd = format!("{bin} build {} -o {}", ws.display(), out.display());
    // `timeout` turns a hang into a failure instead of a stuck test run.
    let status = Command::new("timeout")
        .args(["300", "script", "-qec", &cmd])
        .arg(&typescript)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let seen = String::from_utf8_lossy(&std::fs::read(&typescript).unwrap_or_default()).to_string();
    assert!(status.success(), "build on a terminal failed or hung ({status}):\n{seen}");
    assert!(seen.contains("laying out diagrams"), "no progress bar on the terminal:\n{seen}");
    assert!(seen.contains("wrote report.md"), "{seen}");
    assert!(out.join("report.html").is_file());
    // Off a terminal: no bar.
    let out2 = dir.path().join("out2");
    let o = Command::new(bin).args(["build"]).arg(&ws).arg("-o").arg(&out2).output().unwrap();
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("laying out"));
}
