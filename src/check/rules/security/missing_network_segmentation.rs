//! SEC020 missing-network-segmentation: A high-value asset shares a network with an exposed one it never talks to.

use super::{code, high_value, is_ours, q, Memo, MIN_CLASSIFICATION_DOC};
use crate::analysis::facts;
use crate::check::{Category, Ctx, Rule, RuleOption, CONFIDENTIAL, CRITICAL};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

/// `[rules.SEC020] min-classification`.
pub const MISSING_NETWORK_SEGMENTATION_MIN_CLASSIFICATION: RuleOption = RuleOption {
    rule: "SEC020",
    name: "min-classification",
    default: CONFIDENTIAL as u64,
    doc: MIN_CLASSIFICATION_DOC,
};

/// `[rules.SEC020] min-criticality`.
pub const MISSING_NETWORK_SEGMENTATION_MIN_CRITICALITY: RuleOption = RuleOption {
    rule: "SEC020",
    name: "min-criticality",
    default: CRITICAL as u64,
    doc: "Lowest criticality rank (of the asset, or the integrity of its data) that makes an asset high-value: 2 high, 3 critical, 4 mission-critical.",
};

pub static MISSING_NETWORK_SEGMENTATION: Rule = Rule {
    code: code("SEC020", "missing-network-segmentation", Severity::Warning, "A high-value asset shares a network with an exposed one it never talks to."),
    category: Category::Security,
    explanation: "A component or store that handles confidential or restricted data, personal data or credentials, or is critical, sits in the same network zone as a less protected element (a frontend, a web server, a build pipeline or a source repository), and neither calls the other. Such neighbours face many callers and are broken into first; once they are, nothing on the network stands between them and the high-value asset, though they never needed to reach it (Threagile missing-network-segmentation; ASVS 1.14.1). Neighbours that do talk to each other are a design decision and are left alone, and so is an asset the internet reaches (directly or through load balancers), which SEC005 judges; logical zones are not boundaries. Fix it by moving one of the two into a network zone of its own, with only the links the model declares allowed between the zones.",
    bad: "zone core {\n  trust high\n}\ndata Card {\n  classification restricted\n}\ncomponent site {\n  kind frontend\n  zone core\n  standalone\n}\ndatastore cards {\n  zone core\n  holds Card\n}\n",
    good: "zone web {\n  trust medium\n}\nzone core {\n  trust high\n}\ndata Card {\n  classification restricted\n}\ncomponent site {\n  kind frontend\n  zone web\n  standalone\n}\ndatastore cards {\n  zone core\n  holds Card\n}\n",
    options: &[
        MISSING_NETWORK_SEGMENTATION_MIN_CLASSIFICATION,
        MISSING_NETWORK_SEGMENTATION_MIN_CRITICALITY,
    ],
    run: missing_network_segmentation,
};

/// What makes a less protected element less protected, for the message.
fn exposure(cx: &Ctx<'_>, id: ElementId) -> &'static str {
    let r = cx.facts.roles(id);
    if r.build_pipeline {
        "a build pipeline"
    } else if r.source_repository {
        "a source repository"
    } else {
        "a web server"
    }
}

fn missing_network_segmentation(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let min_class = cx.option(&MISSING_NETWORK_SEGMENTATION_MIN_CLASSIFICATION) as usize;
    let min_crit = cx.option(&MISSING_NETWORK_SEGMENTATION_MIN_CRITICALITY) as usize;
    let h = &cx.facts.handled;
    let network_of = |id: ElementId| cx.facts.zone_of(id).and_then(|z| cx.zones.network(z));
    let ours: Vec<ElementId> = cx.facts.user_elements_where(|_| true).filter(|id| is_ours(cx, *id)).collect();
    let exposed: Vec<(ElementId, ElementId)> = ours
        .iter()
        .copied()
        .filter(|id| cx.facts.roles(*id).less_protected())
        .filter_map(|id| network_of(id).map(|n| (id, n)))
        .collect();
    let talk = |a: ElementId, b: ElementId| cx.facts.out(a).any(|l| l.to == b) || cx.facts.out(b).any(|l| l.to == a);
    let from_internet = facts::internet_reached(cx.model, cx.facts);
    let mut value = Memo::new(cx);
    for &asset in &ours {
        let Some(net) = network_of(asset) else { continue };
        let Some(&(neighbour, _)) = exposed.iter().find(|(x, n)| *n == net && *x != asset && !talk(asset, *x)) else {
            continue;
        };
        // An exposed element is the neighbour this rule warns about, whatever it handles, and an
        // asset the internet reaches is as exposed as its neighbours already (SEC005's concern).
        if cx.facts.roles(asset).less_protected() || from_internet.get(asset.0 as usize).copied().unwrap_or(false) {
            continue;
        }
        let Some(why) = value.get(asset, || high_value(cx, h, asset, min_class, min_crit)) else { continue };
        acc.push(
            cx.finding(
                &MISSING_NETWORK_SEGMENTATION,
                format!(
                    "{} {why} and shares network zone {} with {}, {} it has no link to",
                    q(cx, asset),
                    q(cx, net),
                    q(cx, neighbour),
                    exposure(cx, neighbour)
                ),
                cx.span_of(asset),
                "no segment of its own",
                &[asset],
            )
            .with_secondary(cx.span_of(neighbour), "broken into first, and then next door")
            .with_help(format!(
                "move {} or {} into a network zone of its own and allow only the declared links between the zones",
                q(cx, asset),
                q(cx, neighbour)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec020_neighbours_that_talk_and_low_value_assets_are_left_alone() {
        let base = "zone core {\n  trust high\n}\ndata Card {\n  classification CLASS\n}\ncomponent site {\n  kind frontend\n  zone core\n  LINK\n}\ndatastore cards {\n  zone core\n  holds Card\n}\n";
        let model = |class: &str, link: &str| base.replace("CLASS", class).replace("LINK", link);
        assert_eq!(count("SEC020", &model("restricted", "standalone")), 1);
        assert_eq!(count("SEC020", &model("internal", "standalone")), 0, "not high-value");
        let linked = "uses cards { protocol postgres-tls auth basic carries Card }";
        assert_eq!(count("SEC020", &model("restricted", linked)), 0, "they talk: a design decision");
    }
}
