//! SEC001 unencrypted-sensitive-flow: Sensitive data travels over an unencrypted link.

use super::{
    code, data_list, data_traits, encrypt_help, group_by_link, most_sensitive, plain_why, q, sensitive,
    MIN_CLASSIFICATION_DOC,
};
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.SEC001] min-classification`.
pub const UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC001",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

pub static UNENCRYPTED_SENSITIVE_FLOW: Rule = Rule {
    code: code("SEC001", "unencrypted-sensitive-flow", Severity::Error, "Sensitive data travels over an unencrypted link."),
    category: Category::Security,
    explanation: "A link (a `uses`, a flow step or an event delivery) carries confidential or restricted data, personal data or credentials, and either says `encrypted no` or uses a plaintext protocol (http, ws, jdbc, ldap, ftp, plain postgres, ...). Anyone on the network path can read or alter it (STRIDE information disclosure and tampering; ASVS 1.9.1). In-process calls and local files are exempt. The protocol is the link's own, else the default protocol of the target's technology; a link with neither is a gap (HYG008), not a finding. Fix it by switching to the protocol's TLS variant, or say `encrypted yes` when a tunnel or service mesh encrypts the traffic. A link stated as a `uses` and as steps of several flows is one finding, at the `uses` (else at its first step) with the other places as related locations; its fingerprint names the caller and the callee only (`SEC001@web@api`), and an acceptance written with a flow (`SEC001@pay@web@api`) still matches it. Links from test tooling (`kind tooling`, a load generator) carry synthetic data and are skipped.",
    bad: "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { protocol http carries Card timeout 1s circuit-breaker }\n}\ncomponent api\n",
    good: "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { protocol https carries Card timeout 1s circuit-breaker }\n}\ncomponent api\n",
    options: &[UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION],
    run: unencrypted_sensitive_flow,
};

fn unencrypted_sensitive_flow(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min = cx.option(&UNENCRYPTED_SENSITIVE_FLOW_MIN_CLASSIFICATION) as usize;
    let mut problems = Vec::new();
    for l in &cx.facts.links {
        let Some((why, protocol)) = plain_why(cx, l) else { continue };
        // Test tooling sends synthetic data, however the data it imitates is classified.
        if cx.facts.traits(l.from).tooling {
            continue;
        }
        if l.carries.iter().any(|d| sensitive(cx, *d, min)) {
            problems.push((l, (why, protocol)));
        }
    }
    for g in group_by_link(problems) {
        let (l, (why, protocol)) = g.primary();
        // Every place of the link counts: the steps of different flows may carry different data.
        let mut data: Vec<ElementId> =
            g.links().flat_map(|l| l.carries.iter().copied()).filter(|d| sensitive(cx, *d, min)).collect();
        data.sort();
        data.dedup();
        let Some(worst) = most_sensitive(cx, &data, min) else { continue };
        let d = cx
            .finding(
                &UNENCRYPTED_SENSITIVE_FLOW,
                format!("{} carries {} over {why}", g.name(cx), data_list(cx, &data)),
                l.span,
                "unencrypted",
                &g.subjects(),
            )
            .with_secondary(cx.span_of(worst), format!("{} is {}", q(cx, worst), data_traits(cx, worst)))
            .with_help(encrypt_help(protocol.as_deref()));
        acc.push(g.finish(cx, d));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec001_flow_step_fingerprint_and_local_exemption() {
        let text = "data Card {\n  classification restricted\n}\nactor user\ncomponent web\ncomponent api\nflow pay {\n  user -> web http carries Card\n  web -> api in-process encrypted no carries Card\n}\n";
        assert_eq!(
            findings("SEC001", text),
            vec!["SEC001@user@web: step `user -> web` of flow `pay` carries `Card` (restricted) over plaintext `http`"]
        );
    }

    #[test]
    fn sec001_gap_when_protocol_unknown_and_tech_default_counts() {
        let gap = "data Card {\n  classification restricted\n}\ncomponent web {\n  uses api sync { carries Card }\n}\ncomponent api\n";
        assert_eq!(count("SEC001", gap), 0);
        let tech = "import std.tech\ndata Card {\n  classification restricted\n}\ncomponent web {\n  uses db { carries Card }\n}\ndatastore db {\n  tech postgres\n}\n";
        assert_eq!(findings("SEC001", tech), vec!["SEC001@web@db: `web -> db` carries `Card` (restricted) over plaintext `postgres`, the default of technology `postgres`"]);
        assert_eq!(count("SEC001", &tech.replace("tech postgres", "tech mysql")), 0, "mysql defaults to mysql-tls");
        let pii = "data Email {\n  classification internal\n  field address: string pii\n}\ncomponent web {\n  uses api sync { protocol http carries Email }\n}\ncomponent api\n";
        assert_eq!(count("SEC001", pii), 1, "personal data counts whatever its classification");
    }

    #[test]
    fn sec001_event_deliveries_travel_like_the_declared_links_to_the_broker() {
        let model = |protocol: &str| {
            format!("import std.tech\nevent Booked {{\n  classification confidential\n}}\ntopic bookings {{\n  tech kafka\n  carries Booked\n}}\ncomponent shipping {{\n  publishes Booked\n  uses bookings async {{ protocol {protocol} auth mtls }}\n}}\ncomponent tracking {{\n  subscribes Booked\n}}\n")
        };
        // The publisher's `uses` says how it reaches the broker; the delivery to the subscriber
        // travels like the broker's other declared links; only without them does the
        // technology's plaintext default count.
        assert_eq!(count("SEC001", &model("kafka-tls")), 0);
        let plain = findings("SEC001", &model("kafka"));
        assert_eq!(plain.len(), 2, "the `uses` and the publication are one link: {plain:?}");
        assert!(plain.iter().any(|f| f.contains("as the other links to `bookings` declare")), "{plain:?}");
    }
}
