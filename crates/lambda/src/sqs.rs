//! Lambda's SQS event and its partial batch response: the functions that consume a queue
//! acknowledge message by message, so what failed is redelivered and, after the redrive limit,
//! kept in the dead-letter queue.

use serde::{Deserialize, Serialize};

use crate::Failure;

/// The SQS event Lambda delivers (only what the functions read).
#[derive(Debug, Clone, Deserialize)]
pub struct SqsEvent {
    #[serde(rename = "Records")]
    pub records: Vec<SqsMessage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SqsMessage {
    pub message_id: String,
    pub body: String,
}

impl SqsEvent {
    /// Reads the event; anything else is a malformed event naming the field.
    pub fn parse(json: &str) -> Result<Self, Failure> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        Self::deserialize(&mut deserializer).map_err(|e| {
            let path = ourside_core::json::error_path(json, &e);
            let path = if path.is_empty() { "." } else { path.as_str() };
            Failure::Incomplete(format!("not an SQS event: {path}: {e}"))
        })
    }
}

/// `{"batchItemFailures":[{"itemIdentifier":…}]}`: the messages to redeliver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub batch_item_failures: Vec<ItemFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemFailure {
    pub item_identifier: String,
}

impl BatchResponse {
    /// The response failing these message ids, each once, in order.
    pub fn failing<'a>(ids: impl IntoIterator<Item = &'a String>) -> Self {
        let mut seen = std::collections::BTreeSet::new();
        BatchResponse {
            batch_item_failures: ids
                .into_iter()
                .filter(|id| seen.insert(id.as_str()))
                .map(|id| ItemFailure {
                    item_identifier: id.clone(),
                })
                .collect(),
        }
    }

    pub fn failed_ids(&self) -> Vec<&str> {
        self.batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_and_failures_serialise_as_lambda_expects() {
        let event = SqsEvent::parse(
            r#"{"Records":[{"messageId":"m1","receiptHandle":"h","body":"{}","attributes":{},"eventSource":"aws:sqs"}]}"#,
        )
        .unwrap();
        assert_eq!(event.records[0].message_id, "m1");
        let err = SqsEvent::parse(r#"{"Records":[{"messageId":"m1"}]}"#).unwrap_err();
        assert!(err.to_string().contains("Records[0]"), "{err}");
        let ids = ["a".to_string(), "b".to_string(), "a".to_string()];
        let response = BatchResponse::failing(&ids);
        assert_eq!(
            serde_json::to_string(&response).unwrap(),
            r#"{"batchItemFailures":[{"itemIdentifier":"a"},{"itemIdentifier":"b"}]}"#
        );
    }
}
