//! Judges custom rules over the facts. Each selector is matched against every element once
//! (a table of booleans); dependency rules then walk the dependency links once, and path rules
//! run one backwards breadth-first search from all targets, so a rule costs O(elements + links)
//! (name patterns with `$N` add one pattern match per link).

use std::collections::{BTreeSet, VecDeque};

use super::{matches_nothing, CustomRule, LinkFilter, RuleKind, Selector};
use crate::analysis::facts::{Link, LinkOrigin};
use crate::check::{shared, Ctx};
use crate::diagnostics::Diagnostic;
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;

/// Runs every custom rule that can be judged; returns its findings and the notes about
/// selectors that select nothing.
pub fn run(cx: &Ctx<'_>, rules: &[CustomRule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // A matrix that replaces CPL002's is applied by CPL002 itself.
    for rule in rules.iter().filter(|r| !r.unresolved && (r.kind != RuleKind::Layers || r.replaces.is_none())) {
        let mut tables = Vec::new();
        for s in [&rule.from, &rule.to, &rule.via, &rule.given].into_iter().flatten() {
            let table = select(cx, s);
            if !table.iter().any(|m| *m) {
                out.push(matches_nothing(rule, s, cx.model));
            }
            tables.push((s.role, table));
        }
        let table = |role: &str| tables.iter().find(|(r, _)| *r == role).map(|(_, t)| t.as_slice());
        let everything = vec![true; cx.model.elements.len()];
        let user = user_elements(cx);
        let from = table("from").unwrap_or(&user);
        match rule.kind {
            RuleKind::Forbidden | RuleKind::Allowed if rule.reachable => {
                forbidden_paths(cx, rule, from, table("to").unwrap_or(&everything), &mut out)
            }
            RuleKind::Forbidden | RuleKind::Allowed => {
                direct(cx, rule, from, table("to").unwrap_or(&everything), &mut out)
            }
            RuleKind::Required if rule.via.is_some() || rule.reachable => {
                required_paths(cx, rule, from, table("to").unwrap_or(&everything), table("via"), &mut out)
            }
            RuleKind::Required => required_direct(cx, rule, from, table("to").unwrap_or(&everything), &mut out),
            RuleKind::Assert => assert(cx, rule, table("given").unwrap_or(&user), &mut out),
            RuleKind::Layers => layers(cx, rule, &mut out),
        }
    }
    out
}

fn user_elements(cx: &Ctx<'_>) -> Vec<bool> {
    cx.model.elements.iter().map(|e| !e.from_std && e.kind != crate::syntax::schema::DeclKind::Rule).collect()
}

/// Which elements a selector selects, ignoring name patterns that use another's captures.
fn select(cx: &Ctx<'_>, s: &Selector) -> Vec<bool> {
    cx.model
        .iter()
        .map(|(id, e)| !e.from_std && e.kind != crate::syntax::schema::DeclKind::Rule && matches_static(cx, s, id))
        .collect()
}

fn matches_static(cx: &Ctx<'_>, s: &Selector, id: ElementId) -> bool {
    let Some(e) = cx.model.get(id) else { return false };
    let any_of =
        |want: &[String], have: Option<&str>| want.is_empty() || have.is_some_and(|h| want.iter().any(|w| w == h));
    if !s.is.is_empty() && !s.is.contains(&e.kind) {
        return false;
    }
    if !any_of(&s.kind, e.word("kind").or(e.variant.as_deref())) || !any_of(&s.layer, e.word("layer")) {
        return false;
    }
    if !s.tag.is_empty() {
        let tagged = e.attrs_named("tags").flat_map(|a| a.values()).any(|v| match &v.val {
            Val::Text(t) => s.tag.iter().any(|g| g == t),
            _ => false,
        });
        if !tagged {
            return false;
        }
    }
    if !s.zone.is_empty() {
        let mut chain = cx.facts.zone_of(id).map(|z| cx.zones.chain(z)).unwrap_or_default();
        if e.kind == crate::syntax::schema::DeclKind::Zone {
            // A zone is in the zones around it, not in itself.
            chain.retain(|z| *z != id);
        }
        if !chain.iter().any(|z| s.zone.contains(z)) {
            return false;
        }
    }
    if !s.system.is_empty() {
        let holder = cx.facts.provider.get(&id).copied().unwrap_or(id);
        let system = cx.model.get(holder).and_then(|h| h.reference("system"));
        if !system.is_some_and(|sys| s.system.contains(&sys)) {
            return false;
        }
    }
    if !s.team.is_empty() && !shared::team_of(cx, id).is_some_and(|t| s.team.contains(&t)) {
        return false;
    }
    for attr in &s.has {
        let present = match attr.as_str() {
            "owner" => cx.facts.owner_of(id).is_some(),
            "zone" => cx.facts.zone_of(id).is_some(),
            other => e.attr(other).is_some(),
        };
        if !present {
            return false;
        }
    }
    if let Some(min) = s.handles {
        let own = cx.classification(id).into_iter();
        let handled = cx.facts.handled(id).iter().filter_map(|d| cx.classification(*d));
        if !own.chain(handled).any(|c| c >= min) {
            return false;
        }
    }
    let name = cx.model.path_of(id);
    for (p, want) in [(&s.name, true), (&s.name_not, false)] {
        if let Some(p) = p.as_ref().filter(|p| p.max_capture_ref() == 0) {
            if p.matches(&name, &[]) != want {
                return false;
            }
        }
    }
    true
}

/// What the first selector's name pattern captured from `id`.
fn captures_of(cx: &Ctx<'_>, s: Option<&Selector>, id: ElementId) -> Vec<String> {
    s.and_then(|s| s.name.as_ref()).and_then(|p| p.captures(&cx.model.path_of(id), &[])).unwrap_or_default()
}

/// The second selector's patterns that use captures, checked with the first's captures.
fn matches_captures(cx: &Ctx<'_>, s: Option<&Selector>, id: ElementId, captures: &[String]) -> bool {
    let Some(s) = s else { return true };
    let name = cx.model.path_of(id);
    [(&s.name, true), (&s.name_not, false)].into_iter().all(|(p, want)| match p {
        Some(p) if p.max_capture_ref() > 0 => p.matches(&name, captures) == want,
        _ => true,
    })
}

fn link_counts(l: &Link, f: &LinkFilter) -> bool {
    if l.origin == LinkOrigin::Event {
        // A delivery runs from the publisher to the subscriber: not a dependency of the publisher.
        return false;
    }
    if f.is_async.is_some_and(|a| a != l.is_async) {
        return false;
    }
    if !f.protocols.is_empty() {
        let protocol = l.wire.as_ref().map(|w| w.protocol.word()).or(l.protocol.map(crate::lang::Protocol::word));
        if !protocol.is_some_and(|p| f.protocols.iter().any(|w| w == p)) {
            return false;
        }
    }
    true
}

fn dependency_links<'c>(cx: &'c Ctx<'_>, rule: &'c CustomRule) -> impl Iterator<Item = (usize, &'c Link)> + 'c {
    cx.facts.deps.links(cx.facts).filter(move |(_, l)| link_counts(l, &rule.link))
}

fn at(table: &[bool], id: ElementId) -> bool {
    table.get(id.0 as usize).copied().unwrap_or(false)
}

/// The finding's message: the rule's `message` with `{from}`, `{to}` and `{element}` filled in.
fn message(cx: &Ctx<'_>, rule: &CustomRule, default: String, from: ElementId, to: Option<ElementId>) -> String {
    match &rule.message {
        Some(m) => {
            // Names in backticks, as every finding quotes them (the report shows them as code).
            let to = to.map(|t| format!("`{}`", cx.name(t))).unwrap_or_default();
            let from = format!("`{}`", cx.name(from));
            m.replace("{from}", &from).replace("{element}", &from).replace("{to}", &to)
        }
        None => default,
    }
}

fn finding(
    cx: &Ctx<'_>,
    rule: &CustomRule,
    msg: String,
    span: Span,
    label: String,
    subjects: &[ElementId],
) -> Diagnostic {
    let d = Diagnostic::new(rule.code, msg, span, label)
        .with_subjects(subjects.iter().map(|s| cx.name(*s)))
        .with_secondary(rule.span, format!("rule `{}`", cx.model.name_of(rule.element)));
    if rule.explained {
        d.with_note(rule.summary.clone())
    } else {
        d
    }
}

/// `forbidden` (a link from `from` to `to` is a finding) and `allowed` (a link from `from` to
/// anything but `to` is a finding), over direct links, one finding per pair of elements.
fn direct(cx: &Ctx<'_>, rule: &CustomRule, from: &[bool], to: &[bool], out: &mut Vec<Diagnostic>) {
    let forbidden = rule.kind == RuleKind::Forbidden;
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in dependency_links(cx, rule) {
        if !at(from, l.from) {
            continue;
        }
        let captures = captures_of(cx, rule.from.as_ref(), l.from);
        let hits = at(to, l.to) && matches_captures(cx, rule.to.as_ref(), l.to, &captures);
        if hits != forbidden || !seen.insert((l.from, l.to)) {
            continue;
        }
        let (default, label, help) = if forbidden {
            (
                format!(
                    "`{}` depends on `{}`, which rule `{}` forbids",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.model.name_of(rule.element)
                ),
                "forbidden dependency".to_string(),
                "remove the link or route it through an element the rule allows",
            )
        } else {
            (
                format!(
                    "`{}` depends on `{}`, outside what rule `{}` allows",
                    cx.name(l.from),
                    cx.name(l.to),
                    cx.model.name_of(rule.element)
                ),
                "not allowed".to_string(),
                "depend only on elements the rule's `to` selects, or widen the rule",
            )
        };
        let msg = message(cx, rule, default, l.from, Some(l.to));
        out.push(
            finding(cx, rule, msg, l.span, label, &[l.from, l.to])
                .with_help(help)
                .with_note(format!("the rule selects {}", selectors(cx, rule))),
        );
    }
}

fn selectors(cx: &Ctx<'_>, rule: &CustomRule) -> String {
    [&rule.from, &rule.to, &rule.via, &rule.given, &rule.then]
        .into_iter()
        .flatten()
        .map(|s| s.describe(cx.model))
        .collect::<Vec<_>>()
        .join(", ")
}

/// For every element, one element of `targets` it reaches over one or more counted links, never
/// passing through an element of `barrier` on the way (`targets` themselves are passed through).
/// One breadth-first search backwards from all targets at once.
fn reaching(cx: &Ctx<'_>, rule: &CustomRule, targets: &[bool], barrier: Option<&[bool]>) -> Vec<Option<ElementId>> {
    let n = cx.model.elements.len();
    let mut witness: Vec<Option<ElementId>> = vec![None; n];
    let mut expanded_to: Vec<Option<ElementId>> = vec![None; n];
    let mut queue = VecDeque::new();
    for (i, t) in targets.iter().enumerate() {
        if *t {
            let id = ElementId(i as u32);
            expanded_to[i] = Some(id);
            queue.push_back(id);
        }
    }
    while let Some(v) = queue.pop_front() {
        let target = expanded_to[v.0 as usize];
        for &li in cx.facts.incoming.list(v.0 as usize) {
            let Some(l) = cx.facts.links.get(li) else { continue };
            if !cx.facts.deps.is_dependency(li) || l.from == l.to || !link_counts(l, &rule.link) {
                continue;
            }
            let p = l.from.0 as usize;
            if witness[p].is_none() {
                witness[p] = target;
            }
            let blocked = barrier.is_some_and(|b| b.get(p).copied().unwrap_or(false));
            if expanded_to[p].is_none() && !blocked {
                expanded_to[p] = target;
                queue.push_back(l.from);
            }
        }
    }
    witness
}

/// `forbidden` with `reachable`: no path from `from` to `to`.
fn forbidden_paths(cx: &Ctx<'_>, rule: &CustomRule, from: &[bool], to: &[bool], out: &mut Vec<Diagnostic>) {
    let witness = reaching(cx, rule, to, None);
    for (i, w) in witness.iter().enumerate() {
        let (Some(t), true) = (w, from.get(i).copied().unwrap_or(false)) else { continue };
        let f = ElementId(i as u32);
        let default = format!(
            "`{}` reaches `{}`, which rule `{}` forbids",
            cx.name(f),
            cx.name(*t),
            cx.model.name_of(rule.element)
        );
        let msg = message(cx, rule, default, f, Some(*t));
        out.push(
            finding(cx, rule, msg, cx.span_of(f), "forbidden path starts here".into(), &[f, *t])
                .with_help("break the chain of links, or route it through elements the rule does not select")
                .with_note(format!("the rule selects {}", selectors(cx, rule))),
        );
    }
}

/// `required` over direct links: each `from` element links to some `to` element.
fn required_direct(cx: &Ctx<'_>, rule: &CustomRule, from: &[bool], to: &[bool], out: &mut Vec<Diagnostic>) {
    let mut satisfied = vec![false; cx.model.elements.len()];
    for (_, l) in dependency_links(cx, rule) {
        if at(from, l.from) && at(to, l.to) {
            let captures = captures_of(cx, rule.from.as_ref(), l.from);
            if matches_captures(cx, rule.to.as_ref(), l.to, &captures) {
                satisfied[l.from.0 as usize] = true;
            }
        }
    }
    for (i, ok) in satisfied.iter().enumerate() {
        if *ok || !from[i] {
            continue;
        }
        let f = ElementId(i as u32);
        let target = rule.to.as_ref().map(|s| s.describe(cx.model)).unwrap_or_default();
        let default =
            format!("`{}` has no dependency that rule `{}` requires", cx.name(f), cx.model.name_of(rule.element));
        let msg = message(cx, rule, default, f, None);
        out.push(
            finding(cx, rule, msg, cx.span_of(f), "required dependency missing".into(), &[f])
                .with_help(format!("add a `uses` of an element matching {target}")),
        );
    }
}

/// `required` with `reachable` (each `from` element reaches a `to` element) or with `via`
/// (no path from `from` to `to` avoids every `via` element).
fn required_paths(
    cx: &Ctx<'_>,
    rule: &CustomRule,
    from: &[bool],
    to: &[bool],
    via: Option<&[bool]>,
    out: &mut Vec<Diagnostic>,
) {
    let witness = reaching(cx, rule, to, via);
    for (i, w) in witness.iter().enumerate() {
        if !from[i] {
            continue;
        }
        let f = ElementId(i as u32);
        match (via, w) {
            (Some(_), Some(t)) => {
                let gate = rule.via.as_ref().map(|s| s.describe(cx.model)).unwrap_or_default();
                let default = format!(
                    "`{}` reaches `{}` without passing an element that rule `{}` requires on the way",
                    cx.name(f),
                    cx.name(*t),
                    cx.model.name_of(rule.element)
                );
                let msg = message(cx, rule, default, f, Some(*t));
                out.push(
                    finding(cx, rule, msg, cx.span_of(f), "path avoids the required element".into(), &[f, *t])
                        .with_help(format!("route the path through an element matching {gate}")),
                );
            }
            (None, None) => {
                let target = rule.to.as_ref().map(|s| s.describe(cx.model)).unwrap_or_default();
                let default = format!(
                    "`{}` does not reach an element that rule `{}` requires",
                    cx.name(f),
                    cx.model.name_of(rule.element)
                );
                let msg = message(cx, rule, default, f, None);
                out.push(
                    finding(cx, rule, msg, cx.span_of(f), "required element not reached".into(), &[f])
                        .with_help(format!("add the links that lead it to an element matching {target}")),
                );
            }
            _ => {}
        }
    }
}

/// `assert`: every `given` element matches `then`.
fn assert(cx: &Ctx<'_>, rule: &CustomRule, given: &[bool], out: &mut Vec<Diagnostic>) {
    let Some(then) = &rule.then else { return };
    for (i, g) in given.iter().enumerate() {
        let id = ElementId(i as u32);
        if !*g {
            continue;
        }
        if matches_static(cx, then, id) {
            continue;
        }
        let what = then.describe(cx.model);
        let default =
            format!("`{}` does not match {what}, as rule `{}` requires", cx.name(id), cx.model.name_of(rule.element));
        let msg = message(cx, rule, default, id, None);
        out.push(
            finding(cx, rule, msg, cx.span_of(id), "assertion fails".into(), &[id])
                .with_help(format!("make it match {what}, or accept the finding with a reason")),
        );
    }
}

/// `layers`: a link between two layered elements whose layers the matrix does not allow. A
/// layer may always depend on itself.
fn layers(cx: &Ctx<'_>, rule: &CustomRule, out: &mut Vec<Diagnostic>) {
    let layer = |id: ElementId| cx.model.get(id).filter(|e| !e.from_std).and_then(|e| e.word("layer"));
    let mut seen: BTreeSet<(ElementId, ElementId)> = BTreeSet::new();
    for (_, l) in dependency_links(cx, rule) {
        let (Some(a), Some(b)) = (layer(l.from), layer(l.to)) else { continue };
        if a == b || rule.allow.get(a).is_some_and(|ok| ok.contains(b)) || !seen.insert((l.from, l.to)) {
            continue;
        }
        let allowed = rule.allow.get(a).map(|v| v.iter().cloned().collect::<Vec<_>>().join(", "));
        let default = format!(
            "`{}` ({a}) depends on `{}` ({b}), which rule `{}` does not allow",
            cx.name(l.from),
            cx.name(l.to),
            cx.model.name_of(rule.element)
        );
        let msg = message(cx, rule, default, l.from, Some(l.to));
        out.push(
            finding(cx, rule, msg, l.span, format!("{a} may not depend on {b}"), &[l.from, l.to])
                .with_secondary(cx.span_of(l.to), format!("layer {b}"))
                .with_help(match allowed {
                    Some(list) => format!("{a} may depend on {list}; route the call through one of those layers"),
                    None => format!("the rule lets {a} depend on nothing but itself; add `allow {a} {b}` if it should"),
                }),
        );
    }
}
