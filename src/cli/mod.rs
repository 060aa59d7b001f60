//! The command line: argument parsing, output selection and exit codes. No analysis logic lives
//! here; it calls `driver` and the renderers.

mod build;
mod export;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, json, Counts, Diagnostic, Severity};
use crate::driver;
use crate::host::{FsHost, Host};
use crate::source::SourceMap;

/// Exit codes.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser)]
#[command(name = "archc", version, about = "Architecture-as-code compiler: check, format and compile .arch models")]
struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve and check workspaces; report diagnostics.
    Check {
        /// Workspace folders or .arch files (default: the current folder).
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
        /// Make findings of this level fail the run too.
        #[arg(long, value_enum)]
        deny: Option<Deny>,
    },
    /// Rewrite .arch files in the canonical layout.
    Fmt {
        /// Workspace folders or .arch files (default: the current folder).
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if any would.
        #[arg(long)]
        check: bool,
    },
    /// Compile workspaces to the design report, diagrams and model.json.
    Build(build::BuildArgs),
    /// Export the model to other ecosystems (json, mermaid, backstage).
    Export(export::ExportArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

/// Runs the command line and returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => EXIT_CLEAN,
                _ => EXIT_ERROR,
            };
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let host = FsHost;
    match cli.command {
        Command::Check { paths, format, deny } => check(&host, &default_paths(paths), format, deny, color),
        Command::Fmt { paths, check } => fmt(&host, &default_paths(paths), check, color),
        Command::Build(args) => build::run(&host, args, color),
        Command::Export(args) => export::run(&host, args, color),
    }
}

pub(crate) fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

/// The exit code for a set of diagnostics.
fn exit_code(diags: &[Diagnostic], deny: Option<Deny>) -> i32 {
    if diags.iter().any(|d| codes::is_environment_error(d.code)) {
        return EXIT_ERROR;
    }
    let failing = |s: Severity| s == Severity::Error || (deny == Some(Deny::Warnings) && s == Severity::Warning);
    if diags.iter().any(|d| failing(d.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn check(host: &dyn Host, paths: &[PathBuf], format: CheckFormat, deny: Option<Deny>, color: bool) -> i32 {
    let outcome = driver::analyze_paths(host, paths);
    let empty = SourceMap::default();
    let mut groups: Vec<(&SourceMap, &[Diagnostic])> = vec![(&empty, &outcome.errors)];
    let mut files = 0;
    for a in &outcome.analyses {
        groups.push((&a.workspace.sources, &a.diagnostics));
        files += a.workspace.files.iter().filter(|f| !f.is_std).count();
    }
    let all: Vec<Diagnostic> = groups.iter().flat_map(|g| g.1.iter().cloned()).collect();
    let mut stdout = std::io::stdout().lock();
    match format {
        CheckFormat::Json => {
            let _ = stdout.write_all(json::to_json(&groups, files).as_bytes());
        }
        CheckFormat::Human => {
            let opts = RenderOptions { color };
            for (sources, diags) in &groups {
                let _ = stdout.write_all(render(sources, diags, &opts).as_bytes());
            }
            let c = Counts::of(&all);
            let _ = writeln!(stdout, "{}", summary_line(c, files));
        }
    }
    exit_code(&all, deny)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(c: Counts, files: usize) -> String {
    if c.errors + c.warnings + c.notes == 0 {
        return format!("checked {}: no problems found", plural(files, "file"));
    }
    format!(
        "checked {}: {}, {}, {}",
        plural(files, "file"),
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(c.notes, "note")
    )
}

/// The .arch files `fmt` works on: files given directly, and those a folder's workspace selects.
fn fmt_targets(host: &dyn Host, paths: &[PathBuf], errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if host.is_file(p) {
            out.push(p.clone());
        } else if host.is_dir(p) {
            let root = driver::find_root(host, p);
            let config = host
                .read(&root.join(driver::CONFIG_FILE))
                .ok()
                .and_then(|b| crate::config::Config::parse(&String::from_utf8_lossy(&b)).ok())
                .unwrap_or_default();
            for entry in host.walk_arch_files(p) {
                match entry {
                    Ok(f) => {
                        let abs = host.canonicalize(&f).unwrap_or(f.clone());
                        let rel =
                            abs.strip_prefix(&root).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default();
                        if config.selects(&rel) {
                            out.push(f);
                        }
                    }
                    Err(msg) => errors.push(Diagnostic::without_span(codes::UNREADABLE_PATH, msg)),
                }
            }
        } else {
            errors.push(Diagnostic::without_span(
                codes::UNREADABLE_PATH,
                format!("cannot read `{}`: no such file or directory", p.display()),
            ));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn fmt(host: &dyn Host, paths: &[PathBuf], check_only: bool, color: bool) -> i32 {
    let mut errors = Vec::new();
    let targets = fmt_targets(host, paths, &mut errors);
    let mut sources = SourceMap::default();
    let mut syntax_errors = Vec::new();
    let mut changed = Vec::new();
    let mut stderr = std::io::stderr().lock();
    for path in &targets {
        let shown = path.display().to_string();
        let bytes = match host.read(path) {
            Ok(b) => b,
            Err(e) => {
                errors.push(Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read `{shown}`: {e}")));
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            errors.push(Diagnostic::without_span(
                codes::INVALID_UTF8,
                format!("`{shown}` is not valid UTF-8; not formatted"),
            ));
            continue;
        };
        let id = sources.add(shown.clone(), text);
        match crate::fmt::format(id, sources.text(id)) {
            Ok(formatted) if formatted != sources.text(id) => {
                if !check_only {
                    if let Err(e) = std::fs::write(path, formatted.as_bytes()) {
                        errors.push(Diagnostic::without_span(
                            codes::UNREADABLE_PATH,
                            format!("cannot write `{shown}`: {e}"),
                        ));
                        continue;
                    }
                }
                changed.push(shown);
            }
            Ok(_) => {}
            Err(errs) => syntax_errors.extend(errs),
        }
    }
    let opts = RenderOptions { color };
    let _ = stderr.write_all(render(&sources, &syntax_errors, &opts).as_bytes());
    let _ = stderr.write_all(render(&SourceMap::default(), &errors, &opts).as_bytes());
    let mut stdout = std::io::stdout().lock();
    if check_only {
        for c in &changed {
            let _ = writeln!(stdout, "would reformat {c}");
        }
    }
    let verb = if check_only { "would reformat" } else { "reformatted" };
    let _ = writeln!(
        stderr,
        "{} {verb}, {} already formatted",
        plural(changed.len(), "file"),
        targets.len()
            - changed.len()
            - syntax_errors
                .iter()
                .map(|d| d.span().map(|s| s.file))
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                .min(targets.len() - changed.len())
    );
    if !errors.is_empty() {
        return EXIT_ERROR;
    }
    if !syntax_errors.is_empty() || (check_only && !changed.is_empty()) {
        return EXIT_FINDINGS;
    }
    EXIT_CLEAN
}
