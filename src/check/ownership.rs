//! Ownership (OWN): every element has an accountable team, every piece of sensitive data has one
//! system of record, and persistence is not shared or reached into across team lines.
//!
//! OWN002 owner-unknown has no rule here: an `owner` that names no declared team or person is
//! already reported by the resolver, as HYG001 dangling-reference (unknown name) or RES001
//! wrong-kind-reference (a name of another kind), and rules treat such an owner as absent.

use std::collections::{BTreeMap, BTreeSet};

use super::shared::{count, exposed_by, name_list, team_of};
use super::{Category, Ctx, LinkOrigin, Rule, RuleOption};
use crate::diagnostics::{Code, Diagnostic, Severity, TextEdit};
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

const fn code(id: &'static str, name: &'static str, severity: Severity, summary: &'static str) -> Code {
    Code { id, name, severity, summary }
}

/// The ownership rules, in code order.
pub static RULES: &[&Rule] = &[
    &OWNER_MISSING,
    &OWNER_NOT_A_TEAM,
    &DATA_OWNER_MISSING,
    &SHARED_PERSISTENCE,
    &FOREIGN_DATASTORE_ACCESS,
    &DATA_MULTIPLE_OWNERS,
    &COMPONENT_WITHOUT_SYSTEM,
    &TIGHTLY_COUPLED_TEAMS,
];

fn is_user(cx: &Ctx<'_>, id: ElementId, kind: DeclKind) -> bool {
    cx.model.get(id).is_some_and(|e| e.kind == kind && !e.from_std)
}

/// The span of the value `target` in attribute `attr` of element `id`.
fn value_span(cx: &Ctx<'_>, id: ElementId, attr: &str, target: ElementId) -> Option<Span> {
    cx.model.get(id)?.attrs_named(attr).flat_map(|a| a.values()).find(|v| v.val == Val::Ref(target)).map(|v| v.span)
}

// ---------------------------------------------------------------------------------------------

pub static OWNER_MISSING: Rule = Rule {
    code: code("OWN001", "owner-missing", Severity::Error, "A component, interface, store or system with no owner after inheritance."),
    category: Category::Ownership,
    explanation: "Every component, interface, datastore, queue, topic, cache and system needs an accountable team: someone is paged when it breaks, reviews changes to it and decides when it is retired. An element inherits its owner: a component, store or broker from its `system`, an interface from the component that provides it. The finding is reported once, where adding an `owner` fixes it: on the system when its members have nothing of their own, on the provider for its interfaces. Interfaces of external systems belong to their vendor and need no owner.",
    bad: "team checkout\ncomponent orders {\n  standalone\n}\ncomponent payments {\n  owner checkout\n  standalone\n}\n",
    good: "team checkout\ncomponent orders {\n  owner checkout\n  standalone\n}\ncomponent payments {\n  owner checkout\n  standalone\n}\n",
    options: &[],
    run: owner_missing,
};

const OWNED_KINDS: &[DeclKind] = &[
    DeclKind::System,
    DeclKind::Component,
    DeclKind::Datastore,
    DeclKind::Queue,
    DeclKind::Topic,
    DeclKind::Cache,
    DeclKind::Interface,
];

/// Where adding an `owner` gives `id` one: the element itself, its system, or its provider's root.
/// `None` when no owner is needed (an external's interface) or the gap is already reported
/// elsewhere (an `owner` that does not resolve).
fn owner_gap_root(cx: &Ctx<'_>, id: ElementId, depth: usize) -> Option<ElementId> {
    let e = cx.model.get(id)?;
    if e.attr("owner").is_some() || e.from_std || depth > 8 {
        return None;
    }
    match e.kind {
        DeclKind::Interface => match cx.facts.provider.get(&id) {
            Some(p) if cx.kind(*p) == Some(DeclKind::Component) => owner_gap_root(cx, *p, depth + 1),
            Some(_) => None,
            None => Some(id),
        },
        DeclKind::System => Some(id),
        _ => match e.attr("system") {
            Some(_) => match e.reference("system") {
                Some(s) => owner_gap_root(cx, s, depth + 1),
                None => None,
            },
            None => Some(id),
        },
    }
}

fn owner_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut heirs: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, _) in cx.model.iter().filter(|(_, e)| !e.from_std && OWNED_KINDS.contains(&e.kind)) {
        if cx.facts.owner_of(id).is_some() {
            continue;
        }
        if let Some(root) = owner_gap_root(cx, id, 0) {
            let list = heirs.entry(root).or_default();
            if root != id {
                list.push(id);
            }
        }
    }
    for (root, heirs) in heirs {
        let Some(e) = cx.model.get(root) else { continue };
        let mut d = cx.finding(
            &OWNER_MISSING,
            format!("{} `{}` has no owner", e.kind.noun(), e.name),
            e.name_span,
            "no `owner`",
            &[root],
        );
        if !heirs.is_empty() {
            d = d.with_note(format!(
                "{} inherit{} the owner from it and {} none either",
                name_list(cx, &heirs, 5),
                if heirs.len() == 1 { "s" } else { "" },
                if heirs.len() == 1 { "has" } else { "have" }
            ));
        }
        d = d.with_help(match (e.kind, suggested_owner(cx, root)) {
            (DeclKind::System, _) => {
                "add `owner <team>` to the system; its components, stores and brokers inherit it".to_string()
            }
            (_, Some(team)) => format!("add `owner {}`, the team of the components that use it", cx.name(team)),
            (DeclKind::Component, _) => "add `owner <team>`, or put it in a `system` that has one".to_string(),
            (DeclKind::Interface, _) => "add `owner <team>`, or name its `provider`".to_string(),
            _ => "add `owner <team>`".to_string(),
        });
        // The fix states the suggested team, else leaves the owner as a `?` hole to fill. It
        // goes before the first attribute, so elements without a block get none.
        if let Some(first) = e.attrs.iter().map(|a| a.span).min_by_key(|s| s.start) {
            let (title, owner) = match suggested_owner(cx, root).filter(|_| e.kind != DeclKind::System) {
                Some(team) => (format!("Add `owner {}`", cx.name(team)), cx.name(team)),
                None => ("Add `owner ?` to fill in later".to_string(), "?".to_string()),
            };
            d = d.with_fix(title, vec![TextEdit::insert(first, format!("owner {owner}\n  "))]);
        }
        acc.push(d);
    }
}

/// The one team whose components link to a store or broker, if there is exactly one.
fn suggested_owner(cx: &Ctx<'_>, id: ElementId) -> Option<ElementId> {
    if !matches!(cx.kind(id), Some(DeclKind::Datastore | DeclKind::Queue | DeclKind::Topic | DeclKind::Cache)) {
        return None;
    }
    let teams: BTreeSet<ElementId> = cx
        .facts
        .inbound(id)
        .chain(cx.facts.out(id))
        .flat_map(|l| [l.from, l.to])
        .filter(|x| *x != id && cx.kind(*x) == Some(DeclKind::Component))
        .filter_map(|c| team_of(cx, c))
        .collect();
    if teams.len() == 1 {
        teams.into_iter().next()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------

pub static OWNER_NOT_A_TEAM: Rule = Rule {
    code: code("OWN003", "owner-not-a-team", Severity::Warning, "An element owned by a person rather than a team."),
    category: Category::Ownership,
    explanation: "Ownership by one person does not survive holidays, team changes or departures: the element becomes an orphan the day that person moves on. Make a team the owner and record the person as its `lead` or a member. Decisions, risks and metrics may name a person; systems, components, stores, brokers, interfaces and data may not.",
    bad: "team checkout\nperson ann {\n  team checkout\n}\ncomponent orders {\n  owner ann\n  standalone\n}\n",
    good: "team checkout\nperson ann {\n  team checkout\n}\ncomponent orders {\n  owner checkout\n  standalone\n}\n",
    options: &[],
    run: owner_not_a_team,
};

fn owner_not_a_team(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    const KINDS: &[DeclKind] = &[
        DeclKind::System,
        DeclKind::Component,
        DeclKind::Datastore,
        DeclKind::Queue,
        DeclKind::Topic,
        DeclKind::Cache,
        DeclKind::Interface,
        DeclKind::Data,
        DeclKind::Event,
    ];
    for (id, e) in cx.model.iter().filter(|(_, e)| !e.from_std && KINDS.contains(&e.kind)) {
        let Some(person) = e.reference("owner") else { continue };
        let Some(p) = cx.model.get(person).filter(|p| p.kind == DeclKind::Person) else { continue };
        let span = value_span(cx, id, "owner", person).unwrap_or(e.name_span);
        let help = match p.reference("team") {
            Some(t) => format!("use `owner {}`, the team `{}` belongs to", cx.name(t), p.name),
            None => format!("create a team for it and make `{}` its `lead`", p.name),
        };
        acc.push(
            cx.finding(
                &OWNER_NOT_A_TEAM,
                format!("{} `{}` is owned by a person, `{}`", e.kind.noun(), e.name, p.name),
                span,
                "a person, not a team",
                &[id, person],
            )
            .with_help(help),
        );
    }
}

// ---------------------------------------------------------------------------------------------

pub static DATA_OWNER_MISSING: Rule = Rule {
    code: code("OWN004", "data-owner-missing", Severity::Error, "Sensitive data with no system of record."),
    category: Category::Ownership,
    explanation: "Confidential or restricted data, personal data and credentials need a system of record: one component that `owns` it, decides who may read and change it, and answers for its retention, deletion and breach reporting (ASVS 1.8.1). Without one, every copy is equally authoritative and nobody is accountable. When no component can own it, name at least the accountable team with the data's `owner`.",
    bad: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    good: "data Customer {\n  classification confidential\n  field email: string pii\n}\ncomponent crm {\n  owns Customer\n  uses customers_db { access read-write }\n}\ndatastore customers_db {\n  holds Customer\n}\n",
    options: &[],
    run: data_owner_missing,
};

fn data_owner_missing(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let mut holders: BTreeMap<ElementId, Vec<ElementId>> = BTreeMap::new();
    for (id, e) in
        cx.model.iter().filter(|(_, e)| !e.from_std && matches!(e.kind, DeclKind::Datastore | DeclKind::Cache))
    {
        for d in e.references("holds") {
            holders.entry(d).or_default().push(id);
        }
    }
    for (id, e) in cx.model.of_kind(DeclKind::Data) {
        if !cx.is_sensitive(id) || cx.facts.owners_of_data.contains_key(&id) || e.attr("owner").is_some() {
            continue;
        }
        let why = match e.word("classification") {
            Some(c @ ("confidential" | "restricted")) => c.to_string(),
            _ if e.has_flag("credentials")
                || e.fields.iter().any(|f| f.modifiers.iter().any(|m| m == "credentials")) =>
            {
                "credential".to_string()
            }
            _ => "personal".to_string(),
        };
        let mut d = cx
            .finding(
                &DATA_OWNER_MISSING,
                format!("{why} data `{}` has no system of record", e.name),
                e.name_span,
                "no component `owns` it",
                &[id],
            )
            .with_help(format!("add `owns {}` to the component that is its system of record", e.name));
        if let Some(h) = holders.get(&id) {
            d = d.with_note(format!("it is held by {}", name_list(cx, h, 3)));
        }
        acc.push(d);
    }
}

// ---------------------------------------------------------------------------------------------

pub static SHARED_PERSISTENCE: Rule = Rule {
    code: code("OWN005", "shared-persistence", Severity::Error, "A datastore written by components of more than one team."),
    category: Category::Ownership,
    explanation: "A datastore that services of several teams write to couples those teams through its schema: no team can change a table, migrate or scale the store without coordinating with the others, and a bug in one service corrupts another's data. Each datastore should have one owning service (database per service); other teams read through its interface or react to its events. A `uses` of a datastore writes unless it says `access read`; a flow step writes when it says `access write` or `access read-write`.",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses orders_db { access write }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses invoices_db { access write }\n}\ndatastore orders_db {\n  owner checkout\n}\ndatastore invoices_db {\n  owner billing\n}\n",
    options: &[],
    run: shared_persistence,
};

/// The link writes to its target.
pub(crate) fn is_write(l: &super::Link) -> bool {
    match l.origin {
        LinkOrigin::Uses => !matches!(l.access.as_deref(), Some("read")),
        LinkOrigin::Step { .. } => matches!(l.access.as_deref(), Some("write" | "read-write")),
        LinkOrigin::Event => false,
    }
}

fn shared_persistence(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // Datastore -> team -> writers with the span of their first writing link.
    let mut writers: BTreeMap<ElementId, BTreeMap<ElementId, BTreeMap<ElementId, Span>>> = BTreeMap::new();
    let deps = &cx.facts.deps;
    for (_, l) in deps.links(cx.facts) {
        if !is_write(l) || !is_user(cx, l.from, DeclKind::Component) || !is_user(cx, l.to, DeclKind::Datastore) {
            continue;
        }
        let Some(team) = team_of(cx, l.from) else { continue };
        writers.entry(l.to).or_default().entry(team).or_default().entry(l.from).or_insert(l.span);
    }
    for (ds, teams) in writers {
        if teams.len() < 2 {
            continue;
        }
        let team_ids: Vec<ElementId> = teams.keys().copied().collect();
        let mut d = cx.finding(
            &SHARED_PERSISTENCE,
            format!(
                "datastore `{}` is written by {}: {}",
                cx.name(ds),
                count(teams.len(), "team"),
                name_list(cx, &team_ids, 4)
            ),
            cx.span_of(ds),
            "shared persistence",
            &[ds],
        );
        let mut spans: Vec<(Span, String)> = Vec::new();
        for (team, comps) in &teams {
            for (c, span) in comps {
                spans.push((*span, format!("`{}` of team `{}` writes here", cx.name(*c), cx.name(*team))));
            }
        }
        spans.sort_by_key(|(s, _)| (s.file.0, s.start));
        for (s, m) in spans {
            d = d.with_secondary(s, m);
        }
        if let Some(o) = team_of(cx, ds) {
            d = d.with_note(format!("the datastore is owned by `{}`", cx.name(o)));
        }
        acc.push(d.with_help(
            "keep one service as its only writer; the other teams call that service's interface or react to its events",
        ));
    }
}

// ---------------------------------------------------------------------------------------------

pub static FOREIGN_DATASTORE_ACCESS: Rule = Rule {
    code: code("OWN006", "foreign-datastore-access", Severity::Error, "A component reads or writes a datastore owned by another team."),
    category: Category::Ownership,
    explanation: "Reaching into another team's datastore bypasses the owning service's interface: its validation, authorization and invariants are skipped, and its schema becomes a public contract that can no longer change freely. Call the owner's interface, subscribe to its events, or keep a read model of your own fed by them. Owners are compared after inheritance (a component's or store's `system`), and a person counts as the team they belong to.",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses orders_db { access read-write }\n}\ncomponent invoicing {\n  owner billing\n  uses orders_db { access read }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  exposes OrdersApi\n  uses orders_db { access read-write }\n}\ninterface OrdersApi rest\ncomponent invoicing {\n  owner billing\n  uses OrdersApi sync { timeout 1s circuit-breaker }\n}\ndatastore orders_db {\n  owner checkout\n}\n",
    options: &[],
    run: foreign_datastore_access,
};

fn foreign_datastore_access(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // (component, datastore) -> first link span, reads, writes.
    let mut pairs: BTreeMap<(ElementId, ElementId), (Span, bool, bool)> = BTreeMap::new();
    let deps = &cx.facts.deps;
    for (_, l) in deps.links(cx.facts) {
        if !is_user(cx, l.from, DeclKind::Component) || !is_user(cx, l.to, DeclKind::Datastore) {
            continue;
        }
        let (Some(mine), Some(theirs)) = (team_of(cx, l.from), team_of(cx, l.to)) else { continue };
        if mine == theirs {
            continue;
        }
        let write = is_write(l);
        let read = !write || l.access.as_deref() == Some("read-write");
        let e = pairs.entry((l.from, l.to)).or_insert((l.span, false, false));
        e.1 |= read;
        e.2 |= write;
    }
    let exposed = exposed_by(cx);
    let mut owner_services: BTreeMap<ElementId, Option<ElementId>> = BTreeMap::new();
    for ((c, ds), (span, read, write)) in pairs {
        let (Some(mine), Some(theirs)) = (team_of(cx, c), team_of(cx, ds)) else { continue };
        let verb = match (read, write) {
            (true, true) => "reads and writes",
            (false, true) => "writes",
            _ => "reads",
        };
        // The owning team's service for this store (its first writer, else its first reader), to
        // suggest its interface; looked up once per store.
        let owner_service = *owner_services.entry(ds).or_insert_with(|| {
            let mut own = cx
                .facts
                .inbound(ds)
                .filter(|l| is_user(cx, l.from, DeclKind::Component) && team_of(cx, l.from) == Some(theirs));
            let first = own.next();
            match first {
                Some(f) if !is_write(f) => own.find(|l| is_write(l)).or(first),
                _ => first,
            }
            .map(|l| l.from)
        });
        let help = match owner_service {
            Some(s) => match exposed.get(&s).and_then(|v| v.first()) {
                Some(i) => {
                    format!("call `{}` through `{}` instead, or subscribe to its events", cx.name(s), cx.name(*i))
                }
                None => {
                    format!("ask team `{}` for an interface on `{}` and call it instead", cx.name(theirs), cx.name(s))
                }
            },
            None => format!(
                "call a service of team `{}` instead, or move the datastore to team `{}`",
                cx.name(theirs),
                cx.name(mine)
            ),
        };
        acc.push(
            cx.finding(
                &FOREIGN_DATASTORE_ACCESS,
                format!(
                    "`{}` of team `{}` {verb} datastore `{}` of team `{}`",
                    cx.name(c),
                    cx.name(mine),
                    cx.name(ds),
                    cx.name(theirs)
                ),
                span,
                format!("{verb} another team's datastore"),
                &[c, ds],
            )
            .with_secondary(cx.span_of(ds), format!("owned by `{}`", cx.name(theirs)))
            .with_help(help),
        );
    }
}

// ---------------------------------------------------------------------------------------------

pub static DATA_MULTIPLE_OWNERS: Rule = Rule {
    code: code("OWN007", "data-multiple-owners", Severity::Error, "Data that more than one component claims to own."),
    category: Category::Ownership,
    explanation: "`owns` names the system of record: the one component whose copy is authoritative and which decides how the data changes. When two components own the same data, both copies are \"the truth\" and they drift apart; which one wins in a conflict is undefined. Keep one owner; the other components hold a read model fed by its interface or events.",
    bad: "data Order {\n  classification internal\n}\ncomponent orders {\n  owns Order\n  uses billing sync { timeout 1s circuit-breaker }\n}\ncomponent billing {\n  owns Order\n}\n",
    good: "data Order {\n  classification internal\n}\ncomponent orders {\n  owns Order\n  uses billing sync { timeout 1s circuit-breaker carries Order }\n}\ncomponent billing\n",
    options: &[],
    run: data_multiple_owners,
};

fn data_multiple_owners(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (data, owners) in &cx.facts.owners_of_data {
        let mut owners: Vec<ElementId> =
            owners.iter().copied().filter(|c| cx.model.get(*c).is_some_and(|e| !e.from_std)).collect();
        owners.sort_by_cached_key(|c| cx.name(*c));
        owners.dedup();
        if owners.len() < 2 {
            continue;
        }
        let Some(e) = cx.model.get(*data) else { continue };
        let mut d = cx.finding(
            &DATA_MULTIPLE_OWNERS,
            format!(
                "{} `{}` has {}: {}",
                e.kind.noun(),
                e.name,
                count(owners.len(), "owner"),
                name_list(cx, &owners, 4)
            ),
            e.name_span,
            "more than one system of record",
            &[*data],
        );
        for c in &owners {
            if let Some(s) = value_span(cx, *c, "owns", *data) {
                d = d.with_secondary(s, format!("claimed by `{}`", cx.name(*c)));
            }
        }
        acc.push(d.with_help(format!(
            "keep `owns {}` on one component; the others keep a read model fed by its interface or events",
            e.name
        )));
    }
}

// ---------------------------------------------------------------------------------------------

pub static COMPONENT_WITHOUT_SYSTEM: Rule = Rule {
    code: code("OWN008", "component-without-system", Severity::Note, "A component that belongs to no system."),
    category: Category::Ownership,
    explanation: "Once a workspace declares systems, components are expected to say which one they belong to: the system gives them their owner, groups them in the diagrams and the report, and scopes the system-level cycle and interface rules. A component outside every system is often one that was forgotten when the model was split up. Models that declare no system at all are not checked.",
    bad: "team checkout\nsystem shop {\n  owner checkout\n}\ncomponent orders {\n  system shop\n  uses payments sync { timeout 1s circuit-breaker }\n}\ncomponent payments {\n  owner checkout\n}\n",
    good: "team checkout\nsystem shop {\n  owner checkout\n}\ncomponent orders {\n  system shop\n  uses payments sync { timeout 1s circuit-breaker }\n}\ncomponent payments {\n  system shop\n}\n",
    options: &[],
    run: component_without_system,
};

fn component_without_system(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let systems: Vec<ElementId> = cx.model.of_kind(DeclKind::System).map(|(id, _)| id).collect();
    if systems.is_empty() {
        return;
    }
    let help = match systems.as_slice() {
        [one] => format!("add `system {}`", cx.name(*one)),
        _ => format!("add `system <name>`; the systems are {}", name_list(cx, &systems, 6)),
    };
    for (id, e) in cx.model.of_kind(DeclKind::Component) {
        if e.attr("system").is_some() {
            continue;
        }
        acc.push(
            cx.finding(
                &COMPONENT_WITHOUT_SYSTEM,
                format!("component `{}` belongs to no system", e.name),
                e.name_span,
                "no `system`",
                &[id],
            )
            .with_help(help.clone()),
        );
    }
}

// ---------------------------------------------------------------------------------------------

/// `[rules.OWN009] min-links`.
pub const TIGHTLY_COUPLED_TEAMS_MIN_LINKS: RuleOption = RuleOption {
    rule: "OWN009",
    name: "min-links",
    default: 4,
    doc: "Fewest distinct neighbours in the other team before the rule reports.",
};

pub static TIGHTLY_COUPLED_TEAMS: Rule = Rule {
    code: code("OWN009", "tightly-coupled-teams", Severity::Note, "A component that talks more to another team's components than to its own team's."),
    category: Category::Ownership,
    explanation: "When most of a component's links go to the components of one other team, the two teams cannot change or release independently: every change needs a meeting (Conway's law in reverse). Either the component belongs to the other team, or the boundary between the teams is cut in the wrong place. The rule is conservative: it counts distinct neighbours over direct links in both directions, needs at least `min-links` of them in the other team and strictly more than twice the neighbours in the component's own team, skips components that are the only one of their team, and skips edge components whose job is to route to others (gateways, proxies, load balancers, WAFs, frontends, mobile apps).",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses invoices sync { timeout 1s circuit-breaker }\n  uses ledger sync { timeout 1s circuit-breaker }\n  uses tax sync { timeout 1s circuit-breaker }\n  uses fx sync { timeout 1s circuit-breaker }\n}\ncomponent carts {\n  owner checkout\n  standalone\n}\ncomponent invoices {\n  owner billing\n}\ncomponent ledger {\n  owner billing\n}\ncomponent tax {\n  owner billing\n}\ncomponent fx {\n  owner billing\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner billing\n  uses invoices sync { timeout 1s circuit-breaker }\n  uses ledger sync { timeout 1s circuit-breaker }\n  uses tax sync { timeout 1s circuit-breaker }\n  uses fx sync { timeout 1s circuit-breaker }\n}\ncomponent carts {\n  owner checkout\n  standalone\n}\ncomponent invoices {\n  owner billing\n}\ncomponent ledger {\n  owner billing\n}\ncomponent tax {\n  owner billing\n}\ncomponent fx {\n  owner billing\n}\n",
    options: &[TIGHTLY_COUPLED_TEAMS_MIN_LINKS],
    run: tightly_coupled_teams,
};

fn tightly_coupled_teams(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    const EDGE_KINDS: &[&str] = &["gateway", "proxy", "waf", "load-balancer", "frontend", "mobile", "spa", "desktop"];
    let min = cx.option(&TIGHTLY_COUPLED_TEAMS_MIN_LINKS).max(1) as usize;
    let deps = &cx.facts.deps;
    let mut members: BTreeMap<ElementId, usize> = BTreeMap::new();
    for (id, _) in cx.model.of_kind(DeclKind::Component) {
        if let Some(t) = team_of(cx, id) {
            *members.entry(t).or_insert(0) += 1;
        }
    }
    // Distinct component neighbours in either direction, with the span of the first link.
    let mut neighbours: BTreeMap<ElementId, BTreeMap<ElementId, Span>> = BTreeMap::new();
    for (i, l) in cx.facts.links.iter().enumerate() {
        if !deps.is_dependency(i)
            || !is_user(cx, l.from, DeclKind::Component)
            || !is_user(cx, l.to, DeclKind::Component)
        {
            continue;
        }
        neighbours.entry(l.from).or_default().entry(l.to).or_insert(l.span);
        neighbours.entry(l.to).or_default().entry(l.from).or_insert(l.span);
    }
    for (c, around) in neighbours {
        if cx.kind_word(c).is_some_and(|k| EDGE_KINDS.contains(&k)) {
            continue;
        }
        let Some(mine) = team_of(cx, c) else { continue };
        if members.get(&mine).copied().unwrap_or(0) < 2 {
            continue;
        }
        let mut by_team: BTreeMap<ElementId, Vec<(ElementId, Span)>> = BTreeMap::new();
        for (n, span) in &around {
            if let Some(t) = team_of(cx, *n) {
                by_team.entry(t).or_default().push((*n, *span));
            }
        }
        let own = by_team.get(&mine).map_or(0, Vec::len);
        // The other team with the most neighbours; ties go to the first by id.
        let Some((other, list)) =
            by_team.iter().filter(|(t, _)| **t != mine).max_by_key(|(t, v)| (v.len(), std::cmp::Reverse(**t)))
        else {
            continue;
        };
        if list.len() < min || list.len() <= 2 * own {
            continue;
        }
        let mut d = cx.finding(
            &TIGHTLY_COUPLED_TEAMS,
            format!(
                "`{}` of team `{}` talks to {} of team `{}` and {} of its own",
                cx.name(c),
                cx.name(mine),
                count(list.len(), "component"),
                cx.name(*other),
                own
            ),
            cx.span_of(c),
            format!("coupled to team `{}`", cx.name(*other)),
            &[c, *other],
        );
        for (n, span) in list.iter().take(5) {
            d = d.with_secondary(*span, format!("`{}` of team `{}`", cx.name(*n), cx.name(*other)));
        }
        acc.push(d.with_help(format!(
            "consider moving `{}` to team `{}`, or redraw the boundary between the two teams",
            cx.name(c),
            cx.name(*other)
        )));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;

    /// The findings of one rule, as "message [subjects]"; the model must parse and resolve.
    fn findings(code: &str, text: &str) -> Vec<String> {
        let diags = check_source(text);
        let front: Vec<&String> = diags
            .iter()
            .filter(|d| d.code.id.starts_with("SYN") || d.code.id.starts_with("RES") || d.code.id == "HYG001")
            .map(|d| &d.message)
            .collect();
        assert!(front.is_empty() || code == "OWN001", "{front:?}");
        diags
            .into_iter()
            .filter(|d| d.code.id == code)
            .map(|d| format!("{} [{}]", d.message, d.subjects.join(",")))
            .collect()
    }

    #[test]
    fn owner_is_inherited_from_the_system_and_the_provider() {
        let text = "team t\nsystem shop { owner t }\ncomponent a { system shop exposes Api standalone }\ninterface Api rest\ndatastore db { system shop }\n";
        assert!(findings("OWN001", text).is_empty());
    }

    #[test]
    fn owner_missing_is_reported_once_at_the_system() {
        let text = "system shop\ncomponent a { system shop exposes Api standalone }\ncomponent b { system shop standalone }\ninterface Api rest\n";
        let f = findings("OWN001", text);
        assert_eq!(f, vec!["system `shop` has no owner [shop]"]);
        let d = check_source(text).into_iter().find(|d| d.code.id == "OWN001").unwrap();
        assert_eq!(d.notes, vec!["`a`, `b` and `Api` inherit the owner from it and have none either"]);
    }

    #[test]
    fn owner_missing_skips_interfaces_of_externals_and_dangling_owners() {
        let text = "external stripe { kind payment exposes StripeApi }\ninterface StripeApi rest\n";
        assert!(findings("OWN001", text).is_empty());
        let dangling = "component a { owner nobody standalone }\n";
        assert!(findings("OWN001", dangling).is_empty());
        assert!(check_source(dangling).iter().any(|d| d.code.id == "HYG001"));
    }

    #[test]
    fn owner_missing_suggests_the_only_team_using_a_store() {
        let text = "team t\ncomponent a { owner t uses db { access write } }\ndatastore db\n";
        let d = check_source(text).into_iter().find(|d| d.code.id == "OWN001").unwrap();
        assert_eq!(d.subjects, vec!["db"]);
        assert!(d.help.unwrap().contains("owner t"));
    }

    #[test]
    fn a_person_owner_counts_as_their_team() {
        let text = "team t\nperson ann { team t }\ncomponent a { owner ann uses db { access write } }\ndatastore db { owner t }\n";
        assert!(findings("OWN006", text).is_empty());
        assert_eq!(findings("OWN003", text), vec!["component `a` is owned by a person, `ann` [a,ann]"]);
    }

    #[test]
    fn shared_persistence_counts_teams_not_components_and_ignores_reads() {
        let same_team = "team t\ncomponent a { owner t uses db { access write } }\ncomponent b { owner t uses db }\ndatastore db { owner t }\n";
        assert!(findings("OWN005", same_team).is_empty());
        let reader = "team t\nteam u\ncomponent a { owner t uses db { access write } }\ncomponent b { owner u uses db { access read } }\ndatastore db { owner t }\n";
        assert!(findings("OWN005", reader).is_empty());
        assert_eq!(findings("OWN006", reader), vec!["`b` of team `u` reads datastore `db` of team `t` [b,db]"]);
        // A uses without access writes; a step writes only when it says so.
        let steps = "team t\nteam u\ncomponent a { owner t uses db }\ncomponent b { owner u }\ndatastore db\nflow f {\n  b -> db postgres-tls access write\n}\n";
        assert_eq!(findings("OWN005", steps), vec!["datastore `db` is written by 2 teams: `t` and `u` [db]"]);
        let read_step = "team t\nteam u\ncomponent a { owner t uses db }\ncomponent b { owner u }\ndatastore db\nflow f {\n  b -> db postgres-tls\n}\n";
        assert!(findings("OWN005", read_step).is_empty());
    }

    #[test]
    fn foreign_access_is_reported_once_per_pair_with_the_owner_inherited() {
        let text = "team t\nteam u\nsystem s { owner t }\ncomponent b {\n  owner u\n  uses db { access read }\n  uses db { access write }\n}\ndatastore db { system s }\n";
        assert_eq!(
            findings("OWN006", text),
            vec!["`b` of team `u` reads and writes datastore `db` of team `t` [b,db]"]
        );
    }

    #[test]
    fn sensitive_data_needs_a_system_of_record() {
        let text = "data Secret { credentials }\ndata Note { classification internal }\ndata Person {\n  owner t\n  field email: string pii\n}\nteam t\n";
        assert_eq!(findings("OWN004", text), vec!["credential data `Secret` has no system of record [Secret]"]);
    }

    #[test]
    fn component_without_system_needs_a_declared_system() {
        assert!(findings("OWN008", "component a { standalone }\n").is_empty());
    }

    #[test]
    fn single_component_teams_and_gateways_are_not_tightly_coupled() {
        let others = "team t\nteam u\ncomponent w { owner u }\ncomponent x { owner u }\ncomponent y { owner u }\ncomponent z { owner u }\n";
        let caller = |kind: &str, teammate: bool| {
            let mate = if teammate { "component h {\n  owner t\n  standalone\n}\n" } else { "" };
            format!("{others}{mate}component g {{\n  owner t\n  kind {kind}\n  uses w sync\n  uses x sync\n  uses y sync\n  uses z sync\n}}\n")
        };
        assert!(findings("OWN009", &caller("gateway", true)).is_empty());
        assert!(findings("OWN009", &caller("service", false)).is_empty());
        assert_eq!(
            findings("OWN009", &caller("service", true)),
            vec!["`g` of team `t` talks to 4 components of team `u` and 0 of its own [g,u]"]
        );
    }
}
