//! SEC019 missing-vault-isolation: A secret store shares its network zone with ordinary workloads.

use std::collections::BTreeSet;

use super::{code, is_ours, is_store_kind, is_vault, q};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static MISSING_VAULT_ISOLATION: Rule = Rule {
    code: code("SEC019", "missing-vault-isolation", Severity::Warning, "A secret store shares its network zone with ordinary workloads."),
    category: Category::Security,
    explanation: "A vault of ours (a component of kind `vault`, or an element whose catalogue technology is a vault) sits in the same network zone as components or stores that are neither vaults nor the vault's own storage (a store only the vault uses). Every secret of the estate is then one lateral step away from any compromised neighbour, and network controls cannot tell the vault's few legitimate callers from the rest (Threagile missing-vault-isolation). Logical zones are not boundaries: the network zone that contains them is compared. Fix it by giving the vault a network zone of its own and allowing in only the callers that need secrets.",
    bad: "zone core {\n  trust high\n}\ncomponent secrets {\n  kind vault\n  zone core\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n",
    good: "zone core {\n  trust high\n}\nzone secure {\n  trust full\n}\ncomponent secrets {\n  kind vault\n  zone secure\n  standalone\n}\ncomponent orders {\n  zone core\n  standalone\n}\n",
    options: &[],
    run: missing_vault_isolation,
};

fn missing_vault_isolation(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let network_of = |id: ElementId| cx.facts.zone_of(id).and_then(|z| cx.zones.network(z));
    for vault in cx.facts.user_elements_where(|_| true) {
        let Some(e) = cx.model.get(vault).filter(|_| is_ours(cx, vault) && is_vault(cx, vault)) else {
            continue;
        };
        let Some(net) = network_of(vault) else { continue };
        // The vault's own storage: stores it uses that nothing else does.
        let storage: BTreeSet<ElementId> = cx
            .facts
            .out(vault)
            .map(|l| l.to)
            .filter(|s| is_store_kind(cx.kind(*s)))
            .filter(|s| cx.facts.inbound(*s).all(|l| l.from == vault))
            .collect();
        let neighbours: Vec<ElementId> = cx
            .model
            .iter()
            .map(|(id, _)| id)
            .filter(|id| *id != vault && is_ours(cx, *id) && !is_vault(cx, *id) && !storage.contains(id))
            .filter(|id| network_of(*id) == Some(net))
            .collect();
        let Some(first) = neighbours.first().copied() else { continue };
        let more = if neighbours.len() > 1 { format!(" and {} more", neighbours.len() - 1) } else { String::new() };
        acc.push(
            cx.finding(
                &MISSING_VAULT_ISOLATION,
                format!("vault {} shares network zone {} with {}{more}", q(cx, vault), q(cx, net), q(cx, first)),
                e.name_span,
                "not isolated",
                &[vault],
            )
            .with_secondary(cx.span_of(first), "an ordinary workload in the same network")
            .with_help(format!("give {} a network zone of its own", q(cx, vault))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::count;

    #[test]
    fn sec019_the_vaults_own_storage_may_share_its_zone() {
        let text = "zone secure {\n  trust full\n}\ncomponent secrets {\n  kind vault\n  zone secure\n  uses raft sync { protocol tls auth mtls timeout 1s circuit-breaker }\n}\ndatastore raft {\n  zone secure\n}\n";
        assert_eq!(count("SEC019", text), 0);
        let shared = format!("{text}component orders {{\n  zone secure\n  uses raft sync {{ protocol tls auth mtls timeout 1s circuit-breaker }}\n}}\n");
        assert_eq!(count("SEC019", &shared), 1, "a store others use is no longer the vault's own");
    }
}
