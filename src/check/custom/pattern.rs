//! Name patterns of custom rule selectors: `*` matches any run of characters (shortest first)
//! and captures it as `$1`, `$2`, ... in order; `$N` in a `to` pattern stands for what the `from`
//! pattern captured. Globs rather than regular expressions, since element names are identifiers
//! and a glob with captures states "the same bounded context" without a regex dependency.

/// Captures a pattern may hold; `$1` to `$9`.
pub const MAX_CAPTURES: usize = 9;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Star,
    /// `$N`: the N-th capture of the `from` pattern (1-based).
    Capture(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<Piece>,
    text: String,
}

impl Pattern {
    /// Parses a pattern; the error says what is wrong, for a diagnostic at the pattern.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        let mut stars = 0;
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    // `**` is one star: two adjacent captures would split a run arbitrarily.
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                        stars += 1;
                    }
                }
                '$' => match chars.peek().and_then(|d| d.to_digit(10)) {
                    Some(n) if n >= 1 => {
                        chars.next();
                        if !lit.is_empty() {
                            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        pieces.push(Piece::Capture(n as usize));
                    }
                    _ => return Err("`$` must be followed by a capture number from 1 to 9".into()),
                },
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            pieces.push(Piece::Lit(lit));
        }
        if stars > MAX_CAPTURES {
            return Err(format!("a pattern holds at most {MAX_CAPTURES} `*`"));
        }
        Ok(Pattern { pieces, text: text.to_string() })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The highest `$N` the pattern refers to; 0 when none.
    pub fn max_capture_ref(&self) -> usize {
        self.pieces.iter().filter_map(|p| if let Piece::Capture(n) = p { Some(*n) } else { None }).max().unwrap_or(0)
    }

    /// Number of `*` (captures it makes).
    pub fn stars(&self) -> usize {
        self.pieces.iter().filter(|p| **p == Piece::Star).count()
    }

    /// Matches `name` with `$N` replaced by `captures[N-1]`; returns what its stars captured.
    pub fn captures(&self, name: &str, captures: &[String]) -> Option<Vec<String>> {
        let mut tokens = Vec::new();
        for piece in &self.pieces {
            match piece {
                Piece::Lit(l) => tokens.extend(l.chars().map(Some)),
                Piece::Capture(n) => tokens.extend(captures.get(n - 1)?.chars().map(Some)),
                Piece::Star => tokens.push(None),
            }
        }
        let text: Vec<char> = name.chars().collect();
        let runs = glob(&tokens, &text)?;
        Some(runs.into_iter().map(|(a, b)| text[a..b].iter().collect()).collect())
    }

    pub fn matches(&self, name: &str, captures: &[String]) -> bool {
        self.captures(name, captures).is_some()
    }
}

/// Matches `text` against `tokens` (a character, or `None` for a star taking one or more
/// characters) and returns each star's run as a range. Iterative, backtracking only to the last
/// star: O(text × pattern) whatever the input, and each star gets the shortest run that lets the
/// rest match, since a literal stretch is always placed at its leftmost fit.
fn glob(tokens: &[Option<char>], text: &[char]) -> Option<Vec<(usize, usize)>> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    // The last star seen: its token index and the number of runs before it.
    let mut last: Option<(usize, usize)> = None;
    loop {
        if j == tokens.len() && i == text.len() {
            return Some(runs);
        }
        match tokens.get(j) {
            Some(Some(c)) if text.get(i) == Some(c) => {
                i += 1;
                j += 1;
                continue;
            }
            Some(None) if i < text.len() => {
                runs.push((i, i + 1));
                last = Some((j, runs.len() - 1));
                i += 1;
                j += 1;
                continue;
            }
            _ => {}
        }
        // Mismatch: give the last star one more character and retry what follows it.
        let (star, run) = last?;
        runs.truncate(run + 1);
        let end = runs[run].1 + 1;
        if end > text.len() {
            return None;
        }
        runs[run].1 = end;
        i = end;
        j = star + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_capture_the_shortest_run() {
        let p = Pattern::parse("*_*").unwrap();
        assert_eq!(p.captures("orders_api_v2", &[]), Some(vec!["orders".into(), "api_v2".into()]));
        assert_eq!(p.captures("orders", &[]), None);
        assert_eq!(p.captures("_api", &[]), None, "a star takes at least one character");
        assert!(Pattern::parse("orders_db").unwrap().matches("orders_db", &[]));
        assert!(!Pattern::parse("orders_db").unwrap().matches("orders_dbx", &[]));
    }

    #[test]
    fn capture_references_take_the_captured_text() {
        let p = Pattern::parse("$1_*").unwrap();
        assert_eq!(p.max_capture_ref(), 1);
        assert!(p.matches("orders_db", &["orders".into()]));
        assert!(!p.matches("billing_db", &["orders".into()]));
        assert!(!p.matches("orders_db", &[]), "a missing capture matches nothing");
    }

    #[test]
    fn hostile_names_and_patterns_match_in_polynomial_time() {
        let name = "a".repeat(20_000);
        let p = Pattern::parse("*a*a*a*a*a*a*a*a*b").unwrap();
        let started = std::time::Instant::now();
        assert!(!p.matches(&name, &[]));
        assert!(Pattern::parse("*a*a*a*a*a*a*a*a*a").unwrap().matches(&name, &[]));
        let long = Pattern::parse(&"$1".repeat(50_000)).unwrap();
        assert!(!long.matches("ab", &["a".into()]), "deep patterns do not recurse");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn malformed_patterns_say_why() {
        assert!(Pattern::parse("a$").unwrap_err().contains("capture number"));
        assert!(Pattern::parse("$0").is_err());
        assert!(Pattern::parse("*a*a*a*a*a*a*a*a*a*a").unwrap_err().contains("at most 9"));
    }
}
