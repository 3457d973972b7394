//! The small interfaces the functions depend on. Each has an SDK adapter (the real wire format,
//! tested against the local emulator) and an in-memory adapter (for logic tests).

use std::future::Future;

use ourside_core::facts::{EventInvokeConfig, InstanceInventory};
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

/// Where verdicts go: AWS Config.
pub trait EvaluationsSink {
    /// Sends one batch of at most 100 evaluations; returns the positions Config reported as
    /// failed (`FailedEvaluations`).
    fn put_evaluations(
        &self,
        result_token: &str,
        test_mode: bool,
        batch: &[ConfigEvaluation],
    ) -> impl Future<Output = Result<Vec<usize>, AwsError>>;
}

/// Where finding records go: the SQS findings queue.
pub trait FindingsQueue {
    /// Sends one batch (at most 10 messages within the size limit); returns the positions SQS
    /// reported as failed.
    fn send_batch(&self, bodies: &[String]) -> impl Future<Output = Result<Vec<usize>, AwsError>>;
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

    /// The resources a rule has evaluations for (`GetComplianceDetailsByConfigRule`), as
    /// (resource type, resource id): what a periodic run must not leave with a stale verdict.
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
