//! The command line: argument parsing, output selection and exit codes. No analysis logic lives
//! here; it calls `driver` and the renderers.

mod build;
mod export;
mod fill;
mod import;
mod init;
mod progress;
mod report;
mod rules;
mod safe_out;
mod system_dot;
mod usage;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::render::{render, RenderOptions};
use crate::diagnostics::{codes, json, Counts, Diagnostic, Severity};
use crate::driver;
use crate::host::{FsHost, Host};
use crate::source::SourceMap;
use crate::syntax::literal::Literal;

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
    /// Print how long each phase took to stderr.
    #[arg(long, global = true)]
    timings: bool,
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
        /// Report only findings that are not in this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record today's findings in this baseline file.
        #[arg(long, value_name = "FILE")]
        write_baseline: Option<PathBuf>,
        /// Show the details of notes (advice) too; by default the human format counts them in one line.
        #[arg(long, short)]
        verbose: bool,
    },
    /// List the checker's rules.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        /// Workspaces whose own `rule` declarations to list too (default: the current folder
        /// when it holds an arch.toml).
        paths: Vec<PathBuf>,
    },
    /// Explain one rule, with its failing and passing examples.
    Explain {
        /// A rule code (`CPL001`), name (`dependency-cycle`) or custom rule name.
        rule: String,
        /// Workspaces to look for custom rules in (default: the current folder when it holds an
        /// arch.toml).
        paths: Vec<PathBuf>,
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
    /// Export the model to other ecosystems (json, mermaid, backstage, structurizr, calm, likec4).
    Export(export::ExportArgs),
    /// Import a model from Structurizr DSL, LikeC4, FINOS CALM or Threagile into .arch files.
    Import(import::ImportArgs),
    /// Propose values for `?` holes and missing attributes from an LLM, kept only if the checker accepts them.
    Fill(fill::FillArgs),
    /// Create a starter workspace that checks clean and builds.
    Init(init::InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write all pages into a folder with `-o DIR`.
    Man(init::ManArgs),
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
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
    Sarif,
    Github,
    Junit,
    /// GitLab Code Quality JSON.
    Codequality,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

/// Runs the command line and returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp
                | clap::error::ErrorKind::DisplayVersion
                | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                        EXIT_ERROR
                    } else {
                        EXIT_CLEAN
                    }
                }
                _ => {
                    usage::report(&e, &args).eprint();
                    EXIT_ERROR
                }
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
        Command::Check { paths, format, deny, baseline, write_baseline, verbose } => {
            let args = CheckArgs { format, deny, baseline, write_baseline, color, timings: cli.timings, verbose };
            check(&host, &default_paths(paths), &args)
        }
        Command::Rules { format, paths } => rules::list(&host, &paths, format == ListFormat::Json),
        Command::Explain { rule, paths } => rules::explain(&host, &paths, &rule),
        Command::Fmt { paths, check } => fmt(&host, &default_paths(paths), check, color),
        Command::Build(args) => build::run(&host, args, color),
        Command::Export(args) => export::run(&host, args, color),
        Command::Import(args) => import::run(args),
        Command::Fill(args) => fill::run(args),
        Command::Init(args) => init::init(args),
        Command::Completions { shell } => init::completions(shell),
        Command::Man(args) => init::man(args),
        Command::Lsp => match today() {
            Ok(today) => crate::lsp::run(today),
            Err(message) => {
                message.eprint();
                EXIT_ERROR
            }
        },
    }
}

pub(crate) fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths
    }
}

/// The number of unsuppressed syntax, literal, import and resolution errors, if any. Only these
/// stop `build` and `export`: a model with checker findings is still complete enough to write.
pub(crate) fn front_end_errors(diags: &[Diagnostic]) -> Option<usize> {
    let n = diags
        .iter()
        .filter(|d| {
            d.severity == Severity::Error && d.suppression.is_none() && codes::ALL.iter().any(|c| c.id == d.code.id)
        })
        .count();
    (n > 0).then_some(n)
}

/// The exit code for a set of diagnostics; suppressed findings never fail a run.
fn exit_code(diags: &[&Diagnostic], deny: Option<Deny>) -> i32 {
    if diags.iter().any(|d| codes::is_environment_error(d.code)) {
        return EXIT_ERROR;
    }
    let failing = |s: Severity| s == Severity::Error || (deny == Some(Deny::Warnings) && s == Severity::Warning);
    if diags.iter().any(|d| d.suppression.is_none() && failing(d.severity)) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

struct CheckArgs {
    format: CheckFormat,
    deny: Option<Deny>,
    baseline: Option<PathBuf>,
    write_baseline: Option<PathBuf>,
    color: bool,
    timings: bool,
    /// Render notes in full in the human format.
    verbose: bool,
}

/// The last second of 9999-12-31: dates have four-digit years.
const MAX_EPOCH: i64 = 253_402_300_799;

/// Today's date: `SOURCE_DATE_EPOCH` when set (reproducible runs), else the system clock. A set
/// but unusable `SOURCE_DATE_EPOCH` is an error: ignoring it would silently stop acceptances from
/// expiring.
pub(crate) fn today() -> Result<Option<Literal>, report::CliError> {
    let secs = match std::env::var_os("SOURCE_DATE_EPOCH") {
        Some(v) => {
            let v = v.to_string_lossy();
            match v.trim().parse::<i64>() {
                Ok(n) if (0..=MAX_EPOCH).contains(&n) => n,
                _ => {
                    return Err(report::CliError::new(
                        codes::INVALID_ENVIRONMENT,
                        format!(
                            "SOURCE_DATE_EPOCH is `{}`, not a number of seconds between 0 and {MAX_EPOCH}",
                            v.escape_debug()
                        ),
                    )
                    .with_help("set it to a Unix timestamp such as `$(git log -1 --format=%ct)`, or unset it"))
                }
            }
        }
        None => match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(_) => return Ok(None),
        },
    };
    Ok(Some(crate::syntax::literal::date_from_days(secs.div_euclid(86_400))))
}

/// The workspace root as seen from the current folder, used to prefix file names in output.
fn display_prefix(host: &dyn Host, root: &std::path::Path) -> String {
    let Ok(cwd) = host.canonicalize(std::path::Path::new(".")) else { return String::new() };
    match root.strip_prefix(&cwd) {
        Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"),
        Err(_) => root.display().to_string(),
    }
}

// The error is boxed: a `Diagnostic` is large and the happy path should not carry its size.
fn read_baseline(host: &dyn Host, path: &std::path::Path) -> Result<BTreeMap<String, usize>, Box<Diagnostic>> {
    let bytes = host.read(path).map_err(|e| {
        Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read baseline `{}`: {e}", path.display()))
    })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        Diagnostic::without_span(codes::INVALID_CONFIG, format!("baseline `{}` is not valid JSON: {e}", path.display()))
    })?;
    let findings = value.get("findings").and_then(|f| f.as_object()).ok_or_else(|| {
        Diagnostic::without_span(
            codes::INVALID_CONFIG,
            format!("baseline `{}` has no `findings` object", path.display()),
        )
        .with_help("write one with `archc check --write-baseline FILE`")
    })?;
    Ok(findings.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(1) as usize)).collect())
}

/// Today's findings for a baseline. Findings the old baseline accepted are still findings: they
/// stay in, so that rewriting a baseline in place keeps it whole.
fn baseline_findings(diags: &[&Diagnostic]) -> BTreeMap<String, usize> {
    let unaccepted: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.suppression.as_ref().is_none_or(|s| s.kind == crate::diagnostics::SuppressionKind::Baseline))
        .map(|d| Diagnostic { suppression: None, ..Diagnostic::clone(d) })
        .collect();
    crate::check::baseline_of(&unaccepted)
}

fn baseline_json(diags: &[&Diagnostic]) -> String {
    let findings = baseline_findings(diags);
    let value = serde_json::json!({ "version": 1, "tool": "archc", "findings": findings });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn check(host: &dyn Host, paths: &[PathBuf], args: &CheckArgs) -> i32 {
    let baseline = match args.baseline.as_deref().map(|p| read_baseline(host, p)).transpose() {
        Ok(b) => b,
        Err(d) => {
            let _ = std::io::stderr()
                .write_all(render(&SourceMap::default(), &[*d], &RenderOptions { color: args.color }).as_bytes());
            return EXIT_ERROR;
        }
    };
    let today = match today() {
        Ok(t) => t,
        Err(msg) => {
            msg.eprint();
            return EXIT_ERROR;
        }
    };
    let opts = driver::RunOptions { today, baseline };
    // Never freed: the process exits right after the command, and freeing the analyses element by
    // element would only make it exit later (tens of milliseconds at 100,000 components).
    let mut outcome = ManuallyDrop::new(driver::analyze_paths_for_findings(host, paths, &opts));
    for a in &mut outcome.analyses {
        let prefix = display_prefix(host, &a.root);
        a.workspace.sources.set_display_prefix(prefix);
    }
    let empty = SourceMap::default();
    let mut groups: Vec<(&SourceMap, &[Diagnostic])> = vec![(&empty, &outcome.errors)];
    let mut files = 0;
    for a in &outcome.analyses {
        groups.push((&a.workspace.sources, &a.diagnostics));
        files += a.workspace.files.iter().filter(|f| !f.is_std).count();
    }
    // Borrowed, not copied: a large workspace can have hundreds of thousands of findings.
    let all: Vec<&Diagnostic> = groups.iter().flat_map(|g| g.1.iter()).collect();
    if let Some(path) = &args.write_baseline {
        if let Err(e) = safe_out::replace_file(path, baseline_json(&all).as_bytes(), None) {
            report::CliError::new(codes::UNWRITABLE_OUTPUT, format!("cannot write baseline `{}`: {e}", path.display()))
                .with_help("give `--write-baseline` a path in a folder you can write to")
                .eprint();
            return EXIT_ERROR;
        }
        eprintln!(
            "wrote {} findings to the baseline `{}`",
            baseline_findings(&all).values().sum::<usize>(),
            path.display()
        );
    }
    let text = match args.format {
        CheckFormat::Json => json::to_json(&groups, files),
        CheckFormat::Sarif => {
            let custom: Vec<(crate::check::custom::CustomRule, String)> = outcome
                .analyses
                .iter()
                .flat_map(|a| {
                    crate::check::custom::rules_of(&a.model).into_iter().map(|r| {
                        let text = r.describe(&a.model);
                        (r, text)
                    })
                })
                .collect();
            let meta: Vec<crate::emit::sarif::CustomRuleMeta<'_>> = custom
                .iter()
                .map(|(rule, text)| crate::emit::sarif::CustomRuleMeta { rule, declaration: text.clone() })
                .collect();
            crate::emit::sarif::to_sarif_with(&groups, &meta)
        }
        CheckFormat::Github => crate::emit::github::to_github(&groups),
        CheckFormat::Junit => crate::emit::junit::to_junit(&groups),
        CheckFormat::Codequality => crate::emit::codequality::to_codequality(&groups),
        CheckFormat::Human => {
            let opts = RenderOptions { color: args.color };
            let mut out = String::new();
            // Advice must not bury the findings that fail the run: notes are counted, not shown,
            // unless asked for (or unless they fail the run themselves).
            let hide_notes = !args.verbose;
            let mut hidden: BTreeMap<&str, usize> = BTreeMap::new();
            for (sources, diags) in &groups {
                let shown: Vec<Diagnostic> = diags
                    .iter()
                    .filter(|d| d.suppression.is_none())
                    .filter(|d| {
                        let hide = hide_notes && d.severity == Severity::Note;
                        if hide {
                            *hidden.entry(d.code.id).or_insert(0) += 1;
                        }
                        !hide
                    })
                    .cloned()
                    .collect();
                // A broken arch.toml is the CLI's own error: a miette report with its TOML excerpt.
                let (config, arch): (Vec<Diagnostic>, Vec<Diagnostic>) =
                    shown.into_iter().partition(|d| d.code.id == codes::INVALID_CONFIG.id && d.primary.is_some());
                for d in &config {
                    out.push_str(&report::CliError::from_diagnostic(sources, d).render(args.color));
                }
                out.push_str(&render(sources, &arch, &opts));
            }
            if !hidden.is_empty() {
                out.push_str(&hidden_notes_line(&hidden));
                out.push('\n');
            }
            let suppressed = all.iter().filter(|d| d.suppression.is_some()).count();
            out.push_str(&summary_line(counts_of(&groups), files, suppressed));
            out.push('\n');
            out
        }
    };
    if let Err(msg) = safe_out::print_stdout(&text) {
        msg.eprint();
        return EXIT_ERROR;
    }
    if args.timings {
        for a in &outcome.analyses {
            let t = a.timings;
            eprintln!(
                "timings for {}: load+parse {:.1} ms, resolve {:.1} ms, check {:.1} ms",
                a.root.display(),
                t.load_and_parse.as_secs_f64() * 1e3,
                t.resolve.as_secs_f64() * 1e3,
                t.check.as_secs_f64() * 1e3
            );
        }
    }
    exit_code(&all, args.deny)
}

/// Prints a command's whole output; a failed write is exit 2 with a message.
fn finish_stdout(text: &str) -> i32 {
    match safe_out::print_stdout(text) {
        Ok(()) => EXIT_CLEAN,
        Err(msg) => {
            msg.eprint();
            EXIT_ERROR
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "14 notes not shown (SEC016 12, REL006 2): run with `--verbose` to see them".
fn hidden_notes_line(hidden: &BTreeMap<&str, usize>) -> String {
    let total: usize = hidden.values().sum();
    let mut by_count: Vec<(&&str, &usize)> = hidden.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let codes: Vec<String> = by_count.iter().map(|(c, n)| format!("{c} {n}")).collect();
    format!("{} not shown ({}): run with `--verbose` to see them", plural(total, "note"), codes.join(", "))
}

/// The counts of every group's diagnostics together.
fn counts_of(groups: &[(&SourceMap, &[Diagnostic])]) -> Counts {
    groups.iter().map(|(_, diags)| Counts::of(diags)).fold(Counts::default(), |a, b| Counts {
        errors: a.errors + b.errors,
        warnings: a.warnings + b.warnings,
        notes: a.notes + b.notes,
    })
}

fn summary_line(c: Counts, files: usize, suppressed: usize) -> String {
    let accepted = if suppressed > 0 { format!(" ({suppressed} accepted)") } else { String::new() };
    if c.errors + c.warnings + c.notes == 0 {
        return format!("checked {}: no problems found{accepted}", plural(files, "file"));
    }
    format!(
        "checked {}: {}, {}, {}{accepted}",
        plural(files, "file"),
        plural(c.errors, "error"),
        plural(c.warnings, "warning"),
        plural(c.notes, "note")
    )
}

/// The configuration of the workspace at `root`; a broken one is an error (nothing is formatted).
fn fmt_config(host: &dyn Host, root: &std::path::Path, errors: &mut Vec<Diagnostic>) -> Option<crate::config::Config> {
    let file = root.join(driver::CONFIG_FILE);
    let Ok(bytes) = host.read(&file) else { return Some(crate::config::Config::default()) };
    let text = String::from_utf8_lossy(&bytes);
    match crate::config::Config::parse(&text) {
        Ok(c) => Some(c),
        Err(e) => {
            // Formatting with a broken configuration could touch excluded files. The report with
            // the TOML excerpt is printed here, where the text is; the diagnostic stops `fmt`.
            let message = format!("invalid `{}`: {}; nothing was formatted", file.display(), e.message);
            let help = "fix arch.toml, then run `archc fmt` again";
            let mut report = report::CliError::new(codes::INVALID_CONFIG, message.clone()).with_help(help);
            if let Some(range) = e.range {
                report = report.with_excerpt(&file.display().to_string(), &text, range, "here");
            }
            report.eprint();
            errors.push(Diagnostic::without_span(codes::INVALID_CONFIG, message).with_help(help));
            None
        }
    }
}

/// The .arch files `fmt` works on, each with its workspace's size limit: files given directly,
/// and those a folder's workspace selects.
fn fmt_targets(host: &dyn Host, paths: &[PathBuf], errors: &mut Vec<Diagnostic>) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    for p in paths {
        if host.is_file(p) {
            if crate::host::is_arch_file(p) {
                let Some(config) = fmt_config(host, &driver::find_root(host, p), errors) else { continue };
                out.push((p.clone(), config.max_file_size));
            } else {
                errors.push(
                    Diagnostic::without_span(
                        codes::UNREADABLE_PATH,
                        format!("`{}` is not an .arch file; it was not formatted", p.display()),
                    )
                    .with_help("`archc fmt` formats only files whose names end in `.arch`"),
                );
            }
        } else if host.is_dir(p) {
            let root = driver::find_root(host, p);
            let mut configs: BTreeMap<PathBuf, crate::config::Config> = BTreeMap::new();
            let mut roots = driver::nested_roots(host, p, &root);
            roots.push(root.clone());
            // Deepest first, so a file goes with the nearest arch.toml above it.
            roots.sort_by_key(|r| std::cmp::Reverse(r.components().count()));
            for r in &roots {
                if let Some(config) = fmt_config(host, r, errors) {
                    configs.insert(r.clone(), config);
                }
            }
            for entry in host.walk_workspace_files(p) {
                match entry {
                    Ok(f) if crate::host::is_arch_file(&f) => {
                        let abs = host.canonicalize(&f).unwrap_or(f.clone());
                        let Some(r) = roots.iter().find(|r| abs.starts_with(r)) else { continue };
                        let rel =
                            abs.strip_prefix(r).map(|x| x.to_string_lossy().replace('\\', "/")).unwrap_or_default();
                        if let Some(c) = configs.get(r).filter(|c| c.selects(&rel)) {
                            out.push((f, c.max_file_size));
                        }
                    }
                    Ok(_) => {}
                    // `check` warns about links that leave the workspace; fmt just leaves them.
                    Err(msg) if msg.starts_with(crate::host::SKIPPED_LINK) => {}
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
    if errors.iter().any(|d| d.code.id == codes::INVALID_CONFIG.id) {
        // The configuration errors were reported by `fmt_config`, with their excerpt.
        errors.retain(|d| d.code.id != codes::INVALID_CONFIG.id);
        let _ =
            std::io::stderr().write_all(render(&SourceMap::default(), &errors, &RenderOptions { color }).as_bytes());
        return EXIT_ERROR;
    }
    let mut sources = SourceMap::default();
    let mut syntax_errors = Vec::new();
    let mut changed = Vec::new();
    let mut stderr = std::io::stderr().lock();
    for (path, limit) in &targets {
        let shown = path.display().to_string();
        // An unreadable size is reported by the read below.
        let size = host.size(path).unwrap_or(0);
        if size > *limit {
            errors.push(
                Diagnostic::without_span(
                    codes::FILE_TOO_LARGE,
                    format!("`{shown}` is {size} bytes, over the limit of {limit} bytes; it was not formatted"),
                )
                .with_help("split the file, or raise `max-file-size` under [workspace] in arch.toml"),
            );
            continue;
        }
        let bytes = match host.read(path) {
            Ok(b) => b,
            Err(e) => {
                errors.push(Diagnostic::without_span(codes::UNREADABLE_PATH, format!("cannot read `{shown}`: {e}")));
                continue;
            }
        };
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                // An input error like any syntax error: reported with its position, file untouched.
                let at = e.utf8_error().valid_up_to();
                let id = sources.add(shown.clone(), String::from_utf8_lossy(e.as_bytes()).into_owned());
                syntax_errors.push(
                    Diagnostic::new(
                        codes::INVALID_UTF8,
                        "file is not valid UTF-8",
                        crate::source::Span::new(id, at..at + '\u{FFFD}'.len_utf8()),
                        "invalid byte sequence here",
                    )
                    .with_help("save the file as UTF-8; it was not formatted"),
                );
                continue;
            }
        };
        let id = sources.add(shown.clone(), text);
        match crate::fmt::format(id, sources.text(id)) {
            Ok(formatted) if formatted != sources.text(id) => {
                if !check_only {
                    let read = sources.text(id).as_bytes();
                    if let Err(e) = safe_out::replace_file(path, formatted.as_bytes(), Some(read)) {
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
    if check_only {
        let list: String = changed.iter().map(|c| format!("would reformat {c}\n")).collect();
        if let Err(msg) = safe_out::print_stdout(&list) {
            let _ = write!(stderr, "{}", msg.render(report::stderr_color()));
            return EXIT_ERROR;
        }
    }
    let verb = if check_only { "would reformat" } else { "reformatted" };
    let broken: std::collections::BTreeSet<_> = syntax_errors.iter().filter_map(|d| d.span().map(|s| s.file)).collect();
    let unchanged = targets.len().saturating_sub(changed.len() + broken.len() + errors.len());
    let mut summary = format!("{} {verb}, {unchanged} already formatted", plural(changed.len(), "file"));
    if !broken.is_empty() {
        summary.push_str(&format!(", {} not formatted because of syntax errors", plural(broken.len(), "file")));
    }
    if !errors.is_empty() {
        summary.push_str(&format!(", {} above", plural(errors.len(), "error")));
    }
    let _ = writeln!(stderr, "{summary}");
    if !errors.is_empty() {
        return EXIT_ERROR;
    }
    if !syntax_errors.is_empty() || (check_only && !changed.is_empty()) {
        return EXIT_FINDINGS;
    }
    EXIT_CLEAN
}
