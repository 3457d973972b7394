//! The publisher's logic on the in-memory Security Hub: batching, collapsing, carrying
//! CreatedAt over, and exactly which messages are reported as failed.

use std::time::Duration;

use ourside_aws::deliver::Retry;
use ourside_aws::memory::{Fault, MemoryHub};
use ourside_aws::AwsError;
use ourside_core::asff::Subject;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{registry, ResourceType, Timestamp, Verdict};
use ourside_lambda::events::sqs_event;
use ourside_publisher::{handle, Published, Run};

const REGION: &str = "eu-west-1";

fn run(now: &str) -> Run {
    Run {
        now: Timestamp::parse(now).unwrap(),
        retry: Retry {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: None,
        },
    }
}

fn record(bucket: &str, verdict: Verdict, observed: &str) -> FindingRecord {
    let subject = Subject {
        resource_type: ResourceType::S3Bucket,
        resource_id: bucket.into(),
        arn: Some(format!("arn:aws:s3:::{bucket}")),
        account_id: Some("111122223333".into()),
        region: Some(REGION.into()),
        capture_time: None,
        tags: Default::default(),
        details: None,
    };
    let at = Timestamp::parse(observed).unwrap();
    FindingRecord::new(
        registry::find("S3.2").unwrap(),
        &subject,
        &verdict,
        at,
        at,
        Origin::Change,
    )
}

fn event(records: &[FindingRecord]) -> String {
    let messages: Vec<(String, String)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("m{i}"), serde_json::to_string(r).unwrap()))
        .collect();
    sqs_event(&messages)
}

async fn publish(hub: &MemoryHub, records: &[FindingRecord], now: &str) -> Published {
    handle(&event(records), hub, REGION, run(now))
        .await
        .unwrap()
}

const T1: &str = "2026-05-01T00:00:00Z";

#[tokio::test]
async fn many_findings_go_in_calls_of_at_most_100() {
    let hub = MemoryHub::default();
    let records: Vec<FindingRecord> = (0..250)
        .map(|i| record(&format!("b{i:03}"), Verdict::non_compliant("public"), T1))
        .collect();
    let published = publish(&hub, &records, "2026-06-01T00:00:00Z").await;
    assert_eq!(hub.imports(), vec![100, 100, 50]);
    assert_eq!(published.imported, 250);
    assert_eq!(hub.len(), 250);
    assert!(published.response.batch_item_failures.is_empty());
    // Lookups by id go 20 at a time: GetFindings' limit of values per filter.
    assert!(hub.lookups.lock().unwrap().iter().all(|n| *n <= 20));
}

#[tokio::test]
async fn records_for_one_finding_collapse_to_the_newest() {
    let hub = MemoryHub::default();
    let records = vec![
        record("logs", Verdict::compliant("fixed"), "2026-05-02T00:00:00Z"),
        record("logs", Verdict::non_compliant("public"), T1),
    ];
    let published = publish(&hub, &records, "2026-06-01T00:00:00Z").await;
    assert_eq!((published.imported, hub.imports()), (1, vec![1]));
    let finding = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(finding["Compliance"]["Status"], "PASSED");
    assert!(published.response.batch_item_failures.is_empty());
}

#[tokio::test]
async fn updates_keep_created_at_and_first_observed_at() {
    let hub = MemoryHub::default();
    publish(
        &hub,
        &[record("logs", Verdict::non_compliant("public"), T1)],
        "2026-05-01T00:00:01Z",
    )
    .await;
    let first = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    publish(
        &hub,
        &[record(
            "logs",
            Verdict::compliant("private now"),
            "2026-05-20T00:00:00Z",
        )],
        "2026-05-20T00:00:01Z",
    )
    .await;
    let second = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(hub.len(), 1);
    assert_eq!(second["CreatedAt"], first["CreatedAt"]);
    assert_eq!(second["FirstObservedAt"], first["FirstObservedAt"]);
    assert_eq!(second["LastObservedAt"], "2026-05-20T00:00:00.000Z");
    assert!(second["UpdatedAt"].as_str() > first["UpdatedAt"].as_str());
    assert_eq!(second["Compliance"]["Status"], "PASSED");
    // The older state, delivered late, does not overwrite the newer one.
    let late = publish(
        &hub,
        &[record("logs", Verdict::non_compliant("public"), T1)],
        "2026-05-21T00:00:00Z",
    )
    .await;
    assert_eq!((late.imported, late.superseded), (0, 1));
    assert!(late.response.batch_item_failures.is_empty());
    let kept = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(kept["Compliance"]["Status"], "PASSED");
}

#[tokio::test]
async fn a_refused_finding_fails_exactly_its_message() {
    let hub = MemoryHub::default();
    hub.faults.push(Fault::Refused(vec![1]));
    let records: Vec<FindingRecord> = (0..3)
        .map(|i| record(&format!("b{i}"), Verdict::non_compliant("public"), T1))
        .collect();
    let published = publish(&hub, &records, "2026-06-01T00:00:00Z").await;
    assert_eq!(published.response.failed_ids(), vec!["m1"]);
    assert_eq!(published.imported, 2);
    assert_eq!(hub.len(), 2);
}

#[tokio::test]
async fn failed_findings_and_throttling_are_retried() {
    let hub = MemoryHub::default();
    hub.faults.push(Fault::Partial(vec![0, 2]));
    hub.faults.push(Fault::Error(AwsError::new(
        "securityhub:BatchImportFindings",
        true,
        "TooManyRequestsException: Rate exceeded",
    )));
    let records: Vec<FindingRecord> = (0..3)
        .map(|i| record(&format!("b{i}"), Verdict::non_compliant("public"), T1))
        .collect();
    let published = publish(&hub, &records, "2026-06-01T00:00:00Z").await;
    assert!(published.response.batch_item_failures.is_empty());
    assert_eq!(hub.imports(), vec![3, 2, 2]);
    assert_eq!(hub.len(), 3);
}

#[tokio::test]
async fn security_hub_down_acknowledges_nothing() {
    let hub = MemoryHub::default();
    for _ in 0..10 {
        hub.faults.push(Fault::Error(AwsError::new(
            "securityhub:BatchImportFindings",
            true,
            "ServiceUnavailable",
        )));
    }
    let records: Vec<FindingRecord> = (0..3)
        .map(|i| record(&format!("b{i}"), Verdict::non_compliant("public"), T1))
        .collect();
    let published = publish(&hub, &records, "2026-06-01T00:00:00Z").await;
    assert_eq!(published.response.failed_ids(), vec!["m0", "m1", "m2"]);
    assert!(hub.is_empty());
}

#[tokio::test]
async fn an_unreadable_stored_finding_waits_rather_than_reset_created_at() {
    let hub = MemoryHub::default();
    hub.lookup_faults.push(Fault::Error(AwsError::new(
        "securityhub:GetFindings",
        true,
        "TooManyRequestsException",
    )));
    let published = publish(
        &hub,
        &[record("logs", Verdict::non_compliant("public"), T1)],
        "2026-06-01T00:00:00Z",
    )
    .await;
    assert_eq!(published.response.failed_ids(), vec!["m0"]);
    assert!(hub.imports().is_empty());
}

#[tokio::test]
async fn bad_messages_fail_alone_and_deleted_resources_are_archived() {
    let hub = MemoryHub::default();
    publish(
        &hub,
        &[record("gone", Verdict::non_compliant("public"), T1)],
        "2026-05-01T00:00:01Z",
    )
    .await;
    let deleted = record(
        "gone",
        Verdict::not_applicable("deleted"),
        "2026-05-02T00:00:00Z",
    )
    .archived(true);
    let never_seen = record(
        "tmp",
        Verdict::not_applicable("deleted"),
        "2026-05-02T00:00:00Z",
    )
    .archived(true);
    let messages = vec![
        ("good".to_string(), serde_json::to_string(&deleted).unwrap()),
        (
            "bad".to_string(),
            "{\"version\":1,\"controlId\":\"S3.2\"}".to_string(),
        ),
        (
            "unknown".to_string(),
            serde_json::to_string(&never_seen).unwrap(),
        ),
    ];
    let published = handle(
        &sqs_event(&messages),
        &hub,
        REGION,
        run("2026-05-02T00:00:01Z"),
    )
    .await
    .unwrap();
    assert_eq!(published.response.failed_ids(), vec!["bad"]);
    assert_eq!((published.imported, published.nothing_to_archive), (1, 1));
    let finding = hub
        .findings
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(finding["RecordState"], "ARCHIVED");
    assert_eq!(hub.len(), 1, "no finding is created only to be archived");
}

#[tokio::test]
async fn an_event_that_is_not_from_sqs_is_a_clear_error() {
    let hub = MemoryHub::default();
    let err = handle("{\"detail\":{}}", &hub, REGION, run("2026-06-01T00:00:00Z"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), "MalformedEvent");
    assert!(err.to_string().contains("Records"), "{err}");
}
