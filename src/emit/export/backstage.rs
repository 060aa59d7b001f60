//! A Backstage software catalog (`catalog-info.yaml`): one YAML document per entity.
//!
//! Teams become `Group`s and people `User`s; each `system` a `System`; components `Component`s
//! (type `website` for frontends and mobile apps, `library` for libraries and modules, `service`
//! otherwise) with the APIs they provide and consume and what they depend on; interfaces `API`s
//! (`openapi`, `grpc`, `asyncapi`, `graphql`, ...) whose definition lists the endpoints (a minimal
//! OpenAPI document for REST); datastores, queues, topics and caches `Resource`s; externals
//! `Component`s owned by the group `external`. Names follow Backstage's rules
//! (`[A-Za-z0-9]` at both ends, `-_.` inside, at most 63 characters) and stay unique per kind.

use std::collections::{BTreeMap, BTreeSet};

use super::json::Json;
use super::yaml;
use crate::analysis::facts::{Facts, LinkOrigin};
use crate::semantic::model::{Element, ElementId, Model, Val};
use crate::syntax::schema::DeclKind;

const API_VERSION: &str = "backstage.io/v1alpha1";
/// Owner of elements that have none, and group of third parties.
const UNOWNED: &str = "unowned";
const EXTERNAL: &str = "external";

/// A name valid for Backstage: `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, 1 to 63 characters.
pub fn entity_name(raw: &str) -> String {
    let mapped: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    let trimmed = mapped.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut s: String = trimmed.chars().take(63).collect();
    while s.ends_with(|c: char| !c.is_ascii_alphanumeric()) {
        s.pop();
    }
    if s.is_empty() {
        "unnamed".to_string()
    } else {
        s
    }
}

/// A tag valid for Backstage: `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, at most 63 characters.
pub fn tag(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let mapped: String =
        lower.chars().map(|c| if c.is_ascii_alphanumeric() || ":+#".contains(c) { c } else { '-' }).collect();
    let parts: Vec<&str> = mapped.split('-').filter(|p| !p.is_empty()).collect();
    let mut s = parts.join("-");
    while s.len() > 63 {
        match s.rfind('-') {
            Some(i) => s.truncate(i),
            None => s.truncate(63),
        }
    }
    (!s.is_empty()).then_some(s)
}

/// Unique names per entity kind.
struct Names {
    taken: BTreeMap<&'static str, BTreeSet<String>>,
    of: BTreeMap<ElementId, String>,
}

impl Names {
    fn assign(&mut self, kind: &'static str, id: ElementId, raw: &str) -> String {
        if let Some(n) = self.of.get(&id) {
            return n.clone();
        }
        let base = entity_name(raw);
        let taken = self.taken.entry(kind).or_default();
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            let suffix = format!("-{n}");
            let keep: String = base.chars().take(63 - suffix.len()).collect();
            name = format!("{}{suffix}", keep.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()));
            n += 1;
        }
        self.of.insert(id, name.clone());
        name
    }
}

/// The Backstage entity kind an element becomes, with its reference prefix.
fn entity_kind(kind: DeclKind) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        DeclKind::Team => ("Group", "group"),
        DeclKind::Person => ("User", "user"),
        DeclKind::System => ("System", "system"),
        DeclKind::Component | DeclKind::External => ("Component", "component"),
        DeclKind::Interface => ("API", "api"),
        DeclKind::Datastore | DeclKind::Queue | DeclKind::Topic | DeclKind::Cache => ("Resource", "resource"),
        _ => return None,
    })
}

struct Catalog<'m> {
    model: &'m Model,
    index: &'m Facts,
    names: Names,
    /// Interface -> provider.
    providers: BTreeMap<ElementId, ElementId>,
    needs_unowned: bool,
}

impl<'m> Catalog<'m> {
    fn reference(&self, id: ElementId) -> Option<String> {
        let e = self.model.get(id)?;
        let (_, prefix) = entity_kind(e.kind)?;
        Some(format!("{prefix}:{}", self.names.of.get(&id)?))
    }

    fn owner(&mut self, id: ElementId) -> String {
        let e = self.model.get(id);
        if e.is_some_and(|e| e.kind == DeclKind::External) {
            return format!("group:{EXTERNAL}");
        }
        match self.index.owner_of(id).and_then(|o| self.reference(o)) {
            Some(r) => r,
            None => {
                self.needs_unowned = true;
                format!("group:{UNOWNED}")
            }
        }
    }

    fn metadata(&self, id: ElementId, e: &Element) -> Json {
        let mut m = Json::obj().with("name", Json::str(self.names.of.get(&id).cloned().unwrap_or_default()));
        if let Some(l) = &e.label {
            m = m.with("title", Json::str(l.as_str()));
        }
        if let Some(s) = e.text("summary").or_else(|| e.text("does")) {
            m = m.with("description", Json::str(s));
        }
        let mut tags: Vec<String> = Vec::new();
        for t in e.attrs_named("tags").flat_map(|a| a.values()) {
            if let Some(t) = t.val.text_or_word() {
                if let Some(t) = tag(t) {
                    if !tags.contains(&t) {
                        tags.push(t);
                    }
                }
            }
        }
        if e.kind == DeclKind::External && !tags.iter().any(|t| t == "external") {
            tags.push("external".to_string());
        }
        m = m.with_some("tags", Json::Arr(tags.into_iter().map(Json::Str).collect()));
        m.with(
            "annotations",
            Json::obj()
                .with("archc.dev/kind", Json::str(e.kind.keyword()))
                .with("archc.dev/path", Json::str(self.model.path_of(id))),
        )
    }

    fn entity(&self, kind: &str, id: ElementId, e: &Element, spec: Json) -> Json {
        Json::obj()
            .with("apiVersion", Json::str(API_VERSION))
            .with("kind", Json::str(kind))
            .with("metadata", self.metadata(id, e))
            .with("spec", spec)
    }

    fn system_of(&self, id: ElementId) -> Option<String> {
        self.index.system_of(id).and_then(|s| self.reference(s))
    }

    fn refs(&self, ids: impl IntoIterator<Item = ElementId>) -> Json {
        let mut out: Vec<String> = Vec::new();
        for id in ids {
            if let Some(r) = self.reference(id) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
        Json::Arr(out.into_iter().map(Json::Str).collect())
    }
}

/// Backstage's `lifecycle`, which its schema requires: `deprecated` when the model says so,
/// `production` when a production deployment runs the element (or, for an interface, its
/// provider), else `unknown`: the model did not say, and archc does not guess.
fn lifecycle(e: &Element, runner: ElementId, in_production: &BTreeSet<ElementId>) -> &'static str {
    if e.has_flag("deprecated") {
        "deprecated"
    } else if in_production.contains(&runner) {
        "production"
    } else {
        "unknown"
    }
}

/// What the nodes of deployments whose `environment` is `production` run.
fn run_in_production(model: &Model) -> BTreeSet<ElementId> {
    let production: BTreeSet<ElementId> = model
        .of_kind(DeclKind::Deployment)
        .filter(|(_, d)| d.word("environment") == Some("production"))
        .map(|(id, _)| id)
        .collect();
    model
        .of_kind(DeclKind::Node)
        .filter(|(_, n)| n.parent.is_some_and(|p| production.contains(&p)))
        .flat_map(|(_, n)| n.references("runs").collect::<Vec<_>>())
        .collect()
}

fn component_type(e: &Element) -> &'static str {
    match e.word("kind") {
        Some("frontend" | "mobile") => "website",
        Some("library" | "module") => "library",
        _ => "service",
    }
}

fn api_type(variant: Option<&str>) -> &'static str {
    match variant {
        Some("rest") => "openapi",
        Some("grpc") => "grpc",
        Some("graphql") => "graphql",
        Some("events" | "websocket" | "webhook") => "asyncapi",
        Some("soap") => "wsdl",
        Some("sql") => "sql",
        Some("file") => "file",
        Some("batch") => "batch",
        _ => "unknown",
    }
}

fn val_text(model: &Model, v: &Val) -> String {
    match v {
        Val::Ref(id) => model.get(*id).map_or_else(|| "?".to_string(), |e| e.name.to_string()),
        other => model.dump_val(other).trim_matches('"').to_string(),
    }
}

/// The API definition: a minimal OpenAPI document for REST, a text listing otherwise.
fn definition(model: &Model, e: &Element) -> String {
    let facts: Vec<String> = ["auth", "authz", "version", "rate-limit", "exposure", "format", "errors"]
        .iter()
        .filter_map(|k| e.value(k).map(|v| format!("{k} {}", val_text(model, v))))
        .collect();
    if e.variant.as_deref() == Some("rest") {
        let mut paths: Vec<(String, Json)> = Vec::new();
        for ep in &e.endpoints {
            let method = ep.method.to_ascii_lowercase();
            if !["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(&method.as_str()) {
                continue;
            }
            let mut op = Json::obj().with(
                "summary",
                Json::str(
                    ep.summary
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| format!("{} {}", ep.method, ep.target)),
                ),
            );
            if let Some(r) = &ep.request {
                op = op.with("description", Json::str(format!("Request body: {}", val_text(model, &r.val))));
            }
            let ok = match &ep.response {
                Some(r) => format!("Returns {}", val_text(model, &r.val)),
                None => "Success".to_string(),
            };
            op = op.with("responses", Json::obj().with("200", Json::obj().with("description", Json::str(ok))));
            match paths.iter_mut().find(|p| p.0 == ep.target) {
                Some((_, Json::Obj(ops))) => ops.push((method, op)),
                _ => paths.push((ep.target.to_string(), Json::Obj(vec![(method, op)]))),
            }
        }
        let mut info = Json::obj()
            .with("title", Json::str(e.title()))
            .with("version", Json::str(e.text("version").unwrap_or("unversioned")));
        let mut desc = e.text("summary").map(str::to_string).unwrap_or_default();
        if !facts.is_empty() {
            if !desc.is_empty() {
                desc.push_str("\n\n");
            }
            desc.push_str(&facts.join(", "));
        }
        if !desc.is_empty() {
            info = info.with("description", Json::str(desc));
        }
        let doc = Json::obj().with("openapi", Json::str("3.0.3")).with("info", info).with("paths", Json::Obj(paths));
        return doc.pretty();
    }
    let mut text = format!("{} ({} interface)\n", e.title(), e.variant.as_deref().unwrap_or("unspecified"));
    if let Some(s) = e.text("summary") {
        text.push_str(s);
        text.push('\n');
    }
    if !facts.is_empty() {
        text.push_str(&facts.join(", "));
        text.push('\n');
    }
    if !e.endpoints.is_empty() {
        text.push('\n');
        for ep in &e.endpoints {
            let mut line = format!("{} {}", ep.method, ep.target);
            if let Some(r) = &ep.request {
                line.push_str(&format!(" ({})", val_text(model, &r.val)));
            }
            if let Some(r) = &ep.response {
                line.push_str(&format!(" -> {}", val_text(model, &r.val)));
            }
            if let Some(s) = &ep.summary {
                line.push_str(&format!(": {s}"));
            }
            text.push_str(&line);
            text.push('\n');
        }
    }
    let carried: Vec<String> = e.references("carries").map(|c| model.name_of(c).to_string()).collect();
    if !carried.is_empty() {
        text.push_str(&format!("\ncarries: {}\n", carried.join(", ")));
    }
    text
}

/// The catalog as multi-document YAML.
pub fn catalog(model: &Model, index: &Facts) -> String {
    let providers = index.provider.clone();
    let in_production = run_in_production(model);
    let mut cat = Catalog {
        model,
        index,
        names: Names { taken: BTreeMap::new(), of: BTreeMap::new() },
        providers,
        needs_unowned: false,
    };
    let elements: Vec<(ElementId, &Element)> =
        model.iter().filter(|(_, e)| !e.from_std && entity_kind(e.kind).is_some()).collect();
    for (id, e) in &elements {
        if let Some((kind, _)) = entity_kind(e.kind) {
            cat.names.assign(kind, *id, &e.name);
        }
    }
    // Reserve the synthetic group names so that a team called `external` is reused, not shadowed.
    let has_externals = elements.iter().any(|(_, e)| e.kind == DeclKind::External);

    let mut docs: Vec<Json> = Vec::new();
    for (id, e) in &elements {
        let (id, e) = (*id, *e);
        let doc = match e.kind {
            DeclKind::Team => {
                let members: Vec<ElementId> = model
                    .of_kind(DeclKind::Person)
                    .filter(|(_, p)| p.reference("team") == Some(id))
                    .map(|(pid, _)| pid)
                    .chain(e.reference("lead"))
                    .collect();
                let mut profile = Json::obj();
                if let Some(l) = &e.label {
                    profile = profile.with("displayName", Json::str(l.as_str()));
                }
                if let Some(c) = e.text("contact").filter(|c| c.contains('@') && !c.contains(char::is_whitespace)) {
                    profile = profile.with("email", Json::str(c));
                }
                let spec = Json::obj()
                    .with("type", Json::str("team"))
                    .with_some("profile", profile)
                    .with("children", Json::Arr(vec![]))
                    .with_some("members", cat.refs(members));
                cat.entity("Group", id, e, spec)
            }
            DeclKind::Person => {
                let mut profile = Json::obj();
                if let Some(l) = &e.label {
                    profile = profile.with("displayName", Json::str(l.as_str()));
                }
                if let Some(m) = e.text("email") {
                    profile = profile.with("email", Json::str(m));
                }
                let led: Vec<ElementId> = model
                    .of_kind(DeclKind::Team)
                    .filter(|(_, t)| t.reference("lead") == Some(id))
                    .map(|(t, _)| t)
                    .collect();
                let spec = Json::obj()
                    .with_some("profile", profile)
                    .with("memberOf", cat.refs(e.reference("team").into_iter().chain(led)));
                cat.entity("User", id, e, spec)
            }
            DeclKind::System => {
                let owner = cat.owner(id);
                cat.entity("System", id, e, Json::obj().with("owner", Json::str(owner)))
            }
            DeclKind::Component | DeclKind::External => {
                let owner = cat.owner(id);
                let provides: Vec<ElementId> = e
                    .references("exposes")
                    .chain(cat.providers.iter().filter(|(_, p)| **p == id).map(|(i, _)| *i))
                    .collect();
                let mut consumes = Vec::new();
                let mut depends = Vec::new();
                for l in cat.index.out(id) {
                    if !matches!(l.origin, LinkOrigin::Uses | LinkOrigin::Step { .. }) {
                        continue;
                    }
                    if let Some(v) = l.via.filter(|v| model.get(*v).is_some_and(|i| i.kind == DeclKind::Interface)) {
                        if !provides.contains(&v) {
                            consumes.push(v);
                        }
                    }
                    if l.to != id
                        && model.get(l.to).is_some_and(|t| t.kind != DeclKind::Interface && t.kind != DeclKind::Actor)
                    {
                        depends.push(l.to);
                    }
                }
                for l in cat.index.out(id).filter(|l| l.origin == LinkOrigin::Event) {
                    depends.push(l.to);
                }
                for ev in e.references("subscribes") {
                    for (cid, c) in model.iter() {
                        if matches!(c.kind, DeclKind::Topic | DeclKind::Queue)
                            && c.references("carries").any(|x| x == ev)
                        {
                            depends.push(cid);
                        }
                    }
                }
                let ty = if e.kind == DeclKind::External { "service" } else { component_type(e) };
                let spec = Json::obj()
                    .with("type", Json::str(ty))
                    .with("lifecycle", Json::str(lifecycle(e, id, &in_production)))
                    .with("owner", Json::str(owner))
                    .with("system", cat.system_of(id).map_or(Json::Null, Json::Str))
                    // A component of a container (C4 level 3) is a Backstage subcomponent.
                    .with(
                        "subcomponentOf",
                        crate::analysis::facts::container_of(model, id)
                            .and_then(|c| cat.reference(c))
                            .map_or(Json::Null, Json::Str),
                    )
                    .with_some("providesApis", cat.refs(provides))
                    .with_some("consumesApis", cat.refs(consumes))
                    .with_some("dependsOn", cat.refs(depends));
                let spec = drop_nulls(spec);
                cat.entity("Component", id, e, spec)
            }
            DeclKind::Interface => {
                let owner = cat.owner(id);
                let system = e
                    .reference("system")
                    .or_else(|| cat.providers.get(&id).and_then(|p| cat.index.system_of(*p)))
                    .and_then(|s| cat.reference(s));
                let spec = Json::obj()
                    .with("type", Json::str(api_type(e.variant.as_deref())))
                    .with(
                        "lifecycle",
                        Json::str(lifecycle(e, cat.providers.get(&id).copied().unwrap_or(id), &in_production)),
                    )
                    .with("owner", Json::str(owner))
                    .with("system", system.map_or(Json::Null, Json::Str))
                    .with("definition", Json::str(definition(model, e)));
                cat.entity("API", id, e, drop_nulls(spec))
            }
            _ => {
                let ty = match e.kind {
                    DeclKind::Datastore => "database",
                    DeclKind::Queue => "queue",
                    DeclKind::Topic => "topic",
                    _ => "cache",
                };
                let owner = cat.owner(id);
                let spec = Json::obj()
                    .with("type", Json::str(ty))
                    .with("owner", Json::str(owner))
                    .with("system", cat.system_of(id).map_or(Json::Null, Json::Str));
                cat.entity("Resource", id, e, drop_nulls(spec))
            }
        };
        docs.push(doc);
    }
    let groups = cat.names.taken.get("Group").cloned().unwrap_or_default();
    let synthetic = |name: &str, title: &str, description: &str| {
        Json::obj()
            .with("apiVersion", Json::str(API_VERSION))
            .with("kind", Json::str("Group"))
            .with(
                "metadata",
                Json::obj()
                    .with("name", Json::str(name))
                    .with("title", Json::str(title))
                    .with("description", Json::str(description)),
            )
            .with("spec", Json::obj().with("type", Json::str("team")).with("children", Json::Arr(vec![])))
    };
    if cat.needs_unowned && !groups.contains(UNOWNED) {
        docs.push(synthetic(UNOWNED, "Unowned", "Elements of the architecture model that name no owner."));
    }
    if has_externals && !groups.contains(EXTERNAL) {
        docs.push(synthetic(EXTERNAL, "External providers", "Third-party systems the architecture depends on."));
    }
    let mut out = String::from("# Generated by archc from the architecture model; do not edit by hand.\n");
    for d in &docs {
        out.push_str("---\n");
        out.push_str(&yaml::document(d));
    }
    out
}

fn drop_nulls(v: Json) -> Json {
    match v {
        Json::Obj(fields) => Json::Obj(fields.into_iter().filter(|(_, v)| *v != Json::Null).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags_follow_backstage_rules() {
        assert_eq!(entity_name("orders"), "orders");
        assert_eq!(entity_name("_private_"), "private");
        assert_eq!(entity_name("a b/c"), "a-b-c");
        assert_eq!(entity_name("___"), "unnamed");
        assert_eq!(entity_name(&"x".repeat(80)).len(), 63);
        assert_eq!(tag("Team Alpha_2"), Some("team-alpha-2".to_string()));
        assert_eq!(tag("--"), None);
        assert_eq!(tag("c#"), Some("c#".to_string()));
    }
}
