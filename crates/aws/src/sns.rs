//! The SNS alert topic.

use aws_sdk_sns::types::MessageAttributeValue;
use ourside_core::alert::{Alert, Attribute};

use crate::error::AwsError;
use crate::ports::AlertsTopic;

/// The alert topic, by ARN.
#[derive(Debug, Clone)]
pub struct SnsTopic {
    client: aws_sdk_sns::Client,
    arn: String,
}

impl SnsTopic {
    pub fn new(sdk: &aws_config::SdkConfig, arn: impl Into<String>) -> Self {
        SnsTopic {
            client: aws_sdk_sns::Client::new(sdk),
            arn: arn.into(),
        }
    }
}

impl AlertsTopic for SnsTopic {
    async fn publish(&self, alert: &Alert) -> Result<String, AwsError> {
        const OP: &str = "sns:Publish";
        let mut request = self
            .client
            .publish()
            .topic_arn(&self.arn)
            .subject(&alert.subject)
            .message_structure("json")
            .message(alert.structured_message());
        for (name, value) in &alert.attributes {
            let (data_type, text) = match value {
                Attribute::String(s) => ("String", s.clone()),
                Attribute::Array(values) => (
                    "String.Array",
                    serde_json::to_string(values)
                        .map_err(|e| AwsError::new(OP, false, e.to_string()))?,
                ),
            };
            let value = MessageAttributeValue::builder()
                .data_type(data_type)
                .string_value(text)
                .build()
                .map_err(|e| AwsError::new(OP, false, e.to_string()))?;
            request = request.message_attributes(*name, value);
        }
        let output = request
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(output.message_id().unwrap_or_default().to_string())
    }
}
