//! The alerter's logic on the in-memory topic and ledger: what is published, exactly which
//! events are redelivered when publishing fails, and that a duplicate or replayed event never
//! alerts twice.

use std::time::Duration;

use ourside_alerter::{env, handle, policy_from, retention_from, Alerted, Ledger, Run};
use ourside_aws::deliver::Retry;
use ourside_aws::memory::{Fault, LedgerEntry, MemoryLedger, MemoryTopic};
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

fn ledger() -> Ledger<MemoryLedger> {
    Ledger {
        store: MemoryLedger::default(),
        retention: retention_from(|_| None).unwrap(),
    }
}

/// Messages `m0`, `m1`… carrying `bodies`.
fn numbered(bodies: &[String]) -> Vec<(String, String)> {
    bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("m{i}"), b.clone()))
        .collect()
}

async fn alert(topic: &MemoryTopic, bodies: &[String]) -> Alerted {
    deliver(topic, &ledger(), &numbered(bodies)).await
}

/// One delivery of these (message id, body) pairs.
async fn deliver(
    topic: &MemoryTopic,
    ledger: &Ledger<MemoryLedger>,
    messages: &[(String, String)],
) -> Alerted {
    handle(&sqs_event(messages), topic, ledger, &policy(), run())
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
async fn a_message_delivered_twice_is_published_once() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    let batch = numbered(&[change("ourside-S3-2", "a", None, "NON_COMPLIANT")]);
    let first = deliver(&topic, &ledger, &batch).await;
    assert_eq!(first.published.len(), 1);
    let again = deliver(&topic, &ledger, &batch).await;
    assert!(again.published.is_empty());
    assert!(again.response.batch_item_failures.is_empty());
    assert_eq!(again.already_published, vec!["m0"]);
    assert_eq!(topic.published().len(), 1);
    let entries: Vec<LedgerEntry> = ledger.store.entries().into_values().collect();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].complete);
    assert_eq!(entries[0].message_id.as_deref(), Some("memory-1"));
}

#[tokio::test]
async fn a_replay_after_success_is_acknowledged_without_publishing() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    let event = change("ourside-S3-2", "a", Some("COMPLIANT"), "NON_COMPLIANT");
    deliver(&topic, &ledger, &[("original".into(), event.clone())]).await;
    // Replayed from the dead-letter queue: a new message, the same event; and the same event
    // twice in one batch.
    let replayed = deliver(
        &topic,
        &ledger,
        &[
            ("replay-1".into(), event.clone()),
            ("replay-2".into(), event),
        ],
    )
    .await;
    assert!(replayed.response.batch_item_failures.is_empty());
    assert_eq!(replayed.already_published, vec!["replay-1", "replay-2"]);
    assert_eq!(topic.published().len(), 1);
}

#[tokio::test]
async fn a_failed_publish_releases_the_claim_and_the_redelivery_publishes_once() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    for _ in 0..3 {
        topic.faults.push(unavailable());
    }
    let batch = numbered(&[change("ourside-S3-2", "a", None, "NON_COMPLIANT")]);
    let failed = deliver(&topic, &ledger, &batch).await;
    assert_eq!(failed.response.failed_ids(), vec!["m0"]);
    assert!(ledger.store.entries().is_empty(), "the claim is released");
    let redelivered = deliver(&topic, &ledger, &batch).await;
    assert_eq!(redelivered.published.len(), 1);
    assert!(redelivered.response.batch_item_failures.is_empty());
    deliver(&topic, &ledger, &batch).await;
    assert_eq!(topic.published().len(), 1);
}

/// The ledger's next `times` calls fail with a retryable `code`.
fn ledger_fails(ledger: &Ledger<MemoryLedger>, times: usize, code: &str) {
    for _ in 0..times {
        ledger
            .store
            .faults
            .push(Fault::Error(AwsError::new("dynamodb:PutItem", true, code)));
    }
}

#[tokio::test]
async fn without_the_ledger_nothing_is_published_and_the_message_waits() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    ledger_fails(&ledger, 10, "ProvisionedThroughputExceededException");
    let alerted = alert_with(
        &topic,
        &ledger,
        &[
            change("ourside-S3-2", "a", None, "NON_COMPLIANT"),
            change("ourside-S3-2", "b", Some("NON_COMPLIANT"), "NON_COMPLIANT"),
        ],
    )
    .await;
    assert!(topic.published().is_empty());
    assert_eq!(
        alerted.response.failed_ids(),
        vec!["m0"],
        "the quiet event is acknowledged"
    );
    assert_eq!(
        ledger.store.calls().len(),
        3,
        "one claim, tried three times: {:?}",
        ledger.store.calls()
    );
}

async fn alert_with(
    topic: &MemoryTopic,
    ledger: &Ledger<MemoryLedger>,
    bodies: &[String],
) -> Alerted {
    deliver(topic, ledger, &numbered(bodies)).await
}

/// The ledger entry of a claim another invocation holds until `until_ms`.
fn held_until(until_ms: u64) -> LedgerEntry {
    LedgerEntry {
        complete: false,
        owner: "another-invocation".into(),
        until_ms,
        expires_at: u64::MAX,
        message_id: None,
    }
}

#[tokio::test]
async fn a_claim_in_progress_waits_and_an_expired_one_is_taken_over() {
    let now_ms = (run().now.0.unix_timestamp() * 1000) as u64;
    let batch = numbered(&[change("ourside-S3-2", "a", None, "NON_COMPLIANT")]);
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    // Learn the event's key.
    deliver(&topic, &ledger, &batch).await;
    let key = ledger.store.entries().into_keys().next().unwrap();

    let (topic, busy) = (MemoryTopic::default(), self::ledger());
    busy.store
        .entries
        .lock()
        .unwrap()
        .insert(key.clone(), held_until(now_ms + 60_000));
    let waiting = deliver(&topic, &busy, &batch).await;
    assert!(topic.published().is_empty());
    assert_eq!(waiting.response.failed_ids(), vec!["m0"]);
    assert_eq!(busy.store.entries()[&key].owner, "another-invocation");

    let (topic, crashed) = (MemoryTopic::default(), self::ledger());
    crashed
        .store
        .entries
        .lock()
        .unwrap()
        .insert(key.clone(), held_until(now_ms - 1));
    let taken_over = deliver(&topic, &crashed, &batch).await;
    assert!(taken_over.response.batch_item_failures.is_empty());
    assert_eq!(topic.published().len(), 1);
    assert!(crashed.store.entries()[&key].complete);
}

fn storm(buckets: std::ops::Range<usize>) -> Vec<String> {
    buckets
        .map(|i| {
            change(
                "ourside-S3-2",
                &format!("bucket-{i:02}"),
                Some("COMPLIANT"),
                "NON_COMPLIANT",
            )
        })
        .collect()
}

#[tokio::test]
async fn a_digest_is_idempotent_and_never_repeats_what_was_told() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    // Twelve changes (over the threshold of 10): one digest, once.
    let first = deliver(&topic, &ledger, &numbered(&storm(0..12))).await;
    assert_eq!(first.published.len(), 1);
    let again = deliver(&topic, &ledger, &numbered(&storm(0..12))).await;
    assert!(again.published.is_empty());
    assert_eq!(again.already_published.len(), 12);
    // A batch mixing six of those events with three new ones: only the new ones are told.
    let mut mixed = storm(6..12);
    mixed.extend(storm(20..23));
    let overlap = deliver(&topic, &ledger, &numbered(&mixed)).await;
    assert_eq!(overlap.already_published.len(), 6);
    assert!(overlap.response.batch_item_failures.is_empty());
    let subjects: Vec<String> = overlap
        .published
        .iter()
        .map(|a| a.subject.clone())
        .collect();
    assert_eq!(subjects.len(), 3, "{subjects:?}");
    assert!(
        subjects.iter().all(|s| s.contains("bucket-2")),
        "{subjects:?}"
    );

    // The other way round: three alerts told one by one, then a storm including them.
    let (topic, ledger) = (MemoryTopic::default(), self::ledger());
    deliver(&topic, &ledger, &numbered(&storm(0..3))).await;
    let storm = deliver(&topic, &ledger, &numbered(&storm(0..14))).await;
    assert_eq!(storm.already_published.len(), 3);
    assert_eq!(storm.published.len(), 1, "eleven new changes: one digest");
    assert!(
        storm.published[0]
            .subject
            .starts_with("[ourside] 11 resources"),
        "{}",
        storm.published[0].subject
    );
    assert_eq!(topic.published().len(), 4);
}

#[tokio::test]
async fn a_published_alert_the_ledger_cannot_record_is_still_acknowledged() {
    let (topic, ledger) = (MemoryTopic::default(), ledger());
    // The claim goes through, then every attempt to record the publish fails.
    ledger.store.faults.push(Fault::Partial(Vec::new()));
    ledger_fails(&ledger, 3, "InternalServerError");
    let alerted = deliver(
        &topic,
        &ledger,
        &numbered(&[change("ourside-S3-2", "a", None, "NON_COMPLIANT")]),
    )
    .await;
    assert_eq!(topic.published().len(), 1);
    assert!(
        alerted.response.batch_item_failures.is_empty(),
        "redelivered, it would be published again once the claim lapses"
    );
    let entries: Vec<LedgerEntry> = ledger.store.entries().into_values().collect();
    assert!(!entries[0].complete);
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
    assert_eq!(
        retention_from(|_| None).unwrap(),
        Duration::from_secs(14 * 24 * 3600)
    );
    assert_eq!(
        retention_from(|name| (name == env::LEDGER_RETENTION_DAYS).then(|| "7".to_string())),
        Ok(Duration::from_secs(7 * 24 * 3600))
    );
    let err = retention_from(|name| (name == env::LEDGER_RETENTION_DAYS).then(|| "0".to_string()))
        .unwrap_err();
    assert!(
        err.starts_with("ALERT_LEDGER_RETENTION_DAYS=\"0\""),
        "{err}"
    );
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
