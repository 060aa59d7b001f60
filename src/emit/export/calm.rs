//! The model as a FINOS CALM architecture (release 1.1): nodes for actors, systems, externals,
//! components, stores, zones and data; `interacts` relationships from actors, `connects` between
//! the others (with the protocol), `composed-of` for each system's members, `deployed-in` for
//! each zone's; interfaces and controls on the nodes that expose or implement them; flows whose
//! transitions point at the relationships their steps use.

use std::collections::BTreeMap;

use super::json::Json;
use super::peers::{description, Peers};
use crate::analysis::facts::Facts;
use crate::semantic::model::{Element, ElementId, Model};
use crate::syntax::schema::DeclKind;

/// The CALM schema the document declares.
pub const CALM_SCHEMA: &str = "https://calm.finos.org/release/1.1/meta/calm.json";

fn node_type(e: &Element) -> &'static str {
    match e.kind {
        DeclKind::Actor => "actor",
        DeclKind::System | DeclKind::External => "system",
        DeclKind::Datastore | DeclKind::Cache => "database",
        DeclKind::Queue | DeclKind::Topic => "service",
        DeclKind::Zone => "network",
        DeclKind::Data | DeclKind::Event => "data-asset",
        _ => match e.word("kind") {
            Some("frontend") | Some("mobile") => "webclient",
            Some("identity-provider") => "ldap",
            _ => "service",
        },
    }
}

/// The CALM 1.1 protocol for an `.arch` one: the same, or the transport it runs over.
fn calm_protocol(p: &str) -> Option<&'static str> {
    Some(match p {
        "https" => "HTTPS",
        "http" | "http2" => "HTTP",
        "ftp" => "FTP",
        "sftp" => "SFTP",
        "jdbc" => "JDBC",
        "ws" | "wss" => "WebSocket",
        "ldap" | "ldaps" => "LDAP",
        "amqp" | "amqps" => "AMQP",
        "mtls" => "mTLS",
        "tls" | "grpcs" | "kafka-tls" | "mqtts" | "postgres-tls" | "mysql-tls" | "rediss" | "smtps" => "TLS",
        "tcp" | "grpc" | "kafka" | "mqtt" | "postgres" | "mysql" | "redis" | "smtp" | "s3" => "TCP",
        _ => return None,
    })
}

/// CALM ids and control names: letters, digits and `-`.
fn calm_id(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

/// CALM requires a description; an element without one is described by its kind and title.
fn text_of(e: &Element) -> String {
    description(e).unwrap_or_else(|| format!("{} {}", e.kind.keyword(), e.title()))
}

/// The CALM document, pretty-printed.
pub fn architecture(model: &Model, facts: &Facts) -> String {
    let peers = Peers::new(model, facts);
    let kinds = [DeclKind::Zone, DeclKind::System, DeclKind::Data, DeclKind::Event];
    let mut members: Vec<(ElementId, &Element)> =
        model.iter().filter(|(id, e)| !e.from_std && (peers.is_node(*id) || kinds.contains(&e.kind))).collect();
    members.sort_by_key(|(id, _)| *id);
    let mut nodes = Vec::new();
    for (_, e) in &members {
        let mut node = Json::obj()
            .with("unique-id", Json::str(calm_id(&e.name)))
            .with("node-type", Json::str(node_type(e)))
            .with("name", Json::str(e.title()))
            .with("description", Json::str(text_of(e)));
        let interfaces: Vec<Json> = e
            .references("exposes")
            .filter_map(|i| model.get(i))
            .map(|i| {
                Json::obj()
                    .with("unique-id", Json::str(calm_id(&i.name)))
                    .with_some("name", Json::opt_str(i.label.as_deref()))
                    .with_some("protocol", Json::opt_str(i.variant.as_deref()))
            })
            .collect();
        if !interfaces.is_empty() {
            node = node.with("interfaces", Json::Arr(interfaces));
        }
        let mut controls = Json::obj();
        let mut any = false;
        for c in e.references("controls").filter_map(|c| model.get(c)) {
            any = true;
            let desc = c.text("summary").unwrap_or(c.title()).to_string();
            controls = controls.with(
                &calm_id(&c.name),
                Json::obj().with("description", Json::str(desc)).with("requirements", Json::Arr(Vec::new())),
            );
        }
        if any {
            node = node.with("controls", controls);
        }
        nodes.push(node);
    }

    let mut relationships = Vec::new();
    // A relationship per distinct pair; flow transitions point at it.
    let mut by_pair: BTreeMap<(ElementId, ElementId), String> = BTreeMap::new();
    let mut transitions: BTreeMap<ElementId, Vec<(usize, String, String)>> = BTreeMap::new();
    for r in peers.relations() {
        if r.from == r.to {
            continue;
        }
        let id = match by_pair.get(&(r.from, r.to)) {
            Some(id) => id.clone(),
            None => {
                let id = format!("{}-{}", calm_id(peers.name(r.from)), calm_id(peers.name(r.to)));
                let from_actor = model.get(r.from).is_some_and(|e| e.kind == DeclKind::Actor);
                let kind = if from_actor {
                    Json::obj().with(
                        "interacts",
                        Json::obj()
                            .with("actor", Json::str(calm_id(peers.name(r.from))))
                            .with("nodes", Json::Arr(vec![Json::str(calm_id(peers.name(r.to)))])),
                    )
                } else {
                    Json::obj().with(
                        "connects",
                        Json::obj()
                            .with("source", Json::obj().with("node", Json::str(calm_id(peers.name(r.from)))))
                            .with("destination", Json::obj().with("node", Json::str(calm_id(peers.name(r.to))))),
                    )
                };
                let mut rel = Json::obj()
                    .with("unique-id", Json::str(id.clone()))
                    .with_some("description", Json::opt_str(r.label.as_deref()))
                    .with("relationship-type", kind);
                if let Some(p) = &r.protocol {
                    // CALM names a dozen protocols; the exact `.arch` one goes in the metadata.
                    if let Some(calm) = calm_protocol(p) {
                        rel = rel.with("protocol", Json::str(calm));
                    }
                    rel = rel.with("metadata", Json::obj().with("archc-protocol", Json::str(p.clone())));
                }
                relationships.push(rel);
                by_pair.insert((r.from, r.to), id.clone());
                id
            }
        };
        if let Some((flow, step)) = r.flow {
            let desc = r.label.clone().unwrap_or_else(|| format!("{} to {}", peers.name(r.from), peers.name(r.to)));
            transitions.entry(flow).or_default().push((step, id, desc));
        }
    }
    for (kind, rel_kind) in [(DeclKind::System, "composed-of"), (DeclKind::Zone, "deployed-in")] {
        for (container, c) in model.of_kind(kind) {
            let inside: Vec<Json> = members
                .iter()
                .filter(|(id, e)| match kind {
                    DeclKind::System => peers.system_of(*id) == Some(container),
                    _ => e.reference("zone") == Some(container),
                })
                .map(|(_, e)| Json::str(calm_id(&e.name)))
                .collect();
            if inside.is_empty() {
                continue;
            }
            relationships.push(
                Json::obj().with("unique-id", Json::str(format!("{}-{rel_kind}", calm_id(&c.name)))).with(
                    "relationship-type",
                    Json::obj().with(
                        rel_kind,
                        Json::obj().with("container", Json::str(calm_id(&c.name))).with("nodes", Json::Arr(inside)),
                    ),
                ),
            );
        }
    }
    let mut flows = Vec::new();
    for (fid, f) in model.of_kind(DeclKind::Flow) {
        let Some(steps) = transitions.get(&fid) else { continue };
        let list: Vec<Json> = steps
            .iter()
            .map(|(n, rel, desc)| {
                Json::obj()
                    .with("relationship-unique-id", Json::str(rel.clone()))
                    .with("sequence-number", Json::int(*n as u64))
                    .with("description", Json::str(desc.clone()))
            })
            .collect();
        flows.push(
            Json::obj()
                .with("unique-id", Json::str(calm_id(&f.name)))
                .with("name", Json::str(f.title()))
                .with("description", Json::str(f.text("summary").or(f.text("trigger")).unwrap_or(f.title())))
                .with("transitions", Json::Arr(list)),
        );
    }
    let mut doc = Json::obj()
        .with("$schema", Json::str(CALM_SCHEMA))
        .with("nodes", Json::Arr(nodes))
        .with("relationships", Json::Arr(relationships));
    if !flows.is_empty() {
        doc = doc.with("flows", Json::Arr(flows));
    }
    doc.pretty()
}
