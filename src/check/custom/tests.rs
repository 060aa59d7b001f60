//! Custom rules end to end: each selector key, each rule kind, the path conditions, malformed
//! rules, selectors that select nothing, and acceptance and baseline of a custom finding.

use crate::check::registry::check_source;
use crate::diagnostics::{Diagnostic, Severity};

/// A small estate: a web frontend, two bounded contexts (orders, billing) with their stores, a
/// gateway, an identity provider, zones, teams and a system.
const ESTATE: &str = r#"
team shop_team
team security_champions
person dana {
  team security_champions
}
system shop {
  owner shop_team
}
zone dmz {
  trust low
}
zone core {
  trust high
  zone pci {
    trust high
  }
}
data Card {
  classification restricted
}
data Order {
  classification internal
}
component web {
  kind frontend
  layer presentation
  zone dmz
  system shop
  tags "edge"
  uses edge sync { protocol https timeout 1s circuit-breaker }
}
component edge {
  kind gateway
  layer presentation
  zone dmz
  system shop
  uses orders_api sync { protocol https timeout 1s circuit-breaker }
}
component orders_api {
  kind service
  layer business
  zone core
  system shop
  owns Order
  uses orders_db { access read-write }
  uses billing_api sync { protocol http timeout 1s circuit-breaker }
}
datastore orders_db {
  zone core
  holds Order
}
component billing_api {
  kind service
  layer business
  zone pci
  owner dana
  owns Card
  uses billing_db { access read-write }
}
datastore billing_db {
  zone pci
  holds Card
  backup "nightly"
}
"#;

fn check(rules: &str) -> Vec<Diagnostic> {
    check_source(&format!("{ESTATE}\n{rules}"))
}

/// The fingerprints of one rule's unsuppressed findings.
fn hits(diags: &[Diagnostic], code: &str) -> Vec<String> {
    let mut out: Vec<String> =
        diags.iter().filter(|d| d.code.id == code && d.suppression.is_none()).map(|d| d.fingerprint()).collect();
    out.sort();
    out
}

fn with_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code.id == code).collect()
}

/// An `assert` rule whose `given` is the selector under test and whose `then` nothing matches,
/// so its findings are exactly the elements the selector selects.
fn selected(selector: &str) -> Vec<String> {
    let diags = check(&format!("rule probe assert {{\n  given {{ {selector} }}\n  then {{ is topic }}\n}}\n"));
    assert!(with_code(&diags, "RUL001").is_empty(), "{selector}: {:?}", with_code(&diags, "RUL001"));
    hits(&diags, "probe").into_iter().map(|f| f.trim_start_matches("probe@").to_string()).collect()
}

#[test]
fn selectors_select_by_each_key() {
    assert_eq!(selected("is datastore"), ["billing_db", "orders_db"]);
    assert_eq!(selected("kind gateway, frontend"), ["edge", "web"]);
    assert_eq!(selected("tag \"edge\""), ["web"]);
    // Nested zones count as inside their parent.
    assert_eq!(selected("zone core is component"), ["billing_api", "orders_api"]);
    assert_eq!(selected("zone pci"), ["billing_api", "billing_db"]);
    assert_eq!(selected("layer presentation"), ["edge", "web"]);
    assert_eq!(selected("system shop is component"), ["edge", "orders_api", "web"]);
    // The team of an owning person counts; owners are read after inheritance from the system.
    assert_eq!(selected("team security_champions"), ["Card", "billing_api"]);
    assert_eq!(selected("team shop_team is component"), ["edge", "orders_api", "web"]);
    assert_eq!(selected("name \"*_api\""), ["billing_api", "orders_api"]);
    assert_eq!(selected("is datastore name-not \"orders_*\""), ["billing_db"]);
    assert_eq!(selected("is datastore has backup"), ["billing_db"]);
    assert_eq!(selected("is component, datastore handles restricted"), ["billing_api", "billing_db"]);
}

#[test]
fn forbidden_reports_each_matching_link_once() {
    let diags =
        check("rule no_plain_http forbidden {\n  severity error\n  to { is component }\n  link { protocol http }\n}\n");
    assert_eq!(hits(&diags, "no_plain_http"), ["no_plain_http@orders_api@billing_api"]);
    let d = with_code(&diags, "no_plain_http")[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("`orders_api` depends on `billing_api`"), "{}", d.message);
    // Links of the other mode do not count.
    let diags = check("rule no_async forbidden {\n  to { is component }\n  link { mode async }\n}\n");
    assert!(hits(&diags, "no_async").is_empty());
}

#[test]
fn capture_groups_keep_bounded_contexts_apart() {
    let rule = "rule own_context_only forbidden {\n  message \"{from} reaches into another context: {to}\"\n  from { name \"*_*\" }\n  to { name \"*_*\" name-not \"$1_*\" }\n}\n";
    let diags = check(rule);
    assert_eq!(hits(&diags, "own_context_only"), ["own_context_only@orders_api@billing_api"]);
    assert_eq!(
        with_code(&diags, "own_context_only")[0].message,
        "`orders_api` reaches into another context: `billing_api`"
    );
}

#[test]
fn forbidden_reachable_follows_paths() {
    let diags = check("rule edge_never_reaches_cards forbidden {\n  from { zone dmz }\n  to { handles restricted is datastore }\n  reachable\n}\n");
    assert_eq!(
        hits(&diags, "edge_never_reaches_cards"),
        ["edge_never_reaches_cards@edge@billing_db", "edge_never_reaches_cards@web@billing_db"]
    );
}

#[test]
fn allowed_reports_everything_else() {
    let diags = check("rule services_use_services_only allowed {\n  from { kind service }\n  to { is component }\n}\n");
    assert_eq!(
        hits(&diags, "services_use_services_only"),
        ["services_use_services_only@billing_api@billing_db", "services_use_services_only@orders_api@orders_db"]
    );
}

#[test]
fn required_direct_reachable_and_via() {
    let direct = check("rule services_store_something required {\n  from { kind service }\n  to { is datastore }\n}\n");
    assert!(hits(&direct, "services_store_something").is_empty());
    let direct =
        check("rule frontends_call_billing required {\n  from { kind frontend }\n  to { name \"billing_api\" }\n}\n");
    assert_eq!(hits(&direct, "frontends_call_billing"), ["frontends_call_billing@web"]);
    let reach = check("rule frontends_reach_billing required {\n  from { kind frontend }\n  to { name \"billing_api\" }\n  reachable\n}\n");
    assert!(hits(&reach, "frontends_reach_billing").is_empty());
    // Every path from the dmz to a restricted store must pass the gateway: web's does.
    let via = check("rule dmz_through_gateway required {\n  from { zone dmz kind frontend }\n  to { is datastore }\n  via { kind gateway }\n}\n");
    assert!(hits(&via, "dmz_through_gateway").is_empty());
    // Through a service instead, orders_api reaches billing_db without passing the gateway.
    let via = check("rule stores_behind_gateway required {\n  from { kind service }\n  to { name \"billing_db\" }\n  via { kind gateway }\n}\n");
    assert_eq!(
        hits(&via, "stores_behind_gateway"),
        ["stores_behind_gateway@billing_api@billing_db", "stores_behind_gateway@orders_api@billing_db"]
    );
}

#[test]
fn assertions_check_every_given_element() {
    let diags = check("rule confidential_stores_backed_up assert {\n  given { is datastore handles internal }\n  then { has backup }\n}\n");
    assert_eq!(hits(&diags, "confidential_stores_backed_up"), ["confidential_stores_backed_up@orders_db"]);
    let diags = check("rule pci_owned_by_champions assert {\n  given { zone pci is component }\n  then { team security_champions }\n}\n");
    assert!(hits(&diags, "pci_owned_by_champions").is_empty());
    let diags = check("rule core_owned_by_champions assert {\n  given { zone core is component }\n  then { team security_champions }\n}\n");
    assert_eq!(hits(&diags, "core_owned_by_champions"), ["core_owned_by_champions@orders_api"]);
}

#[test]
fn layer_matrix_allows_only_listed_pairs() {
    let diags = check("rule strict_layers layers {\n  allow presentation business\n}\n");
    // business -> business is the same layer; orders_db and billing_db have no layer.
    assert!(hits(&diags, "strict_layers").is_empty());
    let diags = check("rule no_presentation_calls layers {\n  allow business data\n}\n");
    assert_eq!(hits(&diags, "no_presentation_calls"), ["no_presentation_calls@edge@orders_api"]);
    let d = with_code(&diags, "no_presentation_calls")[0];
    assert!(d.help.as_deref().is_some_and(|h| h.contains("allow presentation business")), "{:?}", d.help);
}

#[test]
fn a_selector_that_selects_nothing_is_a_note() {
    let diags = check("rule typo forbidden {\n  from { tag \"egde\" }\n  to { is datastore }\n}\n");
    let notes = with_code(&diags, "RUL002");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].severity, Severity::Note);
    assert!(notes[0].message.contains("`from` of rule `typo`"), "{}", notes[0].message);
}

#[test]
fn malformed_rules_are_errors_with_a_span_and_a_hint() {
    let cases: &[(&str, &str, &str)] = &[
        ("rule nothing {\n  to { is datastore }\n}\n", "RUL001", "does not say what it checks"),
        ("rule no_target forbidden {\n  from { is component }\n}\n", "RUL001", "has no `to`"),
        (
            "rule mixed forbidden {\n  to { is datastore }\n  given { is component }\n}\n",
            "RUL001",
            "no meaning in a `forbidden` rule",
        ),
        ("rule wide allowed {\n  to { is datastore }\n  reachable\n}\n", "RUL001", "no meaning in a `allowed` rule"),
        ("rule bad_pattern forbidden {\n  to { name \"a$\" }\n}\n", "RUL001", "malformed name pattern"),
        ("rule too_far forbidden {\n  from { name \"*_api\" }\n  to { name \"$2_*\" }\n}\n", "RUL001", "uses `$2`"),
        ("rule own forbidden {\n  from { name \"$1\" }\n  to { is datastore }\n}\n", "RUL001", "refers to a capture"),
        ("rule SEC001 forbidden {\n  to { is datastore }\n}\n", "RUL001", "looks like a built-in code"),
    ];
    for (text, code, message) in cases {
        let diags = check(text);
        let found = with_code(&diags, code);
        assert!(found.iter().any(|d| d.message.contains(message)), "{text}: {found:?}");
        for d in found {
            assert!(d.span().is_some() && d.help.is_some(), "{text}: {d:?}");
            assert_eq!(d.severity, Severity::Error);
        }
    }
}

#[test]
fn misspelt_selector_keys_and_values_get_did_you_mean() {
    let diags = check("rule typos forbidden {\n  from { layr business }\n  to { is datastor }\n}\n");
    let helps: Vec<&str> = diags.iter().filter_map(|d| d.help.as_deref()).collect();
    assert!(helps.contains(&"did you mean `layer`?"), "{helps:?}");
    assert!(helps.contains(&"did you mean `datastore`?"), "{helps:?}");
    let diags = check("rule typo_zone forbidden {\n  from { zone dmx }\n  to { is datastore }\n}\n");
    assert!(
        diags.iter().any(|d| d.code.id == "HYG001" && d.help.as_deref() == Some("did you mean `dmz`?")),
        "{diags:?}"
    );
    // The unresolved zone was reported once; the rule is not judged on a guess.
    assert!(hits(&diags, "typo_zone").is_empty() && with_code(&diags, "RUL002").is_empty());
    let diags = check("rule typo_rule forbiden {\n  to { is datastore }\n}\n");
    assert!(diags.iter().any(|d| d.help.as_deref() == Some("did you mean `forbidden`?")), "{diags:?}");
    assert!(hits(&diags, "typo_rule").is_empty() && with_code(&diags, "RUL001").is_empty(), "reported once");
    let diags = check("rule typo_kind forbidden {\n  from { kind gatway }\n  to { is datastore }\n}\n");
    assert!(diags.iter().any(|d| d.help.as_deref() == Some("did you mean `gateway`?")), "{diags:?}");
}

#[test]
fn custom_findings_can_be_accepted_and_offer_an_accept_fix() {
    let rule = "rule no_plain_http forbidden {\n  to { is component }\n  link { protocol http }\n}\n";
    let diags = check(rule);
    let d = with_code(&diags, "no_plain_http")[0];
    assert!(d
        .fixes
        .iter()
        .any(|f| f.edits.iter().any(|e| e.new_text.starts_with("accept no_plain_http@orders_api@billing_api"))));
    let accepted = check(&format!("{rule}accept no_plain_http@orders_api@billing_api \"moving to https in Q3\"\n"));
    let d = with_code(&accepted, "no_plain_http")[0];
    assert_eq!(d.suppression.as_ref().map(|s| s.justification.as_str()), Some("moving to https in Q3"));
    assert!(with_code(&accepted, "HYG010").is_empty() && hits(&accepted, "HYG011").is_empty());
    // A misspelt custom rule in an accept gets a suggestion.
    let typo = check(&format!("{rule}accept no_plain_htp@orders_api@billing_api \"why\"\n"));
    assert!(typo.iter().any(|d| d.help.as_deref() == Some("did you mean `no_plain_http`?")), "{typo:?}");
}

#[test]
fn the_baseline_suppresses_custom_findings() {
    use crate::driver::{analyze_paths_with, RunOptions};
    use crate::host::MemHost;
    let text =
        format!("{ESTATE}\nrule no_plain_http forbidden {{\n  to {{ is component }}\n  link {{ protocol http }}\n}}\n");
    let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/example.arch", text.as_str())]);
    let baseline = [("no_plain_http@orders_api@billing_api".to_string(), 1)].into_iter().collect();
    let opts = RunOptions { today: None, baseline: Some(baseline) };
    let outcome = analyze_paths_with(&host, &[std::path::PathBuf::from("/ws")], &opts);
    let diags: Vec<Diagnostic> = outcome.analyses.into_iter().flat_map(|a| a.diagnostics).collect();
    let d = with_code(&diags, "no_plain_http")[0];
    assert!(matches!(d.suppression.as_ref().map(|s| s.kind), Some(crate::diagnostics::SuppressionKind::Baseline)));
    assert_eq!(crate::check::baseline_of(&diags).get("no_plain_http@orders_api@billing_api"), None);
}

#[test]
fn sarif_lists_custom_rules_and_points_results_at_them() {
    use crate::driver::analyze_paths;
    use crate::emit::sarif::{to_sarif_with, CustomRuleMeta};
    use crate::host::MemHost;
    let text = format!("{ESTATE}\nrule no_plain_http forbidden {{\n  severity error\n  summary \"Services talk https.\"\n  to {{ is component }}\n  link {{ protocol http }}\n}}\n");
    let host = MemHost::new([("/ws/arch.toml", ""), ("/ws/example.arch", text.as_str())]);
    let outcome = analyze_paths(&host, &[std::path::PathBuf::from("/ws")]);
    let a = &outcome.analyses[0];
    let rules = crate::check::custom::rules_of(&a.model);
    let meta: Vec<CustomRuleMeta<'_>> =
        rules.iter().map(|rule| CustomRuleMeta { rule, declaration: rule.describe(&a.model) }).collect();
    let sarif: serde_json::Value =
        serde_json::from_str(&to_sarif_with(&[(&a.workspace.sources, &a.diagnostics)], &meta)).unwrap();
    let tool_rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let index = tool_rules.iter().position(|r| r["id"] == "no_plain_http").expect("custom rule listed");
    let rule = &tool_rules[index];
    assert_eq!(rule["shortDescription"]["text"], "Services talk https.");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(rule["properties"]["category"], "custom");
    assert!(rule["help"]["text"].as_str().unwrap().contains("link { protocol http }"));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results.iter().find(|r| r["ruleId"] == "no_plain_http").expect("custom result");
    assert_eq!(result["ruleIndex"], index);
    assert_eq!(result["partialFingerprints"]["archcFingerprint/v1"], "no_plain_http@orders_api@billing_api");
}

#[test]
fn selector_word_lists_follow_the_schema() {
    use crate::syntax::schema::{DeclKind, Ty, ATTRIBUTE_NAMES, DECLS, KIND_WORDS};
    use std::collections::BTreeSet;
    let mut kinds = BTreeSet::new();
    let mut attrs = BTreeSet::new();
    for d in DECLS.iter().filter(|d| d.kind != DeclKind::Rule) {
        attrs.extend(d.attrs.iter().map(|a| a.name));
        if matches!(d.kind, DeclKind::Flow | DeclKind::Technology) {
            continue;
        }
        kinds.extend(d.variants.unwrap_or(&[]).iter().copied());
        if let Some(Ty::Enum(words)) = d.attr("kind").and_then(|a| a.params.first()).map(|p| p.ty) {
            kinds.extend(words.iter().copied());
        }
    }
    for (name, want, have) in [("KIND_WORDS", kinds, KIND_WORDS), ("ATTRIBUTE_NAMES", attrs, ATTRIBUTE_NAMES)] {
        let have: BTreeSet<&str> = have.iter().copied().collect();
        let missing: Vec<_> = want.difference(&have).collect();
        let extra: Vec<_> = have.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "schema::{name} is stale (a declaration's words changed): add {missing:?}, remove {extra:?}"
        );
    }
}

#[test]
fn a_custom_rule_replaces_the_forbidden_dependency_defaults() {
    use crate::check::registry::check_source_with;
    // The built-in default: a frontend never reaches a datastore.
    let model = format!("{ESTATE}\ncomponent kiosk {{\n  kind frontend\n  zone dmz\n  system shop\n  uses orders_db {{ access read }}\n}}\n");
    assert_eq!(hits(&check_source(&model), "CPL003"), ["CPL003@kiosk@orders_db"]);
    let rule = "rule cards_stay_in_pci forbidden {\n  replaces forbidden-or-not-allowed\n  from { name-not \"billing_*\" }\n  to { zone pci is datastore }\n}\n";
    let replaced = check_source(&format!("{model}\n{rule}"));
    // The defaults are off; the team's own pattern reports under CPL003, at CPL003's level.
    assert_eq!(hits(&replaced, "CPL003"), Vec::<String>::new());
    let with_violation = format!("{model}\n{rule}\ncomponent reports {{\n  uses billing_db {{ access read }}\n}}\n");
    let diags = check_source(&with_violation);
    assert_eq!(hits(&diags, "CPL003"), ["CPL003@reports@billing_db"]);
    assert!(hits(&diags, "cards_stay_in_pci").is_empty());
    let d = with_code(&diags, "CPL003")[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("rule `cards_stay_in_pci`"), "{}", d.message);
    // `[rules]` levels and `accept CPL003@...` apply as to the built-in findings.
    let relevelled = check_source_with(&with_violation, "[rules]\nCPL003 = \"note\"\n");
    assert_eq!(with_code(&relevelled, "CPL003")[0].severity, Severity::Note);
    let accepted = check_source(&format!("{with_violation}accept CPL003@reports@billing_db \"read replica\"\n"));
    assert!(with_code(&accepted, "CPL003")[0].suppression.is_some());
}

#[test]
fn a_custom_rule_replaces_the_required_dependency_default() {
    let model = format!("{ESTATE}\nexternal idp {{\n  kind identity\n  zone dmz\n}}\n");
    // Built in: every gateway reaches an identity provider; `edge` does not.
    assert_eq!(hits(&check_source(&model), "CPL004"), ["CPL004@edge"]);
    let rule = "rule services_reach_billing required {\n  replaces required-dependency\n  from { kind service name-not \"billing_*\" }\n  to { name \"billing_api\" }\n  reachable\n}\n";
    let diags = check_source(&format!("{model}\n{rule}"));
    assert!(hits(&diags, "CPL004").is_empty(), "{:?}", hits(&diags, "CPL004"));
    let extra = "component search_api {\n  kind service\n}\n";
    let diags = check_source(&format!("{model}\n{rule}\n{extra}"));
    assert_eq!(hits(&diags, "CPL004"), ["CPL004@search_api"]);
}

#[test]
fn a_layers_rule_replaces_the_layer_matrix() {
    // The default matrix lets presentation depend on business: no CPL002.
    assert!(hits(&check(""), "CPL002").is_empty());
    let rule = "rule gateway_only_layers layers {\n  replaces layer-violation\n  allow business data\n}\n";
    let diags = check(rule);
    // With the team's matrix presentation may depend on nothing but itself.
    assert_eq!(hits(&diags, "CPL002"), ["CPL002@edge@orders_api"]);
    let d = with_code(&diags, "CPL002")[0];
    assert!(d.notes.iter().any(|n| n.contains("rule `gateway_only_layers`")), "{:?}", d.notes);
    assert!(hits(&diags, "gateway_only_layers").is_empty(), "reported once, by CPL002");
}

#[test]
fn a_rule_replaces_only_a_built_in_of_its_kind() {
    let diags = check("rule wrong assert {\n  replaces forbidden-or-not-allowed\n  then { has owner }\n}\n");
    let errors = with_code(&diags, "RUL001");
    assert!(errors.iter().any(|d| d.message.contains("cannot replace `forbidden-or-not-allowed`")), "{errors:?}");
}

/// The code scheme holds: built-in rule names contain a hyphen, which a declared name cannot, and
/// built-in codes are letters and digits, a shape a rule name may not take.
#[test]
fn custom_codes_cannot_clash_with_built_in_ones() {
    for r in crate::check::registry::rules() {
        assert!(r.code.name.contains('-'), "{} is named without a hyphen", r.code.id);
        assert!(super::looks_like_code(r.code.id), "{}", r.code.id);
    }
    for c in crate::diagnostics::codes::ALL {
        assert!(c.name.contains('-') && super::looks_like_code(c.id), "{}", c.id);
    }
    assert!(!super::looks_like_code("no_cross_context") && !super::looks_like_code("layers2_strict"));
}
