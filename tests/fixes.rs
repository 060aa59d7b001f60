//! Machine-applicable fixes: applying the fix a diagnostic offers makes that diagnostic go away
//! (did-you-mean, a missing timeout, a missing owner, accepting a finding).

use std::path::PathBuf;

use archc::diagnostics::Diagnostic;
use archc::driver::{analyze_paths, analyze_paths_with, RunOptions};
use archc::host::MemHost;
use archc::syntax::literal::Literal;

fn check(text: &str) -> Vec<Diagnostic> {
    let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/main.arch", text)]);
    let mut outcome = analyze_paths(&host, &[PathBuf::from("/ws")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.analyses.remove(0).diagnostics
}

/// The text after applying the first fix of the first unsuppressed diagnostic with `code`.
fn apply_first_fix(text: &str, code: &str) -> (String, String) {
    let diags = check(text);
    let d = diags
        .iter()
        .find(|d| d.code.id == code && d.suppression.is_none())
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"));
    let fix = d.fixes.first().unwrap_or_else(|| panic!("{code} offers no fix: {d:#?}"));
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    let mut out = text.to_string();
    for e in edits {
        out.replace_range(e.span.range(), &e.new_text);
    }
    (fix.title.clone(), out)
}

fn codes(text: &str) -> Vec<&'static str> {
    check(text).iter().filter(|d| d.suppression.is_none()).map(|d| d.code.id).collect()
}

const MODEL: &str = "team shop\ncomponent web {\n  owner shop\n  uses ordrs sync { protocol https auth jwt timeout 1s circuit-breaker }\n}\ncomponent orders {\n  owner shop\n  standalone\n}\n";

#[test]
fn did_you_mean_replaces_the_name() {
    let (title, fixed) = apply_first_fix(MODEL, "HYG001");
    assert_eq!(title, "Replace with `orders`");
    assert!(fixed.contains("uses orders sync"), "{fixed}");
    assert!(!codes(&fixed).contains(&"HYG001"), "{:?}", codes(&fixed));
}

#[test]
fn a_missing_timeout_becomes_a_hole_to_fill() {
    let text = MODEL.replace("ordrs", "orders").replace(" timeout 1s circuit-breaker", "");
    assert!(codes(&text).contains(&"REL002"));
    let (_, fixed) = apply_first_fix(&text, "REL002");
    assert!(fixed.contains("auth jwt timeout ? }"), "{fixed}");
    let after = codes(&fixed);
    assert!(!after.contains(&"REL002") && !after.iter().any(|c| c.starts_with("SYN")), "{after:?}");
    // Without a block, the fix opens one.
    let bare = "team shop\ncomponent web {\n  owner shop\n  uses orders sync\n}\ncomponent orders {\n  owner shop\n}\n";
    let (_, fixed) = apply_first_fix(bare, "REL002");
    assert!(fixed.contains("uses orders sync { timeout ? }"), "{fixed}");
    assert!(!codes(&fixed).contains(&"REL002"), "{:?}", codes(&fixed));
}

#[test]
fn a_missing_owner_is_added() {
    let text = MODEL.replace("ordrs", "orders").replace("component orders {\n  owner shop\n", "component orders {\n");
    let (title, fixed) = apply_first_fix(&text, "OWN001");
    assert!(title.starts_with("Add `owner"), "{title}");
    let after = codes(&fixed);
    assert!(!after.contains(&"OWN001") && !after.iter().any(|c| c.starts_with("SYN")), "{after:?}\n{fixed}");
}

#[test]
fn accepting_a_finding_suppresses_it() {
    let text = MODEL.replace("ordrs", "orders").replace(" timeout 1s circuit-breaker", "");
    let diags = check(&text);
    let rel = diags.iter().find(|d| d.code.id == "REL002").expect("REL002");
    let accept = rel.fixes.iter().find(|f| f.title.starts_with("Accept")).expect("an accept fix");
    let mut fixed = text.clone();
    for e in &accept.edits {
        fixed.replace_range(e.span.range(), &e.new_text);
    }
    assert!(
        fixed.starts_with(
            "team shop\naccept REL002@web@orders \"TODO: say why this finding is acceptable\"\ncomponent web"
        ),
        "{fixed}"
    );
    let after = check(&fixed);
    let rel = after.iter().find(|d| d.code.id == "REL002").expect("still reported, as suppressed");
    assert!(rel.suppression.is_some());
    assert!(!after.iter().any(|d| d.code.id.starts_with("SYN") || d.code.id == "HYG005"), "{after:#?}");
}

#[test]
fn an_acceptance_offered_when_today_is_known_expires_in_ninety_days() {
    let text = MODEL.replace("ordrs", "orders").replace(" timeout 1s circuit-breaker", "");
    let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/main.arch", text.as_str())]);
    let opts = RunOptions { today: Some(Literal::Date { year: 2026, month: 12, day: 6 }), baseline: None };
    let outcome = analyze_paths_with(&host, &[PathBuf::from("/ws")], &opts);
    let rel = outcome.analyses[0].diagnostics.iter().find(|d| d.code.id == "REL002").expect("REL002");
    let accept = rel.fixes.iter().find(|f| f.title.starts_with("Accept")).expect("an accept fix");
    assert_eq!(accept.title, "Accept this REL002 finding until 2027-03-06");
    assert!(accept.edits[0].new_text.ends_with("\" until 2027-03-06\n"), "{:?}", accept.edits);
}
