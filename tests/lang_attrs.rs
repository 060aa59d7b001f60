//! The language's attributes that state things once for many elements, checked where every
//! reader sees them: the facts layer (`analysis::facts`) and the rules that read it.

use std::path::PathBuf;

use archc::analysis::facts::{LinkOrigin, StatedBy, Transit};
use archc::driver::{analyze_paths, Analysis};
use archc::semantic::model::ElementId;

fn analyze_text(text: &str) -> Analysis {
    let host = archc::host::MemHost::new([("/ws/main.arch", text)]);
    let mut outcome = analyze_paths(&host, &[PathBuf::from("/ws")]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.analyses.remove(0)
}

fn id(a: &Analysis, name: &str) -> ElementId {
    a.model.iter().find(|(_, e)| e.name == name).map(|(id, _)| id).unwrap_or_else(|| panic!("no {name}"))
}

fn codes(a: &Analysis, code: &str) -> Vec<String> {
    a.diagnostics.iter().filter(|d| d.code.id == code).map(|d| d.message.clone()).collect()
}

fn uses_link<'a>(a: &'a Analysis, from: &str, to: &str) -> &'a archc::analysis::facts::Link {
    let (f, t) = (id(a, from), id(a, to));
    a.facts
        .links
        .iter()
        .find(|l| l.origin == LinkOrigin::Uses && l.from == f && l.to == t)
        .unwrap_or_else(|| panic!("no uses {from} -> {to}"))
}

fn step_link<'a>(a: &'a Analysis, from: &str, to: &str) -> &'a archc::analysis::facts::Link {
    let (f, t) = (id(a, from), id(a, to));
    a.facts
        .links
        .iter()
        .find(|l| matches!(l.origin, LinkOrigin::Step { .. }) && l.from == f && l.to == t)
        .unwrap_or_else(|| panic!("no step {from} -> {to}"))
}

/// A service mesh: one line on the zone makes every link inside it mutual TLS.
const MESH: &str = r#"
zone cluster {
  trust high
  default-protocol mtls
  zone apps { trust high }
}
zone outside { trust none  internet }
actor shopper { zone outside }
component web {
  zone apps
  uses orders sync { timeout 1s circuit-breaker }
  uses legacy sync { protocol http timeout 1s circuit-breaker }
}
component orders {
  zone cluster
  uses partner sync { timeout 1s circuit-breaker }
}
component legacy { zone cluster }
external partner { zone outside }
flow buy {
  shopper -> web "order"
  web -> orders "place"
}
"#;

#[test]
fn a_zone_default_protocol_reaches_every_link_inside_it_and_no_other() {
    let a = analyze_text(MESH);
    let cluster = id(&a, "cluster");
    let inside = uses_link(&a, "web", "orders");
    assert_eq!(inside.protocol.as_deref(), Some("mtls"));
    assert_eq!(inside.protocol_from, Some(StatedBy::Default(cluster)));
    assert_eq!(inside.auth.as_deref(), Some("mtls"), "a mesh default protocol of mtls also authenticates");
    assert_eq!(inside.auth_from, Some(StatedBy::Default(cluster)));
    assert_eq!(inside.transit, Transit::Encrypted);
    // A link that says otherwise keeps what it says.
    let own = uses_link(&a, "web", "legacy");
    assert_eq!((own.protocol.as_deref(), own.protocol_from), (Some("http"), None));
    assert_eq!(own.transit, Transit::Plaintext);
    // A link leaving the zone, or entering it from outside, is not the zone's traffic.
    let leaving = uses_link(&a, "orders", "partner");
    assert_eq!((leaving.protocol.as_deref(), leaving.auth.as_deref()), (None, None));
    let entering = step_link(&a, "shopper", "web");
    assert_eq!(entering.protocol, None);
    assert_eq!(entering.transit, Transit::Unknown);
}

#[test]
fn a_system_default_auth_reaches_links_between_its_components() {
    let text = r#"
system shop {
  default-auth service-token
  default-protocol grpcs
}
system billing
component cart {
  system shop
  uses orders sync { timeout 1s circuit-breaker }
  uses invoices sync { timeout 1s circuit-breaker }
}
component orders { system shop }
component invoices { system billing }
"#;
    let a = analyze_text(text);
    let inside = uses_link(&a, "cart", "orders");
    assert_eq!(inside.auth.as_deref(), Some("service-token"));
    assert_eq!(inside.auth_from, Some(StatedBy::Default(id(&a, "shop"))));
    assert_eq!(inside.protocol.as_deref(), Some("grpcs"));
    let across = uses_link(&a, "cart", "invoices");
    assert_eq!((across.auth.as_deref(), across.protocol.as_deref()), (None, None));
}

#[test]
fn an_inner_zone_default_wins_over_an_outer_one_and_the_interface_wins_over_both() {
    let text = r#"
zone dc {
  trust high
  default-protocol https
  default-auth jwt
  zone batch {
    trust high
    default-auth service-token
  }
}
component a {
  zone batch
  uses b sync { timeout 1s circuit-breaker }
  uses Api sync { timeout 1s circuit-breaker }
}
component b { zone batch }
component c {
  zone batch
  exposes Api
}
interface Api rest {
  auth oauth2
}
"#;
    let a = analyze_text(text);
    let inner = uses_link(&a, "a", "b");
    assert_eq!(inner.auth.as_deref(), Some("service-token"));
    assert_eq!(inner.protocol.as_deref(), Some("https"), "the protocol still comes from the outer zone");
    assert_eq!(inner.protocol_from, Some(StatedBy::Default(id(&a, "dc"))));
    let via = uses_link(&a, "a", "c");
    assert_eq!((via.auth.as_deref(), via.auth_from), (Some("oauth2"), None));
}

#[test]
fn a_flow_step_inherits_protocol_and_auth_from_the_matching_uses_unless_it_says_otherwise() {
    let text = r#"
component web {
  uses orders sync { protocol https auth jwt timeout 1s circuit-breaker }
}
component orders
flow buy {
  web -> orders "place"
}
flow admin {
  web -> orders "purge" http auth basic
}
"#;
    let a = analyze_text(text);
    let declared = a.facts.links.iter().position(|l| l.origin == LinkOrigin::Uses).expect("the uses link");
    let steps: Vec<_> =
        a.facts.links.iter().filter(|l| matches!(l.origin, LinkOrigin::Step { .. })).collect();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].protocol.as_deref(), steps[0].auth.as_deref()), (Some("https"), Some("jwt")));
    assert_eq!(steps[0].protocol_from, Some(StatedBy::Uses(declared)));
    assert_eq!(steps[0].auth_from, Some(StatedBy::Uses(declared)));
    assert_eq!((steps[1].protocol.as_deref(), steps[1].auth.as_deref()), (Some("http"), Some("basic")));
    assert_eq!((steps[1].protocol_from, steps[1].auth_from), (None, None));
    assert_eq!(steps[1].transit, Transit::Plaintext);
}

/// Two zones inside one data centre zone, and a gateway calling across them.
fn crossing(dc_defaults: &str) -> String {
    format!(
        r#"
zone dc {{
  trust medium
  {dc_defaults}
  zone edge {{ trust medium }}
  zone core {{ trust high }}
}}
component gw {{
  kind gateway
  zone edge
  uses orders sync {{ timeout 1s circuit-breaker }}
}}
component orders {{ zone core }}
"#
    )
}

#[test]
fn the_security_rules_judge_links_by_their_zone_defaults() {
    let plain = analyze_text(&crossing("default-protocol http"));
    let sec002 = codes(&plain, "SEC002");
    assert_eq!(sec002.len(), 1, "{sec002:?}");
    assert!(sec002[0].contains("plaintext `http`"), "{sec002:?}");
    let unauthenticated = analyze_text(&crossing("default-protocol https\n  default-auth none"));
    assert!(codes(&unauthenticated, "SEC002").is_empty());
    assert_eq!(codes(&unauthenticated, "SEC003").len(), 1, "auth none into higher trust");
    let mesh = analyze_text(&crossing("default-protocol mtls"));
    assert!(codes(&mesh, "SEC002").is_empty() && codes(&mesh, "SEC003").is_empty());
}

#[test]
fn a_step_crossing_zones_is_complete_when_its_uses_says_how_it_travels() {
    let text = |uses_options: &str| {
        format!(
            "zone a {{ trust medium }}\nzone b {{ trust high }}\ncomponent web {{\n  zone a\n  uses orders sync {{ {uses_options} timeout 1s circuit-breaker }}\n}}\ncomponent orders {{ zone b }}\nflow buy {{\n  web -> orders \"place\"\n}}\n"
        )
    };
    let gap = analyze_text(&text(""));
    let hyg = codes(&gap, "HYG008");
    assert!(hyg.iter().any(|m| m.contains("without protocol or auth")), "{hyg:?}");
    let stated = analyze_text(&text("protocol https auth jwt"));
    let hyg = codes(&stated, "HYG008");
    assert!(hyg.iter().all(|m| !m.contains("web -> orders")), "{hyg:?}");
}
