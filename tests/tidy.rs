//! Tidy checks on the source tree: the layers depend only downwards (lang -> syntax -> semantic ->
//! analysis -> check -> emit -> pipeline; driver, host, cli and the editor and LLM front ends at the edge may
//! use anything), every module starts with a `//!` doc saying what it is for, and each rule file
//! under `src/check/rules/<family>/` stays in its family and names its rule in its first line.

use std::path::{Path, PathBuf};

/// The layer of each top-level module; a module may use only modules of the same or a lower
/// layer. Modules not listed are at the edge: they may use anything and nothing below may use them.
const LAYERS: &[(&str, u8)] = &[
    ("source", 0),
    ("graph", 0),
    ("parallel", 0),
    ("diagnostics", 1),
    ("lang", 1),
    ("syntax", 2),
    ("stdlib", 2),
    ("fmt", 3),
    ("semantic", 3),
    ("config", 3),
    ("analysis", 4),
    ("check", 5),
    ("emit", 6),
    // The pure analysis of sources in memory; the driver (IO) calls it.
    ("pipeline", 7),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source without test-only code: items after `#[cfg(test)]` are cut out by brace matching
/// (strings, raw strings, chars and comments skipped), so tests may build whole pipelines.
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = &rest[at + "#[cfg(test)]".len()..];
        rest = &rest[item_end(rest)..];
    }
    out.push_str(rest);
    out
}

/// The byte offset just after the item starting `text`: its closing brace, or its `;`.
fn item_end(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0, 0usize);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
                let start = i + 2 + hashes;
                i = text[start..].find(&close).map_or(b.len(), |p| start + p + close.len()) - 1;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\\') => i += 3,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The top-level modules a source file names as `crate::<module>`.
fn crate_uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[test]
fn lower_layers_do_not_use_higher_ones() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_string();
        let Some(own) = layer(&first) else { continue };
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        checked += 1;
        let text = without_tests(&std::fs::read_to_string(f).unwrap());
        for used in crate_uses(&text) {
            if used == first {
                continue;
            }
            match layer(&used) {
                Some(l) if l <= own => {}
                Some(_) => problems.push(format!("{} ({first}) uses the higher layer `crate::{used}`", rel.display())),
                None => problems.push(format!("{} ({first}) uses the edge module `crate::{used}`", rel.display())),
            }
        }
    }
    assert!(checked > 40, "too few files checked: {checked}");
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

/// One truth per derived fact: the facts are built once per analysis, by the pipeline (or by
/// `check::run` for a bare model), and every backend reads that one copy.
#[test]
fn facts_are_built_only_by_the_analysis() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let allowed = ["src/pipeline.rs", "src/check/mod.rs"];
    let builders: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .filter(|name| !name.starts_with("src/analysis/") && !allowed.contains(&name.as_str()))
        .filter(|name| without_tests(&std::fs::read_to_string(root.join(name)).unwrap()).contains("Facts::build("))
        .collect();
    assert!(files.len() > 40, "too few files read: {}", files.len());
    assert!(builders.is_empty(), "these build their own facts instead of reading the analysis': {builders:?}");
}

#[test]
fn every_module_starts_with_a_doc_comment() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "node_modules"))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            !text.trim_start().starts_with("//!")
        })
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` doc: {missing:?}");
}

#[test]
fn the_tidy_scanner_sees_through_strings_and_skips_tests() {
    let text = "use crate::syntax::x;\n#[cfg(test)]\nmod tests {\n    const S: &str = \"} crate::driver\";\n    use crate::driver;\n}\nfn f() { crate::semantic::g() }\n";
    assert_eq!(crate_uses(&without_tests(text)), ["syntax", "semantic"]);
    assert_eq!(crate_uses("let x = mycrate::emit; crate::emit::y"), ["emit"]);
}

/// The families of rules, one folder each under `src/check/rules/`.
const RULE_FAMILIES: &[&str] = &["hygiene", "ownership", "coupling", "security", "performance", "reliability"];

/// How a file of family `own` names another family's module, if it does: `rules::<other>`,
/// `check::<other>` or `super::super::<other>` (a rule file reaching up past its family).
fn family_imports(own: &str, text: &str) -> Vec<&'static str> {
    RULE_FAMILIES
        .iter()
        .copied()
        .filter(|other| *other != own)
        .filter(|other| {
            ["rules::", "check::", "super::super::"].iter().any(|via| {
                text.match_indices(&format!("{via}{other}"))
                    .any(|(at, m)| !text[at + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
            })
        })
        .collect()
}

#[test]
fn rule_files_stay_in_their_family_and_say_what_rule_they_hold() {
    let rules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/check/rules");
    let mut problems = Vec::new();
    let mut rule_files = 0;
    for family in RULE_FAMILIES {
        let mut files = Vec::new();
        rust_files(&rules.join(family), &mut files);
        assert!(files.iter().any(|f| f.ends_with("mod.rs")), "src/check/rules/{family}/mod.rs is missing");
        for f in &files {
            let rel = f.strip_prefix(&rules).unwrap().display().to_string();
            let text = std::fs::read_to_string(f).unwrap();
            for other in family_imports(family, &text) {
                problems.push(format!(
                    "{rel} imports the {other} family; move what they share to check/shared.rs or analysis/facts.rs"
                ));
            }
            if f.ends_with("mod.rs") {
                continue;
            }
            rule_files += 1;
            // A rule file opens with `//! CODE rule-name: summary`.
            let first = text.lines().next().unwrap_or_default();
            let stem = f.file_stem().unwrap().to_string_lossy().replace('_', "-");
            let says_rule =
                first.strip_prefix("//! ").and_then(|rest| rest.split_once(' ')).is_some_and(|(code, rest)| {
                    code.len() >= 6
                        && code.chars().all(|c| c.is_ascii_alphanumeric())
                        && rest.starts_with(&format!("{stem}:"))
                });
            if !says_rule {
                problems.push(format!("{rel} does not start with `//! CODE {stem}: summary`"));
            }
        }
    }
    assert!(rule_files >= 60, "too few rule files found: {rule_files}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_family_check_sees_imports_of_other_families_only() {
    assert_eq!(family_imports("coupling", "use crate::check::rules::ownership::is_write;"), ["ownership"]);
    assert_eq!(family_imports("reliability", "use super::super::performance::{ms};"), ["performance"]);
    assert_eq!(family_imports("security", "use crate::check::security_notes;"), Vec::<&str>::new());
    assert_eq!(
        family_imports("coupling", "use super::{code, components};\nuse crate::check::shared::count;"),
        Vec::<&str>::new()
    );
}

/// The crate denies `unsafe_code`; one module may lift that, the allocator tuning in `main.rs`.
/// Any other `allow` or `expect` of the lint is a new unsafe surface that needs its own review.
#[test]
fn unsafe_code_is_allowed_only_for_the_allocator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "examples", "benches", "fuzz"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut files);
        }
    }
    let lifts = ["allow(unsafe_code)", "expect(unsafe_code)"];
    let mut places = Vec::new();
    for f in &files {
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        if name == "tests/tidy.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        let count: usize = lifts.iter().map(|l| text.matches(l).count()).sum();
        if count > 0 {
            places.push(format!("{name} ({count})"));
        }
    }
    assert_eq!(places, ["src/main.rs (1)"], "unsafe code allowed outside the allocator module");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("unsafe_code = \"deny\""), "Cargo.toml no longer denies unsafe code");
}
