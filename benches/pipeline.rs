//! The front end at 100 to 100,000 generated components: lex, lex + parse, resolve, check, fmt,
//! and the whole in-memory run (load + parse + resolve + check through the driver).
//!
//! ```sh
//! cargo bench --bench pipeline              # every phase at every size
//! cargo bench --bench pipeline -- check     # one phase (divan filters by name)
//! ```
//!
//! Each workspace is generated once per size (`benches/workspace_gen.rs`, seed 1), held in memory
//! and analyzed once; the benchmarks then time one phase on that input. Sizes of 10,000 and more
//! take seconds per iteration, so every benchmark stops after a few samples (`max_time`).

#[path = "workspace_gen.rs"]
mod workspace_gen;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use archc::check::{CheckOptions, RuleConfig};
use archc::driver::{self, Analysis, RunOptions};
use archc::host::MemHost;
use archc::pipeline::{self, ParseCache};
use archc::semantic::Workspace;
use archc::source::FileId;
use divan::Bencher;

fn main() {
    divan::main();
}

/// Components in the generated workspaces.
const SIZES: &[usize] = &[100, 1_000, 10_000, 100_000];
const SEED: u64 = 1;
/// Where the in-memory workspace lives.
const ROOT: &str = "/ws";

/// One generated workspace and its analysis, made once per size and kept for the whole run.
struct Fixture {
    /// `.arch` files only: `(path, text)`.
    files: Vec<(String, String)>,
    host: MemHost,
    analysis: Analysis,
    /// The loaded workspace with its syntax trees: the driver frees them as it resolves, so
    /// `analysis.workspace` has none left.
    parsed: Workspace,
    rules: RuleConfig,
}

fn fixture(components: usize) -> &'static Fixture {
    static CACHE: Mutex<BTreeMap<usize, &'static Fixture>> = Mutex::new(BTreeMap::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(components).or_insert_with(|| {
        let generated = workspace_gen::generate(components, SEED);
        let mut host = MemHost::default();
        for (rel, text) in &generated {
            host.insert(&PathBuf::from(ROOT).join(rel), text.as_bytes().to_vec());
        }
        let outcome = driver::analyze_paths_with(&host, &[PathBuf::from(ROOT)], &RunOptions::default());
        assert!(outcome.errors.is_empty(), "the generated workspace could not be read");
        let analysis = outcome.analyses.into_iter().next().expect("one workspace");
        let rules = RuleConfig::from_table(&analysis.config.rules).0;
        let mut parsed = analysis.workspace.clone();
        for file in &mut parsed.files {
            file.ast = archc::syntax::parse(file.id, parsed.sources.text(file.id)).ast;
        }
        let files = generated.into_iter().filter(|(rel, _)| rel.ends_with(".arch")).collect();
        Box::leak(Box::new(Fixture { files, host, analysis, parsed, rules }))
    })
}

/// Bytes of `.arch` text, for divan's throughput column.
fn bytes(f: &Fixture) -> usize {
    f.files.iter().map(|(_, t)| t.len()).sum()
}

/// Tokens and comments of every file.
#[divan::bench(args = SIZES, sample_count = 20, max_time = 3)]
fn lex(bencher: Bencher, components: usize) {
    let f = fixture(components);
    bencher.counter(divan::counter::BytesCount::new(bytes(f))).bench(|| {
        for (i, (_, text)) in f.files.iter().enumerate() {
            divan::black_box(archc::syntax::lexer::lex(FileId(i as u32), text));
        }
    });
}

/// Lex, parse and shape every file into its typed tree (`archc::syntax::parse`).
#[divan::bench(args = SIZES, sample_count = 20, max_time = 3)]
fn parse(bencher: Bencher, components: usize) {
    let f = fixture(components);
    bencher.counter(divan::counter::BytesCount::new(bytes(f))).bench(|| {
        for (i, (_, text)) in f.files.iter().enumerate() {
            divan::black_box(archc::syntax::parse(FileId(i as u32), text));
        }
    });
}

/// Names, imports and references of the parsed workspace (standard library included) to one
/// model (`archc::semantic::analyze`, which lowers each file from its kept syntax tree; a batch
/// run lowers each file on its parsing thread instead).
#[divan::bench(args = SIZES, sample_count = 20, max_time = 3)]
fn resolve(bencher: Bencher, components: usize) {
    let f = fixture(components);
    bencher.bench(|| archc::semantic::analyze(&f.parsed));
}

/// Every rule over the resolved model (`archc::check::run`).
#[divan::bench(args = SIZES, sample_count = 20, max_time = 3)]
fn check(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let opts = CheckOptions { config: &f.rules, today: None, baseline: None };
    bencher.bench(|| archc::check::run(&f.analysis.model, Vec::new(), &opts));
}

/// The canonical layout of every file (`archc::fmt::format`; parses again, as `archc fmt` does).
#[divan::bench(args = SIZES, sample_count = 20, max_time = 3)]
fn fmt(bencher: Bencher, components: usize) {
    let f = fixture(components);
    bencher.counter(divan::counter::BytesCount::new(bytes(f))).bench(|| {
        for (i, (_, text)) in f.files.iter().enumerate() {
            divan::black_box(archc::fmt::format(FileId(i as u32), text).ok());
        }
    });
}

/// What `archc check` does before printing, from an in-memory host: discovery, reading, the
/// standard library, parsing, resolution and every rule.
#[divan::bench(args = SIZES, sample_count = 10, max_time = 5)]
fn analyze_in_memory(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let paths = [PathBuf::from(ROOT)];
    bencher
        .counter(divan::counter::BytesCount::new(bytes(f)))
        .bench(|| driver::analyze_paths_with(&f.host, &paths, &RunOptions::default()));
}

/// Sizes for the editor's re-analysis: the targets are stated at 1,000 and 10,000 components.
const EDIT_SIZES: &[usize] = &[1_000, 10_000];

/// Re-analysis after editing one file, as an editor does it: the workspace's texts in memory, a
/// warm [`ParseCache`], one file's text changed, then [`pipeline::analyze`] (that file parsed
/// again, the other trees shared from the cache, resolution and every rule). Each iteration edits
/// the next of the workspace's files with a comment naming the iteration, so every text analyzed
/// is new and no file stays the edited one.
#[divan::bench(args = EDIT_SIZES, sample_count = 10, max_time = 5)]
fn reanalyze_after_one_edit(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let root = PathBuf::from(ROOT);
    let opts = RunOptions::default();
    let mut sources = driver::read_sources(&f.host, &root, std::slice::from_ref(&root));
    let originals: Vec<String> = sources.files.iter().map(|file| file.text.clone()).collect();
    let mut cache = ParseCache::default();
    pipeline::analyze(sources.clone(), &opts, &mut cache);
    let mut turn = 0usize;
    bencher.bench_local(|| {
        turn += 1;
        let edited = turn % originals.len();
        sources.files[edited].text = format!("{}// edit {turn}\n", originals[edited]);
        let a = pipeline::analyze(sources.clone(), &opts, &mut cache);
        assert_eq!((cache.parsed, cache.reused), (1, a.trees.len() - 1), "one file parsed again");
        a
    });
}
