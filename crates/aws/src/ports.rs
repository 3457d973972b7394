//! The small interfaces the functions depend on. Each has an adapter for the service (an SDK
//! client, or for Security Hub a signed call of its own: the real wire format, tested against the
//! local emulator) and an in-memory adapter (for logic tests).

use std::future::Future;

use ourside_core::facts::{
    AccountSummary, CredentialReport, DetectorState, EventInvokeConfig, InstanceInventory,
    PasswordPolicy, RecorderState, SecretRotation, TrailState, UserRef, VpcFlowLogs,
};
use ourside_core::resource::s3::PublicAccessBlock;
use ourside_core::{Compliance, Timestamp};

use crate::error::AwsError;

/// One verdict for AWS Config (`PutEvaluations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEvaluation {
    pub resource_type: String,
    pub resource_id: String,
    pub compliance: Compliance,
    /// At most 256 bytes (the core guarantees it).
    pub annotation: String,
    /// The item's capture time, or the periodic notification's time.
    pub ordering_timestamp: Timestamp,
}

/// What a batch call left undone, by position in the batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchFailures {
    /// Entries that may succeed if sent again (throttling, internal errors).
    pub retry: Vec<usize>,
    /// Entries the service refused for good, with its reason.
    pub refused: Vec<(usize, String)>,
}

impl BatchFailures {
    /// Every entry of a batch of `len`, to be sent again.
    pub fn retry_all(len: usize) -> Self {
        BatchFailures {
            retry: (0..len).collect(),
            refused: Vec::new(),
        }
    }
}

/// Where verdicts go: AWS Config.
pub trait EvaluationsSink {
    /// Sends one batch of at most 100 evaluations; says which Config reported as failed
    /// (`FailedEvaluations`).
    fn put_evaluations(
        &self,
        result_token: &str,
        test_mode: bool,
        batch: &[ConfigEvaluation],
    ) -> impl Future<Output = Result<BatchFailures, AwsError>>;
}

/// Where finding records go: the SQS findings queue.
pub trait FindingsQueue {
    /// Sends one batch (at most 10 messages within the size limit); says which entries SQS
    /// reported as failed, and which of those it refused for good (sender faults).
    fn send_batch(
        &self,
        bodies: &[String],
    ) -> impl Future<Output = Result<BatchFailures, AwsError>>;
}

/// What the functions read from AWS Config.
pub trait ConfigReader {
    /// The newest configuration item of a resource, as JSON (`GetResourceConfigHistory`, limit
    /// 1, API key flavour); `None` when Config has none.
    fn latest_item(
        &self,
        resource_type: &str,
        resource_id: &str,
    ) -> impl Future<Output = Result<Option<String>, AwsError>>;

    /// The Systems Manager inventory Config recorded for an instance; `None` when there is none.
    fn managed_instance_inventory(
        &self,
        instance_id: &str,
    ) -> impl Future<Output = Result<Option<InstanceInventory>, AwsError>>;

    /// The resources a rule has COMPLIANT or NON_COMPLIANT evaluations for
    /// (`GetComplianceDetailsByConfigRule`), as (resource type, resource id): what a periodic
    /// run must not leave with a stale verdict.
    fn evaluated_resources(
        &self,
        rule_name: &str,
    ) -> impl Future<Output = Result<Vec<(String, String)>, AwsError>>;
}

/// What the evaluator reads from Lambda for the functions it judges.
pub trait LambdaReader {
    /// The function's environment variables (names and values).
    fn environment(
        &self,
        function: &str,
    ) -> impl Future<Output = Result<Vec<(String, String)>, AwsError>>;

    /// The function's asynchronous-invocation settings; `None` when it has none.
    fn event_invoke_config(
        &self,
        function: &str,
    ) -> impl Future<Output = Result<Option<EventInvokeConfig>, AwsError>>;
}

/// The calls [`AccountReader`] makes, as its errors name them: the in-memory adapter fails on
/// the same names.
pub mod account_operations {
    pub const GET_PUBLIC_ACCESS_BLOCK: &str = "s3control:GetPublicAccessBlock";
    pub const GET_EBS_ENCRYPTION_BY_DEFAULT: &str = "ec2:GetEbsEncryptionByDefault";
    pub const DESCRIBE_SNAPSHOTS: &str = "ec2:DescribeSnapshots";
    pub const GET_ACCOUNT_SUMMARY: &str = "iam:GetAccountSummary";
    pub const LIST_VIRTUAL_MFA_DEVICES: &str = "iam:ListVirtualMFADevices";
    pub const GET_ACCOUNT_PASSWORD_POLICY: &str = "iam:GetAccountPasswordPolicy";
    pub const GENERATE_CREDENTIAL_REPORT: &str = "iam:GenerateCredentialReport";
    pub const GET_CREDENTIAL_REPORT: &str = "iam:GetCredentialReport";
    pub const LIST_USERS: &str = "iam:ListUsers";
    pub const DESCRIBE_TRAILS: &str = "cloudtrail:DescribeTrails";
    pub const GET_TRAIL_STATUS: &str = "cloudtrail:GetTrailStatus";
    pub const GET_EVENT_SELECTORS: &str = "cloudtrail:GetEventSelectors";
    pub const DESCRIBE_VPCS: &str = "ec2:DescribeVpcs";
    pub const DESCRIBE_FLOW_LOGS: &str = "ec2:DescribeFlowLogs";
    pub const DESCRIBE_CONFIGURATION_RECORDERS: &str = "config:DescribeConfigurationRecorders";
    pub const DESCRIBE_CONFIGURATION_RECORDER_STATUS: &str =
        "config:DescribeConfigurationRecorderStatus";
    pub const LIST_DETECTORS: &str = "guardduty:ListDetectors";
    pub const GET_DETECTOR: &str = "guardduty:GetDetector";
    pub const LIST_SECRETS: &str = "secretsmanager:ListSecrets";
    pub const DESCRIBE_CACHE_CLUSTERS: &str = "elasticache:DescribeCacheClusters";
    pub const DESCRIBE_REPLICATION_GROUPS: &str = "elasticache:DescribeReplicationGroups";
    pub const DESCRIBE_LOG_GROUPS: &str = "logs:DescribeLogGroups";
}

/// What periodic controls read about the account, one call group per [`Need`]. Each method
/// pages through every result; one failing does not stop the others (the runner records it as
/// that fact being unavailable).
///
/// [`Need`]: ourside_core::need::Need
pub trait AccountReader {
    /// `s3control:GetPublicAccessBlock` for the account; `None` when it has none.
    fn account_public_access_block(
        &self,
        account_id: &str,
    ) -> impl Future<Output = Result<Option<PublicAccessBlock>, AwsError>>;

    /// `ec2:GetEbsEncryptionByDefault` in the client's region.
    fn ebs_encryption_by_default(&self) -> impl Future<Output = Result<bool, AwsError>>;

    /// Ids of the account's snapshots that anyone can restore (`ec2:DescribeSnapshots` with
    /// owner `self` and restorable-by `all`).
    fn public_snapshots(&self) -> impl Future<Output = Result<Vec<String>, AwsError>>;

    /// `iam:GetAccountSummary`.
    fn account_summary(&self) -> impl Future<Output = Result<AccountSummary, AwsError>>;

    /// Whether a virtual MFA device is assigned to the root user (`iam:ListVirtualMFADevices`).
    fn root_virtual_mfa(&self) -> impl Future<Output = Result<bool, AwsError>>;

    /// `iam:GetAccountPasswordPolicy`; `None` when the account has none.
    fn password_policy(&self) -> impl Future<Output = Result<Option<PasswordPolicy>, AwsError>>;

    /// The credential report: generated if needed (`iam:GenerateCredentialReport`, polled
    /// briefly), then read (`iam:GetCredentialReport`).
    fn credential_report(&self) -> impl Future<Output = Result<CredentialReport, AwsError>>;

    /// `iam:ListUsers`.
    fn users(&self) -> impl Future<Output = Result<Vec<UserRef>, AwsError>>;

    /// Trails with their status and event selectors.
    fn trails(&self) -> impl Future<Output = Result<Vec<TrailState>, AwsError>>;

    /// VPCs of the region and their active flow logs.
    fn vpc_flow_logs(&self) -> impl Future<Output = Result<Vec<VpcFlowLogs>, AwsError>>;

    /// AWS Config recorders and their status.
    fn recorders(&self) -> impl Future<Output = Result<Vec<RecorderState>, AwsError>>;

    /// GuardDuty detectors of the region.
    fn detectors(&self) -> impl Future<Output = Result<Vec<DetectorState>, AwsError>>;

    /// Secrets Manager secrets and their rotation.
    fn secrets(&self) -> impl Future<Output = Result<Vec<SecretRotation>, AwsError>>;

    /// Resources AWS Config does not record, listed by their service's describe API and wrapped
    /// as configuration items (JSON, API key flavour, the describe entry as `configuration`):
    /// [`Need::ElastiCacheClusters`], [`Need::ElastiCacheReplicationGroups`],
    /// [`Need::LogGroups`]. Any other need lists nothing.
    ///
    /// [`Need::ElastiCacheClusters`]: ourside_core::need::Need::ElastiCacheClusters
    /// [`Need::ElastiCacheReplicationGroups`]: ourside_core::need::Need::ElastiCacheReplicationGroups
    /// [`Need::LogGroups`]: ourside_core::need::Need::LogGroups
    fn listed_items(
        &self,
        need: ourside_core::need::Need,
        account_id: &str,
        observed_at: Timestamp,
    ) -> impl Future<Output = Result<Vec<String>, AwsError>>;
}

/// One finding for `BatchImportFindings`: its id and its ASFF JSON, exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingImport {
    pub id: String,
    pub json: String,
}

/// Where findings go: Security Hub.
pub trait FindingsHub {
    /// What Security Hub holds for these finding ids (at most 20: `GetFindings`' limit of
    /// values per filter); ids it does not have are absent from the answer.
    fn existing(
        &self,
        ids: &[String],
    ) -> impl Future<Output = Result<Vec<ourside_core::import::Existing>, AwsError>>;

    /// One `BatchImportFindings` call (at most 100 findings); says which Security Hub reported
    /// as failed (`FailedFindings`), and which of those it refused for good.
    fn import(
        &self,
        findings: &[FindingImport],
    ) -> impl Future<Output = Result<BatchFailures, AwsError>>;
}

/// Where alerts go: the SNS alert topic.
pub trait AlertsTopic {
    /// Publishes one alert; returns SNS's message id.
    fn publish(
        &self,
        alert: &ourside_core::alert::Alert,
    ) -> impl Future<Output = Result<String, AwsError>>;
}

/// The terms of a claim on an event's key in the [`AlertLedger`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimTerms {
    /// Who claims: unique to one invocation. Only the holder completes or releases a claim.
    pub owner: String,
    /// The time of the claim, in epoch milliseconds.
    pub now_ms: u64,
    /// Until when the claim holds (the invocation's deadline), in epoch milliseconds; after
    /// that another invocation may take it over.
    pub until_ms: u64,
    /// When the entry may be forgotten (the table's time-to-live), in epoch seconds.
    pub expires_at: u64,
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is ours (new, forgotten, or an expired claim taken over): publish, then
    /// complete or release it.
    Taken,
    /// Its alert was published; SNS's message id when one was recorded.
    Published { message_id: Option<String> },
    /// Another invocation is publishing it, until `until_ms` (epoch milliseconds).
    InProgress { until_ms: u64 },
}

/// The alerter's idempotency ledger: one entry per compliance-change event
/// ([`ourside_core::alert::event_key`]), claimed before its alert is published and completed
/// once SNS accepted it, so a redelivered or replayed event is not alerted twice.
pub trait AlertLedger {
    /// Claims `key` unless it is published, or claimed by another invocation whose claim has
    /// not expired.
    fn claim(&self, key: &str, terms: &ClaimTerms)
        -> impl Future<Output = Result<Claim, AwsError>>;

    /// Records that `key`'s alert was published (SNS's message id, when there was a message:
    /// an event whose alert was covered by another needs none), kept until `expires_at`
    /// (epoch seconds). Fails when `owner` no longer holds the claim.
    fn complete(
        &self,
        key: &str,
        owner: &str,
        message_id: Option<&str>,
        expires_at: u64,
    ) -> impl Future<Output = Result<(), AwsError>>;

    /// Gives up `owner`'s claim on `key` after a failed publish, so the redelivery may publish.
    fn release(&self, key: &str, owner: &str) -> impl Future<Output = Result<(), AwsError>>;
}
