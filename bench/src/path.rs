//! The paths measured, on raw event bytes.

use std::borrow::Cow;

use ourside_core::asff::Subject;
use ourside_core::event::{Message, RuleEvent};
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::registry::CONTROLS;
use ourside_core::rule::RuleInvocation;
use ourside_core::{ConfigurationItem, Evaluator, InputError, Selected, Timestamp, Trigger};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::json;

/// The physical limit on the same bytes: the event and its embedded invoking event read into
/// `IgnoredAny` (every byte looked at, nothing kept).
pub fn parse_ignored(event: &str) -> Result<(), serde_json::Error> {
    #[derive(Deserialize)]
    struct Outer<'a> {
        #[serde(rename = "invokingEvent", borrow)]
        invoking_event: Cow<'a, str>,
        #[serde(flatten)]
        _rest: IgnoredAny,
    }
    let outer: Outer = serde_json::from_str(event)?;
    serde_json::from_str::<IgnoredAny>(&outer.invoking_event)?;
    Ok(())
}

/// Event bytes → typed configuration items (what every invocation starts with).
pub fn parse_items(event: &str) -> Result<Vec<ConfigurationItem>, InputError> {
    let event = RuleEvent::parse(event)?;
    Ok(match event.message {
        Message::ItemChanged(items) => items,
        Message::Oversized(summary) => vec![*summary],
        _ => Vec::new(),
    })
}

/// What one invocation produced.
#[derive(Debug, Default)]
pub struct Judged {
    pub evaluations: usize,
    /// Evaluations that could not be decided (a field that does not fit).
    pub errors: usize,
    /// The PutEvaluations request body.
    pub evaluations_body: String,
    /// One serialised finding record per evaluation.
    pub records: Vec<String>,
}

/// The controls that run on change (one rule each in a deployment).
pub fn change_controls() -> Vec<Selected> {
    CONTROLS
        .iter()
        .filter(|c| c.trigger == Trigger::Change)
        .map(|c| Selected::with_defaults(c))
        .collect()
}

/// The evaluator's path for one event: parse it, run the rule's control (or, with `every`,
/// every change-triggered control, as if each rule had been invoked on an already parsed
/// event), and build what goes out: the PutEvaluations body and the finding records.
/// Oversized notices are parsed only (the deployed evaluator fetches the item by API).
pub fn evaluate_event(
    event: &str,
    every: Option<&Evaluator>,
    now: Timestamp,
) -> Result<Judged, String> {
    let invocation = RuleInvocation::parse(event).map_err(|e| e.to_string())?;
    let items = match &invocation.event.message {
        Message::ItemChanged(items) => items.as_slice(),
        _ => &[],
    };
    let own;
    let evaluator = match every {
        Some(evaluator) => evaluator,
        None => {
            own = Evaluator::new(vec![invocation.rule.selected.clone()], now);
            &own
        }
    };
    let mut judged = Judged::default();
    let mut body = Vec::new();
    for item in items {
        let subject = Subject::of(item);
        let observed = item.capture_time.unwrap_or(now);
        for evaluation in evaluator.evaluate(item, invocation.event.event_left_scope) {
            let verdict = match evaluation.outcome {
                Ok(verdict) => verdict,
                Err(_) => {
                    judged.errors += 1;
                    continue;
                }
            };
            judged.evaluations += 1;
            body.push(json!({
                "ComplianceResourceType": item.resource_type.config_name(),
                "ComplianceResourceId": item.display_id(),
                "ComplianceType": verdict.compliance.as_str(),
                "Annotation": verdict.annotation,
                "OrderingTimestamp": observed.to_string(),
            }));
            let record = FindingRecord::new(
                evaluation.control,
                &subject,
                &verdict,
                observed,
                now,
                Origin::Change,
            );
            judged
                .records
                .push(serde_json::to_string(&record).map_err(|e| e.to_string())?);
        }
    }
    judged.evaluations_body = json!({
        "Evaluations": body,
        "ResultToken": invocation.result_token,
        "TestMode": invocation.result_token == "TESTMODE",
    })
    .to_string();
    Ok(judged)
}
