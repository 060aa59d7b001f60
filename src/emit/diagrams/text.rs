//! Text measured as the picture shows it: the views use Arial, whose widths are Helvetica's (and
//! Liberation Sans's, the font SVG viewers substitute). ASCII comes from the layout engine's own
//! table (graphviz-pure), so a box sized by the engine and a line wrapped here agree; the few
//! other characters the views print get their real width, since the engine counts each of their
//! UTF-8 bytes as a space.

use super::dot::FONT;

/// Width in points of one line of `text` at `size` points.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let mut ascii = String::with_capacity(text.len());
    let mut other_em = 0.0;
    for c in text.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            other_em += wide_char_em(c, bold);
        }
    }
    size * (graphviz_pure_core::estimate_text_width_1pt(FONT, &ascii, bold, false) + other_em)
}

/// Helvetica widths (in em) of the non-ASCII characters the views use; others count as a
/// capital letter, wider than most.
fn wide_char_em(c: char, bold: bool) -> f64 {
    match c {
        '·' | '\u{a0}' => 0.278,
        '…' | '—' | '→' | '←' | '↔' => 1.0,
        '–' => 0.556,
        '≥' | '≤' => 0.584,
        'ä' | 'ö' | 'ü' | 'é' | 'è' | 'á' | 'à' | 'ñ' | 'ç' => 0.556,
        _ if bold => 0.778,
        _ => 0.722,
    }
}

/// Breaks `s` into lines at most `max` points wide at spaces (a single longer word stays whole on
/// its line, and is then broken at `/`, `,` or `-` when it has them).
pub fn wrap_lines(s: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        for (i, part) in split_long(word, size, bold, max).into_iter().enumerate() {
            // Pieces of one cut word join without a space.
            let sep = if i == 0 { " " } else { "" };
            let candidate = if cur.is_empty() { part.clone() } else { format!("{cur}{sep}{part}") };
            if !cur.is_empty() && width(&candidate, size, bold) > max {
                lines.push(std::mem::replace(&mut cur, part));
            } else {
                cur = candidate;
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// A word too wide for a line, cut after its separators (`a/b/c` -> `a/`, `b/`, `c`).
fn split_long(word: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    if width(word, size, bold) <= max {
        return vec![word.to_string()];
    }
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in word.chars() {
        cur.push(c);
        if matches!(c, '/' | ',' | '-' | '.' | '_') && width(&cur, size, bold) > max * 0.4 {
            parts.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_and_count_middle_dots_once() {
        // Helvetica: `i` is narrow, `W` wide; bold is wider.
        assert!(width("iiii", 10.0, false) < width("WWWW", 10.0, false));
        assert!(width("Card vault", 11.0, true) > width("Card vault", 11.0, false));
        let dot = width("a · b", 10.0, false) - width("a  b", 10.0, false);
        assert!((dot - 2.78).abs() < 0.01, "{dot}");
    }

    #[test]
    fn lines_wrap_at_measured_width() {
        let lines = wrap_lines("Java 21, Quarkus, PKCS#11 and a long tail of words", 9.0, false, 90.0);
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(width(l, 9.0, false) <= 90.0, "{l}");
        }
        assert_eq!(lines.join(" "), "Java 21, Quarkus, PKCS#11 and a long tail of words");
        let cut = wrap_lines("https://example.com/a/very/long/path/without/spaces/at/all", 9.0, false, 80.0);
        assert!(cut.len() > 1, "{cut:?}");
        assert_eq!(cut.concat(), "https://example.com/a/very/long/path/without/spaces/at/all");
    }
}
