//! `archc import`: each importer on a realistic fixture under tests/data/import/. The written files
//! go through the real pipeline (no syntax or resolution errors), then the JSON export, and the
//! element and relationship counts are compared with what the source declares.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use archc::diagnostics::codes;
use archc::driver::analyze_paths;
use archc::host::FsHost;

#[path = "support/run.rs"]
mod run;

use run::text;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import").join(rel)
}

fn archc(args: &[&str]) -> Output {
    run::output(&mut run::archc(args))
}

/// What an import wrote, as the exported model sees it.
struct Imported {
    dir: tempfile::TempDir,
    summary: String,
    source: String,
    /// User elements by kind, without the flows that hold relationships and the stand-ins for
    /// whole systems.
    kinds: BTreeMap<String, usize>,
    /// `uses` plus flow steps.
    relations: usize,
}

fn import(format: &str, input: &Path) -> Imported {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model");
    let o = archc(&["import", "--from", format, input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "import failed: {}{}", text(&o.stdout), text(&o.stderr));
    let summary = text(&o.stdout);

    let source = std::fs::read_to_string(out.join("model.arch")).unwrap();
    // Stricter than export's own refusal: front-end warnings count too.
    let mut outcome = analyze_paths(&FsHost, std::slice::from_ref(&out));
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let analysis = outcome.analyses.remove(0);
    let front_end: Vec<String> = analysis
        .diagnostics
        .iter()
        .filter(|d| codes::ALL.iter().any(|c| c.id == d.code.id))
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect();
    assert!(front_end.is_empty(), "syntax or resolution errors: {front_end:#?}\n{source}");

    // The round trip a user makes: the imported folder through `archc export --to json`. Imports
    // from tools without owners or classifications may have checker findings; they do not stop it.
    let o = archc(&["export", out.to_str().unwrap(), "--to", "json", "--color=never"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "export failed: {stderr}\n{source}");
    assert!(
        stderr.is_empty() || (stderr.starts_with("note: the model has ") && stderr.lines().count() == 1),
        "export prints at most the findings count: {stderr}"
    );
    let model: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut kinds = BTreeMap::new();
    let mut relations = 0;
    for e in model["elements"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let kind = e["kind"].as_str().unwrap();
        relations += e["attributes"].as_array().unwrap().iter().filter(|a| a["name"] == "uses").count();
        relations += e["steps"].as_array().map_or(0, Vec::len);
        if (kind == "flow" && name.ends_with("_relationships")) || name.ends_with("_as_a_whole") {
            continue;
        }
        *kinds.entry(kind.to_string()).or_insert(0) += 1;
    }
    Imported { dir, summary, source, kinds, relations }
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn structurizr_big_bank_keeps_every_element_relationship_description_and_tag() {
    let dsl = fixture("structurizr/big-bank-plc.dsl");
    let got = import("structurizr", &dsl);
    // The source: 3 people, 3 existing systems, the Internet Banking System with 5 containers (one
    // a database) and 6 components, 2 deployment environments with 21 deployment nodes; 26
    // relationships between people, systems, containers and components.
    assert_eq!(
        got.kinds,
        counts(&[
            ("actor", 3),
            ("external", 3),
            ("system", 1),
            ("component", 10),
            ("datastore", 1),
            ("deployment", 2),
            ("node", 21)
        ])
    );
    assert_eq!(got.relations, 26);
    assert!(got.summary.contains("imported 41 elements and 26 relationships"), "{}", got.summary);

    // People and systems came from the !include.
    assert!(got.source.contains("actor backoffice \"Back Office Staff\""), "{}", got.source);
    // Descriptions, technologies and tags survive.
    assert!(got.source.contains("summary \"Allows customers to withdraw cash.\""));
    assert!(got.source.contains("tags \"Existing System\""));
    assert!(got.source.contains("tech \"Oracle Database Schema\""));
    assert!(got.source.contains("uses database { description \"Reads from and writes to [SQL/TCP]\" }"));
    assert!(got.source.contains("customer -> support_staff \"Asks questions to [Telephone]\""));
    // What has no counterpart is a comment, and counted.
    assert!(got.source.contains("// Structurizr group: Big Bank plc"));
    assert!(got.source.contains("// relationship: primaryDatabaseServer -> secondaryDatabaseServer"));
    assert!(
        got.summary.contains("1 views and styles blocks") && got.summary.contains("17 group memberships"),
        "{}",
        got.summary
    );
    // Components are declared inside their container (C4 level 3), not kept as comments.
    let container = &got.source[got.source.find("component api_application").expect("container")..];
    let container = &container[..container.find("\n}\n").expect("end of the container")];
    assert!(container.contains("\n  component signin_controller \"Sign In Controller\" {"), "{container}");
    assert!(container.contains("\n    uses security_component"), "{container}");
    assert!(!got.summary.contains("container memberships"), "{}", got.summary);
    // Deployment: instances and what runs where.
    assert!(got.source.contains("instances 8") && got.source.contains("runs api_application"));
    drop(got.dir);
}

#[test]
fn structurizr_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.dsl");
    std::fs::write(&bad, "workspace {\n  model {\n    a = person \"A\n  }\n}\n").unwrap();
    let o = archc(&[
        "import",
        "--from",
        "structurizr",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("IO004") && err.contains("bad.dsl:3") && err.contains("unterminated string"), "{err}");
    assert!(!dir.path().join("out").exists(), "an invalid input wrote files");

    std::fs::write(&bad, "workspace {\n  model {\n    !include missing.dsl\n  }\n}\n").unwrap();
    let o = archc(&[
        "import",
        "--from",
        "structurizr",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("cannot include `missing.dsl`"), "{}", text(&o.stderr));

    std::fs::write(&bad, "workspace {\n  model {\n    !include bad.dsl\n  }\n}\n").unwrap();
    let o = archc(&[
        "import",
        "--from",
        "structurizr",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("nests too deep"), "{}", text(&o.stderr));
}

#[test]
fn import_refuses_to_overwrite_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("model.arch"), "// mine\n").unwrap();
    let dsl = fixture("structurizr/big-bank-plc.dsl");
    let o = archc(&["import", "--from", "structurizr", dsl.to_str().unwrap(), "-o", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("already exist"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("model.arch")).unwrap(), "// mine\n");
}

#[test]
fn calm_keeps_nodes_relationships_interfaces_controls_and_flows() {
    let input = fixture("calm/trade-settlement.architecture.json");
    let source: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    let got = import("calm", &input);
    // Count what the source holds, by CALM's own structure.
    let nodes = source["nodes"].as_array().unwrap();
    let interfaces: usize = nodes.iter().map(|n| n["interfaces"].as_array().map_or(0, Vec::len)).sum();
    let controls: usize = nodes.iter().map(|n| n["controls"].as_object().map_or(0, |c| c.len())).sum();
    let dependencies: usize = source["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let t = &r["relationship-type"];
            if t.get("connects").is_some() {
                1
            } else {
                t["interacts"]["nodes"].as_array().map_or(0, Vec::len)
            }
        })
        .sum();
    let node_kinds = ["actor", "system", "external", "component", "datastore", "zone", "data", "topic"];
    let written: usize = node_kinds.iter().map(|k| got.kinds.get(*k).copied().unwrap_or(0)).sum();
    assert_eq!(written, nodes.len(), "{:?}", got.kinds);
    assert_eq!(got.kinds.get("interface").copied(), Some(interfaces));
    assert_eq!(got.kinds.get("control").copied(), Some(controls));
    assert_eq!(got.kinds.get("flow").copied(), Some(source["flows"].as_array().unwrap().len()));
    assert_eq!(got.relations - 6, dependencies, "the flow's six transitions are steps too");
    assert_eq!(got.kinds.get("system"), Some(&1), "the composed-of container is the system");

    // Relationship details map to attributes; composition and deployment to `system` and `zone`.
    assert!(
        got.source.contains(
            "uses trade_service { description \"Submits booked trades\"; protocol https; auth oauth2; via trade_api }"
        ),
        "{}",
        got.source
    );
    assert!(got.source.contains("system settlement_system\n  zone k8s_cluster"), "{}", got.source);
    assert!(got.source.contains("uses message_bus async"), "{}", got.source);
    assert!(
        got.source.contains("message_bus ~> settlement_service \"Settlement picks up the event\""),
        "{}",
        got.source
    );
    assert!(got.source.contains("controls trade_service_input_validation"));
    // Unmapped: an authentication method, control requirements, metadata; each counted.
    assert!(got.source.contains("// authentication: Kerberos"));
    assert!(
        got.summary.contains("2 control requirements") && got.summary.contains("1 authentication methods"),
        "{}",
        got.summary
    );
}

#[test]
fn calm_input_that_is_not_an_architecture_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("a.json");
    std::fs::write(&bad, "{\n  \"nodes\": [\n    {\"name\": }\n  ]\n}\n").unwrap();
    let o = archc(&["import", "--from", "calm", bad.to_str().unwrap(), "-o", dir.path().join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("a.json:3: not valid JSON"), "{}", text(&o.stderr));
    std::fs::write(&bad, "{\"relationships\": []}").unwrap();
    let o = archc(&["import", "--from", "calm", bad.to_str().unwrap(), "-o", dir.path().join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no `nodes` array"), "{}", text(&o.stderr));
}

#[test]
fn likec4_maps_specification_kinds_and_keeps_titles_descriptions_technologies_and_tags() {
    let got = import("likec4", &fixture("likec4/food-delivery.c4"));
    // LikeC4's own `export json` of the fixture has 14 elements and 11 relations.
    let total: usize = got.kinds.values().sum();
    assert_eq!(total, 14, "{:?}", got.kinds);
    assert_eq!(got.relations, 11);
    assert_eq!(
        got.kinds,
        counts(&[("actor", 3), ("system", 1), ("component", 7), ("datastore", 1), ("queue", 1), ("external", 1)])
    );
    for kind_line in [
        "LikeC4 kind `database` -> datastore",
        "LikeC4 kind `externalSystem` -> external",
        "LikeC4 kind `softwareSystem` -> system",
    ] {
        assert!(got.source.contains(kind_line), "{}", got.source);
    }
    assert!(got.source.contains("tags \"pci\"") && got.source.contains("tags \"deprecated\""));
    assert!(got.source.contains("tech \"Kotlin\"") && got.source.contains("summary \"Shows assigned deliveries\""));
    assert!(got.source.contains("uses events async { description \"Publishes order events\" }"), "{}", got.source);
    assert!(got.source.contains("uses payments { description \"Charges the order total [REST]\" }"), "{}", got.source);
    assert!(got.source.contains("// description: SQL"));
    assert!(got.summary.contains("2 relationship tags") && got.summary.contains("1 views"), "{}", got.summary);
    // Elements inside a component are its components, declared in its block.
    assert!(got.source.contains("\n  component pricing \"Pricing\" {"), "{}", got.source);
    assert!(!got.summary.contains("nesting inside elements"), "{}", got.summary);
}

#[test]
fn threagile_keeps_assets_cia_links_boundaries_and_runtimes() {
    let got = import("threagile", &fixture("threagile/insurance-portal.yaml"));
    // 3 data assets; 7 technical assets (2 human clients, 3 processes, a database, a queue);
    // 5 trust boundaries; 2 shared runtimes; 6 communication links.
    assert_eq!(
        got.kinds,
        counts(&[
            ("data", 3),
            ("actor", 2),
            ("component", 3),
            ("datastore", 1),
            ("queue", 1),
            ("zone", 5),
            ("deployment", 1),
            ("node", 2)
        ])
    );
    assert_eq!(got.relations, 6);
    assert!(got.summary.contains("imported 17 elements and 6 relationships"), "{}", got.summary);
    // CIA: classification and integrity mapped, the full triple kept.
    assert!(
        got.source.contains(
            "data portal_credentials \"Portal Credentials\" {\n  classification restricted\n  integrity critical"
        ),
        "{}",
        got.source
    );
    assert!(got
        .source
        .contains("// Threagile CIA: confidentiality restricted, integrity important, availability operational"));
    // Links: protocol, authentication, authorization, data and read-only access.
    assert!(
        got.source.contains(
            "protocol tls; auth basic; authz technical-user; carries customer_profile, claim; access read-write"
        ),
        "{}",
        got.source
    );
    assert!(got.source.contains("customer_browser -> portal_app \"Views policies and files claims\" protocol https auth session carries claim, customer_profile"), "{}", got.source);
    // Boundaries nest; runtimes run their assets.
    assert!(
        got.source.contains("zone app_network \"Application Network\" {\n  kind network\n  parent data_centre"),
        "{}",
        got.source
    );
    assert!(got.source.contains("runs portal_app, claims_queue"));
    assert!(got.summary.contains("1 risk_tracking entries"), "{}", got.summary);
}

#[test]
fn threagile_yaml_errors_have_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("t.yaml");
    std::fs::write(&bad, "title: x\ntechnical_assets:\n  a: [1, 2\n").unwrap();
    let o =
        archc(&["import", "--from", "threagile", bad.to_str().unwrap(), "-o", dir.path().join("o").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("IO004") && err.contains("t.yaml:") && err.contains("not valid YAML"), "{err}");
}

/// Front-end (syntax and resolution) diagnostics of `.arch` files, checked in memory.
fn front_end_errors(files: &[(String, String)]) -> Vec<String> {
    use archc::host::MemHost;
    let mut host = MemHost::default();
    host.insert(Path::new("/ws/arch.toml"), Vec::new());
    for (path, text) in files {
        host.insert(&Path::new("/ws").join(path), text.as_bytes().to_vec());
    }
    let outcome = archc::driver::analyze_paths_with(&host, &[PathBuf::from("/ws")], &Default::default());
    outcome
        .analyses
        .iter()
        .flat_map(|a| a.diagnostics.iter())
        .filter(|d| codes::ALL.iter().any(|c| c.id == d.code.id))
        .map(|d| format!("{} {}", d.code.id, d.message))
        .collect()
}

/// Cut and corrupted versions of every fixture: an importer either refuses the input with an error
/// or writes `.arch` text that still parses and resolves; it never panics.
#[test]
fn damaged_inputs_are_refused_or_imported_cleanly_never_a_panic() {
    use archc::import::{calm, likec4, structurizr, threagile, ImportError, Imported};
    type Importer = fn(&str, &str) -> Result<Imported, ImportError>;
    fn dsl(file: &str, text: &str) -> Result<Imported, ImportError> {
        structurizr::import(file, text, &mut |_| Err("not available".to_string()))
    }
    let cases: [(&str, Importer); 4] = [
        ("structurizr/big-bank-plc.dsl", dsl),
        ("likec4/food-delivery.c4", likec4::import),
        ("calm/trade-settlement.architecture.json", calm::import),
        ("threagile/insurance-portal.yaml", threagile::import),
    ];
    let mut imported = 0;
    let mut refused = 0;
    for (rel, import) in cases {
        let text = std::fs::read_to_string(fixture(rel)).unwrap();
        let chars: Vec<char> = text.chars().collect();
        // Deterministic pseudo-random positions (xorshift), the same on every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..60 {
            let at = (next() % chars.len() as u64) as usize;
            let damaged: String = match round % 3 {
                0 => chars[..at].iter().collect(),
                1 => chars.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, c)| *c).collect(),
                _ => {
                    let junk = ['{', '}', '"', '\'', '-', '>', ':', '[', '\n', '#', '\\'][(next() % 11) as usize];
                    chars[..at].iter().chain(std::iter::once(&junk)).chain(chars[at..].iter()).collect()
                }
            };
            match import(rel, &damaged) {
                Ok(result) => {
                    imported += 1;
                    let errors = front_end_errors(&result.files);
                    assert!(errors.is_empty(), "{rel}, round {round}: {errors:#?}\n{}", result.files[0].1);
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
    assert!(imported > 0 && refused > 0, "imported {imported}, refused {refused}");
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    use archc::import::{likec4, structurizr};
    let deep_dsl = format!("workspace {{\n model {{\n{}\n", "g = group \"g\" {\n".repeat(100_000));
    let e = structurizr::import("deep.dsl", &deep_dsl, &mut |_| Err(String::new())).unwrap_err();
    assert!(e.message.contains("nested deeper"), "{e:?}");
    let deep_c4 = format!("specification {{ element c }}\nmodel {{\n{}", "a = c 'a' {\n".repeat(100_000));
    let e = likec4::import("deep.c4", &deep_c4).unwrap_err();
    assert!(e.message.contains("nested deeper"), "{e:?}");
    let deep_yaml = format!("technical_assets:\n{}", "[".repeat(10_000));
    assert!(archc::import::threagile::import("deep.yaml", &deep_yaml).is_err());
}

#[test]
fn structurizr_hierarchical_identifiers_and_folder_includes_resolve() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("people")).unwrap();
    std::fs::write(dir.path().join("people/a.dsl"), "user = person \"User\" \"Buys things\"\n").unwrap();
    std::fs::write(dir.path().join("people/b.dsl"), "admin = person \"Admin\"\n").unwrap();
    std::fs::write(
        dir.path().join("workspace.dsl"),
        r#"workspace {
    !identifiers hierarchical
    model {
        !include people
        shop = softwareSystem "Shop" {
            web = container "Web" "" "Rust" {
                cart = component "Cart"
            }
            db = container "DB" "" "PostgreSQL" "Database"
        }
        user -> shop.web "Browses" "HTTPS"
        admin -> shop "Administers"
        shop.web.cart -> shop.db "Stores carts" "SQL"
    }
}
"#,
    )
    .unwrap();
    let got = import("structurizr", &dir.path().join("workspace.dsl"));
    assert_eq!(got.kinds, counts(&[("actor", 2), ("system", 1), ("component", 2), ("datastore", 1)]), "{}", got.source);
    assert_eq!(got.relations, 3);
    assert!(got.source.contains("uses db { description \"Stores carts [SQL]\" }"), "{}", got.source);
    assert!(got.source.contains("admin -> shop_as_a_whole \"Administers\""), "{}", got.source);
}
