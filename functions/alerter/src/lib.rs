//! The alerter: takes AWS Config's "Config Rules Compliance Change" events (EventBridge → the
//! alert queue, delivered in batches) and tells on-call through the SNS alert topic.
//!
//! Config computes the transitions, so an alert goes out once per resource that *becomes*
//! non-compliant (optionally once more when it recovers), never for an unchanged state, never
//! for other rules, never below the minimum severity, never for a deleted resource. More alerts
//! than the threshold in one batch become one digest. The answer is a partial batch response:
//! a message is acknowledged once its alert was published (or it needed none), so a failed
//! publish is retried by redelivery and a published alert is not sent again.

use ourside_aws::deliver::deliver_each;
use ourside_aws::ports::{AlertsTopic, BatchFailures};
use ourside_core::alert::{plan, Alert, AlertPolicy, EventMessage};
use ourside_core::control::Severity;
use ourside_core::rule::RULE_PREFIX;
pub use ourside_lambda::sqs::BatchResponse;
use ourside_lambda::sqs::SqsEvent;
pub use ourside_lambda::{Failure, Run};

/// The IAM actions the function takes (the queue's receive/delete are the event source
/// mapping's, granted to the same role).
pub const PERMISSIONS: &[&str] = ourside_core::deploy::Function::Alerter.base_permissions();

const PUBLISH: &str = "sns:Publish";

/// The environment variables that tune the alerter, with their defaults.
pub mod env {
    /// The alert topic's ARN (required).
    pub const TOPIC_ARN: &str = "ALERT_TOPIC_ARN";
    /// INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL (default MEDIUM).
    pub const MIN_SEVERITY: &str = "MIN_ALERT_SEVERITY";
    /// `true` to tell when a resource recovers (default false).
    pub const RECOVERY_NOTICES: &str = "RECOVERY_NOTICES";
    /// More alerts than this in one batch become one digest (default 10).
    pub const DIGEST_THRESHOLD: &str = "DIGEST_THRESHOLD";
    /// The prefix of the deployment's Config rule names (default `ourside-`).
    pub const RULE_PREFIX: &str = "RULE_PREFIX";
}

/// The policy the environment sets; a bad value is an error naming the variable.
pub fn policy_from(lookup: impl Fn(&str) -> Option<String>) -> Result<AlertPolicy, String> {
    let min_severity = match lookup(env::MIN_SEVERITY) {
        None => Severity::Medium,
        Some(text) => Severity::parse(&text).ok_or_else(|| {
            format!(
                "{}={text:?}: expected INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL",
                env::MIN_SEVERITY
            )
        })?,
    };
    let recovery_notices = match lookup(env::RECOVERY_NOTICES).as_deref().map(str::trim) {
        None | Some("") => false,
        Some(t) if t.eq_ignore_ascii_case("true") => true,
        Some(t) if t.eq_ignore_ascii_case("false") => false,
        Some(t) => {
            return Err(format!(
                "{}={t:?}: expected true or false",
                env::RECOVERY_NOTICES
            ))
        }
    };
    let digest_threshold = match lookup(env::DIGEST_THRESHOLD) {
        None => 10,
        Some(text) => text.trim().parse::<usize>().map_err(|_| {
            format!(
                "{}={text:?}: expected a whole number of alerts",
                env::DIGEST_THRESHOLD
            )
        })?,
    };
    Ok(AlertPolicy {
        rule_prefix: lookup(env::RULE_PREFIX).unwrap_or_else(|| RULE_PREFIX.to_string()),
        min_severity,
        recovery_notices,
        digest_threshold,
    })
}

/// What one batch came to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alerted {
    /// Alerts and digests published.
    pub published: Vec<Alert>,
    /// Messages that needed no alert.
    pub quiet: usize,
    pub response: BatchResponse,
}

/// Handles one SQS batch of EventBridge events: `event` is the Lambda event, as JSON text.
pub async fn handle<T: AlertsTopic>(
    event: &str,
    topic: &T,
    policy: &AlertPolicy,
    run: Run,
) -> Result<Alerted, Failure> {
    let event = SqsEvent::parse(event)?;
    let messages: Vec<EventMessage> = event
        .records
        .into_iter()
        .map(|m| EventMessage {
            id: m.message_id,
            body: m.body,
        })
        .collect();
    let plan = plan(&messages, policy);
    let mut failed: Vec<String> = Vec::new();
    for (message, reason) in &plan.unusable {
        tracing::error!(
            message_id = message.as_str(),
            reason = reason.as_str(),
            "not a compliance-change event; left to the dead-letter queue"
        );
        failed.push(message.clone());
    }
    // One alert per call: each is retried on its own and a failure holds back only its messages.
    let batches: Vec<Vec<Alert>> = plan.alerts.iter().cloned().map(|a| vec![a]).collect();
    let outcome = deliver_each(batches, run.retry, PUBLISH, |batch| async move {
        for alert in &batch {
            let message_id = topic.publish(alert).await?;
            tracing::info!(
                subject = alert.subject.as_str(),
                sns_message_id = message_id.as_str(),
                events = alert.messages.len(),
                "alert published"
            );
        }
        Ok(BatchFailures::default())
    })
    .await;
    if let Some(error) = outcome.error(PUBLISH) {
        tracing::error!(error = %error, alerts = outcome.undelivered.len(), "alerts not published; their events will be redelivered");
    }
    for alert in &outcome.undelivered {
        failed.extend(alert.messages.iter().cloned());
    }
    let published: Vec<Alert> = plan
        .alerts
        .into_iter()
        .filter(|a| !outcome.undelivered.contains(a))
        .collect();
    tracing::info!(
        messages = messages.len(),
        alerts = published.len(),
        quiet = plan.quiet.len(),
        failed = failed.len(),
        "batch handled"
    );
    Ok(Alerted {
        published,
        quiet: plan.quiet.len(),
        response: BatchResponse::failing(&failed),
    })
}
