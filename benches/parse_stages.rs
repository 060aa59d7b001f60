//! Where the time of `syntax::parse` goes, stage by stage (lex, parse, shape), in process and on
//! one thread, over every `.arch` file under a folder: median of the runs, plus the whole parse.
//!
//! ```sh
//! cargo run --release --example parse-stages -- /tmp/ws10000 [runs]
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use archc::source::FileId;
use archc::syntax::{self, lexer, parser, shape};

// The allocator `archc` itself uses, so that allocation costs are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every `.arch` file under `dir`, in a stable order.
fn arch_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|e| e == "arch"))
        .collect()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The median and, in brackets, the fastest run: on a machine shared with other work the
/// fastest is the one least disturbed.
fn show(times: Vec<Duration>) -> String {
    let fastest = times.iter().min().copied().unwrap_or_default();
    format!("{:8.2} ms  ({:.2})", median(times).as_secs_f64() * 1e3, fastest.as_secs_f64() * 1e3)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/ws10000".into()));
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(7).max(1);
    let paths = arch_files(&root);
    let texts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("utf-8 file")).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let (mut lex_t, mut parse_t, mut shape_t, mut whole_t) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let (mut lex_d, mut parse_d, mut shape_d) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for (i, text) in texts.iter().enumerate() {
            let file = FileId(i as u32);
            let t0 = Instant::now();
            let lexed = lexer::lex(file, text);
            let t1 = Instant::now();
            let (nodes, errors) = parser::parse_tokens(file, &lexed.tokens, text.len());
            let t2 = Instant::now();
            let (ast, shape_errors) = shape::shape(file, &nodes);
            let t3 = Instant::now();
            assert!(errors.is_empty() && shape_errors.is_empty(), "{} has errors", paths[i].display());
            std::hint::black_box(&ast);
            lex_d += t1 - t0;
            parse_d += t2 - t1;
            shape_d += t3 - t2;
        }
        lex_t.push(lex_d);
        parse_t.push(parse_d);
        shape_t.push(shape_d);
        let t0 = Instant::now();
        for (i, text) in texts.iter().enumerate() {
            std::hint::black_box(syntax::parse(FileId(i as u32), text));
        }
        whole_t.push(t0.elapsed());
    }
    let bytes_per_second = bytes as f64 / median(whole_t.clone()).as_secs_f64();
    println!("{} files, {:.1} MB, {runs} runs, median (fastest)", texts.len(), bytes as f64 / 1e6);
    println!("lex   {}", show(lex_t));
    println!("parse {}", show(parse_t));
    println!("shape {}", show(shape_t));
    println!("whole {}  {:.0} MB/s", show(whole_t), bytes_per_second / 1e6);
}
