//! Where the time of a re-analysis after one edit goes, phase by phase: the same loop as the
//! `reanalyze_after_one_edit` benchmark (texts in memory, warm parse cache, one file edited per
//! run, the next file each time), printing the median of each phase over the runs.
//!
//! ```sh
//! cargo run --release --example reanalyze-phases -- 10000 [runs]
//! ```

#[path = "workspace_gen.rs"]
mod workspace_gen;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use archc::driver::{self, RunOptions};
use archc::host::MemHost;
use archc::pipeline::{self, ParseCache};

fn main() {
    let mut args = std::env::args().skip(1);
    let components: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20).max(1);
    let root = PathBuf::from("/ws");
    let mut host = MemHost::default();
    for (rel, text) in workspace_gen::generate(components, 1) {
        host.insert(&root.join(rel), text.into_bytes());
    }
    let mut sources = driver::read_sources(&host, &root, std::slice::from_ref(&root));
    let originals: Vec<String> = sources.files.iter().map(|f| f.text.clone()).collect();
    let opts = RunOptions::default();
    let mut cache = ParseCache::default();
    pipeline::analyze(sources.clone(), &opts, &mut cache);
    let mut phases: [Vec<Duration>; 5] = Default::default();
    for turn in 1..=runs {
        let edited = turn % originals.len();
        sources.files[edited].text = format!("{}// edit {turn}\n", originals[edited]);
        let started = Instant::now();
        let a = pipeline::analyze(sources.clone(), &opts, &mut cache);
        let total = started.elapsed();
        assert_eq!(cache.parsed, 1, "one file parsed again");
        let t = a.timings;
        for (list, d) in phases.iter_mut().zip([t.load_and_parse, t.resolve, t.facts, t.check - t.facts, total]) {
            list.push(d);
        }
    }
    let names = ["load + parse", "resolve", "facts", "rules", "total"];
    println!("{components} components, median of {runs} re-analyses after one edit:");
    for (name, mut list) in names.iter().zip(phases) {
        list.sort();
        println!("  {name:>12}: {:8.2} ms", list[list.len() / 2].as_secs_f64() * 1e3);
    }
}
