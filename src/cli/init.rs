//! `archc init [DIR]`, `archc completions SHELL` and `archc man`: getting started and shell
//! integration. The starter workspace is embedded text; the completions and the man page are
//! generated from the same clap definition that parses the command line, so they cannot drift.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::report::CliError;
use crate::diagnostics::codes;

/// The starter workspace: file name and contents. It checks clean and builds (tested).
pub const STARTER_FILES: &[(&str, &str)] =
    &[("arch.toml", include_str!("starter/arch.toml")), ("model.arch", include_str!("starter/model.arch"))];

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to create the workspace in (created if missing; default: the current folder).
    pub dir: Option<PathBuf>,
}

/// Writes the starter workspace, refusing to overwrite any existing file.
pub fn init(args: InitArgs) -> i32 {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from("."));
    let existing: Vec<String> = STARTER_FILES
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        CliError::new(
            codes::UNREADABLE_PATH,
            format!(
                "not initialised: {} {} already there",
                existing.join(", "),
                if existing.len() == 1 { "is" } else { "are" }
            ),
        )
        .with_help("choose an empty folder, e.g. `archc init my-architecture`")
        .eprint();
        return super::EXIT_ERROR;
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        CliError::new(codes::UNREADABLE_PATH, format!("cannot create `{}`: {e}", dir.display()))
            .with_help("check that the parent folder exists and is writable")
            .eprint();
        return super::EXIT_ERROR;
    }
    for (name, text) in STARTER_FILES {
        if let Err(e) = write_new(&dir.join(name), text) {
            CliError::new(codes::UNREADABLE_PATH, format!("cannot write `{}`: {e}", dir.join(name).display()))
                .with_help("check that the folder is writable")
                .eprint();
            return super::EXIT_ERROR;
        }
    }
    let shown = dir.display();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "created a starter workspace in `{shown}` (arch.toml, model.arch)");
    let _ = writeln!(stdout, "next: `archc check {shown}` and `archc build {shown} -o {shown}/out`");
    super::EXIT_CLEAN
}

/// Creates a file that must not exist yet, so a race with another writer cannot clobber it.
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// Prints the completion script for a shell.
pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "archc", &mut out);
    write_stdout(&out)
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Write `archc.1` and one page per subcommand (`archc-check.1`, ...) into this folder
    /// instead of printing the main page.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// Prints the main man page (roff), or writes every page into a folder.
pub fn man(args: ManArgs) -> i32 {
    let cmd = super::Cli::command();
    if let Some(dir) = args.output {
        return match std::fs::create_dir_all(&dir).and_then(|()| clap_mangen::generate_to(cmd, &dir)) {
            Ok(()) => super::EXIT_CLEAN,
            Err(e) => {
                CliError::new(
                    codes::UNREADABLE_PATH,
                    format!("cannot write the man pages to `{}`: {e}", dir.display()),
                )
                .with_help("give a folder you can write to, or leave out `--output` to print the page")
                .eprint();
                super::EXIT_ERROR
            }
        };
    }
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd).render(&mut out) {
        eprintln!("error: cannot render the man page: {e}");
        return super::EXIT_ERROR;
    }
    write_stdout(&out)
}

fn write_stdout(bytes: &[u8]) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => super::EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => super::EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            super::EXIT_ERROR
        }
    }
}
