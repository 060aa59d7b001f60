//! `archc build PATH -o DIR`: report.md, report.html, diagrams and model.json.
//!
//! A workspace with syntax or resolution errors is not built: its diagnostics are printed and the
//! run exits 1. A workspace whose checker reports errors is built (the report lists the findings)
//! and the run exits 1 too. IO problems exit 2. Progress goes to stderr; stdout stays empty.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, Counts, Diagnostic, Severity};
use crate::driver::{self, Analysis};
use crate::emit::diagrams::{self, DiagramOptions, Renderer};
use crate::emit::report::{self, DiagramInput};
use crate::host::Host;
use crate::source::SourceMap;

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Workspace folders or .arch files (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output folder.
    #[arg(short, long, default_value = "build")]
    pub out: PathBuf,
    /// What renders the diagrams to SVG: the built-in renderer or the `dot` program on the PATH.
    #[arg(long, value_enum, default_value = "builtin")]
    pub renderer: RendererArg,
    /// Draw the elements and interactions named in findings in red.
    #[arg(long)]
    pub highlight: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RendererArg {
    Builtin,
    Dot,
}

/// The files one build writes, for the summary line.
struct Written {
    diagrams: usize,
    failed_diagrams: Vec<String>,
}

pub fn run(host: &dyn Host, args: BuildArgs, color: bool) -> i32 {
    let paths = super::default_paths(args.paths);
    let opts = driver::RunOptions { today: super::today(), baseline: None };
    let outcome = driver::analyze_paths_with(host, &paths, &opts);
    let render_opts = RenderOptions { color };
    let mut stderr = std::io::stderr().lock();
    if !outcome.errors.is_empty() {
        let _ = stderr.write_all(render(&SourceMap::default(), &outcome.errors, &render_opts).as_bytes());
        return super::EXIT_ERROR;
    }
    let renderer = match args.renderer {
        RendererArg::Builtin => Renderer::Builtin,
        RendererArg::Dot => Renderer::SystemDot,
    };
    let diagram_opts = DiagramOptions { highlight: args.highlight, renderer };
    let several = outcome.analyses.len() > 1;
    let mut code = super::EXIT_CLEAN;
    let mut used_dirs: Vec<PathBuf> = Vec::new();
    for analysis in &outcome.analyses {
        let root = analysis.root.display().to_string();
        let diags = &analysis.diagnostics;
        let sources = &analysis.workspace.sources;
        if diags.iter().any(|d| codes::is_environment_error(d.code) && d.suppression.is_none()) {
            let _ = stderr.write_all(render(sources, diags, &render_opts).as_bytes());
            return super::EXIT_ERROR;
        }
        if let Some(n) = front_end_errors(diags) {
            let _ = stderr.write_all(render(sources, diags, &render_opts).as_bytes());
            let _ = writeln!(
                stderr,
                "error: not building `{root}`: {} must be fixed first",
                super::plural(n, "syntax or resolution error")
            );
            code = code.max(super::EXIT_FINDINGS);
            continue;
        }
        if analysis.workspace.files.iter().all(|f| f.is_std) {
            let _ = writeln!(stderr, "warning: `{root}` holds no .arch files; the report will be empty");
        }
        let dir = if several { unique_dir(&args.out, &analysis.root, &mut used_dirs) } else { args.out.clone() };
        let _ = writeln!(stderr, "building `{root}` into `{}`", dir.display());
        match write_build(analysis, &dir, &diagram_opts) {
            Ok(w) => {
                for msg in &w.failed_diagrams {
                    let _ = writeln!(stderr, "warning: {msg}");
                }
                let c = Counts::of(diags);
                let _ = writeln!(
                    stderr,
                    "wrote report.md, report.html, model.json and {} to `{}`; {}, {}, {}",
                    super::plural(w.diagrams, "diagram"),
                    dir.display(),
                    super::plural(c.errors, "error"),
                    super::plural(c.warnings, "warning"),
                    super::plural(c.notes, "note"),
                );
                if c.errors > 0 {
                    let _ = writeln!(stderr, "run `archc check` to see the findings in detail");
                    code = code.max(super::EXIT_FINDINGS);
                }
            }
            Err(e) => {
                let _ = writeln!(stderr, "error: {e}");
                return super::EXIT_ERROR;
            }
        }
    }
    code
}

/// The number of unsuppressed syntax, literal, import and resolution errors, if any.
fn front_end_errors(diags: &[Diagnostic]) -> Option<usize> {
    let n = diags
        .iter()
        .filter(|d| {
            d.severity == Severity::Error && d.suppression.is_none() && codes::ALL.iter().any(|c| c.id == d.code.id)
        })
        .count();
    (n > 0).then_some(n)
}

/// `OUT/<root folder name>`, made unique when two workspaces share a folder name.
fn unique_dir(out: &Path, root: &Path, used: &mut Vec<PathBuf>) -> PathBuf {
    let base = root.file_name().map(|n| safe_name(&n.to_string_lossy())).unwrap_or_else(|| "workspace".into());
    let mut dir = out.join(&base);
    let mut n = 2;
    while used.contains(&dir) {
        dir = out.join(format!("{base}-{n}"));
        n += 1;
    }
    used.push(dir.clone());
    dir
}

/// A file stem that stays inside its folder on every platform.
fn safe_name(s: &str) -> String {
    let t: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    let t = t.trim_start_matches('.').to_string();
    if t.is_empty() {
        "diagram".into()
    } else {
        t
    }
}

fn write_build(analysis: &Analysis, dir: &Path, opts: &DiagramOptions) -> Result<Written, String> {
    let io = |what: &Path, e: std::io::Error| format!("cannot write `{}`: {e}", what.display());
    let diagram_dir = dir.join("diagrams");
    std::fs::create_dir_all(&diagram_dir).map_err(|e| io(&diagram_dir, e))?;
    let findings: Vec<Diagnostic> = analysis.diagnostics.clone();
    let drawn = diagrams::diagrams(&analysis.model, &findings, opts);
    let mut inputs = Vec::new();
    let mut failed = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for d in &drawn {
        let mut name = safe_name(&d.name);
        let base = name.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name.clone());
        let dot_path = diagram_dir.join(format!("{name}.dot"));
        std::fs::write(&dot_path, d.dot.as_bytes()).map_err(|e| io(&dot_path, e))?;
        let svg_path = diagram_dir.join(format!("{name}.svg"));
        match &d.svg {
            Ok(svg) => std::fs::write(&svg_path, svg.as_bytes()).map_err(|e| io(&svg_path, e))?,
            Err(e) => {
                // A stale SVG from an earlier build must not pass for this one.
                let _ = std::fs::remove_file(&svg_path);
                failed.push(format!("diagram `{name}` was not rendered: {e}"));
            }
        }
        inputs.push(DiagramInput {
            name,
            title: d.title.clone(),
            svg: d.svg.as_ref().ok().cloned(),
            error: d.svg.as_ref().err().cloned(),
        });
    }
    remove_stale(&diagram_dir, &names);
    let sources = &analysis.workspace.sources;
    let rep = report::render(&analysis.model, sources, &findings, &inputs);
    let model_path = dir.join("model.json");
    std::fs::write(&model_path, crate::emit::export::model_json(&analysis.model, sources).as_bytes())
        .map_err(|e| io(&model_path, e))?;
    let md = dir.join("report.md");
    std::fs::write(&md, rep.markdown.as_bytes()).map_err(|e| io(&md, e))?;
    let html = dir.join("report.html");
    std::fs::write(&html, rep.html.as_bytes()).map_err(|e| io(&html, e))?;
    Ok(Written { diagrams: drawn.len(), failed_diagrams: failed })
}

/// Removes `.dot` and `.svg` files of earlier builds that this build did not write.
fn remove_stale(dir: &Path, keep: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        let stem = p.file_stem().and_then(|x| x.to_str()).unwrap_or("");
        if matches!(ext, "dot" | "svg") && !keep.iter().any(|k| k == stem) {
            let _ = std::fs::remove_file(&p);
        }
    }
}
