//! The alerter binary run the way Lambda runs a `bootstrap`: behind the Lambda Runtime API,
//! configured only by environment variables, talking to the emulator.

use std::time::Duration;

use ourside_aws::emulator::{
    create_ledger_table, create_topic, run_bootstrap, Moto, ACCOUNT_ID, REGION,
};
use ourside_lambda::events::{sqs_event, ComplianceChange, Rule};
use serde_json::{json, Value};

fn change() -> String {
    ComplianceChange {
        rule: Rule {
            name: "ourside-S3-2",
            account_id: ACCOUNT_ID,
            region: REGION,
        },
        resource_type: "AWS::S3::Bucket",
        resource_id: "acme-logs",
        old: Some("COMPLIANT"),
        new: "NON_COMPLIANT",
        annotation: "ACL grants READ to AllUsers",
        at: "2026-06-01T10:00:00.000Z",
    }
    .event()
}

#[tokio::test]
async fn the_binary_publishes_and_acknowledges() {
    let moto = Moto::start().expect("the emulator starts");
    let sdk = moto.settings().sdk_config();
    create_ledger_table(&sdk, "ourside-alert-ledger").await;
    let topic_arn = create_topic(&sdk, "ourside-alerts").await;
    let endpoint = moto.endpoint();
    let ran = run_bootstrap(
        env!("CARGO_BIN_EXE_ourside-alerter"),
        &[
            ("AWS_ENDPOINT_URL", &endpoint),
            ("ALERT_TOPIC_ARN", &topic_arn),
            ("ALERT_LEDGER_TABLE", "ourside-alert-ledger"),
            ("MIN_ALERT_SEVERITY", "HIGH"),
        ],
        // The same event twice: published once, both acknowledged.
        vec![
            sqs_event(&[("m1".into(), change())]),
            sqs_event(&[("m2".into(), change())]),
        ],
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(ran.answers.len(), 2, "{ran:?}");
    for (_, answer) in &ran.answers {
        let body: Value = serde_json::from_str(answer.outcome.as_ref().unwrap()).unwrap();
        assert_eq!(body, json!({"batchItemFailures": []}));
    }
    assert_eq!(
        ran.stdout.matches("\"alert published\"").count(),
        1,
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("alert already published"),
        "{}",
        ran.stdout
    );
}

#[test]
fn a_bad_setting_stops_the_binary_with_its_name() {
    let ran = run_bootstrap(
        env!("CARGO_BIN_EXE_ourside-alerter"),
        &[
            (
                "ALERT_TOPIC_ARN",
                "arn:aws:sns:eu-west-1:123456789012:ourside-alerts",
            ),
            ("ALERT_LEDGER_TABLE", "ourside-alert-ledger"),
            ("MIN_ALERT_SEVERITY", "urgent"),
        ],
        vec![sqs_event(&[])],
        Duration::from_secs(20),
    )
    .unwrap();
    assert!(ran.answers.is_empty());
    let output = format!("{}{}", ran.stdout, ran.stderr);
    assert!(output.contains("MIN_ALERT_SEVERITY=\"urgent\""), "{output}");
}

#[test]
fn without_a_ledger_table_the_binary_does_not_start() {
    let ran = run_bootstrap(
        env!("CARGO_BIN_EXE_ourside-alerter"),
        &[(
            "ALERT_TOPIC_ARN",
            "arn:aws:sns:eu-west-1:123456789012:ourside-alerts",
        )],
        vec![sqs_event(&[])],
        Duration::from_secs(20),
    )
    .unwrap();
    assert!(ran.answers.is_empty());
    let output = format!("{}{}", ran.stdout, ran.stderr);
    assert!(output.contains("ALERT_LEDGER_TABLE is not set"), "{output}");
}
