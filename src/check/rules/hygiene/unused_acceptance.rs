//! HYG014 unused-acceptance: An `accept` that matches no finding or names no rule.

use super::{code, resolver_owned};
use crate::check::{Category, Rule};
use crate::diagnostics::Severity;

pub static UNUSED_ACCEPTANCE: Rule = Rule {
    code: code("HYG014", "unused-acceptance", Severity::Warning, "An `accept` that matches no finding or names no rule."),
    category: Category::Hygiene,
    explanation: "An acceptance that no longer matches a finding is stale: the problem was fixed or the element renamed. Left in place it would silently accept a future, different problem with the same fingerprint. The finding says what the acceptance was meant for (rule and elements), which of its elements no longer exist, and the closest finding there is (same rule and most elements in common, else a near spelling), so that a fingerprint that changed can be corrected instead of dropped.",
    bad: "component web {\n  standalone\n}\naccept orphan-component@web \"Kept for the migration\"\n",
    good: "component web\naccept orphan-component@web \"Kept for the migration\"\n",
    options: &[],
    run: resolver_owned,
};

#[cfg(test)]
mod tests {
    use crate::check::registry::check_source;

    #[test]
    fn a_stale_acceptance_says_what_it_was_for_and_what_is_closest() {
        let text = "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { protocol http carries Card }\n}\ncomponent api\naccept SEC001@web@apii \"mesh planned\"\n";
        let diags = check_source(text);
        let stale: Vec<_> = diags.iter().filter(|d| d.code.id == "HYG014").collect();
        assert_eq!(stale.len(), 1);
        let d = stale[0];
        assert_eq!(d.message, "`accept SEC001@web@apii` matches no finding");
        assert_eq!(
            d.notes,
            vec![
                "it was meant for a SEC001 unencrypted-sensitive-flow finding about `web`, `apii`".to_string(),
                "`apii` names no element of the model (renamed or removed?)".to_string(),
            ]
        );
        let help = d.help.as_deref().unwrap_or_default();
        assert!(help.starts_with("the closest finding is `SEC001@web@api` (`web -> api` carries"), "{help}");
        // With nothing of the rule left, it says so.
        let fixed = text.replace("protocol http", "protocol https");
        let diags = check_source(&fixed);
        let help = diags.iter().find(|d| d.code.id == "HYG014").and_then(|d| d.help.clone()).unwrap_or_default();
        assert_eq!(help, "no SEC001 finding remains: remove the acceptance, the finding it accepted is gone");
    }
}
