//! SEC015 untrusted-deserialization: An interface deserializes a binary object format from untrusted callers.

use std::collections::BTreeMap;

use super::{attr_span, code, in_internet, is_component, q, zone_desc};
use crate::check::{Category, Ctx, Link, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static UNTRUSTED_DESERIALIZATION: Rule = Rule {
    code: code("SEC015", "untrusted-deserialization", Severity::Warning, "An interface deserializes a binary object format from untrusted callers."),
    category: Category::Security,
    explanation: "An interface one of our components provides, whose `format` is `java-serialization` or `binary`, is exposed `public` or to partners, or receives a link from a less trusted zone or from the internet. Native object deserialization of attacker-controlled bytes leads to remote code execution and denial of service (Threagile untrusted-deserialization; ASVS 1.5.2; CWE-502). Links whose zones or trust are unknown are skipped. Fix it with a schema-bound data format (json, protobuf, avro), or keep the interface to callers of equal trust.",
    bad: "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal bank {\n  zone partners\n}\ninterface Settlement rest {\n  format java-serialization\n  auth mtls\n}\ncomponent ledger {\n  zone core\n  exposes Settlement\n}\nflow settle {\n  bank -> ledger https via Settlement\n}\n",
    good: "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal bank {\n  zone partners\n}\ninterface Settlement rest {\n  format json\n  auth mtls\n}\ncomponent ledger {\n  zone core\n  exposes Settlement\n}\nflow settle {\n  bank -> ledger https via Settlement\n}\n",
    options: &[],
    run: untrusted_deserialization,
};

fn untrusted_deserialization(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    // The first link from lower trust through each interface.
    let mut from_lower: BTreeMap<ElementId, &Link> = BTreeMap::new();
    for l in &cx.facts.links {
        let Some(via) = l.via else { continue };
        let lower = in_internet(cx, l.from) && !in_internet(cx, l.to) || cx.enters_higher_trust(l);
        if lower {
            from_lower.entry(via).or_insert(l);
        }
    }
    for (id, e) in cx.of_kind(DeclKind::Interface) {
        // Only our own components deserialize what our interfaces receive.
        if !cx.facts.provider.get(&id).is_some_and(|p| is_component(cx, *p)) {
            continue;
        }
        let Some(format) = e.word("format").filter(|f| matches!(*f, "java-serialization" | "binary")) else { continue };
        let exposure = e.word("exposure").filter(|x| matches!(*x, "public" | "partner"));
        let d = match (from_lower.get(&id), exposure) {
            (Some(l), _) => {
                let from = cx
                    .facts
                    .zone_of(l.from)
                    .map_or("the internet".to_string(), |z| format!("zone {}", zone_desc(cx, z)));
                cx.finding(
                    &UNTRUSTED_DESERIALIZATION,
                    format!("interface {} deserializes `{format}` sent by {} from {from}", q(cx, id), q(cx, l.from)),
                    attr_span(e, "format"),
                    "native deserialization",
                    &[id],
                )
                .with_secondary(l.span, "less trusted caller")
            }
            (None, Some(x)) => cx
                .finding(
                    &UNTRUSTED_DESERIALIZATION,
                    format!("{x} interface {} deserializes `{format}`", q(cx, id)),
                    attr_span(e, "format"),
                    "native deserialization",
                    &[id],
                )
                .with_secondary(attr_span(e, "exposure"), "callers outside our control"),
            (None, None) => continue,
        };
        acc.push(d.with_help(
            "use a schema-bound format such as `json`, `protobuf` or `avro`, or accept only callers of equal trust",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec015_only_our_interfaces_deserialize() {
        let text = "zone partners {\n  trust low\n}\nzone core {\n  trust high\n}\nexternal acquirer {\n  zone partners\n  exposes Iso8583\n}\ninterface Iso8583 batch {\n  format binary\n  exposure partner\n}\ncomponent auth_svc {\n  zone core\n  uses acquirer sync { via Iso8583 protocol tls auth mtls }\n}\n";
        assert_eq!(count("SEC015", text), 0);
    }

    #[test]
    fn sec015_public_exposure() {
        let text = "interface Legacy rest {\n  format binary\n  exposure public\n}\ncomponent old {\n  exposes Legacy\n  standalone\n}\n";
        assert_eq!(count("SEC015", text), 1);
    }
}
