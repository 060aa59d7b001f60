//! `archc init`, `archc completions` and `archc man`: the starter workspace checks clean, builds and
//! is formatted; init never overwrites; completions and man pages list the real subcommands.

use std::path::Path;
use std::process::Output;

#[path = "support/run.rs"]
mod run;

use run::text;

fn archc(cwd: &Path, args: &[&str]) -> Output {
    run::output(run::archc(args).current_dir(cwd))
}

#[test]
fn the_starter_workspace_checks_clean_builds_and_is_formatted() {
    let tmp = tempfile::tempdir().unwrap();
    let o = archc(tmp.path(), &["init", "arch"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let ws = tmp.path().join("arch");
    assert!(ws.join("arch.toml").is_file() && ws.join("model.arch").is_file());

    let check = archc(tmp.path(), &["check", "arch", "--deny", "warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    assert!(text(&check.stdout).contains("no problems found"), "{}", text(&check.stdout));

    let model = std::fs::read_to_string(ws.join("model.arch")).unwrap();
    for decl in
        ["system ", "team ", "zone internet", "zone app", "component web", "component notes_api", "interface ", "flow "]
    {
        assert!(model.contains(decl), "the starter lacks `{decl}`");
    }
    let toml = std::fs::read_to_string(ws.join("arch.toml")).unwrap();
    assert!(toml.contains("[rules]") && toml.contains("# orphan-component = \"off\""), "{toml}");

    let fmt = archc(tmp.path(), &["fmt", "--check", "arch"]);
    assert_eq!(fmt.status.code(), Some(0), "{}", text(&fmt.stdout));

    let build = archc(tmp.path(), &["build", "arch", "-o", "out"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build.stderr));
    assert!(tmp.path().join("out/report.html").is_file() && tmp.path().join("out/model.json").is_file());
}

#[test]
fn init_refuses_to_overwrite_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("model.arch"), "// mine\n").unwrap();
    let o = archc(tmp.path(), &["init"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("IO001") && err.contains("model.arch") && err.contains("help"), "{err}");
    assert_eq!(std::fs::read_to_string(tmp.path().join("model.arch")).unwrap(), "// mine\n");
    assert!(!tmp.path().join("arch.toml").exists(), "init wrote part of the starter");
}

#[test]
fn completions_cover_every_subcommand_in_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = archc(tmp.path(), &["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o.stderr));
        let script = text(&o.stdout);
        for sub in ["check", "build", "fmt", "export", "init", "completions"] {
            assert!(script.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    let bash = text(&archc(tmp.path(), &["completions", "bash"]).stdout);
    assert!(bash.contains("complete -F _archc") && bash.contains("--deny"), "{bash}");
    let bad = archc(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_man_pages_describe_the_commands_and_their_options() {
    let tmp = tempfile::tempdir().unwrap();
    let o = archc(tmp.path(), &["man"]);
    assert_eq!(o.status.code(), Some(0));
    let page = text(&o.stdout);
    assert!(page.contains(".TH archc 1") && page.contains("archc\\-check(1)"), "{page}");

    let o = archc(tmp.path(), &["man", "-o", "man"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let check = std::fs::read_to_string(tmp.path().join("man/archc-check.1")).unwrap();
    assert!(check.contains(".TH archc-check 1") && check.contains("\\-\\-baseline"), "{check}");
    assert!(tmp.path().join("man/archc-init.1").is_file());
}
