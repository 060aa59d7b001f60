//! The facts layer is the one truth the outputs show: on every example, the trust view draws
//! each zone crossing with exactly the encryption and authentication the analysis facts (and so
//! the security rules) give its links.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use archc::analysis::facts::Transit;
use archc::driver::analyze_paths;
use archc::emit::diagrams::facts::NODE_KINDS;
use archc::emit::diagrams::{diagrams, Builtin, DiagramOptions};
use archc::host::FsHost;
use archc::syntax::schema::DeclKind;

fn examples() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 3, "examples missing: {dirs:?}");
    dirs
}

/// The value of `name="..."` in a DOT attribute list.
fn attr<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("{name}=\"");
    let start = line.find(&key)? + key.len();
    let rest = &line[start..];
    Some(&rest[..rest.find('"')?])
}

/// The style a crossing must be drawn with: plaintext dashed red; unknown dotted; encrypted or
/// local solid; green when every link it stands for authenticates, orange otherwise.
fn expected_style(transit: Transit, authenticated: bool) -> (&'static str, &'static str) {
    let auth_color = if authenticated { "#15803d" } else { "#c2410c" };
    match transit {
        Transit::Plaintext => ("dashed", "#dc2626"),
        Transit::Unknown => ("dotted", auth_color),
        Transit::Encrypted | Transit::Local => ("solid", auth_color),
    }
}

#[test]
fn trust_view_edges_match_the_transit_and_auth_facts() {
    let mut checked = 0;
    for dir in examples() {
        let mut outcome = analyze_paths(&FsHost, std::slice::from_ref(&dir));
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        let a = outcome.analyses.remove(0);
        let (model, facts) = (&a.model, &a.facts);
        // Expected: per (from, to) path pair, the set of drawn states of the crossing links.
        let mut groups: BTreeMap<(String, String, Transit), bool> = BTreeMap::new();
        for l in &facts.links {
            let (Some(from), Some(to)) = (model.get(l.from), model.get(l.to)) else { continue };
            let drawn = |k| NODE_KINDS.contains(&k) || k == DeclKind::Interface;
            if from.from_std || to.from_std || l.from == l.to || !drawn(from.kind) || !drawn(to.kind) {
                continue;
            }
            if facts.zone_of(l.from) == facts.zone_of(l.to) {
                continue;
            }
            let transit = if l.transit == Transit::Local { Transit::Encrypted } else { l.transit };
            let key = (model.path_of(l.from), model.path_of(l.to), transit);
            let all = groups.entry(key).or_insert(true);
            *all &= l.is_authenticated();
        }
        let expected: BTreeSet<(String, String, &str, &str)> = groups
            .into_iter()
            .map(|((f, t, transit), auth)| {
                let (style, color) = expected_style(transit, auth);
                (f, t, style, color)
            })
            .collect();
        let ds = diagrams(model, facts, &[], &DiagramOptions { highlight: false, renderer: &Builtin });
        let trust = ds.iter().find(|d| d.name == "trust").expect("a trust view");
        let drawn: BTreeSet<(String, String, &str, &str)> = trust
            .dot
            .lines()
            .filter(|l| l.contains(" -> ") && attr(l, "style") != Some("invis"))
            .filter_map(|l| {
                let tip = attr(l, "tooltip")?;
                let (f, t) = tip.split_once(" -> ")?;
                Some((f.to_string(), t.to_string(), attr(l, "style")?, attr(l, "color")?))
            })
            .collect();
        assert_eq!(drawn, expected, "trust view of {} disagrees with the facts", dir.display());
        checked += expected.len();
    }
    assert!(checked > 10, "too few crossings checked: {checked}");
}

fn analyze_text(text: &str) -> archc::driver::Analysis {
    let host = archc::host::MemHost::new([("/ws/main.arch", text)]);
    let mut outcome = analyze_paths(&host, &[PathBuf::from("/ws")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.analyses.remove(0)
}

const STORES: &str = r#"import std.tech
zone app { trust high }
zone data { trust high }
data Card { classification restricted }
component api {
  zone app
  uses orders_db sync { carries Card timeout 1s circuit-breaker auth mtls }
  uses audit_db sync { timeout 1s circuit-breaker auth mtls }
  uses events { protocol kafka-tls auth mtls }
}
component worker {
  zone data
  subscribes Paid
}
event Paid { classification internal }
topic events { zone data  carries Paid }
datastore orders_db { zone data  tech postgres }
datastore audit_db { zone data  tech mysql }
"#;

#[test]
fn transit_takes_the_technology_default_and_the_same_pairs_protocol() {
    use archc::analysis::facts::WireSource;
    let a = analyze_text(STORES);
    let by_target = |name: &str| {
        a.facts.links.iter().find(|l| a.model.path_of(l.to) == name).unwrap_or_else(|| panic!("no link to {name}"))
    };
    let pg = by_target("orders_db");
    assert_eq!(pg.transit, Transit::Plaintext, "postgres listens in plaintext by default");
    assert!(matches!(pg.wire.as_ref().map(|w| w.source), Some(WireSource::Technology(_))));
    assert_eq!(by_target("audit_db").transit, Transit::Encrypted, "the mysql entry says mysql-tls");
    // The delivery from the topic to its subscriber travels as the links to the topic declare.
    let delivery = by_target("worker");
    let topic = a.model.iter().find(|(_, e)| e.name == "events").map(|(id, _)| id).expect("events");
    assert_eq!(
        delivery.wire.as_ref().map(|w| (w.protocol.word(), w.source)),
        Some(("kafka-tls", WireSource::Store(topic)))
    );
    assert_eq!(delivery.transit, Transit::Encrypted);
    // The rule judges the same link the same way: restricted data over plaintext postgres.
    let sec001: Vec<&str> =
        a.diagnostics.iter().filter(|d| d.code.id == "SEC001").map(|d| d.message.as_str()).collect();
    assert_eq!(sec001.len(), 1, "{sec001:?}");
    assert!(sec001[0].contains("plaintext `postgres`, the default of technology `postgres`"), "{sec001:?}");
}

#[test]
fn a_credentials_field_is_sensitive_for_rules_and_diagrams() {
    let text = "data Login {\n  classification internal\n  field secret: string credentials\n}\ncomponent auth {\n  owns Login\n  standalone\n}\n";
    let a = analyze_text(text);
    let (id, _) = a.model.iter().find(|(_, e)| e.name == "Login").expect("Login");
    assert!(archc::analysis::facts::is_credentials(&a.model, id));
    assert!(archc::analysis::facts::is_sensitive(&a.model, id, 3));
    let ds = diagrams(&a.model, &a.facts, &[], &DiagramOptions { highlight: false, renderer: &Builtin });
    let data = ds.iter().find(|d| d.name == "data").expect("a data view");
    assert!(data.dot.contains("credentials"), "the data view names the credentials: {}", data.dot);
}

#[test]
fn holes_are_found_once_for_the_checker_and_the_report() {
    let text = "component api {\n  owner ?\n  uses db sync { timeout ? circuit-breaker }\n  standalone\n}\ndatastore db\nflow f {\n  api -> db \"read\" latency ?\n}\n";
    let a = analyze_text(text);
    assert_eq!(a.facts.holes.len(), 3, "{:?}", a.facts.holes);
    let hyg: Vec<&str> = a.diagnostics.iter().filter(|d| d.code.id == "HYG008").map(|d| d.message.as_str()).collect();
    assert!(hyg.iter().any(|m| m.contains("owner, uses.timeout")), "{hyg:?}");
    assert!(hyg.iter().any(|m| m.contains("step 1 (latency)")), "{hyg:?}");
    let rep = archc::emit::report::render(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &[]);
    let holes = &rep.markdown[rep.markdown.find("## Open Holes").expect("an Open Holes section")..];
    for name in ["`owner`", "`uses db.timeout`", "`step 1.latency`"] {
        assert!(holes.contains(name), "{name} missing from {holes}");
    }
}

#[test]
fn data_inherits_its_owner_whatever_the_declaration_order() {
    let data_first = "data Order {\n  classification internal\n}\nteam shop\ncomponent orders {\n  owner shop\n  owns Order\n  standalone\n}\n";
    let a = analyze_text(data_first);
    let id = |name: &str| a.model.iter().find(|(_, e)| e.name == name).map(|(id, _)| id).expect(name);
    assert_eq!(a.facts.owner_of(id("Order")), Some(id("shop")));
}

#[test]
fn a_link_is_local_when_its_inferred_protocol_is() {
    // The flow step names no protocol; the `uses` between the same two elements says in-process.
    let text = "component a {\n  uses b sync { protocol in-process timeout 1s }\n}\ncomponent b\nflow f {\n  a -> b \"call\"\n}\n";
    let a = analyze_text(text);
    let step = a.facts.links.iter().find(|l| matches!(l.origin, archc::analysis::facts::LinkOrigin::Step { .. }));
    let step = step.expect("the step's link");
    // The step inherits the protocol of the matching `uses`.
    assert_eq!(step.protocol.map(|p| p.word()), Some("in-process"));
    assert!(matches!(step.protocol_from, Some(archc::analysis::facts::StatedBy::Uses(_))));
    assert_eq!(step.transit, Transit::Local);
    assert!(step.is_local());
}
