//! Meta-tests over the whole catalog: the registry is sorted and unique, every control is
//! documented, mapped to real framework ids and backed by fixtures, and every control copes with
//! every fixture and with deleted or out-of-scope resources.

mod support;

use std::collections::BTreeSet;

use ourside_core::control::Check;
use ourside_core::control::Control;
use ourside_core::document::{self, Content, Hints};
use ourside_core::engine::Evaluator;
use ourside_core::facts::AccountState;
use ourside_core::frameworks::{cis_recommendation_exists, nist_title, security_hub_control};
use ourside_core::params::Params;
use ourside_core::registry::{self, CONTROLS};
use ourside_core::verdict::MAX_ANNOTATION_BYTES;
use ourside_core::{Compliance, ConfigurationItem, ResourceType, Trigger};

#[test]
fn ids_are_unique_and_sorted() {
    let keys: Vec<_> = CONTROLS.iter().map(|c| Control::sort_key(c.id)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        keys, sorted,
        "registry must be sorted by (service, number) with no duplicates"
    );
    for control in CONTROLS {
        assert!(registry::find(control.id).is_some_and(|c| std::ptr::eq(c, *control)));
        let (service, number) = control.id.split_once('.').expect("ids look like Service.N");
        assert!(
            !service.is_empty() && service.chars().all(|c| c.is_ascii_alphanumeric()),
            "{}",
            control.id
        );
        let digits = number.strip_prefix('X').unwrap_or(number);
        assert!(
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            control.id
        );
    }
}

#[test]
fn metadata_is_complete_and_mappings_name_real_ids() {
    for c in CONTROLS {
        let id = c.id;
        assert!(!c.title.is_empty() && c.title.len() <= 256, "{id}: title");
        for heading in ["What it checks", "Why it matters", "How to fix"] {
            let text = c.doc_section(heading).unwrap_or_default();
            assert!(
                text.len() > 20,
                "{id}: doc comment needs a '## {heading}' section"
            );
        }
        assert!(!c.resource_types.is_empty(), "{id}: resource types");
        assert!(
            c.remediation.url.starts_with("https://"),
            "{id}: remediation URL"
        );
        assert!(c.remediation.text.len() > 20, "{id}: remediation text");
        let project_id = id.split_once('.').is_some_and(|(_, n)| n.starts_with('X'));
        match c.mappings.security_hub {
            Some(sh) => {
                assert!(
                    security_hub_control(sh).is_some(),
                    "{id}: unknown Security Hub control {sh}"
                );
                assert!(
                    project_id || sh == id,
                    "{id}: a control with a Security Hub id must use it as its own id"
                );
            }
            None => assert!(
                project_id,
                "{id}: only project (X) ids may lack a Security Hub mapping"
            ),
        }
        for cis in c.mappings.cis {
            assert!(cis_recommendation_exists(cis), "{id}: unknown {cis}");
        }
        for nist in c.mappings.nist {
            assert!(
                nist_title(nist).is_some(),
                "{id}: unknown NIST SP 800-53 r5 id {nist}"
            );
        }
        let names: BTreeSet<_> = c
            .params
            .iter()
            .map(|p| p.name.to_ascii_lowercase())
            .collect();
        assert_eq!(
            names.len(),
            c.params.len(),
            "{id}: duplicate parameter names"
        );
        for spec in c.params {
            assert!(
                spec.parse(spec.default).is_ok(),
                "{id}: default of {} does not parse",
                spec.name
            );
            assert!(
                !spec.help.is_empty(),
                "{id}: parameter {} needs help text",
                spec.name
            );
        }
        let _ = Params::defaults(c.params);
    }
}

#[test]
fn every_control_has_compliant_and_non_compliant_fixtures() {
    let cases = support::cases();
    let ids: BTreeSet<&str> = CONTROLS.iter().map(|c| c.id).collect();
    for case in &cases {
        assert!(
            ids.contains(case.control_id.as_str()),
            "fixtures for unknown control {}",
            case.control_id
        );
    }
    for c in CONTROLS.iter().filter(|c| c.trigger == Trigger::Change) {
        for verdict in [Compliance::Compliant, Compliance::NonCompliant] {
            assert!(
                cases
                    .iter()
                    .any(|k| k.control_id == c.id && k.expected == verdict),
                "{}: needs a fixture in tests/fixtures/{}/{}/",
                c.id,
                c.id,
                verdict.folder()
            );
        }
    }
}

fn is_account_level(control: &Control) -> bool {
    matches!(control.check, Check::Account(..))
}

/// Account-level controls run on a schedule from facts fetched by API, say which, and judge
/// nothing from configuration items.
#[test]
fn account_level_controls_are_periodic_and_name_their_facts() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    for c in CONTROLS.iter().filter(|c| is_account_level(c)) {
        assert_eq!(c.trigger, Trigger::Periodic, "{}", c.id);
        assert!(!c.check.needs().is_empty(), "{}: names no fact", c.id);
        for rt in c.resource_types {
            let item = synthetic_item(rt.config_name(), "OK", "{}");
            assert!(
                evaluator
                    .evaluate(&item, false)
                    .iter()
                    .all(|e| e.control.id != c.id),
                "{}: judged a configuration item",
                c.id
            );
        }
    }
}

/// With nothing fetched, every account-level control reports one input error for the account
/// instead of a verdict (or a panic).
#[test]
fn account_level_controls_report_missing_facts_as_errors() {
    let state = AccountState::new("111122223333", "eu-west-1", support::now());
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let judged = evaluator.evaluate_account(&state);
    for c in CONTROLS.iter().filter(|c| is_account_level(c)) {
        let mine: Vec<_> = judged.iter().filter(|(k, _)| k.id == c.id).collect();
        assert_eq!(mine.len(), 1, "{}", c.id);
        let (_, judgement) = mine[0];
        assert_eq!(
            judgement.subject.resource_type,
            ResourceType::Account,
            "{}",
            c.id
        );
        assert_eq!(judgement.subject.resource_id, "111122223333");
        let error = judgement.outcome.as_ref().expect_err(c.id);
        assert!(error.message.contains("not fetched"), "{}: {error}", c.id);
    }
}

/// A minimal item of `resource_type` with the given status and configuration text.
fn synthetic_item(resource_type: &str, status: &str, configuration: &str) -> ConfigurationItem {
    ConfigurationItem::parse(&format!(
        r#"{{"resourceType":"{resource_type}","resourceId":"r-1","accountId":"111122223333","awsRegion":"eu-west-1",
            "configurationItemStatus":"{status}","configuration":{configuration},"supplementaryConfiguration":{{}}}}"#
    ))
    .unwrap()
}

#[test]
fn deleted_unrecorded_and_out_of_scope_resources_are_not_applicable() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    // Settled without any fetched data: a deleted resource costs no API call.
    let nothing_fetched = ourside_core::facts::Enrichment::default();
    for c in CONTROLS.iter().filter(|c| !is_account_level(c)) {
        for rt in c.resource_types {
            for (status, configuration) in [
                ("ResourceDeleted", "null"),
                ("ResourceDeleted", "\"null\""),
                ("ResourceDeletedNotRecorded", "null"),
                ("ResourceNotRecorded", "null"),
            ] {
                let item = synthetic_item(rt.config_name(), status, configuration);
                let evaluation = evaluator
                    .evaluate_enriched(&item, false, &nothing_fetched)
                    .into_iter()
                    .find(|e| e.control.id == c.id)
                    .unwrap_or_else(|| panic!("{}: no evaluation for {rt}", c.id));
                let verdict = evaluation
                    .outcome
                    .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                assert_eq!(
                    verdict.compliance,
                    Compliance::NotApplicable,
                    "{} {rt} {status}",
                    c.id
                );
                assert!(
                    verdict.annotation.contains(status),
                    "{}: {}",
                    c.id,
                    verdict.annotation
                );
            }
            let item = synthetic_item(rt.config_name(), "OK", "{}");
            let verdict = evaluator
                .evaluate_enriched(&item, true, &nothing_fetched)
                .into_iter()
                .find(|e| e.control.id == c.id)
                .unwrap()
                .outcome
                .unwrap();
            assert_eq!(
                verdict.compliance,
                Compliance::NotApplicable,
                "{} eventLeftScope",
                c.id
            );
        }
    }
}

/// Every control against every fixture item of its types: never a panic, always an annotation
/// Config accepts (1 to 256 bytes, cut on a character boundary).
#[test]
fn every_control_copes_with_every_fixture() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let mut evaluated = 0;
    for case in support::cases() {
        let text = std::fs::read_to_string(&case.path).unwrap();
        let (text, enrichment) = support::unwrap_enriched(&text).unwrap();
        let enrichment = enrichment.unwrap_or_default();
        for entry in document::read(&text, &Hints::default()).unwrap() {
            let Content::Item {
                item, left_scope, ..
            } = entry.content
            else {
                continue;
            };
            for evaluation in evaluator.evaluate_enriched(&item, left_scope, &enrichment) {
                evaluated += 1;
                if let Ok(verdict) = evaluation.outcome {
                    let a = &verdict.annotation;
                    assert!(
                        !a.is_empty() && a.len() <= MAX_ANNOTATION_BYTES,
                        "{}: {a:?}",
                        evaluation.control.id
                    );
                }
            }
        }
    }
    assert!(evaluated > 0);
}

/// The change-triggered function runs item checks, the periodic function account-level and
/// listed checks: the trigger says which function a control's rule goes to.
#[test]
fn the_trigger_says_which_function_runs_a_control() {
    use ourside_core::control::Check;
    for c in CONTROLS {
        let periodic_check = matches!(c.check, Check::Account(..) | Check::Listed(..));
        assert_eq!(
            c.trigger == Trigger::Periodic,
            periodic_check,
            "{}: trigger {:?} but {:?}",
            c.id,
            c.trigger,
            c.check
        );
    }
}
