//! FINOS CALM architecture JSON: nodes, relationships, interfaces, controls and flows.
//!
//! Mapping: node types `actor` -> `actor`, `system` -> `system` (when it is composed of nodes,
//! else `external`), `service` -> `component` (service), `webclient` -> `component` (frontend),
//! `ldap` -> `component` (identity-provider), `database` -> `datastore`, `network` -> `zone`,
//! `ecosystem` -> `external`, `data-asset` -> `data` (classification left as a hole), any other
//! type -> `component` with the type in a comment. `connects` and `interacts` relationships are
//! dependencies (protocol and authentication mapped where `.arch` has the word); `composed-of`
//! sets `system`, `deployed-in` sets `zone`. Node interfaces become `interface`s the node
//! exposes; controls become `control`s; flows become flows whose steps follow the transitions.
//! Metadata, details and control requirements are kept as comments.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{quote, Draft, DraftElement, DraftRelation, ImportError, Imported};

/// Imports a CALM architecture document.
pub fn import(file: &str, text: &str) -> Result<Imported, ImportError> {
    let doc: Value = serde_json::from_str(text)
        .map_err(|e| ImportError::new(file, Some(e.line()), format!("not valid JSON: {e}")))?;
    let nodes = doc.get("nodes").and_then(Value::as_array).ok_or_else(|| {
        ImportError::new(file, None, "no `nodes` array")
            .with_help("a CALM architecture has `nodes` and `relationships`")
    })?;
    let empty = Vec::new();
    let relationships = doc.get("relationships").and_then(Value::as_array).unwrap_or(&empty);
    let mut draft = Draft::default();
    draft.header.push(format!("Imported from the CALM architecture `{file}` by `archc import`."));
    if let Some(meta) = doc.get("metadata") {
        draft.header.push(format!("metadata: {}", compact(meta)));
        draft.comment("metadata entries");
    }
    for adr in doc.get("adrs").and_then(Value::as_array).into_iter().flatten() {
        draft.header.push(format!("ADR: {}", adr.as_str().unwrap_or_default()));
        draft.comment("ADR links");
    }

    // Which nodes are composed of others, and where nodes are deployed.
    let mut system_of: BTreeMap<String, String> = BTreeMap::new();
    let mut zone_of: BTreeMap<String, String> = BTreeMap::new();
    let mut composite: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for r in relationships {
        let rt = &r["relationship-type"];
        if let Some(c) = rt.get("composed-of") {
            let container = str_of(&c["container"]);
            composite.insert(container.clone());
            for n in c["nodes"].as_array().into_iter().flatten() {
                system_of.insert(str_of(n), container.clone());
            }
        }
        if let Some(d) = rt.get("deployed-in") {
            for n in d["nodes"].as_array().into_iter().flatten() {
                zone_of.insert(str_of(n), str_of(&d["container"]));
            }
        }
    }

    let mut names: BTreeMap<String, (String, &'static str)> = BTreeMap::new();
    let mut pending = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let id = node
            .get("unique-id")
            .and_then(Value::as_str)
            .ok_or_else(|| ImportError::new(file, None, format!("node {} has no `unique-id`", i + 1)))?;
        let node_type = node.get("node-type").and_then(Value::as_str).unwrap_or("");
        let (kind, variant) = match node_type {
            "actor" => ("actor", Some("kind user")),
            "system" if composite.contains(id) => ("system", None),
            "system" | "ecosystem" => ("external", None),
            "service" => ("component", Some("kind service")),
            "webclient" => ("component", Some("kind frontend")),
            "ldap" => ("component", Some("kind identity-provider")),
            "database" => ("datastore", None),
            "network" => ("zone", Some("kind network")),
            "data-asset" => ("data", None),
            t if ["bus", "queue", "topic", "kafka", "stream"].iter().any(|w| t.to_ascii_lowercase().contains(w)) => {
                ("topic", None)
            }
            _ => ("component", None),
        };
        let name = draft.fresh_name(id);
        names.insert(id.to_string(), (name.clone(), kind));
        pending.push((node, id.to_string(), node_type.to_string(), kind, variant, name));
    }

    let mut interfaces = Vec::new();
    let mut controls = Vec::new();
    for (node, id, node_type, kind, variant, name) in pending {
        let mut e = DraftElement {
            kind,
            key: id.clone(),
            name: name.clone(),
            label: node.get("name").and_then(Value::as_str).map(str::to_string),
            counted: true,
            ..Default::default()
        };
        if let Some(v) = variant {
            e.attrs.push(v.to_string());
        }
        if kind == "data" {
            e.attrs.push("classification ?".to_string());
        }
        if (kind == "component" && variant.is_none()) || kind == "topic" {
            e.comments.push(format!("CALM node type: {node_type}"));
            draft.comment("custom node types");
        }
        if let Some(sys) = system_of.get(&id).and_then(|s| names.get(s)) {
            if matches!(kind, "component" | "datastore") && sys.1 == "system" {
                e.attrs.push(format!("system {}", sys.0));
            }
        }
        if let Some(zone) = zone_of.get(&id).and_then(|z| names.get(z)) {
            if zone.1 == "zone" && matches!(kind, "actor" | "external" | "component" | "datastore") {
                e.attrs.push(format!("zone {}", zone.0));
            }
        }
        if let Some(d) = node.get("description").and_then(Value::as_str).filter(|d| !d.is_empty()) {
            e.attrs.push(format!("summary {}", quote(d)));
        }
        for (i, iface) in node.get("interfaces").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let iface_id = iface
                .get("unique-id")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{id}-interface-{}", i + 1), str::to_string);
            let iface_name = draft.fresh_name(&iface_id);
            let mut details: Vec<String> = Vec::new();
            if let Some(obj) = iface.as_object() {
                for (k, v) in obj {
                    if k != "unique-id" {
                        details.push(format!("{k}: {}", compact(v)));
                    }
                }
            }
            let mut x = DraftElement {
                kind: "interface",
                key: iface_id.clone(),
                name: iface_name.clone(),
                label: Some(iface_id.clone()),
                counted: true,
                ..Default::default()
            };
            if matches!(kind, "component" | "external") {
                e.attrs.push(format!("exposes {iface_name}"));
            } else {
                x.comments.push(format!("offered by {name}, a {kind} that cannot expose interfaces in .arch"));
                draft.comment("interfaces of nodes that cannot expose them");
            }
            if !details.is_empty() {
                x.attrs.push(format!("summary {}", quote(&details.join("; "))));
            }
            interfaces.push(x);
        }
        control_refs(&mut draft, node.get("controls"), &id, &mut e, &mut controls);
        if let Some(meta) = node.get("metadata") {
            e.comments.push(format!("metadata: {}", compact(meta)));
            draft.comment("metadata entries");
        }
        if let Some(details) = node.get("details") {
            e.comments.push(format!("details: {}", compact(details)));
            draft.comment("node details");
        }
        draft.add(e);
    }
    for x in interfaces {
        draft.add(x);
    }

    let mut relation_ends: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (i, r) in relationships.iter().enumerate() {
        let rid = r
            .get("unique-id")
            .and_then(Value::as_str)
            .map_or_else(|| format!("relationship-{}", i + 1), str::to_string);
        let rt = &r["relationship-type"];
        let label = r.get("description").and_then(Value::as_str).map(str::to_string);
        let mut options = Vec::new();
        let mut comments = vec![format!("CALM relationship {rid}")];
        let mut technology = None;
        if let Some(p) = r.get("protocol").and_then(Value::as_str) {
            match protocol(p) {
                Some(word) => options.push(format!("protocol {word}")),
                None => technology = Some(p.to_string()),
            }
        }
        if let Some(a) = r.get("authentication").and_then(Value::as_str) {
            match auth(a) {
                Some(word) => options.push(format!("auth {word}")),
                None => {
                    comments.push(format!("authentication: {a}"));
                    draft.comment("authentication methods without an .arch word");
                }
            }
        }
        if let Some(c) = r.get("controls").and_then(Value::as_object) {
            for (cid, cv) in c {
                comments.push(format!("control {cid}: {}", compact(cv)));
                draft.comment("relationship controls");
            }
        }
        if let Some(meta) = r.get("metadata") {
            comments.push(format!("metadata: {}", compact(meta)));
            draft.comment("metadata entries");
        }
        if let Some(c) = rt.get("connects") {
            let from = str_of(&c["source"]["node"]);
            let to = str_of(&c["destination"]["node"]);
            if let Some(via) = c["destination"]["interfaces"].as_array().and_then(|v| v.first()).and_then(Value::as_str)
            {
                if let Some((iface, _)) = draft.resolve(via) {
                    if matches!(names.get(&to).map(|n| n.1), Some("component" | "external")) {
                        options.push(format!("via {iface}"));
                    }
                }
            }
            relation_ends.insert(rid.clone(), (from.clone(), to.clone()));
            let is_async = names.get(&to).is_some_and(|n| n.1 == "topic");
            draft.relations.push(DraftRelation { from, to, label, technology, is_async, options, comments });
        } else if let Some(c) = rt.get("interacts") {
            let actor = str_of(&c["actor"]);
            for n in c["nodes"].as_array().into_iter().flatten() {
                relation_ends.insert(rid.clone(), (actor.clone(), str_of(n)));
                draft.relations.push(DraftRelation {
                    from: actor.clone(),
                    to: str_of(n),
                    label: label.clone(),
                    technology: technology.clone(),
                    is_async: false,
                    options: options.clone(),
                    comments: comments.clone(),
                });
            }
        } else if rt.get("composed-of").is_none() && rt.get("deployed-in").is_none() {
            draft.comment("relationship types without an .arch counterpart");
            draft.header.push(format!("relationship {rid}: {}", compact(rt)));
        }
    }

    for c in controls {
        draft.add(c);
    }
    if let Some(c) = doc.get("controls") {
        // Architecture-wide controls apply to no element in particular.
        let mut list = Vec::new();
        control_refs(&mut draft, Some(c), "architecture", &mut DraftElement::default(), &mut list);
        for x in list {
            draft.add(x);
        }
    }

    for (i, flow) in doc.get("flows").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let fid =
            flow.get("unique-id").and_then(Value::as_str).map_or_else(|| format!("flow-{}", i + 1), str::to_string);
        let name = draft.fresh_name(&fid);
        let mut e = DraftElement {
            kind: "flow",
            key: fid.clone(),
            name,
            label: flow.get("name").and_then(Value::as_str).map(str::to_string),
            counted: true,
            ..Default::default()
        };
        if let Some(d) = flow.get("description").and_then(Value::as_str) {
            e.attrs.push(format!("summary {}", quote(d)));
        }
        let mut transitions: Vec<&Value> =
            flow.get("transitions").and_then(Value::as_array).into_iter().flatten().collect();
        transitions.sort_by_key(|t| t.get("sequence-number").and_then(Value::as_u64).unwrap_or(0));
        for t in transitions {
            let rid = str_of(&t["relationship-unique-id"]);
            let summary = t.get("description").or_else(|| t.get("summary")).and_then(Value::as_str);
            let ends = relation_ends.get(&rid).and_then(|(a, b)| {
                let (a, b) = if t.get("direction").and_then(Value::as_str) == Some("destination-to-source") {
                    (b, a)
                } else {
                    (a, b)
                };
                Some((draft.resolve(a)?, draft.resolve(b)?))
            });
            match ends {
                Some(((a, a_kind), (b, b_kind))) => {
                    let label = summary.map(|s| format!(" {}", quote(s))).unwrap_or_default();
                    let arrow = if a_kind == "topic" || b_kind == "topic" { "~>" } else { "->" };
                    e.attrs.push(format!("{a} {arrow} {b}{label}"));
                }
                None => {
                    e.comments.push(format!("transition over {rid}, which is not a dependency here"));
                    draft.comment("flow transitions over other relationship types");
                }
            }
        }
        draft.add(e);
    }
    Ok(draft.finish("model.arch"))
}

/// Adds `controls` references for a node's CALM controls, creating the control declarations.
fn control_refs(
    draft: &mut Draft,
    controls: Option<&Value>,
    owner: &str,
    e: &mut DraftElement,
    out: &mut Vec<DraftElement>,
) {
    let Some(map) = controls.and_then(Value::as_object) else { return };
    let mut names = Vec::new();
    for (cid, c) in map {
        let name = draft.fresh_name(&format!("{owner}_{cid}"));
        let mut x = DraftElement {
            kind: "control",
            key: String::new(),
            name: name.clone(),
            label: Some(cid.clone()),
            counted: true,
            ..Default::default()
        };
        if let Some(d) = c.get("description").and_then(Value::as_str) {
            x.attrs.push(format!("summary {}", quote(d)));
        }
        for req in c.get("requirements").and_then(Value::as_array).into_iter().flatten() {
            x.comments.push(format!("requirement: {}", compact(req)));
            draft.comment("control requirements");
        }
        out.push(x);
        names.push(name);
    }
    if names.is_empty() {
        return;
    }
    if matches!(e.kind, "component" | "datastore" | "external" | "queue" | "topic" | "cache") {
        e.attrs.push(format!("controls {}", names.join(", ")));
    } else if !e.name.is_empty() {
        e.comments.push(format!("controls: {}", names.join(", ")));
        draft.comment("controls on elements that cannot hold them");
    }
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Single-line JSON for comments.
fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn protocol(p: &str) -> Option<&'static str> {
    Some(match p.to_ascii_uppercase().as_str() {
        "HTTP" => "http",
        "HTTPS" => "https",
        "FTP" => "ftp",
        "SFTP" => "sftp",
        "JDBC" => "jdbc",
        "WEBSOCKET" => "ws",
        "SOCKETIO" => "ws",
        "LDAP" => "ldap",
        "AMQP" => "amqp",
        "TLS" => "tls",
        "MTLS" => "mtls",
        "TCP" => "tcp",
        "SMTP" => "smtp",
        "GRPC" => "grpc",
        "KAFKA" => "kafka",
        _ => return None,
    })
}

fn auth(a: &str) -> Option<&'static str> {
    Some(match a.to_ascii_lowercase().as_str() {
        "basic" => "basic",
        "oauth2" => "oauth2",
        "oidc" => "oidc",
        "jwt" => "jwt",
        "saml" => "saml",
        "mtls" => "mtls",
        "api-key" | "apikey" => "api-key",
        _ => return None,
    })
}
