//! The SQS findings queue.

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use crate::error::AwsError;
use crate::ports::{BatchFailures, FindingsQueue};

/// The findings queue, by URL.
#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsQueue {
    pub fn new(sdk: &aws_config::SdkConfig, url: impl Into<String>) -> Self {
        SqsQueue {
            client: aws_sdk_sqs::Client::new(sdk),
            url: url.into(),
        }
    }
}

impl FindingsQueue for SqsQueue {
    async fn send_batch(&self, bodies: &[String]) -> Result<BatchFailures, AwsError> {
        const OP: &str = "sqs:SendMessageBatch";
        let entries = bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .build()
                    .map_err(|e| AwsError::new(OP, false, e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let output = self
            .client
            .send_message_batch()
            .queue_url(&self.url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let mut failures = BatchFailures::default();
        for entry in output.failed() {
            let Some(i) = entry
                .id()
                .parse::<usize>()
                .ok()
                .filter(|i| *i < bodies.len())
            else {
                // An entry that cannot be placed: send the whole batch again, lose nothing.
                return Ok(BatchFailures::retry_all(bodies.len()));
            };
            if entry.sender_fault() {
                failures.refused.push((
                    i,
                    format!("{} {}", entry.code(), entry.message().unwrap_or_default()),
                ));
            } else {
                failures.retry.push(i);
            }
        }
        Ok(failures)
    }
}
