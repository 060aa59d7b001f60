//! `archc fill`: proposes values for the model's holes and gaps from an LLM provider, gated by the
//! checker. By default it prints a unified diff and changes nothing; `--write` applies it. The
//! provider is built here only when a question has to be asked: with `--offline` no HTTP client
//! exists at all.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;

use super::report::CliError;
use super::{safe_out, EXIT_CLEAN, EXIT_ERROR};
use crate::diagnostics::codes;
use crate::driver::{self, RunOptions};
use crate::host::{FsHost, Host};
use crate::llm::cache::{Cache, CachedProvider, Source};
use crate::llm::client::{HttpProvider, Provider};
use crate::llm::config::{self, Overrides};
use crate::llm::fill::{self, FillOptions, FillOutcome, WorkspaceText};

#[derive(Args)]
pub struct FillArgs {
    /// Workspace folders or .arch files (default: the current folder).
    paths: Vec<PathBuf>,
    /// Apply the fills to the files (default: print the diff and change nothing).
    #[arg(long)]
    write: bool,
    /// Fill only these elements (names, comma-separated or repeated).
    #[arg(long, value_name = "ELEMENT", value_delimiter = ',')]
    only: Vec<String>,
    /// Fill only the gaps these rules report (`OWN001`, `REL002`); `HYG008` selects the `?` holes.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    rule: Vec<String>,
    /// Offer at most N holes and gaps.
    #[arg(long, value_name = "N")]
    max: Option<usize>,
    /// Ask no provider: use only the answers recorded in the cache.
    #[arg(long)]
    offline: bool,
    /// Answers asked per hole before it is left open (the first, then retries with the reason).
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    attempts: u32,
    /// The provider's OpenAI-compatible API root, such as `http://127.0.0.1:8088/v1`.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The model to ask.
    #[arg(long, value_name = "NAME")]
    model: Option<String>,
    /// The environment variable that holds the API key.
    #[arg(long, value_name = "VAR")]
    api_key_env: Option<String>,
    /// Per request, such as `30s` or `500ms`.
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
    /// Retries on timeouts, 429 and 5xx.
    #[arg(long, value_name = "N")]
    max_retries: Option<u32>,
    #[arg(long, value_name = "T")]
    temperature: Option<f64>,
    #[arg(long, value_name = "N")]
    max_tokens: Option<u32>,
    /// Where answers are recorded, relative to the workspace root (default `.archc/cache`).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<String>,
}

pub fn run(args: FillArgs) -> i32 {
    let host = FsHost;
    let today = match super::today() {
        Ok(t) => t,
        Err(e) => {
            e.eprint();
            return EXIT_ERROR;
        }
    };
    let timeout = match args.timeout.as_deref().map(|t| config::parse_duration(t).ok_or(t)).transpose() {
        Ok(t) => t,
        Err(t) => {
            CliError::new(codes::INVALID_CONFIG, format!("`--timeout {t}` is not a duration such as `30s`"))
                .with_help("give seconds (`30s`), milliseconds (`500ms`) or minutes (`2m`)")
                .eprint();
            return EXIT_ERROR;
        }
    };
    let overrides = Overrides {
        base_url: args.base_url.clone(),
        model: args.model.clone(),
        api_key_env: args.api_key_env.clone(),
        timeout,
        max_retries: args.max_retries,
        temperature: args.temperature,
        max_tokens: args.max_tokens,
        cache_dir: args.cache_dir.clone(),
    };
    let paths = super::default_paths(args.paths.clone());
    let mut roots: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for p in &paths {
        if !host.is_dir(p) && !host.is_file(p) {
            CliError::new(codes::UNREADABLE_PATH, format!("cannot read `{}`: no such file or directory", p.display()))
                .with_help("pass a workspace folder or an .arch file")
                .eprint();
            return EXIT_ERROR;
        }
        let root = driver::find_root(&host, p);
        let abs = host.canonicalize(p).unwrap_or_else(|_| p.clone());
        match roots.iter_mut().find(|r| r.0 == root) {
            Some(r) => r.1.push(abs),
            None => roots.push((root, vec![abs])),
        }
    }
    let date = today.map(|d| d.to_string()).unwrap_or_else(|| "an unknown date".into());
    let mut diff = String::new();
    let mut summary = String::new();
    let mut writes: Vec<(PathBuf, String, String)> = Vec::new();
    for (root, scope) in roots {
        let mut errors = Vec::new();
        let Some(cfg) = super::fmt_config(&host, &root, &mut errors) else { return EXIT_ERROR };
        let settings = match config::resolve(cfg.llm.as_ref(), &|k| std::env::var(k).ok(), &overrides) {
            Ok(s) => s,
            Err(message) => {
                CliError::new(
                    codes::INVALID_CONFIG,
                    format!("invalid LLM settings for `{}`: {message}", root.display()),
                )
                .with_help("fix [llm] in arch.toml, the ARCHC_LLM_* variables or the flags")
                .eprint();
                return EXIT_ERROR;
            }
        };
        let mut http = None;
        if !args.offline {
            let Some(base_url) = settings.base_url.clone() else {
                CliError::new(codes::LLM_PROVIDER, "no LLM provider is configured")
                    .with_help("set `base-url` and `model` under [llm] in arch.toml (or ARCHC_LLM_BASE_URL, or `--base-url`), or pass `--offline` to use recorded answers only")
                    .eprint();
                return EXIT_ERROR;
            };
            let key = match &settings.api_key_env {
                Some(var) => match std::env::var(var) {
                    Ok(k) if !k.is_empty() => Some(k),
                    _ => {
                        CliError::new(codes::LLM_PROVIDER, format!("the API key variable `{var}` is not set"))
                            .with_help(format!(
                                "export {var}=<your key>, or remove `api-key-env` for a provider without keys"
                            ))
                            .eprint();
                        return EXIT_ERROR;
                    }
                },
                None => None,
            };
            http = Some(HttpProvider::new(&settings, &base_url, key));
        }
        let files = match read_workspace(&host, &root) {
            Ok(f) => f,
            Err(e) => {
                e.eprint();
                return EXIT_ERROR;
            }
        };
        let mut ws = WorkspaceText { root: root.clone(), files };
        let original = ws.files.clone();
        let opts = FillOptions {
            only: args.only.clone(),
            rules: args.rule.clone(),
            max: args.max,
            attempts: args.attempts as usize,
            scope: scope.clone(),
            model: settings.model.clone(),
            date: date.clone(),
            temperature: settings.temperature,
            max_tokens: settings.max_tokens,
            run: RunOptions { today, baseline: None },
        };
        let cache = Cache::new(root.join(&settings.cache_dir));
        let provider = http.as_mut().map(|h| h as &mut dyn Provider);
        let mut asker = CachedProvider::new(cache, provider);
        let bar = progress_bar();
        let mut progress = |done: usize, total: usize, what: &str| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(what.to_string());
        };
        let outcome = fill::fill(&mut ws, &mut asker, &opts, &mut progress);
        bar.finish_and_clear();
        let outcome = match outcome {
            Ok(o) => o,
            Err(e) => {
                CliError::new(codes::LLM_PROVIDER, e.message()).with_help(e.help()).eprint();
                return EXIT_ERROR;
            }
        };
        if let Some(problem) = &asker.unrecorded {
            eprintln!("warning: {problem}");
        }
        let (from_cache, asked) = (asker.from_cache, asker.asked);
        drop(asker);
        let retries = http.as_ref().map_or(0, |h| h.retries);
        summary.push_str(&summarise(&outcome, &root, from_cache, asked, retries));
        for (path, text) in &outcome.changed {
            let before = &original[path];
            let shown = shown_path(&host, path);
            let unified = similar::TextDiff::from_lines(before.as_str(), text.as_str());
            diff.push_str(
                &unified
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            );
            writes.push((path.clone(), before.clone(), text.clone()));
        }
    }
    if !args.write {
        if let Err(e) = safe_out::print_stdout(&diff) {
            e.eprint();
            return EXIT_ERROR;
        }
    }
    eprint!("{summary}");
    if args.write {
        for (path, before, after) in &writes {
            if let Err(e) = safe_out::replace_file(path, after.as_bytes(), Some(before.as_bytes())) {
                CliError::new(codes::UNWRITABLE_OUTPUT, format!("cannot write `{}`: {e}", path.display()))
                    .with_help("nothing else was changed in that file; run `archc fill` again")
                    .eprint();
                return EXIT_ERROR;
            }
        }
        eprintln!("wrote {}", super::plural(writes.len(), "file"));
    } else if !writes.is_empty() {
        eprintln!("dry run: nothing written; apply with `archc fill --write`");
    }
    EXIT_CLEAN
}

/// Every `.arch` file and `arch.toml` of the workspace, as text.
fn read_workspace(host: &dyn Host, root: &Path) -> Result<BTreeMap<PathBuf, String>, CliError> {
    let mut files = BTreeMap::new();
    for entry in host.walk_workspace_files(root) {
        // Problems with links are reported by `check`; the fill works on what can be read.
        let Ok(path) = entry else { continue };
        let bytes = host
            .read(&path)
            .map_err(|e| CliError::new(codes::UNREADABLE_PATH, format!("cannot read `{}`: {e}", path.display())))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            CliError::new(codes::INVALID_CONFIG, format!("`{}` is not valid UTF-8; nothing was filled", path.display()))
                .with_help("run `archc check` to see where, and save the file as UTF-8")
        })?;
        files.insert(path, text);
    }
    Ok(files)
}

/// A progress bar on standard error, drawn only when it is a terminal.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} filling [{bar:30}] {pos}/{len} {wide_msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// The counts and every hole left open with its reason.
fn summarise(o: &FillOutcome, root: &Path, from_cache: usize, asked: usize, retries: u32) -> String {
    let mut out = format!(
        "{}: offered {}, filled {}, dropped {} ({} answers from the cache, {} asked{})\n",
        root.display(),
        super::plural(o.offered, "hole or gap").replace("hole or gaps", "holes and gaps"),
        o.filled.len(),
        o.dropped.len(),
        from_cache,
        asked,
        if retries > 0 { format!(", {} retried", super::plural(retries as usize, "request")) } else { String::new() }
    );
    for f in &o.filled {
        let via = if f.source == Source::Cache { ", recorded answer" } else { "" };
        let gap = f.rule.map(|r| format!(" (gap {r})")).unwrap_or_default();
        out.push_str(&format!(
            "  filled  {} {}{gap} = {} after {}{via}\n",
            f.element,
            f.place,
            f.value,
            super::plural(f.attempts, "attempt")
        ));
    }
    for d in &o.dropped {
        let gap = d.rule.map(|r| format!(" (gap {r})")).unwrap_or_default();
        out.push_str(&format!("  dropped {} {}{gap}: {}\n", d.element, d.place, d.reason));
    }
    out
}

/// The path as shown in the diff: relative to the current folder when below it.
fn shown_path(host: &dyn Host, path: &Path) -> String {
    let cwd = host.canonicalize(Path::new(".")).unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy().replace('\\', "/")
}
