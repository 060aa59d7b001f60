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
  uses audit sync { protocol in-process }
}
component audit { zone apps }
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
    assert_eq!(inside.protocol.map(|p| p.word()), Some("mtls"));
    assert_eq!(inside.protocol_from, Some(StatedBy::Default(cluster)));
    assert_eq!(inside.auth.map(|a| a.word()), Some("mtls"), "a mesh default protocol of mtls also authenticates");
    assert_eq!(inside.auth_from, Some(StatedBy::Default(cluster)));
    assert_eq!(inside.transit, Transit::Encrypted);
    // A link that says otherwise keeps what it says.
    let own = uses_link(&a, "web", "legacy");
    assert_eq!((own.protocol.map(|p| p.word()), own.protocol_from), (Some("http"), None));
    assert_eq!(own.transit, Transit::Plaintext);
    let local = uses_link(&a, "web", "audit");
    assert_eq!(
        (local.auth.map(|a| a.word()), local.transit),
        (None, Transit::Local),
        "nobody to authenticate to in-process"
    );
    // A link leaving the zone, or entering it from outside, is not the zone's traffic.
    let leaving = uses_link(&a, "orders", "partner");
    assert_eq!((leaving.protocol.map(|p| p.word()), leaving.auth.map(|a| a.word())), (None, None));
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
    assert_eq!(inside.auth.map(|a| a.word()), Some("service-token"));
    assert_eq!(inside.auth_from, Some(StatedBy::Default(id(&a, "shop"))));
    assert_eq!(inside.protocol.map(|p| p.word()), Some("grpcs"));
    let across = uses_link(&a, "cart", "invoices");
    assert_eq!((across.auth.map(|a| a.word()), across.protocol.map(|p| p.word())), (None, None));
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
    assert_eq!(inner.auth.map(|a| a.word()), Some("service-token"));
    assert_eq!(inner.protocol.map(|p| p.word()), Some("https"), "the protocol still comes from the outer zone");
    assert_eq!(inner.protocol_from, Some(StatedBy::Default(id(&a, "dc"))));
    let via = uses_link(&a, "a", "c");
    assert_eq!((via.auth.map(|a| a.word()), via.auth_from), (Some("oauth2"), None));
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
    let steps: Vec<_> = a.facts.links.iter().filter(|l| matches!(l.origin, LinkOrigin::Step { .. })).collect();
    assert_eq!(steps.len(), 2);
    assert_eq!((steps[0].protocol.map(|p| p.word()), steps[0].auth.map(|a| a.word())), (Some("https"), Some("jwt")));
    assert_eq!(steps[0].protocol_from, Some(StatedBy::Uses(declared as u32)));
    assert_eq!(steps[0].auth_from, Some(StatedBy::Uses(declared as u32)));
    assert_eq!((steps[1].protocol.map(|p| p.word()), steps[1].auth.map(|a| a.word())), (Some("http"), Some("basic")));
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
    assert!(sec002[0].contains("plaintext `http`, the `default-protocol` of zone `dc`"), "{sec002:?}");
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

/// A shop's API: shoppers place orders; a nightly job exports restricted data through the same
/// interface.
fn shop_api(web_uses: &str, step: &str) -> String {
    format!(
        r#"
data Order {{ classification internal }}
data Export {{ classification restricted }}
actor shopper {{ kind user }}
interface OrdersApi rest {{
  auth jwt
  POST /orders (Order) -> Order
  GET /exports -> Export
  op reindex
  GET /.well-known/jwks.json auth none
}}
component web {{
  uses OrdersApi sync {{ protocol https timeout 1s circuit-breaker {web_uses} }}
}}
component orders {{
  exposes OrdersApi
  owns Export
}}
component nightly {{
  kind job
  uses OrdersApi sync {{ protocol https timeout 1s circuit-breaker calls "GET /exports" }}
}}
flow buy {{
  shopper -> web https auth session
  web -> OrdersApi "place" {step}
}}
"#
    )
}

#[test]
fn a_caller_handles_only_the_data_of_the_operations_it_calls() {
    let a = analyze_text(&shop_api("calls \"POST /orders\"", ""));
    let (web, order, export) = (id(&a, "web"), id(&a, "Order"), id(&a, "Export"));
    assert_eq!(a.facts.handled(web), &[order], "web calls only POST /orders");
    assert!(a.facts.handled(id(&a, "nightly")).contains(&export));
    assert!(a.facts.handled(id(&a, "orders")).contains(&export), "the provider handles all its operations");
    // The step names nothing and takes the operations of its `uses`.
    let step = step_link(&a, "web", "orders");
    assert_eq!(&*step.calls, [0]);
    assert_eq!(&*step.carries, [order]);
    // So the shopper reaching `web` needs no second factor for data `web` never touches.
    assert!(codes(&a, "SEC014").is_empty(), "{:?}", codes(&a, "SEC014"));
    // Without `calls`, web may call any operation and handles the export too.
    let all = analyze_text(&shop_api("", ""));
    assert!(all.facts.handled(id(&all, "web")).contains(&id(&all, "Export")));
    assert_eq!(codes(&all, "SEC014").len(), 1);
}

#[test]
fn a_uses_that_names_no_operation_takes_those_its_steps_name() {
    let a = analyze_text(&shop_api("", "calls \"op reindex\""));
    let uses = uses_link(&a, "web", "orders");
    assert_eq!(&*uses.calls, [2], "the operation `reindex`, written `op reindex`");
    assert!(uses.carries.is_empty(), "reindex exchanges no data: {:?}", uses.carries);
}

#[test]
fn an_endpoint_that_needs_no_authentication_decides_the_auth_of_the_link_calling_it() {
    let a = analyze_text(&shop_api("calls \"GET /.well-known/jwks.json\"", ""));
    let uses = uses_link(&a, "web", "orders");
    assert_eq!(uses.auth.map(|a| a.word()), Some("none"), "the endpoint's own `auth none` wins over the interface's");
    let other = uses_link(&a, "nightly", "orders");
    assert_eq!(other.auth.map(|a| a.word()), Some("jwt"));
}

#[test]
fn a_call_that_names_no_endpoint_is_an_error_with_a_suggestion() {
    let a = analyze_text(&shop_api("calls \"POST /order\"", ""));
    let d: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES010").collect();
    assert_eq!(d.len(), 1, "{:?}", a.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert!(d[0].message.contains("interface `OrdersApi` has no endpoint or operation `POST /order`"));
    assert_eq!(d[0].help.as_deref(), Some("did you mean `POST /orders`?"));
    assert_eq!(d[0].fixes[0].edits[0].new_text, "\"POST /orders\"");
    let no_iface = analyze_text("component a {\n  uses b sync { calls \"GET /x\" timeout 1s }\n}\ncomponent b\n");
    let d: Vec<_> = no_iface.diagnostics.iter().filter(|d| d.code.id == "RES010").collect();
    assert_eq!(d.len(), 1);
    assert!(d[0].message.contains("goes through no interface"), "{}", d[0].message);
    // A target that does not resolve is reported once, as the dangling reference it is.
    let dangling = analyze_text("component a {\n  uses Nowhere sync { calls \"GET /x\" timeout 1s }\n}\n");
    let codes: Vec<&str> =
        dangling.diagnostics.iter().map(|d| d.code.id).filter(|c| c.starts_with("RES") || *c == "HYG001").collect();
    assert_eq!(codes, vec!["HYG001"]);
}

#[test]
fn a_topic_provides_an_event_interface() {
    let text = r#"
event Paid { classification internal }
interface PaymentEvents events { carries Paid }
topic payments {
  exposes PaymentEvents
  carries Paid
}
component billing {
  uses PaymentEvents async { protocol kafka-tls }
}
"#;
    let a = analyze_text(text);
    let (topic, iface) = (id(&a, "payments"), id(&a, "PaymentEvents"));
    assert_eq!(a.facts.provider.get(&iface), Some(&topic));
    let l = a.facts.links.iter().find(|l| l.from == id(&a, "billing")).expect("billing's link");
    assert_eq!((l.to, l.via), (topic, Some(iface)));
    assert_eq!(&*l.carries, [id(&a, "Paid")]);
    let provider = analyze_text(
        "interface E events\ntopic t\ncomponent c {\n  exposes E\n  standalone\n}\ninterface F events { provider t }\n",
    );
    assert!(provider.diagnostics.iter().all(|d| !d.code.id.starts_with("RES")), "a topic may be a provider");
}

const GIT_SERVER: &str = r#"
data SourceCode { classification confidential }
data DeployKey { classification restricted  credentials }
component git {
  kind service
  holds SourceCode, DeployKey
  encrypted-at-rest no
  standalone
}
component ci {
  uses git sync { protocol https auth service-token timeout 10s carries SourceCode }
}
datastore artifacts { holds SourceCode }
"#;

#[test]
fn a_component_that_declares_what_it_holds_keeps_that_data_at_rest() {
    let a = analyze_text(GIT_SERVER);
    let (git, ci, code, key) = (id(&a, "git"), id(&a, "ci"), id(&a, "SourceCode"), id(&a, "DeployKey"));
    assert_eq!(a.facts.kept_at_rest(git), &[code, key]);
    assert!(a.facts.keeps_data(git));
    // A caller handles what it fetches, but keeps nothing at rest.
    assert!(a.facts.handled(ci).contains(&code));
    assert!(a.facts.kept_at_rest(ci).is_empty() && !a.facts.keeps_data(ci));
    assert_eq!(a.facts.kept_at_rest(id(&a, "artifacts")), &[code]);
}

#[test]
fn the_at_rest_encryption_rule_judges_a_component_that_holds_data() {
    let a = analyze_text(GIT_SERVER);
    let sec008 = codes(&a, "SEC008");
    assert_eq!(sec008.len(), 1, "{sec008:?}");
    assert!(sec008[0].contains("component `git` keeps"), "{sec008:?}");
    assert!(sec008[0].contains("`DeployKey`"), "{sec008:?}");
    let encrypted = analyze_text(&GIT_SERVER.replace("encrypted-at-rest no", "encrypted-at-rest yes"));
    assert!(codes(&encrypted, "SEC008").is_empty());
}

#[test]
fn a_step_that_inherits_from_its_uses_is_judged_once_at_the_uses() {
    let text = "zone dmz { trust low }\nzone core { trust high }\ncomponent web {\n  zone dmz\n  uses orders sync { protocol http auth none timeout 1s circuit-breaker }\n}\ncomponent orders { zone core }\nflow buy {\n  web -> orders \"place\"\n}\nflow refund {\n  web -> orders \"refund\"\n}\n";
    let a = analyze_text(text);
    for code in ["SEC002", "SEC003"] {
        let found = codes(&a, code);
        assert_eq!(found.len(), 1, "{code}: {found:?}");
        assert!(found[0].starts_with("`web -> orders`"), "reported at the uses: {found:?}");
    }
}

#[test]
fn data_carries_the_cia_triple_in_the_facts() {
    use archc::lang::{Classification, Criticality};
    let a = analyze_text("event Paid {\n  classification confidential\n  integrity mission-critical\n  availability high\n}\ndata Note\n");
    let triple = |name: &str| {
        let t = a.facts.traits(id(&a, name));
        (t.classification, t.integrity, t.availability)
    };
    assert_eq!(
        triple("Paid"),
        (Some(Classification::Confidential), Some(Criticality::MissionCritical), Some(Criticality::High))
    );
    assert_eq!(triple("Note"), (None, None, None));
}

#[test]
fn the_report_shows_what_a_uses_takes_from_its_zone() {
    let a = analyze_text(MESH);
    let rep = archc::emit::report::render(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &[]);
    assert!(
        rep.markdown.contains("protocol mtls (the default of zone [cluster](#el-cluster))"),
        "{}",
        rep.markdown.lines().filter(|l| l.contains("orders")).collect::<Vec<_>>().join("\n")
    );
    assert!(rep.markdown.contains("auth mtls (the default of zone [cluster](#el-cluster))"));
}

#[test]
fn the_report_lists_a_holding_component_at_rest_and_the_cia_ratings() {
    let text = GIT_SERVER.replace(
        "data DeployKey { classification restricted  credentials }",
        "data DeployKey {\n  classification restricted\n  credentials\n  integrity critical\n  availability high\n}",
    );
    let a = analyze_text(&text);
    let rep = archc::emit::report::render(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &[]);
    let md = &rep.markdown;
    assert!(md.contains("per store and component that holds data"), "{md}");
    let row = md.lines().find(|l| l.starts_with("| [git](#el-git) | component |")).expect("git in the at-rest table");
    assert!(row.contains("[DeployKey](#el-DeployKey)") && row.contains("| no |"), "{row}");
    assert!(md.contains("| restricted; integrity critical; availability high |"), "{md}");
}

/// Two components of one container call each other in process: a zone's network default does
/// not turn that call into mTLS, and a system default reaches the nested components' own system.
#[test]
fn calls_inside_one_container_stay_in_process_under_a_zone_default() {
    let a = analyze_text(
        "zone cluster {\n  trust high\n  default-protocol mtls\n}\nsystem shop {\n  default-auth service-token\n  component orders {\n    zone cluster\n    component pricing {\n      uses rules sync\n    }\n    component rules\n  }\n  component stock {\n    zone cluster\n    uses billing sync\n  }\n  component billing {\n    zone cluster\n  }\n}\n",
    );
    let inner = uses_link(&a, "pricing", "rules");
    assert_eq!(inner.protocol_from, None, "no default reaches a call inside a container");
    assert_eq!(inner.transit, Transit::Local);
    let between = uses_link(&a, "stock", "billing");
    assert_eq!(between.protocol.map(|p| p.word()), Some("mtls"));
    assert_eq!(between.auth.map(|a| a.word()), Some("mtls"), "the zone's mesh wins over the system's default");
}
