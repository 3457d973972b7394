//! In-memory adapters for the replay's logic tests: a parked queue with visibility, receipts
//! and redelivered copies, and a sender and an invoker that keep what they get and fail on cue.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::{DeadLetters, Invoker, Parked, Sender};
use crate::error::AwsError;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn scripted(operation: &'static str) -> AwsError {
    AwsError::new(operation, true, "failed (scripted)")
}

#[derive(Debug, Default)]
struct Queue {
    /// (message id, body, hidden), in arrival order.
    messages: Vec<(String, String, bool)>,
    /// Receipt handle → message id.
    receipts: HashMap<String, String>,
    handed_out: usize,
    /// Ids handed out once more by the next receive, as SQS may (at-least-once delivery).
    copies: VecDeque<String>,
}

/// A parked queue in memory.
#[derive(Debug, Default)]
pub struct MemoryDeadLetters {
    queue: Mutex<Queue>,
    /// What `source_queues` answers.
    pub sources: Mutex<Vec<String>>,
    /// Deleting these message ids fails.
    pub failing_deletes: Mutex<BTreeSet<String>>,
    /// The next receives fail (one entry per call).
    pub failing_receives: Mutex<usize>,
    /// Visibility timeouts asked for, one per receive.
    pub receives: Mutex<Vec<Duration>>,
}

impl MemoryDeadLetters {
    /// A queue holding these (message id, body).
    pub fn with(messages: &[(&str, &str)]) -> Self {
        let queue = MemoryDeadLetters::default();
        lock(&queue.queue).messages = messages
            .iter()
            .map(|(id, body)| (id.to_string(), body.to_string(), false))
            .collect();
        queue
    }

    /// The next receive hands out this message again (if it is still there).
    pub fn redeliver(&self, message_id: &str) {
        lock(&self.queue).copies.push_back(message_id.to_string());
    }

    /// Every message still parked, as (id, body, visible).
    pub fn parked(&self) -> Vec<(String, String, bool)> {
        lock(&self.queue)
            .messages
            .iter()
            .map(|(id, body, hidden)| (id.clone(), body.clone(), !hidden))
            .collect()
    }
}

impl DeadLetters for MemoryDeadLetters {
    async fn receive(&self, max: usize, visibility: Duration) -> Result<Vec<Parked>, AwsError> {
        lock(&self.receives).push(visibility);
        {
            let mut failing = lock(&self.failing_receives);
            if *failing > 0 {
                *failing -= 1;
                return Err(scripted("sqs:ReceiveMessage"));
            }
        }
        let mut queue = lock(&self.queue);
        let queue = &mut *queue;
        let mut page: Vec<(String, String)> = Vec::new();
        while let Some(id) = queue.copies.pop_front() {
            if let Some((id, body, _)) = queue.messages.iter().find(|(m, _, _)| *m == id) {
                page.push((id.clone(), body.clone()));
            }
        }
        for (id, body, hidden) in queue.messages.iter_mut() {
            if page.len() >= max.min(super::MAX_PER_RECEIVE) {
                break;
            }
            if !*hidden {
                *hidden = true;
                page.push((id.clone(), body.clone()));
            }
        }
        Ok(page
            .into_iter()
            .map(|(message_id, body)| {
                queue.handed_out += 1;
                let receipt_handle = format!("{message_id}#{}", queue.handed_out);
                queue
                    .receipts
                    .insert(receipt_handle.clone(), message_id.clone());
                Parked {
                    message_id,
                    receipt_handle,
                    body,
                }
            })
            .collect())
    }

    async fn delete(&self, receipt_handle: &str) -> Result<(), AwsError> {
        let mut queue = lock(&self.queue);
        let id =
            queue.receipts.get(receipt_handle).cloned().ok_or_else(|| {
                AwsError::new("sqs:DeleteMessage", false, "unknown receipt handle")
            })?;
        if lock(&self.failing_deletes).contains(&id) {
            return Err(scripted("sqs:DeleteMessage"));
        }
        queue.messages.retain(|(m, _, _)| *m != id);
        Ok(())
    }

    async fn release(&self, receipt_handle: &str) -> Result<(), AwsError> {
        let mut queue = lock(&self.queue);
        let id = queue.receipts.get(receipt_handle).cloned().ok_or_else(|| {
            AwsError::new(
                "sqs:ChangeMessageVisibility",
                false,
                "unknown receipt handle",
            )
        })?;
        for (m, _, hidden) in queue.messages.iter_mut() {
            if *m == id {
                *hidden = false;
            }
        }
        Ok(())
    }

    async fn source_queues(&self) -> Result<Vec<String>, AwsError> {
        Ok(lock(&self.sources).clone())
    }
}

/// Queues in memory: keeps what is sent, by queue URL.
#[derive(Debug, Default)]
pub struct MemorySender {
    /// (queue URL, body), in order.
    pub sent: Mutex<Vec<(String, String)>>,
    /// Bodies containing one of these fail.
    pub failing: Mutex<Vec<String>>,
}

impl MemorySender {
    pub fn sent(&self) -> Vec<(String, String)> {
        lock(&self.sent).clone()
    }
}

impl Sender for MemorySender {
    async fn send(&self, queue_url: &str, body: &str) -> Result<(), AwsError> {
        if lock(&self.failing)
            .iter()
            .any(|f| body.contains(f.as_str()))
        {
            return Err(scripted("sqs:SendMessage"));
        }
        lock(&self.sent).push((queue_url.to_string(), body.to_string()));
        Ok(())
    }
}

/// Lambda in memory: keeps every asynchronous invocation.
#[derive(Debug, Default)]
pub struct MemoryInvoker {
    /// (function, payload), in order.
    pub invoked: Mutex<Vec<(String, String)>>,
    /// Invoking these functions fails.
    pub failing: Mutex<BTreeSet<String>>,
}

impl MemoryInvoker {
    pub fn invoked(&self) -> Vec<(String, String)> {
        lock(&self.invoked).clone()
    }
}

impl Invoker for MemoryInvoker {
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<(), AwsError> {
        if lock(&self.failing).contains(function) {
            return Err(scripted("lambda:InvokeFunction"));
        }
        lock(&self.invoked).push((function.to_string(), payload.to_string()));
        Ok(())
    }
}
