//! Renders the document tree as one self-contained HTML page: inline CSS (light and dark through
//! `prefers-color-scheme`), inline SVG diagrams, a table of contents and an anchor per element.

use super::doc::{Block, Document, Inline, Item, Rich};

const CSS: &str = include_str!("report.css");

pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str("<meta name=\"generator\" content=\"archc\">\n");
    let page_title = match &doc.subject {
        Some(s) => format!("{s} \u{2014} {}", doc.title),
        None => doc.title.clone(),
    };
    out.push_str(&format!("<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n", escape(&page_title)));
    out.push_str("<div class=\"layout\">\n");
    toc(&mut out, doc);
    out.push_str("<main>\n");
    out.push_str(&format!("<h1 id=\"top\">{}</h1>\n", escape(&doc.title)));
    for b in &doc.blocks {
        block(&mut out, b);
    }
    out.push_str("</main>\n</div>\n</body>\n</html>\n");
    out
}

fn toc(out: &mut String, doc: &Document) {
    let entries = doc.toc();
    if entries.is_empty() {
        return;
    }
    out.push_str(
        "<nav class=\"toc\" aria-label=\"Contents\">\n<p class=\"toc-title\"><a href=\"#top\">Contents</a></p>\n<ol>\n",
    );
    let mut open_sub = false;
    let mut open_item = false;
    for (level, text, id) in entries {
        if level == 2 {
            if open_sub {
                out.push_str("</ol>");
                open_sub = false;
            }
            if open_item {
                out.push_str("</li>\n");
            }
            out.push_str(&format!("<li><a href=\"#{}\">{}</a>", escape(id), escape(text)));
            open_item = true;
        } else {
            if !open_sub {
                out.push_str("<ol>");
                open_sub = true;
            }
            out.push_str(&format!("<li><a href=\"#{}\">{}</a></li>", escape(id), escape(text)));
        }
    }
    if open_sub {
        out.push_str("</ol>");
    }
    if open_item {
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</nav>\n");
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Heading { level, text, id } => {
            let l = (*level).clamp(1, 6);
            out.push_str(&format!("<h{l} id=\"{}\">{}</h{l}>\n", escape(id), escape(text)));
        }
        Block::Para(r) => {
            out.push_str("<p>");
            out.push_str(&rich(r));
            out.push_str("</p>\n");
        }
        Block::List { ordered, items } => list(out, *ordered, items),
        Block::Table { head, rows } => {
            out.push_str("<div class=\"table-wrap\"><table>\n<thead><tr>");
            for h in head {
                out.push_str(&format!("<th>{}</th>", escape(h)));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
                // The first anchor of a row identifies the row, so that `:target` can highlight it.
                let row_id = row.iter().flatten().find_map(|i| match i {
                    Inline::Anchor(id) => Some(id.clone()),
                    _ => None,
                });
                match &row_id {
                    Some(id) => out.push_str(&format!("<tr id=\"{}\">", escape(id))),
                    None => out.push_str("<tr>"),
                }
                for c in row {
                    let cell: Rich = c
                        .iter()
                        .filter(|i| !matches!(i, Inline::Anchor(id) if Some(id) == row_id.as_ref()))
                        .cloned()
                        .collect();
                    out.push_str("<td>");
                    out.push_str(&rich(&cell));
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table></div>\n");
        }
        Block::Code(text) => {
            out.push_str("<pre><code>");
            out.push_str(&escape(text));
            out.push_str("</code></pre>\n");
        }
        Block::Diagram { name, title, svg, error } => {
            out.push_str(&format!("<figure class=\"diagram\" id=\"diagram-{}\">\n", escape(name)));
            match svg {
                Some(svg) => {
                    out.push_str("<div class=\"canvas\">\n");
                    out.push_str(&embed_svg(name, title, svg));
                    out.push_str("\n</div>\n");
                }
                None => {
                    out.push_str(&format!(
                        "<p class=\"diagram-error\">{}</p>\n",
                        escape(&super::diagram_failure(title, error.as_deref()))
                    ));
                }
            }
            let svg_link = match svg {
                Some(_) => format!("<a href=\"diagrams/{}.svg\">SVG</a>, ", escape(name)),
                None => String::new(),
            };
            out.push_str(&format!(
                "<figcaption>{} ({svg_link}<a href=\"diagrams/{}.dot\">DOT source</a>)</figcaption>\n</figure>\n",
                escape(title),
                escape(name)
            ));
        }
    }
}

fn list(out: &mut String, ordered: bool, items: &[Item]) {
    out.push_str(if ordered { "<ol>\n" } else { "<ul>\n" });
    for it in items {
        out.push_str("<li>");
        out.push_str(&rich(&it.text));
        for c in &it.children {
            out.push('\n');
            block(out, c);
        }
        out.push_str("</li>\n");
    }
    out.push_str(if ordered { "</ol>\n" } else { "</ul>\n" });
}

fn rich(r: &Rich) -> String {
    let mut s = String::new();
    for inl in r {
        match inl {
            Inline::Text(t) => s.push_str(&escape(t)),
            Inline::Strong(t) => s.push_str(&format!("<strong>{}</strong>", escape(t))),
            Inline::Em(t) => s.push_str(&format!("<em>{}</em>", escape(t))),
            Inline::Code(t) => s.push_str(&format!("<code>{}</code>", escape(t))),
            Inline::Link { text, href, code } => {
                let label = if *code { format!("<code>{}</code>", escape(text)) } else { escape(text) };
                s.push_str(&format!("<a href=\"{}\">{label}</a>", escape(href)));
            }
            Inline::Anchor(id) => s.push_str(&format!("<span id=\"{}\"></span>", escape(id))),
        }
    }
    s
}

/// Escapes text for element content and double-quoted attribute values.
pub fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for ch in t.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Prepares an SVG for inlining: drops the XML prolog, doctype and comments before the root
/// element, and prefixes the ids it defines (and the references to them) with the diagram's name,
/// so that several diagrams on one page cannot clash. An SVG that carries script or foreign content
/// is embedded as an image instead, where nothing in it can run.
fn embed_svg(name: &str, title: &str, svg: &str) -> String {
    let lower = svg.to_ascii_lowercase();
    let Some(start) = lower.find("<svg") else {
        return format!(
            "<p class=\"diagram-error\">{}</p>",
            escape(&super::diagram_failure(title, Some("not an SVG document")))
        );
    };
    if lower.contains("<script") || lower.contains("<foreignobject") || lower.contains("javascript:") {
        return format!("<img alt=\"{}\" src=\"data:image/svg+xml;base64,{}\">", escape(title), base64(svg.as_bytes()));
    }
    let body = svg[start..].trim_end();
    let prefix = format!("d-{}-", id_safe(name));
    let ids = defined_ids(body);
    // One linear pass: rewrite `id="X"`, `url(#X)` and `href="#X"` for ids X defined here.
    const LEADS: [&str; 3] = [" id=\"", "url(#", "href=\"#"];
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len() + ids.len() * prefix.len() * 2);
    let (mut i, mut copied) = (0, 0);
    while i < bytes.len() {
        let lead = match bytes[i] {
            b' ' | b'u' | b'h' => LEADS.iter().find(|l| body[i..].starts_with(**l)),
            _ => None,
        };
        let Some(lead) = lead else {
            i += 1;
            continue;
        };
        let id_start = i + lead.len();
        let id_end = body[id_start..].find(['"', ')', '\'']).map_or(bytes.len(), |e| id_start + e);
        if ids.contains(&body[id_start..id_end]) {
            out.push_str(&body[copied..id_start]);
            out.push_str(&prefix);
            copied = id_start;
        }
        i = id_end;
    }
    out.push_str(&body[copied..]);
    legible(out)
}

/// Gives the root `<svg>` a minimum width of 60% of its natural width (Graphviz writes it in pt),
/// so that a wide diagram scrolls rather than shrinking to unreadable text.
fn legible(svg: String) -> String {
    let Some(tag_end) = svg.find('>') else { return svg };
    let tag = &svg[..tag_end];
    if tag.contains(" style=") {
        return svg;
    }
    let Some(w) = tag.find(" width=\"").map(|p| &tag[p + 8..]) else { return svg };
    let num: String = w.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let unit = &w[num.len()..];
    let Ok(n) = num.parse::<f64>() else { return svg };
    let px = if unit.starts_with("pt") {
        n * 4.0 / 3.0
    } else if unit.starts_with("px") || unit.starts_with('"') {
        n
    } else {
        return svg;
    };
    format!("<svg style=\"min-width:{}px\"{}", (px * 0.6).round() as u64, &svg[4..])
}

fn defined_ids(svg: &str) -> std::collections::BTreeSet<&str> {
    let mut ids = std::collections::BTreeSet::new();
    let mut rest = svg;
    while let Some(p) = rest.find(" id=\"") {
        let tail = &rest[p + 5..];
        let end = tail.find('"').unwrap_or(tail.len());
        ids.insert(&tail[..end]);
        rest = &tail[end..];
    }
    ids
}

fn id_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn svg_ids_are_prefixed_and_prolog_dropped() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg><g id=\"node1\"><path fill=\"url(#g1)\"/></g>\
                   <linearGradient id=\"g1\"/><a href=\"#el-orders\"/></svg>\n";
        let out = embed_svg("context", "Context", svg);
        assert!(out.starts_with("<svg>"));
        assert_eq!(
            legible("<svg width=\"1000pt\" height=\"10pt\"></svg>".into()),
            "<svg style=\"min-width:800px\" width=\"1000pt\" height=\"10pt\"></svg>"
        );
        assert!(out.contains("id=\"d-context-node1\""));
        assert!(out.contains("url(#d-context-g1)"));
        assert!(out.contains("href=\"#el-orders\""), "{out}");
    }

    #[test]
    fn scripted_svg_becomes_an_image() {
        let out = embed_svg("x", "X", "<svg><script>alert(1)</script></svg>");
        assert!(out.starts_with("<img"));
        assert_eq!(base64(b"abcd"), "YWJjZA==");
    }
}
