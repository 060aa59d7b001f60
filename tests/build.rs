//! End-to-end tests of `archc build`: every example builds every file, SVGs are well-formed XML,
//! model.json matches its JSON Schema, two builds are byte-identical, the report of the richest
//! example has every heading of the seed's template and fills its main sections, holes are listed,
//! broken models are refused, IO problems exit 2, and report.html loads in headless Chromium
//! without console errors, in light and dark mode.
//!
//! Set `ARCHC_BUILD_OUT=DIR` to keep the richest example's build and screenshots for a look.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "support/run.rs"]
mod run;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn archc(args: &[&str]) -> Output {
    run::output(run::archc(args).env("NO_COLOR", "1"))
}

fn build(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", input.to_str().unwrap_or_default(), "-o", out.to_str().unwrap_or_default()];
    args.extend_from_slice(extra);
    archc(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The example workspaces: every folder under examples/ holding .arch files.
fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.retain(|d| arch_bytes(d) > 0);
    dirs.sort();
    assert!(!dirs.is_empty(), "no example workspaces under examples/");
    dirs
}

fn arch_bytes(dir: &Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                n += arch_bytes(&p);
            } else if p.extension().is_some_and(|x| x == "arch") {
                n += e.metadata().map(|m| m.len()).unwrap_or(0);
            }
        }
    }
    n
}

/// The richest example: `payments` when present, else the one with the most .arch text.
fn richest() -> PathBuf {
    let all = examples();
    if let Some(p) = all.iter().find(|p| p.ends_with("payments")) {
        return p.clone();
    }
    all.iter().max_by_key(|p| arch_bytes(p)).cloned().unwrap_or_default()
}

/// Every file under a folder, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).map(|r| r.to_string_lossy().replace('\\', "/")).unwrap_or_default();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn every_example_builds_every_file() {
    for ex in examples() {
        let tmp = tempdir();
        let out = tmp.path().join("out");
        let o = build(&ex, &out, &[]);
        let err = stderr(&o);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}: exit {:?}\n{err}", ex.display(), o.status.code());
        assert!(o.stdout.is_empty(), "build printed on stdout");
        assert!(err.contains("wrote report.md"), "{}: {err}", ex.display());
        let files = tree(&out);
        for f in ["report.md", "report.html", "model.json"] {
            assert!(files.get(f).is_some_and(|b| !b.is_empty()), "{}: no {f}", ex.display());
        }
        let dots: Vec<&String> = files.keys().filter(|k| k.starts_with("diagrams/") && k.ends_with(".dot")).collect();
        assert!(dots.len() >= 4, "{}: only {} diagrams", ex.display(), dots.len());
        for dot in dots {
            let svg = dot.replace(".dot", ".svg");
            let bytes = files.get(&svg).unwrap_or_else(|| panic!("{}: {dot} has no SVG\n{err}", ex.display()));
            let text = String::from_utf8(bytes.clone()).expect("SVG is UTF-8");
            if let Err(e) = xml::check(&text) {
                panic!("{}: {svg} is not well-formed XML: {e}", ex.display());
            }
        }
        let model: serde_json::Value = serde_json::from_slice(&files["model.json"]).expect("model.json is JSON");
        assert!(model.get("version").is_some(), "model.json has no version");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root().join("src/emit/model_schema.json")).expect("schema"))
                .expect("schema is JSON");
        let errors = schema::validate(&schema, &model);
        assert!(errors.is_empty(), "{}: model.json does not match its schema:\n{}", ex.display(), errors.join("\n"));
        let md = String::from_utf8_lossy(&files["report.md"]);
        for link in md.split("](diagrams/").skip(1) {
            let file = &link[..link.find(')').unwrap_or(0)];
            assert!(files.contains_key(&format!("diagrams/{file}")), "report links a missing diagrams/{file}");
        }
    }
}

#[test]
fn two_builds_give_identical_bytes() {
    let ex = richest();
    let tmp = tempdir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&ex, &a, &[]);
    build(&ex, &b, &[]);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(!ta.is_empty());
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(tb[k] == *v, "{k} differs between two builds");
    }
}

/// The headings of the seed's "System Architecture Design and Specifications" report template
/// (shared/seed/000_c98278cb1329052e.txt, section 7). Phase headings are examples there: the
/// report has one per declared phase, checked by prefix.
const TEMPLATE_HEADINGS: &[&str] = &[
    "# System Architecture Design and Specifications",
    "## Executive Summary",
    "## System Overview",
    "### High-Level Architecture",
    "### Architectural Decisions",
    "## Component Architecture",
    "### Component Overview",
    "### Component Interaction Patterns",
    "### Component Interface Specifications",
    "## Data Flow Architecture",
    "### Primary Data Flows",
    "### Data Synchronization Patterns",
    "### Caching Strategy",
    "## Performance and Scalability Architecture",
    "### Performance Optimization",
    "### Scalability Design",
    "## Security Architecture",
    "### Security Layers",
    "### Security Integration Points",
    "## Infrastructure Architecture",
    "### Deployment Architecture",
    "### Infrastructure Components",
    "### Monitoring and Observability",
    "## Risk Assessment and Mitigation",
    "### Architectural Risks",
    "### Operational Risks",
    "## Implementation Roadmap",
    "### Phase 1: ",
    "## Success Metrics and Monitoring",
    "### Technical Performance Metrics",
    "### Reliability and Security Metrics",
    "## Conclusion and Next Steps",
    "### Architecture Summary",
    "### Implementation Readiness",
    "### Immediate Next Steps",
    "### Long-term Architecture Evolution",
];

/// Sections whose inputs every real example declares: they must be filled, not "lacks inputs".
const MAIN_SECTIONS: &[&str] = &[
    "## Executive Summary",
    "## System Overview",
    "## Component Architecture",
    "## Data Flow Architecture",
    "## Performance and Scalability Architecture",
    "## Security Architecture",
    "## Infrastructure Architecture",
    "## Risk Assessment and Mitigation",
    "## Implementation Roadmap",
    "## Success Metrics and Monitoring",
];

/// The template's headings, read from the seed when it is beside the repository, to catch drift.
fn seed_headings() -> Option<Vec<String>> {
    let seed = root().join("../shared/seed/000_c98278cb1329052e.txt");
    let text = std::fs::read_to_string(seed).ok()?;
    let start = text.find("# System Architecture Design and Specifications")?;
    let end = text[start..].find("\n```").map_or(text.len(), |e| start + e);
    Some(
        text[start..end]
            .lines()
            .filter(|l| l.starts_with('#'))
            .filter(|l| !l.starts_with("### Phase"))
            .map(str::to_string)
            .collect(),
    )
}

#[test]
fn richest_report_follows_the_template() {
    let ex = richest();
    let tmp = tempdir();
    let out = match std::env::var_os("ARCHC_BUILD_OUT") {
        Some(d) => PathBuf::from(d),
        None => tmp.path().join("out"),
    };
    let o = build(&ex, &out, &[]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let lines: Vec<&str> = md.lines().collect();
    let mut expected: Vec<String> = TEMPLATE_HEADINGS.iter().map(|s| s.to_string()).collect();
    if let Some(seed) = seed_headings() {
        for h in seed {
            assert!(expected.contains(&h), "the seed template has a heading this test does not know: {h}");
        }
        expected.retain(|h| h.starts_with("### Phase") || TEMPLATE_HEADINGS.contains(&h.as_str()));
    }
    for h in &expected {
        let found = if h.ends_with(": ") {
            lines.iter().any(|l| l.starts_with(h.as_str()))
        } else {
            lines.contains(&h.as_str())
        };
        assert!(found, "{}: report lacks the heading {h:?}", ex.display());
    }
    for section in MAIN_SECTIONS {
        let start = md.find(&format!("\n{section}\n")).unwrap_or_else(|| panic!("no {section}"));
        let body = &md[start + section.len() + 2..];
        let body = &body[..body.find("\n## ").unwrap_or(body.len())];
        let first = body.trim_start().lines().next().unwrap_or("");
        assert!(!first.starts_with("The model declares no"), "{}: {section} lacks its inputs: {first}", ex.display());
        assert!(body.lines().count() > 3, "{}: {section} is nearly empty", ex.display());
    }
    // Every diagram is embedded in both outputs.
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    let svgs = tree(&out.join("diagrams")).keys().filter(|k| k.ends_with(".svg")).count();
    assert!(svgs > 0);
    assert_eq!(md.matches("![").count(), svgs, "markdown embeds every diagram once");
    assert_eq!(html.matches("<figure class=\"diagram\"").count(), svgs, "html embeds every diagram once");
}

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempdir();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

#[test]
fn holes_are_listed_with_file_and_line() {
    let ws = workspace(&[(
        "a.arch",
        "component api { does ? }\n\nrisk outage \"Outage\" {\n  likelihood low\n  impact high\n  mitigation ?\n}\n",
    )]);
    let out = ws.path().join("out");
    let o = build(ws.path(), &out, &[]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    let holes = &md[md.find("## Open Holes").expect("holes section")..];
    assert!(holes.contains("| [api](#el-api) | component | `does` | a.arch:1 |"), "{holes}");
    assert!(holes.contains("| [Outage](#el-outage) | risk | `mitigation` | a.arch:6 |"), "{holes}");
    // The sections drawing on them say so too, and sections without inputs say that plainly.
    assert!(md.contains("**Mitigation**: *to be filled* (`?` at a.arch:6)"));
    assert!(md.contains("The model declares no roadmap phases."));
    assert!(md.contains("The model declares no deployments."));
}

#[test]
fn syntax_errors_refuse_the_build() {
    let ws = workspace(&[("a.arch", "component api {\n  replicas three\n}\n")]);
    let out = ws.path().join("out");
    let o = build(ws.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("not building"), "{}", stderr(&o));
    assert!(!out.join("report.md").exists());
}

#[test]
fn io_problems_exit_2() {
    let ws = workspace(&[("a.arch", "component api { does \"x\" }\n"), ("blocker", "a file")]);
    let o = build(ws.path(), &ws.path().join("blocker/out"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
    let o = build(&ws.path().join("missing"), &ws.path().join("out"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn several_workspaces_build_into_subfolders() {
    let a = workspace(&[("a.arch", "component one { does \"x\" }\n"), ("arch.toml", "")]);
    let b = workspace(&[("b.arch", "component two { does \"y\" }\n"), ("arch.toml", "")]);
    let out = tempdir();
    let o = archc(&[
        "build",
        a.path().to_str().unwrap_or_default(),
        b.path().to_str().unwrap_or_default(),
        "-o",
        out.path().to_str().unwrap_or_default(),
    ]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let files = tree(out.path());
    assert_eq!(files.keys().filter(|k| k.ends_with("report.html")).count(), 2, "{:?}", files.keys());
}

#[test]
fn system_dot_failing_on_one_view_is_reported_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace(&[("a.arch", "component api { does \"x\" }\n")]);
    let out = ws.path().join("out");
    // A stand-in `dot` that draws an empty picture, except for the context view, where it fails.
    let bin = ws.path().join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    let script = "#!/bin/sh\n[ \"$1\" = -V ] && exit 0\ninput=$(cat)\ncase \"$input\" in *'digraph \"context\"'*) \
                  echo boom >&2; exit 1;; esac\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>'\n";
    std::fs::write(bin.join("dot"), script).expect("write");
    std::fs::set_permissions(bin.join("dot"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let o = Command::new(env!("CARGO_BIN_EXE_archc"))
        .args([
            "build",
            ws.path().to_str().unwrap_or_default(),
            "-o",
            out.to_str().unwrap_or_default(),
            "--renderer",
            "dot",
        ])
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .output()
        .expect("run archc");
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    assert!(stderr(&o).contains("diagram `context` was not rendered"), "{}", stderr(&o));
    let files = tree(&out);
    assert!(files.keys().any(|k| k.ends_with("context.dot")));
    assert!(!files.keys().any(|k| k.ends_with("context.svg")));
    assert!(files.keys().any(|k| k.ends_with("containers.svg")));
    let md = String::from_utf8_lossy(&files["report.md"]);
    assert!(md.contains("could not be rendered"));
}

#[test]
fn highlight_marks_findings_in_the_diagrams() {
    // The example with the most findings shows highlighting best.
    let ex = examples()
        .into_iter()
        .max_by_key(|e| {
            let o = archc(&["check", e.to_str().unwrap_or_default(), "--format", "json"]);
            serde_json::from_slice::<serde_json::Value>(&o.stdout)
                .ok()
                .and_then(|v| v["diagnostics"].as_array().map(Vec::len))
                .unwrap_or(0)
        })
        .unwrap_or_default();
    let tmp = tempdir();
    let (plain, marked) = (tmp.path().join("plain"), tmp.path().join("marked"));
    build(&ex, &plain, &[]);
    let o = build(&ex, &marked, &["--highlight"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let md = std::fs::read_to_string(plain.join("report.md")).unwrap_or_default();
    if md.contains("The analysis reports no findings.") {
        return;
    }
    let (a, b) = (tree(&plain.join("diagrams")), tree(&marked.join("diagrams")));
    assert!(a.iter().any(|(k, v)| b.get(k) != Some(v)), "--highlight changed no diagram although there are findings");
}

/// Headless Chromium: every example's page loads with no script or console errors, shows every
/// diagram and has no dangling in-page link; screenshots of the richest are taken in light and
/// dark mode.
#[test]
fn report_html_loads_in_chromium_without_errors() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
    else {
        panic!("headless Chromium is needed for this test: install it with `apt-get update && apt-get install -y chromium` (.ci/setup does)");
    };
    let tmp = tempdir();
    let profile = tmp.path().join("profile");
    let run = |extra: &[&str]| {
        let mut c = Command::new(chromium);
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ]);
        c.arg(format!("--user-data-dir={}", profile.display()));
        c.args(extra);
        c.output().expect("run chromium")
    };
    // Records errors and reports what the page holds as attributes of <html>.
    let probe = "<script>window.__errs=[];addEventListener('error',function(e){__errs.push('error: '+e.message)});\
                 var __ce=console.error;console.error=function(){__errs.push('console: '+Array.prototype.join.call(arguments,' '));__ce.apply(console,arguments)};\
                 addEventListener('load',function(){var d=document.documentElement;d.setAttribute('data-errors',String(__errs.length));\
                 d.setAttribute('data-error-text',__errs.join(' | '));d.setAttribute('data-svgs',String(document.querySelectorAll('figure svg').length));\
                 d.setAttribute('data-toc',String(document.querySelectorAll('nav.toc a').length));\
                 var bad=0;document.querySelectorAll('a[href^=\"#\"]').forEach(function(a){if(a.getAttribute('href').length>1&&!document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))bad++});\
                 d.setAttribute('data-dangling',String(bad));});</script>";
    let richest = richest();
    for (i, ex) in examples().iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        build(ex, &out, &[]);
        let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
        // Self-contained: nothing is fetched.
        for bad in ["src=\"http", "href=\"http", "<link ", "@import", "url(http"] {
            assert!(!html.contains(bad), "{}: report.html refers to an outside resource: {bad}", ex.display());
        }
        let page = out.join("probe.html");
        std::fs::write(&page, html.replacen("<head>", &format!("<head>\n{probe}"), 1)).expect("write probe");
        let o = run(&["--virtual-time-budget=3000", "--dump-dom", &format!("file://{}", page.display())]);
        let dom = String::from_utf8_lossy(&o.stdout);
        let log = String::from_utf8_lossy(&o.stderr);
        let at = ex.display();
        assert!(
            dom.contains("data-errors=\"0\""),
            "{at}: the page reported errors: {}\n{log}",
            attr(&dom, "data-error-text")
        );
        for line in log.lines() {
            let console_error = line.contains("CONSOLE") && line.contains("ERROR");
            assert!(!(line.contains("Uncaught") || console_error), "{at}: console error: {line}");
        }
        let svgs = tree(&out.join("diagrams")).keys().filter(|k| k.ends_with(".svg")).count();
        assert_eq!(attr(&dom, "data-svgs"), svgs.to_string(), "{at}: inline SVGs in the page");
        assert_eq!(attr(&dom, "data-dangling"), "0", "{at}: links to missing anchors");
        assert!(attr(&dom, "data-toc").parse::<usize>().unwrap_or(0) >= 20, "{at}: table of contents");
        if *ex != richest {
            continue;
        }
        // Screenshots in light and dark mode (look at them with ARCHC_BUILD_OUT set).
        let shots = std::env::var_os("ARCHC_BUILD_OUT").map(PathBuf::from).unwrap_or_else(|| tmp.path().to_path_buf());
        std::fs::create_dir_all(&shots).expect("shots dir");
        let url = format!("file://{}", out.join("report.html").display());
        for (name, mode) in [
            ("light.png", vec!["--blink-settings=preferredColorScheme=1"]),
            ("dark.png", vec!["--force-dark-mode", "--blink-settings=preferredColorScheme=0"]),
        ] {
            let shot = shots.join(name);
            let shot_arg = format!("--screenshot={}", shot.display());
            let mut args = vec!["--window-size=1400,2000", "--hide-scrollbars", shot_arg.as_str()];
            args.extend(mode);
            args.push(&url);
            let o = run(&args);
            let png = std::fs::read(&shot).unwrap_or_default();
            assert!(png.starts_with(b"\x89PNG"), "no screenshot {name}: {}", String::from_utf8_lossy(&o.stderr));
        }
    }
}

fn attr<'a>(dom: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    match dom.find(&key) {
        Some(i) => {
            let rest = &dom[i + key.len()..];
            &rest[..rest.find('"').unwrap_or(rest.len())]
        }
        None => "",
    }
}

#[test]
fn schema_names_every_declaration_kind() {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("src/emit/model_schema.json")).expect("schema"))
            .expect("schema is JSON");
    let mut in_schema: Vec<&str> =
        schema["$defs"]["kind"]["enum"].as_array().expect("kind enum").iter().filter_map(|v| v.as_str()).collect();
    let mut kinds: Vec<&str> = archc::syntax::schema::DECLS.iter().map(|d| d.keyword).collect();
    in_schema.sort_unstable();
    kinds.sort_unstable();
    assert_eq!(in_schema, kinds, "model_schema.json's kind enum is out of date");
}

/// A small XML well-formedness checker: one root, balanced tags, quoted attributes, known entities.
mod xml {
    pub fn check(s: &str) -> Result<(), String> {
        let b = s.as_bytes();
        let mut i = 0;
        let mut stack: Vec<String> = Vec::new();
        let mut roots = 0;
        while i < b.len() {
            if b[i] == b'<' {
                let rest = &s[i..];
                if rest.starts_with("<?") {
                    i += rest.find("?>").ok_or("unterminated processing instruction")? + 2;
                } else if rest.starts_with("<!--") {
                    let end = rest.find("-->").ok_or("unterminated comment")?;
                    if rest[4..end].contains("--") {
                        return Err("`--` inside a comment".into());
                    }
                    i += end + 3;
                } else if rest.starts_with("<![CDATA[") {
                    i += rest.find("]]>").ok_or("unterminated CDATA")? + 3;
                } else if rest.starts_with("<!DOCTYPE") {
                    if !stack.is_empty() || roots > 0 {
                        return Err("DOCTYPE after the root".into());
                    }
                    let mut depth = 0;
                    let mut j = 0;
                    for (k, c) in rest.char_indices() {
                        match c {
                            '[' => depth += 1,
                            ']' => depth -= 1,
                            '>' if depth == 0 => {
                                j = k;
                                break;
                            }
                            _ => {}
                        }
                    }
                    i += j + 1;
                } else if let Some(r) = rest.strip_prefix("</") {
                    let end = r.find('>').ok_or("unterminated end tag")?;
                    let name = r[..end].trim_end();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("`</{name}>` closes {other:?}")),
                    }
                    i += 2 + end + 1;
                } else {
                    let (len, name, empty) = tag(rest)?;
                    if stack.is_empty() {
                        roots += 1;
                        if roots > 1 {
                            return Err("more than one root element".into());
                        }
                    }
                    if !empty {
                        stack.push(name);
                    }
                    i += len;
                }
            } else {
                let end = s[i..].find('<').map_or(b.len(), |e| i + e);
                text(&s[i..end])?;
                if stack.is_empty() && !s[i..end].trim().is_empty() {
                    return Err("text outside the root element".into());
                }
                i = end;
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed elements {stack:?}"));
        }
        if roots != 1 {
            return Err("no root element".into());
        }
        Ok(())
    }

    fn is_name(n: &str) -> bool {
        let mut chars = n.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
    }

    /// A start tag: its length, name and whether it is self-closing.
    fn tag(s: &str) -> Result<(usize, String, bool), String> {
        let b = s.as_bytes();
        let mut i = 1;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = s[1..i].to_string();
        if !is_name(&name) {
            return Err(format!("bad element name `{name}`"));
        }
        let mut seen: Vec<String> = Vec::new();
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                None => return Err(format!("unterminated tag `{name}`")),
                Some(b'>') => return Ok((i + 1, name, false)),
                Some(b'/') if b.get(i + 1) == Some(&b'>') => return Ok((i + 2, name, true)),
                _ => {}
            }
            let start = i;
            while i < b.len() && b[i] != b'=' && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                i += 1;
            }
            let attr = &s[start..i];
            if !is_name(attr) {
                return Err(format!("bad attribute name `{attr}` in `{name}`"));
            }
            if seen.iter().any(|a| a == attr) {
                return Err(format!("duplicate attribute `{attr}` in `{name}`"));
            }
            seen.push(attr.to_string());
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                return Err(format!("attribute `{attr}` without a value in `{name}`"));
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let q = *b.get(i).ok_or("unterminated attribute")?;
            if q != b'"' && q != b'\'' {
                return Err(format!("unquoted attribute `{attr}` in `{name}`"));
            }
            let end = s[i + 1..].find(q as char).ok_or("unterminated attribute value")? + i + 1;
            let value = &s[i + 1..end];
            if value.contains('<') {
                return Err(format!("`<` in attribute `{attr}`"));
            }
            text(value)?;
            i = end + 1;
        }
    }

    fn text(t: &str) -> Result<(), String> {
        let mut rest = t;
        while let Some(p) = rest.find('&') {
            let after = &rest[p + 1..];
            let end = after.find(';').ok_or_else(|| format!("bare `&` in `{}`", &after[..after.len().min(20)]))?;
            let ent = &after[..end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || ent.strip_prefix("#x").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
                || ent.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(format!("unknown entity `&{ent};`"));
            }
            rest = &after[end + 1..];
        }
        Ok(())
    }

    #[test]
    fn checker_accepts_and_rejects() {
        assert!(check(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"a\" \"b\">\n<svg a=\"1\"><g/><t>x &amp; y</t></svg>\n"
        )
        .is_ok());
        assert!(check("<svg><g></svg>").is_err());
        assert!(check("<svg a=1></svg>").is_err());
        assert!(check("<svg>&nbsp;</svg>").is_err());
        assert!(check("<svg></svg><svg></svg>").is_err());
        assert!(check("<svg a=\"1\" a=\"2\"></svg>").is_err());
    }
}

/// The subset of JSON Schema (2020-12) that model_schema.json uses: type, enum, const, properties,
/// required, additionalProperties, items, $ref into $defs, anyOf, oneOf, minimum.
mod schema {
    use serde_json::Value;

    pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        check(schema, schema, value, "$", &mut errors);
        errors
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        }
    }

    fn check(root: &Value, s: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
        if errors.len() > 20 {
            return;
        }
        let Some(s) = s.as_object() else {
            if s == &Value::Bool(false) {
                errors.push(format!("{at}: not allowed"));
            }
            return;
        };
        for key in s.keys() {
            let known = [
                "$schema",
                "$id",
                "$ref",
                "$defs",
                "title",
                "description",
                "type",
                "enum",
                "const",
                "properties",
                "required",
                "additionalProperties",
                "items",
                "anyOf",
                "oneOf",
                "minimum",
                "examples",
            ];
            assert!(known.contains(&key.as_str()), "the test validator does not know the keyword `{key}`");
        }
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.strip_prefix("#/$defs/").unwrap_or_else(|| panic!("unsupported $ref {r}"));
            let target = &root["$defs"][name];
            assert!(!target.is_null(), "dangling $ref {r}");
            check(root, target, v, at, errors);
        }
        if let Some(t) = s.get("type") {
            let ok = match t {
                Value::String(t) => type_ok(t, v),
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|t| type_ok(t, v)),
                _ => true,
            };
            if !ok {
                errors.push(format!("{at}: expected type {t}, found {v}"));
                return;
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !e.contains(v) {
                errors.push(format!("{at}: {v} is not one of {}", Value::Array(e.clone())));
            }
        }
        if let Some(c) = s.get("const") {
            if c != v {
                errors.push(format!("{at}: expected {c}, found {v}"));
            }
        }
        if let (Some(m), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64()) {
            if n < m {
                errors.push(format!("{at}: {n} is below {m}"));
            }
        }
        if let Some(obj) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            if let Some(req) = s.get("required").and_then(Value::as_array) {
                for r in req.iter().filter_map(Value::as_str) {
                    if !obj.contains_key(r) {
                        errors.push(format!("{at}: missing required `{r}`"));
                    }
                }
            }
            for (k, val) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => check(root, ps, val, &format!("{at}.{k}"), errors),
                    None => match s.get("additionalProperties") {
                        Some(Value::Bool(false)) => errors.push(format!("{at}: unexpected property `{k}`")),
                        Some(extra @ Value::Object(_)) => check(root, extra, val, &format!("{at}.{k}"), errors),
                        _ => {}
                    },
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, item) in arr.iter().enumerate() {
                check(root, items, item, &format!("{at}[{i}]"), errors);
            }
        }
        for (key, exactly_one) in [("anyOf", false), ("oneOf", true)] {
            if let Some(alts) = s.get(key).and_then(Value::as_array) {
                let passing = alts
                    .iter()
                    .filter(|alt| {
                        let mut e = Vec::new();
                        check(root, alt, v, at, &mut e);
                        e.is_empty()
                    })
                    .count();
                if passing == 0 || (exactly_one && passing > 1) {
                    errors.push(format!("{at}: {passing} of the {key} alternatives match {v}"));
                }
            }
        }
    }

    #[test]
    fn validator_catches_mistakes() {
        let schema: Value = serde_json::json!({
            "type": "object", "required": ["a"], "additionalProperties": false,
            "properties": { "a": { "$ref": "#/$defs/n" }, "b": { "type": "array", "items": { "enum": [1, 2] } } },
            "$defs": { "n": { "type": "integer", "minimum": 0 } }
        });
        assert!(validate(&schema, &serde_json::json!({"a": 1, "b": [1, 2]})).is_empty());
        assert_eq!(validate(&schema, &serde_json::json!({"a": -1})).len(), 1);
        assert_eq!(validate(&schema, &serde_json::json!({"b": [3], "c": 1})).len(), 3);
    }
}
