//! Teams' own rules, declared in the model as `rule NAME KIND { ... }`: dependency rules
//! (`forbidden`, `allowed`, `required`, with `reachable` and `via` path conditions), assertions
//! (`assert`: given / then) and a layer matrix (`layers`). `compile` reads the declarations into
//! [`CustomRule`]s and reports malformed ones (RUL001); `eval` judges them over the facts.
//!
//! A custom rule's code is its declared name (`no_cross_context`). Built-in codes are letters
//! followed by three digits and built-in names contain a hyphen, which an identifier cannot, so
//! the two never clash; a rule named like a code (`ABC123`) is refused.

mod eval;
pub mod pattern;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{LazyLock, Mutex};

use crate::diagnostics::codes::{CUSTOM_RULE_MATCHES_NOTHING, INVALID_CUSTOM_RULE};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::lang::Classification;
use crate::semantic::model::{Attribute, Element, ElementId, Model, Val};
use crate::source::{FileId, Span};
use crate::syntax::schema::DeclKind;

pub use eval::run;
use pattern::Pattern;

/// What a custom rule checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A link (or, with `reachable`, a path) from `from` to `to` is a finding.
    Forbidden,
    /// A link from `from` to anything but `to` is a finding.
    Allowed,
    /// Each `from` element must link to (or reach) a `to` element; with `via`, every path from
    /// `from` to `to` must pass a `via` element.
    Required,
    /// Every `given` element must match `then`.
    Assert,
    /// Links between layers not listed by `allow` are findings.
    Layers,
}

impl RuleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Forbidden => "forbidden",
            RuleKind::Allowed => "allowed",
            RuleKind::Required => "required",
            RuleKind::Assert => "assert",
            RuleKind::Layers => "layers",
        }
    }

    fn parse(word: &str) -> Option<RuleKind> {
        Some(match word {
            "forbidden" => RuleKind::Forbidden,
            "allowed" => RuleKind::Allowed,
            "required" => RuleKind::Required,
            "assert" => RuleKind::Assert,
            "layers" => RuleKind::Layers,
            _ => return None,
        })
    }

    /// The `summary` of findings' codes: static, so that a code stays `Copy`.
    fn code_summary(self) -> &'static str {
        match self {
            RuleKind::Forbidden => "A custom rule declared in the model: a forbidden dependency.",
            RuleKind::Allowed => "A custom rule declared in the model: a dependency outside the allowed ones.",
            RuleKind::Required => "A custom rule declared in the model: a required dependency.",
            RuleKind::Assert => "A custom rule declared in the model: an assertion about elements.",
            RuleKind::Layers => "A custom rule declared in the model: a layer matrix.",
        }
    }

    /// Attributes this kind of rule reads; any other rule attribute is an error.
    fn reads(self) -> &'static [&'static str] {
        match self {
            RuleKind::Forbidden => &["from", "to", "reachable", "link"],
            RuleKind::Allowed => &["from", "to", "link"],
            RuleKind::Required => &["from", "to", "via", "reachable", "link"],
            RuleKind::Assert => &["given", "then"],
            RuleKind::Layers => &["allow", "link"],
        }
    }

    fn needs(self) -> &'static [&'static str] {
        match self {
            RuleKind::Forbidden | RuleKind::Allowed => &["to"],
            RuleKind::Required => &["from", "to"],
            RuleKind::Assert => &["then"],
            RuleKind::Layers => &["allow"],
        }
    }
}

/// One selector block: every key narrows, several values of a key are alternatives.
#[derive(Clone, Debug)]
pub struct Selector {
    /// The selector's attribute (`from { ... }`), for diagnostics.
    pub span: Span,
    pub role: &'static str,
    pub is: Vec<DeclKind>,
    pub kind: Vec<String>,
    pub tag: Vec<String>,
    pub zone: Vec<ElementId>,
    pub layer: Vec<String>,
    pub system: Vec<ElementId>,
    pub team: Vec<ElementId>,
    pub name: Option<Pattern>,
    pub name_not: Option<Pattern>,
    pub has: Vec<String>,
    /// Lowest classification rank of the data handled.
    pub handles: Option<usize>,
}

impl Selector {
    /// The selector refers to the captures of another (`$1`).
    pub fn uses_captures(&self) -> bool {
        [&self.name, &self.name_not].into_iter().flatten().any(|p| p.max_capture_ref() > 0)
    }

    /// A short description for messages: `from { is component zone pci }`.
    pub fn describe(&self, model: &Model) -> String {
        let mut parts = Vec::new();
        let names = |ids: &[ElementId]| ids.iter().map(|i| model.path_of(*i)).collect::<Vec<_>>().join(", ");
        if !self.is.is_empty() {
            parts.push(format!("is {}", self.is.iter().map(|k| k.keyword()).collect::<Vec<_>>().join(", ")));
        }
        let mut words = |key: &str, v: &[String]| {
            if !v.is_empty() {
                parts.push(format!("{key} {}", v.join(", ")));
            }
        };
        words("kind", &self.kind);
        let tags: Vec<String> = self.tag.iter().map(|t| format!("\"{t}\"")).collect();
        words("tag", &tags);
        words("layer", &self.layer);
        words("has", &self.has);
        for (key, ids) in [("zone", &self.zone), ("system", &self.system), ("team", &self.team)] {
            if !ids.is_empty() {
                parts.push(format!("{key} {}", names(ids)));
            }
        }
        if let Some(p) = &self.name {
            parts.push(format!("name \"{}\"", p.text()));
        }
        if let Some(p) = &self.name_not {
            parts.push(format!("name-not \"{}\"", p.text()));
        }
        if let Some(h) = self.handles {
            parts.push(format!("handles {}", Classification::WORDS.get(h).copied().unwrap_or("?")));
        }
        format!("{} {{ {} }}", self.role, parts.join(" "))
    }
}

/// Conditions on the links a dependency rule or a layer matrix judges.
#[derive(Clone, Debug, Default)]
pub struct LinkFilter {
    /// `Some(true)`: only asynchronous links.
    pub is_async: Option<bool>,
    pub protocols: Vec<String>,
}

/// A custom rule read from a `rule` declaration.
#[derive(Clone, Debug)]
pub struct CustomRule {
    /// The `rule` element.
    pub element: ElementId,
    pub code: Code,
    pub kind: RuleKind,
    /// `summary`, else `message`, else a description of the rule.
    pub summary: String,
    /// The rule's author wrote the `summary` (findings then carry it as a note).
    pub explained: bool,
    pub message: Option<String>,
    pub from: Option<Selector>,
    pub to: Option<Selector>,
    pub via: Option<Selector>,
    pub given: Option<Selector>,
    pub then: Option<Selector>,
    pub reachable: bool,
    pub link: LinkFilter,
    /// `layers`: what each layer may depend on besides itself.
    pub allow: BTreeMap<String, BTreeSet<String>>,
    /// Some reference in the rule did not resolve (already reported): the rule is not judged.
    pub unresolved: bool,
    /// The code of the built-in rule whose defaults it replaces (`CPL003`); its findings carry
    /// that code.
    pub replaces: Option<&'static str>,
    pub span: Span,
}

impl CustomRule {
    /// The rule as text for `archc explain` and SARIF help: its declaration's source.
    pub fn describe(&self, model: &Model) -> String {
        let mut lines = vec![format!("rule {} {}", model.name_of(self.element), self.kind.as_str())];
        if let Some(code) = self.replaces {
            lines.push(format!("  replaces {} ({code})", self.code.name));
        }
        for s in [&self.from, &self.to, &self.via, &self.given, &self.then].into_iter().flatten() {
            lines.push(format!("  {}", s.describe(model)));
        }
        if self.reachable {
            lines.push("  reachable".into());
        }
        if self.link.is_async.is_some() || !self.link.protocols.is_empty() {
            let mut l = String::from("  link {");
            if let Some(a) = self.link.is_async {
                l.push_str(if a { " mode async" } else { " mode sync" });
            }
            if !self.link.protocols.is_empty() {
                l.push_str(&format!(" protocol {}", self.link.protocols.join(", ")));
            }
            lines.push(l + " }");
        }
        for (a, bs) in &self.allow {
            lines.push(format!("  allow {a} {}", bs.iter().cloned().collect::<Vec<_>>().join(", ")));
        }
        lines.join("\n")
    }
}

/// Strings made `'static` once per distinct value, so that a custom rule's code is a `Code` like
/// any other. Rule names are few; a long-running language server keeps each name it ever saw.
fn intern(s: &str) -> &'static str {
    static POOL: LazyLock<Mutex<BTreeSet<&'static str>>> = LazyLock::new(|| Mutex::new(BTreeSet::new()));
    let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = pool.get(s) {
        return found;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    pool.insert(leaked);
    leaked
}

/// A name shaped like a built-in code (`SEC001`, `abc12`): refused so that codes never clash.
fn looks_like_code(name: &str) -> bool {
    let letters = name.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters > 0 && letters < name.len() && name.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// The custom rules of a model, without diagnostics (for `archc rules`, `explain`, SARIF).
pub fn rules_of(model: &Model) -> Vec<CustomRule> {
    compile(model).0
}

/// Reads every user `rule` declaration; returns the rules that can be judged and the RUL001
/// errors of those that cannot.
pub fn compile(model: &Model) -> (Vec<CustomRule>, Vec<Diagnostic>) {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (id, e) in model.of_kind(DeclKind::Rule) {
        if let Some(r) = compile_one(id, e, &mut errors) {
            rules.push(r);
        }
    }
    (rules, errors)
}

fn invalid(span: Span, message: impl Into<String>, label: impl Into<String>) -> Diagnostic {
    Diagnostic::new(INVALID_CUSTOM_RULE, message, span, label)
}

fn compile_one(id: ElementId, e: &Element, errors: &mut Vec<Diagnostic>) -> Option<CustomRule> {
    let before = errors.len();
    if looks_like_code(&e.name) {
        errors.push(
            invalid(e.name_span, format!("rule name `{}` looks like a built-in code", e.name), "reserved shape")
                .with_help(
                    "name the rule in words, such as `no_cross_context`: letters followed by digits are built-in codes",
                ),
        );
    }
    let Some(kind) = e.variant.as_deref().and_then(RuleKind::parse) else {
        if e.variant.is_none() {
            errors.push(
                invalid(e.name_span, format!("rule `{}` does not say what it checks", e.name), "kind missing")
                    .with_help(format!(
                        "write `rule {} forbidden {{ ... }}`: forbidden, allowed, required, assert or layers",
                        e.name
                    )),
            );
        }
        // An unknown kind word was reported while parsing.
        return None;
    };
    for a in e.attrs() {
        let common = matches!(a.name(), "severity" | "message" | "summary" | "replaces");
        if !common && !kind.reads().contains(&a.name()) {
            let fits: Vec<&str> = ["forbidden", "allowed", "required", "assert", "layers"]
                .into_iter()
                .filter(|k| RuleKind::parse(k).is_some_and(|k| k.reads().contains(&a.name())))
                .collect();
            errors.push(
                invalid(
                    a.span_in(e.file),
                    format!("`{}` has no meaning in a `{}` rule", a.name(), kind.as_str()),
                    "not read",
                )
                .with_help(format!(
                    "a `{}` rule reads {}; `{}` belongs to {} rules",
                    kind.as_str(),
                    kind.reads().iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", "),
                    a.name(),
                    fits.join(" and ")
                )),
            );
        }
    }
    for need in kind.needs() {
        if e.attr(need).is_none() {
            errors.push(
                invalid(
                    e.name_span,
                    format!("`{}` rule `{}` has no `{need}`", kind.as_str(), e.name),
                    format!("`{need}` missing"),
                )
                .with_help(example_of(kind, need)),
            );
        }
    }
    let mut unresolved = false;
    let mut selector = |role: &'static str, errors: &mut Vec<Diagnostic>| {
        e.attr(role).map(|a| read_selector(a, e.file, role, &mut unresolved, errors))
    };
    let from = selector("from", errors);
    let to = selector("to", errors);
    let via = selector("via", errors);
    let given = selector("given", errors);
    let then = selector("then", errors);
    // Captures flow from `from` to `to`: an assertion judges one element, so `then` has no
    // second name to compare.
    let captured = from.as_ref().and_then(|s| s.name.as_ref()).map_or(0, Pattern::stars);
    for s in [&from, &via, &given, &then].into_iter().flatten() {
        if s.uses_captures() {
            errors.push(
                invalid(s.span, format!("`{}` refers to a capture (`$1`)", s.role), "only `to` may")
                    .with_help("a `$N` in `to` stands for what the `from` pattern's N-th `*` captured"),
            );
        }
    }
    if let Some(s) = &to {
        let refs = [&s.name, &s.name_not].into_iter().flatten().map(Pattern::max_capture_ref).max().unwrap_or(0);
        if refs > captured {
            errors.push(
                invalid(
                    s.span,
                    format!("`to` uses `${refs}` but the `from` pattern captures {captured}"),
                    "capture out of range",
                )
                .with_help("every `*` of the `from` pattern captures one value, `$1` first"),
            );
        }
        if refs > 0 && (e.has_flag("reachable") || via.is_some()) {
            errors.push(
                invalid(s.span, "a path rule cannot compare names with `$N`", "captures need a direct link")
                    .with_help("drop `reachable` and `via`, or write one rule per group of names"),
            );
        }
    }
    let mut link = LinkFilter::default();
    if let Some(a) = e.attr("link") {
        for b in &a.block {
            match b.name() {
                "mode" => link.is_async = words(b).first().map(|m| m == "async"),
                "protocol" => link.protocols = words(b),
                _ => {}
            }
        }
    }
    let mut allow: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in e.attrs_named("allow") {
        let mut args = a.args.iter();
        let Some(src) = args.next().and_then(|v| v.first()).and_then(word) else { continue };
        let targets = args.next().map(|v| v.iter().filter_map(word).collect::<Vec<_>>()).unwrap_or_default();
        allow.entry(src).or_default().extend(targets);
    }
    let replaced = e.word("replaces").and_then(crate::check::registry::find);
    if let (Some(builtin), Some(a)) = (replaced, e.attr("replaces")) {
        let fits = match builtin.code.id {
            "CPL002" => kind == RuleKind::Layers,
            "CPL003" => matches!(kind, RuleKind::Forbidden | RuleKind::Allowed),
            _ => kind == RuleKind::Required,
        };
        if !fits {
            let want = match builtin.code.id {
                "CPL002" => "a `layers` rule",
                "CPL003" => "a `forbidden` or `allowed` rule",
                _ => "a `required` rule",
            };
            errors.push(
                invalid(
                    a.span_in(e.file),
                    format!("a `{}` rule cannot replace `{}`", kind.as_str(), builtin.code.name),
                    "wrong kind of rule",
                )
                .with_help(format!("`{}` ({}) is replaced by {want}", builtin.code.name, builtin.code.id)),
            );
        }
    }
    if errors.len() > before {
        return None;
    }
    let message = text(e, "message");
    let written = text(e, "summary");
    let explained = written.is_some();
    let summary = written
        .or_else(|| message.clone().filter(|m| !m.contains('{')))
        .unwrap_or_else(|| format!("Custom {} rule `{}`.", kind.as_str(), e.name));
    let severity = match e.word("severity") {
        Some("error") => Severity::Error,
        Some("note") => Severity::Note,
        Some(_) => Severity::Warning,
        None => replaced.map_or(Severity::Warning, |b| b.code.severity),
    };
    let code = match replaced {
        Some(builtin) => Code { severity, ..builtin.code },
        None => {
            let name = intern(&e.name);
            Code { id: name, name, severity, summary: kind.code_summary() }
        }
    };
    Some(CustomRule {
        element: id,
        code,
        kind,
        summary,
        explained,
        message,
        from,
        to,
        via,
        given,
        then,
        reachable: e.has_flag("reachable"),
        link,
        allow,
        unresolved,
        replaces: replaced.map(|b| b.code.id),
        span: e.name_span,
    })
}

/// Some valid custom rule replaces the defaults of the built-in rule `code` (`CPL003`).
pub fn replaced(model: &Model, code: &str) -> bool {
    model.of_kind(DeclKind::Rule).next().is_some() && rules_of(model).iter().any(|r| r.replaces == Some(code))
}

/// The layer matrix of a `layers` rule that replaces CPL002's, with the rule's name: what each
/// layer may depend on besides itself.
pub fn layer_matrix(model: &Model) -> Option<(String, BTreeMap<String, BTreeSet<String>>)> {
    model.of_kind(DeclKind::Rule).next()?;
    rules_of(model)
        .into_iter()
        .find(|r| r.replaces == Some("CPL002"))
        .map(|r| (model.name_of(r.element).to_string(), r.allow))
}

fn example_of(kind: RuleKind, need: &str) -> String {
    match (kind, need) {
        (RuleKind::Assert, _) => "add `then { has backup }`: what every `given` element must match".into(),
        (RuleKind::Layers, _) => {
            "add `allow business data, infrastructure`: which layers each layer may depend on".into()
        }
        (_, "from") => "add `from { is component }`: the elements that must have the dependency".into(),
        _ => "add `to { is datastore }`: the elements the dependency reaches".into(),
    }
}

fn text(e: &Element, name: &str) -> Option<String> {
    match e.value(name) {
        Some(Val::Text(t)) => Some(t.to_string()),
        _ => None,
    }
}

fn word(v: &crate::semantic::model::Value) -> Option<String> {
    match &v.val {
        Val::Word(w) => Some(w.to_string()),
        _ => None,
    }
}

fn words(a: &Attribute) -> Vec<String> {
    a.values().filter_map(word).collect()
}

fn read_selector(
    attr: &Attribute,
    file: FileId,
    role: &'static str,
    unresolved: &mut bool,
    errors: &mut Vec<Diagnostic>,
) -> Selector {
    let mut s = Selector {
        span: attr.span_in(file),
        role,
        is: Vec::new(),
        kind: Vec::new(),
        tag: Vec::new(),
        zone: Vec::new(),
        layer: Vec::new(),
        system: Vec::new(),
        team: Vec::new(),
        name: None,
        name_not: None,
        has: Vec::new(),
        handles: None,
    };
    for a in &attr.block {
        let mut refs = |out: &mut Vec<ElementId>| {
            for v in a.values() {
                match v.val {
                    Val::Ref(id) => out.push(id),
                    _ => *unresolved = true,
                }
            }
        };
        match a.name() {
            "is" => s.is.extend(a.values().filter_map(word).filter_map(|w| DeclKind::from_keyword(&w))),
            "kind" => s.kind.extend(words(a)),
            "layer" => s.layer.extend(words(a)),
            "has" => s.has.extend(words(a)),
            "tag" => s.tag.extend(a.values().filter_map(|v| match &v.val {
                Val::Text(t) => Some(t.to_string()),
                _ => None,
            })),
            "zone" => refs(&mut s.zone),
            "system" => refs(&mut s.system),
            "team" => refs(&mut s.team),
            "handles" => {
                s.handles = a.first().and_then(word).and_then(|w| Classification::parse(&w)).map(Classification::rank)
            }
            "name" | "name-not" => {
                let Some(v) = a.first() else { continue };
                let Val::Text(t) = &v.val else {
                    *unresolved = true;
                    continue;
                };
                match Pattern::parse(t) {
                    Ok(p) if a.name() == "name" => s.name = Some(p),
                    Ok(p) => s.name_not = Some(p),
                    Err(why) => errors.push(invalid(v.span_in(file), format!("malformed name pattern \"{t}\""), why).with_help(
                        "`*` matches any run of characters; `$1` repeats what the first pattern's first `*` matched",
                    )),
                }
            }
            _ => {}
        }
    }
    s
}

/// The note for a selector that selects nothing in the workspace.
fn matches_nothing(rule: &CustomRule, s: &Selector, model: &Model) -> Diagnostic {
    Diagnostic::new(
        CUSTOM_RULE_MATCHES_NOTHING,
        format!("`{}` of rule `{}` selects no element", s.role, model.name_of(rule.element)),
        s.span,
        "selects nothing",
    )
    .with_note(format!("the selector reads {}", s.describe(model)))
    .with_help("check the selector's names, tags and patterns for a typo; a rule about nothing checks nothing")
    .with_subjects([model.path_of(rule.element)])
}
