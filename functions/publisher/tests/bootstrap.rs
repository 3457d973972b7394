//! The publisher binary run the way Lambda runs a `bootstrap`: behind the Lambda Runtime API,
//! configured only by environment variables, talking to the emulator.

use std::time::Duration;

use ourside_aws::emulator::{run_bootstrap, Moto, ACCOUNT_ID, REGION};
use ourside_core::asff::Subject;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{registry, ResourceType, Timestamp, Verdict};
use ourside_lambda::events::sqs_event;
use serde_json::{json, Value};

#[test]
fn the_binary_answers_with_the_messages_that_did_not_land() {
    let moto = Moto::start().expect("the emulator starts");
    let subject = Subject {
        resource_type: ResourceType::S3Bucket,
        resource_id: "acme-logs".into(),
        arn: Some("arn:aws:s3:::acme-logs".into()),
        account_id: Some(ACCOUNT_ID.into()),
        region: Some(REGION.into()),
        capture_time: None,
        tags: Default::default(),
        details: None,
    };
    let at = Timestamp::parse("2026-05-01T00:00:00Z").unwrap();
    let record = FindingRecord::new(
        registry::find("S3.2").unwrap(),
        &subject,
        &Verdict::non_compliant("ACL grants READ to AllUsers"),
        at,
        at,
        Origin::Change,
    );
    let events = vec![
        sqs_event(&[
            ("good".into(), serde_json::to_string(&record).unwrap()),
            ("garbled".into(), "{\"version\":1".into()),
        ]),
        json!({"detail-type": "Config Rules Compliance Change"}).to_string(),
    ];
    let endpoint = moto.endpoint();
    let ran = run_bootstrap(
        env!("CARGO_BIN_EXE_ourside-publisher"),
        &[("AWS_ENDPOINT_URL", &endpoint)],
        events,
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(ran.answers.len(), 2, "{ran:?}");

    let (_, batch) = &ran.answers[0];
    let body: Value = serde_json::from_str(batch.outcome.as_ref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"batchItemFailures": [{"itemIdentifier": "garbled"}]})
    );

    let (_, wrong) = &ran.answers[1];
    let (_, body) = wrong.outcome.as_ref().unwrap_err();
    let body: Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["errorType"], "MalformedEvent");
    assert!(
        body["errorMessage"].as_str().unwrap().contains("Records"),
        "{body}"
    );

    // Logs are JSON lines; the unusable message is named with its reason.
    let lines = ran.log_lines();
    assert!(
        lines.iter().any(|l| l["fields"]["message_id"] == "garbled"
            && l["level"] == "ERROR"
            && l["span"]["requestId"] == "request-1"),
        "{}",
        ran.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "batch published" && l["fields"]["imported"] == 1),
        "{}",
        ran.stdout
    );
}
