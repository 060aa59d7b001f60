//! Tidy checks on the source tree: the layers depend only downwards (lang -> syntax -> semantic ->
//! analysis -> check -> emit; driver, host, cli and the editor and LLM front ends at the edge may
//! use anything), and every module starts with a `//!` doc saying what it is for.

use std::path::{Path, PathBuf};

/// The layer of each top-level module; a module may use only modules of the same or a lower
/// layer. Modules not listed are at the edge: they may use anything and nothing below may use them.
const LAYERS: &[(&str, u8)] = &[
    ("source", 0),
    ("graph", 0),
    ("diagnostics", 1),
    ("lang", 1),
    ("syntax", 2),
    ("stdlib", 2),
    ("fmt", 3),
    ("semantic", 3),
    ("analysis", 4),
    ("check", 5),
    ("emit", 6),
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

#[test]
fn rule_families_do_not_import_each_other() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/check");
    let families = ["hygiene", "ownership", "coupling", "security", "performance", "reliability"];
    let mut problems = Vec::new();
    for family in families {
        let Ok(text) = std::fs::read_to_string(dir.join(format!("{family}.rs"))) else { continue };
        let text = without_tests(&text);
        for other in families.iter().filter(|o| **o != family) {
            if text.contains(&format!("super::{other}")) || text.contains(&format!("check::{other}")) {
                problems
                    .push(format!("{family}.rs uses {other}.rs; move what they share to check/shared.rs or the facts"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
