//! `AWS::CloudTrail::Trail`.
//!
//! Configuration keys are camelCase (`kmsKeyId`, `logFileValidationEnabled`,
//! `cloudWatchLogsLogGroupArn`); DescribeTrails' PascalCase is read too. A setting that is off
//! appears as `null` in some items and is missing from others: both mean off, as does `""`.
//! The item holds the trail's configuration only: no logging status, no delivery times.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError};

use super::{flag, name_or_id, text};

/// A trail, as far as controls look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trail {
    pub name: String,
    /// The KMS key that encrypts log files (SSE-KMS); `None` when only SSE-S3 is used.
    pub kms_key_id: Option<String>,
    pub log_file_validation_enabled: Option<bool>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawTrail {
    #[serde(alias = "Name")]
    name: Option<String>,
    #[serde(alias = "KmsKeyId")]
    kms_key_id: Option<String>,
    #[serde(alias = "LogFileValidationEnabled")]
    log_file_validation_enabled: Option<Flag>,
    #[serde(alias = "CloudWatchLogsLogGroupArn")]
    cloud_watch_logs_log_group_arn: Option<String>,
}

impl Trail {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawTrail = item.configuration()?;
        Ok(Trail {
            name: name_or_id(raw.name, item),
            kms_key_id: text(raw.kms_key_id),
            log_file_validation_enabled: flag(raw.log_file_validation_enabled),
            cloud_watch_logs_log_group_arn: text(raw.cloud_watch_logs_log_group_arn),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(configuration: &str) -> Trail {
        let text = format!(
            r#"{{"resourceType":"AWS::CloudTrail::Trail","resourceId":"acme-org-trail","configuration":{configuration}}}"#
        );
        Trail::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn absent_null_and_empty_all_mean_off() {
        let off = Trail {
            name: "acme-org-trail".into(),
            kms_key_id: None,
            log_file_validation_enabled: None,
            cloud_watch_logs_log_group_arn: None,
        };
        assert_eq!(trail("{}"), off);
        assert_eq!(
            trail(
                r#"{"name":"acme-org-trail","kmsKeyId":null,"logFileValidationEnabled":null,"cloudWatchLogsLogGroupArn":""}"#
            ),
            off
        );
    }

    #[test]
    fn api_spelling_and_string_booleans() {
        let t = trail(
            r#""{\"Name\":\"acme-org-trail\",\"KmsKeyId\":\"arn:aws:kms:eu-west-1:111122223333:key/1\",\"LogFileValidationEnabled\":\"True\"}""#,
        );
        assert_eq!(
            t.kms_key_id.as_deref(),
            Some("arn:aws:kms:eu-west-1:111122223333:key/1")
        );
        assert_eq!(t.log_file_validation_enabled, Some(true));
    }
}
