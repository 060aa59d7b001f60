//! REL001 spof-on-critical-path: A single instance sits on the synchronous path of a flow of high criticality or above.

use super::{code, critical_waits, deployed_instances, quoted, single_instance};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::ElementId;

pub static SPOF_ON_CRITICAL_PATH: Rule = Rule {
    code: code("REL001", "spof-on-critical-path", Severity::Error, "A single instance sits on the synchronous path of a flow of high criticality or above."),
    category: Category::Reliability,
    explanation: "When a flow the business depends on (`criticality high` or above) waits synchronously on a component, datastore, cache or queue that runs as one instance (`replicas 1`, no replicas declared, or `redundancy none`), one crash, deploy or host failure stops the whole flow. Replicas declared on deployment nodes (`instances`, `autoscale min`) count when the element declares no `replicas`; an explicit `replicas` wins, and a deployment that runs more instances is named in the finding. Apps that run on the users' own devices (`kind spa`, `mobile` or `desktop`) are never single points of failure: every user runs a copy. Steps the flow can do without (`optional`, or `usage devops`, on the step or on the `uses` of the same pair) and what is reached only through them are not on the path. Run the element redundantly, spread across failure domains, or take it off the synchronous path (queue the work, degrade gracefully).",
    bad: "actor customer\ncomponent api { replicas 3 }\ndatastore db\nflow checkout {\n  criticality high\n  customer -> api\n  api -> db\n}\n",
    good: "actor customer\ncomponent api { replicas 3 }\ndatastore db { replicas 2 }\nflow checkout {\n  criticality high\n  customer -> api\n  api -> db\n}\n",
    options: &[],
    run: spof_on_critical_path,
};

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        many.to_string()
    }
}

fn spof_on_critical_path(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let deployed = deployed_instances(cx);
    // Element -> the critical flows waiting on it, each with the first step reaching it.
    let on_path = critical_waits(cx);
    for (el, flows) in (0..on_path.len()).map(|el| (el, on_path.list(el))).filter(|(_, flows)| !flows.is_empty()) {
        let el = ElementId(el as u32);
        let Some(why) = single_instance(cx, &deployed, el) else { continue };
        let names: Vec<ElementId> = flows.iter().map(|(f, _)| *f).collect();
        let mut d = cx.finding(
            &SPOF_ON_CRITICAL_PATH,
            format!(
                "{} `{}` is a single point of failure on critical {} {}",
                cx.kind(el).map_or("element", |k| k.noun()),
                cx.name(el),
                plural(names.len(), "flow", "flows"),
                quoted(cx, &names)
            ),
            cx.span_of(el),
            why,
            &[el],
        );
        for (f, l) in flows.iter().take(3) {
            d = d.with_secondary(l.span, format!("`{}` waits on it here", cx.name(*f)));
        }
        acc.push(d.with_help(format!(
            "run `{}` with `replicas 2` or more across failure domains, or take it off the synchronous path",
            cx.name(el)
        )));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::registry::{findings_of as of, messages_of as messages};

    const CRITICAL_FLOWS: &str = "actor customer
component gateway { kind gateway replicas 2 }
component orders { replicas 1 }
datastore db
cache sessions { replicas 2 }
topic events
component mailer
flow checkout {
  criticality high
  customer -> gateway
  gateway -> orders
  orders -> db
  orders -> sessions
  orders ~> events
  events ~> mailer
}
flow refund {
  criticality critical
  customer -> gateway
  gateway -> orders
}
flow browse {
  criticality medium
  customer -> mailer
}
";

    #[test]
    fn spof_lists_each_element_once_with_its_critical_flows() {
        let d = of("REL001", CRITICAL_FLOWS);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            vec![
                "component `orders` is a single point of failure on critical flows `checkout`, `refund`",
                "datastore `db` is a single point of failure on critical flow `checkout`",
            ]
        );
        assert_eq!(d[0].subjects, vec!["orders".to_string()]);
        assert_eq!(d[0].primary.as_ref().map(|l| l.message.as_str()), Some("1 instance"));
        assert_eq!(d[1].primary.as_ref().map(|l| l.message.as_str()), Some("no replicas declared"));
        // The mailer is only reached asynchronously, and from a medium flow.
    }

    #[test]
    fn spof_counts_redundancy_and_deployed_instances() {
        let text = CRITICAL_FLOWS
            .replace("component orders { replicas 1 }", "component orders { redundancy multi-az }")
            .replace(
                "datastore db",
                "datastore db\ndeployment prod {\n  node db1 { runs db }\n  node db2 { runs db }\n}",
            );
        assert!(of("REL001", &text).is_empty(), "{:?}", messages("REL001", &text));
        let none = CRITICAL_FLOWS.replace("cache sessions { replicas 2 }", "cache sessions { replicas 2 }\n");
        let none = none.replace(
            "component gateway { kind gateway replicas 2 }",
            "component gateway { kind gateway replicas 2 redundancy none }",
        );
        assert!(messages("REL001", &none).iter().any(|m| m.starts_with("component `gateway`")));
    }

    #[test]
    fn explicit_replicas_win_over_deployed_instances() {
        let text = CRITICAL_FLOWS.replace(
            "component mailer",
            "component mailer\ndeployment prod {\n  node pool { instances 3 runs orders }\n}",
        );
        let d = of("REL001", &text);
        let orders = d.iter().find(|d| d.message.starts_with("component `orders`")).expect("orders stays a SPOF");
        assert_eq!(
            orders.primary.as_ref().map(|l| l.message.as_str()),
            Some("`replicas 1`, although a deployment runs 3 instances")
        );
        // Without an explicit count the deployment's instances decide.
        let implicit = text.replace("component orders { replicas 1 }", "component orders");
        assert!(!messages("REL001", &implicit).iter().any(|m| m.starts_with("component `orders`")));
    }

    #[test]
    fn a_replicas_value_that_failed_to_parse_is_not_a_missing_one() {
        let text = CRITICAL_FLOWS.replace("component orders { replicas 1 }", "component orders { replicas 2x }");
        let all = crate::check::registry::check_source(&text);
        let about_orders: Vec<&str> = all.iter().filter(|d| d.message.contains("2x")).map(|d| d.code.id).collect();
        assert_eq!(about_orders, vec!["SYN007"], "the bad value is reported once, by the parser");
        assert!(!messages("REL001", &text).iter().any(|m| m.starts_with("component `orders`")));
    }

    #[test]
    fn apps_on_the_users_devices_need_no_replicas() {
        let text = CRITICAL_FLOWS.replace("actor customer", "actor customer\ncomponent app { kind spa }").replace(
            "flow refund {\n  criticality critical\n  customer -> gateway",
            "flow refund {\n  criticality critical\n  customer -> app\n  app -> gateway",
        );
        assert!(!messages("REL001", &text).iter().any(|m| m.contains("`app`")), "{:?}", messages("REL001", &text));
        for kind in ["mobile", "desktop"] {
            let other = text.replace("kind spa", &format!("kind {kind}"));
            assert!(!messages("REL001", &other).iter().any(|m| m.contains("`app`")));
        }
        // A server-rendered frontend runs on the system's hosts and still needs replicas.
        let server = text.replace("kind spa", "kind frontend");
        assert!(messages("REL001", &server).iter().any(|m| m.starts_with("component `app`")));
    }
}
