//! The Neovim client in a real Neovim: `nvim --headless` runs tests/nvim/session.lua with
//! editors/nvim against `archc lsp` on a copy of examples/shop, and this test checks what the
//! session recorded and the files it wrote. `.ci/setup` installs Debian's `neovim`.

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn neovim_gets_diagnostics_definitions_and_renames() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let nvim = Command::new("nvim").arg("--version").output();
    assert!(nvim.is_ok_and(|o| o.status.success()), "nvim is not installed: run .ci/setup (Debian package `neovim`)");
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let ws = root.join("shop");
    copy_dir(&repo.join("examples/shop"), &ws);
    let out = root.join("results.txt");
    let status = Command::new("timeout")
        .args(["120", "nvim", "--headless", "-n", "-i", "NONE", "-u"])
        .arg(repo.join("tests/nvim/session.lua"))
        .env("ARCHC_BIN", env!("CARGO_BIN_EXE_archc"))
        .env("ARCHC_NVIM_PLUGIN", repo.join("editors/nvim"))
        .env("ARCHC_NVIM_WORKSPACE", &ws)
        .env("ARCHC_NVIM_OUT", &out)
        .env("XDG_CONFIG_HOME", root.join("config"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CACHE_HOME", root.join("cache"))
        .status()
        .expect("run nvim");
    let results = std::fs::read_to_string(&out).unwrap_or_else(|_| panic!("no results (nvim exited with {status})"));
    let expected = [
        "filetype=arch",
        "attached=ok",
        "diagnostic=ok",
        // Zero-based, as Neovim's diagnostics are: line 9, after `  owner `.
        "diagnostic_line=8",
        "diagnostic_col=8",
        "diagnostic_suggests=true",
        "cleared=ok",
        "definition=ok",
        "definition_file=teams.arch",
        "definition_line=17",
        "definition_col=5",
        "rename=ok",
    ];
    for line in expected {
        assert!(results.lines().any(|l| l == line), "missing `{line}` in:\n{results}");
    }
    // The rename reached every file, opened or not, and left no old name behind.
    let mut renamed = 0;
    for entry in std::fs::read_dir(repo.join("examples/shop")).expect("read_dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        let before = std::fs::read_to_string(&path).expect("read").matches("backoffice_team").count();
        let after = std::fs::read_to_string(ws.join(&name)).expect("read");
        assert_eq!(after.matches("shop_platform_team").count(), before, "{name:?}");
        assert_eq!(after.matches("backoffice_team").count(), 0, "{name:?}");
        renamed += before;
    }
    assert_eq!(renamed, 16, "the declaration and its 15 uses in five files");
}
