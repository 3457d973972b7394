//! No credential planted in items (or in a function's environment, which the evaluator reads
//! from Lambda) comes out of the functions: not in Config's annotations, the finding records,
//! the Security Hub findings the publisher builds from them, the alerts the alerter sends for
//! the evaluations, what Lambda is answered, nor the logs at their most verbose level.

mod support;

#[allow(dead_code)]
#[path = "../../../tests/src/planted.rs"]
mod planted;

use std::time::Duration;

use ourside_aws::emulator::{receive_all, run_bootstrap, Moto};
use ourside_aws::memory::{MemoryConfig, MemoryHub, MemoryLambda, MemoryQueue, MemoryTopic};
use ourside_core::registry::CONTROLS;
use ourside_core::{Compliance, ResourceType, Trigger};
use ourside_evaluator::{handle, Services};
use ourside_lambda::events::{sqs_event, ComplianceChange, Rule};
use serde_json::{json, Value};
use support::{change_event, create_function, run};

/// Every change-triggered control on every planted item it judges (and on the secret that does
/// not fit), with the rule parameters that make the detector look hardest; the SSM parameter
/// (which no control judges) goes to a rule whose scope is wider than its control.
fn invocations(token: &str) -> Vec<(&'static str, String, String)> {
    let mut invocations = Vec::new();
    let mut items = planted::items();
    items.push(planted::misplaced_secret("acme/misplaced"));
    for item in items {
        let resource_type = ResourceType::from_config_name(item["resourceType"].as_str().unwrap());
        let resource_id = item["resourceId"].as_str().unwrap().to_string();
        let controls: Vec<_> = CONTROLS
            .iter()
            .filter(|c| c.trigger == Trigger::Change && c.applies_to(&resource_type))
            .collect();
        let controls = if controls.is_empty() {
            vec![&CONTROLS[0]]
        } else {
            controls
        };
        for control in controls {
            let mut params = json!({"controlId": control.id});
            if control
                .params
                .iter()
                .any(|p| p.name == "detectByNameAndEntropy")
            {
                params["detectByNameAndEntropy"] = json!("true");
            }
            invocations.push((
                control.id,
                resource_id.clone(),
                change_event(item.clone(), params, token),
            ));
        }
    }
    invocations
}

fn rule_name(control: &str) -> String {
    format!("ourside-{}", control.replace('.', "-"))
}

/// Lambda.X1 flagged the function and ECS.8 the task definition: every planted variable.
fn assert_secret_paths_ran(judged: &[(String, String, Compliance, String)]) {
    for (control, resource) in [("Lambda.X1", "acme-leaky"), ("ECS.8", "acme-leaky:1")] {
        let (_, _, compliance, annotation) = judged
            .iter()
            .find(|(c, r, _, _)| c == control && r == resource)
            .unwrap_or_else(|| panic!("{control} judged {resource}: {judged:?}"));
        assert_eq!(*compliance, Compliance::NonCompliant, "{annotation}");
        assert!(
            annotation.contains("AWS_ACCESS_KEY_ID"),
            "{control}: {annotation}"
        );
        assert_eq!(
            planted::flagged(annotation),
            planted::credentials().len(),
            "{control}: {annotation}"
        );
    }
}

#[tokio::test]
async fn evaluations_records_findings_and_alerts_carry_no_planted_credential() {
    let config = MemoryConfig::default();
    let lambda = MemoryLambda::default();
    let queue = MemoryQueue::default();
    let function = format!(
        "arn:aws:lambda:{}:{}:function:acme-leaky",
        planted::REGION,
        planted::ACCOUNT
    );
    lambda
        .environments
        .lock()
        .unwrap()
        .insert(function, planted::variables());
    let services = Services {
        config: &config,
        lambda: &lambda,
        evaluations: &config,
        findings: &queue,
    };
    let mut invocations = invocations("token");
    let mut failures = Vec::new();
    let mut answered = Vec::new();
    for (control, resource, event) in &invocations {
        let outcome = handle(event, &services, run()).await;
        planted::assert_clean(&format!("{control} on {resource}"), &format!("{outcome:?}"));
        if let Err(failure) = &outcome {
            planted::assert_clean(&format!("{control} on {resource}"), &failure.to_string());
            failures.push((resource.clone(), failure.to_string()));
        }
        answered.push(outcome.is_ok());
    }
    // Only the secret that does not fit failed, named by its field; the others each gave one
    // evaluation.
    assert!(
        !failures.is_empty()
            && failures
                .iter()
                .all(|(r, f)| r.contains("acme/misplaced") && f.contains("RotationEnabled")),
        "{failures:?}"
    );
    let mut evaluated = answered.into_iter();
    invocations.retain(|_| evaluated.next().unwrap_or_default());

    let evaluations = config.accepted();
    assert_eq!(evaluations.len(), invocations.len(), "{evaluations:?}");
    let judged: Vec<(String, String, Compliance, String)> = evaluations
        .iter()
        .zip(&invocations)
        .map(|(e, (control, _, _))| {
            (
                control.to_string(),
                e.resource_id.clone(),
                e.compliance,
                e.annotation.clone(),
            )
        })
        .collect();
    assert_secret_paths_ran(&judged);
    planted::assert_clean("Config evaluations", &format!("{evaluations:?}"));
    let records = queue.messages();
    assert_eq!(records.len(), evaluations.len());
    planted::assert_clean("finding records", &records.join("\n"));

    // The publisher's Security Hub findings, built from those records.
    let hub = MemoryHub::default();
    let messages: Vec<(String, String)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("m{i}"), r.clone()))
        .collect();
    let published = ourside_publisher::handle(&sqs_event(&messages), &hub, planted::REGION, run())
        .await
        .unwrap();
    assert!(
        published.response.batch_item_failures.is_empty() && !hub.is_empty(),
        "{published:?}"
    );
    planted::assert_clean("Security Hub findings", &format!("{:?}", hub.findings));

    // The alerter's alerts for the compliance changes Config announces for those evaluations.
    let at = "2026-06-01T10:00:00.000Z";
    let changes: Vec<(String, String)> = evaluations
        .iter()
        .zip(&invocations)
        .enumerate()
        .map(|(i, (e, (control, _, _)))| {
            let rule = rule_name(control);
            let event = ComplianceChange {
                rule: Rule {
                    name: &rule,
                    account_id: planted::ACCOUNT,
                    region: planted::REGION,
                },
                resource_type: &e.resource_type,
                resource_id: &e.resource_id,
                old: Some("COMPLIANT"),
                new: e.compliance.as_str(),
                annotation: &e.annotation,
                at,
            }
            .event();
            (format!("m{i}"), event)
        })
        .collect();
    let topic = MemoryTopic::default();
    let policy = ourside_alerter::policy_from(|_| None).unwrap();
    let ledger = ourside_alerter::Ledger {
        store: ourside_aws::memory::MemoryLedger::default(),
        retention: ourside_alerter::retention_from(|_| None).unwrap(),
    };
    let alerted = ourside_alerter::handle(&sqs_event(&changes), &topic, &ledger, &policy, run())
        .await
        .unwrap();
    let alerts = topic.published();
    assert!(!alerts.is_empty(), "{alerted:?}");
    assert!(
        alerts.iter().any(|a| a.text.contains("AWS_ACCESS_KEY_ID")),
        "an alert names a flagged variable: {alerts:?}"
    );
    planted::assert_clean("alerts", &format!("{alerts:?}"));
}

/// The evaluator binary behind the Lambda Runtime API, logging at `TRACE`, with the function's
/// environment read from the emulator's Lambda.
#[tokio::test]
async fn the_binary_logs_and_answers_carry_no_planted_credential() {
    let moto = Moto::start().expect("the emulator starts");
    let sdk = moto.settings().sdk_config();
    let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;
    create_function(&sdk, "acme-leaky", &planted::variables()).await;
    let emulated = |mut invocation: (&'static str, String, String)| {
        // The emulator answers for its own account and region.
        let mut event: Value = serde_json::from_str(&invocation.2).unwrap();
        let mut invoking: Value =
            serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
        let item = &mut invoking["configurationItem"];
        item["awsAccountId"] = json!(ourside_aws::emulator::ACCOUNT_ID);
        item["awsRegion"] = json!(ourside_aws::emulator::REGION);
        if let Some(arn) = item["ARN"].as_str() {
            item["ARN"] = json!(arn
                .replace(planted::ACCOUNT, ourside_aws::emulator::ACCOUNT_ID)
                .replace(planted::REGION, ourside_aws::emulator::REGION));
        }
        event["invokingEvent"] = json!(invoking.to_string());
        invocation.2 = event.to_string();
        invocation
    };
    let invocations: Vec<_> = invocations("TESTMODE").into_iter().map(emulated).collect();
    let events: Vec<String> = invocations.iter().map(|(_, _, e)| e.clone()).collect();
    let count = events.len();
    let ran = run_bootstrap(
        env!("CARGO_BIN_EXE_ourside-evaluator"),
        &[
            ("AWS_ENDPOINT_URL", &moto.endpoint()),
            ("FINDINGS_QUEUE_URL", &queue_url),
            ("AWS_LAMBDA_LOG_LEVEL", "TRACE"),
        ],
        events,
        Duration::from_secs(120),
    )
    .unwrap();
    assert_eq!(
        ran.answers.len(),
        count,
        "answered {} of {count}: {:?}\n{}",
        ran.answers.len(),
        ran.answers,
        ran.stderr
    );
    planted::assert_clean("the evaluator's stdout", &ran.stdout);
    planted::assert_clean("the evaluator's stderr", &ran.stderr);
    planted::assert_clean("the evaluator's answers", &format!("{:?}", ran.answers));
    let records = receive_all(&sdk, &queue_url).await;
    planted::assert_clean("finding records", &format!("{records:?}"));

    // Logged at the most verbose level, and the verdicts that name the variables are there.
    let lines = ran.log_lines();
    assert!(
        lines.iter().any(|l| l["level"] == "TRACE"),
        "TRACE lines are logged"
    );
    let judged: Vec<(String, String, Compliance, String)> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "evaluated")
        .map(|l| {
            let field = |name: &str| l["fields"][name].as_str().unwrap_or_default().to_string();
            let compliance = match field("compliance").as_str() {
                "NON_COMPLIANT" => Compliance::NonCompliant,
                "COMPLIANT" => Compliance::Compliant,
                _ => Compliance::NotApplicable,
            };
            (
                field("control"),
                field("resource_id"),
                compliance,
                field("annotation"),
            )
        })
        .collect();
    assert_secret_paths_ran(&judged);
}
