//! The checker: the rule registry run over the resolved model, levels from `arch.toml`,
//! acceptances and the baseline. Never mutates the model.
//!
//! Rules live one per file under `rules/<family>/` with their metadata, explanation, examples,
//! logic and tests; the families are `hygiene`, `ownership`, `coupling`, `security`,
//! `performance` and `reliability`. Teams' own rules, declared in the model, run from `custom/`.

pub mod config;
pub mod custom;
pub mod docs;
pub mod registry;
pub mod rules;
mod shared;

use std::collections::BTreeMap;

use crate::diagnostics::{Code, Diagnostic, Fix, FixKind, Suppression, SuppressionKind, TextEdit};
use crate::lang::{Classification, Criticality};
use crate::semantic::model::{Element, ElementId, Model, Val};
use crate::source::Span;
use crate::syntax::literal::{self, Literal};
use crate::syntax::schema::DeclKind;

pub use crate::analysis::facts::{Facts, Link, LinkOrigin, Transit, Wire, WireSource, Zones};
pub use config::RuleConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Hygiene,
    Ownership,
    Coupling,
    Security,
    Performance,
    Reliability,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Hygiene => "hygiene",
            Category::Ownership => "ownership",
            Category::Coupling => "coupling",
            Category::Security => "security",
            Category::Performance => "performance",
            Category::Reliability => "reliability",
        }
    }
}

/// A configurable threshold of a rule, declared as a constant beside it so that a rule can only
/// read options that exist (a misspelt one does not compile) and names whose option it reads.
#[derive(Debug)]
pub struct RuleOption {
    /// The code of the rule the option belongs to; the registry checks it.
    pub rule: &'static str,
    pub name: &'static str,
    pub default: u64,
    pub doc: &'static str,
}

/// One rule: metadata, documentation with executed examples, and its check.
pub struct Rule {
    pub code: Code,
    pub category: Category,
    /// Why the pattern is a problem and what to do; a paragraph.
    pub explanation: &'static str,
    /// A model on which the rule reports exactly one finding.
    pub bad: &'static str,
    /// The same model fixed; the rule reports nothing.
    pub good: &'static str,
    pub options: &'static [RuleOption],
    pub run: fn(&Ctx<'_>, &mut Vec<Diagnostic>),
}

/// What a rule sees.
pub struct Ctx<'m> {
    pub model: &'m Model,
    pub facts: &'m Facts,
    pub zones: Zones<'m>,
    pub config: &'m RuleConfig,
}

impl<'m> Ctx<'m> {
    pub fn new(model: &'m Model, facts: &'m Facts, config: &'m RuleConfig) -> Self {
        Ctx { model, facts, zones: facts.zones(model), config }
    }

    /// A finding of `rule` about `subjects` (element ids, in a meaningful order).
    pub fn finding(
        &self,
        rule: &Rule,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
        subjects: &[ElementId],
    ) -> Diagnostic {
        Diagnostic::new(rule.code, message, span, label).with_subjects(subjects.iter().map(|s| self.model.path_of(*s)))
    }

    /// A threshold from `[rules.<code>]` in arch.toml, else the option's default.
    pub fn option(&self, option: &RuleOption) -> u64 {
        self.config.option(option.rule, option.name).unwrap_or(option.default)
    }

    pub fn name(&self, id: ElementId) -> String {
        self.model.path_of(id)
    }

    pub fn span_of(&self, id: ElementId) -> Span {
        self.model.get(id).map_or(Span::new(crate::source::FileId(0), 0..0), |e| e.name_span)
    }

    /// The user's elements of one kind, in declaration order, as [`Model::of_kind`] gives them;
    /// found through the facts' kind table (see [`Facts::of_kind`]).
    pub fn of_kind(&self, kind: DeclKind) -> impl Iterator<Item = (ElementId, &'m Element)> + 'm {
        let model = self.model;
        self.facts.of_kind(kind).filter_map(move |id| model.get(id).map(|e| (id, e)))
    }

    /// The user's elements whose kind passes `wanted`, in declaration order; only those are
    /// read from the model (see [`Facts::user_elements_where`]).
    pub fn user_elements_where(
        &self,
        wanted: impl Fn(DeclKind) -> bool + 'm,
    ) -> impl Iterator<Item = (ElementId, &'m Element)> + 'm {
        let model = self.model;
        self.facts.user_elements_where(wanted).filter_map(move |id| model.get(id).map(|e| (id, e)))
    }

    pub fn kind(&self, id: ElementId) -> Option<DeclKind> {
        self.facts.kinds.get(id.0 as usize).copied()
    }

    /// The `kind` word of a component, actor, external or zone.
    pub fn kind_word(&self, id: ElementId) -> Option<&'m str> {
        self.facts.kind_word(self.model, id)
    }

    /// Classification rank of a data entity or event: public 0, internal 1, confidential 2,
    /// restricted 3; `None` when unclassified.
    pub fn classification(&self, data: ElementId) -> Option<usize> {
        self.facts.traits(data).classification.map(Classification::rank)
    }

    /// Confidential or above, personal data, or credentials.
    pub fn is_sensitive(&self, data: ElementId) -> bool {
        self.facts.traits(data).is_sensitive(CONFIDENTIAL)
    }

    /// Highest classification rank among the data a link carries.
    pub fn max_class_carried(&self, link: &Link) -> Option<usize> {
        link.carries.iter().filter_map(|d| self.classification(*d)).max()
    }

    /// Criticality rank: low 0, medium 1, high 2, critical 3, mission-critical 4.
    pub fn criticality(&self, id: ElementId) -> Option<usize> {
        self.facts.traits(id).criticality.map(Criticality::rank)
    }

    /// Replicas of a runnable element; a missing value means one instance.
    pub fn replicas(&self, id: ElementId) -> u64 {
        match self.model.get(id).and_then(|e| e.value("replicas")) {
            Some(Val::Lit(Literal::Int(n))) => *n,
            _ => 1,
        }
    }

    /// The two zones of a link, when both ends have one.
    pub fn zones_of(&self, link: &Link) -> Option<(ElementId, ElementId)> {
        Some((self.facts.zone_of(link.from)?, self.facts.zone_of(link.to)?))
    }

    /// The link leaves one zone for another.
    pub fn crosses_zone(&self, link: &Link) -> bool {
        self.zones_of(link).is_some_and(|(a, b)| a != b)
    }

    /// The link leaves one network zone for another (logical zones do not count).
    pub fn crosses_network(&self, link: &Link) -> bool {
        self.zones_of(link).is_some_and(|(a, b)| self.zones.network(a) != self.zones.network(b))
    }

    /// The link enters a zone of higher trust than the one it leaves.
    pub fn enters_higher_trust(&self, link: &Link) -> bool {
        match self.zones_of(link) {
            Some((a, b)) => matches!((self.zones.trust(a), self.zones.trust(b)), (Some(x), Some(y)) if y > x),
            None => false,
        }
    }

    /// Data a component handles: what it owns, what its datastores hold, what its links carry.
    pub fn data_handled(&self, component: ElementId) -> Vec<ElementId> {
        let mut out: Vec<ElementId> =
            self.model.get(component).map(|e| e.references("owns").collect()).unwrap_or_default();
        for l in self.facts.out(component).chain(self.facts.inbound(component)) {
            out.extend(l.carries.iter().copied());
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Classification rank of `confidential`.
pub const CONFIDENTIAL: usize = Classification::Confidential.rank();
/// Classification rank of `restricted`.
pub const RESTRICTED: usize = Classification::Restricted.rank();
/// Criticality rank of `high`.
pub const HIGH: usize = Criticality::High.rank();
/// Criticality rank of `critical`.
pub const CRITICAL: usize = Criticality::Critical.rank();

/// Options of one check run.
pub struct CheckOptions<'a> {
    pub config: &'a RuleConfig,
    /// Today's date, for expiring acceptances; `None` disables expiry.
    pub today: Option<Literal>,
    /// Fingerprints recorded in a baseline file.
    pub baseline: Option<&'a BTreeMap<String, usize>>,
}

/// Runs every enabled rule, applies configured levels to these and to the front end's
/// diagnostics (`front`), then applies acceptances and the baseline.
pub fn run(model: &Model, front: Vec<Diagnostic>, opts: &CheckOptions<'_>) -> Vec<Diagnostic> {
    run_with_facts(model, &Facts::build(model), front, opts)
}

/// [`run`] over facts already derived from `model`.
pub fn run_with_facts(
    model: &Model,
    facts: &Facts,
    front: Vec<Diagnostic>,
    opts: &CheckOptions<'_>,
) -> Vec<Diagnostic> {
    let cx = Ctx::new(model, facts, opts.config);
    let expiry = opts.today.and_then(literal::days_of_date).map(|days| literal::date_from_days(days + ACCEPT_FOR_DAYS));
    let mut out = front;
    let threads = crate::parallel::threads_for(model.elements.len(), PARALLEL_RULES_FROM_ELEMENTS);
    for found in run_registry(&cx, expiry, threads) {
        out.extend(found);
    }
    // Teams' own rules, declared in the model; their levels are their own `severity`.
    let (custom_rules, invalid) = custom::compile(model);
    out.extend(invalid);
    for mut d in custom::run(&cx, &custom_rules) {
        add_accept_fix(model, &mut d, expiry);
        out.push(d);
    }
    // Levels: re-level or drop registry codes (the resolver's HYG001/HYG002 included).
    out.retain_mut(|d| match opts.config.level(d.code) {
        Some(None) => false,
        Some(Some(sev)) => {
            d.severity = sev;
            true
        }
        None => true,
    });
    apply_acceptances(&cx, &custom_rules, &mut out, opts.today);
    if let Some(baseline) = opts.baseline {
        apply_baseline(&mut out, baseline);
    }
    crate::diagnostics::sort(&mut out);
    out
}

/// Models with fewer elements run the registry rules on one thread. At 1,000 components (2,947
/// elements) a second thread took the check phase from 4.0 to 3.3 ms (median of 41, five times
/// at load 2.5 to 3.3), once the facts build the graph views the rules share, so that no rule
/// thread waits for the other to build one. When other work keeps both cores busy (load 3.7 to
/// 4.5) the second thread waits for a core and the phase is 5 to 18% slower. The examples (under
/// 300 elements) stay on one thread.
const PARALLEL_RULES_FROM_ELEMENTS: usize = 2_500;

/// The rules measured slowest on a large model (`examples/rule-timings` at 100,000 components,
/// once unused-data read the facts' note of data named instead of every attribute), slowest
/// first. The worker threads take rules in this order and then the rest in registry order, so
/// that no thread is left with a slow rule at the end while the other one idles.
const SLOWEST_RULES: &[&str] =
    &["SEC007", "CPL009", "PERF004", "CPL001", "PERF003", "SEC012", "OWN004", "SEC014", "OWN006", "SEC010"];

/// The findings of every enabled registry rule, each with its acceptance fix, one list per rule
/// in registry order whatever the number of threads.
fn run_registry(cx: &Ctx<'_>, expiry: Option<Literal>, threads: usize) -> Vec<Vec<Diagnostic>> {
    let mut enabled: Vec<(usize, &Rule)> = registry::rules()
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, rule)| cx.config.level(rule.code) != Some(None))
        .collect();
    let run = |&(_, rule): &(usize, &Rule)| {
        let mut acc = Vec::new();
        (rule.run)(cx, &mut acc);
        for d in &mut acc {
            add_accept_fix(cx.model, d, expiry);
        }
        acc
    };
    if threads <= 1 {
        return enabled.iter().map(run).collect();
    }
    let slowness = |rule: &Rule| SLOWEST_RULES.iter().position(|c| *c == rule.code.id).unwrap_or(SLOWEST_RULES.len());
    enabled.sort_by_key(|(at, rule)| (slowness(rule), *at));
    let found = crate::parallel::map_in_order(&enabled, threads, run);
    let mut by_registry: Vec<(usize, Vec<Diagnostic>)> = enabled.iter().map(|(at, _)| *at).zip(found).collect();
    by_registry.sort_by_key(|(at, _)| *at);
    by_registry.into_iter().map(|(_, found)| found).collect()
}

/// The justification a new acceptance starts with, for its author to replace.
pub const JUSTIFICATION_PLACEHOLDER: &str = "TODO: say why this finding is acceptable";

/// How long an acceptance offered as a fix lasts before the finding comes back.
pub const ACCEPT_FOR_DAYS: i64 = 90;

/// Offers to accept a finding: an `accept CODE@subject...` line before the top-level declaration
/// of its first subject, with a justification to write and, when today is known, an expiry
/// `ACCEPT_FOR_DAYS` from now (`expiry`), so an acceptance is a decision to revisit rather than a mute.
fn add_accept_fix(model: &Model, d: &mut Diagnostic, expiry: Option<Literal>) {
    let Some(mut id) = d.subjects.first().and_then(|s| model.lookup(s)) else { return };
    while let Some(parent) = model.get(id).and_then(|e| e.parent) {
        id = parent;
    }
    let Some(e) = model.get(id).filter(|e| !e.from_std) else { return };
    let (until, title) = match expiry {
        Some(date) => (format!(" until {date}"), format!("Accept this {} finding until {date}", d.code.id)),
        None => (String::new(), format!("Accept this {} finding", d.code.id)),
    };
    let text = format!("accept {} \"{JUSTIFICATION_PLACEHOLDER}\"{until}\n", d.fingerprint());
    d.fixes.push(Fix { title, kind: FixKind::Acceptance, edits: vec![TextEdit::insert(e.span, text)] });
}

fn date_value(v: &Val) -> Option<Literal> {
    match v {
        Val::Lit(l @ Literal::Date { .. }) => Some(*l),
        _ => None,
    }
}

fn date_key(d: Literal) -> (u16, u8, u8) {
    match d {
        Literal::Date { year, month, day } => (year, month, day),
        _ => (0, 0, 0),
    }
}

fn apply_acceptances(cx: &Ctx<'_>, custom: &[custom::CustomRule], out: &mut Vec<Diagnostic>, today: Option<Literal>) {
    let mut used = vec![false; cx.model.acceptances.len()];
    let mut extra = Vec::new();
    for (i, acc) in cx.model.acceptances.iter().enumerate() {
        let code = registry::find(&acc.rule)
            .map(|r| r.code)
            .or_else(|| custom.iter().find(|r| r.code.id == acc.rule).map(|r| r.code));
        let Some(code) = code else {
            let mut d = Diagnostic::new(
                rules::hygiene::UNUSED_ACCEPTANCE.code,
                format!("`accept` names no rule `{}`", acc.rule),
                acc.span,
                "unknown rule",
            );
            if let Some(s) = crate::diagnostics::did_you_mean(
                &acc.rule,
                registry::rules().iter().flat_map(|r| [r.code.id, r.code.name]).chain(custom.iter().map(|r| r.code.id)),
            ) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            extra.push(d);
            used[i] = true;
            continue;
        };
        let fingerprint = {
            let mut s = code.id.to_string();
            for t in &acc.targets {
                s.push('@');
                s.push_str(t);
            }
            s
        };
        let until =
            acc.attrs.iter().find(|a| a.name() == "until").and_then(|a| a.first()).and_then(|v| date_value(&v.val));
        let expired = matches!((until, today), (Some(u), Some(t)) if date_key(u) < date_key(t));
        if expired {
            used[i] = true;
            let shown = until.map(|u| u.to_string()).unwrap_or_default();
            extra.push(
                Diagnostic::new(
                    rules::hygiene::EXPIRED_ACCEPTANCE.code,
                    format!("acceptance of `{fingerprint}` expired on {shown}"),
                    acc.span,
                    "expired",
                )
                .with_help("fix the finding, or renew the acceptance with a new date and a fresh justification")
                .with_subjects(acc.targets.iter().map(|t| t.to_string())),
            );
            continue;
        }
        let justification = acc.justification.clone().unwrap_or_default();
        for d in out.iter_mut() {
            // An acceptance written for a place of a cause now reported once (a flow step of a
            // link, one callee of a group) still matches the merged finding.
            if d.suppression.is_none() && d.answers_to(&fingerprint) {
                d.suppression =
                    Some(Suppression { kind: SuppressionKind::InSource, justification: justification.to_string() });
                used[i] = true;
            }
        }
    }
    for (i, acc) in cx.model.acceptances.iter().enumerate() {
        if !used[i] {
            let mut d = Diagnostic::new(
                rules::hygiene::UNUSED_ACCEPTANCE.code,
                format!("`accept {}` matches no finding", acc.fingerprint()),
                acc.span,
                "nothing to accept",
            );
            let (notes, help) = stale_acceptance_advice(cx, acc, out);
            for n in notes {
                d = d.with_note(n);
            }
            extra.push(d.with_help(help).with_subjects(acc.targets.iter().map(|t| t.to_string())));
        }
    }
    // The acceptance findings themselves honour the configured levels.
    for mut d in extra {
        match cx.config.level(d.code) {
            Some(None) => continue,
            Some(Some(sev)) => d.severity = sev,
            None => {}
        }
        out.push(d);
    }
}

/// What a stale acceptance was meant to match and the closest finding there is, so that a
/// fingerprint that changed (a renamed element, a merged finding) can be fixed rather than dropped.
fn stale_acceptance_advice(
    cx: &Ctx<'_>,
    acc: &crate::semantic::model::Acceptance,
    out: &[Diagnostic],
) -> (Vec<String>, String) {
    let Some(rule) = registry::find(&acc.rule) else {
        return (Vec::new(), "remove it: the finding it accepted is gone".into());
    };
    let mut notes = Vec::new();
    let about: Vec<String> = acc.targets.iter().map(|t| format!("`{t}`")).collect();
    let meant = if about.is_empty() {
        format!("it was meant for a {} {} finding", rule.code.id, rule.code.name)
    } else {
        format!("it was meant for a {} {} finding about {}", rule.code.id, rule.code.name, about.join(", "))
    };
    notes.push(meant);
    let missing: Vec<_> = acc.targets.iter().filter(|t| cx.model.lookup(t).is_none()).collect();
    if let Some(t) = missing.first() {
        notes.push(format!("`{t}` names no element of the model (renamed or removed?)"));
    }
    // The closest finding: of the same rule, the one sharing the most subjects (then the nearest
    // fingerprint); else a finding of another rule about exactly these elements.
    let wanted = acc.fingerprint();
    let shared = |d: &Diagnostic| d.subjects.iter().filter(|s| acc.targets.iter().any(|t| t == *s)).count();
    let same_rule: Vec<&Diagnostic> = out.iter().filter(|d| d.code == rule.code).collect();
    let by_spelling = crate::diagnostics::did_you_mean(
        &wanted,
        same_rule.iter().map(|d| d.fingerprint()).collect::<Vec<_>>().iter().map(String::as_str),
    )
    .map(str::to_string);
    let by_subjects = same_rule
        .iter()
        .filter(|d| shared(d) > 0)
        .max_by_key(|d| (shared(d), std::cmp::Reverse(d.fingerprint())))
        .map(|d| d.fingerprint());
    let closest = by_subjects.or(by_spelling).or_else(|| {
        out.iter().find(|d| !acc.targets.is_empty() && d.subjects == acc.targets).map(Diagnostic::fingerprint)
    });
    let help = match closest.and_then(|f| out.iter().find(|d| d.fingerprint() == f)) {
        Some(d) => format!(
            "the closest finding is `{}` ({}): accept that fingerprint if it is the same problem, else remove the acceptance, its finding is gone",
            d.fingerprint(),
            d.message
        ),
        None => format!("no {} finding remains: remove the acceptance, the finding it accepted is gone", rule.code.id),
    };
    (notes, help)
}

fn apply_baseline(out: &mut [Diagnostic], baseline: &BTreeMap<String, usize>) {
    let mut remaining = baseline.clone();
    for d in out.iter_mut().filter(|d| d.suppression.is_none()) {
        let key = std::iter::once(d.fingerprint())
            .chain(d.merged.iter().cloned())
            .find(|f| remaining.get(f).is_some_and(|n| *n > 0));
        if let Some(n) = key.and_then(|k| remaining.get_mut(&k)) {
            *n -= 1;
            d.suppression =
                Some(Suppression { kind: SuppressionKind::Baseline, justification: "recorded in the baseline".into() });
        }
    }
}

/// The fingerprints of the unsuppressed findings with their counts, for `--write-baseline`.
pub fn baseline_of(diags: &[Diagnostic]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for d in diags.iter().filter(|d| d.suppression.is_none()) {
        *out.entry(d.fingerprint()).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::{analyze_paths_with, RunOptions};
    use crate::host::FsHost;

    #[test]
    fn the_slowest_rules_named_for_scheduling_are_registry_rules() {
        for code in SLOWEST_RULES {
            assert!(registry::rules().iter().any(|r| r.code.id == *code), "{code} is not a registry rule");
        }
    }

    #[test]
    fn rules_on_several_threads_find_what_one_thread_finds_in_registry_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["examples/flawed", "tests/data/real/threagile-estate"] {
            let outcome = analyze_paths_with(&FsHost, &[root.join(dir)], &RunOptions::default());
            let analysis = outcome.analyses.into_iter().next().expect("the workspace loads");
            let (config, _) = RuleConfig::from_table(&analysis.config.rules);
            let cx = Ctx::new(&analysis.model, &analysis.facts, &config);
            let expiry = Some(Literal::Date { year: 2026, month: 9, day: 1 });
            let one = run_registry(&cx, expiry, 1);
            assert!(one.iter().map(Vec::len).sum::<usize>() > 20, "{dir} has findings to compare");
            for threads in [2, 3] {
                assert!(one == run_registry(&cx, expiry, threads), "{dir} on {threads} threads");
            }
        }
    }

    /// The facts' tables that rules read instead of the elements (kinds, kind words, ratings,
    /// the elements of a kind) say what the elements say, on every example and real model.
    #[test]
    fn the_facts_tables_give_what_the_elements_say() {
        use crate::syntax::schema::DECLS;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs: Vec<std::path::PathBuf> = Vec::new();
        for parent in ["examples", "tests/data/real"] {
            let entries = std::fs::read_dir(root.join(parent)).expect("the folder exists");
            dirs.extend(entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()));
        }
        assert!(dirs.len() >= 6, "{dirs:?}");
        let mut kind_words = 0;
        for dir in &dirs {
            let outcome = analyze_paths_with(&FsHost, std::slice::from_ref(dir), &RunOptions::default());
            let Some(analysis) = outcome.analyses.into_iter().next() else { continue };
            let (model, config) = (&analysis.model, RuleConfig::default());
            let cx = Ctx::new(model, &analysis.facts, &config);
            for (id, e) in model.iter() {
                assert_eq!(cx.kind(id), Some(e.kind), "{}", e.name);
                assert_eq!(cx.kind_word(id), e.word("kind"), "{}", e.name);
                kind_words += usize::from(e.word("kind").is_some());
                let (traits, rating) =
                    (analysis.facts.traits(id), |name: &str| e.word(name).and_then(Criticality::parse));
                assert_eq!((traits.integrity, traits.availability), (rating("integrity"), rating("availability")));
            }
            for spec in DECLS {
                let by_facts: Vec<ElementId> = cx.of_kind(spec.kind).map(|(id, _)| id).collect();
                let by_model: Vec<ElementId> = model.of_kind(spec.kind).map(|(id, _)| id).collect();
                assert_eq!(by_facts, by_model, "{} in {}", spec.kind.noun(), dir.display());
            }
        }
        assert!(kind_words > 50, "the models state kind words: {kind_words}");
    }
}
