//! Delivering verdicts and finding records without losing any: batches within the services'
//! limits, partial failures retried with jittered exponential backoff, bounded by attempts and by
//! the caller's deadline. What still fails is returned as an error, so the invocation fails and
//! Lambda keeps the event (async retries, then the on-failure destination).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ourside_core::record::FindingRecord;

use crate::error::AwsError;
use crate::ports::{BatchFailures, ConfigEvaluation, EvaluationsSink, FindingsQueue};

/// `PutEvaluations` takes at most 100 evaluations.
pub const MAX_EVALUATIONS_PER_CALL: usize = 100;
/// `SendMessageBatch` takes at most 10 messages.
pub const MAX_MESSAGES_PER_BATCH: usize = 10;
/// `SendMessageBatch` takes at most 256 KiB in all (and per message).
pub const MAX_BATCH_BYTES: usize = 256 * 1024;

/// How hard to retry what failed.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts per batch, the first included.
    pub attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// No retry starts after this instant (the Lambda deadline, less a margin).
    pub deadline: Option<Instant>,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 6,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(3),
            deadline: None,
        }
    }
}

impl Retry {
    /// Full-jitter exponential backoff before retry number `attempt` (1 = first retry).
    fn delay(&self, attempt: u32, seed: &mut u64) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        // xorshift: jitter needs spread, not cryptographic quality.
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        let millis = ceiling.as_millis().max(1) as u64;
        Duration::from_millis(*seed % millis)
    }

    fn may_wait(&self, delay: Duration) -> bool {
        self.deadline.is_none_or(|d| Instant::now() + delay < d)
    }
}

fn seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    nanos | 1
}

/// What a delivery took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub items: usize,
    pub calls: usize,
    /// Items sent again after a partial failure or a retryable error.
    pub resent: usize,
}

/// Sends each batch, resending what failed until nothing does, retries run out or the deadline
/// comes. A batch that cannot be delivered does not stop the others: everything that can go,
/// goes, and what did not is reported together at the end.
async fn deliver<T, F, Fut>(
    batches: Vec<Vec<T>>,
    retry: Retry,
    what: &'static str,
    send: F,
) -> Result<Delivered, AwsError>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: std::future::Future<Output = Result<BatchFailures, AwsError>>,
{
    let outcome = deliver_each(batches, retry, what, send).await;
    outcome.lost.into_result(what, outcome.delivered)
}

/// What [`deliver_each`] did: the counts, and every item that was not delivered.
#[derive(Debug)]
pub struct Outcome<T> {
    pub delivered: Delivered,
    pub undelivered: Vec<T>,
    lost: Lost,
}

impl<T> Outcome<T> {
    /// Why items were not delivered, when some were not.
    pub fn error(&self, what: &'static str) -> Option<AwsError> {
        (self.lost.count > 0)
            .then(|| AwsError::new(what, self.lost.retryable, self.lost.reasons.join("; ")))
    }
}

/// [`deliver`], saying which items were not delivered rather than failing as a whole: for
/// callers that acknowledge item by item (a queue's partial batch failures).
pub async fn deliver_each<T, F, Fut>(
    batches: Vec<Vec<T>>,
    retry: Retry,
    what: &'static str,
    mut send: F,
) -> Outcome<T>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: std::future::Future<Output = Result<BatchFailures, AwsError>>,
{
    let mut seed = seed();
    let mut done = Delivered::default();
    let mut lost = Lost::default();
    let mut undelivered = Vec::new();
    for batch in batches {
        let mut pending = batch;
        let mut attempt = 0;
        loop {
            if retry.deadline.is_some_and(|d| Instant::now() >= d) {
                lost.add(pending.len(), true, "the invocation's deadline came first");
                undelivered.append(&mut pending);
                break;
            }
            done.calls += 1;
            let sent = match retry.deadline {
                Some(deadline) => tokio::time::timeout_at(deadline.into(), send(pending.clone()))
                    .await
                    .unwrap_or_else(|_| {
                        Err(AwsError::new(
                            what,
                            true,
                            "no answer before the invocation's deadline",
                        ))
                    }),
                None => send(pending.clone()).await,
            };
            let failures = match sent {
                Ok(failures) => checked(failures, pending.len()),
                Err(e) if e.retryable => BatchFailures::retry_all(pending.len()),
                Err(e) => {
                    lost.add(pending.len(), false, &e.message);
                    undelivered.append(&mut pending);
                    break;
                }
            };
            for (i, reason) in &failures.refused {
                lost.add(1, false, reason);
                undelivered.extend(pending.get(*i).cloned());
            }
            done.items += pending.len() - failures.retry.len() - failures.refused.len();
            if failures.retry.is_empty() {
                break;
            }
            attempt += 1;
            let delay = retry.delay(attempt, &mut seed);
            if attempt >= retry.attempts || !retry.may_wait(delay) {
                lost.add(
                    failures.retry.len(),
                    true,
                    &format!("still failing after {attempt} attempts"),
                );
                undelivered.extend(
                    failures
                        .retry
                        .iter()
                        .filter_map(|i| pending.get(*i).cloned()),
                );
                break;
            }
            done.resent += failures.retry.len();
            pending = failures
                .retry
                .iter()
                .filter_map(|i| pending.get(*i).cloned())
                .collect();
            tokio::time::sleep(delay).await;
        }
    }
    Outcome {
        delivered: done,
        undelivered,
        lost,
    }
}

/// Failures as an adapter reported them, made safe to act on: positions out of the batch or
/// named twice are a mistake the batch is sent again for, rather than a guess.
fn checked(failures: BatchFailures, len: usize) -> BatchFailures {
    let mut seen = std::collections::BTreeSet::new();
    let valid = failures
        .retry
        .iter()
        .chain(failures.refused.iter().map(|(i, _)| i))
        .all(|i| *i < len && seen.insert(*i));
    if valid {
        failures
    } else {
        BatchFailures::retry_all(len)
    }
}

/// What could not be delivered, and why.
#[derive(Debug, Default)]
struct Lost {
    count: usize,
    retryable: bool,
    reasons: Vec<String>,
}

impl Lost {
    fn add(&mut self, count: usize, retryable: bool, reason: &str) {
        if self.count == 0 {
            self.retryable = retryable;
        } else {
            self.retryable &= retryable;
        }
        self.count += count;
        if !self.reasons.iter().any(|r| r == reason) {
            self.reasons.push(reason.to_string());
        }
    }

    fn into_result(self, what: &'static str, done: Delivered) -> Result<Delivered, AwsError> {
        if self.count == 0 {
            return Ok(done);
        }
        Err(AwsError::new(
            what,
            self.retryable,
            format!(
                "{} of {} not delivered: {}",
                self.count,
                self.count + done.items,
                self.reasons.join("; ")
            ),
        ))
    }
}

/// Reports every evaluation to AWS Config, 100 per call.
pub async fn put_evaluations<S: EvaluationsSink>(
    sink: &S,
    result_token: &str,
    evaluations: &[ConfigEvaluation],
    retry: Retry,
) -> Result<Delivered, AwsError> {
    let test_mode = result_token == "TESTMODE";
    let batches = evaluations
        .chunks(MAX_EVALUATIONS_PER_CALL)
        .map(<[ConfigEvaluation]>::to_vec)
        .collect();
    deliver(
        batches,
        retry,
        "config:PutEvaluations",
        |batch| async move { sink.put_evaluations(result_token, test_mode, &batch).await },
    )
    .await
}

/// Queues every finding record, in batches within SQS limits.
pub async fn send_records<Q: FindingsQueue>(
    queue: &Q,
    records: &[FindingRecord],
    retry: Retry,
) -> Result<Delivered, AwsError> {
    let mut bodies = Vec::with_capacity(records.len());
    let mut lost = Lost::default();
    for record in records {
        match record.to_json() {
            Ok(body) if body.len() <= MAX_BATCH_BYTES => bodies.push(body),
            Ok(body) => lost.add(
                1,
                false,
                &format!(
                    "the record for {} {} is {} bytes, over the {MAX_BATCH_BYTES}-byte message limit",
                    record.control_id,
                    record.resource_id,
                    body.len()
                ),
            ),
            Err(e) => lost.add(1, false, &e.to_string()),
        }
    }
    let sent = deliver(
        batch_bodies(bodies),
        retry,
        "sqs:SendMessageBatch",
        |batch| async move { queue.send_batch(&batch).await },
    )
    .await;
    match sent {
        Ok(done) => lost.into_result("sqs:SendMessageBatch", done),
        Err(e) if lost.count == 0 => Err(e),
        Err(e) => Err(AwsError::new(
            "sqs:SendMessageBatch",
            false,
            format!("{}; {}", e.message, lost.reasons.join("; ")),
        )),
    }
}

/// Groups message bodies into batches of at most 10 and at most 256 KiB.
pub fn batch_bodies(bodies: Vec<String>) -> Vec<Vec<String>> {
    let mut batches: Vec<Vec<String>> = Vec::new();
    let mut size = 0;
    for body in bodies {
        let full = batches.last().is_none_or(|b| {
            b.len() == MAX_MESSAGES_PER_BATCH || size + body.len() > MAX_BATCH_BYTES
        });
        if full {
            batches.push(Vec::new());
            size = 0;
        }
        size += body.len();
        if let Some(batch) = batches.last_mut() {
            batch.push(body);
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_count_and_size() {
        let small: Vec<String> = (0..25).map(|i| format!("m{i}")).collect();
        let batches = batch_bodies(small);
        assert_eq!(
            batches.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![10, 10, 5]
        );
        let big: Vec<String> = (0..5).map(|_| "x".repeat(100 * 1024)).collect();
        let batches = batch_bodies(big);
        assert_eq!(
            batches.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
        assert!(batch_bodies(Vec::new()).is_empty());
    }

    #[test]
    fn backoff_is_jittered_and_bounded() {
        let retry = Retry::default();
        let mut seed = 42;
        for attempt in 1..20 {
            let d = retry.delay(attempt, &mut seed);
            assert!(d <= retry.max_delay, "{d:?}");
        }
    }
}
