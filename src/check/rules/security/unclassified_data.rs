//! SEC009 unclassified-data: A data entity or event has no classification.

use super::{code, is_credentials, is_pii, q};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::syntax::schema::DeclKind;

pub static UNCLASSIFIED_DATA: Rule = Rule {
    code: code("SEC009", "unclassified-data", Severity::Error, "A data entity or event has no classification."),
    category: Category::Security,
    explanation: "Every data entity and event needs a `classification` (public, internal, confidential or restricted): it decides which links must be encrypted (SEC001), where the data may go (SEC007) and which stores must encrypt it (SEC008). Those rules skip unclassified data, so an unclassified entity silently escapes them (ASVS 1.8.1). A classification still left as a `?` hole is reported by HYG008 instead. Fix it by classifying the data.",
    bad: "data Invoice\ncomponent billing {\n  owns Invoice\n  standalone\n}\n",
    good: "data Invoice {\n  classification confidential\n}\ncomponent billing {\n  owns Invoice\n  standalone\n}\n",
    options: &[],
    run: unclassified_data,
};

fn unclassified_data(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for kind in [DeclKind::Data, DeclKind::Event] {
        for (id, e) in cx.of_kind(kind) {
            if e.attr("classification").is_some() {
                continue;
            }
            let mut d = cx.finding(
                &UNCLASSIFIED_DATA,
                format!("{} {} has no classification", kind.noun(), q(cx, id)),
                e.name_span,
                "unclassified",
                &[id],
            );
            if is_pii(cx, id) || is_credentials(cx, id) {
                d = d.with_note("it holds personal data or credentials, so it is at least confidential");
            }
            acc.push(d.with_help("add `classification public`, `internal`, `confidential` or `restricted`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec009_hole_is_hyg008s() {
        let text = "data Invoice {\n  classification ?\n}\ncomponent billing {\n  owns Invoice\n  standalone\n}\n";
        assert_eq!(count("SEC009", text), 0);
        assert_eq!(count("SEC009", "event Paid\n"), 1);
    }
}
