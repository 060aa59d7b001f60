//! What the check phase keeps resident: the facts once built, the peak while building them, and
//! the peak each registry rule adds on top, read from the process's resident set (`VmRSS`,
//! `VmHWM`, reset through `/proc/self/clear_refs`) with the binary's allocator.
//!
//! ```sh
//! MIMALLOC_PURGE_DELAY=0 cargo run --release --example check-memory -- /tmp/ws100k
//! ```
//!
//! `MIMALLOC_PURGE_DELAY=0` makes the allocator give freed pages back at once, so that the
//! resident set follows what is live. The workspace is loaded as `archc check` loads it; its
//! own facts and findings are dropped before measuring. Linux only.

use std::path::PathBuf;
use std::process::ExitCode;

use archc::analysis::Facts;
use archc::check::{self, registry, CheckOptions, Ctx, RuleConfig};
use archc::driver::{self, RunOptions};
use archc::host::FsHost;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: check-memory DIR [--all]";

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let mut all = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--all" => all = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if dir.is_none() && !other.starts_with('-') => dir = Some(PathBuf::from(other)),
            other => {
                eprintln!("check-memory: unexpected argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = driver::analyze_paths_for_findings(&FsHost, std::slice::from_ref(&dir), &RunOptions::default());
    let Some(analysis) = outcome.analyses.into_iter().next() else {
        eprintln!("check-memory: `{}` holds no workspace", dir.display());
        return ExitCode::from(2);
    };
    let (config, _) = RuleConfig::from_table(&analysis.config.rules);
    let model = analysis.model;
    drop((analysis.facts, analysis.diagnostics, analysis.trees, analysis.workspace));
    let Some(base) = resident() else {
        eprintln!("check-memory: /proc/self/status is not readable here");
        return ExitCode::from(2);
    };

    reset_peak();
    let facts = Facts::build(&model);
    let built = resident().unwrap_or(base);
    println!("{} elements, {} links", model.elements.len(), facts.links.len());
    println!("{:>8.1} MiB  model and the rest resident before the check", mib(base.now));
    println!("{:>8.1} MiB  facts kept", mib(built.now.saturating_sub(base.now)));
    println!("{:>8.1} MiB  peak while building the facts", mib(built.peak.saturating_sub(base.now)));

    let opts = CheckOptions { config: &config, today: None, baseline: None };
    reset_peak();
    let before = resident().unwrap_or(built);
    let found = check::run_with_facts(&model, &facts, Vec::new(), &opts);
    let after = resident().unwrap_or(before);
    println!(
        "{:>8.1} MiB  peak over the facts while running the rules as `archc check` does ({} findings)",
        mib(after.peak.saturating_sub(before.now)),
        found.len()
    );
    drop(found);

    let cx = Ctx::new(&model, &facts, &config);
    let mut per_rule: Vec<(&str, u64)> = registry::rules()
        .iter()
        .map(|rule| {
            reset_peak();
            let before = resident().unwrap_or(built);
            let mut out = Vec::new();
            (rule.run)(&cx, &mut out);
            let peak = resident().map_or(0, |r| r.peak.saturating_sub(before.now));
            drop(out);
            (rule.code.id, peak)
        })
        .collect();
    per_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown = if all { per_rule.len() } else { per_rule.len().min(15) };
    println!("peak each rule adds, run alone on one thread:");
    for (code, peak) in &per_rule[..shown] {
        println!("{:>8.1} MiB  {code}", mib(*peak));
    }
    ExitCode::SUCCESS
}

/// Resident bytes now and at the peak since the last [`reset_peak`].
#[derive(Clone, Copy)]
struct Resident {
    now: u64,
    peak: u64,
}

fn resident() -> Option<Resident> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().ok().map(|kb| kb * 1024)
    };
    Some(Resident { now: field("VmRSS:")?, peak: field("VmHWM:")? })
}

/// Starts a new peak at the current resident set (writing 5 to `clear_refs` resets `VmHWM`).
fn reset_peak() {
    // Without it the peaks are the whole run's; the numbers say so by being large.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
