//! In-memory adapters: real implementations of the ports that keep what they receive, serve
//! what they were given, and fail on cue. For logic tests next to the emulator tests.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Mutex;

use ourside_core::facts::{
    AccountSummary, CredentialReport, DetectorState, EventInvokeConfig, InstanceInventory,
    PasswordPolicy, RecorderState, SecretRotation, TrailState, UserRef, VpcFlowLogs,
};
use ourside_core::need::Need;
use ourside_core::resource::s3::PublicAccessBlock;
use ourside_core::Timestamp;

use crate::error::AwsError;
use crate::ports::account_operations as op;
use crate::ports::{
    AccountReader, AlertLedger, AlertsTopic, BatchFailures, Claim, ClaimTerms, ConfigEvaluation,
    ConfigReader, EvaluationsSink, FindingImport, FindingsHub, FindingsQueue, LambdaReader,
};

/// How the next call should go wrong.
#[derive(Debug, Clone)]
pub enum Fault {
    /// The whole call fails.
    Error(AwsError),
    /// The call succeeds, but these positions of the batch fail (and may be sent again).
    Partial(Vec<usize>),
    /// The call succeeds, but the service refuses these positions for good.
    Refused(Vec<usize>),
}

/// Scripted faults, consumed one per call.
#[derive(Debug, Default)]
pub struct Faults(Mutex<VecDeque<Fault>>);

impl Faults {
    pub fn push(&self, fault: Fault) {
        lock(&self.0).push_back(fault);
    }

    fn next(&self) -> Option<Fault> {
        lock(&self.0).pop_front()
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What a call with faults applied does with a batch: `Err`, or the positions that failed.
fn apply(faults: &Faults, len: usize) -> Result<BatchFailures, AwsError> {
    match faults.next() {
        None => Ok(BatchFailures::default()),
        Some(Fault::Error(e)) => Err(e),
        Some(Fault::Partial(failed)) => Ok(BatchFailures {
            retry: failed.into_iter().filter(|i| *i < len).collect(),
            refused: Vec::new(),
        }),
        Some(Fault::Refused(refused)) => Ok(BatchFailures {
            retry: Vec::new(),
            refused: refused
                .into_iter()
                .filter(|i| *i < len)
                .map(|i| (i, "refused (scripted)".to_string()))
                .collect(),
        }),
    }
}

/// AWS Config in memory.
#[derive(Debug, Default)]
pub struct MemoryConfig {
    /// Every evaluation accepted, with its result token and test mode.
    pub accepted: Mutex<Vec<(String, bool, ConfigEvaluation)>>,
    /// The size of every `PutEvaluations` call.
    pub calls: Mutex<Vec<usize>>,
    pub faults: Faults,
    /// Items served by `latest_item`, by (type, id).
    pub items: Mutex<BTreeMap<(String, String), String>>,
    pub inventory: Mutex<BTreeMap<String, InstanceInventory>>,
    /// Resources with evaluations, by rule.
    pub evaluated: Mutex<BTreeMap<String, Vec<(String, String)>>>,
}

impl MemoryConfig {
    pub fn accepted(&self) -> Vec<ConfigEvaluation> {
        lock(&self.accepted)
            .iter()
            .map(|(_, _, e)| e.clone())
            .collect()
    }

    pub fn calls(&self) -> Vec<usize> {
        lock(&self.calls).clone()
    }

    pub fn add_item(&self, resource_type: &str, resource_id: &str, json: &str) {
        lock(&self.items).insert(
            (resource_type.to_string(), resource_id.to_string()),
            json.to_string(),
        );
    }
}

impl EvaluationsSink for MemoryConfig {
    async fn put_evaluations(
        &self,
        result_token: &str,
        test_mode: bool,
        batch: &[ConfigEvaluation],
    ) -> Result<BatchFailures, AwsError> {
        lock(&self.calls).push(batch.len());
        if batch.len() > crate::deliver::MAX_EVALUATIONS_PER_CALL {
            return Err(AwsError::new(
                "config:PutEvaluations",
                false,
                "more than 100 evaluations",
            ));
        }
        let failed = apply(&self.faults, batch.len())?;
        let mut accepted = lock(&self.accepted);
        for (i, e) in batch.iter().enumerate() {
            if !failed.retry.contains(&i) && !failed.refused.iter().any(|(r, _)| *r == i) {
                accepted.push((result_token.to_string(), test_mode, e.clone()));
            }
        }
        Ok(failed)
    }
}

impl ConfigReader for MemoryConfig {
    async fn latest_item(
        &self,
        resource_type: &str,
        resource_id: &str,
    ) -> Result<Option<String>, AwsError> {
        Ok(lock(&self.items)
            .get(&(resource_type.to_string(), resource_id.to_string()))
            .cloned())
    }

    async fn managed_instance_inventory(
        &self,
        instance_id: &str,
    ) -> Result<Option<InstanceInventory>, AwsError> {
        Ok(lock(&self.inventory).get(instance_id).cloned())
    }

    async fn evaluated_resources(
        &self,
        rule_name: &str,
    ) -> Result<Vec<(String, String)>, AwsError> {
        Ok(lock(&self.evaluated)
            .get(rule_name)
            .cloned()
            .unwrap_or_default())
    }
}

/// The findings queue in memory.
#[derive(Debug, Default)]
pub struct MemoryQueue {
    pub messages: Mutex<Vec<String>>,
    /// The size of every `SendMessageBatch` call.
    pub calls: Mutex<Vec<usize>>,
    pub faults: Faults,
}

impl MemoryQueue {
    pub fn messages(&self) -> Vec<String> {
        lock(&self.messages).clone()
    }
}

impl FindingsQueue for MemoryQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<BatchFailures, AwsError> {
        lock(&self.calls).push(bodies.len());
        if bodies.len() > crate::deliver::MAX_MESSAGES_PER_BATCH {
            return Err(AwsError::new(
                "sqs:SendMessageBatch",
                false,
                "more than 10 messages",
            ));
        }
        let failed = apply(&self.faults, bodies.len())?;
        let mut messages = lock(&self.messages);
        for (i, body) in bodies.iter().enumerate() {
            if !failed.retry.contains(&i) && !failed.refused.iter().any(|(r, _)| *r == i) {
                messages.push(body.clone());
            }
        }
        Ok(failed)
    }
}

/// Lambda in memory.
#[derive(Debug, Default)]
pub struct MemoryLambda {
    pub environments: Mutex<BTreeMap<String, Vec<(String, String)>>>,
    pub event_invoke: Mutex<BTreeMap<String, EventInvokeConfig>>,
}

impl LambdaReader for MemoryLambda {
    async fn environment(&self, function: &str) -> Result<Vec<(String, String)>, AwsError> {
        lock(&self.environments)
            .get(function)
            .cloned()
            .ok_or_else(|| {
                AwsError::new(
                    "lambda:GetFunctionConfiguration",
                    false,
                    format!("no function {function}"),
                )
            })
    }

    async fn event_invoke_config(
        &self,
        function: &str,
    ) -> Result<Option<EventInvokeConfig>, AwsError> {
        Ok(lock(&self.event_invoke).get(function).cloned())
    }
}

/// The account in memory: serves the facts it holds; a call named in `failing` fails
/// (retryable, as throttling would), and so does every fact that needs it.
#[derive(Debug, Default)]
pub struct MemoryAccount {
    /// `None`: the account has no Block Public Access configuration.
    pub public_access_block: Option<PublicAccessBlock>,
    pub ebs_encryption_by_default: bool,
    pub public_snapshots: Vec<String>,
    pub account_summary: AccountSummary,
    pub root_virtual_mfa: bool,
    /// `None`: the account has no password policy.
    pub password_policy: Option<PasswordPolicy>,
    /// `None`: IAM never finishes generating it (the call fails).
    pub credential_report: Option<CredentialReport>,
    pub users: Vec<UserRef>,
    pub trails: Vec<TrailState>,
    pub vpcs: Vec<VpcFlowLogs>,
    pub recorders: Vec<RecorderState>,
    pub detectors: Vec<DetectorState>,
    pub secrets: Vec<SecretRotation>,
    /// Items served by `listed_items`, by need.
    pub listed: BTreeMap<Need, Vec<String>>,
    /// Calls that fail ([`account_operations`](crate::ports::account_operations) names).
    pub failing: Mutex<BTreeSet<&'static str>>,
}

impl MemoryAccount {
    /// Makes `operation` fail from now on.
    pub fn fail(&self, operation: &'static str) {
        lock(&self.failing).insert(operation);
    }

    /// The value, unless one of the calls it takes is failing.
    fn serve<T: Clone>(&self, operations: &[&'static str], value: &T) -> Result<T, AwsError> {
        let failing = lock(&self.failing);
        match operations.iter().find(|o| failing.contains(*o)) {
            Some(operation) => Err(AwsError {
                code: Some("ThrottlingException".to_string()),
                ..AwsError::new(operation, true, "scripted failure")
            }),
            None => Ok(value.clone()),
        }
    }
}

impl AccountReader for MemoryAccount {
    async fn account_public_access_block(
        &self,
        _account_id: &str,
    ) -> Result<Option<PublicAccessBlock>, AwsError> {
        self.serve(&[op::GET_PUBLIC_ACCESS_BLOCK], &self.public_access_block)
    }

    async fn ebs_encryption_by_default(&self) -> Result<bool, AwsError> {
        self.serve(
            &[op::GET_EBS_ENCRYPTION_BY_DEFAULT],
            &self.ebs_encryption_by_default,
        )
    }

    async fn public_snapshots(&self) -> Result<Vec<String>, AwsError> {
        self.serve(&[op::DESCRIBE_SNAPSHOTS], &self.public_snapshots)
    }

    async fn account_summary(&self) -> Result<AccountSummary, AwsError> {
        self.serve(&[op::GET_ACCOUNT_SUMMARY], &self.account_summary)
    }

    async fn root_virtual_mfa(&self) -> Result<bool, AwsError> {
        self.serve(&[op::LIST_VIRTUAL_MFA_DEVICES], &self.root_virtual_mfa)
    }

    async fn password_policy(&self) -> Result<Option<PasswordPolicy>, AwsError> {
        self.serve(&[op::GET_ACCOUNT_PASSWORD_POLICY], &self.password_policy)
    }

    async fn credential_report(&self) -> Result<CredentialReport, AwsError> {
        self.serve(
            &[op::GENERATE_CREDENTIAL_REPORT, op::GET_CREDENTIAL_REPORT],
            &self.credential_report,
        )?
        .ok_or_else(|| {
            AwsError::new(
                op::GENERATE_CREDENTIAL_REPORT,
                true,
                "the credential report was not ready",
            )
        })
    }

    async fn users(&self) -> Result<Vec<UserRef>, AwsError> {
        self.serve(&[op::LIST_USERS], &self.users)
    }

    async fn trails(&self) -> Result<Vec<TrailState>, AwsError> {
        self.serve(
            &[
                op::DESCRIBE_TRAILS,
                op::GET_TRAIL_STATUS,
                op::GET_EVENT_SELECTORS,
            ],
            &self.trails,
        )
    }

    async fn vpc_flow_logs(&self) -> Result<Vec<VpcFlowLogs>, AwsError> {
        self.serve(&[op::DESCRIBE_VPCS, op::DESCRIBE_FLOW_LOGS], &self.vpcs)
    }

    async fn recorders(&self) -> Result<Vec<RecorderState>, AwsError> {
        self.serve(
            &[
                op::DESCRIBE_CONFIGURATION_RECORDERS,
                op::DESCRIBE_CONFIGURATION_RECORDER_STATUS,
            ],
            &self.recorders,
        )
    }

    async fn detectors(&self) -> Result<Vec<DetectorState>, AwsError> {
        self.serve(&[op::LIST_DETECTORS, op::GET_DETECTOR], &self.detectors)
    }

    async fn secrets(&self) -> Result<Vec<SecretRotation>, AwsError> {
        self.serve(&[op::LIST_SECRETS], &self.secrets)
    }

    async fn listed_items(
        &self,
        need: Need,
        _account_id: &str,
        _observed_at: Timestamp,
    ) -> Result<Vec<String>, AwsError> {
        let operation = match need {
            Need::ElastiCacheClusters => op::DESCRIBE_CACHE_CLUSTERS,
            Need::ElastiCacheReplicationGroups => op::DESCRIBE_REPLICATION_GROUPS,
            Need::LogGroups => op::DESCRIBE_LOG_GROUPS,
            _ => return Ok(Vec::new()),
        };
        self.serve(
            &[operation],
            &self.listed.get(&need).cloned().unwrap_or_default(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::{put_evaluations, send_records, Retry};
    use ourside_core::{Compliance, Timestamp};
    use std::time::Duration;

    fn evaluation(i: usize) -> ConfigEvaluation {
        ConfigEvaluation {
            resource_type: "AWS::S3::Bucket".into(),
            resource_id: format!("bucket-{i}"),
            compliance: Compliance::Compliant,
            annotation: "ok".into(),
            ordering_timestamp: Timestamp::UNIX_EPOCH,
        }
    }

    fn fast() -> Retry {
        Retry {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..Retry::default()
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn partial_failures_and_throttling_are_retried_until_everything_lands() {
        let config = MemoryConfig::default();
        config.faults.push(Fault::Partial(vec![3, 7, 99]));
        config.faults.push(Fault::Error(AwsError::new(
            "config:PutEvaluations",
            true,
            "Throttling",
        )));
        config.faults.push(Fault::Partial(vec![0]));
        let evaluations: Vec<_> = (0..250).map(evaluation).collect();
        let done = put_evaluations(&config, "TESTMODE", &evaluations, fast())
            .await
            .unwrap();
        assert_eq!(done.items, 250);
        let mut ids: Vec<String> = config
            .accepted()
            .into_iter()
            .map(|e| e.resource_id)
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 250, "every evaluation exactly once");
        assert_eq!(config.accepted().len(), 250);
        assert!(config.calls().iter().all(|n| *n <= 100));
        assert!(lock(&config.accepted)
            .iter()
            .all(|(token, test, _)| token == "TESTMODE" && *test));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn failures_that_persist_are_errors_not_silence() {
        let config = MemoryConfig::default();
        for _ in 0..10 {
            config.faults.push(Fault::Partial(vec![0]));
        }
        let err = put_evaluations(&config, "token", &[evaluation(0)], fast())
            .await
            .unwrap_err();
        assert!(
            err.retryable && err.message.contains("still failing"),
            "{err}"
        );
        let config = MemoryConfig::default();
        config.faults.push(Fault::Error(AwsError::new(
            "config:PutEvaluations",
            false,
            "AccessDenied",
        )));
        let err = put_evaluations(&config, "token", &[evaluation(0)], fast())
            .await
            .unwrap_err();
        assert!(!err.retryable);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn records_go_out_ten_at_a_time_and_failed_entries_are_resent() {
        let queue = MemoryQueue::default();
        queue.faults.push(Fault::Partial(vec![2, 9]));
        let records: Vec<_> = (0..23).map(record).collect();
        let done = send_records(&queue, &records, fast()).await.unwrap();
        assert_eq!(done.items, 23);
        assert_eq!(done.resent, 2);
        assert_eq!(queue.messages().len(), 23);
        assert!(lock(&queue.calls).iter().all(|n| *n <= 10));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn one_failing_call_fails_only_the_facts_that_need_it() {
        let account = MemoryAccount {
            ebs_encryption_by_default: true,
            public_snapshots: vec!["snap-0123".into()],
            trails: vec![TrailState {
                name: "org".into(),
                multi_region: true,
                logging: true,
                all_management_events: true,
                ..TrailState::default()
            }],
            listed: BTreeMap::from([(Need::LogGroups, vec!["{}".to_string()])]),
            ..MemoryAccount::default()
        };
        assert_eq!(account.ebs_encryption_by_default().await, Ok(true));
        assert_eq!(account.trails().await.unwrap().len(), 1);
        assert_eq!(account.password_policy().await, Ok(None));
        account.fail(op::GET_EVENT_SELECTORS);
        let err = account.trails().await.unwrap_err();
        assert!(
            err.retryable && err.operation == op::GET_EVENT_SELECTORS,
            "{err}"
        );
        assert_eq!(
            account.public_snapshots().await,
            Ok(vec!["snap-0123".into()])
        );
        let observed = Timestamp::UNIX_EPOCH;
        assert_eq!(
            account
                .listed_items(Need::LogGroups, "111122223333", observed)
                .await,
            Ok(vec!["{}".to_string()])
        );
        account.fail(op::DESCRIBE_LOG_GROUPS);
        assert!(account
            .listed_items(Need::LogGroups, "111122223333", observed)
            .await
            .is_err());
        assert_eq!(
            account
                .listed_items(Need::ElastiCacheClusters, "111122223333", observed)
                .await,
            Ok(vec![])
        );
        let err = account.credential_report().await.unwrap_err();
        assert_eq!(err.operation, op::GENERATE_CREDENTIAL_REPORT);
    }

    fn record(i: usize) -> ourside_core::record::FindingRecord {
        let subject = ourside_core::asff::Subject {
            resource_type: ourside_core::ResourceType::S3Bucket,
            resource_id: format!("bucket-{i}"),
            arn: None,
            account_id: Some("111122223333".into()),
            region: Some("eu-west-1".into()),
            capture_time: None,
            tags: Default::default(),
            details: None,
        };
        ourside_core::record::FindingRecord::new(
            ourside_core::registry::find("S3.2").unwrap(),
            &subject,
            &ourside_core::Verdict::compliant("ok"),
            Timestamp::UNIX_EPOCH,
            Timestamp::UNIX_EPOCH,
            ourside_core::record::Origin::Change,
        )
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_refused_entry_does_not_stop_the_others() {
        let queue = MemoryQueue::default();
        queue.faults.push(Fault::Refused(vec![4]));
        queue.faults.push(Fault::Error(AwsError::new(
            "sqs:SendMessageBatch",
            false,
            "AccessDenied",
        )));
        let records: Vec<_> = (0..30).map(record).collect();
        let err = send_records(&queue, &records, fast()).await.unwrap_err();
        assert!(!err.retryable);
        assert!(err.message.contains("11 of 30 not delivered"), "{err}");
        assert!(
            err.message.contains("refused") && err.message.contains("AccessDenied"),
            "{err}"
        );
        assert_eq!(queue.messages().len(), 19, "the third batch still went out");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn positions_an_adapter_gets_wrong_resend_the_batch() {
        let config = MemoryConfig::default();
        config.faults.push(Fault::Partial(vec![1, 1]));
        let evaluations: Vec<_> = (0..5).map(evaluation).collect();
        let done = put_evaluations(&config, "t", &evaluations, fast())
            .await
            .unwrap();
        assert_eq!(config.calls(), vec![5, 5]);
        assert_eq!(done.resent, 5);
        let ids: std::collections::BTreeSet<String> = config
            .accepted()
            .into_iter()
            .map(|e| e.resource_id)
            .collect();
        assert_eq!(ids.len(), 5, "every evaluation delivered");
    }

    /// A service that never answers.
    struct Silent;

    impl EvaluationsSink for Silent {
        async fn put_evaluations(
            &self,
            _: &str,
            _: bool,
            _: &[ConfigEvaluation],
        ) -> Result<BatchFailures, AwsError> {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(BatchFailures::default())
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn delivery_stops_at_the_deadline() {
        let started = std::time::Instant::now();
        let retry = Retry {
            deadline: Some(started + Duration::from_millis(200)),
            ..fast()
        };
        let evaluations: Vec<_> = (0..150).map(evaluation).collect();
        let err = put_evaluations(&Silent, "t", &evaluations, retry)
            .await
            .unwrap_err();
        assert!(err.retryable, "{err}");
        assert!(err.message.contains("150 of 150 not delivered"), "{err}");
        assert!(err.message.contains("deadline"), "{err}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}

/// Security Hub in memory: findings by id, replaced on re-import as Security Hub does.
#[derive(Debug, Default)]
pub struct MemoryHub {
    pub findings: Mutex<BTreeMap<String, serde_json::Value>>,
    /// The size of every `BatchImportFindings` call.
    pub imports: Mutex<Vec<usize>>,
    /// The number of ids of every lookup.
    pub lookups: Mutex<Vec<usize>>,
    /// Faults of `BatchImportFindings`.
    pub faults: Faults,
    /// Faults of `GetFindings` (only `Fault::Error` applies).
    pub lookup_faults: Faults,
}

impl MemoryHub {
    pub fn finding(&self, id: &str) -> Option<serde_json::Value> {
        lock(&self.findings).get(id).cloned()
    }

    pub fn len(&self) -> usize {
        lock(&self.findings).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn imports(&self) -> Vec<usize> {
        lock(&self.imports).clone()
    }
}

impl FindingsHub for MemoryHub {
    async fn existing(
        &self,
        ids: &[String],
    ) -> Result<Vec<ourside_core::import::Existing>, AwsError> {
        lock(&self.lookups).push(ids.len());
        if let Some(Fault::Error(e)) = self.lookup_faults.next() {
            return Err(e);
        }
        let text = |f: &serde_json::Value, key: &str| {
            f.get(key).and_then(|v| v.as_str()).map(str::to_string)
        };
        let findings = lock(&self.findings);
        Ok(ids
            .iter()
            .filter_map(|id| findings.get(id))
            .map(|f| ourside_core::import::Existing {
                id: text(f, "Id").unwrap_or_default(),
                created_at: text(f, "CreatedAt").unwrap_or_default(),
                first_observed_at: text(f, "FirstObservedAt"),
                last_observed_at: text(f, "LastObservedAt"),
                updated_at: text(f, "UpdatedAt").unwrap_or_default(),
                evaluated_at: f
                    .pointer(&format!(
                        "/ProductFields/{}",
                        ourside_core::asff::EVALUATED_AT_FIELD.replace('/', "~1")
                    ))
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            })
            .collect())
    }

    async fn import(&self, batch: &[FindingImport]) -> Result<BatchFailures, AwsError> {
        lock(&self.imports).push(batch.len());
        if batch.len() > ourside_core::import::MAX_FINDINGS_PER_IMPORT {
            return Err(AwsError::new(
                "securityhub:BatchImportFindings",
                false,
                "more than 100 findings",
            ));
        }
        let failed = apply(&self.faults, batch.len())?;
        let mut findings = lock(&self.findings);
        for (i, f) in batch.iter().enumerate() {
            if failed.retry.contains(&i) || failed.refused.iter().any(|(r, _)| *r == i) {
                continue;
            }
            let value = serde_json::from_str(&f.json).map_err(|e| {
                AwsError::new("securityhub:BatchImportFindings", false, e.to_string())
            })?;
            findings.insert(f.id.clone(), value);
        }
        Ok(failed)
    }
}

/// The alert topic in memory.
#[derive(Debug, Default)]
pub struct MemoryTopic {
    pub published: Mutex<Vec<ourside_core::alert::Alert>>,
    /// Faults of `Publish` (only `Fault::Error` applies).
    pub faults: Faults,
}

impl MemoryTopic {
    pub fn published(&self) -> Vec<ourside_core::alert::Alert> {
        lock(&self.published).clone()
    }
}

impl AlertsTopic for MemoryTopic {
    async fn publish(&self, alert: &ourside_core::alert::Alert) -> Result<String, AwsError> {
        if let Some(Fault::Error(e)) = self.faults.next() {
            return Err(e);
        }
        let mut published = lock(&self.published);
        published.push(alert.clone());
        Ok(format!("memory-{}", published.len()))
    }
}

/// One entry of the in-memory ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// `false`: claimed (IN_PROGRESS); `true`: published (COMPLETE).
    pub complete: bool,
    pub owner: String,
    /// The claim's expiry, epoch milliseconds.
    pub until_ms: u64,
    /// The entry's time-to-live, epoch seconds.
    pub expires_at: u64,
    pub message_id: Option<String>,
}

/// The alert ledger in memory, with the same conditions as the DynamoDB table's.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    pub entries: Mutex<BTreeMap<String, LedgerEntry>>,
    /// Faults of every call (only `Fault::Error` applies).
    pub faults: Faults,
    /// Every call, as `claim KEY` / `complete KEY` / `release KEY`.
    pub calls: Mutex<Vec<String>>,
}

impl MemoryLedger {
    pub fn entries(&self) -> BTreeMap<String, LedgerEntry> {
        lock(&self.entries).clone()
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<String> {
        lock(&self.calls).clone()
    }

    fn call(&self, what: &str, key: &str) -> Result<(), AwsError> {
        lock(&self.calls).push(format!("{what} {key}"));
        match self.faults.next() {
            Some(Fault::Error(e)) => Err(e),
            _ => Ok(()),
        }
    }

    /// The owner's claim on `key`, or the error DynamoDB gives when the condition fails.
    fn held<'a>(
        entries: &'a mut BTreeMap<String, LedgerEntry>,
        operation: &'static str,
        key: &str,
        owner: &str,
    ) -> Result<&'a mut LedgerEntry, AwsError> {
        entries
            .get_mut(key)
            .filter(|e| !e.complete && e.owner == owner)
            .ok_or_else(|| AwsError {
                code: Some("ConditionalCheckFailedException".into()),
                ..AwsError::new(operation, false, "the claim is not held by this owner")
            })
    }
}

impl AlertLedger for MemoryLedger {
    async fn claim(&self, key: &str, terms: &ClaimTerms) -> Result<Claim, AwsError> {
        self.call("claim", key)?;
        let mut entries = lock(&self.entries);
        match entries.get(key) {
            Some(e) if e.expires_at >= terms.now_ms / 1000 && e.complete => {
                return Ok(Claim::Published {
                    message_id: e.message_id.clone(),
                })
            }
            Some(e) if e.expires_at >= terms.now_ms / 1000 && e.until_ms >= terms.now_ms => {
                return Ok(Claim::InProgress {
                    until_ms: e.until_ms,
                })
            }
            _ => {}
        }
        entries.insert(
            key.to_string(),
            LedgerEntry {
                complete: false,
                owner: terms.owner.clone(),
                until_ms: terms.until_ms,
                expires_at: terms.expires_at,
                message_id: None,
            },
        );
        Ok(Claim::Taken)
    }

    async fn complete(
        &self,
        key: &str,
        owner: &str,
        message_id: Option<&str>,
        expires_at: u64,
    ) -> Result<(), AwsError> {
        self.call("complete", key)?;
        let mut entries = lock(&self.entries);
        let entry = Self::held(&mut entries, "dynamodb:PutItem", key, owner)?;
        entry.complete = true;
        entry.message_id = message_id.map(String::from);
        entry.expires_at = expires_at;
        Ok(())
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), AwsError> {
        self.call("release", key)?;
        let mut entries = lock(&self.entries);
        Self::held(&mut entries, "dynamodb:DeleteItem", key, owner)?;
        entries.remove(key);
        Ok(())
    }
}
