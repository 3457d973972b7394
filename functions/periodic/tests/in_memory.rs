//! The periodic function's logic with the in-memory adapters: account verdicts, per-user
//! verdicts, listed resources, stale verdicts, batching and failures. The same flows run
//! against the emulator in `emulator.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use ourside_aws::deliver::Retry;
use ourside_aws::memory::{MemoryAccount, MemoryConfig, MemoryQueue};
use ourside_aws::ports::account_operations as op;
use ourside_core::facts::{
    AccessKeyState, AccountSummary, CredentialReport, CredentialRow, UserRef,
};
use ourside_core::need::Need;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{Compliance, Timestamp};
use ourside_lambda::events::{self, Rule};
use ourside_periodic::{handle, Failure, Handled, Run, Services};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const NOTIFIED_AT: &str = "2026-06-01T00:00:00.000Z";

fn run() -> Run {
    Run {
        now: Timestamp::parse("2026-06-01T00:00:05Z").unwrap(),
        retry: Retry {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: None,
        },
    }
}

fn rule_name(control: &str) -> String {
    format!("ourside-{}", control.replace('.', "-"))
}

fn scheduled(control: &str) -> String {
    let name = rule_name(control);
    events::rule_event(
        Rule {
            name: &name,
            account_id: ACCOUNT,
            region: REGION,
        },
        &events::scheduled(ACCOUNT, NOTIFIED_AT),
        &json!({"controlId": control}),
        "TESTMODE",
        false,
    )
}

#[derive(Default)]
struct Aws {
    account: MemoryAccount,
    config: MemoryConfig,
    queue: MemoryQueue,
}

impl Aws {
    async fn handle(&self, event: &str) -> Result<Handled, Failure> {
        let services = Services {
            account: &self.account,
            config: &self.config,
            evaluations: &self.config,
            findings: &self.queue,
            region: REGION,
        };
        handle(event, &services, run()).await
    }

    fn records(&self) -> Vec<FindingRecord> {
        self.queue
            .messages()
            .iter()
            .map(|m| serde_json::from_str(m).unwrap())
            .collect()
    }
}

fn time(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text)
}

/// A user of the credential report, with a console password and one access key.
fn user_row(name: &str, mfa: bool, key_rotated: &str) -> CredentialRow {
    CredentialRow {
        user: name.to_string(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        user_created: time("2025-01-01T00:00:00Z"),
        password_enabled: true,
        password_last_used: time("2026-05-30T00:00:00Z"),
        password_last_changed: time("2025-01-01T00:00:00Z"),
        mfa_active: mfa,
        access_keys: vec![
            AccessKeyState {
                slot: 1,
                active: true,
                last_rotated: time(key_rotated),
                last_used: time("2026-05-30T00:00:00Z"),
            },
            AccessKeyState {
                slot: 2,
                ..AccessKeyState::default()
            },
        ],
    }
}

fn user_ref(name: &str) -> UserRef {
    UserRef {
        name: name.to_string(),
        id: format!("AIDA{}", name.to_ascii_uppercase()),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
    }
}

fn account_with_users(rows: Vec<CredentialRow>) -> MemoryAccount {
    MemoryAccount {
        users: rows.iter().map(|r| user_ref(&r.user)).collect(),
        credential_report: Some(CredentialReport {
            generated_at: Timestamp::parse("2026-05-31T22:00:00Z").unwrap(),
            rows,
        }),
        ..MemoryAccount::default()
    }
}

#[tokio::test]
async fn account_verdicts_name_the_account() {
    let aws = Aws {
        account: MemoryAccount {
            account_summary: AccountSummary {
                root_access_keys_present: true,
                root_mfa_enabled: true,
            },
            ..MemoryAccount::default()
        },
        ..Aws::default()
    };
    let handled = aws.handle(&scheduled("IAM.4")).await.unwrap();
    assert_eq!(handled.reported.evaluations.items, 1);
    let evaluation = aws.config.accepted()[0].clone();
    assert_eq!(
        (
            evaluation.resource_type.as_str(),
            evaluation.resource_id.as_str()
        ),
        ("AWS::::Account", ACCOUNT)
    );
    assert_eq!(evaluation.compliance, Compliance::NonCompliant);
    assert_eq!(
        evaluation.ordering_timestamp,
        Timestamp::parse(NOTIFIED_AT).unwrap(),
        "ordered by the notification's time"
    );
    let record = aws.records().pop().unwrap();
    assert_eq!(record.origin, Origin::Periodic);
    assert_eq!(record.rule_name.as_deref(), Some("ourside-IAM-4"));
    assert_eq!(record.region, REGION);
}

#[tokio::test]
async fn users_are_judged_one_by_one_and_the_report_age_is_said() {
    let aws = Aws {
        account: account_with_users(vec![
            user_row("alice", true, "2026-05-01T00:00:00Z"),
            user_row("bob", false, "2025-06-01T00:00:00Z"),
        ]),
        ..Aws::default()
    };
    aws.handle(&scheduled("IAM.3")).await.unwrap();
    let verdicts: BTreeMap<String, (Compliance, String)> = aws
        .config
        .accepted()
        .into_iter()
        .map(|e| (e.resource_id, (e.compliance, e.annotation)))
        .collect();
    assert_eq!(verdicts["AIDAALICE"].0, Compliance::Compliant);
    assert_eq!(verdicts["AIDABOB"].0, Compliance::NonCompliant);
    for (_, annotation) in verdicts.values() {
        assert!(
            annotation.contains("credential report of 2026-05-31T22:00Z, 2 h old"),
            "{annotation}"
        );
    }
    let records = aws.records();
    assert!(records.iter().all(|r| r.resource_type == "AWS::IAM::User"));
}

#[tokio::test]
async fn resources_no_longer_found_become_not_applicable_and_archived() {
    let aws = Aws {
        account: account_with_users(vec![user_row("alice", true, "2026-05-01T00:00:00Z")]),
        ..Aws::default()
    };
    aws.config.evaluated.lock().unwrap().insert(
        rule_name("IAM.5"),
        vec![
            ("AWS::IAM::User".to_string(), "AIDAALICE".to_string()),
            ("AWS::IAM::User".to_string(), "AIDAFORMER".to_string()),
        ],
    );
    let handled = aws.handle(&scheduled("IAM.5")).await.unwrap();
    assert_eq!(handled.stale, 1);
    let former = aws
        .config
        .accepted()
        .into_iter()
        .find(|e| e.resource_id == "AIDAFORMER")
        .unwrap();
    assert_eq!(former.compliance, Compliance::NotApplicable);
    assert!(
        former.annotation.contains("not found by the periodic run"),
        "{}",
        former.annotation
    );
    let records = aws.records();
    let archived: Vec<&str> = records
        .iter()
        .filter(|r| r.archive)
        .map(|r| r.resource_id.as_str())
        .collect();
    assert_eq!(archived, ["AIDAFORMER"]);
}

/// A failed call must not make live resources look gone: nothing is marked stale, the
/// invocation fails and Lambda retries it.
#[tokio::test]
async fn a_failed_call_fails_the_run_and_marks_nothing_stale() {
    let aws = Aws {
        account: account_with_users(vec![user_row("alice", true, "2026-05-01T00:00:00Z")]),
        ..Aws::default()
    };
    aws.account.fail(op::GET_CREDENTIAL_REPORT);
    aws.config.evaluated.lock().unwrap().insert(
        rule_name("IAM.3"),
        vec![("AWS::IAM::User".to_string(), "AIDAALICE".to_string())],
    );
    let failure = aws.handle(&scheduled("IAM.3")).await.unwrap_err();
    assert_eq!(failure.kind(), "NotEvaluated");
    assert!(
        failure.to_string().contains("iam:GetCredentialReport"),
        "{failure}"
    );
    assert!(
        aws.config.accepted().is_empty(),
        "nothing stale, nothing judged"
    );
}

/// A periodic run over a large account: 1,000 users, 10 calls of 100.
#[tokio::test]
async fn a_thousand_users_take_ten_put_evaluations_calls() {
    let rows: Vec<CredentialRow> = (0..1000)
        .map(|i| user_row(&format!("user{i:04}"), i % 10 != 0, "2026-05-01T00:00:00Z"))
        .collect();
    let aws = Aws {
        account: account_with_users(rows),
        ..Aws::default()
    };
    let handled = aws.handle(&scheduled("IAM.5")).await.unwrap();
    assert_eq!(handled.reported.evaluations.items, 1000);
    assert_eq!(aws.config.calls(), vec![100; 10]);
    assert_eq!(aws.records().len(), 1000);
    let failing = aws
        .config
        .accepted()
        .iter()
        .filter(|e| e.compliance == Compliance::NonCompliant)
        .count();
    assert_eq!(failing, 100, "users without MFA");
}

fn cache_cluster(id: &str, retention: u32) -> String {
    json!({
        "version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": NOTIFIED_AT,
        "configurationItemStatus": "OK", "resourceType": "AWS::ElastiCache::CacheCluster",
        "resourceId": id, "resourceName": id, "awsRegion": REGION,
        "arn": format!("arn:aws:elasticache:{REGION}:{ACCOUNT}:cluster:{id}"),
        "configuration": {"CacheClusterId": id, "Engine": "redis", "SnapshotRetentionLimit": retention,
                          "AutoMinorVersionUpgrade": true}
    })
    .to_string()
}

#[tokio::test]
async fn listed_resources_are_judged_as_items() {
    let mut account = MemoryAccount::default();
    account.listed.insert(
        Need::ElastiCacheClusters,
        vec![
            cache_cluster("acme-sessions", 7),
            cache_cluster("acme-flags", 0),
        ],
    );
    account
        .listed
        .insert(Need::ElastiCacheReplicationGroups, vec![]);
    let aws = Aws {
        account,
        ..Aws::default()
    };
    aws.handle(&scheduled("ElastiCache.1")).await.unwrap();
    let verdicts: BTreeMap<String, Compliance> = aws
        .config
        .accepted()
        .into_iter()
        .map(|e| (e.resource_id, e.compliance))
        .collect();
    assert_eq!(verdicts["acme-sessions"], Compliance::Compliant);
    assert_eq!(verdicts["acme-flags"], Compliance::NonCompliant);
}

#[tokio::test]
async fn a_failed_listing_leaves_the_others_judged() {
    let mut account = MemoryAccount::default();
    account.listed.insert(
        Need::ElastiCacheClusters,
        vec![cache_cluster("acme-sessions", 7)],
    );
    let aws = Aws {
        account,
        ..Aws::default()
    };
    aws.account.fail(op::DESCRIBE_REPLICATION_GROUPS);
    aws.config.evaluated.lock().unwrap().insert(
        rule_name("ElastiCache.1"),
        vec![(
            "AWS::ElastiCache::ReplicationGroup".to_string(),
            "acme-rg".to_string(),
        )],
    );
    let failure = aws.handle(&scheduled("ElastiCache.1")).await.unwrap_err();
    assert_eq!(failure.kind(), "NotEvaluated");
    assert!(
        failure.to_string().contains("DescribeReplicationGroups"),
        "{failure}"
    );
    let accepted = aws.config.accepted();
    assert_eq!(
        accepted.len(),
        1,
        "the cluster is reported, nothing is retired"
    );
    assert_eq!(accepted[0].resource_id, "acme-sessions");
}

#[tokio::test]
async fn wrong_rules_and_events_are_clear_errors() {
    let aws = Aws::default();
    let failure = aws.handle(&scheduled("S3.2")).await.unwrap_err();
    assert_eq!(failure.kind(), "WrongFunction");
    assert!(
        failure
            .to_string()
            .contains("S3.2 runs in the evaluator function"),
        "{failure}"
    );

    let mut no_account: Value = serde_json::from_str(&scheduled("IAM.4")).unwrap();
    no_account["invokingEvent"] =
        json!(json!({"messageType": "ScheduledNotification"}).to_string());
    no_account.as_object_mut().unwrap().remove("accountId");
    let failure = aws.handle(&no_account.to_string()).await.unwrap_err();
    assert_eq!(failure.kind(), "MalformedEvent");
    assert!(failure.to_string().contains("awsAccountId"), "{failure}");

    let mut no_rule: Value = serde_json::from_str(&scheduled("IAM.4")).unwrap();
    no_rule.as_object_mut().unwrap().remove("configRuleName");
    let failure = aws.handle(&no_rule.to_string()).await.unwrap_err();
    assert_eq!(failure.kind(), "MalformedEvent");
    assert!(failure.to_string().contains("configRuleName"), "{failure}");

    // A change notification to a periodic rule: nothing to judge, nothing lost.
    let change = events::rule_event(
        Rule {
            name: "r",
            account_id: ACCOUNT,
            region: REGION,
        },
        &events::change(
            &json!({"resourceType": "AWS::IAM::User", "resourceId": "AIDA1",
                                "configurationItemStatus": "OK", "configuration": {}}),
            NOTIFIED_AT,
        ),
        &json!({"controlId": "IAM.4"}),
        "TESTMODE",
        false,
    );
    assert!(aws.handle(&change).await.unwrap().ignored.is_some());
    assert!(aws.config.calls().is_empty());
}

#[test]
fn permissions_cover_what_each_control_reads() {
    let find = |id| ourside_core::registry::find(id).unwrap();
    let iam3 = ourside_periodic::permissions(find("IAM.3"));
    for action in [
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:ListUsers",
        "config:GetComplianceDetailsByConfigRule",
        "config:PutEvaluations",
        "sqs:SendMessage",
    ] {
        assert!(iam3.contains(&action), "{action} missing from {iam3:?}");
    }
    let logs = ourside_periodic::permissions(find("CloudWatch.16"));
    assert!(logs.contains(&"logs:DescribeLogGroups"), "{logs:?}");
}
