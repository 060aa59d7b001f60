//! Renders the document tree as CommonMark with GitHub tables.

use super::doc::{Block, Document, Inline, Item, Rich};

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str("# ");
    out.push_str(&escape(&doc.title, true));
    out.push_str("\n\n");
    let toc = doc.toc();
    if !toc.is_empty() {
        out.push_str("**Contents**\n\n");
        for (level, text, id) in toc {
            let indent = if level == 3 { "  " } else { "" };
            out.push_str(&format!("{indent}- [{}](#{id})\n", escape(text, false)));
        }
        out.push('\n');
    }
    for b in &doc.blocks {
        block(&mut out, b, "");
    }
    // One final newline, whatever the last block was.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn block(out: &mut String, b: &Block, indent: &str) {
    match b {
        Block::Heading { level, text, id } => {
            out.push_str(&format!("{indent}<a id=\"{id}\"></a>\n\n"));
            out.push_str(indent);
            out.push_str(&"#".repeat(*level as usize));
            out.push(' ');
            out.push_str(&escape(text, false));
            out.push_str("\n\n");
        }
        Block::Para(r) => {
            out.push_str(indent);
            out.push_str(&rich(r, true));
            out.push_str("\n\n");
        }
        Block::List { ordered, items } => {
            list(out, *ordered, items, indent);
            out.push('\n');
        }
        Block::Table { head, rows } => {
            out.push_str(indent);
            out.push('|');
            for h in head {
                out.push_str(&format!(" {} |", cell(&escape(h, false))));
            }
            out.push('\n');
            out.push_str(indent);
            out.push('|');
            for _ in head {
                out.push_str(" --- |");
            }
            out.push('\n');
            for row in rows {
                out.push_str(indent);
                out.push('|');
                for c in row {
                    let t = rich(c, false);
                    out.push_str(&format!(" {} |", cell(&t)));
                }
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Code(text) => {
            let longest = longest_run(text, '`');
            let fence = "`".repeat(longest.max(2) + 1);
            out.push_str(&format!("{indent}{fence}\n"));
            for line in text.lines() {
                out.push_str(indent);
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&format!("{indent}{fence}\n\n"));
        }
        Block::Diagram { name, title, svg, error } => match (svg, error) {
            (Some(_), _) => {
                out.push_str(&format!(
                    "{indent}![{}](diagrams/{name}.svg)\n\n{indent}*{}* ([DOT source](diagrams/{name}.dot))\n\n",
                    escape(title, false),
                    escape(title, false)
                ));
            }
            (None, err) => {
                out.push_str(indent);
                out.push_str(&escape(&super::diagram_failure(title, err.as_deref()), true));
                out.push_str(&format!(" ([DOT source](diagrams/{name}.dot))\n\n"));
            }
        },
    }
}

fn list(out: &mut String, ordered: bool, items: &[Item], indent: &str) {
    for (i, it) in items.iter().enumerate() {
        let marker = if ordered { format!("{}. ", i + 1) } else { "- ".to_string() };
        out.push_str(indent);
        out.push_str(&marker);
        out.push_str(&rich(&it.text, true));
        out.push('\n');
        if !it.children.is_empty() {
            let inner = format!("{indent}{}", " ".repeat(marker.len()));
            for c in &it.children {
                match c {
                    Block::List { ordered, items } => list(out, *ordered, items, &inner),
                    other => {
                        out.push('\n');
                        block(out, other, &inner);
                    }
                }
            }
        }
    }
}

/// A table cell: no line breaks, pipes escaped (already done by `escape`).
fn cell(s: &str) -> String {
    let t = s.replace('\n', " ");
    if t.trim().is_empty() {
        " ".to_string()
    } else {
        t
    }
}

fn rich(r: &Rich, line_start: bool) -> String {
    let mut s = String::new();
    for (i, inl) in r.iter().enumerate() {
        let start = line_start && i == 0;
        match inl {
            Inline::Text(t) => s.push_str(&escape(t, start)),
            Inline::Strong(t) if !t.is_empty() => s.push_str(&format!("**{}**", escape(t, false))),
            Inline::Em(t) if !t.is_empty() => s.push_str(&format!("*{}*", escape(t, false))),
            Inline::Strong(_) | Inline::Em(_) => {}
            Inline::Code(t) => s.push_str(&code_span(t)),
            Inline::Link { text, href, code } => {
                let label = if *code { code_span(text) } else { escape(text, false) };
                s.push_str(&format!("[{label}]({href})"));
            }
            Inline::Anchor(id) => s.push_str(&format!("<a id=\"{id}\"></a>")),
        }
    }
    s
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn code_span(t: &str) -> String {
    let t = t.replace('\n', " ");
    let fence = "`".repeat(longest_run(&t, '`') + 1);
    // Pipes inside code spans still split GitHub table cells.
    let t = t.replace('|', "\\|");
    if t.starts_with('`') || t.ends_with('`') {
        format!("{fence} {t} {fence}")
    } else {
        format!("{fence}{t}{fence}")
    }
}

/// Escapes text so that Markdown shows it literally. Characters that only matter at the start of a
/// line (list markers, block quotes) are escaped there.
pub fn escape(t: &str, line_start: bool) -> String {
    let t: String = {
        // Collapse line breaks: report text is flowing prose.
        let mut s = String::with_capacity(t.len());
        let mut space = false;
        for ch in t.chars() {
            if ch == '\n' || ch == '\r' || ch == '\t' {
                space = true;
            } else {
                if space && !s.is_empty() && !s.ends_with(' ') && ch != ' ' {
                    s.push(' ');
                }
                space = false;
                s.push(ch);
            }
        }
        s
    };
    let mut out = String::with_capacity(t.len() + 8);
    let chars: Vec<char> = t.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '&' if looks_like_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '-' | '+' | '=' if i == 0 && line_start => {
                out.push('\\');
                out.push(ch);
            }
            '.' | ')' if line_start && i > 0 && chars[..i].iter().all(|c| c.is_ascii_digit()) => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// `name;` or `#123;` after an ampersand: CommonMark would read an entity there.
fn looks_like_entity(rest: &[char]) -> bool {
    let n = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '#').count();
    n > 0 && rest.get(n) == Some(&';')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markdown_syntax() {
        assert_eq!(escape("a*b_c [x] <y> #1 | z", false), "a\\*b\\_c \\[x\\] \\<y\\> \\#1 \\| z");
        assert_eq!(escape("- item", true), "\\- item");
        assert_eq!(escape("1. first", true), "1\\. first");
        assert_eq!(escape("R&D &amp;", false), "R&D \\&amp;");
        assert_eq!(escape("two\nlines", false), "two lines");
        assert_eq!(code_span("a`b"), "``a`b``");
    }
}
