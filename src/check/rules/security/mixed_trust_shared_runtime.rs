//! SEC013 mixed-trust-shared-runtime: One deployment node runs elements of different trust.

use super::{code, el, is_client, q, zone_desc};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::syntax::schema::DeclKind;

pub static MIXED_TRUST_SHARED_RUNTIME: Rule = Rule {
    code: code("SEC013", "mixed-trust-shared-runtime", Severity::Warning, "One deployment node runs elements of different trust."),
    category: Category::Security,
    explanation: "A deployment node (host, VM or cluster) `runs` elements from different network zones or from zones of different trust, or runs a frontend together with a datastore. A compromise of the less trusted workload, or a container escape, then lands next to the more trusted one and bypasses the zone boundary the model relies on (Threagile mixed-targets-on-shared-runtime; ASVS 1.14.5). Nodes of development and test deployments are exempt. Fix it by splitting the node per zone, or moving the elements into one zone if they really share trust.",
    bad: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  standalone\n}\ncomponent ledger {\n  zone core\n  standalone\n}\ndeployment prod {\n  environment production\n  node vm1 {\n    runs web, ledger\n  }\n}\n",
    good: "zone dmz {\n  trust medium\n}\nzone core {\n  trust high\n}\ncomponent web {\n  zone dmz\n  standalone\n}\ncomponent ledger {\n  zone core\n  standalone\n}\ndeployment prod {\n  environment production\n  node vm1 {\n    runs web\n  }\n  node vm2 {\n    runs ledger\n  }\n}\n",
    options: &[],
    run: mixed_trust_shared_runtime,
};

fn mixed_trust_shared_runtime(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    for (node_id, node) in cx.of_kind(DeclKind::Node) {
        let env = node.parent.and_then(|p| el(cx, p)).and_then(|d| d.word("environment"));
        if matches!(env, Some("development" | "test")) {
            continue;
        }
        let runs: Vec<ElementId> = node.references("runs").collect();
        // Pairs of elements whose zones are different networks or of different trust.
        let mut first_by_net: Vec<(ElementId, ElementId, Option<usize>)> = Vec::new();
        let mut clash: Option<(ElementId, ElementId)> = None;
        for &r in &runs {
            let Some(z) = cx.facts.zone_of(r) else { continue };
            let net = cx.zones.network(z).unwrap_or(z);
            let trust = cx.zones.trust(z);
            if let Some((other, _, _)) =
                first_by_net.iter().find(|(_, n, t)| *n != net || matches!((t, trust), (Some(a), Some(b)) if *a != b))
            {
                clash = Some((*other, r));
                break;
            }
            first_by_net.push((r, net, trust));
        }
        let d = if let Some((a, b)) = clash {
            let (za, zb) = (cx.facts.zone_of(a), cx.facts.zone_of(b));
            cx.finding(
                &MIXED_TRUST_SHARED_RUNTIME,
                format!(
                    "node {} runs {} (zone {}) and {} (zone {}) together",
                    q(cx, node_id),
                    q(cx, a),
                    za.map_or("?".into(), |z| zone_desc(cx, z)),
                    q(cx, b),
                    zb.map_or("?".into(), |z| zone_desc(cx, z))
                ),
                node.name_span,
                "mixed trust on one runtime",
                &[node_id],
            )
            .with_secondary(cx.span_of(b), "in another trust zone")
        } else {
            let front = runs.iter().copied().find(|r| is_client(cx, *r));
            let store = runs.iter().copied().find(|r| cx.kind(*r) == Some(DeclKind::Datastore));
            let (Some(f), Some(s)) = (front, store) else { continue };
            cx.finding(
                &MIXED_TRUST_SHARED_RUNTIME,
                format!("node {} runs frontend {} next to datastore {}", q(cx, node_id), q(cx, f), q(cx, s)),
                node.name_span,
                "frontend and data on one runtime",
                &[node_id],
            )
            .with_secondary(cx.span_of(s), "the data a compromised frontend would reach")
        };
        acc.push(d.with_help("run elements of different trust on separate nodes"));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec013_dev_nodes_and_frontend_with_datastore() {
        let dev = "zone a {\n  trust low\n}\nzone b {\n  trust high\n}\ncomponent x {\n  zone a\n  standalone\n}\ncomponent y {\n  zone b\n  standalone\n}\ndeployment dev {\n  environment development\n  node box {\n    runs x, y\n  }\n}\n";
        assert_eq!(count("SEC013", dev), 0);
        let mixed = "component web {\n  kind frontend\n  standalone\n}\ndatastore db\ndeployment prod {\n  node box {\n    runs web, db\n  }\n}\n";
        assert_eq!(
            findings("SEC013", mixed),
            vec!["SEC013@prod.box: node `prod.box` runs frontend `web` next to datastore `db`"]
        );
    }
}
