//! Document symbols (the declarations of one file, nested) and workspace symbols (every
//! declaration whose name matches a query).

use std::ops::Range;

use crate::syntax::ast::{Decl, Item};
use crate::syntax::schema::DeclKind;

use super::analysis::Snapshot;
use super::FileRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// The label, if the declaration has one.
    pub detail: Option<String>,
    pub kind: DeclKind,
    /// The whole declaration.
    pub range: Range<usize>,
    /// Its name.
    pub name_range: Range<usize>,
    pub children: Vec<Symbol>,
}

/// The declarations of a file's text, children nested in their parents. Parses the text itself, so
/// it works on a buffer with syntax errors too.
pub fn document_symbols(text: &str) -> Vec<Symbol> {
    let parse = crate::syntax::parse(crate::source::FileId(0), text);
    parse
        .ast
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Decl(d) => Some(symbol(d)),
            _ => None,
        })
        .collect()
}

fn symbol(d: &Decl) -> Symbol {
    Symbol {
        name: d.name.text.to_string(),
        detail: d.label.as_ref().map(|l| l.value.to_string()),
        kind: d.kind,
        range: d.span.range(),
        name_range: d.name.span.range(),
        children: d.children.iter().map(symbol).collect(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: DeclKind,
    pub location: FileRange,
    /// The enclosing element, for nested declarations.
    pub container: Option<String>,
}

/// Declarations whose name or label contains the query (ignoring case), sorted by path.
pub fn workspace_symbols(snap: &Snapshot, query: &str) -> Vec<WorkspaceSymbol> {
    const LIMIT: usize = 500;
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for analysis in &snap.workspaces {
        let model = &analysis.model;
        for (id, e) in model.iter() {
            if e.from_std {
                continue;
            }
            let hit = e.name.to_lowercase().contains(&query)
                || e.label.as_ref().is_some_and(|l| l.to_lowercase().contains(&query));
            if !hit {
                continue;
            }
            let Some(location) = snap.locate(analysis, e.name_span) else { continue };
            out.push(WorkspaceSymbol {
                name: model.path_of(id),
                kind: e.kind,
                location,
                container: e.parent.map(|p| model.path_of(p)),
            });
        }
    }
    out.sort_by(|a, b| (&a.name, a.location.key()).cmp(&(&b.name, b.location.key())));
    out.truncate(LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_declarations_are_children() {
        let text = "decision db \"Which database\" {\n  option pg \"Postgres\" {\n  }\n}\nteam t {\n}\n";
        let symbols = document_symbols(text);
        let names: Vec<(&str, Vec<&str>)> =
            symbols.iter().map(|s| (s.name.as_str(), s.children.iter().map(|c| c.name.as_str()).collect())).collect();
        assert_eq!(names, [("db", vec!["pg"]), ("t", vec![])]);
        assert_eq!(symbols[0].detail.as_deref(), Some("Which database"));
        assert_eq!(&text[symbols[0].children[0].name_range.clone()], "pg");
    }
}
