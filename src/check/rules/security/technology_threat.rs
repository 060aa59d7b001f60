//! SEC022 technology-threat: An element is exposed to a threat its technology brings (from the threat catalogue).
//!
//! The catalogue is data: `threat` declarations (std/threats.arch, imported with `import
//! std.threats`, or the workspace's own) name a STRIDE category, a CWE and the surfaces they apply
//! to; which elements have which surface is a derived fact (`facts::threat_surfaces`).

use super::{code, q};
use crate::analysis::facts::{self, Surface};
use crate::check::{Category, Ctx, Rule};
use crate::diagnostics::{Diagnostic, Severity};
use crate::semantic::model::{Element, ElementId, Val};
use crate::syntax::literal::Literal;
use crate::syntax::schema::DeclKind;

pub static TECHNOLOGY_THREAT: Rule = Rule {
    code: code("SEC022", "technology-threat", Severity::Note, "An element is exposed to a threat its technology brings (from the threat catalogue)."),
    category: Category::Security,
    explanation: "A `threat` of the catalogue applies to an element of the model because of what the element does: a web application people reach (cross-site scripting, request forgery), a client of a database, directory or search engine (injection), a client of a file store (path traversal), a service making outgoing HTTP calls (request forgery from the server side), an XML accepter (external entities), a component taking file uploads (unchecked files), a source repository or build pipeline (backdooring, leaked secrets), a container platform (escape), a container on one (a backdoored base image). These are not defects of the model but the threat list a review walks through, as Threagile's technology-derived risks are: each names its STRIDE category and CWE, and appears as a note (raise the level in `[rules]` to make them gate). `import std.threats` brings the standard catalogue; a workspace may declare its own `threat`s or replace one by name. Mark a threat mitigated, with how, by accepting its finding: `accept SEC022@<element>@<threat> \"how it is mitigated\"`; the report's threat model lists it as mitigated with that reason.",
    bad: "threat xss \"Cross-site scripting\" {\n  stride tampering\n  cwe 79\n  applies-to web-application\n  mitigation \"Escape all output by context and set a Content-Security-Policy.\"\n}\ncomponent site {\n  kind frontend\n  standalone\n}\n",
    good: "threat xss \"Cross-site scripting\" {\n  stride tampering\n  cwe 79\n  applies-to web-application\n  mitigation \"Escape all output by context and set a Content-Security-Policy.\"\n}\ncomponent site {\n  kind frontend\n  standalone\n}\naccept SEC022@site@xss \"templates auto-escape and a strict CSP is set\"\n",
    options: &[],
    run: technology_threat,
};

/// A catalogue entry as the rule reads it.
pub struct Threat<'m> {
    pub id: ElementId,
    pub element: &'m Element,
    pub stride: Option<&'m str>,
    pub cwe: Option<u64>,
    pub applies_to: Vec<&'m str>,
}

impl<'m> Threat<'m> {
    pub fn of(element: &'m Element, id: ElementId) -> Option<Threat<'m>> {
        if element.kind != DeclKind::Threat {
            return None;
        }
        let cwe = match element.value("cwe") {
            Some(Val::Lit(Literal::Int(n))) => Some(*n),
            _ => None,
        };
        let applies_to =
            element.attrs_named("applies-to").flat_map(|a| a.values()).filter_map(|v| v.val.word()).collect();
        Some(Threat { id, element, stride: element.word("stride"), cwe, applies_to })
    }

    /// "cross-site scripting (CWE-79, tampering)": the label in running text, acronyms kept.
    pub fn describe(&self, name: &str) -> String {
        let label = self.element.label.as_deref().unwrap_or(name);
        // Lower-case a capitalised first word ("Cross-site"), never an acronym or brand ("SQL", "GraphQL").
        let first_word = label.split_whitespace().next().unwrap_or("");
        let title = match label.chars().next() {
            Some(first) if first_word.chars().skip(1).all(|c| !c.is_uppercase()) => {
                format!("{}{}", first.to_lowercase(), &label[first.len_utf8()..])
            }
            _ => label.to_string(),
        };
        let mut tags: Vec<String> = Vec::new();
        if let Some(c) = self.cwe {
            tags.push(format!("CWE-{c}"));
        }
        if let Some(s) = self.stride {
            tags.push(s.to_string());
        }
        if tags.is_empty() {
            title.to_string()
        } else {
            format!("{title} ({})", tags.join(", "))
        }
    }
}

/// How a surface reads in a message: "a web application people reach through `lb`".
fn surface_phrase(cx: &Ctx<'_>, s: &Surface) -> String {
    let by = s.because_of.map(|b| q(cx, b)).unwrap_or_default();
    match (s.name, s.because_of) {
        ("web-application", Some(_)) => format!("a web application that {by} reaches"),
        ("web-application", None) => "a web application".into(),
        ("database-client", _) => format!("a client of database {by}"),
        ("directory-client", _) => format!("a client of directory {by}"),
        ("search-client", _) => format!("a client of search engine {by}"),
        ("file-store-client", _) => format!("a client of file store {by}"),
        ("outgoing-http", _) => format!("a caller of {by} over HTTP"),
        ("xml-accepter", _) => format!("an XML accepter through {by}"),
        ("file-accepter", _) => format!("a file accepter through {by}"),
        ("source-repository", _) => "a source repository".into(),
        ("build-pipeline", _) => "a build pipeline".into(),
        ("container-platform", _) => "a container platform".into(),
        ("container-workload", _) => format!("a container on {by}"),
        (other, _) => other.to_string(),
    }
}

fn technology_threat(cx: &Ctx<'_>, acc: &mut Vec<Diagnostic>) {
    let threats: Vec<Threat<'_>> = cx.model.iter().filter_map(|(id, e)| Threat::of(e, id)).collect();
    if threats.is_empty() {
        return;
    }
    let all = facts::threat_surfaces(cx.model, cx.facts);
    for ((id, e), surfaces) in cx.model.iter().zip(&all) {
        if surfaces.is_empty() {
            continue;
        }
        for t in &threats {
            let Some(s) = surfaces.iter().find(|s| t.applies_to.contains(&s.name)) else { continue };
            let threat_name = cx.name(t.id);
            let mut d = cx
                .finding(
                    &TECHNOLOGY_THREAT,
                    format!("{} is exposed to {} as {}", q(cx, id), t.describe(&threat_name), surface_phrase(cx, s)),
                    e.name_span,
                    format!("threat `{threat_name}`"),
                    &[id, t.id],
                )
                .with_help(format!(
                    "{} Once it is, record how: `accept SEC022@{}@{threat_name} \"how it is mitigated\"`",
                    t.element.text("mitigation").unwrap_or("Check the element against the threat."),
                    cx.name(id)
                ));
            if let Some(summary) = t.element.text("summary") {
                d = d.with_note(summary.to_string());
            }
            acc.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::findings;

    const CATALOGUE: &str = "threat sqli \"SQL injection\" {\n  stride tampering\n  cwe 89\n  applies-to database-client\n}\nthreat ssrf \"Server-side request forgery\" {\n  stride information-disclosure\n  cwe 918\n  applies-to outgoing-http\n}\nthreat xxe \"XML external entities\" {\n  stride information-disclosure\n  cwe 611\n  applies-to xml-accepter\n}\n";

    #[test]
    fn sec022_surfaces_come_from_links_and_interfaces() {
        let model = format!("{CATALOGUE}component api {{\n  exposes Soap\n  uses db {{ protocol postgres-tls auth basic }}\n  uses hook sync {{ protocol https auth jwt timeout 1s circuit-breaker }}\n}}\ncomponent hook\ndatastore db\ninterface Soap soap {{\n  format xml\n}}\n");
        assert_eq!(
            findings("SEC022", &model),
            vec![
                "SEC022@api@sqli: `api` is exposed to SQL injection (CWE-89, tampering) as a client of database `db`",
                "SEC022@api@xxe: `api` is exposed to XML external entities (CWE-611, information-disclosure) as an XML accepter through `Soap`",
                "SEC022@api@ssrf: `api` is exposed to server-side request forgery (CWE-918, information-disclosure) as a caller of `hook` over HTTP",
            ]
        );
    }

    #[test]
    fn sec022_level_is_configurable_and_accept_marks_it_mitigated() {
        let model = format!(
            "{CATALOGUE}component api {{\n  uses db {{ protocol postgres-tls auth basic }}\n}}\ndatastore db\n"
        );
        let diags = crate::check::registry::check_source_with(&model, "[rules]\nSEC022 = \"warning\"\n");
        let threat: Vec<_> = diags.iter().filter(|d| d.code.id == "SEC022").collect();
        assert_eq!(threat.len(), 1);
        assert_eq!(threat[0].severity, crate::diagnostics::Severity::Warning);
        let mitigated = format!("{model}accept SEC022@api@sqli \"queries are parameterised by the ORM\"\n");
        let diags = crate::check::registry::check_source(&mitigated);
        let d = diags.iter().find(|d| d.code.id == "SEC022").expect("the accepted threat is still reported");
        assert_eq!(
            d.suppression.as_ref().map(|s| s.justification.as_str()),
            Some("queries are parameterised by the ORM")
        );
    }

    #[test]
    fn sec022_containers_are_workloads_of_an_orchestrator_node() {
        let model = "technology k8s {\n  kind orchestrator\n}\nthreat base \"Base image backdooring\" {\n  applies-to container-workload\n}\ncomponent api {\n  standalone\n}\ncomponent batch {\n  standalone\n}\ndeployment prod {\n  node cluster {\n    tech k8s\n    runs api\n  }\n  node vm {\n    runs batch\n  }\n}\n";
        assert_eq!(
            findings("SEC022", model),
            vec!["SEC022@api@base: `api` is exposed to base image backdooring as a container on `prod.cluster`"]
        );
    }

    #[test]
    fn sec022_titles_read_in_running_text() {
        let model = "threat a \"GraphQL batching\" {\n  applies-to web-application\n}\nthreat b \"Cross-site scripting\" {\n  cwe 79\n  applies-to web-application\n}\ncomponent site {\n  kind frontend\n  standalone\n}\n";
        let f = findings("SEC022", model);
        assert!(f[0].contains("exposed to GraphQL batching as"), "{f:?}");
        assert!(f[1].contains("exposed to cross-site scripting (CWE-79) as"), "{f:?}");
    }

    #[test]
    fn sec022_without_a_catalogue_says_nothing() {
        let model = "component api {\n  uses db { protocol postgres-tls auth basic }\n}\ndatastore db\n";
        assert!(findings("SEC022", model).is_empty());
    }
}
