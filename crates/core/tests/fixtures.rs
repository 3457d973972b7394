//! Every fixture gives the verdict its folder names. Each control's annotations, and the
//! Security Hub finding of its first failing fixture, are recorded in a snapshot
//! (`tests/snapshots/fixtures__<ID>.snap`). Every finding the fixtures make is written to
//! `$CARGO_TARGET_TMPDIR/fixture-findings.json`, which `scripts/test` validates against
//! botocore's Security Hub model.

mod support;

use std::collections::BTreeMap;

use ourside_core::asff::{self, Producer};
use ourside_core::{registry, Compliance};
use serde::Serialize;

#[derive(Serialize, Default)]
struct ControlSnapshot {
    verdicts: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finding_preview: Option<asff::Finding>,
}

#[test]
fn every_fixture_gives_the_verdict_its_folder_names() {
    let producer = Producer {
        default_region: Some("us-east-1"),
        now: support::now(),
    };
    let mut failures = Vec::new();
    let mut snapshots: BTreeMap<String, ControlSnapshot> = BTreeMap::new();
    // By finding id: fixtures of one control may describe the same resource.
    let mut findings: BTreeMap<String, asff::Finding> = BTreeMap::new();
    for case in support::cases() {
        let Some(control) = registry::find(&case.control_id) else {
            failures.push(format!("{}: no control with this id", case.path.display()));
            continue;
        };
        let results = match support::evaluate_file(control, &case.path) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", case.path.display()));
                continue;
            }
        };
        if results.is_empty() {
            failures.push(format!(
                "{}: no item {} applies to",
                case.path.display(),
                control.id
            ));
        }
        for (location, subject, outcome) in results {
            let verdict = match outcome {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!(
                        "{}: {location} could not be evaluated: {e}",
                        case.path.display()
                    ));
                    continue;
                }
            };
            if verdict.compliance != case.expected {
                failures.push(format!(
                    "{}: {location} expected {}, got {} ({})",
                    case.path.display(),
                    case.expected,
                    verdict.compliance,
                    verdict.annotation
                ));
            }
            // Sparse fixtures (no account) cannot become findings; the rest must.
            if subject.account_id.is_some() {
                match asff::finding(control, &subject, &verdict, &producer) {
                    Ok(finding) => {
                        findings.insert(finding.id.clone(), finding);
                    }
                    Err(e) => failures.push(format!(
                        "{}: {location} cannot become a finding: {e}",
                        case.path.display()
                    )),
                }
            }
            let snapshot = snapshots.entry(control.id.to_string()).or_default();
            let at = if location.is_empty() {
                case.name()
            } else {
                format!("{} {location}", case.name())
            };
            snapshot.verdicts.insert(
                at,
                format!("{}: {}", verdict.compliance, verdict.annotation),
            );
            if snapshot.finding_preview.is_none() && verdict.compliance == Compliance::NonCompliant
            {
                // Sparse fixtures (no account) cannot become findings; another one will.
                snapshot.finding_preview =
                    asff::finding(control, &subject, &verdict, &producer).ok();
            }
        }
    }
    for (control, snapshot) in &snapshots {
        let fails = snapshot
            .verdicts
            .values()
            .any(|v| v.starts_with("NON_COMPLIANT"));
        if fails && snapshot.finding_preview.is_none() {
            failures.push(format!(
                "{control}: no failing fixture can become a finding (none names an account)"
            ));
        }
    }
    let written = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-findings.json");
    std::fs::write(
        &written,
        serde_json::to_string(&findings.values().collect::<Vec<_>>()).unwrap(),
    )
    .unwrap();
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (control, snapshot) in snapshots {
        insta::assert_yaml_snapshot!(control, snapshot, {
            ".finding_preview.CreatedAt" => "[evaluation time]",
            ".finding_preview.UpdatedAt" => "[evaluation time]",
        });
    }
}
