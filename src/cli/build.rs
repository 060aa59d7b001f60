//! `archc build PATH -o DIR`: report.md, report.html, diagrams and model.json.
//!
//! A workspace with syntax or resolution errors is not built: its diagnostics are printed and the
//! run exits 1. A workspace whose checker reports errors is built (the report lists the findings)
//! and the run exits 1 too. IO problems exit 2. Progress goes to stderr; stdout stays empty.
//!
//! The output is built in a fresh folder beside `-o DIR` and swapped in whole (see `safe_out`):
//! only an empty folder or an earlier archc output is ever replaced.

use std::io::Write;
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, Counts, Diagnostic};
use crate::driver::{self, Analysis};
use crate::emit::diagrams::{self, Builtin, DiagramOptions, SvgRenderer};
use crate::emit::report::{self, DiagramInput};
use crate::host::Host;
use crate::source::SourceMap;

use super::safe_out::{self, Staging};
use super::system_dot::SystemDot;

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
    /// Diagrams drawn in a simpler form than asked, and why.
    notices: Vec<String>,
}

pub fn run(host: &dyn Host, args: BuildArgs, color: bool) -> i32 {
    let paths = super::default_paths(args.paths);
    let today = match super::today() {
        Ok(t) => t,
        Err(msg) => {
            msg.eprint();
            return super::EXIT_ERROR;
        }
    };
    let opts = driver::RunOptions { today, baseline: None };
    // Never freed, as in `check`: the process exits right after the command.
    let outcome = ManuallyDrop::new(driver::analyze_paths_with(host, &paths, &opts));
    let render_opts = RenderOptions { color };
    // Not locked for the whole run: the progress bar writes to stderr from the layout threads.
    let mut stderr = std::io::stderr();
    if !outcome.errors.is_empty() {
        let _ = stderr.write_all(render(&SourceMap::default(), &outcome.errors, &render_opts).as_bytes());
        return super::EXIT_ERROR;
    }
    let system_dot;
    let renderer: &dyn SvgRenderer = match args.renderer {
        RendererArg::Builtin => &Builtin,
        RendererArg::Dot => match SystemDot::probe() {
            Ok(r) => {
                system_dot = r;
                &system_dot
            }
            Err(reason) => {
                let _ = writeln!(stderr, "error: {reason}");
                return super::EXIT_ERROR;
            }
        },
    };
    let diagram_opts = DiagramOptions { highlight: args.highlight, renderer };
    let several = outcome.analyses.len() > 1;
    let roots: Vec<PathBuf> = outcome.analyses.iter().map(|a| a.root.clone()).collect();
    if several {
        // The parent of several outputs is never replaced itself, but must not be a dangerous place.
        if let Some(why) = safe_out::refuse_parent_dir(&args.out, &roots) {
            let _ = writeln!(stderr, "error: not writing into `{}`: {why}", args.out.display());
            return super::EXIT_ERROR;
        }
    }
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
        if let Some(n) = super::front_end_errors(diags) {
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
        if let Some(why) = safe_out::refuse_output_dir(&dir, &roots) {
            let _ = writeln!(stderr, "error: not replacing `{}`: {why}", dir.display());
            let _ = writeln!(
                stderr,
                "help: choose an empty or new folder with `-o`; archc only replaces folders it made itself"
            );
            return super::EXIT_ERROR;
        }
        let _ = writeln!(stderr, "building `{root}` into `{}`", dir.display());
        match write_build(analysis, &dir, &diagram_opts, args.renderer == RendererArg::Dot) {
            Ok(w) => {
                for msg in &w.notices {
                    let _ = writeln!(stderr, "note: {msg}");
                }
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

/// Writes the whole output into a staging folder beside `dir`, then swaps it in: a failed or
/// killed build leaves the earlier output untouched.
/// With `need_svgs`, a build where no diagram could be rendered fails (the renderer is broken)
/// instead of replacing a good earlier output.
fn write_build(analysis: &Analysis, dir: &Path, opts: &DiagramOptions, need_svgs: bool) -> Result<Written, String> {
    let staging = Staging::new(dir).map_err(|e| format!("cannot write `{}`: {e}", dir.display()))?;
    let written = write_outputs(analysis, staging.path(), opts)?;
    if need_svgs && written.diagrams > 0 && written.failed_diagrams.len() == written.diagrams {
        return Err(format!("the renderer drew none of the diagrams; {}", written.failed_diagrams[0]));
    }
    staging.commit().map_err(|e| format!("cannot put the new build in place at `{}`: {e}", dir.display()))?;
    Ok(written)
}

fn write_outputs(analysis: &Analysis, dir: &Path, opts: &DiagramOptions) -> Result<Written, String> {
    let io = |what: &Path, e: std::io::Error| format!("cannot write `{}`: {e}", what.display());
    let write = |path: &Path, bytes: &[u8]| safe_out::write_new(path, bytes).map_err(|e| io(path, e));
    let diagram_dir = dir.join("diagrams");
    std::fs::create_dir(&diagram_dir).map_err(|e| io(&diagram_dir, e))?;
    let findings: Vec<Diagnostic> = analysis.diagnostics.clone();
    let progress = super::progress::Progress::new("laying out diagrams");
    let drawn = diagrams::diagrams_with_progress(&analysis.model, &analysis.facts, &findings, opts, &|done, total| {
        progress.tick(done, total)
    });
    progress.finish();
    let mut inputs = Vec::new();
    let mut failed = Vec::new();
    let mut notices = Vec::new();
    // Compared without case, so that no two names collide on a case-insensitive file system.
    let mut names: Vec<String> = Vec::new();
    for d in &drawn {
        let mut name = safe_name(&d.name);
        let base = name.clone();
        let mut n = 2;
        while names.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name.clone());
        if let Some(why) = &d.simplified {
            notices.push(format!("diagram `{name}`: {why}"));
        }
        write(&diagram_dir.join(format!("{name}.dot")), d.dot.as_bytes())?;
        match &d.svg {
            Ok(svg) => write(&diagram_dir.join(format!("{name}.svg")), svg.as_bytes())?,
            Err(e) => failed.push(format!("diagram `{name}` was not rendered: {e}")),
        }
        inputs.push(DiagramInput {
            name,
            title: d.title.clone(),
            svg: d.svg.as_ref().ok().cloned(),
            error: d.svg.as_ref().err().cloned(),
        });
    }
    let sources = &analysis.workspace.sources;
    let rep = report::render(&analysis.model, &analysis.facts, sources, &findings, &inputs);
    write(&dir.join("model.json"), crate::emit::export::model_json(&analysis.model, sources).as_bytes())?;
    write(&dir.join("report.md"), rep.markdown.as_bytes())?;
    write(&dir.join("report.html"), rep.html.as_bytes())?;
    Ok(Written { diagrams: drawn.len(), failed_diagrams: failed, notices })
}
