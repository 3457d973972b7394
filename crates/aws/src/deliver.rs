//! Delivering verdicts and finding records without losing any: batches within the services'
//! limits, partial failures retried with jittered exponential backoff, bounded by attempts and by
//! the caller's deadline. What still fails is returned as an error, so the invocation fails and
//! Lambda keeps the event (async retries, then the on-failure destination).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ourside_core::record::FindingRecord;

use crate::error::AwsError;
use crate::ports::{ConfigEvaluation, EvaluationsSink, FindingsQueue};

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

/// Sends each batch, resending what failed until nothing does or retries run out.
async fn deliver<T, F, Fut>(
    batches: Vec<Vec<T>>,
    retry: Retry,
    what: &'static str,
    mut send: F,
) -> Result<Delivered, AwsError>
where
    T: Clone,
    F: FnMut(Vec<T>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<usize>, AwsError>>,
{
    let mut seed = seed();
    let mut done = Delivered::default();
    for batch in batches {
        let mut pending = batch;
        let mut attempt = 0;
        loop {
            done.calls += 1;
            let failed = match send(pending.clone()).await {
                Ok(failed) => failed,
                Err(e) if e.retryable => (0..pending.len()).collect(),
                Err(e) => return Err(e),
            };
            done.items += pending.len() - failed.len();
            if failed.is_empty() {
                break;
            }
            attempt += 1;
            let delay = retry.delay(attempt, &mut seed);
            if attempt >= retry.attempts || !retry.may_wait(delay) {
                return Err(AwsError::new(
                    what,
                    true,
                    format!(
                        "{} of {} still failing after {attempt} attempts",
                        failed.len(),
                        pending.len()
                    ),
                ));
            }
            done.resent += failed.len();
            pending = failed
                .into_iter()
                .filter_map(|i| pending.get(i).cloned())
                .collect();
            tokio::time::sleep(delay).await;
        }
    }
    Ok(done)
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
    for record in records {
        let body = serde_json::to_string(record)
            .map_err(|e| AwsError::new("sqs:SendMessageBatch", false, e.to_string()))?;
        if body.len() > MAX_BATCH_BYTES {
            return Err(AwsError::new(
                "sqs:SendMessageBatch",
                false,
                format!(
                    "the record for {} {} is {} bytes, over the {MAX_BATCH_BYTES}-byte message limit",
                    record.control_id,
                    record.resource_id,
                    body.len()
                ),
            ));
        }
        bodies.push(body);
    }
    deliver(
        batch_bodies(bodies),
        retry,
        "sqs:SendMessageBatch",
        |batch| async move { queue.send_batch(&batch).await },
    )
    .await
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
