//! Every fixture gives the verdict its folder names, and its annotation is recorded in a
//! snapshot per control (`tests/snapshots/`).

mod support;

use std::collections::BTreeMap;

use ourside_core::registry;

#[test]
fn every_fixture_gives_the_verdict_its_folder_names() {
    let mut failures = Vec::new();
    let mut snapshots: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
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
        for (location, outcome) in results {
            let at = if location.is_empty() {
                case.name()
            } else {
                format!("{} {location}", case.name())
            };
            match outcome {
                Ok(verdict) => {
                    if verdict.compliance != case.expected {
                        failures.push(format!(
                            "{}: {location} expected {}, got {} ({})",
                            case.path.display(),
                            case.expected,
                            verdict.compliance,
                            verdict.annotation
                        ));
                    }
                    snapshots.entry(control.id.to_string()).or_default().insert(
                        at,
                        format!("{}: {}", verdict.compliance, verdict.annotation),
                    );
                }
                Err(e) => failures.push(format!(
                    "{}: {location} could not be evaluated: {e}",
                    case.path.display()
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for (control, annotations) in snapshots {
        insta::assert_yaml_snapshot!(control, annotations);
    }
}
