//! A generator of realistic `.arch` workspaces, for benchmarks and scale tests.
//!
//! `generate(components, seed)` returns `(relative path, text)` pairs: `arch.toml`, a platform file
//! (the system, nested trust zones, actors, an external provider and one team per ~20 components)
//! and domain files of 50 to 100 components each, under `domains/aNN/dNNNN.arch`. A domain file
//! holds data entities, events, REST interfaces, components, datastores, flows of 3 to 8 steps and,
//! now and then, a decision and a risk.
//!
//! Guarantees, relied on by the tests:
//! - exactly `components` components, deterministic for a given seed;
//! - a file references only what it declares or imports (visibility is by import, transitive);
//! - `uses` point to components earlier in the same file or in lower-numbered files, so there is
//!   neither an import cycle nor a dependency cycle;
//! - the text is already in `archc fmt` layout, and `archc check` reports nothing.
//!
//! This is a plain module, included by `benches/gen_workspace.rs` and by tests with `#[path]`.

#![allow(dead_code)]

use std::fmt::Write as _;

/// Domain files per folder.
const FILES_PER_AREA: usize = 40;

const DOMAINS: &[&str] = &[
    "orders",
    "billing",
    "catalog",
    "inventory",
    "shipping",
    "payments",
    "accounts",
    "search",
    "reviews",
    "pricing",
    "loyalty",
    "fraud",
    "notifications",
    "analytics",
    "returns",
    "warehouse",
    "identity",
    "content",
    "support",
    "marketing",
];
const NOUNS: &[&str] = &[
    "Order", "Invoice", "Customer", "Product", "Shipment", "Payment", "Cart", "Review", "Price", "Coupon", "Account",
    "Address", "Ticket", "Refund", "Stock", "Parcel", "Session", "Report",
];
const VERBS: &[&str] = &["Created", "Updated", "Cancelled", "Completed", "Rejected", "Archived"];
const FIELD_TYPES: &[&str] = &["uuid", "string", "int", "decimal", "timestamp", "bool", "money"];
const TECHS: &[&str] = &["Rust, axum", "Kotlin, Spring Boot", "Go, chi", "TypeScript, NestJS", "Java, Quarkus"];
const CLASSES: &[&str] = &["internal", "confidential", "restricted"];
const AUTHS: &[&str] = &["oauth2", "jwt", "mtls", "oidc"];

/// xorshift64*: small, fast and good enough to make varied but reproducible workspaces.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Gateway,
    Service,
    Worker,
}

/// What later files may reference in a domain file.
struct FileInfo {
    path: String,
    /// Components that are not gateways.
    services: Vec<Target>,
    /// Events, and whether a subscriber has been given one already.
    events: Vec<(String, bool)>,
}

/// A component that others may call.
#[derive(Clone)]
struct Target {
    name: String,
    /// The interface it exposes, to call it through.
    via: Option<String>,
    /// Its place in its cluster's call chain: it makes at most this many nested synchronous calls.
    position: usize,
    /// The longest it may wait on one downstream call, retries included, in milliseconds.
    budget: u64,
    /// Already called from another file: one such caller each keeps every fan-in small, so that
    /// no component becomes a hub.
    taken: bool,
}

/// A synchronous `uses`: target, interface, timeout (ms) and retries.
struct Use {
    target: String,
    via: Option<String>,
    timeout: u64,
    retries: u64,
}

struct Comp {
    name: String,
    role: Role,
    team: usize,
    /// Index of the first component of its cluster, and its place in the cluster.
    cluster: usize,
    position: usize,
    owns: Option<String>,
    exposes: Option<String>,
    publishes: Option<String>,
    subscribes: Option<String>,
    uses: Vec<Use>,
    /// The datastore it keeps its cluster's data in (the chain's last component), with the timeout.
    store: Option<(String, u64)>,
    budget: u64,
}

/// Generates a workspace of `components` components (at least 1).
pub fn generate(components: usize, seed: u64) -> Vec<(String, String)> {
    let components = components.max(1);
    let mut rng = Rng::new(seed);

    // Split the components over files of 50 to 100; a small remainder joins the last file.
    let mut sizes = Vec::new();
    let mut left = components;
    while left > 0 {
        let n = rng.range(50, 100).min(left);
        sizes.push(n);
        left -= n;
    }
    if sizes.len() > 1 && sizes[sizes.len() - 1] < 25 {
        let last = sizes.pop().unwrap_or(0);
        if let Some(prev) = sizes.last_mut() {
            *prev += last;
        }
    }

    let mut domains = Vec::new();
    let mut infos: Vec<FileInfo> = Vec::new();
    let mut first = 0;
    let mut teams = 1;
    for (k, &size) in sizes.iter().enumerate() {
        let (text, info, last_team) = domain_file(k, size, first, &mut infos, &mut rng);
        first += size;
        teams = teams.max(last_team);
        domains.push((info.path.clone(), text));
        infos.push(info);
    }
    let mut out =
        vec![("arch.toml".to_string(), arch_toml(components, seed)), ("platform.arch".to_string(), platform(teams))];
    out.extend(domains);
    out
}

fn arch_toml(components: usize, seed: u64) -> String {
    format!(
        "# Generated by gen-workspace: {components} components, seed {seed}.\n\
         [workspace]\n\
         exclude = [\"drafts/**\"]\n"
    )
}

fn platform(teams: usize) -> String {
    let mut s = String::new();
    s.push_str("// The platform: the system, its trust zones, who uses it and the teams that build it.\n\n");
    s.push_str("import std.security\n\n");
    s.push_str(
        "system shop \"Online shop\" {\n\
         \x20 summary \"Sells physical goods to consumers in several countries\"\n\
         \x20 owner team_0001\n\
         \x20 scope \"Storefront, checkout, fulfilment and back office\"\n\
         \x20 out-of-scope \"Accounting and payroll\"\n\
         \x20 complexity high\n\
         \x20 users 2M\n\
         \x20 concurrent-users 50K\n\
         \x20 security \"Zero trust between zones; mTLS inside the mesh\"\n\
         \x20 profile shop_platform\n\
         }\n\n\
         profile shop_platform \"Shop platform baseline\" {\n\
         \x20 controls mutual_tls, tls_everywhere, service_authentication, oauth_token_validation, input_validation, audit_logging, rate_limiting, least_privilege, encryption_at_rest, tested_backups\n\
         \x20 min-auth mtls\n\
         \x20 encrypted-in-transit\n\
         \x20 encrypted-at-rest\n\
         \x20 summary \"Every component and store of the shop follows it\"\n\
         }\n\n",
    );
    s.push_str(
        "zone internet \"Public internet\" {\n\
         \x20 trust none\n\
         \x20 kind network\n\
         \x20 internet\n\
         }\n\n\
         zone dmz \"Demilitarised zone\" {\n\
         \x20 trust low\n\
         \x20 kind network\n\
         \x20 max-classification confidential\n\
         }\n\n\
         zone core \"Core network\" {\n\
         \x20 trust high\n\
         \x20 kind network\n\
         \x20 zone core_services \"Service mesh\" {\n\
         \x20   trust high\n\
         \x20   kind logical\n\
         \x20 }\n\
         \x20 zone core_batch \"Batch workers\" {\n\
         \x20   trust high\n\
         \x20   kind logical\n\
         \x20 }\n\
         }\n\n\
         zone data \"Data tier\" {\n\
         \x20 trust high\n\
         \x20 kind network\n\
         \x20 max-classification restricted\n\
         \x20 zone data_primary \"Primary databases\" {\n\
         \x20   trust high\n\
         \x20   kind logical\n\
         \x20 }\n\
         \x20 zone data_analytics \"Analytics stores\" {\n\
         \x20   trust high\n\
         \x20   kind logical\n\
         \x20   max-classification confidential\n\
         \x20 }\n\
         }\n\n",
    );
    s.push_str(
        "actor customer \"Customer\" {\n\
         \x20 kind user\n\
         \x20 zone internet\n\
         \x20 count 2M\n\
         }\n\n\
         external identity_provider \"Identity provider\" {\n\
         \x20 kind identity\n\
         \x20 zone internet\n\
         \x20 provider \"Acme Identity\"\n\
         \x20 sla 99.99%\n\
         \x20 criticality high\n\
         }\n",
    );
    for t in 1..=teams {
        let _ = write!(
            s,
            "\nteam {} \"Team {t}\" {{\n  contact \"#team-{t}\"\n  size {}\n  summary \"Owns about twenty components\"\n}}\n",
            team_name(t),
            5 + t % 5
        );
    }
    s
}

fn team_name(t: usize) -> String {
    format!("team_{t:04}")
}

fn file_path(k: usize) -> String {
    format!("domains/a{:02}/d{:04}.arch", k / FILES_PER_AREA, k)
}

/// `to` relative to the folder of `from`; both are workspace paths.
fn relative(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').collect();
    let from_dir = &from_dir[..from_dir.len() - 1];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from_dir.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// A timeout comfortably above `budget`, in whole hundreds of milliseconds.
fn timeout_over(budget: u64, rng: &mut Rng) -> u64 {
    (budget + 100 + 100 * rng.range(0, 3) as u64).div_ceil(100) * 100
}

/// Returns the file's text, what later files may reference and the highest team number used.
fn domain_file(
    k: usize,
    size: usize,
    first: usize,
    earlier: &mut [FileInfo],
    rng: &mut Rng,
) -> (String, FileInfo, usize) {
    let path = file_path(k);
    let word = DOMAINS[k % DOMAINS.len()];
    let cap = capitalised(word);
    let p = format!("{word}{k}");

    // Files this one depends on: the previous one and up to two earlier ones.
    let mut deps: Vec<usize> = Vec::new();
    if k > 0 {
        deps.push(k - 1);
        for _ in 0..2 {
            let d = rng.range(0, k - 1);
            if !deps.contains(&d) && rng.chance(60) {
                deps.push(d);
            }
        }
    }
    deps.sort_unstable();

    // Clusters: a gateway on top of a chain of 2 to 4 services; the chain's end keeps the data.
    let mut clusters: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while at < size {
        let n = rng.range(3, 5).min(size - at);
        clusters.push((at, n));
        at += n;
    }

    let mut data: Vec<(String, &str)> = Vec::new();
    let mut events: Vec<String> = Vec::new();
    let mut comps: Vec<Comp> = Vec::new();
    let mut max_team = 1;
    for &(start, n) in &clusters {
        let team = (first + start) / 20 + 1;
        max_team = max_team.max(team);
        let has_gateway = n >= 3;
        for i in 0..n {
            let j = start + i;
            let role = if has_gateway && i + 1 == n {
                Role::Gateway
            } else if rng.chance(15) {
                Role::Worker
            } else {
                Role::Service
            };
            let name = match role {
                Role::Gateway => format!("{p}_gw{j}"),
                Role::Service => format!("{p}_svc{j}"),
                Role::Worker => format!("{p}_worker{j}"),
            };
            let mut c = Comp {
                name,
                role,
                team,
                cluster: start,
                position: i,
                owns: None,
                exposes: None,
                publishes: None,
                subscribes: None,
                uses: Vec::new(),
                store: None,
                budget: 0,
            };
            // Interfaces only where the chain calls them; what goes through one stays confidential
            // at most, since the gateway in the DMZ sees it.
            let exposes = role != Role::Gateway && i + 1 < n && (i + 2 == n || rng.chance(50));
            if exposes {
                c.exposes = Some(format!("{cap}{k}Api{j}"));
            }
            if exposes || (role != Role::Gateway && rng.chance(80)) {
                let noun = rng.pick(NOUNS);
                let d = format!("{noun}{k}_{j}");
                let class = if exposes { rng.pick(&CLASSES[..2]) } else { rng.pick(CLASSES) };
                data.push((d.clone(), class));
                c.owns = Some(d);
            }
            if role != Role::Gateway && rng.chance(25) {
                let base = c.owns.clone().unwrap_or_else(|| format!("{cap}{k}_{j}"));
                let e = format!("{base}{}", rng.pick(VERBS));
                events.push(e.clone());
                c.publishes = Some(e);
            }
            if i == 0 {
                let timeout = 100 * rng.range(2, 5) as u64;
                c.store = Some((format!("{p}_db{j}"), timeout));
                c.budget = timeout;
            } else {
                let prev = &comps[j - 1];
                let timeout = timeout_over(prev.budget, rng);
                let retries = rng.range(0, 1) as u64;
                c.budget = c.budget.max(timeout * (1 + retries));
                let (target, via) = (prev.name.clone(), prev.exposes.clone());
                c.uses.push(Use { target, via, timeout, retries });
            }
            // Now and then a call into an earlier file, to a component lower in its chain than
            // this one is in its own, so that no chain grows beyond four calls.
            if role != Role::Gateway && i > 0 && !deps.is_empty() && rng.chance(30) {
                let dep = &mut earlier[deps[rng.range(0, deps.len() - 1)]];
                let fits: Vec<usize> = (0..dep.services.len())
                    .filter(|&t| dep.services[t].position < i && !dep.services[t].taken)
                    .collect();
                if !fits.is_empty() {
                    let t = &mut dep.services[fits[rng.range(0, fits.len() - 1)]];
                    t.taken = true;
                    let timeout = timeout_over(t.budget, rng);
                    let retries = rng.range(0, 1) as u64;
                    c.budget = c.budget.max(timeout * (1 + retries));
                    c.uses.push(Use { target: t.name.clone(), via: t.via.clone(), timeout, retries });
                }
            }
            if role == Role::Gateway {
                // Gateways check tokens with the identity provider.
                c.budget = c.budget.max(800 * 2);
            }
            comps.push(c);
        }
    }
    // Workers consume an event published earlier in this file or in a file it imports. Every event
    // has one subscriber at most, and only a publisher that calls one component gets one: the
    // delivery is a dependency too, and three would make the coupling rules judge its stability.
    let mut local_events: Vec<(String, bool)> = Vec::new();
    for j in 0..comps.len() {
        if comps[j].role != Role::Worker || comps[j].publishes.is_some() {
            continue;
        }
        // From an earlier cluster: a worker calls down its own chain, so an event from there
        // would close a cycle.
        let cluster = comps[j].cluster;
        let published: Vec<String> =
            comps[..cluster].iter().filter(|c| c.uses.len() <= 1).filter_map(|c| c.publishes.clone()).collect();
        let local = published.into_iter().rev().find(|e| !local_events.iter().any(|(t, _)| t == e));
        if let Some(e) = local {
            local_events.push((e.clone(), true));
            comps[j].subscribes = Some(e);
            continue;
        }
        let Some(&d) = deps.first() else { continue };
        if let Some(slot) = earlier[d].events.iter_mut().find(|e| !e.1) {
            slot.1 = true;
            comps[j].subscribes = Some(slot.0.clone());
        }
    }

    let mut s = String::new();
    let _ = writeln!(s, "// Domain `{word}`, part {k}: {size} components. Generated by gen-workspace.");
    s.push('\n');
    s.push_str("import std.tech\n");
    let _ = writeln!(s, "import \"{}\"", relative(&path, "platform.arch"));
    for &d in &deps {
        let _ = writeln!(s, "import \"{}\"", relative(&path, &earlier[d].path));
    }

    for (d, class) in &data {
        let _ = write!(s, "\ndata {d} {{\n  classification {class}\n");
        if *class != "internal" && rng.chance(40) {
            s.push_str("  pii\n");
        }
        let _ = writeln!(s, "  retention {}d", 30 * rng.range(1, 24));
        s.push_str("  field id: uuid key\n");
        for f in 0..rng.range(2, 5) {
            let ty = rng.pick(FIELD_TYPES);
            let list = if rng.chance(10) { "[]" } else { "" };
            let opt = if rng.chance(20) { " optional" } else { "" };
            let _ = writeln!(s, "  field f{f}_{ty}: {ty}{list}{opt}");
        }
        s.push_str("}\n");
    }

    for e in &events {
        let _ = write!(
            s,
            "\nevent {e} {{\n  classification internal\n  version \"{}\"\n  key \"id\"\n  field id: uuid key\n  field at: timestamp\n}}\n",
            rng.range(1, 3)
        );
    }

    for c in &comps {
        let (Some(api), Some(model)) = (&c.exposes, &c.owns) else { continue };
        let base = format!("/{word}{k}/{}", c.name.rsplit('_').next().unwrap_or("x"));
        let _ = write!(
            s,
            "\ninterface {api} \"{cap} API\" rest {{\n  auth mtls\n  authz scopes\n  version \"v{}\"\n  exposure internal\n  format json\n  errors problem-json\n  rate-limit {}/s\n",
            rng.range(1, 3),
            100 * rng.range(1, 20)
        );
        let _ = writeln!(s, "  GET {base}/{{id}} -> {model} \"Fetch one\"");
        let _ = writeln!(s, "  GET {base} -> {model} \"List\"");
        let _ = writeln!(s, "  POST {base} ({model}) -> {model} \"Create\"");
        if rng.chance(50) {
            let _ = writeln!(s, "  PUT {base}/{{id}} ({model}) -> {model} \"Replace\" idempotent");
        }
        if rng.chance(30) {
            let _ = writeln!(s, "  DELETE {base}/{{id}} \"Remove\" idempotent");
        }
        s.push_str("}\n");
    }

    for (j, c) in comps.iter().enumerate() {
        let (kind, zone, layer) = match c.role {
            Role::Gateway => ("gateway", "dmz", "presentation"),
            Role::Service => ("service", "core_services", "business"),
            Role::Worker => ("worker", "core_batch", "business"),
        };
        let _ = write!(
            s,
            "\ncomponent {} \"{cap} {kind} {j}\" {{\n  kind {kind}\n  layer {layer}\n  does \"Handles {word} requests, part {j}\"\n  tech \"{}\"\n  owner {}\n  zone {zone}\n  system shop\n  replicas {}\n  criticality high\n",
            c.name,
            rng.pick(TECHS),
            team_name(c.team),
            rng.range(2, 6),
        );
        if let Some(d) = &c.owns {
            let _ = writeln!(s, "  owns {d}");
        }
        if let Some(api) = &c.exposes {
            let _ = writeln!(s, "  exposes {api}");
        }
        if let Some(e) = &c.publishes {
            let _ = writeln!(s, "  publishes {e}");
        }
        if let Some(e) = &c.subscribes {
            let _ = writeln!(s, "  subscribes {e}");
        }
        if c.role == Role::Gateway {
            s.push_str(
                "  uses identity_provider sync {\n    protocol https\n    auth mtls\n    timeout 800ms\n    retries 1\n    circuit-breaker\n  }\n",
            );
        }
        for u in &c.uses {
            let _ = writeln!(s, "  uses {} sync {{", u.target);
            if let Some(v) = &u.via {
                let _ = writeln!(s, "    via {v}");
            }
            let _ = write!(
                s,
                "    protocol {}\n    auth mtls\n    authz scopes\n    timeout {}ms\n",
                if rng.chance(50) { "grpcs" } else { "https" },
                u.timeout
            );
            if u.retries > 0 {
                let _ = writeln!(s, "    retries {}", u.retries);
            }
            s.push_str("    circuit-breaker\n  }\n");
        }
        if let Some((db, timeout)) = &c.store {
            let _ = write!(
                s,
                "  uses {db} sync {{\n    protocol postgres-tls\n    auth mtls\n    access read-write\n    timeout {timeout}ms\n    circuit-breaker\n  }}\n"
            );
        }
        s.push_str("}\n");
    }

    // One datastore per cluster, owned by the cluster's team and used by the chain's end only.
    for c in &comps {
        let Some((db, _)) = &c.store else { continue };
        let holds: Vec<&str> =
            comps.iter().filter(|o| o.cluster == c.cluster).filter_map(|o| o.owns.as_deref()).collect();
        let _ = write!(
            s,
            "\ndatastore {db} \"{cap} store of {}\" {{\n  tech postgres\n  owner {}\n  zone data_primary\n  system shop\n",
            c.name,
            team_name(c.team)
        );
        if !holds.is_empty() {
            let _ = writeln!(s, "  holds {}", holds.join(", "));
        }
        let _ = write!(
            s,
            "  encrypted-at-rest yes\n  replicas 3\n  read-replicas {}\n  backup \"Daily snapshots kept 30 days\"\n  size {}GB\n  criticality high\n  rpo 5m\n  rto 30m\n}}\n",
            rng.range(0, 3),
            10 * rng.range(1, 50)
        );
    }

    // Flows: a customer enters through a cluster's gateway and walks down its chain.
    let mut flow_no = 0;
    for &(start, n) in &clusters {
        if n < 3 || rng.chance(40) {
            continue;
        }
        let top = start + n - 1;
        let wanted = rng.range(3, 8);
        let mut steps: Vec<String> = Vec::new();
        let mut sync_ms = 0;
        let mut step = |text: String, ms: usize, steps: &mut Vec<String>| {
            steps.push(format!("{text} {ms}ms"));
            sync_ms += ms;
        };
        let gw = &comps[top];
        step(format!("customer -> {} \"{cap} request\" https auth oidc", gw.name), rng.range(10, 60), &mut steps);
        if wanted >= 5 && rng.chance(50) {
            step(
                format!("{} -> identity_provider \"Check the token\" https auth mtls", gw.name),
                rng.range(5, 30),
                &mut steps,
            );
        }
        let mut j = top;
        while steps.len() < wanted {
            let c = &comps[j];
            if j == start {
                let db = c.store.as_ref().map(|d| d.0.clone()).unwrap_or_default();
                step(
                    format!("{} -> {db} postgres-tls auth mtls access read-write", c.name),
                    rng.range(2, 20),
                    &mut steps,
                );
                break;
            }
            let next = &comps[j - 1];
            let mut text = format!("{} -> {}", c.name, next.name);
            if let Some(api) = &next.exposes {
                let _ = write!(text, " via {api}");
            }
            let _ = write!(text, " {} auth mtls authz scopes", if rng.chance(50) { "grpcs" } else { "https" });
            step(text, rng.range(5, 80), &mut steps);
            j -= 1;
        }
        // An asynchronous notification, when a component the flow reached publishes an event.
        if steps.len() < wanted {
            let publisher = (j..=top).find(|&i| comps[i].publishes.is_some());
            let subscriber = publisher.and_then(|pj| {
                let e = comps[pj].publishes.as_ref()?;
                comps.iter().find(|c| c.subscribes.as_ref() == Some(e)).map(|c| (pj, e, c))
            });
            if let Some((pj, e, sub)) = subscriber {
                steps.push(format!("{} ~> {} https auth mtls carries {e}", comps[pj].name, sub.name));
            }
        }
        let p95 = (sync_ms as u64 * 3 / 2 + 100).div_ceil(100) * 100;
        let _ = write!(
            s,
            "\nflow {p}_flow{flow_no} \"{cap} journey {flow_no}\" {{\n  kind journey\n  trigger \"A customer calls the {word} API\"\n  p95 {p95}ms\n  throughput {}/s\n  criticality high\n",
            10 * rng.range(1, 50)
        );
        for st in &steps {
            let _ = writeln!(s, "  {st}");
        }
        s.push_str("}\n");
        flow_no += 1;
    }

    if k % 5 == 0 {
        let _ = write!(
            s,
            "\ndecision {p}_storage \"Storage for {word} part {k}\" {{\n  category data\n  status accepted\n  date 2025-{:02}-{:02}\n  context \"The {word} data is relational and needs transactions\"\n  chosen relational\n  rationale \"Transactions and mature tooling\"\n  reason \"The team knows PostgreSQL\"\n  tradeoffs \"Write scaling needs sharding later\"\n  owner {}\n  option relational \"PostgreSQL\" {{\n    pro \"Transactions\"\n    con \"Harder to scale writes\"\n  }}\n  option document \"Document store\" {{\n    pro \"Flexible schema\"\n    con \"No joins\"\n  }}\n}}\n",
            rng.range(1, 12),
            rng.range(1, 28),
            team_name(first / 20 + 1)
        );
    }
    if k % 3 == 0 && !comps.is_empty() {
        let a = &comps[rng.range(0, comps.len() - 1)].name;
        let b = &comps[rng.range(0, comps.len() - 1)].name;
        let affects = if a == b { a.clone() } else { format!("{a}, {b}") };
        let _ = write!(
            s,
            "\nrisk {p}_overload \"{cap} overload at peak\" {{\n  category performance\n  likelihood {}\n  impact high\n  mitigation \"Autoscaling and load shedding\"\n  monitoring \"p95 latency and queue depth alerts\"\n  contingency \"Degrade to cached responses\"\n  affects {affects}\n  owner {}\n  status open\n}}\n",
            rng.pick(&["low", "medium", "high"]),
            team_name(first / 20 + 1)
        );
    }

    let services = comps
        .iter()
        .filter(|c| c.role != Role::Gateway)
        .map(|c| Target {
            name: c.name.clone(),
            via: c.exposes.clone(),
            position: c.position,
            budget: c.budget,
            taken: false,
        })
        .collect();
    let events = events.into_iter().map(|e| {
        let busy = comps.iter().any(|c| c.publishes.as_ref() == Some(&e) && c.uses.len() > 1);
        let taken = busy || local_events.iter().any(|(t, _)| *t == e);
        (e, taken)
    });
    (s, FileInfo { path, services, events: events.collect() }, max_team)
}
