//! No annotation ever repeats an environment variable's value: every value in every fixture's
//! `Environment` lists (at any depth, inside JSON-encoded strings too) is looked for in the
//! annotations every control gives for that fixture.

mod support;

use ourside_core::document::{self, Content, Hints};
use ourside_core::engine::Evaluator;
use ourside_core::registry::CONTROLS;
use serde_json::Value;

/// Values of `Environment`/`environment` entries, decoding strings that hold JSON.
fn environment_values(value: &Value, inside_environment: bool, found: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let trimmed = text.trim_start();
            if trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"') {
                if let Ok(inner) = serde_json::from_str::<Value>(text) {
                    environment_values(&inner, inside_environment, found);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                environment_values(item, inside_environment, found);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if inside_environment && key.eq_ignore_ascii_case("value") {
                    if let Value::String(v) = item {
                        found.push(v.clone());
                    }
                }
                let environment = key.eq_ignore_ascii_case("environment");
                environment_values(item, environment, found);
            }
        }
        _ => {}
    }
}

#[test]
fn annotations_never_contain_environment_values() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let mut checked = 0;
    for case in support::cases() {
        let text = std::fs::read_to_string(&case.path).unwrap();
        let mut values = Vec::new();
        environment_values(&serde_json::from_str(&text).unwrap(), false, &mut values);
        // Very short values (`8080`, `info`) could appear by coincidence.
        values.retain(|v| v.len() >= 8);
        if values.is_empty() {
            continue;
        }
        for entry in document::read(&text, &Hints::default()).unwrap() {
            let Content::Item {
                item, left_scope, ..
            } = entry.content
            else {
                continue;
            };
            for evaluation in evaluator.evaluate(&item, left_scope) {
                let Ok(verdict) = evaluation.outcome else {
                    continue;
                };
                for value in &values {
                    checked += 1;
                    assert!(
                        !verdict.annotation.contains(value.as_str()),
                        "{} on {}: annotation repeats an environment value: {}",
                        evaluation.control.id,
                        case.path.display(),
                        verdict.annotation
                    );
                }
            }
        }
    }
    assert!(checked > 0, "no fixture has environment values");
}
