//! Shared by the fixture and registry tests: where fixtures live and how one is evaluated.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use ourside_core::asff::Subject;
use ourside_core::document::{self, Content, Hints};
use ourside_core::engine::{Evaluator, Selected};
use ourside_core::facts::{Enrichment, EventInvokeConfig, InstanceInventory};
use ourside_core::{Compliance, Control, Outcome, Timestamp};
use serde_json::Value;

/// Fixtures are judged at a fixed instant, so time-dependent controls give stable verdicts.
pub const NOW: &str = "2026-06-01T00:00:00Z";

pub fn now() -> Timestamp {
    Timestamp::parse(NOW).expect("NOW is a valid timestamp")
}

pub fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// One fixture file: the control it is for and the verdict its folder demands.
#[derive(Debug, Clone)]
pub struct Case {
    pub control_id: String,
    pub expected: Compliance,
    pub path: PathBuf,
}

impl Case {
    pub fn name(&self) -> String {
        format!(
            "{}/{}",
            self.expected.folder(),
            self.path.file_name().unwrap_or_default().to_string_lossy()
        )
    }
}

fn folder_verdict(name: &str) -> Option<Compliance> {
    [
        Compliance::Compliant,
        Compliance::NonCompliant,
        Compliance::NotApplicable,
    ]
    .into_iter()
    .find(|c| c.folder() == name)
}

/// Every fixture, sorted; panics on a folder that is not a verdict, so typos cannot hide cases.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for control_dir in sorted_dir(&fixture_root()) {
        let control_id = control_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        for verdict_dir in sorted_dir(&control_dir) {
            let folder = verdict_dir
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            let expected = folder_verdict(&folder).unwrap_or_else(|| {
                panic!(
                    "{}: folder must be compliant, non_compliant or not_applicable",
                    verdict_dir.display()
                )
            });
            for path in sorted_dir(&verdict_dir) {
                assert_eq!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("json"),
                    "{}: fixtures are .json files",
                    path.display()
                );
                cases.push(Case {
                    control_id: control_id.clone(),
                    expected,
                    path,
                });
            }
        }
    }
    cases
}

pub fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

/// A fixture for a control that needs data fetched by API wraps its input:
/// `{"enrichment": {...}, "document": <item, event or API response>}`. In `enrichment`,
/// `lambdaEnvironment` is an object of variables, `lambdaEventInvoke` is `null` (no
/// configuration) or `{"onFailureDestination": ARN}`, `ssmInventory` is `null` (no inventory
/// item) or `{"instanceStatus": …, "agentVersion": …}`; a key left out was not fetched.
pub fn unwrap_enriched(text: &str) -> Result<(String, Option<Enrichment>), String> {
    let Ok(Value::Object(mut wrapper)) = serde_json::from_str::<Value>(text) else {
        return Ok((text.to_string(), None));
    };
    if wrapper.len() != 2 || !wrapper.contains_key("enrichment") {
        return Ok((text.to_string(), None));
    }
    let document = wrapper
        .remove("document")
        .ok_or("an enriched fixture needs \"document\" beside \"enrichment\"")?;
    let Some(Value::Object(fetched)) = wrapper.remove("enrichment") else {
        return Err("\"enrichment\" must be an object".into());
    };
    let text_of = |v: &Value, key: &str| -> Result<Option<String>, String> {
        match v.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(format!(
                "enrichment {key}: expected a string, found {other}"
            )),
        }
    };
    let mut enrichment = Enrichment::default();
    for (key, value) in &fetched {
        match key.as_str() {
            "lambdaEnvironment" => {
                let Value::Object(vars) = value else {
                    return Err("enrichment.lambdaEnvironment: expected an object".into());
                };
                let mut pairs = Vec::new();
                for (name, v) in vars {
                    let v = v.as_str().ok_or(format!(
                        "enrichment.lambdaEnvironment.{name}: expected a string"
                    ))?;
                    pairs.push((name.clone(), v.to_string()));
                }
                enrichment.lambda_environment = Ok(pairs);
            }
            "lambdaEventInvoke" => {
                enrichment.lambda_event_invoke = Ok(match value {
                    Value::Null => None,
                    v => Some(EventInvokeConfig {
                        on_failure_destination: text_of(v, "onFailureDestination")?,
                    }),
                });
            }
            "ssmInventory" => {
                enrichment.ssm_inventory = Ok(match value {
                    Value::Null => None,
                    v => Some(InstanceInventory {
                        instance_status: text_of(v, "instanceStatus")?,
                        agent_version: text_of(v, "agentVersion")?,
                    }),
                });
            }
            other => return Err(format!("enrichment.{other}: unknown key")),
        }
    }
    Ok((document.to_string(), Some(enrichment)))
}

/// Evaluates `control` on every item of the file, after learning account-level facts from all
/// of them. Parameters come from the rule event when the fixture is one; fetched data from the
/// fixture's `enrichment` when it has one.
pub fn evaluate_file(
    control: &'static Control,
    path: &Path,
) -> Result<Vec<(String, Subject, Outcome)>, String> {
    let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
    let (text, enrichment) = unwrap_enriched(&text)?;
    let entries = document::read(&text, &Hints::default()).map_err(|e| e.to_string())?;
    let mut items = Vec::new();
    for entry in entries {
        match entry.content {
            Content::Item {
                item,
                left_scope,
                rule_parameters,
            } => items.push((entry.location, item, left_scope, rule_parameters)),
            Content::Error(e) => return Err(format!("{}: {e}", entry.location)),
            Content::Skipped(_) => {}
        }
    }
    let mut results = Vec::new();
    for (location, item, left_scope, rule_parameters) in &items {
        let selected =
            Selected::with_params(control, rule_parameters).map_err(|e| e.to_string())?;
        let mut evaluator = Evaluator::new(vec![selected], now());
        for (_, other, _, _) in &items {
            evaluator.learn(other).map_err(|e| e.to_string())?;
        }
        let evaluations = match &enrichment {
            Some(fetched) => evaluator.evaluate_enriched(item, *left_scope, fetched),
            None => evaluator.evaluate(item, *left_scope),
        };
        for evaluation in evaluations {
            results.push((location.clone(), Subject::of(item), evaluation.outcome));
        }
    }
    Ok(results)
}
