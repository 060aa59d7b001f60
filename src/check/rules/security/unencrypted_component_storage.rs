//! SEC021 unencrypted-component-storage: A component that keeps data on disk stores sensitive or high-integrity data unencrypted.

use super::{
    attr_span, code, crit_word, data_traits, el, handled, integrity, most_sensitive, q, sensitive, tech_of,
    MIN_CLASSIFICATION_DOC,
};
use crate::analysis::facts;
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

/// `[rules.SEC021] min-classification`.
pub const UNENCRYPTED_COMPONENT_STORAGE_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC021",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

/// `[rules.SEC021] min-integrity`.
pub const UNENCRYPTED_COMPONENT_STORAGE_MIN_INTEGRITY: RuleOption = RuleOption {
    rule: "SEC021",
    name: "min-integrity",
    default: CRITICAL as u64,
    doc: "Lowest integrity rank of handled data that must be stored encrypted: 2 high, 3 critical, 4 mission-critical.",
};

pub static UNENCRYPTED_COMPONENT_STORAGE: Rule = Rule {
    code: code("SEC021", "unencrypted-component-storage", Severity::Warning, "A component that keeps data on disk stores sensitive or high-integrity data unencrypted."),
    category: Category::Security,
    explanation: "A component built on a technology that keeps what it handles on its own disks (a source repository, a build pipeline, a file server, a database, an object or search store: `kind` of its catalogue technology) handles confidential or restricted data, personal data or credentials, or data whose integrity is critical, and is not encrypted at rest: it says `encrypted-at-rest no`, or says nothing and its technology does not encrypt by default. SEC008 judges datastores and components that say what they `holds` by classification; this rule covers the other servers a model draws as components, and the integrity of what a component `holds`, such as a Git server holding the source code or a build server holding signing keys and build jobs. A stolen disk, snapshot or backup then leaks or lets someone alter the data (Threagile unencrypted-asset; ASVS 6.1.1). Fix it with `encrypted-at-rest yes` once the disks or the product encrypt it.",
    bad: "technology git {\n  kind source-repository\n}\ndata Code {\n  classification internal\n  integrity mission-critical\n}\ncomponent repo {\n  tech git\n  owns Code\n  standalone\n}\n",
    good: "technology git {\n  kind source-repository\n}\ndata Code {\n  classification internal\n  integrity mission-critical\n}\ncomponent repo {\n  tech git\n  owns Code\n  encrypted-at-rest yes\n  standalone\n}\n",
    options: &[UNENCRYPTED_COMPONENT_STORAGE_MIN_CLASSIFICATION, UNENCRYPTED_COMPONENT_STORAGE_MIN_INTEGRITY],
    run: unencrypted_component_storage,
};

/// Where the component is said, or by its technology known, not to encrypt at rest; `None` when it
/// encrypts.
fn unencrypted_at(cx: &Ctx<'_>, id: ElementId) -> Option<Span> {
    let e = el(cx, id)?;
    if let Some(a) = e.attr("encrypted-at-rest") {
        return match a.first().map(|v| &v.val) {
            Some(Val::Bool(false)) => Some(a.span_in(e.file)),
            _ => None,
        };
    }
    tech_of(cx, id).filter(|t| !t.has_flag("encrypts-at-rest")).map(|_| attr_span(e, "tech"))
}

fn unencrypted_component_storage(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&UNENCRYPTED_COMPONENT_STORAGE_MIN_CLASSIFICATION) as usize;
    let min_integrity = cx.option(&UNENCRYPTED_COMPONENT_STORAGE_MIN_INTEGRITY) as usize;
    let h = &cx.facts.handled;
    for (id, e) in cx.user_elements_where(|k| k == DeclKind::Component) {
        // A component that says what it `holds` is judged like a store by SEC008 on its
        // classification; this rule then adds only what SEC008 does not weigh: integrity.
        let holds = cx.facts.keeps_data(id);
        if !(holds || facts::component_keeps_data(cx.model, id)) {
            continue;
        }
        let data: &[ElementId] = if holds { cx.facts.kept_at_rest(id) } else { handled(h, id) };
        if holds && data.iter().any(|d| sensitive(cx, *d, CONFIDENTIAL)) {
            continue;
        }
        let sensitive_reason = if holds {
            None
        } else {
            most_sensitive(cx, data, min_class).map(|d| format!("{} ({})", q(cx, d), data_traits(cx, d)))
        };
        let why = sensitive_reason.or_else(|| {
            data.iter()
                .copied()
                .filter_map(|d| integrity(cx, d).filter(|i| *i >= min_integrity).map(|i| (i, d)))
                .max_by_key(|(i, d)| (*i, std::cmp::Reverse(*d)))
                .map(|(i, d)| format!("{} (integrity {})", q(cx, d), crit_word(i)))
        });
        let (Some(why), Some(span)) = (why, unencrypted_at(cx, id)) else { continue };
        let tech = tech_of(cx, id).and_then(|t| t.word("kind")).unwrap_or("data-keeping");
        acc.push(
            cx.finding(
                &UNENCRYPTED_COMPONENT_STORAGE,
                format!("{} ({tech}) keeps {why} unencrypted at rest", q(cx, id)),
                e.name_span,
                "stores data on its own disks",
                &[id],
            )
            .with_secondary(span, "not encrypted at rest")
            .with_help(format!(
                "encrypt the disks or the product's storage, then say `encrypted-at-rest yes` on {}",
                q(cx, id)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec021_technology_default_and_plain_services() {
        let text = "technology git {\n  kind source-repository\n  ENC\n}\ndata Keys {\n  classification restricted\n  credentials\n}\ncomponent repo {\n  tech git\n  owns Keys\n  standalone\n}\ncomponent api {\n  owns Keys\n  standalone\n}\n";
        assert_eq!(
            findings("SEC021", &text.replace("ENC", "")),
            vec!["SEC021@repo: `repo` (source-repository) keeps `Keys` (restricted, credentials) unencrypted at rest"]
        );
        assert_eq!(count("SEC021", &text.replace("ENC", "encrypts-at-rest")), 0, "the technology encrypts");
    }

    #[test]
    fn a_component_that_says_what_it_holds_is_judged_once_by_sec008() {
        let text = "technology git {\n  kind source-repository\n}\ndata Keys {\n  classification restricted\n  credentials\n  integrity critical\n}\ncomponent repo {\n  tech git\n  holds Keys\n  encrypted-at-rest no\n  standalone\n}\n";
        assert_eq!(count("SEC021", text), 0);
        assert_eq!(count("SEC008", text), 1);
        // Code of mission-critical integrity but internal classification: SEC008 is silent, this rule is not.
        let code = "data Code {\n  classification internal\n  integrity mission-critical\n}\ncomponent web {\n  holds Code\n  encrypted-at-rest no\n  standalone\n}\n";
        assert_eq!(count("SEC008", code), 0);
        assert_eq!(
            findings("SEC021", code),
            vec!["SEC021@web: `web` (data-keeping) keeps `Code` (integrity mission-critical) unencrypted at rest"]
        );
    }
}
