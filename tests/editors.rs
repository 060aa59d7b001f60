//! The editor support in `editors/`: the tree-sitter grammar and its queries, the Helix
//! configuration and the VS Code extension. These tests run the real tools (the tree-sitter CLI,
//! npm); a missing tool fails the test with a pointer to `.ci/setup`, it is never skipped.
//! The keyword lists of the grammars are compared with the language table (src/syntax/schema.rs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use archc::syntax::schema::{self, AttrSpec, DECLS};

/// The tree-sitter CLI compiles the grammar into a shared cache; one run at a time.
static TREE_SITTER: Mutex<()> = Mutex::new(());

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn grammar_dir() -> PathBuf {
    root().join("editors/tree-sitter-arch")
}

/// A tool from PATH or cargo's bin folder; fails the test when it is not installed.
fn tool(name: &str) -> PathBuf {
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin"));
    let path_dirs = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    path_dirs
        .into_iter()
        .chain(cargo_bin)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| panic!("`{name}` is not installed: run .ci/setup"))
}

fn run(cmd: &mut Command) -> Output {
    let shown = format!("{cmd:?}");
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The tree-sitter CLI, run in the grammar folder, with a config of its own rather than the user's.
fn tree_sitter(args: &[&str]) -> Output {
    let _one_at_a_time = TREE_SITTER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut cmd = Command::new(tool("tree-sitter"));
    cmd.current_dir(grammar_dir()).args(args).env("TREE_SITTER_DIR", grammar_dir().join("test"));
    run(&mut cmd)
}

fn arch_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = ["examples", "std"]
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(root().join(dir)))
        .flatten()
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "arch"))
        .collect();
    files.sort();
    files
}

#[test]
fn tree_sitter_corpus_and_highlight_tests_pass() {
    let out = tree_sitter(&["test", "--config-path", "test/config.json"]);
    let report = String::from_utf8_lossy(&out.stdout);
    // The exit status says it all; the report shows the corpus and the highlight tests both ran.
    assert!(report.contains("failed parses: 0;") && !report.contains("successful parses: 0;"), "{report}");
    assert!(report.contains("assertions)"), "{report}");
}

#[test]
fn every_example_and_std_file_parses_without_an_error_node() {
    let files = arch_files();
    assert!(files.len() >= 30, "expected the examples and std files, found {}", files.len());
    let mut args = vec!["parse".to_string(), "--quiet".into(), "--stat".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // `parse` exits 1 when a tree has an ERROR or MISSING node.
    let out = tree_sitter(&args);
    let report = String::from_utf8_lossy(&out.stdout);
    let want = format!("successful parses: {};", files.len());
    assert!(report.contains(&want), "{report}");
}

#[test]
fn broken_input_does_produce_an_error_node() {
    // The check above means something only if the grammar rejects what archc rejects.
    let bad = tempfile::Builder::new().suffix(".arch").tempfile().expect("temp file");
    std::fs::write(bad.path(), "component a {\n  kind # service\n}\n").expect("write");
    let _one_at_a_time = TREE_SITTER.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let out = Command::new(tool("tree-sitter"))
        .current_dir(grammar_dir())
        .env("TREE_SITTER_DIR", grammar_dir().join("test"))
        .args(["parse", "--quiet"])
        .arg(bad.path())
        .output()
        .expect("run tree-sitter");
    assert!(!out.status.success(), "a `#` parsed cleanly");
    assert!(String::from_utf8_lossy(&out.stdout).contains("ERROR"));
}

#[test]
fn the_committed_parser_is_generated_from_grammar_js() {
    let scratch = tempfile::tempdir().expect("temp dir");
    std::fs::copy(grammar_dir().join("grammar.js"), scratch.path().join("grammar.js")).expect("copy grammar.js");
    std::fs::copy(grammar_dir().join("tree-sitter.json"), scratch.path().join("tree-sitter.json"))
        .expect("copy tree-sitter.json");
    run(Command::new(tool("tree-sitter"))
        .current_dir(scratch.path())
        .env("TREE_SITTER_DIR", scratch.path())
        .arg("generate"));
    for file in ["parser.c", "grammar.json", "node-types.json"] {
        let fresh = std::fs::read_to_string(scratch.path().join("src").join(file)).expect("generated file");
        let committed = std::fs::read_to_string(grammar_dir().join("src").join(file)).expect("committed file");
        assert!(fresh == committed, "src/{file} is stale: run `tree-sitter generate` in editors/tree-sitter-arch");
    }
}

/// The queries compile against the grammar (the CLI rejects unknown nodes, fields and captures
/// of a malformed pattern) and capture something in a real example.
fn assert_queries_compile(dir: &Path, names: &[&str]) {
    let sample = root().join("examples/shop/decisions.arch");
    for name in names {
        let query = dir.join(name);
        assert!(query.is_file(), "missing {}", query.display());
        let out = tree_sitter(&["query", &query.display().to_string(), &sample.display().to_string()]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("capture:"), "{} captured nothing", query.display());
    }
}

#[test]
fn tree_sitter_queries_compile() {
    assert_queries_compile(
        &grammar_dir().join("queries"),
        &["highlights.scm", "locals.scm", "folds.scm", "indents.scm"],
    );
}

#[test]
fn neovim_queries_are_the_grammars_and_compile() {
    let nvim = root().join("editors/nvim/queries/arch");
    let names = ["highlights.scm", "locals.scm", "folds.scm", "indents.scm"];
    assert_queries_compile(&nvim, &names);
    // Neovim reads queries from `queries/arch/` on its runtime path; they are the grammar's own.
    for name in names {
        let ours = std::fs::read_to_string(nvim.join(name)).expect("neovim query");
        let grammar = std::fs::read_to_string(grammar_dir().join("queries").join(name)).expect("grammar query");
        assert!(ours == grammar, "editors/nvim/queries/arch/{name} differs from the grammar's");
    }
}

#[test]
fn helix_queries_compile_and_languages_toml_declares_the_server() {
    let helix = root().join("editors/helix");
    assert_queries_compile(
        &helix.join("runtime/queries/arch"),
        &["highlights.scm", "locals.scm", "indents.scm", "textobjects.scm"],
    );
    // Helix's highlights and locals are the grammar's own, not a copy that drifts.
    for name in ["highlights.scm", "locals.scm"] {
        let ours = std::fs::read_to_string(helix.join("runtime/queries/arch").join(name)).expect("helix query");
        let grammar = std::fs::read_to_string(grammar_dir().join("queries").join(name)).expect("grammar query");
        assert!(ours == grammar, "editors/helix/runtime/queries/arch/{name} differs from the grammar's");
    }
    let text = std::fs::read_to_string(helix.join("languages.toml")).expect("languages.toml");
    let config: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("languages.toml: {e}"));
    let language =
        config["language"].as_array().and_then(|l| l.first()).and_then(|l| l.as_table()).expect("[[language]]");
    assert_eq!(language["name"].as_str(), Some("arch"));
    assert_eq!(language["file-types"].as_array().map(|t| t.len()), Some(1));
    assert_eq!(language["comment-token"].as_str(), Some("//"));
    let server = &config["language-server"]["archc"];
    assert_eq!(server["command"].as_str(), Some("archc"));
    assert_eq!(
        server["args"].as_array().map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>()),
        Some(vec!["lsp"])
    );
    let grammar = config["grammar"].as_array().and_then(|g| g.first()).expect("[[grammar]]");
    assert_eq!(grammar["name"].as_str(), Some("arch"));
    let source = grammar["source"]["path"].as_str().expect("grammar source path");
    assert!(source.ends_with("editors/tree-sitter-arch"), "the grammar source is {source}");
}

// ---- keyword lists against the language table ----

fn top_level_keywords() -> BTreeSet<String> {
    DECLS.iter().filter(|d| d.top_level).map(|d| d.keyword.to_string()).collect()
}

/// Keywords highlighted as declarations inside a block: every kind that nests, but `zone` (a zone
/// nested in a zone reads like the `zone` attribute of other blocks, so it is shown as one).
fn nested_keywords() -> BTreeSet<String> {
    DECLS.iter().flat_map(|d| d.nested.iter()).map(|k| k.keyword().to_string()).filter(|k| k != "zone").collect()
}

fn collect_attrs(attrs: &'static [AttrSpec], names: &mut BTreeSet<String>) {
    for attr in attrs {
        names.insert(attr.name.to_string());
        if let Some(block) = attr.block {
            collect_attrs(block, names);
        }
    }
}

/// Every attribute name: those a block can start a line with, and the options of steps and endpoints.
fn attribute_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for decl in DECLS {
        collect_attrs(decl.attrs, &mut names);
    }
    for attrs in [schema::ACCEPT_ATTRS, schema::STEP_OPTIONS, schema::ENDPOINT_OPTIONS, schema::USES_BLOCK] {
        collect_attrs(attrs, &mut names);
    }
    names
}

fn words(list: &str) -> BTreeSet<String> {
    list.split('|').map(str::to_string).collect()
}

/// The alternatives of the first `((?:a|b|c))` group (a captured list of words) in a TextMate
/// rule's `match` or `begin`.
fn alternatives(grammar: &serde_json::Value, rule: &str) -> BTreeSet<String> {
    let entry = &grammar["repository"][rule];
    let regex = entry["match"]
        .as_str()
        .or_else(|| entry["begin"].as_str())
        .unwrap_or_else(|| panic!("rule {rule} has no match"));
    let start = regex.find("((?:").unwrap_or_else(|| panic!("rule {rule} has no ((?:...)) group")) + 4;
    let end = start + regex[start..].find(')').expect("closing parenthesis");
    words(&regex[start..end])
}

fn textmate_grammar() -> serde_json::Value {
    let path = root().join("editors/vscode/syntaxes/arch.tmLanguage.json");
    let text = std::fs::read_to_string(&path).expect("arch.tmLanguage.json");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_same(what: &str, found: BTreeSet<String>, want: BTreeSet<String>) {
    let missing: Vec<_> = want.difference(&found).collect();
    let extra: Vec<_> = found.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, not in the schema {extra:?}\nwant: {}",
        want.iter().cloned().collect::<Vec<_>>().join("|")
    );
}

#[test]
fn textmate_keyword_lists_match_the_schema() {
    let grammar = textmate_grammar();
    assert_same("declaration keywords", alternatives(&grammar, "declaration"), top_level_keywords());
    assert_same("nested declaration keywords", alternatives(&grammar, "nested-declaration"), nested_keywords());
    assert_same("attribute names", alternatives(&grammar, "attribute"), attribute_names());
    let methods: BTreeSet<String> = schema::HTTP_METHODS.iter().map(|m| m.to_string()).collect();
    assert_same("HTTP methods", alternatives(&grammar, "endpoint"), methods);
    let modifiers: BTreeSet<String> = schema::FIELD_MODIFIERS.iter().map(|m| m.to_string()).collect();
    assert_same("field modifiers", alternatives(&grammar, "field-modifier"), modifiers);
}

#[test]
fn tree_sitter_keyword_lists_match_the_schema() {
    let highlights = std::fs::read_to_string(grammar_dir().join("queries/highlights.scm")).expect("highlights.scm");
    // The `#any-of?` list that follows the top-level declaration pattern, and the nested one.
    let lists: Vec<BTreeSet<String>> = highlights
        .split("(#any-of? @keyword")
        .skip(1)
        .map(|rest| {
            let list = &rest[..rest.find(')').expect("end of predicate")];
            list.split_whitespace().map(|w| w.trim_matches('"').to_string()).collect()
        })
        .collect();
    let top = lists.iter().find(|l| l.contains("system")).cloned().expect("declaration keyword list");
    assert_same("declaration keywords in highlights.scm", top, top_level_keywords());
    let nested = lists.iter().find(|l| l.contains("option")).cloned().expect("nested keyword list");
    assert_same("nested declaration keywords in highlights.scm", nested, nested_keywords());
}

// ---- VS Code ----

fn vscode_dir() -> PathBuf {
    root().join("editors/vscode")
}

fn npm(args: &[&str]) -> Output {
    let node_modules = vscode_dir().join("node_modules");
    assert!(node_modules.is_dir(), "editors/vscode/node_modules is missing: run .ci/setup");
    run(Command::new("npm").current_dir(vscode_dir()).args(args))
}

#[test]
fn vscode_textmate_grammar_tests_pass() {
    let out = npm(&["run", "--silent", "test:grammar"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("✓") || report.to_lowercase().contains("passed"), "{report}");
}

#[test]
fn vscode_extension_type_checks_and_packages_as_a_vsix() {
    let vsix = vscode_dir().join("archc.vsix");
    let _ = std::fs::remove_file(&vsix);
    npm(&["run", "--silent", "package"]);
    let bytes = std::fs::read(&vsix).expect("npm run package wrote archc.vsix");
    // A .vsix is a zip; its central directory names every file it holds.
    assert!(bytes.starts_with(b"PK"), "archc.vsix is not a zip");
    let listing = String::from_utf8_lossy(&bytes);
    for entry in [
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/syntaxes/arch.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/snippets/arch.json",
    ] {
        assert!(listing.contains(entry), "archc.vsix lacks {entry}");
    }
    assert!(!listing.contains("extension/node_modules/"), "archc.vsix bundles node_modules");
    let _ = std::fs::remove_file(&vsix);
}

/// A snippet body with each placeholder replaced by its default (or its first choice).
fn expand_snippet(body: &str) -> String {
    let mut out = String::new();
    let mut defaults: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    let mut rest = body;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            let end = inner.find('}').expect("closing brace of a placeholder");
            let spec = &inner[..end];
            let number: String = spec.chars().take_while(char::is_ascii_digit).collect();
            let tail = &spec[number.len()..];
            let value = if let Some(default) = tail.strip_prefix(':') {
                default.to_string()
            } else if let Some(choices) = tail.strip_prefix('|') {
                choices.split([',', '|']).next().unwrap_or_default().to_string()
            } else {
                defaults.get(&number).cloned().unwrap_or_default()
            };
            defaults.entry(number).or_insert_with(|| value.clone());
            out.push_str(&value);
            rest = &inner[end + 1..];
        } else {
            // `$0`, the final cursor position.
            rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn vscode_snippets_expand_to_statements_archc_accepts() {
    let text = std::fs::read_to_string(vscode_dir().join("snippets/arch.json")).expect("snippets");
    let snippets: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).expect("snippets JSON");
    assert!(snippets.len() >= 8, "expected snippets for the common declarations");
    for (name, snippet) in &snippets {
        let lines: Vec<&str> = snippet["body"].as_array().expect("body").iter().filter_map(|l| l.as_str()).collect();
        let mut source = expand_snippet(&lines.join("\n"));
        // Attribute snippets are written inside a declaration.
        if !source.starts_with(snippet["prefix"].as_str().unwrap_or_default()) || name == "uses" {
            source = format!("component snippet_host {{\n{source}\n}}\n");
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("snippet.arch"), &source).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_archc"))
            .args(["check", "--format", "json"])
            .arg(dir.path())
            .output()
            .expect("run archc");
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("snippet {name}: {e}"));
        let codes: Vec<&str> =
            report["diagnostics"].as_array().expect("diagnostics").iter().filter_map(|d| d["code"].as_str()).collect();
        // Names in a lone snippet resolve to nothing; the syntax and the attributes must be right.
        let syntax: Vec<&&str> = codes.iter().filter(|c| c.starts_with("SYN")).collect();
        assert!(syntax.is_empty(), "snippet {name} expands to text with syntax errors {syntax:?}:\n{source}");
        assert!(report["summary"]["files"] == 1, "snippet {name} was not read");
    }
}
