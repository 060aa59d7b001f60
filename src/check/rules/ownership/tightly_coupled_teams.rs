//! OWN009 tightly-coupled-teams: A component that talks more to another team's components than to its own team's.

use super::{code, is_user};
use crate::check::shared::{count, team_of};
use crate::check::{Category, Ctx, Rule, RuleOption};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;
use crate::source::Span;
use crate::syntax::schema::DeclKind;

/// `[rules.OWN009] min-links`.
pub const TIGHTLY_COUPLED_TEAMS_MIN_LINKS: RuleOption = RuleOption {
    rule: "OWN009",
    name: "min-links",
    default: 4,
    doc: "Fewest distinct neighbours in the other team before the rule reports.",
};

pub static TIGHTLY_COUPLED_TEAMS: Rule = Rule {
    code: code("OWN009", "tightly-coupled-teams", Severity::Note, "A component that talks more to another team's components than to its own team's."),
    category: Category::Ownership,
    explanation: "When most of a component's links go to the components of one other team, the two teams cannot change or release independently: every change needs a meeting (Conway's law in reverse). Either the component belongs to the other team, or the boundary between the teams is cut in the wrong place. The rule is conservative: it counts distinct neighbours over direct links in both directions, needs at least `min-links` of them in the other team and strictly more than twice the neighbours in the component's own team, skips components that are the only one of their team, and skips edge components whose job is to route to others (gateways, proxies, load balancers, WAFs, frontends, mobile apps).",
    bad: "team checkout\nteam billing\ncomponent orders {\n  owner checkout\n  uses invoices sync { timeout 1s circuit-breaker }\n  uses ledger sync { timeout 1s circuit-breaker }\n  uses tax sync { timeout 1s circuit-breaker }\n  uses fx sync { timeout 1s circuit-breaker }\n}\ncomponent carts {\n  owner checkout\n  standalone\n}\ncomponent invoices {\n  owner billing\n}\ncomponent ledger {\n  owner billing\n}\ncomponent tax {\n  owner billing\n}\ncomponent fx {\n  owner billing\n}\n",
    good: "team checkout\nteam billing\ncomponent orders {\n  owner billing\n  uses invoices sync { timeout 1s circuit-breaker }\n  uses ledger sync { timeout 1s circuit-breaker }\n  uses tax sync { timeout 1s circuit-breaker }\n  uses fx sync { timeout 1s circuit-breaker }\n}\ncomponent carts {\n  owner checkout\n  standalone\n}\ncomponent invoices {\n  owner billing\n}\ncomponent ledger {\n  owner billing\n}\ncomponent tax {\n  owner billing\n}\ncomponent fx {\n  owner billing\n}\n",
    options: &[TIGHTLY_COUPLED_TEAMS_MIN_LINKS],
    run: tightly_coupled_teams,
};

fn tightly_coupled_teams(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    const EDGE_KINDS: &[&str] = &["gateway", "proxy", "waf", "load-balancer", "frontend", "mobile", "spa", "desktop"];
    let min = cx.option(&TIGHTLY_COUPLED_TEAMS_MIN_LINKS).max(1) as usize;
    let deps = &cx.facts.deps;
    // The team of every component, looked up once, and how many components each team has.
    let n = cx.model.elements.len();
    let mut teams: Vec<Option<ElementId>> = vec![None; n];
    let mut members: Vec<usize> = vec![0; n];
    for (id, _) in cx.of_kind(DeclKind::Component) {
        if let Some(t) = team_of(cx, id) {
            teams[id.0 as usize] = Some(t);
            if let Some(m) = members.get_mut(t.0 as usize) {
                *m += 1;
            }
        }
    }
    let team = |id: ElementId| teams.get(id.0 as usize).copied().flatten();
    let is_dependency_between_components = |i: usize| {
        let l = &cx.facts.links[i];
        deps.is_dependency(i) && is_user(cx, l.from, DeclKind::Component) && is_user(cx, l.to, DeclKind::Component)
    };
    // Distinct component neighbours in either direction, each with the first link between them,
    // gathered per component from its own links rather than by sorting every link of the model.
    let mut around: Vec<(ElementId, usize)> = Vec::new();
    // The neighbours of one component by team (team, neighbour, span), reused for every component.
    let mut by_team: Vec<(ElementId, ElementId, Span)> = Vec::new();
    for (c, _) in cx.of_kind(DeclKind::Component) {
        // The cheap per-component tests first; the `kind` word is read from the model.
        let Some(mine) = team(c) else { continue };
        if members.get(mine.0 as usize).copied().unwrap_or(0) < 2 {
            continue;
        }
        let v = c.0 as usize;
        around.clear();
        let out = cx.facts.outgoing.list(v).iter().map(|&i| (cx.facts.links[i].to, i));
        let inn = cx.facts.incoming.list(v).iter().map(|&i| (cx.facts.links[i].from, i));
        around.extend(out.chain(inn).filter(|&(_, i)| is_dependency_between_components(i)));
        if around.is_empty() || cx.kind_word(c).is_some_and(|k| EDGE_KINDS.contains(&k)) {
            continue;
        }
        around.sort_unstable();
        around.dedup_by_key(|(n, _)| *n);
        by_team.clear();
        by_team.extend(around.iter().filter_map(|&(n, i)| Some((team(n)?, n, cx.facts.links[i].span))));
        // Stable: each team's neighbours stay in id order.
        by_team.sort_by_key(|(t, _, _)| *t);
        let runs = || by_team.chunk_by(|a, b| a.0 == b.0);
        let own = runs().find(|run| run[0].0 == mine).map_or(0, <[_]>::len);
        // The other team with the most neighbours; ties go to the first by id.
        let Some(run) =
            runs().filter(|run| run[0].0 != mine).max_by_key(|run| (run.len(), std::cmp::Reverse(run[0].0)))
        else {
            continue;
        };
        if run.len() < min || run.len() <= 2 * own {
            continue;
        }
        let other = &run[0].0;
        let list: Vec<(ElementId, Span)> = run.iter().map(|(_, n, span)| (*n, *span)).collect();
        let mut d = cx.finding(
            &TIGHTLY_COUPLED_TEAMS,
            format!(
                "`{}` of team `{}` talks to {} of team `{}` and {} of its own",
                cx.name(c),
                cx.name(mine),
                count(list.len(), "component"),
                cx.name(*other),
                own
            ),
            cx.span_of(c),
            format!("coupled to team `{}`", cx.name(*other)),
            &[c, *other],
        );
        for (n, span) in list.iter().take(5) {
            d = d.with_secondary(*span, format!("`{}` of team `{}`", cx.name(*n), cx.name(*other)));
        }
        acc.push(d.with_help(format!(
            "consider moving `{}` to team `{}`, or redraw the boundary between the two teams",
            cx.name(c),
            cx.name(*other)
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    #[test]
    fn single_component_teams_and_gateways_are_not_tightly_coupled() {
        let others = "team t\nteam u\ncomponent w { owner u }\ncomponent x { owner u }\ncomponent y { owner u }\ncomponent z { owner u }\n";
        let caller = |kind: &str, teammate: bool| {
            let mate = if teammate { "component h {\n  owner t\n  standalone\n}\n" } else { "" };
            format!("{others}{mate}component g {{\n  owner t\n  kind {kind}\n  uses w sync\n  uses x sync\n  uses y sync\n  uses z sync\n}}\n")
        };
        assert!(findings("OWN009", &caller("gateway", true)).is_empty());
        assert!(findings("OWN009", &caller("service", false)).is_empty());
        assert_eq!(
            findings("OWN009", &caller("service", true)),
            vec!["`g` of team `t` talks to 4 components of team `u` and 0 of its own [g,u]"]
        );
    }
}
