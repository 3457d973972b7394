//! No credential planted in what a periodic run reads about the account (a secret's tags, as
//! ListSecrets returns them) comes out in Config's evaluations or the finding records.

#[allow(dead_code)]
#[path = "../../../tests/src/planted.rs"]
mod planted;

use std::time::Duration;

use ourside_aws::deliver::Retry;
use ourside_aws::memory::{MemoryAccount, MemoryConfig, MemoryQueue};
use ourside_core::facts::SecretRotation;
use ourside_core::record::FindingRecord;
use ourside_core::{Compliance, Timestamp};
use ourside_lambda::events::{self, Rule};
use ourside_periodic::{handle, Run, Services};
use serde_json::json;

#[tokio::test]
async fn a_secrets_tags_reach_no_evaluation_or_record() {
    let arn = format!(
        "arn:aws:secretsmanager:{}:{}:secret:acme/leaky-Ab12Cd",
        planted::REGION,
        planted::ACCOUNT
    );
    let account = MemoryAccount {
        secrets: vec![SecretRotation {
            arn: arn.clone(),
            name: "acme/leaky".into(),
            rotation_enabled: false,
            created: Timestamp::parse("2025-01-01T00:00:00Z"),
            tags: planted::variables().into_iter().collect(),
            ..SecretRotation::default()
        }],
        ..MemoryAccount::default()
    };
    let (config, queue) = (MemoryConfig::default(), MemoryQueue::default());
    let services = Services {
        account: &account,
        config: &config,
        evaluations: &config,
        findings: &queue,
        region: planted::REGION,
    };
    let event = events::rule_event(
        Rule {
            name: "ourside-SecretsManager-4",
            account_id: planted::ACCOUNT,
            region: planted::REGION,
        },
        &events::scheduled(planted::ACCOUNT, "2026-06-01T00:00:00.000Z"),
        &json!({"controlId": "SecretsManager.4"}),
        "TESTMODE",
        false,
    );
    let run = Run {
        now: Timestamp::parse("2026-06-01T00:00:05Z").unwrap(),
        retry: Retry {
            attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            deadline: None,
        },
    };
    let handled = handle(&event, &services, run).await;
    planted::assert_clean("the periodic run's outcome", &format!("{handled:?}"));
    handled.unwrap();

    let evaluations = config.accepted();
    planted::assert_clean("Config evaluations", &format!("{evaluations:?}"));
    let messages = queue.messages();
    planted::assert_clean("finding records", &messages.join("\n"));
    // The secret was judged, and its record carries every tag key, with the values withheld.
    let record: FindingRecord = messages
        .iter()
        .map(|m| serde_json::from_str::<FindingRecord>(m).unwrap())
        .find(|r| r.arn.as_deref() == Some(arn.as_str()))
        .expect("a record for the secret");
    assert_eq!(record.compliance, Compliance::NonCompliant);
    assert_eq!(record.tags.len(), planted::credentials().len());
    assert!(
        record.tags.values().all(|v| v.starts_with("(withheld: ")),
        "{:?}",
        record.tags
    );
}
