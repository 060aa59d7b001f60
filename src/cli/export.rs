//! `archc export PATH --to json|mermaid|backstage|structurizr|calm|likec4 [-o FILE]`: the model in another ecosystem's
//! format, on standard output or in a file.
//!
//! Like `build`, only syntax and resolution errors stop an export (their diagnostics go to standard
//! error, exit 1): a model with checker findings is complete, so it is exported, one line on standard
//! error counts its findings, and the exit code is 0. Paths that cannot be read or written give 2.
//! `-o FILE` replaces the file atomically and never writes through a symbolic link.

use std::io::Write;
use std::mem::ManuallyDrop;
use std::path::PathBuf;

use clap::ValueEnum;

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, Counts};
use crate::driver;
use crate::emit::export::{export, Format};
use crate::host::Host;
use crate::source::SourceMap;

use super::safe_out;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Workspace folder or .arch files (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// The format: the resolved model as JSON, a Mermaid flowchart, or a Backstage catalog.
    #[arg(long = "to", value_enum)]
    pub to: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The resolved model (the same layout as `model.json` of `archc build`).
    Json,
    /// A Mermaid flowchart with zones as subgraphs.
    Mermaid,
    /// Backstage `catalog-info.yaml` entities.
    Backstage,
    /// A Structurizr DSL workspace.
    Structurizr,
    /// A FINOS CALM architecture (JSON).
    Calm,
    /// A LikeC4 model.
    Likec4,
}

impl From<ExportFormat> for Format {
    fn from(f: ExportFormat) -> Format {
        match f {
            ExportFormat::Json => Format::Json,
            ExportFormat::Mermaid => Format::Mermaid,
            ExportFormat::Backstage => Format::Backstage,
            ExportFormat::Structurizr => Format::Structurizr,
            ExportFormat::Calm => Format::Calm,
            ExportFormat::Likec4 => Format::Likec4,
        }
    }
}

pub fn run(host: &dyn Host, args: ExportArgs, color: bool) -> i32 {
    let opts = RenderOptions { color };
    let paths = super::default_paths(args.paths);
    // Never freed, as in `check`: the process exits right after the command.
    let outcome = ManuallyDrop::new(driver::analyze_paths(host, &paths));
    let mut stderr = std::io::stderr().lock();
    if !outcome.errors.is_empty() {
        let _ = stderr.write_all(render(&SourceMap::default(), &outcome.errors, &opts).as_bytes());
        return super::EXIT_ERROR;
    }
    let analysis = match outcome.analyses.as_slice() {
        [one] => one,
        [] => {
            let _ = writeln!(stderr, "error: nothing to export");
            return super::EXIT_ERROR;
        }
        many => {
            let roots: Vec<String> = many.iter().map(|a| format!("`{}`", a.root.display())).collect();
            let _ = writeln!(
                stderr,
                "error: the paths belong to {} workspaces ({}); export one workspace at a time",
                many.len(),
                roots.join(", ")
            );
            return super::EXIT_ERROR;
        }
    };
    let diags = &analysis.diagnostics;
    let sources = &analysis.workspace.sources;
    if diags.iter().any(|d| codes::is_environment_error(d.code) && d.suppression.is_none()) {
        let _ = stderr.write_all(render(sources, diags, &opts).as_bytes());
        return super::EXIT_ERROR;
    }
    if let Some(n) = super::front_end_errors(diags) {
        let _ = stderr.write_all(render(sources, diags, &opts).as_bytes());
        let _ = writeln!(
            stderr,
            "error: not exported: {} must be fixed first",
            super::plural(n, "syntax or resolution error")
        );
        return super::EXIT_FINDINGS;
    }
    let text = export(&analysis.model, &analysis.facts, sources, args.to.into());
    match &args.output {
        Some(path) => {
            // `replace_file` would replace a link's target; an export never writes through a link.
            if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                let _ = writeln!(
                    stderr,
                    "error: not writing `{}`: it is a symbolic link; archc never writes through links",
                    path.display()
                );
                let _ = writeln!(stderr, "help: give `-o` the path of a regular file");
                return super::EXIT_ERROR;
            }
            if let Err(e) = safe_out::replace_file(path, text.as_bytes(), None) {
                let _ = writeln!(stderr, "error: cannot write `{}`: {e}", path.display());
                return super::EXIT_ERROR;
            }
        }
        None => {
            if let Err(msg) = safe_out::print_stdout(&text) {
                let _ = write!(stderr, "{}", msg.render(super::report::stderr_color()));
                return super::EXIT_ERROR;
            }
        }
    }
    // Findings do not fail an export, but the reader should know the model has them.
    let c = Counts::of(diags);
    if c.errors + c.warnings > 0 {
        let _ = writeln!(
            stderr,
            "note: the model has {} and {}; `archc check` lists them",
            super::plural(c.errors, "error"),
            super::plural(c.warnings, "warning")
        );
    }
    super::EXIT_CLEAN
}
