//! Moves text off the lines after the layout. Graphviz routes edges without regard for zone
//! titles (they lie inside the zone, where edges enter) and now and then through an edge label
//! or along a zone border beside one. Each zone title and edge label that a line crosses, that
//! lies on a zone border or on other text is moved to the nearest free place: a zone title along
//! its zone's top, an edge label around where it was and still beside its own line. The layout
//! is not redone, so this costs a small part of one layout.

use super::geometry::{boxes_meet, dist, inside, line_box, line_hits_box, moved, overlap, shrink, union, Pt};
use super::inspect::{Part, Picture};

/// Farthest (points) an edge label may be moved from where the layout put it.
const REACH: f64 = 60.0;
/// Step (points) of the search for a free place.
const STEP: f64 = 3.0;
/// Farthest (points) a moved edge label may lie from its own line, so that it still reads as
/// that line's label.
const ATTACH: f64 = 12.0;
/// Largest picture (edges) whose text is moved: beyond it the search would cost more than the
/// layout, and such views are overviews read for their shape.
const MAX_EDGES: usize = 400;

/// Text of one zone or edge that moves as one block.
struct Block {
    group: usize,
    /// The zone the block titles (for a zone's title), whose top it must stay in.
    zone: Option<[f64; 4]>,
    bbox: [f64; 4],
}

/// Distance from a point to a box (0 inside).
fn to_box(p: Pt, b: &[f64; 4]) -> f64 {
    let dx = (b[0] - p[0]).max(0.0).max(p[0] - b[2]);
    let dy = (b[1] - p[1]).max(0.0).max(p[1] - b[3]);
    (dx * dx + dy * dy).sqrt()
}

/// Distance from a line to a box, from its points and the middles of its segments.
fn line_to_box(line: &[Pt], b: &[f64; 4]) -> f64 {
    let mut best = f64::INFINITY;
    for w in line.windows(2) {
        let mid = [(w[0][0] + w[1][0]) / 2.0, (w[0][1] + w[1][1]) / 2.0];
        for p in [w[0], mid, w[1]] {
            best = best.min(to_box(p, b));
        }
    }
    best
}

/// The SVG with zone titles and edge labels moved off lines, borders and other text, from the
/// picture parsed from it. Hands the picture back when nothing moved, so that a caller judging
/// the picture need not parse the same SVG again.
pub(super) fn untangle(svg: &str, p: Picture) -> (String, Option<Picture>) {
    let edges = p.groups.iter().filter(|g| g.part == Part::Edge).count();
    if edges > MAX_EDGES {
        return (svg.to_string(), Some(p));
    }
    let moves = plan(&p);
    if moves.is_empty() {
        return (svg.to_string(), Some(p));
    }
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (group, dx, dy) in moves {
        for t in &p.groups[group].texts {
            let tag = &svg[t.tag.0..t.tag.1];
            edits.push((t.tag.0, t.tag.1, shift(tag, dx, dy)));
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(svg.len());
    let mut at = 0;
    for (start, end, tag) in edits {
        out.push_str(&svg[at..start]);
        out.push_str(&tag);
        at = end;
    }
    out.push_str(&svg[at..]);
    (out, None)
}

/// A `<text>` tag with its `x` and `y` moved.
fn shift(tag: &str, dx: f64, dy: f64) -> String {
    let mut out = tag.to_string();
    for (key, by) in [(" x=\"", dx), (" y=\"", dy)] {
        let Some(i) = out.find(key) else { continue };
        let start = i + key.len();
        let Some(len) = out[start..].find('"') else { continue };
        if let Ok(v) = out[start..start + len].parse::<f64>() {
            out.replace_range(start..start + len, &format!("{}", ((v + by) * 100.0).round() / 100.0));
        }
    }
    out
}

/// Which groups' text to move, and by how much.
fn plan(p: &Picture) -> Vec<(usize, f64, f64)> {
    let lines: Vec<(usize, &Vec<Pt>, [f64; 4])> = p
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.part == Part::Edge)
        .flat_map(|(i, g)| g.lines.iter().map(move |l| (i, l, line_box(l))))
        .collect();
    let nodes: Vec<[f64; 4]> = p.groups.iter().filter(|g| g.part == Part::Node).filter_map(|g| g.bbox).collect();
    let zones: Vec<[f64; 4]> = p.groups.iter().filter(|g| g.part == Part::Cluster).filter_map(|g| g.bbox).collect();
    let mut blocks: Vec<Block> = Vec::new();
    // Zone titles first: they may only slide along the top, edge labels can go around them.
    for part in [Part::Cluster, Part::Edge] {
        for (i, g) in p.groups.iter().enumerate().filter(|(_, g)| g.part == part) {
            let Some(bbox) = union(g.texts.iter().map(|t| t.bbox)) else { continue };
            let zone = if part == Part::Cluster { g.bbox } else { None };
            blocks.push(Block { group: i, zone, bbox });
        }
    }
    // Every text's box as it stands, blocks moved as they are moved.
    let mut placed: Vec<[f64; 4]> = blocks.iter().map(|b| b.bbox).collect();
    let others: Vec<[f64; 4]> = p
        .groups
        .iter()
        .filter(|g| matches!(g.part, Part::Node | Part::Graph))
        .flat_map(|g| g.texts.iter().map(|t| t.bbox))
        .collect();
    let free = |k: usize, b: &[f64; 4], placed: &[[f64; 4]]| -> bool {
        let block = &blocks[k];
        let hit = shrink(b, 0.5);
        if lines.iter().any(|(_, l, lb)| boxes_meet(lb, &hit) && line_hits_box(l, &hit)) {
            return false;
        }
        if !inside(b, &p.area) || nodes.iter().any(|n| overlap(b, n)) || others.iter().any(|o| overlap(b, o)) {
            return false;
        }
        if placed.iter().enumerate().any(|(j, o)| j != k && overlap(b, o)) {
            return false;
        }
        match block.zone {
            // A title stays inside its zone and off the zones inside it.
            Some(own) => inside(b, &own) && zones.iter().all(|z| inside(&own, z) || !overlap(b, z)),
            // A label lies wholly inside or outside every zone.
            None => zones.iter().all(|z| inside(b, z) || !overlap(b, z)),
        }
    };
    let mut moves = Vec::new();
    for k in 0..blocks.len() {
        let b = placed[k];
        if free(k, &b, &placed) {
            continue;
        }
        let found = match blocks[k].zone {
            Some(z) => slide_along_top(&b, &z).find(|(dx, dy)| free(k, &moved(&b, *dx, *dy), &placed)),
            None => {
                let own: Vec<&Vec<Pt>> =
                    lines.iter().filter(|(g, _, _)| *g == blocks[k].group).map(|(_, l, _)| *l).collect();
                around(&b).find(|(dx, dy)| {
                    let c = moved(&b, *dx, *dy);
                    own.iter().any(|l| line_to_box(l, &c) <= ATTACH) && free(k, &c, &placed)
                })
            }
        };
        if let Some((dx, dy)) = found {
            placed[k] = moved(&b, dx, dy);
            moves.push((blocks[k].group, dx, dy));
        }
    }
    moves
}

/// Offsets along the top of a zone, nearest first (right before left among equals).
fn slide_along_top(b: &[f64; 4], zone: &[f64; 4]) -> impl Iterator<Item = (f64, f64)> {
    let left = zone[0] + 4.0 - b[0];
    let right = zone[2] - 4.0 - b[2];
    let steps = ((right - left).max(0.0) / STEP) as i64 + 1;
    let mut v: Vec<f64> = (0..steps).map(|i| left + i as f64 * STEP).collect();
    v.push(right);
    v.sort_by(|a, c| a.abs().total_cmp(&c.abs()).then(c.total_cmp(a)));
    v.into_iter().map(|dx| (dx, 0.0))
}

/// Offsets within [`REACH`] of where a label is, nearest first, in a fixed order.
fn around(_b: &[f64; 4]) -> impl Iterator<Item = (f64, f64)> {
    let n = (REACH / STEP) as i64;
    let mut v: Vec<(f64, f64)> = Vec::new();
    for i in -n..=n {
        for j in -n..=n {
            let (dx, dy) = (i as f64 * STEP, j as f64 * STEP);
            if dist([0.0, 0.0], [dx, dy]) <= REACH {
                v.push((dx, dy));
            }
        }
    }
    v.sort_by(|a, c| {
        let (da, dc) = (a.0.hypot(a.1), c.0.hypot(c.1));
        da.total_cmp(&dc).then(a.1.total_cmp(&c.1)).then(a.0.total_cmp(&c.0))
    });
    v.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::diagrams::inspect;

    const SVG: &str = r##"<svg width="300pt" height="200pt" viewBox="0 0 300 200">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 196)">
<title>g</title>
<g id="clust1" class="cluster"><title>cluster_zone_1</title>
<path fill="#eee" stroke="#000" d="M10,-10C10,-10 290,-10 290,-10 290,-10 290,-180 290,-180 290,-180 10,-180 10,-180 10,-180 10,-10 10,-10"/>
<text xml:space="preserve" text-anchor="start" x="18" y="-166" font-family="Arial" font-weight="bold" font-size="12.00">Zone</text>
</g>
<g id="edge1" class="edge"><title>a&#45;&gt;b</title>
<path fill="none" stroke="#000" d="M30,-195C30,-150 30,-100 30,-20"/>
<text xml:space="preserve" text-anchor="middle" x="30" y="-100" font-family="Arial" font-size="9.00" fill="#000">https</text>
</g>
</g></svg>"##;

    #[test]
    fn titles_and_labels_crossed_by_a_line_move_beside_it() {
        let before = inspect::parse(SVG).unwrap();
        let faults = before.routing().faults;
        assert!(faults.iter().any(|f| matches!(f, inspect::Fault::EdgeThroughTitle { .. })), "{faults:?}");
        assert!(faults.iter().any(|f| matches!(f, inspect::Fault::EdgeThroughLabel { .. })), "{faults:?}");
        let after = untangle(SVG, before.clone()).0;
        assert_ne!(after, SVG);
        let p = inspect::parse(&after).unwrap();
        assert_eq!(p.routing().faults, vec![]);
        assert_eq!(p.faults(), vec![]);
        // The label still lies beside its line.
        let label = &p.groups[2].texts[0];
        assert!(line_to_box(&p.groups[2].lines[0], &label.bbox) <= ATTACH);
        let (again, unchanged) = untangle(&after, p.clone());
        assert_eq!(again, after, "a clean picture is left as it is");
        assert_eq!(unchanged, Some(p), "and handed back");
    }
}
