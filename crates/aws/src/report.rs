//! Reporting verdicts: each one goes to AWS Config as an evaluation and to the findings queue
//! as a finding record, so the publisher can build the Security Hub finding without calling
//! Config again.

use ourside_core::asff::Subject;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::{Control, Timestamp, Verdict};

use crate::deliver::{put_evaluations, send_records, Delivered, Retry};
use crate::error::AwsError;
use crate::ports::{ConfigEvaluation, EvaluationsSink, FindingsQueue};

/// One verdict, in both forms it is reported in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reportable {
    pub evaluation: ConfigEvaluation,
    pub record: FindingRecord,
}

/// What is the same for every verdict of one invocation.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    pub origin: Origin,
    pub rule_name: Option<&'a str>,
    pub evaluated_at: Timestamp,
}

impl Reportable {
    /// `observed_at` orders the evaluation in Config: the item's capture time, or the periodic
    /// notification's time. `archive` says the resource is gone or out of scope.
    pub fn new(
        control: &Control,
        subject: &Subject,
        verdict: &Verdict,
        observed_at: Timestamp,
        archive: bool,
        batch: Batch<'_>,
    ) -> Self {
        Reportable {
            evaluation: ConfigEvaluation {
                resource_type: subject.resource_type.config_name().to_string(),
                resource_id: subject.resource_id.clone(),
                compliance: verdict.compliance,
                annotation: verdict.annotation.clone(),
                ordering_timestamp: observed_at,
            },
            record: FindingRecord::new(
                control,
                subject,
                verdict,
                observed_at,
                batch.evaluated_at,
                batch.origin,
            )
            .from_rule(batch.rule_name)
            .archived(archive),
        }
    }
}

/// What reporting took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reported {
    pub evaluations: Delivered,
    pub records: Delivered,
}

/// Sends every evaluation to Config (100 per call), then every record to the queue (10 per
/// call), each as far as it goes: Config failing does not keep the findings from Security Hub.
/// Anything not delivered after retries is an error: the invocation then fails and Lambda keeps
/// the event. Sending again is harmless: Config keeps the latest evaluation per resource and the
/// publisher updates findings in place.
pub async fn report<S: EvaluationsSink, Q: FindingsQueue>(
    sink: &S,
    queue: &Q,
    result_token: &str,
    reportables: &[Reportable],
    retry: Retry,
) -> Result<Reported, AwsError> {
    if reportables.is_empty() {
        return Ok(Reported::default());
    }
    let evaluations: Vec<ConfigEvaluation> =
        reportables.iter().map(|r| r.evaluation.clone()).collect();
    let records: Vec<FindingRecord> = reportables.iter().map(|r| r.record.clone()).collect();
    let evaluations = put_evaluations(sink, result_token, &evaluations, retry).await;
    let records = send_records(queue, &records, retry).await;
    match (evaluations, records) {
        (Ok(evaluations), Ok(records)) => Ok(Reported {
            evaluations,
            records,
        }),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
        (Err(evaluations), Err(records)) => Err(AwsError::new(
            evaluations.operation,
            evaluations.retryable && records.retryable,
            format!("{}; and {records}", evaluations.message),
        )),
    }
}
