//! Points, boxes and lines in SVG coordinates: what reading back a picture (`inspect`) and moving
//! its text (`place`) both measure. A box is `[left, top, right, bottom]`.

pub(super) type Pt = [f64; 2];
pub(super) type Rect = [f64; 4];

/// Points a text may pass its box, and two texts may touch, before it counts: the engine and
/// the font round differently.
pub(super) const SLACK: f64 = 1.0;

/// Whether two boxes share more than [`SLACK`] in both directions.
pub(super) fn overlap(a: &Rect, b: &Rect) -> bool {
    a[0] + SLACK < b[2] && b[0] + SLACK < a[2] && a[1] + SLACK < b[3] && b[1] + SLACK < a[3]
}

/// Whether `t` lies in `b`, give or take [`SLACK`].
pub(super) fn inside(t: &Rect, b: &Rect) -> bool {
    t[0] >= b[0] - SLACK && t[1] >= b[1] - SLACK && t[2] <= b[2] + SLACK && t[3] <= b[3] + SLACK
}

/// Whether two boxes touch or overlap, exactly.
pub(super) fn boxes_meet(a: &Rect, b: &Rect) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// The smallest box holding all of `boxes`; `None` for none.
pub(super) fn union(boxes: impl Iterator<Item = Rect>) -> Option<Rect> {
    boxes.reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])])
}

/// The box of a line's points.
pub(super) fn line_box(line: &[Pt]) -> Rect {
    union(line.iter().map(|p| [p[0], p[1], p[0], p[1]])).unwrap_or([
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ])
}

pub(super) fn shrink(b: &Rect, by: f64) -> Rect {
    [b[0] + by, b[1] + by, b[2] - by, b[3] - by]
}

pub(super) fn moved(b: &Rect, dx: f64, dy: f64) -> Rect {
    [b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy]
}

pub(super) fn dist(a: Pt, b: Pt) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Whether the segment `p`-`q` passes through the box (Liang-Barsky clipping).
pub(super) fn segment_hits_box(p: Pt, q: Pt, b: &Rect) -> bool {
    if b[0] >= b[2] || b[1] >= b[3] {
        return false;
    }
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (num, den) in [(p[0] - b[0], -dx), (b[2] - p[0], dx), (p[1] - b[1], -dy), (b[3] - p[1], dy)] {
        if den == 0.0 {
            if num < 0.0 {
                return false;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}

pub(super) fn line_hits_box(line: &[Pt], b: &Rect) -> bool {
    boxes_meet(&line_box(line), b) && line.windows(2).any(|w| segment_hits_box(w[0], w[1], b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_meet_exactly_and_overlap_with_slack() {
        let a = [0.0, 0.0, 10.0, 10.0];
        assert!(boxes_meet(&a, &[10.0, 0.0, 20.0, 10.0]), "sharing an edge is meeting");
        assert!(!overlap(&a, &[9.5, 0.0, 20.0, 10.0]), "half a point is within the slack");
        assert!(overlap(&a, &[8.0, 0.0, 20.0, 10.0]));
        assert!(inside(&[-0.5, 0.0, 10.5, 10.0], &a));
    }

    #[test]
    fn a_line_hits_a_box_it_passes_through_but_not_one_beside_it() {
        let line = [[0.0, 5.0], [20.0, 5.0]];
        assert!(line_hits_box(&line, &[8.0, 0.0, 12.0, 10.0]));
        assert!(!line_hits_box(&line, &[8.0, 6.0, 12.0, 10.0]));
        assert_eq!(line_box(&line), [0.0, 5.0, 20.0, 5.0]);
        assert_eq!(union([[0.0, 0.0, 1.0, 1.0], [2.0, -1.0, 3.0, 0.5]].into_iter()), Some([0.0, -1.0, 3.0, 1.0]));
    }
}
