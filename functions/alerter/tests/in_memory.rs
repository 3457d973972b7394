//! The alerter's logic on the in-memory topic: what is published, and exactly which events are
//! redelivered when publishing fails.

use std::time::Duration;

use ourside_alerter::{env, handle, policy_from, Alerted, Run};
use ourside_aws::deliver::Retry;
use ourside_aws::memory::{Fault, MemoryTopic};
use ourside_aws::AwsError;
use ourside_core::alert::AlertPolicy;
use ourside_core::control::Severity;
use ourside_core::Timestamp;
use ourside_lambda::events::{sqs_event, ComplianceChange, Rule};

fn run() -> Run {
    Run {
        now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
        retry: Retry {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: None,
        },
    }
}

fn policy() -> AlertPolicy {
    policy_from(|_| None).unwrap()
}

fn change(rule: &str, bucket: &str, old: Option<&str>, new: &str) -> String {
    ComplianceChange {
        rule: Rule {
            name: rule,
            account_id: "111122223333",
            region: "eu-west-1",
        },
        resource_type: "AWS::S3::Bucket",
        resource_id: bucket,
        old,
        new,
        annotation: "the bucket policy lets anyone read (statement PublicRead)",
        at: "2026-06-01T10:00:00.000Z",
    }
    .event()
}

async fn alert(topic: &MemoryTopic, bodies: &[String]) -> Alerted {
    let messages: Vec<(String, String)> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("m{i}"), b.clone()))
        .collect();
    handle(&sqs_event(&messages), topic, &policy(), run())
        .await
        .unwrap()
}

fn unavailable() -> Fault {
    Fault::Error(AwsError::new("sns:Publish", true, "InternalError"))
}

#[tokio::test]
async fn a_failed_publish_is_retried_and_sent_once() {
    let topic = MemoryTopic::default();
    topic.faults.push(unavailable());
    let alerted = alert(
        &topic,
        &[change("ourside-S3-2", "a", None, "NON_COMPLIANT")],
    )
    .await;
    assert!(alerted.response.batch_item_failures.is_empty());
    assert_eq!(topic.published().len(), 1);
}

#[tokio::test]
async fn an_alert_that_cannot_be_published_holds_back_only_its_events() {
    let topic = MemoryTopic::default();
    // The first alert (bucket "a") fails three times: its attempts run out.
    for _ in 0..3 {
        topic.faults.push(unavailable());
    }
    let alerted = alert(
        &topic,
        &[
            change("ourside-S3-2", "a", None, "NON_COMPLIANT"),
            change("ourside-S3-2", "b", Some("COMPLIANT"), "NON_COMPLIANT"),
            change("ourside-S3-2", "c", Some("NON_COMPLIANT"), "NON_COMPLIANT"),
            "{}".to_string(),
        ],
    )
    .await;
    assert_eq!(alerted.response.failed_ids(), vec!["m3", "m0"]);
    let published = topic.published();
    assert_eq!(published.len(), 1);
    assert!(
        published[0].subject.contains(": b in"),
        "{}",
        published[0].subject
    );
    assert_eq!(alerted.quiet, 1);
}

#[tokio::test]
async fn the_environment_sets_the_policy_and_bad_values_are_named() {
    let policy = policy_from(|name| match name {
        env::MIN_SEVERITY => Some("high".into()),
        env::RECOVERY_NOTICES => Some("TRUE".into()),
        env::DIGEST_THRESHOLD => Some("25".into()),
        _ => None,
    })
    .unwrap();
    assert_eq!(
        (
            policy.min_severity,
            policy.recovery_notices,
            policy.digest_threshold
        ),
        (Severity::High, true, 25)
    );
    assert_eq!(policy.rule_prefix, "ourside-");
    let defaults = policy_from(|_| None).unwrap();
    assert_eq!(
        (defaults.min_severity, defaults.recovery_notices),
        (Severity::Medium, false)
    );
    let err =
        policy_from(|name| (name == env::MIN_SEVERITY).then(|| "urgent".to_string())).unwrap_err();
    assert!(err.starts_with("MIN_ALERT_SEVERITY=\"urgent\""), "{err}");
    let err =
        policy_from(|name| (name == env::DIGEST_THRESHOLD).then(|| "-1".to_string())).unwrap_err();
    assert!(err.contains("DIGEST_THRESHOLD"), "{err}");
}

/// Prints an alert as on-call receives it: `cargo test -p ourside-alerter --test in_memory
/// sample -- --nocapture`.
#[tokio::test]
async fn sample() {
    let topic = MemoryTopic::default();
    alert(
        &topic,
        &[change(
            "ourside-S3-2",
            "acme-logs",
            Some("COMPLIANT"),
            "NON_COMPLIANT",
        )],
    )
    .await;
    let published = topic.published();
    let alert = &published[0];
    assert!(alert.subject.len() <= 100);
    println!(
        "Subject: {}\n\n{}\nAttributes: {:?}",
        alert.subject, alert.text, alert.attributes
    );
}
