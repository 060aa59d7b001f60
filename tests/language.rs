//! The language as a workspace sees it (issue 11): one namespace per workspace, an interface
//! provided once, nesting, landscape relations and return steps. Each test runs the driver on
//! an in-memory workspace and asserts on the diagnostics and the model a user would see.

use std::path::{Path, PathBuf};

use archc::diagnostics::Diagnostic;
use archc::driver::{analyze_paths, Analysis};
use archc::host::MemHost;

const ROOT: &str = "/ws";

fn host(files: &[(&str, &str)]) -> MemHost {
    let mut host = MemHost::default();
    for (name, text) in files {
        host.insert(&Path::new(ROOT).join(name), text.as_bytes().to_vec());
    }
    host
}

/// Analyses `paths` (relative to the workspace root) of a workspace made of `files`.
fn analyse_paths(files: &[(&str, &str)], paths: &[&str]) -> Analysis {
    let host = host(files);
    let paths: Vec<PathBuf> = paths.iter().map(|p| Path::new(ROOT).join(p)).collect();
    let mut outcome = analyze_paths(&host, &paths);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.analyses.len(), 1);
    outcome.analyses.remove(0)
}

fn analyse(files: &[(&str, &str)]) -> Analysis {
    analyse_paths(files, &[""])
}

fn codes(a: &Analysis) -> Vec<String> {
    a.diagnostics.iter().map(|d| format!("{} {}", d.code.id, d.message)).collect()
}

/// Front-end diagnostics only (syntax and resolution), not rule findings.
fn front_end(a: &Analysis) -> Vec<&Diagnostic> {
    a.diagnostics.iter().filter(|d| archc::diagnostics::codes::ALL.iter().any(|c| c.id == d.code.id)).collect()
}

fn file_of(a: &Analysis, span: archc::source::Span) -> &str {
    a.workspace.sources.name(span.file)
}

#[test]
fn files_refer_to_each_other_in_both_directions_without_imports() {
    // `system.arch` names a decision declared in a later file, and that file names the system's
    // team back: with file imports this needed a cycle, which was an error.
    let files = [
        ("arch.toml", ""),
        ("a_system.arch", "system shop {\n  owner web\n  style style_choice\n}\n"),
        (
            "b_decisions.arch",
            "team web { contact \"#web\" }\ndecision style_choice {\n  owner web\n  chosen modular\n  option modular\n}\n",
        ),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let shop = a.model.lookup("shop").and_then(|id| a.model.get(id)).expect("shop");
    assert!(shop.reference("style").is_some(), "the decision of a later file resolves");
}

#[test]
fn an_import_of_a_workspace_file_is_allowed_even_in_a_cycle() {
    let files = [
        ("arch.toml", ""),
        ("a.arch", "import \"b.arch\"\nteam ta { contact \"#a\" }\ndata A { owner tb }\n"),
        ("b.arch", "import \"a.arch\"\nteam tb { contact \"#b\" }\ndata B { owner ta }\n"),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
}

#[test]
fn a_file_checked_on_its_own_sees_its_whole_workspace() {
    let files = [
        ("arch.toml", ""),
        ("teams.arch", "team web { contact \"#web\" }\n"),
        ("shop/web.arch", "component storefront {\n  owner web\n}\n"),
    ];
    let a = analyse_paths(&files, &["shop/web.arch"]);
    assert!(!codes(&a).iter().any(|c| c.starts_with("HYG001")), "{:?}", codes(&a));
    let web = a.model.lookup("storefront").and_then(|id| a.model.get(id)).expect("storefront");
    assert!(web.reference("owner").is_some());
}

#[test]
fn a_std_module_imported_once_serves_the_whole_workspace() {
    let files = [
        ("arch.toml", ""),
        ("catalogue.arch", "import std.tech\n"),
        ("db.arch", "datastore orders_db {\n  tech postgres\n}\n"),
    ];
    let a = analyse(&files);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let db = a.model.lookup("orders_db").and_then(|id| a.model.get(id)).expect("db");
    assert!(db.reference("tech").is_some(), "`postgres` is the std catalogue entry");
}

#[test]
fn a_name_declared_in_two_files_is_an_error_with_both_places() {
    let files =
        [("arch.toml", ""), ("a.arch", "component orders {\n  standalone\n}\n"), ("b.arch", "datastore orders\n")];
    let a = analyse(&files);
    let dup: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "HYG002").collect();
    assert_eq!(dup.len(), 1, "{:?}", codes(&a));
    let primary = dup[0].primary.as_ref().expect("primary");
    let first = dup[0].secondary.first().expect("the first declaration is related");
    let mut files_named = [file_of(&a, primary.span), file_of(&a, first.span)];
    files_named.sort_unstable();
    assert_eq!(files_named, ["a.arch", "b.arch"]);
}

#[test]
fn a_second_exposes_of_an_interface_is_an_error_naming_the_first_provider() {
    let files = [
        ("arch.toml", ""),
        ("a.arch", "component billing {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest\n"),
        ("b.arch", "component ledger {\n  exposes BillingApi\n  standalone\n}\n"),
    ];
    let a = analyse(&files);
    let twice: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES008").collect();
    assert_eq!(twice.len(), 1, "{:?}", codes(&a));
    let d = twice[0];
    assert_eq!(d.message, "`BillingApi` is already provided by `billing`");
    let primary = d.primary.as_ref().expect("primary");
    assert_eq!(file_of(&a, primary.span), "b.arch", "reported at the second `exposes`");
    let related = d.secondary.first().expect("the first provider is related");
    assert_eq!(file_of(&a, related.span), "a.arch");
    assert!(d.help.as_deref().unwrap_or("").contains("one provider"), "{:?}", d.help);
}

#[test]
fn an_exposes_that_contradicts_the_interface_provider_is_an_error() {
    let text = "component billing {\n  standalone\n}\ncomponent ledger {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest {\n  provider billing\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let twice: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES008").collect();
    assert_eq!(twice.len(), 1, "{:?}", codes(&a));
    assert!(twice[0].secondary[0].message.contains("its `provider`"), "{:?}", twice[0].secondary);

    // The provider itself repeating it in `exposes` is consistent.
    let same = "component billing {\n  exposes BillingApi\n  standalone\n}\ninterface BillingApi rest {\n  provider billing\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", same)]);
    assert!(!codes(&a).iter().any(|c| c.starts_with("RES008")), "{:?}", codes(&a));
}

const NESTED: &str = r##"team web { contact "#web" }
zone dmz { trust medium }
system shop {
  owner web
  component storefront {
    kind spa
    zone dmz
    uses checkout sync { timeout 1s circuit-breaker }
    component cart_view {
      does "Shows the cart"
      uses shop.storefront.price_format sync
    }
    component price_format {
      does "Formats prices"
    }
  }
  component checkout {
    kind service
  }
}
"##;

#[test]
fn components_nest_in_containers_and_systems_and_inherit_owner_zone_and_system() {
    let a = analyse(&[("arch.toml", ""), ("m.arch", NESTED)]);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let id = |n: &str| a.model.lookup(n).unwrap_or_else(|| panic!("{n} is a workspace name"));
    let (shop, storefront, cart, checkout) = (id("shop"), id("storefront"), id("cart_view"), id("checkout"));
    let el = |i| a.model.get(i).expect("element");
    assert_eq!(el(cart).parent, Some(storefront));
    assert_eq!(el(storefront).parent, Some(shop));
    assert_eq!(el(storefront).children[..], [cart, id("price_format")]);
    // The qualified name resolved to the same element as the plain one.
    let uses = el(cart).attr("uses").and_then(|u| u.first()).map(|v| v.val.clone());
    assert_eq!(uses, Some(archc::semantic::model::Val::Ref(id("price_format"))));
    // Inherited facts: the system from the nesting, the owner from the system, the zone from
    // the container.
    assert_eq!(a.facts.system_of(cart), Some(shop));
    assert_eq!(a.facts.system_of(checkout), Some(shop));
    assert_eq!(a.facts.owner_of(cart), Some(id("web")));
    assert_eq!(a.facts.zone_of(cart), Some(id("dmz")));
    assert_eq!(a.facts.zone_of(checkout), None, "a sibling container does not inherit the zone");
    assert!(archc::analysis::facts::is_part(&a.model, cart));
    assert!(!archc::analysis::facts::is_part(&a.model, storefront));
}

#[test]
fn a_nested_component_naming_another_system_is_an_error() {
    let text = "system shop {\n  component api {\n    system billing\n  }\n}\nsystem billing\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let d: Vec<_> = a.diagnostics.iter().filter(|d| d.code.id == "RES009").collect();
    assert_eq!(d.len(), 1, "{:?}", codes(&a));
    assert_eq!(d[0].message, "`api` is declared inside system `shop` but says `system billing`");
}

#[test]
fn only_components_nest_in_a_system_or_a_component() {
    let text = "system shop {\n  datastore db\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    assert!(codes(&a).iter().any(|c| c.contains("cannot be nested inside `system`")), "{:?}", codes(&a));
}

struct NoSvg;
impl archc::emit::diagrams::SvgRenderer for NoSvg {
    fn render(&self, _dot: &str) -> Result<String, String> {
        Err("not rendered in this test".into())
    }
}

#[test]
fn each_container_gets_a_component_view_with_its_components_inside_its_box() {
    use archc::emit::diagrams::{diagrams, DiagramOptions};
    let a = analyse(&[("arch.toml", ""), ("m.arch", NESTED)]);
    let views = diagrams(&a.model, &a.facts, &[], &DiagramOptions { highlight: false, renderer: &NoSvg });
    let names: Vec<&str> = views.iter().map(|d| d.name.as_str()).collect();
    assert!(names.contains(&"components-storefront"), "{names:?}");
    assert!(!names.contains(&"components-checkout"), "checkout has no components: {names:?}");
    let view = views.iter().find(|d| d.name == "components-storefront").expect("view");
    assert_eq!(view.title, "Components of storefront");
    let dot = &view.dot;
    let cluster = dot.find("subgraph cluster_container_").expect("the container is a box");
    let cluster_end = cluster + dot[cluster..].find('}').expect("closed");
    let inside = &dot[cluster..cluster_end];
    assert!(inside.contains("cart_view") && inside.contains("price_format"), "{inside}");
    assert!(!inside.contains("checkout"), "{inside}");
    assert!(dot.contains("\"cart_view\" -> \"price_format\""), "{dot}");
    // The container's own call leaves its box.
    let out = dot.lines().find(|l| l.contains("-> \"checkout\"")).unwrap_or_else(|| panic!("{dot}"));
    assert!(out.contains("ltail=\"cluster_container_"), "{out}");
    // The containers view (C4 level 2) draws the container, not its components.
    let containers = &views.iter().find(|d| d.name == "containers").expect("containers view").dot;
    assert!(containers.contains("\"storefront\"[") && !containers.contains("\"cart_view\""), "{containers}");
    assert!(containers.contains("\"storefront\" -> \"checkout\""), "{containers}");
}

#[test]
fn the_report_lists_each_container_with_its_components_and_places_its_view() {
    use archc::emit::report::{render, DiagramInput};
    let a = analyse(&[("arch.toml", ""), ("m.arch", NESTED)]);
    let view = DiagramInput {
        name: "components-storefront".into(),
        title: "Components of storefront".into(),
        svg: Some("<svg/>".into()),
        error: None,
    };
    let report = render(&a.model, &a.facts, &a.workspace.sources, &a.diagnostics, &[view]);
    let md = &report.markdown;
    let at = md.find("#### Containers and Their Components").unwrap_or_else(|| panic!("no section:\n{md}"));
    let section = &md[at..];
    let section = &section[..section[5..].find("\n#").map_or(section.len(), |i| i + 5)];
    assert!(section.contains("storefront") && section.contains("in system"), "{section}");
    assert!(section.contains("Shows the cart") && section.contains("Formats prices"), "{section}");
    assert!(!md.contains("Other Diagrams"), "the component view is placed in its section");
    // Each component's entry says what it is part of, and its system from the nesting.
    let entry = &md[md.find("<a id=\"el-cart_view\"></a>").unwrap_or_else(|| panic!("entry:\n{md}"))..];
    let entry = &entry[..entry[1..].find("<a id=").map_or(entry.len(), |i| i + 1)];
    assert!(entry.contains("**Part of**") && entry.contains("[storefront]"), "{entry}");
    assert!(entry.contains("**System**") && entry.contains("[shop]"), "{entry}");
}

const LANDSCAPE: &str = r#"system shop
actor shopper {
  kind user
  uses storefront { protocol https auth oidc }
}
external bank {
  kind bank
  uses webhooks async { protocol https auth hmac }
}
component storefront {
  system shop
  uses payments sync { protocol https timeout 2s circuit-breaker }
}
component payments {
  system shop
}
component webhooks {
  system shop
}
flow pay {
  shopper -> storefront "Pay" https
  storefront -> payments "Charge" https
  payments -> storefront "Receipt" reply
  storefront -> shopper "Confirmation" https reply
}
"#;

#[test]
fn actors_and_external_systems_use_elements_outside_flows() {
    use archc::analysis::facts::LinkOrigin;
    let a = analyse(&[("arch.toml", ""), ("m.arch", LANDSCAPE)]);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
    let id = |n: &str| a.model.lookup(n).unwrap_or_else(|| panic!("{n}"));
    let uses = |from: &str, to: &str| {
        a.facts
            .links
            .iter()
            .find(|l| l.from == id(from) && l.to == id(to) && matches!(l.origin, LinkOrigin::Uses))
            .cloned()
    };
    let shopper = uses("shopper", "storefront").expect("the actor's uses is a link");
    assert_eq!(shopper.auth.map(|a| a.word()), Some("oidc"));
    assert!(shopper.wire.is_some_and(|w| w.protocol.word() == "https"));
    let bank = uses("bank", "webhooks").expect("the external system's uses is a link");
    assert!(bank.is_async);
    // The context view draws both relations without any flow naming them.
    struct NoSvg2;
    impl archc::emit::diagrams::SvgRenderer for NoSvg2 {
        fn render(&self, _dot: &str) -> Result<String, String> {
            Err("not rendered".into())
        }
    }
    let only_uses = LANDSCAPE.split("flow pay").next().unwrap_or_default();
    let a = analyse(&[("arch.toml", ""), ("m.arch", only_uses)]);
    let views = archc::emit::diagrams::diagrams(
        &a.model,
        &a.facts,
        &[],
        &archc::emit::diagrams::DiagramOptions { highlight: false, renderer: &NoSvg2 },
    );
    let context = &views.iter().find(|d| d.name == "context").expect("context view").dot;
    assert!(context.contains("\"shopper\" -> \"@system:shop\""), "{context}");
    assert!(context.contains("\"bank\" -> \"@system:shop\""), "{context}");
}

#[test]
fn a_reply_step_answers_a_call_and_is_drawn_dashed_back() {
    let a = analyse(&[("arch.toml", ""), ("m.arch", LANDSCAPE)]);
    let id = |n: &str| a.model.lookup(n).unwrap_or_else(|| panic!("{n}"));
    let steps: Vec<(usize, &archc::analysis::facts::Link)> = a
        .facts
        .links
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(l.origin, archc::analysis::facts::LinkOrigin::Step { .. }))
        .collect();
    assert_eq!(steps.len(), 4);
    let (i, receipt) = steps[2];
    assert!(receipt.reply && receipt.from == id("payments") && receipt.to == id("storefront"));
    assert!(!a.facts.deps.is_dependency(i), "a reply is not a dependency of payments on storefront");
    let (j, confirmation) = steps[3];
    assert!(confirmation.reply && !a.facts.deps.is_dependency(j));
    assert!(a.facts.deps.is_dependency(steps[1].0), "the call itself is");
    // No dependency cycle storefront <-> payments comes from the answer.
    assert!(!codes(&a).iter().any(|c| c.starts_with("CPL001")), "{:?}", codes(&a));

    let views = archc::emit::diagrams::diagrams(
        &a.model,
        &a.facts,
        &[],
        &archc::emit::diagrams::DiagramOptions { highlight: false, renderer: &NoSvg },
    );
    let flow = &views.iter().find(|d| d.name == "flow-pay").expect("flow view").dot;
    let edge = flow.lines().find(|l| l.contains("\"payments\" -> \"storefront\"")).expect("the reply is drawn");
    assert!(edge.contains("style=\"dashed\"") && edge.contains("constraint=\"false\""), "{edge}");
    assert!(flow.contains("reply, back to the caller"), "the legend explains it");
    let call = flow.lines().find(|l| l.contains("\"storefront\" -> \"payments\"")).expect("the call");
    assert!(!call.contains("dashed"), "{call}");
}

#[test]
fn a_link_to_the_second_provider_is_not_told_to_add_the_exposes_it_has() {
    let text = "component billing {\n  exposes BillingApi\n  standalone\n}\ncomponent ledger {\n  exposes BillingApi\n}\ninterface BillingApi rest\ncomponent web {\n  uses ledger sync { via BillingApi timeout 1s circuit-breaker }\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let all = codes(&a);
    assert_eq!(all.iter().filter(|c| c.starts_with("RES008")).count(), 1, "{all:?}");
    assert!(!all.iter().any(|c| c.starts_with("HYG003")), "one cause, one finding: {all:?}");
}

#[test]
fn the_rules_judge_components_of_a_container_as_part_of_it() {
    let text = r##"team web { contact "#web" }
zone core { trust high }
actor shopper
system shop {
  owner web
  component api {
    kind service
    zone core
    component pricing {
      does "Prices the cart"
      uses rounding sync
    }
    component rounding {
      does "Rounds money"
    }
  }
}
flow buy {
  criticality high
  shopper -> pricing https
}
"##;
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let all = codes(&a);
    let about = |code: &str, name: &str| all.iter().any(|c| c.starts_with(code) && c.contains(&format!("`{name}`")));
    for part in ["pricing", "rounding"] {
        assert!(!about("OWN008", part), "declared in a system: {all:?}");
        assert!(!about("OWN001", part), "owned through the system: {all:?}");
        assert!(!about("HYG008", part), "in its container's zone: {all:?}");
    }
    // A call between two components of one container stays in its process.
    assert!(!all.iter().any(|c| c.starts_with("REL002")), "{all:?}");
    let id = |n: &str| a.model.lookup(n).unwrap_or_else(|| panic!("{n}"));
    let inner = a.facts.links.iter().find(|l| l.from == id("pricing") && l.to == id("rounding")).expect("link");
    assert!(inner.is_local(), "{:?}", inner.wire);
    // The single point of failure is the container the component runs in, reported once.
    let spof: Vec<_> = all.iter().filter(|c| c.starts_with("REL001")).collect();
    assert_eq!(spof.len(), 1, "{all:?}");
    assert!(spof[0].contains("`api`"), "{spof:?}");
}

#[test]
fn a_reply_across_zones_needs_no_authentication_of_its_own() {
    let text = "zone outside { trust none }\nzone inside { trust high }\nactor shopper { zone outside }\ncomponent web { zone inside }\nflow f {\n  shopper -> web https auth session\n  web -> shopper https reply\n  web -> shopper https\n}\n";
    let a = analyse(&[("arch.toml", ""), ("m.arch", text)]);
    let gaps: Vec<String> =
        codes(&a).into_iter().filter(|c| c.starts_with("HYG008") && c.contains("web -> shopper")).collect();
    assert_eq!(gaps.len(), 1, "only the unmarked step lacks auth: {gaps:?}");
}

#[test]
fn the_backstage_catalog_makes_a_component_of_a_container_its_subcomponent() {
    use archc::emit::export::{export, Format};
    let a = analyse(&[("arch.toml", ""), ("m.arch", NESTED)]);
    let yaml = export(&a.model, &a.facts, &a.workspace.sources, Format::Backstage);
    let doc = yaml.split("\n---").find(|d| d.contains("name: \"cart_view\"") || d.contains("name: cart_view"));
    let doc = doc.unwrap_or_else(|| panic!("no cart_view entity:\n{yaml}"));
    assert!(doc.contains("subcomponentOf:") && doc.contains("storefront"), "{doc}");
    assert!(doc.contains("system:") && doc.contains("shop"), "the system comes from the nesting: {doc}");
}

#[test]
fn renaming_a_container_rewrites_its_segment_of_qualified_names() {
    use archc::driver::RunOptions;
    use archc::ide::{navigate, Snapshot};
    let files = [("arch.toml", ""), ("m.arch", NESTED)];
    let host = host(&files);
    let snap = Snapshot::build(&host, &[PathBuf::from(ROOT)], 0, &RunOptions::default());
    let path = Path::new(ROOT).join("m.arch");
    let file = snap.file(&path).expect("workspace file");
    let offset = NESTED.find("component storefront").expect("declaration") + "component ".len();
    let edits = navigate::rename(&snap, file, offset, "shopfront").unwrap_or_else(|e| panic!("{e:?}"));
    let mut text = NESTED.to_string();
    let mut sorted = edits.clone();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    for e in &sorted {
        text.replace_range(e.range.clone(), &e.new_text);
    }
    assert!(text.contains("component shopfront {"), "{text}");
    assert!(text.contains("uses shop.shopfront.price_format sync"), "{text}");
    // The renamed workspace still resolves.
    let a = analyse(&[("arch.toml", ""), ("m.arch", &text)]);
    assert!(front_end(&a).is_empty(), "{:?}", codes(&a));
}

#[test]
fn hover_on_a_nested_component_names_its_container_and_system() {
    use archc::driver::RunOptions;
    use archc::ide::{hover, Snapshot};
    let host = host(&[("arch.toml", ""), ("m.arch", NESTED)]);
    let snap = Snapshot::build(&host, &[PathBuf::from(ROOT)], 0, &RunOptions::default());
    let file = snap.file(&Path::new(ROOT).join("m.arch")).expect("workspace file");
    let offset = NESTED.find("component cart_view").expect("declaration") + "component ca".len();
    let md = hover::hover(&snap, file, offset).expect("hover").markdown;
    assert!(md.contains("- part of: `storefront`"), "{md}");
    assert!(md.contains("- system: `shop`"), "{md}");
}

#[test]
fn the_editor_outline_nests_components_in_their_container_and_system() {
    let symbols = archc::ide::symbols::document_symbols(NESTED);
    let shop = symbols.iter().find(|s| s.name == "shop").expect("system");
    let names = |s: &archc::ide::symbols::Symbol| s.children.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(shop), ["storefront", "checkout"]);
    assert_eq!(names(&shop.children[0]), ["cart_view", "price_format"]);
}

#[test]
fn the_likec4_export_nests_components_in_their_container() {
    use archc::emit::export::{export, Format};
    // The container also calls one of its own components: LikeC4 refuses such a relationship.
    let text = NESTED.replace("    uses checkout sync", "    uses cart_view sync\n    uses checkout sync");
    let a = analyse(&[("arch.toml", ""), ("m.arch", &text)]);
    let c4 = export(&a.model, &a.facts, &a.workspace.sources, Format::Likec4);
    assert!(c4.contains("\n    storefront = component"), "{c4}");
    assert!(c4.contains("\n      cart_view = component"), "{c4}");
    assert!(c4.contains("shop.storefront.cart_view -> shop.storefront.price_format"), "{c4}");
    assert!(c4.contains("shop.storefront -> shop.checkout"), "{c4}");
    assert!(!c4.contains("shop.storefront -> shop.storefront.cart_view"), "{c4}");
}
