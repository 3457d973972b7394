//! The publisher end to end against the local emulator (moto's server mode) with the real SDK
//! clients: finding records on a real SQS queue (sent by the evaluator's queue adapter), the
//! handler, and what `GetFindings` then returns. moto's `GetFindings` ignores filters, so the
//! adapter keeps only the ids it asked for; the launcher adds Security Hub's 100-per-call limit
//! and its own-account rule, which moto lacks.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_securityhub::types::AwsSecurityFinding;
use ourside_aws::deliver::{send_records, Retry};
use ourside_aws::emulator::{receive_all, Moto, ACCOUNT_ID, REGION};
use ourside_aws::securityhub::SecurityHubApi;
use ourside_aws::sqs::SqsQueue;
use ourside_core::asff::Subject;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{registry, ResourceType, Timestamp, Verdict};
use ourside_lambda::events::sqs_event;
use ourside_publisher::{handle, Published, Run};

struct Emulated {
    _moto: Moto,
    sdk: SdkConfig,
    queue_url: String,
    hub: SecurityHubApi,
}

fn retry() -> Retry {
    Retry {
        attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: None,
    }
}

impl Emulated {
    async fn start() -> Emulated {
        let moto = Moto::start().expect("the emulator starts");
        let sdk = moto.settings().sdk_config();
        let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;
        Emulated {
            hub: SecurityHubApi::new(&moto.settings()),
            _moto: moto,
            sdk,
            queue_url,
        }
    }

    /// Queues the records as the evaluator does, then hands everything on the queue to the
    /// publisher in one batch, as the event source mapping would.
    async fn publish(&self, records: &[FindingRecord], now: &str) -> (Published, Vec<String>) {
        let queue = SqsQueue::new(&self.sdk, self.queue_url.clone());
        send_records(&queue, records, retry()).await.unwrap();
        let messages = receive_all(&self.sdk, &self.queue_url).await;
        assert_eq!(messages.len(), records.len());
        let run = Run {
            now: Timestamp::parse(now).unwrap(),
            retry: retry(),
        };
        let published = Box::pin(handle(&sqs_event(&messages), &self.hub, REGION, run))
            .await
            .unwrap();
        (published, messages.into_iter().map(|(id, _)| id).collect())
    }

    /// Every finding Security Hub holds, by id.
    async fn findings(&self) -> BTreeMap<String, AwsSecurityFinding> {
        let client = aws_sdk_securityhub::Client::new(&self.sdk);
        let mut findings = BTreeMap::new();
        let mut token = None;
        loop {
            let output = client
                .get_findings()
                .max_results(100)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            for f in output.findings() {
                findings.insert(f.id().unwrap().to_string(), f.clone());
            }
            token = output
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                return findings;
            }
        }
    }
}

fn record(
    control: &str,
    resource_type: ResourceType,
    id: &str,
    verdict: Verdict,
    observed: &str,
) -> FindingRecord {
    let arn = match resource_type {
        ResourceType::S3Bucket => Some(format!("arn:aws:s3:::{id}")),
        _ => None,
    };
    let subject = Subject {
        resource_type,
        resource_id: id.into(),
        arn,
        account_id: Some(ACCOUNT_ID.into()),
        region: Some(REGION.into()),
        capture_time: None,
        tags: BTreeMap::from([("team".to_string(), "payments".to_string())]).into(),
        details: None,
    };
    let at = Timestamp::parse(observed).unwrap();
    FindingRecord::new(
        registry::find(control).unwrap(),
        &subject,
        &verdict,
        at,
        at,
        Origin::Change,
    )
    .from_rule(Some("ourside-S3-2"))
}

fn bucket(id: &str, verdict: Verdict, observed: &str) -> FindingRecord {
    record("S3.2", ResourceType::S3Bucket, id, verdict, observed)
}

#[tokio::test]
async fn queued_records_become_findings_with_the_expected_fields() {
    let moto = Emulated::start().await;
    let mut global = record(
        "IAM.5",
        ResourceType::Account,
        ACCOUNT_ID,
        Verdict::non_compliant("console user alice has no MFA"),
        "2026-05-01T00:00:00Z",
    );
    global.region = "global".into();
    let (published, _) = moto
        .publish(
            &[
                bucket(
                    "acme-logs",
                    Verdict::non_compliant("ACL grants READ to AllUsers"),
                    "2026-05-01T00:00:00Z",
                ),
                record(
                    "S3.5",
                    ResourceType::S3Bucket,
                    "acme-data",
                    Verdict::compliant("policy denies aws:SecureTransport false"),
                    "2026-05-01T00:00:00Z",
                ),
                global,
            ],
            "2026-05-01T00:01:00Z",
        )
        .await;
    assert_eq!((published.imported, published.calls), (3, 1));
    assert!(published.response.batch_item_failures.is_empty());

    let findings = moto.findings().await;
    assert_eq!(findings.len(), 3);
    let failed = findings
        .values()
        .find(|f| f.title().unwrap_or_default().starts_with("S3.2 "))
        .expect("the S3.2 finding");
    assert_eq!(failed.aws_account_id(), Some(ACCOUNT_ID));
    assert_eq!(
        failed.product_arn(),
        Some(
            format!("arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:product/{ACCOUNT_ID}/default")
                .as_str()
        )
    );
    assert_eq!(failed.generator_id(), Some("ourside/S3.2"));
    assert_eq!(
        failed.compliance().unwrap().status().unwrap().as_str(),
        "FAILED"
    );
    assert_eq!(
        failed.compliance().unwrap().security_control_id(),
        Some("S3.2")
    );
    assert_eq!(failed.record_state().unwrap().as_str(), "ACTIVE");
    let provider_severity = failed
        .finding_provider_fields()
        .unwrap()
        .severity()
        .unwrap();
    assert_eq!(provider_severity.label().unwrap().as_str(), "CRITICAL");
    let resource = &failed.resources()[0];
    assert_eq!(resource.r#type(), Some("AwsS3Bucket"));
    assert_eq!(resource.id(), Some("arn:aws:s3:::acme-logs"));
    assert_eq!(resource.tags().unwrap()["team"], "payments");
    let fields = failed.product_fields().unwrap();
    assert_eq!(fields["ourside/Owner"], "Platform");
    assert_eq!(fields["ourside/Annotation"], "ACL grants READ to AllUsers");
    assert!(failed
        .remediation()
        .unwrap()
        .recommendation()
        .unwrap()
        .url()
        .unwrap()
        .contains("s3-2"));
    assert_eq!(failed.first_observed_at(), Some("2026-05-01T00:00:00.000Z"));

    let passed = findings
        .values()
        .find(|f| f.title().unwrap_or_default().starts_with("S3.5 "))
        .unwrap();
    assert_eq!(
        passed.compliance().unwrap().status().unwrap().as_str(),
        "PASSED"
    );
    // The account-level finding of a global check is filed in the function's region.
    let account = findings
        .values()
        .find(|f| f.generator_id() == Some("ourside/IAM.5"))
        .unwrap();
    assert_eq!(account.region(), Some(REGION));
    assert_eq!(account.resources()[0].r#type(), Some("AwsAccount"));
}

#[tokio::test]
async fn re_imports_update_in_place_and_deleted_resources_are_archived() {
    let moto = Emulated::start().await;
    moto.publish(
        &[bucket(
            "acme-logs",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        )],
        "2026-05-01T00:01:00Z",
    )
    .await;
    let first = moto.findings().await.into_values().next().unwrap();

    let (fixed, _) = moto
        .publish(
            &[bucket(
                "acme-logs",
                Verdict::compliant("private now"),
                "2026-05-10T00:00:00Z",
            )],
            "2026-05-10T00:01:00Z",
        )
        .await;
    assert_eq!(fixed.imported, 1);
    let findings = moto.findings().await;
    assert_eq!(findings.len(), 1, "updated, not duplicated");
    let second = findings.into_values().next().unwrap();
    assert_eq!(second.id(), first.id());
    assert_eq!(second.created_at(), first.created_at());
    assert_eq!(second.first_observed_at(), first.first_observed_at());
    assert_eq!(second.last_observed_at(), Some("2026-05-10T00:00:00.000Z"));
    assert!(second.updated_at() > first.updated_at());
    assert_eq!(
        second.compliance().unwrap().status().unwrap().as_str(),
        "PASSED"
    );

    let (deleted, _) = moto
        .publish(
            &[bucket(
                "acme-logs",
                Verdict::not_applicable("the resource was deleted"),
                "2026-05-20T00:00:00Z",
            )
            .archived(true)],
            "2026-05-20T00:01:00Z",
        )
        .await;
    assert_eq!(deleted.imported, 1);
    let archived = moto.findings().await.into_values().next().unwrap();
    assert_eq!(archived.record_state().unwrap().as_str(), "ARCHIVED");
    assert_eq!(archived.created_at(), first.created_at());
}

#[tokio::test]
async fn a_rejected_finding_fails_exactly_its_message() {
    let moto = Emulated::start().await;
    let mut foreign = bucket(
        "theirs",
        Verdict::non_compliant("public"),
        "2026-05-01T00:00:00Z",
    );
    foreign.account_id = "999999999999".into();
    let records = vec![
        bucket(
            "ours-1",
            Verdict::non_compliant("public"),
            "2026-05-01T00:00:00Z",
        ),
        foreign,
        bucket(
            "ours-2",
            Verdict::compliant("private"),
            "2026-05-01T00:00:00Z",
        ),
    ];
    let (published, message_ids) = moto.publish(&records, "2026-05-01T00:01:00Z").await;
    assert_eq!(
        published.response.failed_ids(),
        vec![message_ids[1].as_str()]
    );
    assert_eq!(published.imported, 2);
    // Refused for good: not retried within the invocation (SQS redelivers, then the DLQ keeps it).
    assert_eq!(published.calls, 1);
    assert_eq!(moto.findings().await.len(), 2);
}

#[tokio::test]
async fn a_backfill_imports_everything_in_calls_of_at_most_100() {
    let moto = Emulated::start().await;
    let records: Vec<FindingRecord> = (0..230)
        .map(|i| {
            bucket(
                &format!("bucket-{i:03}"),
                Verdict::non_compliant("public"),
                "2026-05-01T00:00:00Z",
            )
        })
        .collect();
    let (published, _) = moto.publish(&records, "2026-05-01T00:01:00Z").await;
    assert_eq!((published.imported, published.calls), (230, 3));
    assert!(published.response.batch_item_failures.is_empty());
    assert_eq!(moto.findings().await.len(), 230);
    // Again, updated: lookups page through what the emulator returns, and nothing duplicates.
    let (again, _) = moto.publish(&records, "2026-05-02T00:01:00Z").await;
    assert_eq!(again.imported, 230);
    let findings = moto.findings().await;
    assert_eq!(findings.len(), 230);
    assert!(findings
        .values()
        .all(|f| f.created_at() == Some("2026-05-01T00:00:00.000Z")));
}
