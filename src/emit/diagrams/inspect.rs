//! Reads back a rendered view (SVG as Graphviz writes it) and finds what a reader would see as a
//! fault: text running past its box or out of the picture, two pieces of text on top of each
//! other, an edge label in another colour than its line, a picture far from a page's shape.
//! The build uses it to choose between layouts; the visual regression test asserts on it.

use super::geometry::{boxes_meet, dist, inside, line_box, line_hits_box, overlap, shrink, Pt, SLACK};
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
    /// Byte range of the `<text ...>` tag in the SVG, so that it can be moved.
    pub tag: (usize, usize),
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
    /// An edge's lines as polylines, its Bezier curves sampled (empty for other groups).
    pub lines: Vec<Vec<[f64; 2]>>,
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
                        groups.push(Group {
                            part,
                            title: String::new(),
                            bbox: None,
                            stroke: None,
                            texts: Vec::new(),
                            lines: Vec::new(),
                        });
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
                    if g.part == Part::Edge && name == "path" {
                        if let Some(d) = attr(tag, "d") {
                            g.lines.push(sample_path(&d));
                        }
                    }
                }
            }
            "text" => {
                if let (Some(i), Some(close)) = (current, after.find("</text>")) {
                    let content = unescape(&after[..close]);
                    if !content.trim().is_empty() {
                        let mut t = text_box(tag, content);
                        let at = rest.as_ptr() as usize - svg.as_ptr() as usize;
                        t.tag = (at, at + end + 1);
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
    Text { content, fill: attr(tag, "fill").unwrap_or_else(|| "black".to_string()), bbox, tag: (0, 0) }
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

/// Points on a path as Graphviz writes it (`M x,y C` followed by cubic Bezier segments, three
/// points each), each segment sampled at [`SAMPLES`] steps.
fn sample_path(d: &str) -> Vec<[f64; 2]> {
    let v = numbers(d);
    let pts: Vec<[f64; 2]> = v.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
    let Some(&start) = pts.first() else { return Vec::new() };
    if !d.contains('C') && !d.contains('c') {
        return pts;
    }
    let mut out = vec![start];
    let mut from = start;
    for seg in pts[1..].chunks_exact(3) {
        let (c1, c2, to) = (seg[0], seg[1], seg[2]);
        for i in 1..=SAMPLES {
            let t = i as f64 / SAMPLES as f64;
            let u = 1.0 - t;
            let (a, b, c, e) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            out.push([
                a * from[0] + b * c1[0] + c * c2[0] + e * to[0],
                a * from[1] + b * c1[1] + c * c2[1] + e * to[1],
            ]);
        }
        from = to;
    }
    out
}

/// Steps per Bezier segment: fine enough that a sampled line strays under a point from the curve
/// at the sizes Graphviz draws.
const SAMPLES: usize = 12;

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
    /// An edge's line runs through an edge label (its own or another's): the label is hard to read
    /// and seems to belong to the line through it.
    EdgeThroughLabel { edge: String, text: String },
    /// An edge's line runs through a zone's title or trust line.
    EdgeThroughTitle { edge: String, text: String },
    /// An edge's line runs along a zone's border for `length` points: the reader cannot tell the
    /// line from the border.
    EdgeAlongBorder { edge: String, zone: String, length: f64 },
    /// An edge label lies across a zone's border.
    LabelOnBorder { text: String, zone: String },
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
            Fault::EdgeThroughLabel { edge, text } => write!(f, "edge `{edge}` runs through the label `{text}`"),
            Fault::EdgeThroughTitle { edge, text } => write!(f, "edge `{edge}` runs through the zone title `{text}`"),
            Fault::EdgeAlongBorder { edge, zone, length } => {
                write!(f, "edge `{edge}` runs {length:.0} pt along the border of zone `{zone}`")
            }
            Fault::LabelOnBorder { text, zone } => write!(f, "label `{text}` lies on the border of zone `{zone}`"),
        }
    }
}

impl Picture {
    /// Whether two zone boxes cross each other (rather than one holding the other).
    pub fn zones_cross(&self) -> bool {
        let zones: Vec<[f64; 4]> =
            self.groups.iter().filter(|g| g.part == Part::Cluster).filter_map(|g| g.bbox).collect();
        let holds = |a: &[f64; 4], b: &[f64; 4]| a[0] <= b[0] && a[1] <= b[1] && a[2] >= b[2] && a[3] >= b[3];
        zones.iter().enumerate().any(|(i, a)| {
            zones[i + 1..].iter().any(|b| {
                let meet = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                meet && !holds(a, b) && !holds(b, a)
            })
        })
    }

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

// ---------------------------------------------------------------------------------------------
// How the edges run: through labels and zone titles, along zone borders, across each other.

/// How far (points) a line may stay from a zone's border and still count as running along it.
const BORDER_NEAR: f64 = 4.0;
/// How long (points) a line may run along a border before it counts: crossing a border at a
/// slant or turning near a corner stays well under it.
const BORDER_RUN: f64 = 36.0;
/// Crossings this close (points) to a line's ends are where edges meet at a shared box, not
/// crossings a reader follows.
const END_ZONE: f64 = 10.0;
/// An edge longer than this many diagonals of the picture wanders across it.
pub const LONG_EDGE: f64 = 1.5;
/// An edge longer than this many times the distance between its ends (and [`LOOP_MIN`] points
/// longer) loops around something in its way.
pub const LOOP_FACTOR: f64 = 2.5;
const LOOP_MIN: f64 = 150.0;

/// Counts of how the edges of a picture run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Routing {
    /// Edges through labels, zone titles, along borders; labels on borders (see [`Fault`]).
    pub faults: Vec<Fault>,
    /// Points where two edges' lines cross.
    pub crossings: usize,
    /// Edges longer than [`LONG_EDGE`] diagonals of the picture.
    pub long_edges: usize,
    /// Edges more than [`LOOP_FACTOR`] times as long as the distance between their ends.
    pub loops: usize,
}

fn length(line: &[Pt]) -> f64 {
    line.windows(2).map(|w| dist(w[0], w[1])).sum()
}

/// Where segments `a` and `b` cross, if they do (touching ends count once, from the half-open
/// segment `[start, end)`).
fn crossing(a: (Pt, Pt), b: (Pt, Pt)) -> Option<Pt> {
    let r = [a.1[0] - a.0[0], a.1[1] - a.0[1]];
    let s = [b.1[0] - b.0[0], b.1[1] - b.0[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den.abs() < 1e-9 {
        return None;
    }
    let w = [b.0[0] - a.0[0], b.0[1] - a.0[1]];
    let t = (w[0] * s[1] - w[1] * s[0]) / den;
    let u = (w[0] * r[1] - w[1] * r[0]) / den;
    ((0.0..1.0).contains(&t) && (0.0..1.0).contains(&u)).then(|| [a.0[0] + t * r[0], a.0[1] + t * r[1]])
}

/// The longest stretch (points) of `line` within [`BORDER_NEAR`] of one side of the box.
fn run_along(line: &[Pt], b: &[f64; 4]) -> f64 {
    let near = |p: Pt, side: usize| -> bool {
        let n = BORDER_NEAR;
        match side {
            0 | 2 => (p[0] - b[side]).abs() <= n && p[1] >= b[1] - n && p[1] <= b[3] + n,
            _ => (p[1] - b[side]).abs() <= n && p[0] >= b[0] - n && p[0] <= b[2] + n,
        }
    };
    let mut best: f64 = 0.0;
    for side in 0..4 {
        let mut run = 0.0;
        for w in line.windows(2) {
            if near(w[0], side) && near(w[1], side) {
                run += dist(w[0], w[1]);
                best = best.max(run);
            } else {
                run = 0.0;
            }
        }
    }
    best
}

impl Picture {
    /// How the edges run: faults a reader sees (lines through labels and zone titles, lines along
    /// zone borders, labels on borders) and counts of crossings, long edges and loops.
    pub fn routing(&self) -> Routing {
        let mut out = Routing::default();
        let edges: Vec<&Group> = self.groups.iter().filter(|g| g.part == Part::Edge && !g.lines.is_empty()).collect();
        let zones: Vec<(&Group, [f64; 4])> =
            self.groups.iter().filter(|g| g.part == Part::Cluster).filter_map(|g| Some((g, g.bbox?))).collect();
        let zone_name = |g: &Group| g.texts.first().map_or_else(|| g.title.clone(), |t| t.content.clone());
        let labels: Vec<&Text> = edges.iter().flat_map(|g| &g.texts).collect();
        let diagonal = dist([self.area[0], self.area[1]], [self.area[2], self.area[3]]);
        for e in &edges {
            for line in &e.lines {
                for t in &labels {
                    if line_hits_box(line, &shrink(&t.bbox, SLACK)) {
                        out.faults.push(Fault::EdgeThroughLabel { edge: e.title.clone(), text: t.content.clone() });
                    }
                }
                for (z, b) in &zones {
                    for t in &z.texts {
                        if line_hits_box(line, &shrink(&t.bbox, SLACK)) {
                            out.faults.push(Fault::EdgeThroughTitle { edge: e.title.clone(), text: t.content.clone() });
                        }
                    }
                    let run = run_along(line, b);
                    if run > BORDER_RUN {
                        out.faults.push(Fault::EdgeAlongBorder {
                            edge: e.title.clone(),
                            zone: zone_name(z),
                            length: run,
                        });
                    }
                }
                let len = length(line);
                if len > LONG_EDGE * diagonal {
                    out.long_edges += 1;
                }
                if let (Some(a), Some(b)) = (line.first(), line.last()) {
                    if len > LOOP_FACTOR * dist(*a, *b) && len > dist(*a, *b) + LOOP_MIN {
                        out.loops += 1;
                    }
                }
            }
        }
        for t in &labels {
            for (z, b) in &zones {
                if overlap(&t.bbox, b) && !inside(&t.bbox, b) {
                    out.faults.push(Fault::LabelOnBorder { text: t.content.clone(), zone: zone_name(z) });
                }
            }
        }
        let lines: Vec<(&Vec<Pt>, [f64; 4])> = edges.iter().flat_map(|e| &e.lines).map(|l| (l, line_box(l))).collect();
        for (i, (a, ab)) in lines.iter().enumerate() {
            for (b, bb) in &lines[i + 1..] {
                if !boxes_meet(ab, bb) {
                    continue;
                }
                let ends = [a[0], a[a.len() - 1], b[0], b[b.len() - 1]];
                for sa in a.windows(2) {
                    for sb in b.windows(2) {
                        if let Some(p) = crossing((sa[0], sa[1]), (sb[0], sb[1])) {
                            if ends.iter().all(|e| dist(*e, p) > END_ZONE) {
                                out.crossings += 1;
                            }
                        }
                    }
                }
            }
        }
        out
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
    fn zones_that_cross_are_told_from_zones_that_nest() {
        let svg = |second: &str| {
            format!(
                r#"<svg width="200pt" height="120pt"><g class="graph"><g class="cluster"><title>cluster_a</title><path d="M0,0 L100,0 L100,-100 L0,-100"/></g><g class="cluster"><title>cluster_b</title><polygon points="{second}"/></g></g></svg>"#
            )
        };
        let nested = parse(&svg("10,-10 50,-10 50,-50 10,-50")).unwrap();
        assert_eq!(nested.groups.iter().filter(|g| g.part == Part::Cluster && g.bbox.is_some()).count(), 2);
        assert!(!nested.zones_cross());
        assert!(parse(&svg("50,-10 150,-10 150,-50 50,-50")).unwrap().zones_cross());
        assert!(!parse(&svg("110,-10 150,-10 150,-50 110,-50")).unwrap().zones_cross(), "apart");
    }

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

    #[test]
    fn lines_along_borders_labels_on_borders_and_crossings_are_counted() {
        let svg = r##"<svg width="300pt" height="200pt" viewBox="0 0 300 200">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 196)">
<g id="clust1" class="cluster"><title>cluster_zone_1</title>
<polygon fill="#eee" stroke="#000" points="50,-20 250,-20 250,-150 50,-150 50,-20"/>
<text xml:space="preserve" text-anchor="start" x="56" y="-138" font-family="Arial" font-size="12.00">Zone</text>
</g>
<g id="edge1" class="edge"><title>a&#45;&gt;b</title>
<path fill="none" stroke="#000" d="M60,-152C100,-152 150,-152 200,-152"/>
<text xml:space="preserve" text-anchor="middle" x="250" y="-60" font-family="Arial" font-size="9.00" fill="#000">https</text>
</g>
<g id="edge2" class="edge"><title>c&#45;&gt;d</title>
<path fill="none" stroke="#000" d="M100,-100C120,-80 140,-60 160,-40"/>
</g>
<g id="edge3" class="edge"><title>e&#45;&gt;f</title>
<path fill="none" stroke="#000" d="M100,-40C120,-60 140,-80 160,-100"/>
</g>
</g></svg>"##;
        let r = parse(svg).unwrap().routing();
        assert!(
            r.faults
                .iter()
                .any(|f| matches!(f, Fault::EdgeAlongBorder { edge, length, .. } if edge == "a->b" && *length > 100.0)),
            "{:?}",
            r.faults
        );
        assert!(
            r.faults.iter().any(|f| matches!(f, Fault::LabelOnBorder { text, .. } if text == "https")),
            "{:?}",
            r.faults
        );
        assert_eq!(r.crossings, 1);
        assert_eq!((r.long_edges, r.loops), (0, 0));
    }
}
