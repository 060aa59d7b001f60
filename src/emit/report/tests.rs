//! Report tests: section content, Markdown and HTML rendering, holes and anchors on a sample model.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::doc::{Block, Inline};
use super::*;
use crate::driver::{self, Analysis};
use crate::host::MemHost;

const RICH: &str = r##"
import std.tech
import std.security

system shop "Shop Platform" {
  summary "Sells things online."
  owner checkout
  scope "Catalogue and checkout"
  complexity medium
  style arch_style
  users 100K
  security "OAuth2 at the edge"
  profile baseline
}

decision arch_style "Architectural style" {
  category style
  status accepted
  option monolith "Modular monolith" { pro "Simple to deploy"  con "Scales as one unit" }
  option micro "Microservices" { pro "Independent scaling"  con "Operational overhead" }
  chosen monolith
  rationale "Team of six"
  evolution "Split payments out at 1M users"
}

zone internet { trust none  internet }
zone core { trust high }
team checkout "Checkout team" { contact "#checkout" }
person ann "Ann" { team checkout  role "lead" }
actor customer "Customer" { kind user  zone internet }
external stripe "Stripe" { kind payment  zone internet  exposes StripeApi }

data Order {
  classification confidential
  field id: uuid key
  field email: string pii
}
event OrderPlaced { classification internal }

component web "Web Shop" {
  kind frontend  layer presentation  zone core  owner checkout
  tech "React"
  does "Renders the shop"
  uses orders sync { protocol https  auth jwt }
}

component orders "Order Service" {
  kind service  layer business  zone core  owner checkout  replicas 3
  tech "Rust, axum"
  does "Owns the order lifecycle"
  does "Publishes order events"
  owns Order
  exposes OrdersApi
  publishes OrderPlaced
  uses db sync { protocol postgres-tls }
  uses stripe sync { timeout 2s  retries 2  circuit-breaker  protocol https  auth api-key }
  uses bus async
}

datastore db "Orders DB" { tech postgres  zone core  owner checkout  holds Order }
topic bus "Order events" { tech kafka  zone core  owner checkout  carries OrderPlaced }
queue jobs "Jobs" { zone core  owner checkout }
cache hot "Hot cache" { kind distributed  tech redis  zone core  holds Order  serves orders  ttl 5m  invalidation ttl }
technology lonely "Lonely tech" { kind other }

interface OrdersApi rest {
  auth oauth2  version "v1"  rate-limit 200/s  exposure public  errors problem-json
  POST /orders (Order) -> Order "Place an order"
  GET /orders/{id} -> Order
}
interface StripeApi rest { auth api-key  exposure partner }

flow checkout_flow "Checkout" {
  kind journey
  trigger "Customer presses Buy"
  p95 300ms
  customer -> web "Buy" https 20ms
  web -> orders via OrdersApi https 40ms
  orders -> stripe https auth api-key 150ms
  orders -> db postgres-tls 100ms
  orders ~> bus kafka-tls carries OrderPlaced
}

quality targets { p95 200ms  availability 99.9% }
milestone m10k "10K users" { users 10K  change "Add read replicas" }

deployment prod "Production" {
  environment production
  node cluster { runs web, orders  instances 3  autoscale { min 2  max 10 } }
}

observability obs "Monitoring" { tech "Prometheus"  metric "latency" }
control waf_rules "WAF rules" { mitigates denial-of-service }
profile edge "Edge" { controls waf_rules }

risk db_bottleneck "Database bottleneck" {
  category scalability  likelihood medium  impact high
  mitigation "Read replicas"  contingency ?
}

phase p2 "MVP" { period ?  after p1  goal "Checkout" }
phase p1 "Core" { period "Weeks 1-4"  goal "CI" }

metric uptime "Uptime" { category reliability  target "99.9%" }
"##;

fn analyze(files: &[(&str, &str)]) -> Analysis {
    let host = MemHost::new(files.iter().copied());
    let mut out = driver::analyze_paths(&host, &[PathBuf::from("/ws")]);
    assert!(out.errors.is_empty());
    out.analyses.remove(0)
}

fn report_of(a: &Analysis) -> (Document, Report) {
    let diagrams = vec![
        DiagramInput {
            name: "context".into(),
            title: "System context".into(),
            svg: Some("<svg id=\"a\"></svg>".into()),
            error: None,
        },
        DiagramInput { name: "flow-checkout_flow".into(), title: "Flow".into(), svg: None, error: Some("boom".into()) },
        DiagramInput { name: "mystery".into(), title: "Mystery".into(), svg: Some("<svg></svg>".into()), error: None },
    ];
    let doc = document(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &diagrams);
    let rep = render(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &diagrams);
    (doc, rep)
}

fn no_front_end_errors(a: &Analysis) {
    let bad: Vec<_> = a
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == crate::diagnostics::Severity::Error && crate::diagnostics::codes::ALL.contains(&d.code)
        })
        .map(|d| d.message.clone())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn every_element_has_an_anchor_and_no_link_dangles() {
    let a = analyze(&[("/ws/main.arch", RICH)]);
    no_front_end_errors(&a);
    let (doc, rep) = report_of(&a);
    let anchors = doc.anchors();
    for (id, e) in a.model.iter().filter(|(_, e)| !e.from_std) {
        let anchor = format!("el-{}", a.model.path_of(id));
        assert!(anchors.contains(&anchor), "no anchor for {} {}", e.kind.keyword(), anchor);
    }
    // In the HTML every `href="#x"` has an `id="x"`, and ids are unique.
    let ids: Vec<&str> = rep.html.split(" id=\"").skip(1).map(|s| &s[..s.find('"').unwrap_or(0)]).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids");
    for href in rep.html.split("href=\"#").skip(1).map(|s| &s[..s.find('"').unwrap_or(0)]) {
        assert!(unique.contains(href), "dangling link #{href}");
    }
}

#[test]
fn markdown_and_html_come_from_one_tree() {
    let a = analyze(&[("/ws/main.arch", RICH)]);
    let (doc, rep) = report_of(&a);
    for b in &doc.blocks {
        if let Block::Heading { level, text, id } = b {
            let md = format!("{} {}", "#".repeat(*level as usize), markdown::escape(text, false));
            assert!(rep.markdown.contains(&md), "markdown lacks {md}");
            let html = format!("<h{level} id=\"{id}\">{}</h{level}>", html::escape(text));
            assert!(rep.html.contains(&html), "html lacks {html}");
        }
    }
}

#[test]
fn sections_are_filled_from_the_model() {
    let a = analyze(&[("/ws/main.arch", RICH)]);
    let (_, rep) = report_of(&a);
    let md = &rep.markdown;
    for needle in [
        "**Architectural Style**: [Modular monolith](#el-arch_style.monolith)",
        "**Scalability Target**: 100K users",
        "| [Checkout](#el-checkout_flow) | 4 | 310ms | 300ms | over budget by 10ms |",
        "### Phase 1: Core (Weeks 1-4)",
        "### Phase 2: MVP",
        "**Scalability Risks**:",
        "no (PostgreSQL does not encrypt by default)",
        "| denial-of-service | [WAF rules](#el-waf_rules) |",
        "[Web Shop](#el-web) uses [Order Service](#el-orders)",
        "**Consumers**: [Web Shop](#el-web)",
    ] {
        assert!(md.contains(needle), "report lacks {needle:?}");
    }
    // Diagrams go where they belong; unknown ones to the appendix; failures say why.
    let context = md.find("![System context](diagrams/context.svg)").expect("context diagram");
    assert!(context < md.find("## Component Architecture").unwrap_or(0));
    assert!(md.contains("could not be rendered: boom"));
    assert!(
        md.find("![Mystery](diagrams/mystery.svg)").unwrap_or(0) > md.find("## Other Diagrams").unwrap_or(usize::MAX)
    );
}

#[test]
fn holes_are_listed_with_their_place() {
    let a = analyze(&[("/ws/main.arch", RICH)]);
    let (_, rep) = report_of(&a);
    let appendix = &rep.markdown[rep.markdown.find("## Open Holes").unwrap_or(0)..];
    assert!(
        appendix.contains("| [Database bottleneck](#el-db_bottleneck) | risk | `contingency` | main.arch:"),
        "{appendix}"
    );
    assert!(appendix.contains("| [MVP](#el-p2) | phase | `period` | main.arch:"));
    let risks = &rep.markdown[rep.markdown.find("## Risk Assessment").unwrap_or(0)..];
    assert!(risks.contains("**Contingency**: *to be filled* (`?` at main.arch:"));
}

#[test]
fn a_sparse_model_says_what_it_lacks() {
    let a = analyze(&[("/ws/a.arch", "component solo { does \"Everything\" }\n")]);
    let (_, rep) = report_of(&a);
    let md = &rep.markdown;
    for needle in [
        "The model declares no system",
        "The model declares no decisions.",
        "The model declares no risks.",
        "The model declares no roadmap phases.",
        "The model declares no success metrics.",
        "The model declares no deployments.",
        "The model declares no flows.",
        "The model declares no caches.",
        "The model has no holes.",
    ] {
        assert!(md.contains(needle), "report lacks {needle:?}");
    }
}

#[test]
fn model_text_is_escaped_and_output_is_deterministic() {
    let src = "component x \"<b>X</b>\" { does \"a | b * c <script>alert(1)</script> & d\" }\n";
    let a = analyze(&[("/ws/a.arch", src)]);
    let (_, one) = report_of(&a);
    let (_, two) = report_of(&a);
    assert_eq!(one.markdown, two.markdown);
    assert_eq!(one.html, two.html);
    assert!(!one.html.contains("<script>"));
    assert!(one.html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; d"));
    assert!(one.markdown.contains("a \\| b \\* c \\<script\\>"));
    assert!(one.html.contains("&lt;b&gt;X&lt;/b&gt;"));
}

#[test]
fn clauses_read_as_sentences() {
    let r = super::doc::clauses(vec![
        super::doc::plain("All encrypted."),
        super::doc::plain("profiles x"),
        super::doc::plain("2 zones"),
    ]);
    assert_eq!(super::doc::flatten(&r), "All encrypted. Profiles x; 2 zones");
}

#[test]
fn links_to_undescribed_elements_become_text() {
    let mut doc = Document {
        title: "t".into(),
        subject: None,
        blocks: vec![Block::Para(vec![
            Inline::Link { text: "a".into(), href: "#el-a".into(), code: false },
            Inline::Anchor("el-b".into()),
            Inline::Link { text: "b".into(), href: "#el-b".into(), code: false },
        ])],
    };
    doc.unlink_missing();
    let Block::Para(r) = &doc.blocks[0] else { return };
    assert_eq!(r[0], Inline::Text("a".into()));
    assert!(matches!(r[2], Inline::Link { .. }));
}

#[test]
fn the_introduction_states_purpose_scope_audience_and_glossary_from_the_model() {
    let a = analyze(&[("/ws/main.arch", RICH)]);
    let (_, rep) = report_of(&a);
    let md = &rep.markdown;
    let intro = &md[md.find("## Introduction").expect("an Introduction")..md.find("## System Overview").unwrap()];
    for needle in [
        "### Purpose",
        "**Purpose of **[Shop Platform](#el-shop): Sells things online.",
        "**In scope of **[Shop Platform](#el-shop): Catalogue and checkout",
        "Outside the boundary, depended on but not described here: [Stripe](#el-stripe)",
        "**Teams owning elements**: [Checkout team](#el-checkout)",
        "**Actors using the system**: [Customer](#el-customer)",
        "| [Order](#el-Order) | data entity | not stated |",
        "| [OrderPlaced](#el-OrderPlaced) | event | not stated |",
        "| hole |",
    ] {
        assert!(intro.contains(needle), "introduction lacks {needle:?}:\n{intro}");
    }
    // Nothing the model does not say: no out-of-scope line when the system states none.
    assert!(!intro.contains("Out of scope"), "{intro}");
    let sparse = analyze(&[("/ws/a.arch", "system s { }\ncomponent solo { does \"Everything\" }\n")]);
    let (_, rep) = report_of(&sparse);
    assert!(rep.markdown.contains("**Purpose of **[s](#el-s): not stated (no `summary`)"), "{}", rep.markdown);
    assert!(rep.markdown.contains("not stated (no team declared)"));
}

#[test]
fn gaps_are_listed_with_their_place_and_findings_sit_beside_their_element() {
    let src = "system s { summary \"S\" }\ndata Card { field pan: string }\ncomponent api { does \"Serves\"  system s  owns Card }\n";
    let a = analyze(&[("/ws/a.arch", src)]);
    assert!(a.diagnostics.iter().any(|d| d.code.id == "SEC009"), "the fixture must miss a classification");
    let (_, rep) = report_of(&a);
    let md = &rep.markdown;
    let appendix = &md[md.find("## Open Holes").unwrap()..];
    assert!(appendix.contains("that the rules needed (gaps"), "{appendix}");
    let row = appendix.lines().find(|l| l.contains("`SEC009`")).expect("the SEC009 gap");
    assert!(row.starts_with("| a.arch:2 |"), "{row}");
    // The finding about `Card` also appears right under Card's heading.
    let heading = md.find("##### Card (data)").expect("Card's heading");
    let after = &md[heading + 5..];
    let findings = after.find("**Findings**:").expect("findings beside Card");
    assert!(findings < after.find("\n#").unwrap_or(usize::MAX), "{after}");
    assert!(after[findings..].contains("`SEC009` (error)"));
}

#[test]
fn threat_model_lists_catalogue_threats_with_their_status() {
    let model = "import std.threats\n\ncomponent site {\n  kind frontend\n  standalone\n}\n\naccept SEC022@site@cross_site_scripting \"templates auto-escape and a strict CSP is set\"\n";
    let a = analyze(&[("/ws/a.arch", model)]);
    no_front_end_errors(&a);
    let md = report_of(&a).1.markdown;
    assert!(md.contains("### Threat Model"), "no threat model section");
    assert!(
        md.contains(
            "| Cross-site scripting | tampering | CWE-79 | mitigated: templates auto-escape and a strict CSP is set |"
        ),
        "the accepted threat is not shown as mitigated"
    );
    assert!(md.contains("| Cross-site request forgery | spoofing | CWE-352 | open |"), "the open threat is missing");
    let without = analyze(&[("/ws/a.arch", "component site {\n  kind frontend\n  standalone\n}\n")]);
    assert!(!report_of(&without).1.markdown.contains("Threat Model"), "no catalogue, no section");
}
