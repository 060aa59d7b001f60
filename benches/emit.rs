//! The emitters at 100 to 100,000 generated components: DOT for every view, SVG per view, the
//! report (document, Markdown, HTML) and model.json.
//!
//! ```sh
//! cargo bench --bench emit                 # everything
//! cargo bench --bench emit -- svg_flow     # one benchmark (divan filters by name)
//! ```
//!
//! SVG is timed per view: the small views (system context, one flow) at 100 to 10,000 components;
//! the views that draw every component (containers, trust boundaries, data ownership) only at 100
//! and 1,000: graphviz-pure lays out the 1,000-node containers view in about a second and a
//! 10,000-node one in far longer than a benchmark run, and a 10,000-node picture is not a goal.
//!
//! DOT alone has no public entry point: `archc::emit::diagrams::diagrams` builds the DOT of every
//! view and renders each with the renderer it is given. The `dot_all_views` benchmark gives it one
//! that draws nothing, so it measures DOT emission (and the layout budget check) alone.
//!
//! Nothing that needs the views runs at 100,000 components: the DOT of all views takes 4.6 s at
//! 10,000 (one view per flow, about 625) and grows faster than the size, so at 100,000 it would
//! take minutes per iteration. The report and model.json run at every size; the report gets one
//! placeholder diagram per view (named as `archc build` names them) instead of rendered SVG.

#[path = "workspace_gen.rs"]
mod workspace_gen;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use archc::driver::{self, Analysis, RunOptions};
use archc::emit::diagrams::{self, Builtin, DiagramOptions, SvgRenderer};
use archc::emit::export::Format;
use archc::emit::report::{self, DiagramInput};
use archc::host::MemHost;
use archc::syntax::schema::DeclKind;
use divan::Bencher;

fn main() {
    // A `dot` that cannot be found: see `dot_all_views`.
    std::env::set_var("PATH", "/nonexistent/archc-bench");
    divan::main();
}

const SIZES: &[usize] = &[100, 1_000, 10_000, 100_000];
/// Sizes for DOT and for SVG of the small views.
const VIEW_SIZES: &[usize] = &[100, 1_000, 10_000];
/// Sizes for the views that draw every component.
const SMALL: &[usize] = &[100, 1_000];
const SEED: u64 = 1;
const ROOT: &str = "/ws";

/// A placeholder for a rendered diagram in the report's input, so that the report is laid out as
/// in `archc build` without paying for SVG rendering.
const PLACEHOLDER_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\" height=\"1\"/>";

struct Fixture {
    analysis: Analysis,
    /// One placeholder per view, in `archc build` order.
    report_inputs: Vec<DiagramInput>,
}

fn fixture(components: usize) -> &'static Fixture {
    static CACHE: Mutex<BTreeMap<usize, &'static Fixture>> = Mutex::new(BTreeMap::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(components).or_insert_with(|| {
        let mut host = MemHost::default();
        for (rel, text) in workspace_gen::generate(components, SEED) {
            host.insert(&PathBuf::from(ROOT).join(rel), text.into_bytes());
        }
        let outcome = driver::analyze_paths_with(&host, &[PathBuf::from(ROOT)], &RunOptions::default());
        assert!(outcome.errors.is_empty(), "the generated workspace could not be read");
        let analysis = outcome.analyses.into_iter().next().expect("one workspace");
        // The names `archc build` gives the views: see `emit::diagrams::views`.
        let fixed = ["context", "containers", "trust", "data"].map(|n| (n.to_string(), n.to_string()));
        let flows =
            analysis.model.of_kind(DeclKind::Flow).map(|(_, f)| (format!("flow-{}", f.name), f.title().to_string()));
        let report_inputs = fixed
            .into_iter()
            .chain(flows)
            .map(|(name, title)| DiagramInput { name, title, svg: Some(PLACEHOLDER_SVG.to_string()), error: None })
            .collect();
        Box::leak(Box::new(Fixture { analysis, report_inputs }))
    })
}

/// `(name, dot)` of every view, in `archc build` order; made once per size.
fn views(components: usize) -> &'static [(String, String)] {
    static CACHE: Mutex<BTreeMap<usize, &'static [(String, String)]>> = Mutex::new(BTreeMap::new());
    let f = fixture(components);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache.entry(components).or_insert_with(|| {
        let drawn = diagrams::diagrams(&f.analysis.model, &f.analysis.facts, &f.analysis.diagnostics, &no_render());
        drawn.into_iter().map(|d| (d.name, d.dot)).collect::<Vec<_>>().leak()
    })
}

/// A renderer that draws nothing, so that only DOT emission is measured.
struct NoRender;

impl SvgRenderer for NoRender {
    fn render(&self, _dot: &str) -> Result<String, String> {
        Err("not rendered in this benchmark".into())
    }
}

fn no_render() -> DiagramOptions<'static> {
    DiagramOptions { highlight: false, renderer: &NoRender }
}

fn view(components: usize, name: &str) -> &'static str {
    let found = views(components).iter().find(|(n, _)| n == name || (name == "flow" && n.starts_with("flow-")));
    &found.unwrap_or_else(|| panic!("no `{name}` view")).1
}

fn svg(bencher: Bencher, components: usize, name: &str) {
    let dot = view(components, name);
    bencher.bench(|| Builtin.render(dot).expect("renders"));
}

/// DOT of every view (context, containers, trust, data, one per flow), with the layout budget check.
/// Not at 100,000 (see the top of this file).
#[divan::bench(args = VIEW_SIZES, sample_count = 10, max_time = 5)]
fn dot_all_views(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let opts = no_render();
    bencher.bench(|| diagrams::diagrams(&f.analysis.model, &f.analysis.facts, &f.analysis.diagnostics, &opts));
}

/// SVG of the system context view (the system, its actors and externals). Not at 100,000.
#[divan::bench(args = VIEW_SIZES, sample_count = 10, max_time = 5)]
fn svg_context(bencher: Bencher, components: usize) {
    svg(bencher, components, "context");
}

/// SVG of one flow view (the first flow: 3 to 8 numbered steps). Not at 100,000.
#[divan::bench(args = VIEW_SIZES, sample_count = 10, max_time = 5)]
fn svg_flow(bencher: Bencher, components: usize) {
    svg(bencher, components, "flow");
}

/// SVG of the containers view: every component inside its zone. Not at 10,000 and more.
#[divan::bench(args = SMALL, sample_count = 3, max_time = 10)]
fn svg_containers(bencher: Bencher, components: usize) {
    svg(bencher, components, "containers");
}

/// SVG of the trust-boundaries view. Not at 10,000 and more.
#[divan::bench(args = SMALL, sample_count = 3, max_time = 10)]
fn svg_trust(bencher: Bencher, components: usize) {
    svg(bencher, components, "trust");
}

/// SVG of the data-ownership view. Not at 10,000 and more.
#[divan::bench(args = SMALL, sample_count = 3, max_time = 10)]
fn svg_data(bencher: Bencher, components: usize) {
    svg(bencher, components, "data");
}

/// The report's document tree (every section, from the model, findings and diagram names).
#[divan::bench(args = SIZES, sample_count = 10, max_time = 5)]
fn report_document(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let a = &f.analysis;
    bencher.bench(|| report::document(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &f.report_inputs));
}

/// report.md from the document tree.
#[divan::bench(args = SIZES, sample_count = 10, max_time = 5)]
fn report_markdown(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let a = &f.analysis;
    let doc = report::document(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &f.report_inputs);
    bencher.bench(|| report::markdown::render(&doc));
}

/// report.html from the document tree.
#[divan::bench(args = SIZES, sample_count = 10, max_time = 5)]
fn report_html(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let a = &f.analysis;
    let doc = report::document(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &f.report_inputs);
    bencher.bench(|| report::html::render(&doc));
}

/// model.json (`archc export --to json`, also written by `archc build`).
#[divan::bench(args = SIZES, sample_count = 10, max_time = 5)]
fn model_json(bencher: Bencher, components: usize) {
    let f = fixture(components);
    let a = &f.analysis;
    bencher.bench(|| archc::emit::export::export(&a.model, &a.facts, &a.workspace.sources, Format::Json));
}
