//! Where the check phase spends its time: `Facts::build`, every registry rule, the teams' own
//! rules and the whole check (`Facts::build` and `check::run_with_facts`), each the median of a few runs on one workspace.
//!
//! ```sh
//! cargo run --release --example rule-timings -- /tmp/ws10000          # top 15, 5 runs
//! cargo run --release --example rule-timings -- /tmp/ws10000 --all --runs 3
//! ```
//!
//! The workspace is loaded and resolved once through the driver; only the check phase is timed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use archc::analysis::Facts;
use archc::check::{self, registry, CheckOptions, Ctx, RuleConfig};
use archc::driver::{self, RunOptions};
use archc::host::FsHost;

const USAGE: &str = "usage: rule-timings DIR [--runs N] [--all]";

fn main() -> ExitCode {
    let mut dir: Option<PathBuf> = None;
    let mut runs = 5usize;
    let mut all = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--all" => all = true,
            "--runs" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => {
                    eprintln!("rule-timings: --runs needs a positive number\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if dir.is_none() && !other.starts_with('-') => dir = Some(PathBuf::from(other)),
            other => {
                eprintln!("rule-timings: unexpected argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(dir) = dir else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = driver::analyze_paths_with(&FsHost, std::slice::from_ref(&dir), &RunOptions::default());
    let Some(analysis) = outcome.analyses.into_iter().next() else {
        eprintln!("rule-timings: `{}` holds no workspace", dir.display());
        return ExitCode::from(2);
    };
    let (config, _) = RuleConfig::from_table(&analysis.config.rules);
    let model = &analysis.model;

    let facts_time = median(runs, || {
        std::hint::black_box(Facts::build(model));
    });
    // Fresh facts for every run of a rule: views the facts build on first use (the component
    // graph) count for the first rule that asks, as they do in a real run.
    let mut per_rule: Vec<(&str, Duration, usize)> = registry::rules()
        .iter()
        .map(|rule| {
            let mut found = 0;
            let mut times: Vec<Duration> = (0..runs)
                .map(|_| {
                    let facts = Facts::build(model);
                    let cx = Ctx::new(model, &facts, &config);
                    let mut out = Vec::new();
                    let started = Instant::now();
                    (rule.run)(&cx, &mut out);
                    let time = started.elapsed();
                    found = out.len();
                    time
                })
                .collect();
            times.sort();
            (rule.code.id, times[times.len() / 2], found)
        })
        .collect();
    let facts = Facts::build(model);
    let cx = Ctx::new(model, &facts, &config);
    let custom_time = median(runs, || {
        let (rules, _) = check::custom::compile(model);
        std::hint::black_box(check::custom::run(&cx, &rules));
    });
    let opts = CheckOptions { config: &config, today: None, baseline: None };
    let whole = median(runs, || {
        let facts = Facts::build(model);
        std::hint::black_box(check::run_with_facts(model, &facts, Vec::new(), &opts));
    });

    let rules_sum: Duration = per_rule.iter().map(|r| r.1).sum();
    println!("{} elements, median of {runs}", model.elements.len());
    println!("{:>10.2} ms  Facts::build", ms(facts_time));
    println!("{:>10.2} ms  Facts::build + run_with_facts (rules, custom rules, levels, acceptances, sort)", ms(whole));
    println!("{:>10.2} ms  sum of the registry rules", ms(rules_sum));
    println!("{:>10.2} ms  custom rules (compile and run)", ms(custom_time));
    per_rule.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown = if all { per_rule.len() } else { per_rule.len().min(15) };
    for (code, time, found) in &per_rule[..shown] {
        println!("{:>10.2} ms  {code} ({found} findings)", ms(*time));
    }
    ExitCode::SUCCESS
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
