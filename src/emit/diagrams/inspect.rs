//! Reads back a rendered view (SVG as Graphviz writes it) and finds what a reader would see as a
//! fault: text running past its box or out of the picture, two pieces of text on top of each
//! other, an edge label in another colour than its line, a picture far from a page's shape.
//! The build uses it to choose between layouts; the visual regression test asserts on it.

use super::text;

/// Widest ratio of the long side to the short side a view may have.
pub const MAX_ASPECT: f64 = 3.0;

/// What a group of the SVG draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The graph itself: title and legend.
    Graph,
    Cluster,
    Node,
    Edge,
}

/// One `<text>` with its box in SVG coordinates.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub content: String,
    pub fill: String,
    /// `[left, top, right, bottom]`.
    pub bbox: [f64; 4],
}

/// A node, cluster, edge or the graph: its outline and its texts.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub part: Part,
    /// The `<title>`: the node id, `a->b` for an edge.
    pub title: String,
    /// Union of the outlines drawn (none for a graph without shapes).
    pub bbox: Option<[f64; 4]>,
    /// Stroke colour of the first line drawn (an edge's path).
    pub stroke: Option<String>,
    pub texts: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub width: f64,
    pub height: f64,
    /// The drawable area in the coordinates of the groups.
    pub area: [f64; 4],
    pub groups: Vec<Group>,
}

/// Parses an SVG written by Graphviz; `None` when it is not one.
pub fn parse(svg: &str) -> Option<Picture> {
    let head = &svg[svg.find("<svg")?..];
    let width = number_attr(head, "width")?;
    let height = number_attr(head, "height")?;
    let mut groups: Vec<Group> = Vec::new();
    // For each open `<g>`, the index of the group it starts (or None for a wrapper).
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut current: Option<usize> = None;
    let mut translate = (0.0, 0.0);
    let mut rest = head;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        let end = rest.find('>')?;
        let tag = &rest[1..end];
        let after = &rest[end + 1..];
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        match name {
            "g" => {
                let class = attr(tag, "class");
                let part = match class.as_deref() {
                    Some("graph") => Some(Part::Graph),
                    Some("cluster") => Some(Part::Cluster),
                    Some("node") => Some(Part::Node),
                    Some("edge") => Some(Part::Edge),
                    _ => None,
                };
                if part == Some(Part::Graph) {
                    if let Some(t) = attr(tag, "transform") {
                        translate = parse_translate(&t);
                    }
                }
                match part {
                    Some(part) => {
                        groups.push(Group { part, title: String::new(), bbox: None, stroke: None, texts: Vec::new() });
                        open.push(Some(groups.len() - 1));
                        current = Some(groups.len() - 1);
                    }
                    None => open.push(None),
                }
            }
            "/g" => {
                if let Some(Some(_)) = open.pop() {
                    current = open.iter().rev().find_map(|g| *g);
                }
            }
            "title" => {
                if let (Some(i), Some(close)) = (current, after.find("</title>")) {
                    if groups[i].title.is_empty() {
                        groups[i].title = unescape(&after[..close]);
                    }
                }
            }
            "path" | "polygon" | "polyline" | "ellipse" => {
                if let Some(i) = current {
                    let g = &mut groups[i];
                    let is_backdrop = g.part == Part::Graph && attr(tag, "fill").as_deref() == Some("white");
                    if let Some(b) = shape_bbox(name, tag).filter(|_| !is_backdrop) {
                        g.bbox = Some(match g.bbox {
                            Some(a) => [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])],
                            None => b,
                        });
                    }
                    if g.stroke.is_none() && name == "path" {
                        g.stroke = attr(tag, "stroke");
                    }
                }
            }
            "text" => {
                if let (Some(i), Some(close)) = (current, after.find("</text>")) {
                    let content = unescape(&after[..close]);
                    if !content.trim().is_empty() {
                        let t = text_box(tag, content);
                        groups[i].texts.push(t);
                    }
                }
            }
            _ => {}
        }
        rest = after;
    }
    let area = [-translate.0, -translate.1, width - translate.0, height - translate.1];
    Some(Picture { width, height, area, groups })
}

fn text_box(tag: &str, content: String) -> Text {
    let num = |k: &str| attr(tag, k).and_then(|v| v.parse::<f64>().ok());
    let (x, y) = (num("x").unwrap_or(0.0), num("y").unwrap_or(0.0));
    let size = num("font-size").unwrap_or(14.0);
    let bold = attr(tag, "font-weight").is_some_and(|w| w == "bold");
    // Leading and trailing spaces are kept by `xml:space="preserve"` but draw nothing.
    let lead = content.len() - content.trim_start().len();
    let lead_w = text::width(&content[..lead], size, bold);
    let w = text::width(&content, size, bold);
    let shown = text::width(content.trim(), size, bold);
    let left = match attr(tag, "text-anchor").as_deref() {
        Some("middle") => x - w / 2.0,
        Some("end") => x - w,
        _ => x,
    } + lead_w;
    // Arial's capitals rise 0.72 em; descenders reach 0.21 em below the baseline.
    let bbox = [left, y - 0.72 * size, left + shown, y + 0.21 * size];
    Text { content, fill: attr(tag, "fill").unwrap_or_else(|| "black".to_string()), bbox }
}

/// The value of `key="..."` in a tag.
fn attr(tag: &str, key: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(key) {
        let at = from + i;
        let before_ok = at == 0 || tag[..at].ends_with(char::is_whitespace);
        let rest = &tag[at + key.len()..];
        if before_ok {
            if let Some(v) = rest.strip_prefix("=\"") {
                return v.find('"').map(|e| v[..e].to_string());
            }
        }
        from = at + key.len();
    }
    None
}

fn number_attr(tag: &str, key: &str) -> Option<f64> {
    let v = attr(&tag[..tag.find('>')?], key)?;
    v.trim_end_matches("pt").trim_end_matches("px").parse().ok()
}

fn parse_translate(t: &str) -> (f64, f64) {
    let Some(i) = t.find("translate(") else { return (0.0, 0.0) };
    let inner = &t[i + 10..];
    let inner = &inner[..inner.find(')').unwrap_or(inner.len())];
    let v: Vec<f64> = inner.split([' ', ',']).filter_map(|s| s.parse().ok()).collect();
    (v.first().copied().unwrap_or(0.0), v.get(1).copied().unwrap_or(0.0))
}

fn numbers(s: &str) -> Vec<f64> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
        .filter_map(|t| t.parse::<f64>().ok())
        .collect()
}

fn shape_bbox(name: &str, tag: &str) -> Option<[f64; 4]> {
    if name == "ellipse" {
        let n = |k: &str| attr(tag, k).and_then(|v| v.parse::<f64>().ok());
        let (cx, cy, rx, ry) = (n("cx")?, n("cy")?, n("rx")?, n("ry")?);
        return Some([cx - rx, cy - ry, cx + rx, cy + ry]);
    }
    let coords = if name == "path" { attr(tag, "d")? } else { attr(tag, "points")? };
    let v = numbers(&coords);
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in v.chunks_exact(2) {
        b = [b[0].min(p[0]), b[1].min(p[1]), b[2].max(p[0]), b[3].max(p[1])];
    }
    (b[0] <= b[2]).then_some(b)
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(semi) = tail.find(';').filter(|s| *s < 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=semi]),
        }
        rest = &tail[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// Points a text may pass its box, and two texts may touch, before it counts: the engine and
/// the font round differently.
const SLACK: f64 = 1.0;

fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] + SLACK < b[2] && b[0] + SLACK < a[2] && a[1] + SLACK < b[3] && b[1] + SLACK < a[3]
}

fn inside(t: &[f64; 4], b: &[f64; 4]) -> bool {
    t[0] >= b[0] - SLACK && t[1] >= b[1] - SLACK && t[2] <= b[2] + SLACK && t[3] <= b[3] + SLACK
}

/// One thing wrong with a picture, said so that a test failure explains itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// A node's or zone's text runs past its outline.
    Overflow { group: String, text: String },
    /// Text outside the picture.
    OutOfPicture { text: String },
    /// Two texts on top of each other.
    Overlap { a: String, b: String },
    /// An edge label not in its line's colour.
    LabelColour { edge: String, text: String, fill: String, stroke: String },
    /// Text cut short with an ellipsis: the reader loses what it said.
    Cut { text: String },
    /// Long side over [`MAX_ASPECT`] times the short side.
    Aspect { width: f64, height: f64 },
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Overflow { group, text } => write!(f, "text `{text}` runs past the box of `{group}`"),
            Fault::OutOfPicture { text } => write!(f, "text `{text}` lies outside the picture"),
            Fault::Overlap { a, b } => write!(f, "texts `{a}` and `{b}` overlap"),
            Fault::LabelColour { edge, text, fill, stroke } => {
                write!(f, "label `{text}` of edge `{edge}` is {fill} on a {stroke} line")
            }
            Fault::Cut { text } => write!(f, "text `{text}` is cut short"),
            Fault::Aspect { width, height } => {
                write!(f, "picture {width:.0}x{height:.0} pt is wider than {MAX_ASPECT}:1")
            }
        }
    }
}

impl Picture {
    /// Long side over short side.
    pub fn aspect(&self) -> f64 {
        let (a, b) = (self.width.max(self.height), self.width.min(self.height).max(1.0));
        a / b
    }

    /// Every fault of the picture, in document order.
    pub fn faults(&self) -> Vec<Fault> {
        let mut out = Vec::new();
        for g in &self.groups {
            for t in &g.texts {
                if matches!(g.part, Part::Node | Part::Cluster) {
                    if let Some(b) = &g.bbox {
                        if !inside(&t.bbox, b) {
                            out.push(Fault::Overflow { group: g.title.clone(), text: t.content.clone() });
                        }
                    }
                }
                if t.content.contains('…') {
                    out.push(Fault::Cut { text: t.content.clone() });
                }
                if !inside(&t.bbox, &self.area) {
                    out.push(Fault::OutOfPicture { text: t.content.clone() });
                }
                if g.part == Part::Edge {
                    if let Some(stroke) = &g.stroke {
                        if !t.fill.eq_ignore_ascii_case(stroke) {
                            out.push(Fault::LabelColour {
                                edge: g.title.clone(),
                                text: t.content.clone(),
                                fill: t.fill.clone(),
                                stroke: stroke.clone(),
                            });
                        }
                    }
                }
            }
        }
        out.extend(
            self.overlaps().into_iter().map(|(a, b)| Fault::Overlap { a: a.content.clone(), b: b.content.clone() }),
        );
        if self.aspect() > MAX_ASPECT {
            out.push(Fault::Aspect { width: self.width, height: self.height });
        }
        out
    }

    /// Pairs of texts that overlap (sorted by left edge, so the scan stays near linear).
    pub fn overlaps(&self) -> Vec<(&Text, &Text)> {
        let mut all: Vec<&Text> = self.groups.iter().flat_map(|g| &g.texts).collect();
        all.sort_by(|a, b| a.bbox[0].total_cmp(&b.bbox[0]));
        let mut out = Vec::new();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                if b.bbox[0] >= a.bbox[2] {
                    break;
                }
                if overlap(&a.bbox, &b.bbox) {
                    out.push((*a, *b));
                }
            }
        }
        out
    }

    /// How bad the picture is for choosing between layouts: faults first, then how far it is from
    /// a page's shape.
    /// `(weighted faults, faults in the text alone, distance from a page's shape in thousandths)`.
    pub fn badness(&self) -> (usize, usize, u64) {
        let faults = self.faults().iter().filter(|f| !matches!(f, Fault::Aspect { .. })).count();
        let shape = (self.aspect() / std::f64::consts::SQRT_2).max(std::f64::consts::SQRT_2 / self.aspect());
        (faults + usize::from(self.aspect() > MAX_ASPECT) * 10, faults, (shape * 1000.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg width="200pt" height="100pt" viewBox="0 0 200 100">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 96)">
<title>g</title>
<polygon fill="white" stroke="none" points="-4,4 -4,-96 196,-96 196,4 -4,4"/>
<g id="node1" class="node"><title>a</title>
<g id="a_node1"><a xlink:title="a"><polygon fill="#eee" stroke="#000" points="0,-10 60,-10 60,-40 0,-40 0,-10"/>
<text xml:space="preserve" text-anchor="middle" x="30" y="-22" font-family="Arial" font-size="11.00">A very long title here</text>
</a></g></g>
<g id="edge1" class="edge"><title>a&#45;&gt;b</title>
<path fill="none" stroke="#dc2626" d="M60,-25C80,-25 100,-25 120,-25"/>
<text xml:space="preserve" text-anchor="middle" x="90" y="-30" font-family="Arial" font-size="9.00" fill="#15803d">tls</text>
<text xml:space="preserve" text-anchor="middle" x="91" y="-31" font-family="Arial" font-size="9.00" fill="#dc2626">tls</text>
</g>
</g></svg>"##;

    #[test]
    fn faults_are_found_from_the_geometry() {
        let p = parse(SVG).unwrap();
        assert_eq!(p.groups.len(), 3);
        assert_eq!(p.groups[2].title, "a->b");
        assert_eq!(p.groups[2].stroke.as_deref(), Some("#dc2626"));
        let faults = p.faults();
        assert!(faults.iter().any(|f| matches!(f, Fault::Overflow { group, .. } if group == "a")), "{faults:?}");
        assert!(faults.iter().any(|f| matches!(f, Fault::LabelColour { fill, .. } if fill == "#15803d")), "{faults:?}");
        assert!(faults.iter().any(|f| matches!(f, Fault::Overlap { .. })), "{faults:?}");
        assert!(!faults.iter().any(|f| matches!(f, Fault::Aspect { .. })), "2:1 is within bounds");
    }

    #[test]
    fn a_clean_picture_has_no_faults() {
        let clean = SVG
            .replace("A very long title here", "A")
            .replace("fill=\"#15803d\">tls", "fill=\"#dc2626\">tls")
            .replace("x=\"91\" y=\"-31\"", "x=\"91\" y=\"-60\"");
        let p = parse(&clean).unwrap();
        assert_eq!(p.faults(), vec![]);
        let wide = clean.replace("height=\"100pt\"", "height=\"50pt\"").replace("width=\"200pt\"", "width=\"400pt\"");
        assert!(parse(&wide).unwrap().faults().iter().any(|f| matches!(f, Fault::Aspect { .. })));
    }
}
