//! Diagrams: every view for the sample and the examples, well-formed SVG, same bytes on every run,
//! highlighting of findings, and a generated 80-component model rendered in-process.
//!
//! Set `ARCHC_DIAGRAMS_OUT=DIR` to keep the SVG and DOT files for a look.

use std::path::{Path, PathBuf};
use std::time::Instant;

use archc::diagnostics::{codes, Diagnostic};
use archc::driver::{analyze_paths, Analysis};
use archc::emit::diagrams::{diagrams, Builtin, Diagram, DiagramOptions};
use archc::host::FsHost;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn analyze(path: &Path) -> Analysis {
    let mut outcome = analyze_paths(&FsHost, &[path.to_path_buf()]);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    assert_eq!(outcome.analyses.len(), 1);
    outcome.analyses.remove(0)
}

/// Workspaces to draw: the sample (when present) and each example folder.
fn workspaces() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in [root().join("tests/fixtures/sample"), PathBuf::from("/work/bin/sample")] {
        if p.is_dir() {
            out.push(p);
            break;
        }
    }
    if let Ok(rd) = std::fs::read_dir(root().join("examples")) {
        let mut dirs: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
        dirs.sort();
        out.extend(dirs);
    }
    out
}

fn keep(tag: &str, ds: &[Diagram]) {
    let Some(dir) = std::env::var_os("ARCHC_DIAGRAMS_OUT") else { return };
    let dir = PathBuf::from(dir).join(tag);
    std::fs::create_dir_all(&dir).unwrap();
    for d in ds {
        std::fs::write(dir.join(format!("{}.dot", d.name)), &d.dot).unwrap();
        if let Ok(svg) = &d.svg {
            std::fs::write(dir.join(format!("{}.svg", d.name)), svg).unwrap();
        }
    }
}

/// A small XML well-formedness check: balanced tags, quoted attributes, known entities only.
fn check_xml(svg: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = svg;
    let mut seen_root = false;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt])?;
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<?") {
            let end = r.find("?>").ok_or("unterminated processing instruction")?;
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            let end = r.find("-->").ok_or("unterminated comment")?;
            if r[..end].contains("--") {
                return Err("`--` inside a comment".into());
            }
            rest = &r[end + 3..];
        } else if let Some(r) = rest.strip_prefix("<!DOCTYPE") {
            let end = r.find('>').ok_or("unterminated doctype")?;
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix("</") {
            let end = r.find('>').ok_or("unterminated end tag")?;
            let name = r[..end].trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("`</{name}>` closes {other:?}")),
            }
            rest = &r[end + 1..];
        } else {
            let r = &rest[1..];
            let end = tag_end(r).ok_or("unterminated start tag")?;
            let inner = &r[..end];
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || ":_-.".contains(c)) {
                return Err(format!("bad tag name {name:?}"));
            }
            check_attrs(&inner[name_end..])?;
            if stack.is_empty() {
                if seen_root {
                    return Err("more than one root element".into());
                }
                seen_root = true;
            }
            if !self_closing {
                stack.push(name);
            }
            rest = &r[end + 1..];
        }
    }
    check_text(rest)?;
    if !stack.is_empty() {
        return Err(format!("unclosed elements {stack:?}"));
    }
    if !seen_root {
        return Err("no root element".into());
    }
    Ok(())
}

fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

fn check_attrs(mut s: &str) -> Result<(), String> {
    let mut names = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(());
        }
        let eq = s.find('=').ok_or_else(|| format!("attribute without value in {s:?}"))?;
        let name = s[..eq].trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("bad attribute name {name:?}"));
        }
        if names.contains(&name) {
            return Err(format!("duplicate attribute {name}"));
        }
        names.push(name);
        let v = s[eq + 1..].trim_start();
        let q = v.chars().next().ok_or("missing attribute value")?;
        if q != '"' && q != '\'' {
            return Err(format!("unquoted attribute value for {name}"));
        }
        let close = v[1..].find(q).ok_or("unterminated attribute value")?;
        let value = &v[1..1 + close];
        if value.contains('<') {
            return Err(format!("`<` in attribute {name}"));
        }
        check_text(value)?;
        s = &v[close + 2..];
    }
}

fn check_text(s: &str) -> Result<(), String> {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        let r = &rest[amp + 1..];
        let semi = r.find(';').ok_or_else(|| format!("bare `&` near {:?}", &r[..r.len().min(20)]))?;
        let ent = &r[..semi];
        let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
            || ent.strip_prefix("#x").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            || ent.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
        if !ok {
            return Err(format!("unknown entity &{ent};"));
        }
        rest = &r[semi + 1..];
    }
    Ok(())
}

/// Whether two cluster (zone) boxes of a Graphviz SVG cross instead of nesting.
fn zones_cross(svg: &str) -> bool {
    let mut boxes: Vec<[f64; 4]> = Vec::new();
    for part in svg.split("class=\"cluster\"").skip(1) {
        let window = &part[..part.len().min(2000)];
        let Some(p) = [" d=\"", " points=\""].iter().filter_map(|k| window.find(k).map(|p| p + k.len())).min() else {
            continue;
        };
        let body = &window[p..];
        let body = &body[..body.find('"').unwrap_or(body.len())];
        let nums: Vec<f64> = body
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter_map(|t| t.parse().ok())
            .collect();
        let xs: Vec<f64> = nums.iter().step_by(2).copied().collect();
        let ys: Vec<f64> = nums.iter().skip(1).step_by(2).copied().collect();
        let lo = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = |v: &[f64]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        boxes.push([lo(&xs), lo(&ys), hi(&xs), hi(&ys)]);
    }
    let inside = |a: &[f64; 4], b: &[f64; 4]| a[0] <= b[0] && a[1] <= b[1] && a[2] >= b[2] && a[3] >= b[3];
    boxes.iter().enumerate().any(|(i, a)| {
        boxes[i + 1..]
            .iter()
            .any(|b| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3] && !inside(a, b) && !inside(b, a))
    })
}

fn opts(highlight: bool) -> DiagramOptions<'static> {
    DiagramOptions { highlight, renderer: &Builtin }
}

fn assert_views(ds: &[Diagram], flows: usize) {
    let names: Vec<&str> = ds.iter().map(|d| d.name.as_str()).collect();
    for v in ["context", "containers", "trust", "data"] {
        assert!(names.contains(&v), "missing view {v} in {names:?}");
    }
    assert_eq!(names.iter().filter(|n| n.starts_with("flow-")).count(), flows, "{names:?}");
    for d in ds {
        let svg = d.svg.as_ref().unwrap_or_else(|e| panic!("{} did not render: {e}\n{}", d.name, d.dot));
        check_xml(svg).unwrap_or_else(|e| panic!("{}: SVG is not well-formed: {e}", d.name));
        assert!(svg.contains("<svg"), "{}", d.name);
        assert!(d.dot.contains("Legend"), "{} has no legend", d.name);
        assert!(!zones_cross(svg), "{}: zone boxes cross each other", d.name);
        assert!(!d.title.is_empty());
    }
}

#[test]
fn every_view_for_the_sample_and_examples_renders_to_well_formed_svg() {
    let spaces = workspaces();
    assert!(!spaces.is_empty(), "no workspace to draw");
    for ws in spaces {
        let a = analyze(&ws);
        let flows = a.model.of_kind(archc::syntax::schema::DeclKind::Flow).count();
        let start = Instant::now();
        let ds = diagrams(&a.model, &a.facts, &a.diagnostics, &opts(true));
        let took = start.elapsed();
        eprintln!("{}: {} diagrams in {took:?}", ws.display(), ds.len());
        let tag = ws.file_name().unwrap().to_string_lossy().into_owned();
        keep(&tag, &ds);
        assert_views(&ds, flows);
    }
}

#[test]
fn the_same_model_gives_the_same_bytes() {
    for ws in workspaces() {
        let a = analyze(&ws);
        let one = diagrams(&a.model, &a.facts, &a.diagnostics, &opts(true));
        let b = analyze(&ws);
        let two = diagrams(&b.model, &b.facts, &b.diagnostics, &opts(true));
        assert_eq!(one, two, "{}", ws.display());
    }
    let (m1, m2) = (generated(80), generated(80));
    assert_eq!(
        diagrams(&m1.model, &m1.facts, &[], &opts(false)).into_iter().map(|d| d.dot).collect::<Vec<_>>(),
        diagrams(&m2.model, &m2.facts, &[], &opts(false)).into_iter().map(|d| d.dot).collect::<Vec<_>>()
    );
}

/// A finding about `subjects`, as the checker would report it.
fn finding(subjects: &[&str]) -> Diagnostic {
    Diagnostic::without_span(codes::UNREADABLE_PATH, "test finding")
        .with_subjects(subjects.iter().map(|s| s.to_string()))
}

#[test]
fn highlighting_marks_the_elements_and_links_named_in_findings() {
    let a = generated(12);
    let plain = diagrams(&a.model, &a.facts, &[], &opts(true));
    let f = [finding(&["svc_0_1"]), finding(&["svc_0_0", "svc_0_1"])];
    let marked = diagrams(&a.model, &a.facts, &f, &opts(true));
    let off = diagrams(&a.model, &a.facts, &f, &opts(false));
    assert_eq!(plain, off, "without highlight, findings change nothing");
    let get = |ds: &[Diagram], n: &str| ds.iter().find(|d| d.name == n).unwrap().dot.clone();
    for view in ["containers", "context"] {
        assert_ne!(get(&plain, view), get(&marked, view), "{view}");
        assert!(get(&marked, view).contains("#d62728"), "{view}");
        assert!(!get(&plain, view).contains("#d62728"), "{view}");
    }
    // The node and the edge between the two named components are red.
    let dot = get(&marked, "containers");
    let node_line = dot.lines().find(|l| l.trim_start().starts_with("\"svc_0_1\"[")).unwrap();
    assert!(node_line.contains("#d62728"), "{node_line}");
    let edge_line = dot.lines().find(|l| l.contains("\"svc_0_0\" -> \"svc_0_1\"")).unwrap();
    assert!(edge_line.contains("#d62728") && edge_line.contains("penwidth"), "{edge_line}");
    let svg = marked.iter().find(|d| d.name == "containers").unwrap().svg.clone().unwrap();
    assert!(svg.contains("#d62728"));
}

#[test]
fn highlighting_follows_severity_and_the_legend_says_so() {
    use archc::diagnostics::Severity;
    let a = generated(12);
    let with = |sev: Severity, subjects: &[&str]| {
        let mut f = finding(subjects);
        f.severity = sev;
        f
    };
    let containers = |f: &[Diagnostic]| {
        diagrams(&a.model, &a.facts, f, &opts(true)).into_iter().find(|d| d.name == "containers").unwrap().dot
    };
    let node_line = |dot: &str| dot.lines().find(|l| l.trim_start().starts_with("\"svc_0_1\"[")).unwrap().to_string();
    // A note marks nothing: a noisy model does not turn red.
    let noted = containers(&[with(Severity::Note, &["svc_0_1"])]);
    assert_eq!(noted, containers(&[]));
    // A warning marks lightly, an error strongly, and the stronger wins.
    let warned = containers(&[with(Severity::Warning, &["svc_0_1"])]);
    assert!(node_line(&warned).contains("#f87171") && node_line(&warned).contains("penwidth=\"2\""), "{warned}");
    assert!(warned.contains("named in a warning") && !warned.contains("named in an error"));
    let both = containers(&[with(Severity::Warning, &["svc_0_1"]), with(Severity::Error, &["svc_0_1"])]);
    assert!(node_line(&both).contains("#d62728") && node_line(&both).contains("penwidth=\"3\""), "{both}");
    assert!(both.contains("named in an error (thick red)"));
    // An accepted finding marks nothing.
    let mut accepted = with(Severity::Error, &["svc_0_1"]);
    accepted.suppression = Some(archc::diagnostics::Suppression {
        kind: archc::diagnostics::SuppressionKind::InSource,
        justification: "known".into(),
    });
    assert_eq!(containers(&[accepted]), containers(&[]));
}

#[test]
fn labels_are_escaped_for_dot_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("m.arch"),
        r#"
zone edge_zone "Edge <DMZ> & \"front\"" { trust low }
actor shopper "Shopper \"VIP\" <b>&amp;</b> \\ back" { zone edge_zone }
component api "API & <gateway>" {
  zone edge_zone
  tech "C++ & <templates>"
  owns Secret
}
data Secret "Secret 'keys' & <tokens>" { classification restricted }
flow f "Buy & <pay>" {
  shopper -> api "GET /a?b=1&c=<2>" https 20ms
}
"#,
    )
    .unwrap();
    let a = analyze(dir.path());
    let ds = diagrams(&a.model, &a.facts, &a.diagnostics, &opts(true));
    keep("escaping", &ds);
    assert_views(&ds, 1);
    let flow = ds.iter().find(|d| d.name == "flow-f").unwrap();
    let svg = flow.svg.as_ref().unwrap();
    assert!(svg.contains("GET /a?b=1&amp;c=&lt;2&gt;"), "{svg}");
}

#[test]
fn eighty_components_render_in_process() {
    let a = generated(80);
    let start = Instant::now();
    let ds = diagrams(&a.model, &a.facts, &[finding(&["svc_3_2", "db_3"])], &opts(true));
    let took = start.elapsed();
    eprintln!("80 components: {} diagrams in {took:?}", ds.len());
    keep("generated-80", &ds);
    assert_views(&ds, 8);
    let containers = ds.iter().find(|d| d.name == "containers").unwrap();
    assert!(containers.dot.matches("cluster_zone_").count() >= 8);
}

/// A generated workspace: `n` components in domains of ten, each domain in its own zone inside
/// the application zone, with a datastore, a topic, data, flows, actors and externals.
fn generated(n: usize) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let text = generated_text(n);
    std::fs::write(dir.path().join("model.arch"), text).unwrap();
    let a = analyze(dir.path());
    // Checker findings are fine (they are what highlighting shows); front-end errors are not.
    let errors: Vec<&Diagnostic> = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == archc::diagnostics::Severity::Error)
        .filter(|d| ["SYN", "RES", "HYG", "IO"].iter().any(|p| d.code.id.starts_with(p)))
        .collect();
    assert!(errors.is_empty(), "generated model has errors: {errors:#?}");
    a
}

fn generated_text(n: usize) -> String {
    use std::fmt::Write;
    let domains = n.div_ceil(10);
    let names =
        ["orders", "billing", "catalog", "shipping", "accounts", "search", "reviews", "payments", "stock", "notify"];
    let dname = |d: usize| {
        format!("{}{}", names[d % names.len()], if d >= names.len() { format!("_{d}") } else { String::new() })
    };
    let mut s = String::new();
    s.push_str("system shop \"Shop\" { summary \"A generated shop\"\n owner core_team }\n");
    s.push_str("team core_team \"Core team\" { contact \"#core\" }\n");
    s.push_str("zone internet \"Internet\" { trust none\n internet }\n");
    s.push_str("zone dmz \"DMZ\" { trust low }\n");
    s.push_str("zone app \"Application\" { trust high }\n");
    s.push_str("zone vault_zone \"Data vault\" { trust full }\n");
    s.push_str("actor customer \"Customer\" { kind user\n zone internet }\n");
    s.push_str("actor admin \"Back-office admin\" { kind admin\n zone internet }\n");
    s.push_str("external psp \"Payment provider\" { kind payment }\n");
    s.push_str("external mailer \"Mail service\" { kind email }\n");
    s.push_str("component gateway \"API gateway\" { kind gateway\n zone dmz\n system shop\n owner core_team }\n");
    for d in 0..domains {
        let dn = dname(d);
        writeln!(s, "zone z_{d} \"{dn} zone\" {{ parent app }}").unwrap();
        writeln!(
            s,
            "datastore db_{d} \"{dn} DB\" {{ zone vault_zone\n system shop\n tech \"PostgreSQL\"\n holds Rec_{d} }}"
        )
        .unwrap();
        writeln!(s, "topic t_{d} \"{dn} events\" {{ zone z_{d}\n system shop\n carries Ev_{d} }}").unwrap();
        writeln!(
            s,
            "data Rec_{d} \"{dn} record\" {{ classification confidential\n field id: uuid\n field email: string pii }}"
        )
        .unwrap();
        writeln!(s, "event Ev_{d} {{ classification internal }}").unwrap();
    }
    for i in 0..n {
        let (d, k) = (i / 10, i % 10);
        let mut c = format!("component svc_{d}_{k} \"{} service {k}\" {{\n  kind service\n  zone z_{d}\n  system shop\n  owner core_team\n  tech \"Rust\"\n", dname(d));
        if k == 0 {
            writeln!(c, "  owns Rec_{d}\n  uses db_{d} sync {{ protocol postgres-tls }}\n  publishes Ev_{d}").unwrap();
        }
        // Each domain is a small tree under its front component, plus one call across domains.
        for child in (3 * k + 1..=3 * k + 3).filter(|c| *c <= 9 && d * 10 + c < n) {
            writeln!(c, "  uses svc_{d}_{child} sync {{ protocol grpcs\n auth mtls }}").unwrap();
        }
        if k == 1 && domains > 1 {
            writeln!(c, "  uses svc_{}_0 sync {{ protocol http }}", (d + 1) % domains).unwrap();
        }
        if k == 5 {
            writeln!(c, "  subscribes Ev_{}", (d + 1) % domains).unwrap();
        }
        if k == 9 && d % 2 == 0 {
            c.push_str("  uses psp sync { protocol https\n auth api-key }\n");
        }
        if k == 3 && d % 3 == 0 {
            c.push_str("  uses mailer sync { protocol smtp }\n");
        }
        c.push_str("}\n");
        s.push_str(&c);
    }
    s.push_str("component gateway_routes \"Gateway routes\" { kind library\n system shop\n zone dmz }\n");
    for d in 0..domains {
        writeln!(
            s,
            "flow f_{d} \"{} journey\" {{\n  customer -> gateway \"request\" https 20ms\n  gateway -> svc_{d}_0 \"forward\" http 5ms\n  svc_{d}_0 -> db_{d} \"store\" postgres-tls 3ms\n  svc_{d}_0 ~> t_{d} \"publish\"\n  svc_{d}_0 -> gateway \"reply\"\n}}",
            dname(d)
        )
        .unwrap();
    }
    s
}

#[test]
fn an_empty_model_still_gives_every_view() {
    let model = archc::semantic::Model::default();
    let facts = archc::analysis::facts::Facts::build(&model);
    let ds = diagrams(&model, &facts, &[], &opts(true));
    assert_views(&ds, 0);
    assert!(ds.iter().all(|d| d.dot.contains("@empty")), "each view says what is missing");
}

#[test]
fn each_deployment_is_drawn_with_its_nodes_zones_and_what_runs_where() {
    let a = analyze(&root().join("examples/payments"));
    let ds = diagrams(&a.model, &a.facts, &[], &opts(false));
    let names: Vec<&str> = ds.iter().map(|d| d.name.as_str()).collect();
    for n in ["deployment-production", "deployment-disaster_recovery", "deployment-staging"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let prod = ds.iter().find(|d| d.name == "deployment-production").unwrap();
    assert_eq!(prod.title, "Deployment: Production (EU)");
    // A node shows its platform, instances and size, and what it runs; it sits in its zone.
    let svg = prod.svg.as_ref().unwrap();
    for text in ["CDE node group", "6 instances", "runs Card vault", "Cardholder data environment", "postgres&#45;tls"]
    {
        assert!(svg.contains(text), "{text} missing from the production deployment view");
    }
    let cde_zone = prod.dot.find("label=<<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"left\" balign=\"left\"><b>CDE applications").unwrap();
    let cde_node = prod.dot.find("\"production.cde_nodes\"").or_else(|| prod.dot.find("cde_nodes\"")).unwrap();
    assert!(cde_node > cde_zone, "the CDE node group is drawn inside its zone");
    // A connection between two nodes comes from an interaction between what they run.
    assert!(
        prod.dot
            .lines()
            .any(|l| l.contains("cde_nodes\" -> \"") && l.contains("cde_database") && l.contains("postgres-tls")),
        "{}",
        prod.dot
    );
}

#[test]
fn a_large_model_gets_overviews_that_fit_a_page() {
    // Over 300 elements: groups instead of one box per element, every view still drawn.
    let a = generated(400);
    let ds = diagrams(&a.model, &a.facts, &[], &opts(false));
    keep("generated-400", &ds);
    for (name, title) in [
        ("containers", "Containers overview"),
        ("trust", "Trust boundaries overview"),
        ("data", "Data ownership overview"),
    ] {
        let d = ds.iter().find(|d| d.name == name).unwrap();
        assert_eq!(d.title, title);
        assert!(d.simplified.is_none(), "{name}: {:?}", d.simplified);
        assert!(d.dot.contains("\"@group:"), "{name} draws no groups");
        let svg = d.svg.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
        let picture = archc::emit::diagrams::inspect::parse(svg).unwrap();
        let boxes = picture.groups.iter().filter(|g| g.part == archc::emit::diagrams::inspect::Part::Node).count();
        assert!(boxes < 60, "{name}: {boxes} boxes is no overview");
        assert!(picture.aspect() <= archc::emit::diagrams::inspect::MAX_ASPECT, "{name}: {}", picture.aspect());
    }
    // A small model keeps one box per element.
    let small = generated(12);
    let ds = diagrams(&small.model, &small.facts, &[], &opts(false));
    assert_eq!(ds.iter().find(|d| d.name == "containers").unwrap().title, "Containers and zones");
}
