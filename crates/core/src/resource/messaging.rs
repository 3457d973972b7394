//! `AWS::SNS::Topic` and `AWS::SQS::Queue`.
//!
//! Both are recorded as the service's PascalCase attribute map (`GetTopicAttributes`,
//! `GetQueueAttributes`). Attributes are strings in the API, so `SqsManagedSseEnabled` may be
//! `"true"` as well as `true`. An unencrypted topic or queue simply has no `KmsMasterKeyId`.
//! camelCase spellings are read too.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError};
use crate::resource::non_blank;

/// An SNS topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub arn: String,
    /// `KmsMasterKeyId` (key id, key ARN, alias name or alias ARN); `None` when absent or empty.
    pub kms_master_key_id: Option<String>,
}

/// An SQS queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queue {
    pub name: String,
    /// `KmsMasterKeyId` (SSE-KMS); `None` when absent or empty.
    pub kms_master_key_id: Option<String>,
    /// `SqsManagedSseEnabled` (SSE-SQS); `None` when absent.
    pub sqs_managed_sse: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawTopic {
    #[serde(rename = "TopicArn", alias = "topicArn")]
    topic_arn: Option<String>,
    #[serde(rename = "KmsMasterKeyId", alias = "kmsMasterKeyId")]
    kms_master_key_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawQueue {
    #[serde(rename = "QueueName", alias = "queueName")]
    queue_name: Option<String>,
    #[serde(rename = "KmsMasterKeyId", alias = "kmsMasterKeyId")]
    kms_master_key_id: Option<String>,
    #[serde(rename = "SqsManagedSseEnabled", alias = "sqsManagedSseEnabled")]
    sqs_managed_sse_enabled: Option<Flag>,
}

impl Topic {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawTopic = item.configuration()?;
        Ok(Topic {
            arn: raw
                .topic_arn
                .or_else(|| item.arn.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            kms_master_key_id: non_blank(raw.kms_master_key_id),
        })
    }
}

impl Queue {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawQueue = item.configuration()?;
        Ok(Queue {
            name: raw
                .queue_name
                .or_else(|| item.resource_name.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            kms_master_key_id: non_blank(raw.kms_master_key_id),
            sqs_managed_sse: raw.sqs_managed_sse_enabled.map(|f| f.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_item;

    fn item(resource_type: &str, configuration: &str) -> ConfigurationItem {
        test_item(resource_type, "r-1", configuration)
    }

    #[test]
    fn queue_flags_as_strings_and_blank_keys() {
        let q = Queue::from_item(&item(
            "AWS::SQS::Queue",
            r#"{"QueueName":"acme-orders","KmsMasterKeyId":" ","SqsManagedSseEnabled":"true"}"#,
        ))
        .unwrap();
        assert_eq!(q.kms_master_key_id, None);
        assert_eq!(q.sqs_managed_sse, Some(true));
        let q = Queue::from_item(&item(
            "AWS::SQS::Queue",
            r#"{"sqsManagedSseEnabled":false}"#,
        ))
        .unwrap();
        assert_eq!((q.name.as_str(), q.sqs_managed_sse), ("r-1", Some(false)));
        let err = Queue::from_item(&item(
            "AWS::SQS::Queue",
            r#"{"SqsManagedSseEnabled":"yes"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "configuration.SqsManagedSseEnabled");
    }

    #[test]
    fn topic_key_in_both_spellings() {
        let t = Topic::from_item(&item(
            "AWS::SNS::Topic",
            r#"{"TopicArn":"arn:aws:sns:eu-west-1:111122223333:acme","KmsMasterKeyId":"alias/aws/sns"}"#,
        ))
        .unwrap();
        assert_eq!(t.kms_master_key_id.as_deref(), Some("alias/aws/sns"));
        let t = Topic::from_item(&item("AWS::SNS::Topic", r#"{"kmsMasterKeyId":""}"#)).unwrap();
        assert_eq!((t.arn.as_str(), t.kms_master_key_id), ("r-1", None));
    }
}
