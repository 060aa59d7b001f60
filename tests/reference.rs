//! The language reference (`grammar/REFERENCE.md`) and the grammar (`grammar/arch.ebnf`) stay true
//! to the implementation:
//!
//! - the attribute tables between the `attributes` markers are generated from the schema; the test
//!   fails when they differ and rewrites them when run with `UPDATE_REFERENCE=1`;
//! - every ```` ```arch ```` sample parses without errors, every ```` ```arch-error ```` sample
//!   produces at least one, and a ```` ```text ```` block right after an error sample shows exactly
//!   the codes, messages and help lines the parser reports;
//! - every declaration keyword is declared in at least one sample;
//! - the grammar names every keyword, method, modifier and unit the implementation accepts.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use archc::source::FileId;
use archc::syntax::ast::{Decl, Item};
use archc::syntax::schema::{
    Arity, AttrSpec, DeclKind, DeclSpec, Param, Statements, ACCEPT_ATTRS, DECLS, ENDPOINT_OPTIONS, FIELD_MODIFIERS,
    HTTP_METHODS, PROTOCOL, STEP_OPTIONS, USES_BLOCK,
};

const BEGIN: &str = "<!-- BEGIN GENERATED: attributes -->";
const END: &str = "<!-- END GENERATED: attributes -->";

fn grammar_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("grammar")
}

fn reference_path() -> PathBuf {
    grammar_dir().join("REFERENCE.md")
}

fn read(path: &PathBuf) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Generation of the attribute tables.

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn describe_param(p: &Param) -> String {
    let base = p.ty.describe();
    match (p.arity, p.optional) {
        (Arity::Flag, _) => "none".to_string(),
        (Arity::List, _) => format!("{base}; several separated by commas"),
        (Arity::One, true) => format!("optionally {base}"),
        (Arity::One, false) => base,
    }
}

/// The heading (and so the anchor) of the table for an attribute's block.
fn block_heading(owner: &str, attr: &AttrSpec) -> String {
    format!("`{}` block (in `{owner}`)", attr.name)
}

fn anchor(heading: &str) -> String {
    // GitHub's rule: lowercase, drop punctuation other than `-` and `_`, spaces become `-`.
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn value_of(owner: &str, a: &AttrSpec) -> String {
    let mut v = if a.params.is_empty() {
        "none (a flag)".to_string()
    } else {
        a.params.iter().map(describe_param).collect::<Vec<_>>().join("; then ")
    };
    if a.block.is_some() {
        let heading = block_heading(owner, a);
        v.push_str(&format!("; then an optional block, see [{heading}](#{})", anchor(&heading)));
    }
    v
}

fn table(out: &mut String, owner: &str, attrs: &[AttrSpec]) {
    out.push_str("| Attribute | Value | Repeatable | Meaning |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for a in attrs {
        let repeat = if a.repeatable { "yes" } else { "no" };
        let _ = writeln!(out, "| `{}` | {} | {repeat} | {} |", a.name, cell(&value_of(owner, a)), cell(a.doc));
    }
    out.push('\n');
}

fn parents_of(kind: DeclKind) -> Vec<&'static str> {
    DECLS.iter().filter(|d| d.nested.contains(&kind)).map(|d| d.keyword).collect()
}

fn code_list(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

fn statements_text(s: Statements) -> &'static str {
    match s {
        Statements::None => "",
        Statements::Steps => "[steps](#steps) `a -> b` and `a ~> b`",
        Statements::Endpoints => "[endpoints and operations](#endpoints-and-operations) `GET /path` and `op name`",
        Statements::Fields => "[fields](#fields) `field name: type`",
    }
}

fn where_text(spec: &DeclSpec) -> String {
    let parents = parents_of(spec.kind);
    match (spec.top_level, parents.is_empty()) {
        (true, true) => "top level".to_string(),
        (true, false) => format!("top level, or nested in {}", code_list(&parents)),
        (false, _) => format!("only nested in {}", code_list(&parents)),
    }
}

fn generate() -> String {
    let mut out = String::new();
    out.push_str("### Declarations at a glance\n\n");
    out.push_str(
        "| Keyword | Where | Kind written after the name | Nested declarations | Other statements | Purpose |\n",
    );
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for spec in DECLS {
        let variants = spec.variants.map(code_list).unwrap_or_default();
        let nested: Vec<&str> = spec.nested.iter().map(|k| k.keyword()).collect();
        let _ = writeln!(
            out,
            "| [`{kw}`](#{anchor}) | {where_} | {variants} | {nested} | {stmts} | {doc} |",
            kw = spec.keyword,
            anchor = anchor(&format!("`{}` attributes", spec.keyword)),
            where_ = where_text(spec),
            nested = code_list(&nested),
            stmts = statements_text(spec.statements),
            doc = cell(spec.doc),
        );
    }
    out.push('\n');

    let mut blocks: Vec<(&str, &AttrSpec)> = Vec::new();
    for spec in DECLS {
        let _ = writeln!(out, "### `{}` attributes\n", spec.keyword);
        let _ = writeln!(out, "{}\n", spec.doc);
        let mut facts = vec![format!("Where: {}.", where_text(spec))];
        if let Some(v) = spec.variants {
            facts.push(format!("Kind, written right after the name (or label): one of {}.", code_list(v)));
        }
        if !spec.nested.is_empty() {
            let nested: Vec<&str> = spec.nested.iter().map(|k| k.keyword()).collect();
            facts.push(format!("Nested declarations: {}.", code_list(&nested)));
        }
        if spec.statements != Statements::None {
            facts.push(format!("Also holds {}.", statements_text(spec.statements)));
        }
        for f in facts {
            let _ = writeln!(out, "- {f}");
        }
        out.push('\n');
        table(&mut out, spec.keyword, spec.attrs);
        for a in spec.attrs.iter().filter(|a| a.block.is_some()) {
            blocks.push((spec.keyword, a));
        }
    }

    for (owner, a) in blocks {
        let attrs = a.block.unwrap_or(&[]);
        let _ = writeln!(out, "### {}\n", block_heading(owner, a));
        let _ = writeln!(out, "{}\n", a.doc);
        table(&mut out, owner, attrs);
    }

    out.push_str("### Step options\n\n");
    out.push_str(
        "Keyed options of a flow step, after the target. A step also takes one \"label\", one bare protocol \
         name (such as `https`) and one bare duration (its latency).\n\n",
    );
    table(&mut out, "step", STEP_OPTIONS);

    out.push_str("### Endpoint options\n\n");
    out.push_str("Options written after an endpoint or an operation, overriding the interface's settings.\n\n");
    table(&mut out, "endpoint", ENDPOINT_OPTIONS);

    out.push_str("### `accept` attributes\n\n");
    out.push_str("Written after the justification of an `accept`, on its line or in its block.\n\n");
    table(&mut out, "accept", ACCEPT_ATTRS);
    out
}

/// The text between the markers, and where it sits.
fn generated_region(doc: &str) -> (usize, usize) {
    let begin = doc.find(BEGIN).unwrap_or_else(|| panic!("REFERENCE.md lacks the marker {BEGIN}"));
    let start = begin + BEGIN.len();
    let end = doc[start..].find(END).map(|i| start + i).unwrap_or_else(|| panic!("REFERENCE.md lacks {END}"));
    (start, end)
}

#[test]
fn attribute_tables_match_the_schema() {
    let path = reference_path();
    let doc = read(&path);
    let (start, end) = generated_region(&doc);
    let expected = format!("\n\n{}\n", generate().trim_end());
    if doc[start..end] == expected {
        return;
    }
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        let updated = format!("{}{expected}{}", &doc[..start], &doc[end..]);
        std::fs::write(&path, updated).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("rewrote the generated attribute tables in {}", path.display());
        return;
    }
    let first_diff =
        doc[start..end].lines().zip(expected.lines()).position(|(a, b)| a != b).map_or_else(String::new, |i| {
            let want = expected.lines().nth(i).unwrap_or("");
            format!("\nfirst difference at generated line {i}:\n  expected: {want}")
        });
    panic!(
        "the attribute tables in grammar/REFERENCE.md are out of date with the schema{first_diff}\n\
         hint: run `UPDATE_REFERENCE=1 cargo test --test reference` to regenerate them"
    );
}

// ---------------------------------------------------------------------------------------------
// Code samples.

struct Sample {
    info: String,
    text: String,
    /// 1-based line of the opening fence.
    line: usize,
}

fn samples(doc: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    let mut open: Option<Sample> = None;
    for (i, line) in doc.lines().enumerate() {
        match open.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Sample { info: info.trim().to_string(), text: String::new(), line: i + 1 });
                }
            }
            Some(s) => {
                if line.trim_end() == "```" {
                    out.extend(open.take());
                } else {
                    s.text.push_str(line);
                    s.text.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code fence in REFERENCE.md");
    out
}

fn reference_samples() -> Vec<Sample> {
    samples(&read(&reference_path()))
}

fn render(errors: &[archc::diagnostics::Diagnostic]) -> String {
    errors
        .iter()
        .map(|d| {
            let help = d.help.as_deref().map(|h| format!("\n  help: {h}")).unwrap_or_default();
            format!("error[{}]: {}{help}", d.code.id, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn arch_samples_parse_without_errors() {
    let all = reference_samples();
    let arch: Vec<_> = all.iter().filter(|s| s.info == "arch").collect();
    assert!(arch.len() >= 20, "REFERENCE.md should have plenty of ```arch samples, found {}", arch.len());
    let mut failures = Vec::new();
    for s in arch {
        let parse = archc::syntax::parse(FileId(0), &s.text);
        if !parse.errors.is_empty() {
            failures.push(format!("sample at line {}:\n{}\n{}", s.line, s.text, render(&parse.errors)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn arch_error_samples_report_what_the_text_shows() {
    let all = reference_samples();
    let mut count = 0;
    for (i, s) in all.iter().enumerate().filter(|(_, s)| s.info == "arch-error") {
        count += 1;
        let parse = archc::syntax::parse(FileId(0), &s.text);
        assert!(!parse.errors.is_empty(), "the ```arch-error sample at line {} parses cleanly:\n{}", s.line, s.text);
        if let Some(shown) = all.get(i + 1).filter(|n| n.info == "text") {
            let actual = render(&parse.errors);
            assert_eq!(
                shown.text.trim_end(),
                actual,
                "the diagnostics shown at line {} differ from what the parser reports for the sample at line {}",
                shown.line,
                s.line
            );
        }
    }
    assert!(count >= 3, "REFERENCE.md should illustrate diagnostics with ```arch-error samples");
}

fn collect_kinds(d: &Decl, out: &mut BTreeSet<&'static str>) {
    out.insert(d.kind.keyword());
    for c in &d.children {
        collect_kinds(c, out);
    }
}

#[test]
fn every_declaration_keyword_has_a_sample() {
    let mut seen = BTreeSet::new();
    let mut statements = BTreeSet::new();
    for s in reference_samples().iter().filter(|s| s.info == "arch") {
        let parse = archc::syntax::parse(FileId(0), &s.text);
        for item in &parse.ast.items {
            match item {
                Item::Decl(d) => {
                    collect_kinds(d, &mut seen);
                    if !d.steps.is_empty() {
                        statements.insert("step");
                    }
                    if !d.endpoints.is_empty() {
                        statements.insert("endpoint");
                    }
                    if !d.fields.is_empty() {
                        statements.insert("field");
                    }
                }
                Item::Import(_) => {
                    statements.insert("import");
                }
                Item::Accept(_) => {
                    statements.insert("accept");
                }
            }
        }
    }
    let missing: Vec<_> = DECLS.iter().map(|d| d.keyword).filter(|k| !seen.contains(k)).collect();
    assert!(missing.is_empty(), "no ```arch sample in REFERENCE.md declares {missing:?}");
    for form in ["step", "endpoint", "field", "import", "accept"] {
        assert!(statements.contains(form), "no ```arch sample in REFERENCE.md shows a {form}");
    }
}

// ---------------------------------------------------------------------------------------------
// The grammar.

/// The grammar without its `/* ... */` comments.
fn strip_comments(ebnf: &str) -> String {
    let mut out = String::new();
    let mut rest = ebnf;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => panic!("an unclosed comment in arch.ebnf"),
        }
    }
    out.push_str(rest);
    out
}

/// Every `'quoted'` terminal of a piece of the EBNF.
fn terminals(ebnf: &str) -> BTreeSet<String> {
    let code = strip_comments(ebnf);
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(i) = rest.find('\'') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('\'') else { break };
        out.insert(after[..j].to_string());
        rest = &after[j + 1..];
    }
    out
}

/// The terminals of one rule `Name ::= 'a' | 'b' ...`, up to the next rule.
fn rule_terminals(ebnf: &str, name: &str) -> Vec<String> {
    let code = strip_comments(ebnf);
    let is_head =
        |line: &str, name: &str| line.strip_prefix(name).is_some_and(|rest| rest.trim_start().starts_with("::="));
    let mut lines = code.lines().skip_while(|l| !is_head(l, name));
    let head = lines.next().unwrap_or_else(|| panic!("arch.ebnf has no rule `{name}`"));
    let mut body = head.split_once("::=").map_or("", |h| h.1).to_string();
    for line in lines.take_while(|l| !l.contains("::=")) {
        body.push_str(line);
        body.push('\n');
    }
    terminals(&body).into_iter().collect()
}

#[test]
fn grammar_names_every_keyword_the_schema_defines() {
    let ebnf = read(&grammar_dir().join("arch.ebnf"));
    let quoted = terminals(&ebnf);
    let mut missing = Vec::new();
    let mut words: Vec<&str> = DECLS.iter().map(|d| d.keyword).collect();
    words.extend(["import", "accept", "op", "field", "std"]);
    words.extend(HTTP_METHODS);
    words.extend(FIELD_MODIFIERS);
    words.extend(["yes", "no", "true", "false"]);
    for w in words {
        if !quoted.contains(w) {
            missing.push(w);
        }
    }
    assert!(missing.is_empty(), "arch.ebnf does not mention {missing:?}");
    let set = |words: &mut dyn Iterator<Item = &str>| words.map(str::to_string).collect::<BTreeSet<String>>();
    let rule = |name: &str| rule_terminals(&ebnf, name).into_iter().collect::<BTreeSet<String>>();
    let nested: Vec<&str> = DECLS.iter().flat_map(|d| d.nested.iter().map(|k| k.keyword())).collect();
    let interface = DECLS.iter().find(|d| d.keyword == "interface").and_then(|d| d.variants).unwrap_or(&[]);
    let expectations = [
        ("DeclKeyword", set(&mut DECLS.iter().filter(|d| d.top_level).map(|d| d.keyword))),
        ("NestedKeyword", set(&mut nested.iter().copied())),
        ("InterfaceKind", set(&mut interface.iter().copied())),
        ("Protocol", set(&mut PROTOCOL.iter().copied())),
        ("HttpMethod", set(&mut HTTP_METHODS.iter().copied())),
        ("FieldModifier", set(&mut FIELD_MODIFIERS.iter().copied())),
    ];
    for (name, expected) in expectations {
        assert_eq!(rule(name), expected, "`{name}` in arch.ebnf differs from the schema");
    }
    // Only interfaces and custom rules take a kind after the name, as `Variant` says.
    let with_variants: Vec<&str> = DECLS.iter().filter(|d| d.variants.is_some()).map(|d| d.keyword).collect();
    assert_eq!(with_variants, ["interface", "rule"], "update `Variant` in arch.ebnf");
    let rule_kinds = DECLS.iter().find(|d| d.keyword == "rule").and_then(|d| d.variants).unwrap_or(&[]);
    assert_eq!(
        rule("RuleKind"),
        set(&mut rule_kinds.iter().copied()),
        "`RuleKind` in arch.ebnf differs from the schema"
    );
}

#[test]
fn grammar_units_are_the_units_the_implementation_accepts() {
    use archc::syntax::literal::{parse_number, Literal};
    let ebnf = read(&grammar_dir().join("arch.ebnf"));
    let check = |rule: &str, ok: fn(&Literal) -> bool| {
        let units = rule_terminals(&ebnf, rule);
        assert!(!units.is_empty(), "`{rule}` lists no units");
        for u in units {
            let text = format!("2{u}");
            match parse_number(&text) {
                Ok(lit) => assert!(ok(&lit), "`{text}` from `{rule}` is {}", lit.kind_name()),
                Err(e) => panic!("`{text}` from `{rule}` is rejected: {}", e.message),
            }
        }
    };
    check("DurationUnit", |l| matches!(l, Literal::Duration(_)));
    check("RateUnit", |l| matches!(l, Literal::Rate(_)));
    check("SizeUnit", |l| matches!(l, Literal::Size(_)));
    check("CountUnit", |l| matches!(l, Literal::Count(_)));
    // And nothing else: a few near misses stay errors.
    for bad in ["2sec", "2gb", "2Kb", "2/sec", "2hrs", "2e3", "2x"] {
        assert!(parse_number(bad).is_err(), "`{bad}` should be rejected");
    }
}

#[test]
fn block_tables_cover_uses_and_autoscale() {
    let generated = generate();
    for needle in ["`uses` block (in `component`)", "`autoscale` block (in `node`)", "### Step options"] {
        assert!(generated.contains(needle), "generated tables lack {needle}");
    }
    let component = DECLS.iter().find(|d| d.keyword == "component").and_then(|d| d.attr("uses"));
    assert!(component.is_some_and(|u| u.block == Some(USES_BLOCK)));
}

#[test]
fn diagnostic_code_table_matches_the_codes() {
    let doc = read(&reference_path());
    let mut rows = 0;
    for line in doc.lines() {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        let [id, name, summary] = cells.as_slice() else { continue };
        let is_code = id.len() == 6 && ["SYN", "HYG", "RES", "IO0"].iter().any(|p| id.starts_with(p));
        if !is_code {
            continue;
        }
        rows += 1;
        let code = archc::diagnostics::codes::ALL.iter().find(|c| c.id == *id);
        let code = code.unwrap_or_else(|| panic!("REFERENCE.md lists {id}, which is not a code"));
        assert_eq!((code.name, code.summary), (*name, *summary), "the row of {id} in REFERENCE.md is out of date");
    }
    assert!(rows >= 20, "REFERENCE.md should list the syntax and resolution codes");
}

#[test]
fn the_first_model_resolves() {
    let doc = read(&reference_path());
    let heading = doc.lines().position(|l| l == "## A first model").expect("a `## A first model` section") + 1;
    let all = samples(&doc);
    let sample = all.iter().find(|s| s.line > heading && s.info == "arch").expect("a sample in `A first model`");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("arch.toml"), "").expect("write arch.toml");
    std::fs::write(dir.path().join("main.arch"), &sample.text).expect("write main.arch");
    let outcome = archc::driver::analyze_paths(&archc::host::FsHost, &[dir.path().to_path_buf()]);
    assert!(outcome.errors.is_empty());
    let front = |id: &str| id.starts_with("SYN") || id.starts_with("RES") || id == "HYG001" || id == "HYG002";
    let problems: Vec<String> = outcome
        .analyses
        .iter()
        .flat_map(|a| &a.diagnostics)
        .filter(|d| front(d.code.id))
        .map(|d| format!("{}: {}", d.code.id, d.message))
        .collect();
    assert!(problems.is_empty(), "the first model in REFERENCE.md does not resolve: {problems:#?}");
}
