//! `AWS::Logs::LogGroup`.
//!
//! AWS Config does not record log groups, so these items do not come from Config: the periodic
//! runner wraps each entry of `logs:DescribeLogGroups` (camelCase: `logGroupName`, `arn`,
//! `retentionInDays`…) as the `configuration` of an item of this type. PascalCase spellings
//! (CloudFormation's `LogGroupName`, `RetentionInDays`) are read too. A log group without
//! `retentionInDays` keeps its events forever.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{InputError, Number};

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    /// Days events are kept; `None` means never expire.
    pub retention_in_days: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawLogGroup {
    #[serde(alias = "LogGroupName")]
    log_group_name: Option<String>,
    #[serde(alias = "RetentionInDays")]
    retention_in_days: Option<Number>,
}

impl LogGroup {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawLogGroup = item.configuration()?;
        let retention_in_days = raw
            .retention_in_days
            .map(|n| {
                n.as_i64().filter(|days| *days > 0).ok_or_else(|| {
                    InputError::new(
                        "configuration.retentionInDays",
                        format!("{} is not a positive whole number of days", n.0),
                    )
                })
            })
            .transpose()?;
        Ok(LogGroup {
            name: raw
                .log_group_name
                .or_else(|| item.resource_name.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            retention_in_days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_item;

    fn group(configuration: &str) -> Result<LogGroup, InputError> {
        LogGroup::from_item(&test_item(
            "AWS::Logs::LogGroup",
            "/aws/lambda/acme",
            configuration,
        ))
    }

    #[test]
    fn api_and_cloudformation_spellings() {
        let api =
            group(r#"{"logGroupName":"/aws/lambda/acme","retentionInDays":30,"storedBytes":0}"#)
                .unwrap();
        assert_eq!(api.retention_in_days, Some(30));
        let cfn = group(r#"{"LogGroupName":"/aws/lambda/acme","RetentionInDays":"365"}"#).unwrap();
        assert_eq!(cfn.retention_in_days, Some(365));
        let forever =
            group(r#"{"logGroupName":"/aws/lambda/acme","retentionInDays":null}"#).unwrap();
        assert_eq!(forever.retention_in_days, None);
        assert_eq!(group("{}").unwrap().name, "/aws/lambda/acme");
    }

    #[test]
    fn nonsense_retention_is_an_input_error() {
        for bad in ["0", "-7", "1.5", "\"forever\""] {
            let err = group(&format!(r#"{{"retentionInDays":{bad}}}"#)).unwrap_err();
            assert_eq!(err.path, "configuration.retentionInDays", "{bad}");
        }
    }
}
