//! Prints, for every view of each workspace given, how its edges run (lines through labels and
//! zone titles, along zone borders, labels on borders, crossings, long edges, loops), how many
//! layouts it took and its text faults, then the totals: the numbers behind issue 13's routing
//! work. `cargo run --release --example diagram-stats -- examples/* tests/data/real/*`

use std::path::PathBuf;

use archc::driver::analyze_paths;
use archc::emit::diagrams::inspect::{self, Fault};
use archc::emit::diagrams::{diagrams, Builtin, DiagramOptions};
use archc::host::FsHost;

fn main() {
    let dirs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if dirs.is_empty() {
        eprintln!("usage: diagram-stats WORKSPACE...");
        std::process::exit(2);
    }
    let verbose = std::env::var_os("VERBOSE").is_some();
    println!("| view | layouts | through label | through title | along border | label on border | crossings | long | loops | text faults | size |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut total = [0usize; 9];
    let mut views = 0;
    for ws in &dirs {
        let outcome = analyze_paths(&FsHost, std::slice::from_ref(ws));
        let tag = ws.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        for analysis in &outcome.analyses {
            let opts = DiagramOptions { highlight: false, renderer: &Builtin };
            for d in diagrams(&analysis.model, &analysis.facts, &analysis.diagnostics, &opts) {
                let Some(p) = d.svg.as_deref().ok().and_then(inspect::parse) else { continue };
                views += 1;
                let r = p.routing();
                let count = |f: fn(&Fault) -> bool| r.faults.iter().filter(|x| f(x)).count();
                let row = [
                    d.layouts,
                    count(|f| matches!(f, Fault::EdgeThroughLabel { .. })),
                    count(|f| matches!(f, Fault::EdgeThroughTitle { .. })),
                    count(|f| matches!(f, Fault::EdgeAlongBorder { .. })),
                    count(|f| matches!(f, Fault::LabelOnBorder { .. })),
                    r.crossings,
                    r.long_edges,
                    r.loops,
                    p.faults().len(),
                ];
                for (t, v) in total.iter_mut().zip(row) {
                    *t += v;
                }
                let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
                println!("| {tag}/{} | {} | {:.0}x{:.0} |", d.name, cells.join(" | "), p.width, p.height);
                if verbose {
                    for f in r.faults.iter().chain(&p.faults()) {
                        println!("    {f}");
                    }
                }
            }
        }
    }
    let cells: Vec<String> = total.iter().map(|v| v.to_string()).collect();
    println!("| **total ({views} views)** | {} | |", cells.join(" | "));
}
