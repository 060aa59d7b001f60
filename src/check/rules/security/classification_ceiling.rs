//! SEC007 classification-ceiling: Data goes where its classification is not allowed.

use rustc_hash::FxHashSet;

use super::{attr_span, class_word, code, data_list, el, group_by_link, is_store_kind, q, Memo};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lang::Classification;
use crate::semantic::model::{ElementId, Val};
use crate::source::Span;
use crate::syntax::schema::DeclKind;

pub static CLASSIFICATION_CEILING: Rule = Rule {
    code: code("SEC007", "classification-ceiling", Severity::Error, "Data goes where its classification is not allowed."),
    category: Category::Security,
    explanation: "A `max-classification` sets the most sensitive data an element may see: on an enclosing zone, and on the element itself, else on the security profiles it follows (the most permissive of its own profiles, else of its system's: a profile says what its controls are adequate for). A link that carries data classified above the ceiling of either end, or a component that owns, a datastore or cache that holds, or a queue or topic that carries such data, leaks it to a place that was not secured for it (pytm data leak DS06). Each link and each declaration is reported once; a link end that itself declares the data is covered by that declaration's finding. Unclassified data is SEC009's. Fix it by keeping the data out (tokenise, aggregate or drop fields), or by raising the ceiling when the place really is secured for it.",
    bad: "zone partner {\n  max-classification internal\n}\ndata Card {\n  classification restricted\n}\ncomponent payments {\n  uses reporting sync { protocol https auth mtls carries Card timeout 1s circuit-breaker }\n}\ncomponent reporting {\n  zone partner\n}\n",
    good: "zone partner {\n  max-classification internal\n}\ndata Card {\n  classification restricted\n}\ndata CardSummary {\n  classification internal\n}\ncomponent payments {\n  owns Card\n  uses reporting sync { protocol https auth mtls carries CardSummary timeout 1s circuit-breaker }\n}\ncomponent reporting {\n  zone partner\n}\n",
    options: &[],
    run: classification_ceiling,
};

/// A classification ceiling: (rank, where it is declared, span of the declaration).
type Ceiling = Option<(usize, ElementId, Span)>;

fn max_class_of(cx: &Ctx<'_>, holder: ElementId) -> Option<(usize, ElementId, Span)> {
    let e = el(cx, holder)?;
    let r = e.word("max-classification").and_then(Classification::parse).map(Classification::rank)?;
    Some((r, holder, attr_span(e, "max-classification")))
}

/// The ceiling of an element: the tightest of its zones' ceilings and of the most specific
/// statement about the element itself: its own `max-classification`, else its profiles', else
/// its system's profiles'. Profiles say what their controls are adequate for, so an element
/// meeting several is adequate for the highest of them.
/// `zones` keeps the tightest ceiling of each zone's chain, by zone index, as many elements
/// share a zone; `systems` keeps what each system's profiles allow, by system index.
fn ceiling_of(cx: &Ctx<'_>, id: ElementId, zones: &mut Memo<Ceiling>, systems: &mut Memo<Ceiling>) -> Ceiling {
    let e = el(cx, id)?;
    // The tightest limit, by rank then holder; built without collecting, as every component and
    // store is asked.
    let mut tightest: Ceiling = None;
    let mut consider = |c: (usize, ElementId, Span)| {
        if tightest.is_none_or(|t| (c.0, c.1) < (t.0, t.1)) {
            tightest = Some(c);
        }
    };
    if let Some(z) = cx.facts.zone_of(id) {
        let of_zone = zones.get(z, || {
            cx.zones
                .chain(z)
                .into_iter()
                .filter_map(|z| max_class_of(cx, z))
                .min_by_key(|(rank, holder, _)| (*rank, *holder))
        });
        if let Some(c) = of_zone {
            consider(c);
        }
    }
    let by_profiles = |profiles: &mut dyn Iterator<Item = ElementId>| {
        profiles.filter_map(|p| max_class_of(cx, p)).max_by_key(|(r, p, _)| (*r, std::cmp::Reverse(*p)))
    };
    let specific = if e.kind == DeclKind::Zone { None } else { max_class_of(cx, id) };
    let specific = specific.or_else(|| by_profiles(&mut e.references("profile"))).or_else(|| {
        let system = cx.facts.system_of(id)?;
        systems.get(system, || el(cx, system).and_then(|s| by_profiles(&mut s.references("profile"))))
    });
    if let Some(c) = specific {
        consider(c);
    }
    tightest
}

fn ceiling_holder(cx: &Ctx<'_>, holder: ElementId) -> String {
    match cx.kind(holder) {
        Some(DeclKind::Zone) => format!("zone {}", q(cx, holder)),
        Some(DeclKind::Profile) => format!("profile {}", q(cx, holder)),
        _ => q(cx, holder),
    }
}

fn classification_ceiling(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let (mut zones, mut systems) = (Memo::new(cx), Memo::new(cx));
    // Worked out for the elements asked about only: components, stores and link ends.
    let mut ceilings = Memo::new(cx);
    let mut ceiling = |id: ElementId| ceilings.get(id, || ceiling_of(cx, id, &mut zones, &mut systems));
    // Declarations: what a component owns, a store holds or a broker carries.
    let mut declared: FxHashSet<(ElementId, ElementId)> = FxHashSet::default();
    for (id, e) in cx.user_elements_where(|k| k == DeclKind::Component || is_store_kind(Some(k))) {
        let Some((max, holder, span)) = ceiling(id) else { continue };
        for name in ["owns", "holds", "carries"] {
            for a in e.attrs_named(name) {
                for v in a.values() {
                    let Val::Ref(d) = v.val else { continue };
                    // Only pairs above the ceiling are kept: the links below ask about no other.
                    let Some(c) = cx.classification(d).filter(|c| *c > max) else { continue };
                    if !declared.insert((id, d)) {
                        continue;
                    }
                    acc.push(
                        cx.finding(
                            &CLASSIFICATION_CEILING,
                            format!(
                                "{} {name} {} ({}) above the {} ceiling of {}",
                                q(cx, id),
                                q(cx, d),
                                class_word(c),
                                class_word(max),
                                ceiling_holder(cx, holder)
                            ),
                            v.span_in(e.file),
                            format!("{} data", class_word(c)),
                            &[id, d],
                        )
                        .with_secondary(span, format!("allows at most {}", class_word(max)))
                        .with_help(format!(
                            "move {} where {} data is allowed, or raise the ceiling if this place is secured for it",
                            q(cx, d),
                            class_word(c)
                        )),
                    );
                }
            }
        }
    }
    let mut problems = Vec::new();
    for l in &cx.facts.links {
        // The violated end with the lowest ceiling, skipping ends that declare the data.
        let mut worst: Option<(usize, ElementId, Span, ElementId, Vec<ElementId>)> = None;
        for end in [l.from, l.to] {
            let Some((max, holder, span)) = ceiling(end) else { continue };
            let over: Vec<ElementId> = l
                .carries
                .iter()
                .copied()
                .filter(|d| cx.classification(*d).is_some_and(|c| c > max) && !declared.contains(&(end, *d)))
                .collect();
            if over.is_empty() || worst.as_ref().is_some_and(|w| w.0 <= max) {
                continue;
            }
            worst = Some((max, holder, span, end, over));
        }
        let Some(worst) = worst else { continue };
        problems.push((l, worst));
    }
    // A link stated as a `uses` and as steps of flows is one problem, reported once at the `uses`
    // with every datum above the ceiling that any of its places carries.
    for g in group_by_link(problems) {
        let (l, (max, holder, span, end, _)) = g.primary();
        let (max, holder, span, end) = (*max, *holder, *span, *end);
        let mut over: Vec<ElementId> =
            g.places.iter().filter(|(_, w)| w.3 == end).flat_map(|(_, w)| w.4.iter().copied()).collect();
        over.sort();
        over.dedup();
        let holder_desc =
            if holder == end { q(cx, end) } else { format!("{} for {}", ceiling_holder(cx, holder), q(cx, end)) };
        let d = cx
            .finding(
                &CLASSIFICATION_CEILING,
                format!("{} carries {} above the {} ceiling of {holder_desc}", g.name(cx), data_list(cx, &over), class_word(max)),
                l.span,
                "data above the ceiling",
                &g.subjects(),
            )
            .with_secondary(span, format!("allows at most {}", class_word(max)))
            .with_help(format!("keep {} out of this link (tokenise, aggregate or drop it), or raise the ceiling if {} is secured for it", data_list(cx, &over[..1]), q(cx, end)));
        acc.push(g.finish(cx, d));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count, findings};

    #[test]
    fn sec007_a_link_stated_as_uses_and_as_a_step_is_one_finding() {
        let text = "zone low {\n  max-classification internal\n}\ndata Card {\n  classification restricted\n}\ncomponent pay {\n  owns Card\n  uses ledger sync { protocol https auth mtls carries Card timeout 1s circuit-breaker }\n}\ncomponent ledger {\n  zone low\n}\nflow charge {\n  pay -> ledger https auth mtls carries Card\n}\n";
        assert_eq!(findings("SEC007", text).len(), 1, "{:?}", findings("SEC007", text));
    }

    #[test]
    fn sec007_nested_zone_ceiling_and_declarations() {
        let text = "zone outer {\n  max-classification internal\n  zone inner {\n    trust high\n  }\n}\ndata Card {\n  classification restricted\n}\ndatastore cards {\n  zone inner\n  holds Card\n}\ncomponent pay {\n  owns Card\n  uses cards { protocol postgres-tls auth basic carries Card }\n}\n";
        let f = findings("SEC007", text);
        // The store's holding is reported; the link's end at the store is covered by it.
        assert_eq!(
            f,
            vec!["SEC007@cards@Card: `cards` holds `Card` (restricted) above the internal ceiling of zone `outer`"]
        );
    }

    #[test]
    fn sec007_profile_ceiling_of_the_system() {
        let text = "profile low {\n  max-classification internal\n}\nsystem shop {\n  profile low\n}\ndata Card {\n  classification restricted\n}\ncomponent a {\n  uses b sync { protocol https auth mtls carries Card }\n}\ncomponent b {\n  system shop\n}\n";
        let f = findings("SEC007", text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("profile `low` for `b`"), "{f:?}");
    }

    #[test]
    fn sec007_specific_statements_override_system_profiles_but_zones_still_limit() {
        let model = |store_extra: &str| {
            format!("profile base {{\n  max-classification confidential\n}}\nprofile pci {{\n  max-classification restricted\n}}\nsystem pay {{\n  profile base\n}}\nzone cde {{\n  max-classification restricted\n}}\ndata Card {{\n  classification restricted\n}}\ncomponent vault_svc {{\n  system pay\n  zone cde\n  profile base, pci\n  uses vault_db {{ protocol postgres-tls auth mtls carries Card }}\n}}\ndatastore vault_db {{\n  system pay\n  zone cde\n  holds Card\n{store_extra}}}\n")
        };
        // The store can name no profile: its system's profile applies until it says otherwise.
        assert_eq!(findings("SEC007", &model("")), vec!["SEC007@vault_db@Card: `vault_db` holds `Card` (restricted) above the confidential ceiling of profile `base`"]);
        assert_eq!(count("SEC007", &model("  max-classification restricted\n")), 0);
        let zone_limits = model("  max-classification restricted\n")
            .replace("zone cde {\n  max-classification restricted", "zone cde {\n  max-classification confidential");
        assert_eq!(count("SEC007", &zone_limits), 2, "the zone limits both the holding and the component's link");
    }
}
