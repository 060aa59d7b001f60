//! Threagile models (YAML): data assets with their CIA ratings, technical assets, communication
//! links, trust boundaries and shared runtimes.
//!
//! Mapping: data asset -> `data` (confidentiality -> `classification`, integrity -> `integrity`;
//! the full CIA triple stays in a comment); technical asset -> `actor` (an external entity used by
//! humans), `external`, `component` (process), `datastore` or `queue`; communication link ->
//! dependency with protocol, authentication, authorization and the data sent and received;
//! trust boundary -> `zone` (nesting kept); shared runtime -> `node` of a `deployment` named
//! `shared_runtimes`. Risk tracking, abuse cases, questions and other settings are comments.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{quote, tags_attr, yaml, Draft, DraftElement, DraftRelation, ImportError, Imported};

/// Imports a Threagile model.
pub fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let doc = yaml::parse(text)
        .map_err(|e| ImportError::new(file, Some(e.line), format!("not valid YAML: {}", e.message)))?;
    if doc.get("technical_assets").is_none() && doc.get("data_assets").is_none() {
        return Err(ImportError::new(file, None, "no `technical_assets` or `data_assets`")
            .with_help("a Threagile model has `data_assets`, `technical_assets` and `trust_boundaries`"));
    }
    let mut draft = Draft::default();
    draft.header.push(format!("Imported from the Threagile model `{file}` by `archc import`."));
    for key in [
        "title",
        "threagile_version",
        "date",
        "business_criticality",
        "management_summary_comment",
        "business_overview",
        "technical_overview",
    ] {
        if let Some(v) = doc.get(key) {
            draft.header.push(format!("{key}: {}", scalar(v)));
            draft.comment("model settings");
        }
    }
    for key in [
        "security_requirements",
        "abuse_cases",
        "questions",
        "risk_tracking",
        "individual_risk_categories",
        "tags_available",
        "author",
    ] {
        if let Some(v) = doc.get(key) {
            let n = match v {
                Value::Object(m) => m.len(),
                Value::Array(a) => a.len(),
                _ => 1,
            };
            draft.header.push(format!("{key}: {}", serde_json::to_string(v).unwrap_or_default()));
            *draft.commented.entry(format!("{key} entries")).or_insert(0) += n;
        }
    }

    let empty = serde_json::Map::new();
    let section = |k: &str| doc.get(k).and_then(Value::as_object).unwrap_or(&empty);

    // Names first, so that references between sections resolve in any order.
    let mut names: BTreeMap<String, (String, &'static str)> = BTreeMap::new();
    let mut data_order = Vec::new();
    for (title, d) in section("data_assets") {
        let id = id_of(d, title);
        let name = draft.fresh_name(&id);
        names.insert(id.clone(), (name.clone(), "data"));
        data_order.push((title.clone(), d, id, name));
    }
    let mut asset_order = Vec::new();
    for (title, a) in section("technical_assets") {
        let id = id_of(a, title);
        let kind = match str_field(a, "type").as_str() {
            "external-entity" if a.get("used_as_client_by_human").and_then(Value::as_bool) == Some(true) => "actor",
            "external-entity" => "external",
            "datastore" if str_field(a, "technology").contains("queue") => "queue",
            "datastore" => "datastore",
            _ => "component",
        };
        let name = draft.fresh_name(&id);
        names.insert(id.clone(), (name.clone(), kind));
        asset_order.push((title.clone(), a, id, name, kind));
    }
    let mut zone_of: BTreeMap<String, String> = BTreeMap::new();
    let mut parent_zone: BTreeMap<String, String> = BTreeMap::new();
    let mut boundary_order = Vec::new();
    for (title, b) in section("trust_boundaries") {
        let id = id_of(b, title);
        let name = draft.fresh_name(&id);
        for inside in list(b, "technical_assets_inside") {
            zone_of.insert(inside, name.clone());
        }
        for nested in list(b, "trust_boundaries_nested") {
            parent_zone.insert(nested, name.clone());
        }
        boundary_order.push((title.clone(), b, id, name));
    }

    for (title, d, _id, name) in data_order {
        let mut e = element("data", &name, &title);
        let c = str_field(d, "confidentiality");
        e.attrs.push(format!(
            "classification {}",
            match c.as_str() {
                "public" => "public",
                "internal" => "internal",
                "restricted" | "confidential" => "confidential",
                "strictly-confidential" => "restricted",
                _ => "?",
            }
        ));
        if let Some(level) = level(&str_field(d, "integrity")) {
            e.attrs.push(format!("integrity {level}"));
        }
        describe(&mut e, d);
        e.comments.push(format!(
            "Threagile CIA: confidentiality {c}, integrity {}, availability {}",
            str_field(d, "integrity"),
            str_field(d, "availability")
        ));
        keep_rest(
            &mut draft,
            &mut e,
            d,
            &["id", "description", "confidentiality", "integrity", "availability", "tags"],
            "data asset",
        );
        draft.add(e);
    }

    let mut carried: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (title, a, id, name, kind) in asset_order {
        let mut e = element(kind, &name, &title);
        e.key = id.clone();
        match kind {
            "actor" => e.attrs.push("kind user".to_string()),
            "component" if a.get("multi_tenant").and_then(Value::as_bool) == Some(true) => {
                e.attrs.push("multi-tenant".to_string());
            }
            _ => {}
        }
        if let Some(z) = zone_of.get(&id) {
            e.attrs.push(format!("zone {z}"));
        }
        let technology = str_field(a, "technology");
        if !technology.is_empty() && kind != "actor" {
            e.attrs.push(format!("tech {}", quote(&technology)));
        }
        if matches!(kind, "component" | "datastore" | "queue" | "external") {
            if let Some(level) = level(&str_field(a, "availability")) {
                e.attrs.push(format!("criticality {level}"));
            }
        }
        if kind == "datastore" {
            let stored: Vec<String> =
                list(a, "data_assets_stored").iter().filter_map(|d| names.get(d)).map(|n| n.0.clone()).collect();
            if !stored.is_empty() {
                e.attrs.push(format!("holds {}", stored.join(", ")));
            }
        }
        if matches!(kind, "datastore" | "queue") {
            let enc = str_field(a, "encryption");
            if !enc.is_empty() {
                e.attrs.push(format!("encrypted-at-rest {}", if enc == "none" { "no" } else { "yes" }));
            }
        }
        describe(&mut e, a);
        e.comments.push(format!(
            "Threagile technical asset ({}): confidentiality {}, integrity {}, availability {}",
            str_field(a, "type"),
            str_field(a, "confidentiality"),
            str_field(a, "integrity"),
            str_field(a, "availability")
        ));
        keep_rest(
            &mut draft,
            &mut e,
            a,
            &[
                "id",
                "description",
                "type",
                "technology",
                "tags",
                "communication_links",
                "confidentiality",
                "integrity",
                "availability",
                "multi_tenant",
                "encryption",
                "data_assets_stored",
            ],
            "technical asset",
        );
        for (link_title, l) in l_map(a) {
            let target = str_field(l, "target");
            let mut options = Vec::new();
            let mut comments = vec![format!("Threagile link: {link_title}")];
            let mut technology = None;
            let protocol = str_field(l, "protocol");
            match map_protocol(&protocol) {
                Some(p) => options.push(format!("protocol {p}")),
                None if !protocol.is_empty() => technology = Some(protocol.clone()),
                None => {}
            }
            match str_field(l, "authentication").as_str() {
                "" => {}
                a => match map_auth(a) {
                    Some(w) => options.push(format!("auth {w}")),
                    None => {
                        comments.push(format!("authentication: {a}"));
                        draft.comment("link settings without an .arch word");
                    }
                },
            }
            match str_field(l, "authorization").as_str() {
                "" => {}
                "none" => options.push("authz none".to_string()),
                "technical-user" => options.push("authz technical-user".to_string()),
                other => {
                    comments.push(format!("authorization: {other}"));
                    draft.comment("link settings without an .arch word");
                }
            }
            let mut data: Vec<String> = Vec::new();
            for d in list(l, "data_assets_sent").into_iter().chain(list(l, "data_assets_received")) {
                if let Some((n, _)) = names.get(&d) {
                    if !data.contains(n) {
                        data.push(n.clone());
                    }
                }
            }
            if !data.is_empty() {
                options.push(format!("carries {}", data.join(", ")));
                carried.entry(name.clone()).or_default().extend(data);
            }
            if names.get(&target).is_some_and(|t| t.1 == "datastore") {
                let read_only = l.get("readonly").and_then(Value::as_bool) == Some(true);
                options.push(format!("access {}", if read_only { "read" } else { "read-write" }));
            }
            for key in ["vpn", "ip_filtered", "usage", "tags", "diagram_tweak_weight", "diagram_tweak_constraint"] {
                if let Some(v) = l.get(key) {
                    comments.push(format!("{key}: {}", scalar(v)));
                    draft.comment("link settings without an .arch word");
                }
            }
            draft.relations.push(DraftRelation {
                from: id.clone(),
                to: target,
                label: l.get("description").and_then(Value::as_str).map(str::to_string),
                technology,
                is_async: names.get(&str_field(l, "target")).is_some_and(|t| t.1 == "queue"),
                options,
                comments,
            });
        }
        draft.add(e);
    }

    for (title, b, _id, name) in boundary_order {
        let mut e = element("zone", &name, &title);
        let kind = str_field(b, "type");
        e.attrs.push(format!("kind {}", if kind.starts_with("network") { "network" } else { "logical" }));
        if let Some(p) = parent_zone.get(&id_of(b, &title)) {
            e.attrs.push(format!("parent {p}"));
        }
        describe(&mut e, b);
        e.comments.push(format!("Threagile trust boundary type: {kind}"));
        draft.add(e);
    }

    let runtimes = section("shared_runtimes");
    if !runtimes.is_empty() {
        let mut dep = DraftElement {
            kind: "deployment",
            name: draft.fresh_name("shared_runtimes"),
            label: Some("Shared runtimes".to_string()),
            attrs: vec!["summary \"Threagile shared runtimes: hosts or clusters that run several technical assets\""
                .to_string()],
            ..Default::default()
        };
        for (title, r) in runtimes {
            let mut node = element("node", &draft.fresh_name(&id_of(r, title)), title);
            let runs: Vec<String> = list(r, "technical_assets_running")
                .iter()
                .filter_map(|a| names.get(a))
                .filter(|(_, k)| matches!(*k, "component" | "datastore" | "queue"))
                .map(|(n, _)| n.clone())
                .collect();
            if !runs.is_empty() {
                node.attrs.push(format!("runs {}", runs.join(", ")));
            }
            if let Some(d) = r.get("description").and_then(Value::as_str) {
                node.attrs.push(format!("summary {}", quote(d)));
            }
            if let Some(tags) = r.get("tags").and_then(Value::as_array).filter(|t| !t.is_empty()) {
                node.comments.push(format!("tags: {}", serde_json::to_string(tags).unwrap_or_default()));
                draft.comment("shared runtime tags");
            }
            dep.children.push(node);
        }
        draft.add(dep);
    }
    Ok(draft.finish("model.arch"))
}

fn element(kind: &'static str, name: &str, title: &str) -> DraftElement {
    DraftElement {
        kind,
        key: String::new(),
        name: name.to_string(),
        label: Some(title.to_string()),
        counted: true,
        ..Default::default()
    }
}

/// `summary` and `tags` where the kind has them.
fn describe(e: &mut DraftElement, v: &Value) {
    if let Some(d) = v.get("description").and_then(Value::as_str).filter(|d| !d.trim().is_empty()) {
        e.attrs.push(format!("summary {}", quote(d.trim())));
    }
    let tags: Vec<String> = list(v, "tags");
    if e.kind == "node" || e.kind == "deployment" {
        if !tags.is_empty() {
            e.comments.push(format!("tags: {}", tags.join(", ")));
        }
    } else {
        e.attrs.extend(tags_attr(&tags));
    }
}

/// Every other field of a Threagile object, as one comment line each.
fn keep_rest(draft: &mut Draft, e: &mut DraftElement, v: &Value, mapped: &[&str], what: &str) {
    for (k, val) in v.as_object().into_iter().flatten() {
        if mapped.contains(&k.as_str()) || k == "justification_cia_rating" && val.as_str().is_some_and(str::is_empty) {
            continue;
        }
        e.comments.push(format!("{k}: {}", scalar(val)));
        draft.comment(&format!("{what} fields without an .arch attribute"));
    }
}

fn l_map(a: &Value) -> Vec<(String, &Value)> {
    a.get("communication_links")
        .and_then(Value::as_object)
        .map_or_else(Vec::new, |m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
}

fn id_of(v: &Value, title: &str) -> String {
    v.get("id").and_then(Value::as_str).map_or_else(|| title.to_string(), str::to_string)
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key).map(scalar).unwrap_or_default()
}

fn list(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).map_or_else(Vec::new, |a| a.iter().map(scalar).collect())
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Threagile's five-step ratings to `.arch` criticality and integrity levels.
fn level(rating: &str) -> Option<&'static str> {
    Some(match rating {
        "archive" => "low",
        "operational" => "medium",
        "important" => "high",
        "critical" => "critical",
        "mission-critical" => "mission-critical",
        _ => return None,
    })
}

fn map_protocol(p: &str) -> Option<&'static str> {
    Some(match p {
        "https" => "https",
        "http" => "http",
        "wss" => "wss",
        "ws" => "ws",
        "reverse-proxy-web-protocol-encrypted" => "https",
        "reverse-proxy-web-protocol" => "http",
        "jdbc" | "odbc" | "sql-access-protocol" => "jdbc",
        "jdbc-encrypted" | "odbc-encrypted" | "sql-access-protocol-encrypted" => "tls",
        "ldap" => "ldap",
        "ldaps" => "ldaps",
        "smtp" => "smtp",
        "smtp-encrypted" => "smtps",
        "sftp" | "scp" => "sftp",
        "ftp" => "ftp",
        "mqtt" => "mqtt",
        "jms" | "iiop" | "binary" | "text" | "nosql-access-protocol" => "tcp",
        "iiop-encrypted" | "binary-encrypted" | "text-encrypted" | "nosql-access-protocol-encrypted" => "tls",
        "in-process-library-call" | "in-memory" => "in-process",
        "local-file-access" => "file",
        _ => return None,
    })
}

fn map_auth(a: &str) -> Option<&'static str> {
    Some(match a {
        "none" => "none",
        "credentials" => "basic",
        "session-id" => "session",
        "token" => "jwt",
        "client-certificate" => "mtls",
        "two-factor" => "mfa",
        "externalized" => "oidc",
        _ => return None,
    })
}
