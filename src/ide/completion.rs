//! Completion from the text before the cursor and the language schema: declaration keywords and
//! snippets at the top level, the attributes of the enclosing block, the values an attribute takes
//! (enum words, `yes`/`no`, names of elements of the accepted kinds) and std modules after
//! `import`. The context comes from scanning braces, so it works while the buffer does not parse.

use crate::semantic::model::Model;
use crate::stdlib;
use crate::syntax::schema::{
    find_attr, AttrSpec, DeclKind, DeclSpec, Statements, Ty, ACCEPT_ATTRS, DECLS, ENDPOINT_OPTIONS, HTTP_METHODS,
    STEP_OPTIONS,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    /// A declaration template with placeholders (`${1:name}`).
    Snippet,
    Attribute,
    EnumValue,
    Reference(DeclKind),
    Module,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// Snippet text in the LSP snippet syntax, for `Snippet` items.
    pub snippet: Option<String>,
}

impl CompletionItem {
    fn new(label: &str, kind: CompletionKind, detail: Option<String>) -> Self {
        CompletionItem { label: label.to_string(), kind, detail, documentation: None, snippet: None }
    }
}

/// Where the cursor is, in schema terms.
#[derive(Clone, Copy)]
enum Context {
    TopLevel,
    Decl(&'static DeclSpec),
    Block(&'static [AttrSpec]),
    Unknown,
}

/// Completions at `offset` of `text`; `model` (the last analysis) supplies reference names.
pub fn completions(model: Option<&Model>, text: &str, offset: usize) -> Vec<CompletionItem> {
    let offset = floor_char_boundary(text, offset);
    let before = text.get(..offset).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.get(line_start..).unwrap_or("");
    let Some(openers) = open_braces(before) else { return Vec::new() };
    let mut words: Vec<&str> = line.split_whitespace().collect();
    // The word being typed does not count as context.
    if !line.ends_with(char::is_whitespace) {
        words.pop();
    }
    match context(text, &openers) {
        Context::TopLevel => top_level(model, &words),
        Context::Decl(spec) => in_block(model, spec.attrs, spec.nested, &words),
        Context::Block(attrs) => in_block(model, attrs, &[], &words),
        Context::Unknown => Vec::new(),
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn top_level(model: Option<&Model>, words: &[&str]) -> Vec<CompletionItem> {
    match words {
        [] => {
            let mut out = Vec::new();
            for spec in DECLS.iter().filter(|d| d.top_level) {
                out.push(CompletionItem::new(spec.keyword, CompletionKind::Keyword, Some(spec.doc.to_string())));
                let mut item = CompletionItem::new(
                    &format!("{} …", spec.keyword),
                    CompletionKind::Snippet,
                    Some(format!("new {}", spec.kind.noun())),
                );
                item.snippet = Some(snippet(spec));
                item.documentation = Some(spec.doc.to_string());
                out.push(item);
            }
            for kw in ["import", "accept"] {
                out.push(CompletionItem::new(kw, CompletionKind::Keyword, None));
            }
            out
        }
        ["import"] => stdlib::MODULES
            .iter()
            .map(|(name, _)| CompletionItem::new(&format!("std.{name}"), CompletionKind::Module, None))
            .collect(),
        // `accept |`: the rule codes, the workspace's custom rules included; after the fingerprint
        // and reason, the statement's attributes.
        ["accept"] => {
            let custom = model.map(crate::check::custom::rules_of).unwrap_or_default();
            let custom = custom.iter().filter(|r| r.replaces.is_none()).map(|r| (r.code, r.summary.as_str()));
            crate::check::registry::rules()
                .iter()
                .map(|r| (r.code, r.code.summary))
                .chain(custom)
                .map(|(code, summary)| {
                    let mut item = CompletionItem::new(code.id, CompletionKind::EnumValue, Some(code.name.to_string()));
                    item.documentation = Some(summary.to_string());
                    item
                })
                .collect()
        }
        ["accept", ..] => attributes(ACCEPT_ATTRS, &[]),
        _ => Vec::new(),
    }
}

/// A declaration template: name, label, the ownership facts its kind takes, then the cursor.
fn snippet(spec: &DeclSpec) -> String {
    let mut body = String::new();
    let mut n = 3;
    for key in ["summary", "owner"] {
        if spec.attr(key).is_some() {
            let placeholder = if key == "summary" { "\"${N:What it does}\"" } else { "${N:team}" };
            body.push_str(&format!("\t{key} {}\n", placeholder.replace('N', &n.to_string())));
            n += 1;
        }
    }
    format!("{} ${{1:name}} \"${{2:Title}}\" {{\n{body}\t$0\n}}", spec.keyword)
}

fn in_block(
    model: Option<&Model>,
    attrs: &'static [AttrSpec],
    nested: &[DeclKind],
    words: &[&str],
) -> Vec<CompletionItem> {
    match words {
        [] => attributes(attrs, nested),
        [name, ..] => match find_attr(attrs, name) {
            Some(spec) => values(model, spec),
            None => Vec::new(),
        },
    }
}

fn attributes(attrs: &[AttrSpec], nested: &[DeclKind]) -> Vec<CompletionItem> {
    let mut out: Vec<CompletionItem> = attrs
        .iter()
        .map(|a| {
            let mut item = CompletionItem::new(a.name, CompletionKind::Attribute, None);
            item.documentation = Some(a.doc.to_string());
            item.detail = a.params.first().map(|p| p.ty.describe());
            item
        })
        .collect();
    out.extend(nested.iter().map(|k| CompletionItem::new(k.keyword(), CompletionKind::Keyword, None)));
    out
}

/// The values an attribute takes: enum words, `yes`/`no`, names of the kinds it accepts.
fn values(model: Option<&Model>, spec: &AttrSpec) -> Vec<CompletionItem> {
    let mut out = Vec::new();
    for p in spec.params {
        match p.ty {
            Ty::Enum(words) => {
                out.extend(words.iter().map(|w| CompletionItem::new(w, CompletionKind::EnumValue, None)));
            }
            Ty::Bool => {
                out.extend(["yes", "no"].iter().map(|w| CompletionItem::new(w, CompletionKind::EnumValue, None)));
            }
            Ty::Ref(kinds) | Ty::StrOrRef(kinds) => {
                let Some(model) = model else { continue };
                for (id, e) in model.iter() {
                    if kinds.contains(&e.kind) && e.kind.is_global() {
                        let detail = format!("{} {}", e.kind.noun(), e.title());
                        out.push(CompletionItem::new(
                            &model.path_of(id),
                            CompletionKind::Reference(e.kind),
                            Some(detail),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out.dedup_by(|a, b| a.label == b.label);
    out
}

/// Byte offsets of the `{` still open at the end of `text`, outermost first; `None` inside a
/// string or comment, where nothing is completed.
fn open_braces(text: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    let mut stack = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => match text[i..].find('\n') {
                Some(n) => i += n,
                None => return None,
            },
            b'"' if text[i..].starts_with("\"\"\"") => match text[i + 3..].find("\"\"\"") {
                Some(n) => i += n + 5,
                None => return None,
            },
            b'"' => {
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return None,
                        Some(b'\\') => j += 2,
                        Some(b'"') | Some(b'\n') => break,
                        Some(_) => j += 1,
                    }
                }
                i = j;
            }
            b'{' => stack.push(i),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    Some(stack)
}

/// Follows the headers of the open braces from the top level down through the schema.
fn context(text: &str, openers: &[usize]) -> Context {
    let mut ctx = Context::TopLevel;
    for &at in openers {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let header = &text[line_start..at];
        let first = header.split_whitespace().next().unwrap_or("");
        ctx = match ctx {
            Context::TopLevel => match DeclKind::from_keyword(first) {
                Some(kind) => Context::Decl(kind.spec()),
                None if first == "accept" => Context::Block(ACCEPT_ATTRS),
                None => Context::Unknown,
            },
            Context::Decl(spec) => {
                if let Some(kind) = spec.nested.iter().find(|k| k.keyword() == first) {
                    Context::Decl(kind.spec())
                } else if let Some(block) = spec.attr(first).and_then(|a| a.block) {
                    Context::Block(block)
                } else if spec.statements == Statements::Steps && (header.contains("->") || header.contains("~>")) {
                    Context::Block(STEP_OPTIONS)
                } else if spec.statements == Statements::Endpoints && (first == "op" || HTTP_METHODS.contains(&first)) {
                    Context::Block(ENDPOINT_OPTIONS)
                } else {
                    Context::Unknown
                }
            }
            Context::Block(attrs) => match find_attr(attrs, first).and_then(|a| a.block) {
                Some(block) => Context::Block(block),
                None => Context::Unknown,
            },
            Context::Unknown => Context::Unknown,
        };
    }
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<String> {
        let offset = text.find('|').unwrap_or(text.len());
        let text = text.replacen('|', "", 1);
        completions(None, &text, offset).into_iter().map(|c| c.label).collect()
    }

    #[test]
    fn completes_from_the_enclosing_block() {
        assert!(labels("|").contains(&"component".to_string()));
        let snippet = completions(None, "", 0).into_iter().find(|c| c.label == "component …").and_then(|c| c.snippet);
        assert_eq!(
            snippet.as_deref(),
            Some("component ${1:name} \"${2:Title}\" {\n\tsummary \"${3:What it does}\"\n\towner ${4:team}\n\t$0\n}")
        );
        assert_eq!(labels("import |"), ["std.security", "std.tech", "std.threats"]);
        assert!(labels("accept |").contains(&"REL002".to_string()));
        assert_eq!(labels("accept REL002@a@b \"why\" |"), ["until", "ticket", "by"]);
        let attrs = labels("component a {\n  |\n}");
        assert!(attrs.contains(&"owner".to_string()) && attrs.contains(&"criticality".to_string()));
        assert_eq!(
            labels("component a {\n  criticality |\n}"),
            ["critical", "high", "low", "medium", "mission-critical"]
        );
        // Inside a `uses` block, the block's own attributes.
        assert!(labels("component a {\n  uses b sync {\n    |\n  }\n}").contains(&"timeout".to_string()));
        // Braces inside strings and comments do not count.
        assert!(labels("component a \"{\" { // {\n  |\n}").contains(&"owner".to_string()));
        assert!(labels("component a {\n  summary \"x |").is_empty());
        // Inside a custom rule's selector, the selector keys.
        assert!(labels("rule r forbidden {\n  from {\n    |\n  }\n}").contains(&"name-not".to_string()));
    }

    #[test]
    fn accept_offers_the_workspaces_custom_rules() {
        let text = "rule no_cycles forbidden {\n  to { is datastore }\n}\ndatastore d\n";
        let host = crate::host::MemHost::new([("/ws/arch.toml", ""), ("/ws/a.arch", text)]);
        let outcome = crate::driver::analyze_paths(&host, &[std::path::PathBuf::from("/ws")]);
        let model = &outcome.analyses[0].model;
        let labels: Vec<String> = completions(Some(model), "accept ", 7).into_iter().map(|c| c.label).collect();
        assert!(labels.contains(&"no_cycles".to_string()) && labels.contains(&"HYG004".to_string()), "{labels:?}");
    }
}
