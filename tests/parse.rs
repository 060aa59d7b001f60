//! Parser behaviour users rely on: independent mistakes are all reported, each with a code, a span,
//! what was expected and a hint; literals are checked where they are written.

use archc::source::FileId;
use archc::syntax::parse;

fn errors(src: &str) -> Vec<archc::diagnostics::Diagnostic> {
    parse(FileId(0), src).errors
}

#[test]
fn three_mistakes_in_three_blocks_give_three_diagnostics() {
    let src = r#"
component orders {
  ownr checkout
  replicas 3
}

interface OrdersApi rest {
  rate-limit 200/sec
}

flow checkout {
  p95 300ms
  customer -> orders "POST /checkout" https latency 40
}
"#;
    let errs = errors(src);
    let codes: Vec<&str> = errs.iter().map(|e| e.code.id).collect();
    assert_eq!(codes, ["SYN009", "SYN007", "SYN011"], "{errs:#?}");
    for e in &errs {
        let span = e.span().map(|s| s.range());
        assert!(span.as_ref().is_some_and(|r| r.start < r.end && r.end <= src.len()), "{e:?}");
        assert!(e.help.is_some(), "{} has no help", e.code.id);
    }
    // The unknown attribute suggests the intended one; the bad unit suggests a real unit.
    assert_eq!(errs[0].help.as_deref(), Some("did you mean `owner`?"));
    assert_eq!(&src[errs[0].span().map_or(0..0, |s| s.range())], "ownr");
    assert!(errs[1].message.contains("unknown unit `/sec`"), "{}", errs[1].message);
    assert!(errs[2].message.contains("expects a duration"), "{}", errs[2].message);
}

#[test]
fn several_attributes_on_one_line_are_split_by_the_schema() {
    let p = parse(FileId(0), "component a { layer business  owner t  zone z  replicas 3 }\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let archc::syntax::ast::Item::Decl(d) = &p.ast.items[0] else { panic!("not a declaration") };
    let names: Vec<&str> = d.attrs.iter().map(|a| a.name()).collect();
    assert_eq!(names, ["layer", "owner", "zone", "replicas"]);
}

#[test]
fn unknown_declarations_and_enum_values_get_suggestions() {
    let errs = errors("compnent a\nzone z { trust hihg }\n");
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(errs[0].help.as_deref(), Some("did you mean `component`?"));
    assert_eq!(errs[1].help.as_deref(), Some("did you mean `high`?"));
}

#[test]
fn unclosed_and_stray_braces_are_reported_once_each() {
    // A forgotten `}`: the next declaration lands inside the block (components nest), and the
    // last `}` closes nothing; that error points at the line where the `}` is missing.
    let errs = errors("component a {\n  owner t\n\ncomponent b }\n}\n");
    let codes: Vec<&str> = errs.iter().map(|e| e.code.id).collect();
    assert_eq!(codes, ["SYN004"], "{errs:#?}");
    assert_eq!(
        errs[0].help.as_deref(),
        Some("a `}` is probably missing before `component b`: close `a` there and remove this one"),
        "{errs:#?}"
    );
    assert_eq!(errs[0].secondary[0].message, "`component b` is read as nested in `a`");
    // A kind that cannot nest there is still an error of its own.
    let errs = errors("component a {\n  owner t\n\ndatastore d }\n}\n");
    let codes: Vec<&str> = errs.iter().map(|e| e.code.id).collect();
    assert_eq!(codes, ["SYN009", "SYN004"], "{errs:#?}");
    assert!(errs[0].help.as_deref().is_some_and(|h| h.contains("close the `component` block")), "{errs:#?}");
    let errs = errors("component a {\n  owner t\n");
    let codes: Vec<&str> = errs.iter().map(|e| e.code.id).collect();
    assert_eq!(codes, ["SYN005"], "{errs:#?}");
}

#[test]
fn percentages_dates_and_counts_are_validated() {
    let errs =
        errors("quality q { availability 100.5% }\naccept HYG004@a \"x\" until 2027-02-30\nmilestone m { users 1m }\n");
    let codes: Vec<&str> = errs.iter().map(|e| e.code.id).collect();
    assert_eq!(codes, ["SYN007", "SYN007", "SYN011"], "{errs:#?}");
}

#[test]
fn holes_are_accepted_wherever_a_value_is_expected() {
    let p = parse(FileId(0), "risk r { likelihood ?  contingency ? }\ncomponent c { replicas ?  owns ? }\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
}

#[test]
fn counted_rates_and_summaries_after_options() {
    let p = parse(FileId(0), "flow f { throughput 6K/s }\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let errs = errors("interface I grpc {\n  op Get (D) -> D authz rbac \"Fetch one\"\n}\n");
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].help.as_deref(), Some("write the summary right after the response model, before the options"));
}

#[test]
fn options_of_uses_never_leak_into_the_component() {
    let errs = errors("component a {\n  uses b sync timeout 2s\n}\n");
    assert_eq!(errs.iter().map(|e| e.code.id).collect::<Vec<_>>(), ["SYN012"], "{errs:#?}");
    assert!(errs[0].message.contains("`uses` must end its line"));
    let errs = errors("deployment d {\n  node n autoscale { min 2 }\n}\n");
    assert!(errs.iter().any(|e| e.message.contains("`autoscale` cannot be written on the `node` line")), "{errs:#?}");
}
