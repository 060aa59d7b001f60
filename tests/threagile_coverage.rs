//! Security coverage against Threagile's rule set, on Threagile's own example translated into
//! `tests/data/real/threagile-estate/`: for every Threagile rule that flags the example (applied by
//! hand, see `docs/threagile-coverage.md`), the archc findings that cover it are reported. A rule
//! change that loses one fails here, and the table in the doc stays true.

use std::collections::BTreeSet;
use std::path::Path;

use archc::diagnostics::{Diagnostic, Severity};
use archc::driver::{analyze_paths_with, RunOptions};
use archc::host::FsHost;
use archc::syntax::literal::Literal;

fn estate() -> Vec<Diagnostic> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real/threagile-estate");
    let opts = RunOptions { today: Some(Literal::Date { year: 2026, month: 12, day: 6 }), baseline: None };
    let outcome = analyze_paths_with(&FsHost, &[root], &opts);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    outcome.analyses.into_iter().flat_map(|a| a.diagnostics).collect()
}

/// Threagile rule, and the archc fingerprints that cover each place Threagile flags.
const COVERED: &[(&str, &[&str])] = &[
    ("accidental-secret-leak", &["SEC022@git_repo@accidental_secret_leak"]),
    ("code-backdooring", &["SEC022@git_repo@code_backdooring", "SEC022@jenkins_build_server@code_backdooring"]),
    (
        "cross-site-request-forgery",
        &[
            "SEC022@apache_webserver@cross_site_request_forgery",
            "SEC022@marketing_cms@cross_site_request_forgery",
            "SEC022@erp_system@cross_site_request_forgery",
            "SEC022@identity_provider@cross_site_request_forgery",
        ],
    ),
    (
        "cross-site-scripting",
        &[
            "SEC022@apache_webserver@cross_site_scripting",
            "SEC022@marketing_cms@cross_site_scripting",
            "SEC022@erp_system@cross_site_scripting",
            "SEC022@identity_provider@cross_site_scripting",
        ],
    ),
    (
        "dos-risky-access-across-trust-boundary",
        &["REL004@apache_webserver", "REL004@identity_provider", "REL004@ldap_auth_server", "REL004@erp_system"],
    ),
    ("ldap-injection", &["SEC022@identity_provider@ldap_injection", "SEC022@marketing_cms@ldap_injection"]),
    ("missing-authentication", &["SEC003@erp_system@contract_file_server"]),
    (
        "missing-authentication-second-factor",
        &["SEC014@customer", "SEC014@backoffice_user", "SEC014@backend_admin", "SEC014@external_developer"],
    ),
    ("missing-file-validation", &["SEC022@apache_webserver@missing_file_validation"]),
    ("missing-identity-propagation", &["SEC004@apache_webserver@erp_system"]),
    ("missing-identity-provider-isolation", &["SEC011@identity_provider", "SEC011@ldap_auth_server"]),
    ("missing-vault", &["SEC010@apache_webserver@identity_provider"]),
    (
        "missing-waf",
        &["SEC005@apache_webserver", "SEC005@marketing_cms", "SEC017@erp_system", "SEC017@identity_provider"],
    ),
    ("mixed-targets-on-shared-runtime", &["SEC013@production.webapp_virtualization"]),
    ("path-traversal", &["SEC022@erp_system@path_traversal"]),
    (
        "push-instead-of-pull-deployment",
        &["SEC018@jenkins_build_server@apache_webserver", "SEC018@jenkins_build_server@marketing_cms"],
    ),
    (
        "server-side-request-forgery",
        &["SEC022@load_balancer@server_side_request_forgery", "SEC022@apache_webserver@server_side_request_forgery"],
    ),
    ("sql-nosql-injection", &["SEC022@erp_system@sql_nosql_injection"]),
    (
        "unchecked-deployment",
        &["SEC022@git_repo@unchecked_deployment", "SEC022@jenkins_build_server@unchecked_deployment"],
    ),
    (
        "unencrypted-asset",
        &["SEC008@contract_file_server", "SEC021@git_repo", "SEC021@jenkins_build_server", "SEC021@apache_webserver"],
    ),
    (
        "unencrypted-communication",
        &[
            "SEC001@load_balancer@apache_webserver",
            "SEC001@marketing_cms@ldap_auth_server",
            "SEC001@erp_system@sql_database",
            "SEC001@erp_system@contract_file_server",
        ],
    ),
    ("unguarded-access-from-internet", &["SEC005@git_repo", "SEC005@jenkins_build_server"]),
    ("unguarded-direct-datastore-access", &["SEC006@marketing_cms@ldap_auth_server"]),
    ("untrusted-deserialization", &["SEC015@ErpIntegration"]),
    ("xml-external-entity", &["SEC022@erp_system@xml_external_entity"]),
];

#[test]
fn every_threagile_finding_on_its_example_has_an_archc_counterpart() {
    let diags = estate();
    let found: BTreeSet<String> = diags.iter().filter(|d| d.suppression.is_none()).map(|d| d.fingerprint()).collect();
    let missing: Vec<String> = COVERED
        .iter()
        .flat_map(|(rule, fps)| fps.iter().filter(|f| !found.contains(**f)).map(move |f| format!("{rule}: {f}")))
        .collect();
    assert!(missing.is_empty(), "Threagile findings archc no longer covers: {missing:#?}");
}

#[test]
fn second_factor_findings_name_every_target_threagile_names() {
    let diags = estate();
    let message =
        |fp: &str| diags.iter().find(|d| d.fingerprint() == fp).map(|d| d.message.clone()).unwrap_or_default();
    for (fp, targets) in [
        ("SEC014@backoffice_user", &["erp_system", "marketing_cms"][..]),
        ("SEC014@backend_admin", &["erp_system", "ldap_auth_server"][..]),
        ("SEC014@external_developer", &["git_repo", "jenkins_build_server"][..]),
    ] {
        let m = message(fp);
        for t in targets {
            assert!(m.contains(&format!("`{t}`")), "{fp} does not name {t}: {m}");
        }
    }
}

#[test]
fn technology_threats_are_notes_with_their_cwe_and_leave_errors_alone() {
    let diags = estate();
    let threats: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.id == "SEC022").collect();
    assert!(threats.iter().all(|d| d.severity == Severity::Note), "threats are notes by default");
    // Each threat note carries its CWE and STRIDE category, so SARIF and JSON readers get them.
    assert!(threats.iter().all(|d| d.message.contains("(CWE-")), "a threat without its CWE");
    // Errors stay errors: the threat catalogue adds notes, never changes the structural findings.
    assert!(diags.iter().any(|d| d.severity == Severity::Error && d.code.id == "SEC001"));
}
