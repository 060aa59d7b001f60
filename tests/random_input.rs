//! In-process robustness: random text made of the language's own tokens, random but well-formed
//! declarations, and mutations of real files, through the parser, the formatter, the resolver and
//! the renderer. The seeds are fixed, so a failure reproduces; the failing input is also written
//! under the test's temporary folder (see the panic message).
//!
//! Invariants, for every input:
//! - nothing panics;
//! - every diagnostic's spans lie inside the text, on character boundaries, in the right file;
//! - when `format` succeeds, formatting its output again gives the same text, the output parses
//!   without errors, and it means the same (the resolved model dumps are equal).

use std::panic::{catch_unwind, AssertUnwindSafe};

use archc::diagnostics::render::{render, RenderOptions};
use archc::diagnostics::Diagnostic;
use archc::semantic::{Workspace, WorkspaceFile};
use archc::source::FileId;
use archc::syntax::schema::{self, Arity, AttrSpec, DeclSpec, Statements, Ty};

#[path = "../benches/workspace_gen.rs"]
mod workspace_gen;

const SEEDS: &[(&str, &str)] = &[
    ("sample/a.arch", include_str!("support/sample/a.arch")),
    ("sample/b.arch", include_str!("support/sample/b.arch")),
    ("sample/c.arch", include_str!("support/sample/c.arch")),
    ("std/tech.arch", include_str!("../std/tech.arch")),
    ("std/security.arch", include_str!("../std/security.arch")),
];

/// xorshift64*, seeded per test.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The invariants.
// ---------------------------------------------------------------------------------------------

fn check_spans(text: &str, diags: &[Diagnostic], what: &str) {
    for d in diags {
        for label in d.primary.iter().chain(&d.secondary) {
            let r = label.span.range();
            assert_eq!(label.span.file, FileId(0), "{what}: {} points into another file: {d:?}", d.code.id);
            assert!(
                r.start <= r.end && r.end <= text.len(),
                "{what}: {} span {r:?} outside {} bytes: {d:?}",
                d.code.id,
                text.len()
            );
            assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{what}: {} span {r:?} splits a character: {d:?}",
                d.code.id
            );
        }
    }
}

/// Parses and resolves one file as a workspace of its own; returns the diagnostics and the dump.
fn analyze(text: &str) -> (Vec<Diagnostic>, String) {
    let mut ws = Workspace::default();
    let id = ws.sources.add("input.arch".to_string(), text.to_string());
    let parse = archc::syntax::parse(id, ws.sources.text(id));
    let mut diags = parse.errors;
    let ast = parse.ast;
    ws.files.push(WorkspaceFile { id, ast, imports: Vec::new(), is_std: false });
    let (model, resolve) = archc::semantic::analyze(&ws);
    diags.extend(resolve);
    archc::diagnostics::sort(&mut diags);
    let _ = render(&ws.sources, &diags, &RenderOptions { color: false });
    let _ = render(&ws.sources, &diags, &RenderOptions { color: true });
    (diags, model.dump())
}

fn check_text(text: &str) {
    let parse = archc::syntax::parse(FileId(0), text);
    check_spans(text, &parse.errors, "parse");
    let (diags, dump) = analyze(text);
    check_spans(text, &diags, "analyze");
    match archc::fmt::format(FileId(0), text) {
        Ok(once) => {
            let reparse = archc::syntax::parse(FileId(0), &once);
            assert!(
                reparse.errors.is_empty(),
                "formatted output has syntax errors:\n--- output ---\n{once}\n--- errors ---\n{:#?}",
                reparse.errors
            );
            match archc::fmt::format(FileId(0), &once) {
                Ok(twice) => {
                    assert!(twice == once, "format is not idempotent:\n--- once ---\n{once}\n--- twice ---\n{twice}")
                }
                Err(e) => panic!("the formatter refuses its own output:\n{once}\n{e:#?}"),
            }
            let (_, dump_after) = analyze(&once);
            assert!(dump == dump_after, "formatting changed the meaning:\n--- before ---\n{dump}\n--- after ---\n{dump_after}\n--- output ---\n{once}");
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "format failed without a diagnostic");
            check_spans(text, &errors, "format");
        }
    }
}

/// Runs the invariants on one case; on failure saves the input and names the case.
fn case(suite: &str, n: usize, text: &str) {
    if let Err(cause) = catch_unwind(AssertUnwindSafe(|| check_text(text))) {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("random_input");
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{suite}-{n}.arch"));
        let _ = std::fs::write(&path, text);
        let msg = cause
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| cause.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!("{suite} case {n} failed; input saved to {}\n{msg}", path.display());
    }
}

// ---------------------------------------------------------------------------------------------
// Token soup: the language's own words and characters in random order.
// ---------------------------------------------------------------------------------------------

fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    v.extend(schema::top_level_keywords().map(str::to_string));
    v.extend(["option", "node", "field", "op", "std.tech", "std.security", "std.nope", "yes", "no"].map(String::from));
    let mut attrs = |list: &[AttrSpec]| {
        for a in list {
            v.push(a.name.to_string());
            for p in a.params {
                if let Ty::Enum(words) = p.ty {
                    v.extend(words.iter().take(3).map(|w| w.to_string()));
                }
            }
        }
    };
    for d in schema::DECLS {
        attrs(d.attrs);
    }
    attrs(schema::USES_BLOCK);
    attrs(schema::STEP_OPTIONS);
    attrs(schema::ENDPOINT_OPTIONS);
    attrs(schema::ACCEPT_ATTRS);
    v.extend(schema::HTTP_METHODS.iter().map(|m| m.to_string()));
    v.extend(schema::PROTOCOL.iter().take(6).map(|m| m.to_string()));
    for name in [
        "a",
        "b",
        "orders",
        "payments",
        "Order",
        "OrderPlaced",
        "x.y",
        "orders.a",
        "cross-cutting",
        "_",
        "Z9",
        "postgres",
    ] {
        v.push(name.to_string());
    }
    for p in [
        "{", "}", "(", ")", "[", "]", ",", ":", ";", "@", "=", "?", "->", "~>", "<", "<=", ">", ">=", "-", "~", "/",
        ".",
    ] {
        v.push(p.to_string());
    }
    for lit in [
        "3",
        "0",
        "1.5s",
        "200/s",
        "50rps",
        "99.9%",
        "120%",
        "10K",
        "2GiB",
        "512MB",
        "300xs",
        "300ms",
        "2027-01-31",
        "2027-02-30",
        "2027-13-01",
        "99999999999999999999999",
        "1_000",
        "1.",
        "7.5",
        "5m",
        "1/min",
        "12abc",
    ] {
        v.push(lit.to_string());
    }
    for s in [
        "\"x\"",
        "\"a\\\"b\"",
        "\"bad \\q escape\"",
        "\"unterminated",
        "\"\"\"\n    text\n      block\n  \"\"\"",
        "\"\"\"unterminated text block",
        "\"é 𝄞\"",
        "\"\\\"",
        "\"\"",
    ] {
        v.push(s.to_string());
    }
    for p in ["/orders/{id}", "/", "/a/b", "/x:y@z"] {
        v.push(p.to_string());
    }
    for c in ["// comment\n", "//", "// é\n", "\n", "\n\n", "\n\n\n", "\t", "\r\n", "  "] {
        v.push(c.to_string());
    }
    for c in ["#", "'", "\0", "é", "𝄞", "\u{FFFD}", "\u{200B}", "$", "`", "\\", "\u{7f}", "\u{1b}"] {
        v.push(c.to_string());
    }
    v
}

fn soup(rng: &mut Rng, vocab: &[String], tokens: usize) -> String {
    let mut s = String::new();
    for _ in 0..tokens {
        s.push_str(rng.pick::<String>(vocab));
        match rng.below(10) {
            0..=5 => s.push(' '),
            6 => s.push('\n'),
            7 => s.push_str("\n  "),
            _ => {}
        }
    }
    s
}

#[test]
fn token_soup() {
    let vocab = vocabulary();
    let mut rng = Rng::new(0x5eed_0001);
    let mut total = 0;
    let mut n = 0;
    while total < 200_000 {
        let most = if rng.chance(10) { 2000 } else { 150 };
        let tokens = 1 + rng.below(most);
        let text = soup(&mut rng, &vocab, tokens);
        total += text.len();
        case("soup", n, &text);
        n += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Well-formed declarations from the schema, loosely indented: exercises the formatter.
// ---------------------------------------------------------------------------------------------

fn value(rng: &mut Rng, ty: Ty) -> String {
    match ty {
        Ty::Ref(_) => rng.pick(&["a", "b", "orders", "Order", "missing", "?"]).to_string(),
        Ty::StrOrRef(_) => rng.pick(&["postgres", "\"Rust, axum\"", "b"]).to_string(),
        Ty::Str => rng.pick(&["\"text\"", "\"with \\\"quotes\\\"\"", "\"\"\"\n  block\n  \"\"\"", "?"]).to_string(),
        Ty::Int => rng.pick(&["3", "0", "12"]).to_string(),
        Ty::Count => rng.pick(&["10K", "500", "1M"]).to_string(),
        Ty::Number => rng.pick(&["0.5", "2"]).to_string(),
        Ty::Duration => rng.pick(&["300ms", "2s", "1h"]).to_string(),
        Ty::Rate => rng.pick(&["200/s", "50rps"]).to_string(),
        Ty::Percent => rng.pick(&["99.9%", "5%"]).to_string(),
        Ty::Size => rng.pick(&["512MB", "2GiB"]).to_string(),
        Ty::Date => rng.pick(&["2027-01-31", "2028-02-29"]).to_string(),
        Ty::Bool => rng.pick(&["yes", "no"]).to_string(),
        Ty::Enum(words) => rng.pick(words).to_string(),
    }
}

fn attribute(rng: &mut Rng, spec: &AttrSpec, depth: usize, out: &mut String) {
    out.push_str(spec.name);
    for p in spec.params {
        if p.arity == Arity::Flag || (p.optional && rng.chance(50)) {
            continue;
        }
        out.push(' ');
        out.push_str(&value(rng, p.ty));
        if p.arity == Arity::List {
            for _ in 0..rng.below(3) {
                out.push_str(if rng.chance(70) { ", " } else { ",\n    " });
                out.push_str(&value(rng, p.ty));
            }
        }
    }
    if let Some(block) = spec.block {
        if !block.is_empty() && rng.chance(70) {
            out.push_str(" {");
            let mut used = Vec::new();
            for _ in 0..rng.below(4) {
                let Some(spec) = fresh_spec(rng, block, &mut used) else { continue };
                out.push_str(&indent(rng, depth + 1));
                attribute(rng, spec, depth + 1, out);
            }
            out.push_str(&indent(rng, depth));
            out.push('}');
        }
    }
}

fn rng_pick_spec<'a>(rng: &mut Rng, specs: &'a [AttrSpec]) -> &'a AttrSpec {
    &specs[rng.below(specs.len())]
}

/// An attribute not yet given in this block, unless it may repeat.
fn fresh_spec<'a>(rng: &mut Rng, specs: &'a [AttrSpec], used: &mut Vec<&'a str>) -> Option<&'a AttrSpec> {
    let spec = rng_pick_spec(rng, specs);
    if !spec.repeatable && used.contains(&spec.name) {
        return None;
    }
    used.push(spec.name);
    Some(spec)
}

fn indent(rng: &mut Rng, depth: usize) -> String {
    let mut s = String::from(if rng.chance(10) { "\n\n" } else { "\n" });
    let width = if rng.chance(70) { depth * 2 } else { rng.below(7) };
    s.push_str(&" ".repeat(width));
    if rng.chance(5) {
        s.push_str("// note\n");
        s.push_str(&" ".repeat(width));
    }
    s
}

fn statement(rng: &mut Rng, spec: &DeclSpec, depth: usize, out: &mut String) {
    match spec.statements {
        Statements::Steps => {
            let arrow = if rng.chance(70) { "->" } else { "~>" };
            let (from, to) = (value(rng, Ty::Ref(&[])), value(rng, Ty::Ref(&[])));
            out.push_str(&format!("{from} {arrow} {to}"));
            if rng.chance(50) {
                out.push_str(" \"label\"");
            }
            if rng.chance(50) {
                out.push_str(" https");
            }
            if rng.chance(50) {
                out.push_str(" 40ms");
            }
            if rng.chance(50) {
                out.push(' ');
                let spec = rng_pick_spec(rng, schema::STEP_OPTIONS);
                attribute(rng, spec, depth, out);
            }
        }
        Statements::Endpoints => {
            if rng.chance(70) {
                out.push_str(&format!("{} /orders/{{id}}", rng.pick(schema::HTTP_METHODS)));
            } else {
                out.push_str("op Charge");
            }
            if rng.chance(50) {
                out.push_str(" (Order)");
            }
            if rng.chance(50) {
                out.push_str(" -> Order");
            }
            if rng.chance(50) {
                out.push_str(" \"summary\"");
            }
            if rng.chance(30) {
                out.push_str(" idempotent");
            }
        }
        Statements::Fields => {
            out.push_str(&format!("field f{}: {}", rng.below(9), rng.pick(&["uuid", "string", "Order"])));
            if rng.chance(20) {
                out.push_str("[]");
            }
            if rng.chance(40) {
                out.push(' ');
                out.push_str(rng.pick::<&str>(schema::FIELD_MODIFIERS));
            }
            if rng.chance(30) {
                out.push_str(" \"doc\"");
            }
        }
        Statements::None => {}
    }
}

fn declaration(rng: &mut Rng, spec: &'static DeclSpec, depth: usize, names: &mut usize, out: &mut String) {
    *names += 1;
    out.push_str(&format!("{} n{names}", spec.keyword));
    if rng.chance(40) {
        out.push_str(" \"Label\"");
    }
    if let Some(variants) = spec.variants {
        if rng.chance(60) {
            out.push(' ');
            out.push_str(rng.pick::<&str>(variants));
        }
    }
    // Sometimes an attribute on the header line, which the formatter moves into the block.
    let mut used = Vec::new();
    if !spec.attrs.is_empty() && rng.chance(15) {
        let attr = rng_pick_spec(rng, spec.attrs);
        if attr.block.is_none() {
            used.push(attr.name);
            out.push(' ');
            attribute(rng, attr, depth + 1, out);
        }
    }
    if rng.chance(10) {
        return;
    }
    out.push_str(" {");
    for _ in 0..rng.below(7) {
        out.push_str(&indent(rng, depth + 1));
        let r = rng.below(10);
        if r < 2 && spec.statements != Statements::None {
            statement(rng, spec, depth + 1, out);
        } else if r < 3 && !spec.nested.is_empty() && depth < 3 {
            let kind = *rng.pick(spec.nested);
            declaration(rng, kind.spec(), depth + 1, names, out);
        } else if let Some(attr) = fresh_spec(rng, spec.attrs, &mut used) {
            attribute(rng, attr, depth + 1, out);
        }
        if rng.chance(5) {
            out.push_str(" // trailing");
        }
    }
    out.push_str(&indent(rng, depth));
    out.push('}');
}

fn document(rng: &mut Rng) -> String {
    let top: Vec<&'static DeclSpec> = schema::DECLS.iter().filter(|d| d.top_level).collect();
    let mut out = String::new();
    if rng.chance(30) {
        out.push_str("// header comment\n");
    }
    if rng.chance(30) {
        out.push_str("import std.tech\n");
    }
    let mut names = 0;
    for _ in 0..1 + rng.below(6) {
        let spec = *rng.pick(&top);
        declaration(rng, spec, 0, &mut names, &mut out);
        out.push_str(if rng.chance(50) { "\n\n" } else { "\n" });
    }
    if rng.chance(20) {
        out.push_str("accept HYG001@n1 \"known\" until 2027-01-31\n");
    }
    out
}

#[test]
fn generated_declarations() {
    let mut rng = Rng::new(0x5eed_0002);
    let mut total = 0;
    let mut n = 0;
    let mut formatted = 0;
    while total < 200_000 {
        let text = document(&mut rng);
        total += text.len();
        if archc::syntax::parse(FileId(0), &text).errors.is_empty() {
            formatted += 1;
        }
        case("decl", n, &text);
        n += 1;
    }
    // The generator is meant to exercise the formatter: most documents should parse cleanly.
    assert!(formatted * 2 > n, "only {formatted} of {n} generated documents parse without errors");
}

/// Comments where the formatter has to keep them: at line ends, on lines of their own, inside
/// blocks and lists, before closing braces, at the end of the file.
#[test]
fn comments_everywhere() {
    let mut rng = Rng::new(0x5eed_0004);
    let mut total = 0;
    let mut n = 0;
    while total < 120_000 {
        let doc = document(&mut rng);
        let mut text = String::with_capacity(doc.len() * 2);
        for (i, line) in doc.split('\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            if rng.chance(15) {
                text.push_str(rng.pick::<&str>(&["// own line\n", "  // indented\n", "//\n", "\n// after a blank\n"]));
            }
            text.push_str(line);
            if !line.trim().is_empty() && rng.chance(25) {
                text.push_str(rng.pick::<&str>(&[" // trailing", "  //x", " // é 𝄞", "\t// tab"]));
            }
        }
        if rng.chance(30) {
            text.push_str("// last line without a line break");
        }
        total += text.len();
        case("comments", n, &text);
        n += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Mutations of real files.
// ---------------------------------------------------------------------------------------------

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut b = original.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = b.len();
        let at = rng.below(len + 1);
        match rng.below(7) {
            // Flip a bit (may break UTF-8: the text is then read lossily, as the driver does).
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            // Delete a range.
            1 => {
                let end = (at + 1 + rng.below(64)).min(len);
                b.drain(at.min(end)..end);
            }
            // Duplicate a range somewhere else.
            2 if len > 0 => {
                let from = rng.below(len);
                let end = (from + 1 + rng.below(200)).min(len);
                let chunk = b[from..end].to_vec();
                let to = rng.below(b.len() + 1);
                b.splice(to..to, chunk);
            }
            // Truncate.
            3 => b.truncate(at),
            // Insert a delimiter or a quote.
            4 => {
                let c = *rng.pick(b"{}()[]\"\n@,?");
                b.insert(at.min(len), c);
            }
            // Swap two bytes.
            5 if len > 1 => {
                let (i, j) = (rng.below(len), rng.below(len));
                b.swap(i, j);
            }
            // Replace a byte with a random one.
            _ if len > 0 => {
                let i = rng.below(len);
                b[i] = rng.next() as u8;
            }
            _ => {}
        }
    }
    b
}

#[test]
fn mutated_files() {
    let mut originals: Vec<String> = SEEDS.iter().map(|s| s.1.to_string()).collect();
    // A small generated workspace adds realistic, larger files.
    for (path, text) in workspace_gen::generate(60, 3) {
        if path.ends_with(".arch") {
            originals.push(text);
        }
    }
    // Windows line breaks and a byte-order mark, as editors write them.
    let crlf: Vec<String> = SEEDS.iter().map(|s| s.1.replace('\n', "\r\n")).collect();
    originals.extend(crlf);
    originals.push(format!("\u{feff}{}", SEEDS[0].1));
    // The unmutated files must pass too; the generated ones are already formatted.
    for (i, o) in originals.iter().enumerate() {
        case("original", i, o);
    }
    let mut rng = Rng::new(0x5eed_0003);
    let mut total = 0;
    let mut n = 0;
    while total < 300_000 {
        // Prefer the small files: many cases per byte.
        let o = if rng.chance(80) { rng.pick(&originals[..SEEDS.len()]) } else { rng.pick(&originals) };
        let bytes = mutate(&mut rng, o.as_bytes());
        let text = String::from_utf8_lossy(&bytes).into_owned();
        total += text.len();
        case("mutation", n, &text);
        n += 1;
    }
}

#[test]
fn generated_workspace_files_are_formatted() {
    for (path, text) in workspace_gen::generate(150, 11) {
        if !path.ends_with(".arch") {
            continue;
        }
        let formatted = archc::fmt::format(FileId(0), &text);
        assert!(formatted.as_deref() == Ok(text.as_str()), "{path} is not in `archc fmt` layout");
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs the fuzzers found: every file in fuzz/regressions/.
// ---------------------------------------------------------------------------------------------

#[test]
fn fuzz_regressions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for (n, path) in paths.iter().enumerate() {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || name == "README.md" || !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = String::from_utf8_lossy(&bytes).into_owned();
        case(&format!("regression {name}"), n, &text);
    }
}
