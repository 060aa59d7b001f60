//! What every section builder reads: the model, the sources (for file:line), the findings, the
//! holes, a few indexes computed once, and helpers that turn values into document inlines.

use std::collections::{BTreeMap, BTreeSet};

use super::doc::{self, Block, Inline, Rich};
use super::DiagramInput;
use crate::analysis::facts::{self as derived, Facts, Link, LinkOrigin, Transit, WireSource};
use crate::diagnostics::Diagnostic;
use crate::semantic::model::{Attribute, Element, ElementId, Model, Val, Value};
use crate::source::{ColumnUnit, FileId, SourceMap, Span, TextRange};
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

/// A `?` still to be filled.
#[derive(Clone, Debug)]
pub struct Hole {
    pub element: ElementId,
    pub kind: DeclKind,
    /// The attribute (`contingency`), `uses target.timeout` for block attributes, `step 2.latency`.
    pub attribute: String,
    /// The top-level attribute name, for section filters.
    pub top: String,
    pub location: String,
}

/// One dependency edge: a `uses` attribute of a component.
#[derive(Clone, Debug)]
pub struct Use<'m> {
    pub from: ElementId,
    pub target: ElementId,
    pub mode: Option<&'m str>,
    pub attr: &'m Attribute,
    /// The file `attr` is written in, its component's.
    pub file: FileId,
}

impl Use<'_> {
    pub fn block_value(&self, name: &str) -> Option<&Value> {
        self.attr.block.iter().find(|a| a.name() == name).and_then(|a| a.first())
    }

    pub fn has(&self, name: &str) -> bool {
        self.attr.block.iter().any(|a| a.name() == name)
    }
}

/// What ends the comment `archc fill` writes after a value it suggested.
pub const SUGGESTED_MARK: &str = "(archc fill)";

pub struct Ctx<'m> {
    pub model: &'m Model,
    pub sources: &'m SourceMap,
    pub findings: &'m [Diagnostic],
    pub diagrams: &'m [DiagramInput],
    pub holes: Vec<Hole>,
    /// Path -> element, for every element (std ones too), to link finding subjects.
    pub paths: BTreeMap<String, ElementId>,
    /// Every `uses`, in declaration order.
    pub uses: Vec<Use<'m>>,
    /// Provider of each interface: `provider`, else the component or external that exposes it.
    pub provider: BTreeMap<ElementId, ElementId>,
    /// Components that declare `owns` for each data element.
    pub data_owners: BTreeMap<ElementId, Vec<ElementId>>,
    /// The analysis facts: links with their transit, holes.
    pub facts: &'m Facts,
}

impl<'m> Ctx<'m> {
    pub fn new(
        model: &'m Model,
        facts: &'m Facts,
        sources: &'m SourceMap,
        findings: &'m [Diagnostic],
        diagrams: &'m [DiagramInput],
    ) -> Self {
        let mut paths = BTreeMap::new();
        for (id, _) in model.iter() {
            paths.entry(model.path_of(id)).or_insert(id);
        }
        let mut uses = Vec::new();
        for (id, e) in model.iter().filter(|(_, e)| !e.from_std && e.kind == DeclKind::Component) {
            for a in e.attrs_named("uses") {
                let Some(Val::Ref(target)) = a.first().map(|v| &v.val) else { continue };
                let mode = a.args.get(1).and_then(|v| v.first()).and_then(|v| match &v.val {
                    Val::Word(w) => Some(w.as_str()),
                    _ => None,
                });
                uses.push(Use { from: id, target: *target, mode, attr: a, file: e.file });
            }
        }
        let provider = facts.provider.clone();
        let data_owners = facts.owners_of_data.clone();
        let mut ctx =
            Ctx { model, sources, findings, diagrams, holes: Vec::new(), paths, uses, provider, data_owners, facts };
        ctx.holes = ctx.collect_holes();
        ctx
    }

    pub fn el(&self, id: ElementId) -> &'m Element {
        &self.model.elements[id.0 as usize]
    }

    /// User-declared elements of a kind, in declaration order.
    pub fn of(&self, kind: DeclKind) -> Vec<(ElementId, &'m Element)> {
        self.model.of_kind(kind).collect()
    }

    pub fn count(&self, kind: DeclKind) -> usize {
        self.model.of_kind(kind).count()
    }

    /// The anchor id of an element.
    pub fn anchor(&self, id: ElementId) -> String {
        format!("el-{}", self.model.path_of(id))
    }

    pub fn link(&self, id: ElementId) -> Inline {
        let e = self.el(id);
        Inline::Link { text: e.title().to_string(), href: format!("#{}", self.anchor(id)), code: false }
    }

    /// A link as a rich run.
    pub fn link_r(&self, id: ElementId) -> Rich {
        vec![self.link(id)]
    }

    /// Links to several elements, comma separated; `none` when empty.
    pub fn links(&self, ids: &[ElementId]) -> Rich {
        if ids.is_empty() {
            return doc::plain("none");
        }
        doc::join(ids.iter().map(|i| self.link_r(*i)).collect(), ", ")
    }

    /// "Title (`name`)" when the element has a label, else "`name`".
    pub fn heading_text(&self, id: ElementId) -> String {
        let e = self.el(id);
        match &e.label {
            Some(l) => format!("{l} ({})", e.name),
            None => e.name.to_string(),
        }
    }

    pub fn loc(&self, span: Span) -> String {
        let Some(f) = self.sources.get(span.file) else { return "?".into() };
        let lc = f.line_index.line_col(&f.text, span.start as usize, ColumnUnit::Char);
        format!("{}:{}", f.name, lc.line + 1)
    }

    /// A value as inlines: references link, holes say where they are, and values `archc fill`
    /// suggested say so until a reviewer removes the comment. `file` is the one it is written in
    /// (its element's), since values keep only their range.
    pub fn val(&self, v: &Value, file: FileId) -> Rich {
        let mut out = self.bare_val(v, file);
        if self.suggested(v.span_in(file)) {
            out.push(doc::text(" "));
            out.push(Inline::Em("(suggested, not reviewed)".into()));
        }
        out
    }

    /// Whether the line of the value ends in the comment `archc fill` writes after a value.
    fn suggested(&self, span: Span) -> bool {
        let Some(f) = self.sources.get(span.file) else { return false };
        let rest = f.text.get(span.end as usize..).unwrap_or("");
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        line.find("//").is_some_and(|c| line[c..].contains(SUGGESTED_MARK))
    }

    fn bare_val(&self, v: &Value, file: FileId) -> Rich {
        match &v.val {
            Val::Ref(id) => self.link_r(*id),
            Val::Unresolved(n) => vec![doc::code(n.clone()), doc::text(" (unresolved)")],
            // Architects mark code in prose with backticks, as in Markdown.
            Val::Text(t) if t.matches('`').count() % 2 == 0 => doc::ticks(t),
            Val::Text(t) => doc::plain(t.clone()),
            Val::Lit(l) => doc::plain(lit(l)),
            Val::Word(w) => doc::plain(w.clone()),
            Val::Bool(b) => doc::plain(if *b { "yes" } else { "no" }),
            Val::Hole => self.hole_r(v.span_in(file)),
        }
    }

    pub fn hole_r(&self, span: Span) -> Rich {
        vec![
            Inline::Em("to be filled".into()),
            doc::text(" ("),
            doc::code("?"),
            doc::text(format!(" at {})", self.loc(span))),
        ]
    }

    /// All values of an attribute (across repetitions), comma separated; `None` when absent.
    pub fn attr(&self, e: &Element, name: &str) -> Option<Rich> {
        let vals: Vec<&Value> = e.attrs_named(name).flat_map(|a| a.values()).collect();
        if vals.is_empty() {
            return if e.has_flag(name) { Some(doc::plain("yes")) } else { None };
        }
        Some(doc::join(vals.iter().map(|v| self.val(v, e.file)).collect(), ", "))
    }

    /// An attribute's values, or "not stated".
    /// `Label: value` items for those of `attrs` (attribute, label) the element states.
    pub fn stated_facts(&self, e: &Element, attrs: &[(&str, &str)]) -> Vec<doc::Item> {
        attrs.iter().filter_map(|(attr, label)| self.attr(e, attr).map(|v| doc::fact_item(label, v))).collect()
    }

    pub fn attr_or(&self, e: &Element, name: &str) -> Rich {
        self.attr(e, name).unwrap_or_else(|| doc::plain(NOT_STATED))
    }

    /// The values of a repeatable attribute, one entry each.
    pub fn each(&self, e: &Element, name: &str) -> Vec<Rich> {
        e.attrs_named(name).flat_map(|a| a.values()).map(|v| self.val(v, e.file)).collect()
    }

    /// The text of a technology value: a catalogue entry's title or the free text.
    pub fn tech_label(&self, v: &Value) -> Option<String> {
        match &v.val {
            Val::Ref(id) => Some(self.el(*id).title().to_string()),
            Val::Text(t) => Some(t.to_string()),
            Val::Word(w) => Some(w.to_string()),
            _ => None,
        }
    }

    /// The step latency in nanoseconds: the bare duration or the `latency` option.
    pub fn step_latency(&self, s: &crate::semantic::model::Step) -> StepLatency {
        if let Some(Literal::Duration(ns)) = s.latency {
            return StepLatency::Known(ns);
        }
        match s.options.iter().find(|a| a.name() == "latency").and_then(|a| a.first()) {
            Some(Value { val: Val::Lit(Literal::Duration(ns)), .. }) => StepLatency::Known(*ns),
            Some(Value { val: Val::Hole, span }) => StepLatency::Hole(*span),
            _ => StepLatency::Unknown,
        }
    }

    /// The holes matching a filter, as a table block (or nothing).
    pub fn holes_table(&self, filter: impl Fn(&Hole) -> bool) -> Option<Block> {
        let rows: Vec<Vec<Rich>> = self
            .holes
            .iter()
            .filter(|h| filter(h))
            .map(|h| {
                vec![
                    self.link_r(h.element),
                    doc::plain(h.kind.keyword()),
                    vec![doc::code(h.attribute.clone())],
                    doc::plain(h.location.clone()),
                ]
            })
            .collect();
        if rows.is_empty() {
            return None;
        }
        Some(Block::Table { head: vec!["Element".into(), "Kind".into(), "Attribute".into(), "Location".into()], rows })
    }

    /// The holes of the analysis facts, named for the report.
    fn collect_holes(&self) -> Vec<Hole> {
        let mut out = Vec::new();
        for h in &self.facts.holes {
            let e = self.el(h.element);
            let (attribute, top) = match &h.place {
                derived::HolePlace::Attr { attr, path } => {
                    let a = &e.attrs()[*attr];
                    let head = match (a.name(), a.first().map(|v| &v.val)) {
                        ("uses", Some(Val::Ref(t))) if path.len() > 1 => format!("uses {}", self.model.path_of(*t)),
                        _ => a.name().to_string(),
                    };
                    let mut name = head;
                    for p in path.iter().skip(1) {
                        name.push('.');
                        name.push_str(p);
                    }
                    (name, a.name().to_string())
                }
                derived::HolePlace::StepEnd { step, to } => {
                    (format!("step {} {}", step + 1, if *to { "target" } else { "source" }), "step".to_string())
                }
                derived::HolePlace::StepOption { step, path } => (
                    format!("step {}.{}", step + 1, path.join(".")),
                    path.first().copied().unwrap_or("step").to_string(),
                ),
                derived::HolePlace::Endpoint { endpoint, option } => {
                    let ep = &e.endpoints[*endpoint];
                    match option {
                        Some(o) => (format!("{} {}.{o}", ep.method, ep.target), o.to_string()),
                        None => (format!("{} {}", ep.method, ep.target), "endpoint".to_string()),
                    }
                }
            };
            out.push(Hole { element: h.element, kind: e.kind, attribute, top, location: self.loc(h.span) });
        }
        out
    }

    /// The link of step `index` (0-based) of a flow, when both its ends resolve.
    pub fn step_link(&self, flow: ElementId, index: usize) -> Option<&Link> {
        self.facts.links.iter().find(|l| l.origin == LinkOrigin::Step { flow, index })
    }

    /// The link of a `uses`.
    pub fn use_link(&self, u: &Use<'_>) -> Option<&Link> {
        self.facts.out(u.from).find(|l| l.origin == LinkOrigin::Uses && l.span == u.attr.span_in(u.file))
    }

    /// Encryption in transit of a link as the rules judge it; `shown` is the protocol as written.
    pub fn link_transit(&self, link: Option<&Link>, shown: Option<&str>) -> String {
        let Some(l) = link else { return NOT_STATED.into() };
        let protocol = match &l.wire {
            Some(w) if w.source == WireSource::Declared => Some(shown.unwrap_or(w.protocol.word()).to_string()),
            Some(w) => Some(format!("{}, inferred", w.protocol)),
            None => None,
        };
        let declared = l.encrypted.is_some();
        match (l.transit, protocol, declared) {
            (Transit::Local, Some(p), _) => format!("local ({p})"),
            (Transit::Local, None, _) => "local".into(),
            (Transit::Encrypted, Some(p), true) => format!("yes ({p}, declared)"),
            (Transit::Encrypted, None, _) => "yes (declared)".into(),
            (Transit::Encrypted, Some(p), false) => format!("yes ({p})"),
            (Transit::Plaintext, Some(p), true) => format!("no ({p}, declared)"),
            (Transit::Plaintext, None, _) => "no (declared)".into(),
            (Transit::Plaintext, Some(p), false) => format!("no ({p})"),
            (Transit::Unknown, _, _) => NOT_STATED.into(),
        }
    }

    /// Diagrams whose name matches a predicate, in their given order.
    pub fn diagrams_where(&self, pred: impl Fn(&str) -> bool) -> Vec<&'m DiagramInput> {
        self.diagrams.iter().filter(|d| pred(&d.name)).collect()
    }

    /// Interfaces exposed by an element (`exposes` and interfaces naming it as provider).
    pub fn interfaces_of(&self, id: ElementId) -> Vec<ElementId> {
        let mut out: Vec<ElementId> = self.el(id).references("exposes").collect();
        for (i, p) in &self.provider {
            if *p == id && !out.contains(i) {
                out.push(*i);
            }
        }
        out
    }

    /// The element a dependency reaches: an interface stands for its provider.
    pub fn reach(&self, id: ElementId) -> ElementId {
        match self.el(id).kind {
            DeclKind::Interface => self.provider.get(&id).copied().unwrap_or(id),
            _ => id,
        }
    }

    /// Every technology label used by the runnable elements, with the elements using it.
    pub fn tech_usage(&self) -> BTreeMap<String, (Option<ElementId>, Vec<ElementId>)> {
        let mut out: BTreeMap<String, (Option<ElementId>, Vec<ElementId>)> = BTreeMap::new();
        for (id, e) in self.model.iter().filter(|(_, e)| !e.from_std) {
            if !matches!(
                e.kind,
                DeclKind::Component
                    | DeclKind::Datastore
                    | DeclKind::Queue
                    | DeclKind::Topic
                    | DeclKind::Cache
                    | DeclKind::External
                    | DeclKind::Node
                    | DeclKind::Observability
            ) {
                continue;
            }
            for v in e.attrs_named("tech").flat_map(|a| a.values()) {
                if let Some(label) = self.tech_label(v) {
                    let tech = match v.val {
                        Val::Ref(t) => Some(t),
                        _ => None,
                    };
                    let entry = out.entry(label).or_insert((tech, Vec::new()));
                    if !entry.1.contains(&id) {
                        entry.1.push(id);
                    }
                }
            }
        }
        out
    }

    /// Encryption at rest of a store: explicit, else the technology's default.
    pub fn at_rest(&self, e: &Element) -> Rich {
        match e.attr("encrypted-at-rest").and_then(|a| a.first()) {
            Some(v @ Value { val: Val::Hole, .. }) => return self.val(v, e.file),
            Some(Value { val: Val::Bool(b), .. }) => return doc::plain(if *b { "yes" } else { "no" }),
            _ => {}
        }
        match e.reference("tech") {
            Some(t) if self.el(t).has_flag("encrypts-at-rest") => {
                doc::plain(format!("yes (default of {})", self.el(t).title()))
            }
            Some(t) => doc::plain(format!("no ({} does not encrypt by default)", self.el(t).title())),
            None => doc::plain(NOT_STATED),
        }
    }

    /// Elements whose name a finding subject denotes.
    pub fn subject(&self, path: &str) -> Option<ElementId> {
        self.paths.get(path).copied()
    }

    /// Distinct elements, in first-seen order.
    pub fn dedup(ids: impl IntoIterator<Item = ElementId>) -> Vec<ElementId> {
        let mut seen = BTreeSet::new();
        ids.into_iter().filter(|i| seen.insert(*i)).collect()
    }
}

pub enum StepLatency {
    Known(u64),
    /// Where the `?` is, in the flow's file.
    Hole(TextRange),
    Unknown,
}

pub const NOT_STATED: &str = "not stated";

/// A literal for prose: counts as 10K, rates without trailing zeros.
pub fn lit(l: &Literal) -> String {
    match l {
        Literal::Count(n) => count(*n),
        Literal::Rate(r) => format!("{}/s", num(*r)),
        Literal::Percent(p) => format!("{}%", num(*p)),
        Literal::Size(b) => size(*b),
        other => other.to_string(),
    }
}

/// Bytes in the largest unit that divides them: 1 GiB, 512 MB.
pub fn size(b: u64) -> String {
    for (unit, name) in [(1u64 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if b >= unit && b % unit == 0 && b % (unit / 1024 * 1000) != 0 {
            return format!("{}{name}", b / unit);
        }
    }
    Literal::Size(b).to_string()
}

/// 10000 -> 10K, 1500000 -> 1.5M, 1234 -> 1234.
pub fn count(n: u64) -> String {
    for (size, unit) in [(1_000_000_000u64, "G"), (1_000_000, "M"), (1_000, "K")] {
        if n >= size && (n * 10) % size == 0 {
            return format!("{}{unit}", num(n as f64 / size as f64));
        }
    }
    n.to_string()
}

/// A number without needless decimals.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A duration in nanoseconds for prose.
pub fn dur(ns: u64) -> String {
    if ns % 1_000_000 == 0 && ns < 10_000_000_000 {
        return format!("{}ms", ns / 1_000_000);
    }
    Literal::Duration(ns).to_string()
}

/// "1 component", "3 components".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(count(10_000), "10K");
        assert_eq!(count(1_500_000), "1.5M");
        assert_eq!(count(1234), "1234");
        assert_eq!(num(99.9), "99.9");
        assert_eq!(num(200.0), "200");
        assert_eq!(dur(300_000_000), "300ms");
        assert_eq!(size(1 << 30), "1GiB");
        assert_eq!(size(512_000_000), "512MB");
    }
}
