//! `archc export PATH --to json|mermaid|backstage|structurizr|calm|likec4 [-o FILE]`: the model in another ecosystem's
//! format, on standard output or in a file. A workspace with errors is not exported: its errors go
//! to standard error and the exit code is 1. Paths that cannot be read or written give 2.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, Diagnostic, Severity};
use crate::driver;
use crate::emit::export::{export, Format};
use crate::host::Host;
use crate::source::SourceMap;

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
    let outcome = driver::analyze_paths(host, &paths);
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
    let blocking: Vec<Diagnostic> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.suppression.is_none())
        .cloned()
        .collect();
    if !blocking.is_empty() {
        let _ = stderr.write_all(render(&analysis.workspace.sources, &blocking, &opts).as_bytes());
        let n = blocking.len();
        let _ = writeln!(stderr, "error: not exported: the workspace has {n} error{}", if n == 1 { "" } else { "s" });
        if blocking.iter().any(|d| codes::is_environment_error(d.code)) {
            return super::EXIT_ERROR;
        }
        return super::EXIT_FINDINGS;
    }
    let text = export(&analysis.model, &analysis.workspace.sources, args.to.into());
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text.as_bytes()) {
                let _ = writeln!(stderr, "error: cannot write `{}`: {e}", path.display());
                return super::EXIT_ERROR;
            }
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    let _ = writeln!(stderr, "error: cannot write to standard output: {e}");
                    return super::EXIT_ERROR;
                }
            }
        }
    }
    super::EXIT_CLEAN
}
