//! The alerter: takes AWS Config's "Config Rules Compliance Change" events (EventBridge → the
//! alert queue, delivered in batches) and tells on-call through the SNS alert topic.
//!
//! Config computes the transitions, so an alert goes out once per resource that *becomes*
//! non-compliant (optionally once more when it recovers), never for an unchanged state, never
//! for other rules, never below the minimum severity, never for a deleted resource. More alerts
//! than the threshold in one batch become one digest. The answer is a partial batch response:
//! a message is acknowledged once its alert was published (or it needed none), so a failed
//! publish is retried by redelivery.
//!
//! # Each alert once: the idempotency ledger
//!
//! SQS delivers at least once, EventBridge retries, and operators replay parked messages, so
//! one event may reach the alerter several times. The ledger (a DynamoDB table, see
//! [`ourside_aws::ledger`]) keeps one entry per event, keyed by the evaluation result it
//! announces ([`ourside_core::alert::event_key`]: not the queue message, whose id a replay
//! changes), in the way AWS Lambda Powertools' idempotency does:
//!
//! 1. Before publishing an alert, the function claims each of its events' keys (a conditional
//!    write: `IN_PROGRESS`, held until the invocation's deadline).
//! 2. An event already published (`COMPLETE`) is acknowledged without publishing. An event
//!    another invocation is publishing (`IN_PROGRESS`, not expired) is left for redelivery,
//!    with the rest of its alert. A claim past its holder's deadline is taken over.
//! 3. Once SNS accepted the alert, its events are marked `COMPLETE` with SNS's message id,
//!    remembered for the retention (14 days by default: as long as the dead-letter queue keeps
//!    a message that could be replayed). If the publish fails, the claims are deleted so the
//!    redelivery publishes.
//! 4. If the ledger cannot be reached (throttled, down) after the retries the invocation's
//!    deadline allows, nothing is published blind: those messages fail and are redelivered.
//!
//! An alert covers several events (a resource's events collapse into one transition; a
//! digest covers many resources). Being idempotent per event, not per alert, keeps partial
//! overlaps right: when a redelivered batch holds some events already published and some not,
//! the published ones are dropped and the rest planned again, so a later alert never repeats
//! what an earlier one told, however redelivery regroups the events. Events that need no alert
//! are not recorded.
//!
//! The guarantee: once an alert's publish succeeded and was recorded, its events never alert
//! again (within the retention). An ambiguous failure can still send an alert twice: SNS
//! accepted the message but the answer was lost (a timeout), or the function stopped between
//! the publish and the record. A standard SNS topic does not deduplicate, so such a retry is a
//! second message; a FIFO topic's deduplication id would close that gap, but FIFO topics
//! deliver only to SQS subscribers, not to e-mail, chat or pagers.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ourside_aws::deliver::{deliver_each, Retry};
use ourside_aws::ports::{AlertLedger, AlertsTopic, BatchFailures, Claim, ClaimTerms};
use ourside_core::alert::{plan, Alert, AlertPolicy, EventMessage};
use ourside_core::control::Severity;
use ourside_core::rule::RULE_PREFIX;
pub use ourside_lambda::sqs::BatchResponse;
use ourside_lambda::sqs::SqsEvent;
pub use ourside_lambda::{Failure, Run, DEADLINE_MARGIN};

/// The IAM actions the function takes (the queue's receive/delete are the event source
/// mapping's, granted to the same role).
pub const PERMISSIONS: &[&str] = ourside_core::deploy::Function::Alerter.base_permissions();

const PUBLISH: &str = "sns:Publish";
const CLAIM: &str = "dynamodb:PutItem (claim)";
const COMPLETE: &str = "dynamodb:PutItem (complete)";
const RELEASE: &str = "dynamodb:DeleteItem (release)";

/// How long a published event is remembered by default: the dead-letter queue's retention, the
/// longest a message can wait to be replayed.
pub const DEFAULT_RETENTION_DAYS: u64 = 14;

/// How long a claim holds when the run has no deadline (tests): Lambda's longest timeout.
const CLAIM_WITHOUT_DEADLINE: Duration = Duration::from_secs(15 * 60);

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
    /// The idempotency ledger's DynamoDB table name (required).
    pub const LEDGER_TABLE: &str = "ALERT_LEDGER_TABLE";
    /// How many days the ledger remembers a published event (default 14).
    pub const LEDGER_RETENTION_DAYS: &str = "ALERT_LEDGER_RETENTION_DAYS";
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

/// The idempotency ledger and how long it remembers a published event.
#[derive(Debug)]
pub struct Ledger<L> {
    pub store: L,
    pub retention: Duration,
}

/// The retention the environment sets; a bad value is an error naming the variable.
pub fn retention_from(lookup: impl Fn(&str) -> Option<String>) -> Result<Duration, String> {
    let days = match lookup(env::LEDGER_RETENTION_DAYS) {
        None => DEFAULT_RETENTION_DAYS,
        Some(text) => text
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| {
                format!(
                    "{}={text:?}: expected a whole number of days from 1 to 365",
                    env::LEDGER_RETENTION_DAYS
                )
            })?,
    };
    Ok(Duration::from_secs(days * 24 * 3600))
}

/// What one batch came to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alerted {
    /// Alerts and digests published.
    pub published: Vec<Alert>,
    /// Messages that needed no alert.
    pub quiet: usize,
    /// Messages acknowledged without publishing: the ledger says their events' alerts were
    /// published before (a duplicate delivery, a replay).
    pub already_published: Vec<String>,
    pub response: BatchResponse,
}

/// A claim owner unique to this invocation: the process, the clock and a counter.
fn owner() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The terms of this run's claims: held until the invocation's deadline (the run's, which
/// keeps [`DEADLINE_MARGIN`] back, plus that margin), remembered for the retention.
fn terms(run: &Run, retention: Duration) -> ClaimTerms {
    let now_ms = u64::try_from(run.now.0.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    let held = run.retry.deadline.map_or(CLAIM_WITHOUT_DEADLINE, |d| {
        d.saturating_duration_since(Instant::now()) + DEADLINE_MARGIN
    });
    ClaimTerms {
        owner: owner(),
        now_ms,
        until_ms: now_ms + held.as_millis() as u64,
        expires_at: now_ms / 1000 + retention.as_secs(),
    }
}

/// Calls `call` once per item, each retried on its own (throttling, server errors) within the
/// run's deadline; returns what each item's last successful call gave. Items whose calls
/// kept failing are absent, and the error says why.
async fn each<T, R, F, Fut>(
    items: Vec<T>,
    retry: Retry,
    what: &'static str,
    call: F,
) -> (Vec<(T, R)>, Option<ourside_aws::AwsError>)
where
    T: Clone,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R, ourside_aws::AwsError>>,
{
    let done = RefCell::new(Vec::new());
    let outcome = deliver_each(
        items.into_iter().map(|item| vec![item]).collect(),
        retry,
        what,
        |batch| {
            let (done, call) = (&done, &call);
            async move {
                for item in batch {
                    let result = call(item.clone()).await?;
                    done.borrow_mut().push((item, result));
                }
                Ok(BatchFailures::default())
            }
        },
    )
    .await;
    (done.into_inner(), outcome.error(what))
}

/// What the ledger says of one alert's events.
enum Fate {
    /// Every event is ours to publish.
    Publish,
    /// Every event was published before.
    Published,
    /// Some event is being published by another invocation, or the ledger did not answer.
    Blocked,
    /// Some events were published before, the rest are ours: plan the rest again.
    Partly,
}

/// Handles one SQS batch of EventBridge events: `event` is the Lambda event, as JSON text.
pub async fn handle<T: AlertsTopic, L: AlertLedger>(
    event: &str,
    topic: &T,
    ledger: &Ledger<L>,
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
    let key_of = |message: &String| plan.keys.get(message).cloned().unwrap_or_default();
    let keys_of =
        |alert: &Alert| -> BTreeSet<String> { alert.messages.iter().map(key_of).collect() };

    // 1. Claim every event an alert is due for.
    let terms = terms(&run, ledger.retention);
    let wanted: BTreeSet<String> = plan.alerts.iter().flat_map(keys_of).collect();
    let (claims, error) = each(
        wanted.into_iter().collect(),
        run.retry,
        CLAIM,
        |key: String| {
            let terms = &terms;
            async move { ledger.store.claim(&key, terms).await }
        },
    )
    .await;
    if let Some(error) = error {
        tracing::error!(error = %error, "the alert ledger did not answer: those alerts wait for redelivery, none is published blind");
    }
    let claims: BTreeMap<String, Claim> = claims.into_iter().collect();

    // 2. Decide each alert's fate from its events' claims.
    let mut to_publish: Vec<Alert> = Vec::new();
    let mut to_release: Vec<String> = Vec::new();
    let mut remaining: BTreeSet<String> = BTreeSet::new();
    let mut already_published: Vec<String> = Vec::new();
    for alert in plan.alerts {
        let keys = keys_of(&alert);
        let claimed: Vec<Option<&Claim>> = keys.iter().map(|k| claims.get(k)).collect();
        let fate = if claimed
            .iter()
            .any(|c| matches!(c, None | Some(Claim::InProgress { .. })))
        {
            Fate::Blocked
        } else if claimed.iter().all(|c| matches!(c, Some(Claim::Taken))) {
            Fate::Publish
        } else if claimed
            .iter()
            .all(|c| matches!(c, Some(Claim::Published { .. })))
        {
            Fate::Published
        } else {
            Fate::Partly
        };
        let taken = |k: &&String| matches!(claims.get(*k), Some(Claim::Taken));
        let published =
            |m: &&String| matches!(claims.get(&key_of(m)), Some(Claim::Published { .. }));
        match fate {
            Fate::Publish => to_publish.push(alert),
            Fate::Published => {
                tracing::info!(
                    subject = alert.subject.as_str(),
                    events = alert.messages.len(),
                    "alert already published; acknowledged without publishing"
                );
                already_published.extend(alert.messages);
            }
            Fate::Blocked => {
                tracing::warn!(subject = alert.subject.as_str(), events = alert.messages.len(), "alert being published by another invocation or ledger unavailable; left for redelivery");
                to_release.extend(keys.iter().filter(taken).cloned());
                failed.extend(alert.messages);
            }
            Fate::Partly => {
                already_published.extend(alert.messages.iter().filter(published).cloned());
                remaining.extend(alert.messages.iter().filter(|m| !published(m)).cloned());
            }
        }
    }
    // Events whose alert told only part of what they cover: planned again without the part
    // already told. What needs no alert then was covered by the earlier one.
    let mut covered: Vec<String> = Vec::new();
    if !remaining.is_empty() {
        let rest: Vec<EventMessage> = messages
            .iter()
            .filter(|m| remaining.contains(&m.id))
            .cloned()
            .collect();
        let again = ourside_core::alert::plan(&rest, policy);
        tracing::info!(
            events = rest.len(),
            alerts = again.alerts.len(),
            "events partly alerted before, planned again without them"
        );
        to_publish.extend(again.alerts);
        covered.extend(again.quiet);
    }

    // 3. Publish, one alert per call: each is retried on its own.
    let (sent, error) = each(
        to_publish.clone(),
        run.retry,
        PUBLISH,
        |alert: Alert| async move { topic.publish(&alert).await },
    )
    .await;
    if let Some(error) = error {
        tracing::error!(error = %error, alerts = to_publish.len() - sent.len(), "alerts not published; their events will be redelivered");
    }
    let mut completions: Vec<(String, Option<String>)> = Vec::new();
    for (alert, message_id) in &sent {
        tracing::info!(
            subject = alert.subject.as_str(),
            sns_message_id = message_id.as_str(),
            events = alert.messages.len(),
            "alert published"
        );
        completions.extend(
            keys_of(alert)
                .into_iter()
                .map(|k| (k, Some(message_id.clone()))),
        );
    }
    for alert in to_publish
        .iter()
        .filter(|a| !sent.iter().any(|(s, _)| s == *a))
    {
        to_release.extend(keys_of(alert));
        failed.extend(alert.messages.iter().cloned());
    }
    let covered_keys: BTreeSet<String> = covered.iter().map(key_of).collect();
    completions.extend(covered_keys.into_iter().map(|k| (k, None)));

    // 4. Record what was published; release what was not.
    let expires_at = terms.expires_at;
    let owner = terms.owner.as_str();
    let (_, error) = each(
        completions,
        run.retry,
        COMPLETE,
        |(key, id): (String, Option<String>)| async move {
            ledger
                .store
                .complete(&key, owner, id.as_deref(), expires_at)
                .await
        },
    )
    .await;
    if let Some(error) = error {
        // Acknowledged anyway: redelivered, they would be published again once the claim
        // expires. Only a replay can repeat them now.
        tracing::error!(error = %error, "published alerts not recorded in the ledger");
    }
    let (_, error) = each(to_release, run.retry, RELEASE, |key: String| async move {
        ledger.store.release(&key, owner).await
    })
    .await;
    if let Some(error) = error {
        tracing::warn!(error = %error, "claims not released; they lapse at this invocation's deadline");
    }

    let published: Vec<Alert> = sent.into_iter().map(|(alert, _)| alert).collect();
    tracing::info!(
        messages = messages.len(),
        alerts = published.len(),
        quiet = plan.quiet.len() + covered.len(),
        already_published = already_published.len(),
        failed = failed.len(),
        "batch handled"
    );
    Ok(Alerted {
        published,
        quiet: plan.quiet.len() + covered.len(),
        already_published,
        response: BatchResponse::failing(&failed),
    })
}
