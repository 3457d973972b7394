//! The SDK adapters: SQS for the parked queue and the target queue, Lambda for re-invocations.

use std::time::Duration;

use aws_sdk_lambda::types::InvocationType;
use aws_smithy_types::Blob;

use super::{DeadLetters, Invoker, Parked, Sender};
use crate::error::AwsError;
use crate::paginate::all_pages;

/// The parked queue, by URL.
#[derive(Debug, Clone)]
pub struct SqsDeadLetters {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsDeadLetters {
    pub fn new(sdk: &aws_config::SdkConfig, url: impl Into<String>) -> Self {
        SqsDeadLetters {
            client: aws_sdk_sqs::Client::new(sdk),
            url: url.into(),
        }
    }
}

impl DeadLetters for SqsDeadLetters {
    async fn receive(&self, max: usize, visibility: Duration) -> Result<Vec<Parked>, AwsError> {
        const OP: &str = "sqs:ReceiveMessage";
        let output = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max.clamp(1, super::MAX_PER_RECEIVE) as i32)
            .visibility_timeout(i32::try_from(visibility.as_secs()).unwrap_or(i32::MAX))
            // Short polling waits for nothing: an empty answer ends the run.
            .wait_time_seconds(0)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        output
            .messages()
            .iter()
            .map(|m| match (m.message_id(), m.receipt_handle()) {
                (Some(id), Some(receipt)) => Ok(Parked {
                    message_id: id.to_string(),
                    receipt_handle: receipt.to_string(),
                    body: m.body().unwrap_or_default().to_string(),
                }),
                _ => Err(AwsError::new(
                    OP,
                    false,
                    "a message came without its id or receipt handle",
                )),
            })
            .collect()
    }

    async fn delete(&self, receipt_handle: &str) -> Result<(), AwsError> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk("sqs:DeleteMessage", e))
    }

    async fn release(&self, receipt_handle: &str) -> Result<(), AwsError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .visibility_timeout(0)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk("sqs:ChangeMessageVisibility", e))
    }

    async fn source_queues(&self) -> Result<Vec<String>, AwsError> {
        const OP: &str = "sqs:ListDeadLetterSourceQueues";
        all_pages(OP, |token| async move {
            let output = self
                .client
                .list_dead_letter_source_queues()
                .queue_url(&self.url)
                .max_results(1000)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            Ok((
                output.queue_urls().to_vec(),
                output.next_token().map(str::to_string),
            ))
        })
        .await
    }
}

/// Sends bodies to any queue.
#[derive(Debug, Clone)]
pub struct SqsSender {
    client: aws_sdk_sqs::Client,
}

impl SqsSender {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        SqsSender {
            client: aws_sdk_sqs::Client::new(sdk),
        }
    }
}

impl Sender for SqsSender {
    async fn send(&self, queue_url: &str, body: &str) -> Result<(), AwsError> {
        self.client
            .send_message()
            .queue_url(queue_url)
            .message_body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk("sqs:SendMessage", e))
    }
}

/// Invokes functions asynchronously.
#[derive(Debug, Clone)]
pub struct LambdaInvoker {
    client: aws_sdk_lambda::Client,
}

impl LambdaInvoker {
    pub fn new(sdk: &aws_config::SdkConfig) -> Self {
        LambdaInvoker::from_client(aws_sdk_lambda::Client::new(sdk))
    }

    /// With a client configured by the caller (tests observe its requests).
    pub fn from_client(client: aws_sdk_lambda::Client) -> Self {
        LambdaInvoker { client }
    }
}

impl Invoker for LambdaInvoker {
    async fn invoke_async(&self, function: &str, payload: &str) -> Result<(), AwsError> {
        const OP: &str = "lambda:InvokeFunction";
        let output = self
            .client
            .invoke()
            .function_name(function)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(payload.as_bytes()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        // Lambda queues an asynchronous invocation with 202 Accepted.
        match output.status_code() {
            202 => Ok(()),
            status => Err(AwsError::new(
                OP,
                false,
                format!("expected 202 Accepted for an asynchronous invocation, got {status}"),
            )),
        }
    }
}
