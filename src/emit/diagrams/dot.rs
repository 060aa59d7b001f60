//! Small helpers over graphviz-rust's DOT structures: identifiers and labels escaped once, here,
//! the shared look (fonts, colours, shapes by kind) and the legend table.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

/// Red used for highlighted findings.
pub const HIGHLIGHT: &str = "#d62728";
/// Light red for what only warnings name.
pub const HIGHLIGHT_LIGHT: &str = "#f87171";

/// How strongly an element or interaction is marked with `--highlight`: by the most severe
/// finding naming it (notes mark nothing, so that a noisy model does not turn red).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Warning,
    Error,
}

impl Mark {
    pub fn color(self) -> &'static str {
        match self {
            Mark::Error => HIGHLIGHT,
            Mark::Warning => HIGHLIGHT_LIGHT,
        }
    }

    pub fn penwidth(self) -> &'static str {
        match self {
            Mark::Error => "3",
            Mark::Warning => "2",
        }
    }
}
pub const FONT: &str = "Arial";

/// A quoted DOT string: backslashes and quotes escaped, newlines as `\n`, other control
/// characters dropped.
pub fn q(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// An HTML-like label from already escaped markup.
pub fn h(markup: &str) -> Id {
    Id::Html(format!("<{markup}>"))
}

/// Text escaped for an HTML-like label (and so for the SVG it becomes).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Breaks text into lines at most `max` points wide in the views' font at `size` points (as the
/// layout engine measures it), escaped and joined by `<br/>`. Nothing is cut.
pub fn wrap(s: &str, size: f64, bold: bool, max: f64) -> String {
    super::text::wrap_lines(s, size, bold, max).iter().map(|l| esc(l)).collect::<Vec<_>>().join("<br/>")
}

/// Widest line of a node's title and of its detail lines, in points.
pub const TITLE_WIDTH: f64 = 150.0;
pub const DETAIL_WIDTH: f64 = 170.0;

pub fn at(key: &str, value: Id) -> Attribute {
    Attribute(Id::Plain(key.to_string()), value)
}

/// An attribute with a quoted string value.
pub fn aq(key: &str, value: &str) -> Attribute {
    at(key, q(value))
}

pub fn node(id: &str, attrs: Vec<Attribute>) -> Stmt {
    Stmt::Node(Node::new(NodeId(q(id), None), attrs))
}

pub fn edge(from: &str, to: &str, attrs: Vec<Attribute>) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(Vertex::N(NodeId(q(from), None)), Vertex::N(NodeId(q(to), None))),
        attributes: attrs,
    })
}

/// A subgraph with a plain identifier (`cluster_3`).
pub fn subgraph(id: &str, stmts: Vec<Stmt>) -> Stmt {
    Stmt::Subgraph(Subgraph { id: Id::Plain(id.to_string()), stmts })
}

pub fn graph_attrs(attrs: Vec<Attribute>) -> Stmt {
    Stmt::GAttribute(GraphAttributes::Graph(attrs))
}

/// A graph attribute statement inside a subgraph (`label=...`).
pub fn set(key: &str, value: Id) -> Stmt {
    Stmt::Attribute(at(key, value))
}

/// The frame every view shares: fonts, spacing, and a graph label holding the title, a subtitle
/// and the legend (so the legend never disturbs the layout).
pub struct Frame<'a> {
    pub name: &'a str,
    pub rankdir: &'a str,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub nodesep: f64,
    pub ranksep: f64,
}

impl Frame<'_> {
    /// The whole graph as DOT: header, body, legend.
    pub fn finish(&self, body: Vec<Stmt>, keys: &[Key], marked: &[Mark]) -> String {
        let mut label = String::from("<table border=\"0\" cellspacing=\"0\" cellpadding=\"2\">");
        label.push_str(&format!(
            "<tr><td align=\"left\"><font point-size=\"20\"><b>{}</b></font></td></tr>",
            esc(self.title)
        ));
        if !self.subtitle.is_empty() {
            label.push_str(&format!(
                "<tr><td align=\"left\"><font point-size=\"11\" color=\"#4b5563\">{}</font></td></tr>",
                wrap(self.subtitle, 11.0, false, 640.0)
            ));
        }
        label.push_str(&format!("<tr><td align=\"left\">{}</td></tr></table>", legend(keys, marked)));
        let mut stmts = vec![
            graph_attrs(vec![
                aq("rankdir", self.rankdir),
                aq("fontname", FONT),
                at("label", h(&label)),
                aq("labelloc", "t"),
                aq("labeljust", "l"),
                aq("splines", "true"),
                aq("nodesep", &format!("{}", self.nodesep)),
                aq("ranksep", &format!("{}", self.ranksep)),
                aq("newrank", "true"),
                // Three times the default effort at ordering nodes within ranks: over the example
                // views 8 fewer crossings (278 -> 270) and 2 fewer lines along zone borders.
                aq("mclimit", "3"),
                aq("pad", "0.3"),
                aq("bgcolor", "white"),
                aq("outputorder", "edgesfirst"),
            ]),
            Stmt::GAttribute(GraphAttributes::Node(vec![
                aq("fontname", FONT),
                aq("fontsize", "11"),
                aq("margin", "0.14,0.07"),
            ])),
            Stmt::GAttribute(GraphAttributes::Edge(vec![
                aq("fontname", FONT),
                aq("fontsize", "9"),
                aq("color", "#4a5568"),
                // A label is written in its line's colour, so that it says the same.
                aq("fontcolor", "#4a5568"),
                aq("arrowsize", "0.7"),
            ])),
        ];
        stmts.extend(body);
        print(self.name, stmts)
    }
}

/// Prints a digraph.
pub fn print(name: &str, stmts: Vec<Stmt>) -> String {
    let g = Graph::DiGraph { id: q(name), strict: false, stmts };
    let mut ctx = PrinterContext::default();
    let mut s = g.print(&mut ctx);
    s.push('\n');
    s
}

/// How a kind of node looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    pub shape: &'static str,
    pub style: &'static str,
    pub fill: &'static str,
    pub stroke: &'static str,
    /// Words for the legend.
    pub name: &'static str,
}

pub const ACTOR: Look = Look {
    shape: "box",
    style: "rounded,filled,bold",
    fill: "#dbeafe",
    stroke: "#1d4ed8",
    name: "actor (person or client)",
};
pub const EXTERNAL: Look =
    Look { shape: "box", style: "filled,dashed", fill: "#eeeeee", stroke: "#666666", name: "external system" };
pub const COMPONENT: Look =
    Look { shape: "box", style: "rounded,filled", fill: "#e0f2fe", stroke: "#0369a1", name: "component" };
pub const DATASTORE: Look =
    Look { shape: "cylinder", style: "filled", fill: "#fef3c7", stroke: "#b45309", name: "datastore (cylinder)" };
pub const QUEUE: Look =
    Look { shape: "cds", style: "filled", fill: "#f3e8ff", stroke: "#7e22ce", name: "queue (arrow)" };
pub const TOPIC: Look =
    Look { shape: "hexagon", style: "filled", fill: "#f3e8ff", stroke: "#7e22ce", name: "topic (hexagon)" };
pub const CACHE: Look =
    Look { shape: "box3d", style: "filled", fill: "#dcfce7", stroke: "#15803d", name: "cache (3-D box)" };
pub const SYSTEM: Look = Look {
    shape: "box",
    style: "rounded,filled,bold",
    fill: "#bfdbfe",
    stroke: "#1e40af",
    name: "system (our software)",
};
pub const INTERFACE: Look =
    Look { shape: "box", style: "filled", fill: "#ffffff", stroke: "#0369a1", name: "interface" };
pub const GROUP: Look = Look {
    shape: "box",
    style: "rounded,filled,bold",
    fill: "#e0f2fe",
    stroke: "#0369a1",
    name: "group: a team's elements in a zone",
};
pub const DEPLOY_NODE: Look = Look {
    shape: "box",
    style: "filled,bold",
    fill: "#f1f5f9",
    stroke: "#334155",
    name: "deployment node (host, cluster or service)",
};
pub const DATA: Look =
    Look { shape: "note", style: "filled", fill: "#fff7ed", stroke: "#9a3412", name: "data entity (note)" };
pub const EVENT: Look =
    Look { shape: "note", style: "filled,dashed", fill: "#faf5ff", stroke: "#7e22ce", name: "event (dashed note)" };

/// Attributes of a node with this look.
pub fn look_attrs(look: &Look, label: String, marked: Option<Mark>) -> Vec<Attribute> {
    let mut v =
        vec![aq("shape", look.shape), aq("style", look.style), aq("fillcolor", look.fill), at("label", h(&label))];
    if let Some(m) = marked {
        v.push(aq("color", m.color()));
        v.push(aq("penwidth", m.penwidth()));
    } else {
        v.push(aq("color", look.stroke));
    }
    v
}

/// A node label: a bold title and small grey detail lines.
pub fn node_label(title: &str, details: &[String]) -> String {
    let mut s = format!("<b>{}</b>", wrap(title, 11.0, true, TITLE_WIDTH));
    for d in details.iter().filter(|d| !d.is_empty()) {
        s.push_str(&format!(
            "<br/><font point-size=\"9\" color=\"#4b5563\">{}</font>",
            wrap(d, 9.0, false, DETAIL_WIDTH)
        ));
    }
    s
}

/// One line of a legend.
pub enum Key {
    Node(Look),
    /// A line sample: colour, style (`solid`, `dashed`, `dotted`, `bold`), what it means.
    Line(&'static str, &'static str, &'static str),
    /// A coloured swatch for a fill (zones, classifications).
    Fill(&'static str, &'static str, String),
}

/// Legend entries per row.
const LEGEND_ROW: usize = 4;

/// The legend: an HTML-like table of samples and meanings, a few entries per row.
pub fn legend(keys: &[Key], marked: &[Mark]) -> String {
    let mut all: Vec<&Key> = keys.iter().collect();
    let error = Key::Line(HIGHLIGHT, "bold", "named in an error (thick red)");
    let warning = Key::Line(HIGHLIGHT_LIGHT, "solid", "named in a warning (light red; notes not marked)");
    if marked.contains(&Mark::Error) {
        all.push(&error);
    }
    if marked.contains(&Mark::Warning) {
        all.push(&warning);
    }
    let mut cells: Vec<String> = Vec::new();
    for k in all {
        let (sample, text) = match k {
            Key::Node(l) => {
                let border = if l.style.contains("dashed") { " style=\"dashed\"" } else { "" };
                let rounded = if l.style.contains("rounded") { " style=\"rounded\"" } else { "" };
                let style = if border.is_empty() { rounded } else { border };
                (
                    format!(
                        "<td bgcolor=\"{}\" color=\"{}\"{style} width=\"30\" height=\"16\"> </td>",
                        l.fill, l.stroke
                    ),
                    esc(l.name),
                )
            }
            Key::Line(color, style, what) => {
                let (border, style) = match *style {
                    "bold" => ("4", ""),
                    "dashed" => ("3", " style=\"dashed\""),
                    "dotted" => ("3", " style=\"dotted\""),
                    _ => ("2", ""),
                };
                (
                    format!(
                        "<td border=\"{border}\" sides=\"b\" color=\"{color}\"{style} width=\"30\" height=\"8\"></td>"
                    ),
                    esc(what),
                )
            }
            Key::Fill(fill, stroke, what) => {
                (format!("<td bgcolor=\"{fill}\" color=\"{stroke}\" width=\"30\" height=\"16\"> </td>"), esc(what))
            }
        };
        cells.push(format!("{sample}<td border=\"0\" align=\"left\"><font point-size=\"10\">{text}</font></td>"));
    }
    let mut rows = String::new();
    for (i, chunk) in cells.chunks(LEGEND_ROW).enumerate() {
        let head = if i == 0 { "<td border=\"0\" align=\"left\"><b>Legend</b></td>" } else { "<td border=\"0\"></td>" };
        rows.push_str(&format!("<tr>{head}{}</tr>", chunk.concat()));
    }
    format!("<table border=\"0\" cellborder=\"1\" cellspacing=\"4\" cellpadding=\"2\">{rows}</table>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use graphviz_rust::printer::{DotPrinter, PrinterContext};

    #[test]
    fn strings_are_escaped_for_dot_and_html_labels() {
        let id = q("a \"b\" \\ c\nd\u{7}");
        assert_eq!(id.print(&mut PrinterContext::default()), "\"a \\\"b\\\" \\\\ c\\nd\"");
        assert_eq!(esc("<b> & \"q\" 'x'"), "&lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;");
        assert_eq!(wrap("one two three four", 10.0, false, 40.0), "one two<br/>three<br/>four");
        assert_eq!(wrap("<a> <b>", 10.0, false, 20.0), "&lt;a&gt;<br/>&lt;b&gt;");
    }

    #[test]
    fn the_frame_puts_title_and_legend_in_the_graph_label() {
        let f = Frame { name: "x", rankdir: "LR", title: "T <1>", subtitle: "", nodesep: 0.5, ranksep: 1.0 };
        let dot = f.finish(
            vec![node("a", vec![])],
            &[Key::Node(COMPONENT), Key::Line("#000", "dashed", "async")],
            &[Mark::Error],
        );
        assert!(dot.starts_with("digraph \"x\" {"));
        assert!(dot.contains("T &lt;1&gt;") && dot.contains("Legend") && dot.contains("named in an error"));
        assert!(graphviz_pure::render_dot(&dot, "dot", "svg").is_ok());
    }
}
