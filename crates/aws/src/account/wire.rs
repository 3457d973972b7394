//! The requests and answers of the account reads made without an SDK crate, as botocore's
//! service models spell them: CloudTrail, Secrets Manager and CloudWatch Logs (JSON 1.1),
//! GuardDuty (REST-JSON). Only the members read are decoded; a member the model does not
//! require is an `Option` (and so is one the services leave out or send as `null`).

use aws_smithy_types::DateTime;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// The target prefixes (the models' `targetPrefix`) of the JSON 1.1 services.
pub(super) const CLOUDTRAIL_TARGET: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
pub(super) const SECRETS_MANAGER_TARGET: &str = "secretsmanager";
pub(super) const LOGS_TARGET: &str = "Logs_20140328";

/// An epoch-seconds timestamp (JSON 1.1's), read as the SDK reads it: the number's text as the
/// closest `f64`, split into seconds and nanoseconds. `null` is absent.
fn epoch_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
    let Some(raw) = Option::<&'de RawValue>::deserialize(d)? else {
        return Ok(None);
    };
    let seconds: f64 = raw
        .get()
        .parse()
        .map_err(|_| D::Error::custom(format!("not an epoch-seconds timestamp: {}", raw.get())))?;
    if !seconds.is_finite() {
        return Err(D::Error::custom("not a finite epoch-seconds timestamp"));
    }
    Ok(Some(DateTime::from_secs_f64(seconds)))
}

// CloudTrail.

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeTrailsRequest {
    pub include_shadow_trails: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeTrailsResponse {
    pub trail_list: Option<Vec<Trail>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Trail {
    pub name: Option<String>,
    #[serde(rename = "TrailARN")]
    pub trail_arn: Option<String>,
    pub home_region: Option<String>,
    pub is_multi_region_trail: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetTrailStatusRequest<'a> {
    pub name: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetTrailStatusResponse {
    pub is_logging: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetEventSelectorsRequest<'a> {
    pub trail_name: &'a str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct GetEventSelectorsResponse {
    pub event_selectors: Option<Vec<EventSelector>>,
    pub advanced_event_selectors: Option<Vec<AdvancedEventSelector>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct EventSelector {
    /// `ReadOnly`, `WriteOnly` or `All`.
    pub read_write_type: Option<String>,
    pub include_management_events: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AdvancedEventSelector {
    /// Required.
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct AdvancedFieldSelector {
    /// Required.
    #[serde(default)]
    pub field: String,
    pub equals: Option<Vec<String>>,
}

// Secrets Manager.

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListSecretsRequest<'a> {
    pub max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<&'a str>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct ListSecretsResponse {
    pub secret_list: Option<Vec<SecretListEntry>>,
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct SecretListEntry {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
    pub rotation_enabled: Option<bool>,
    #[serde(default, deserialize_with = "epoch_seconds")]
    pub last_rotated_date: Option<DateTime>,
    #[serde(default, deserialize_with = "epoch_seconds")]
    pub created_date: Option<DateTime>,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

// CloudWatch Logs.

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeLogGroupsRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<&'a str>,
    pub limit: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeLogGroupsResponse {
    pub log_groups: Option<Vec<LogGroup>>,
    pub next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LogGroup {
    pub log_group_name: Option<String>,
    /// Epoch milliseconds.
    pub creation_time: Option<i64>,
    pub retention_in_days: Option<i32>,
    pub metric_filter_count: Option<i32>,
    /// The group's ARN followed by `:*` (its log streams).
    pub arn: Option<String>,
    pub stored_bytes: Option<i64>,
    pub kms_key_id: Option<String>,
    /// `STANDARD`, `INFREQUENT_ACCESS`…
    pub log_group_class: Option<String>,
    /// The group's own ARN.
    pub log_group_arn: Option<String>,
}

// GuardDuty.

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListDetectorsResponse {
    /// Required.
    #[serde(default)]
    pub detector_ids: Vec<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GetDetectorResponse {
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_are_read_as_the_sdk_reads_them() {
        #[derive(Deserialize)]
        struct Times {
            #[serde(default, deserialize_with = "epoch_seconds")]
            t: Option<DateTime>,
        }
        let read = |json: &str| serde_json::from_str::<Times>(json).map(|t| t.t);
        for text in [
            "1523477145.713",
            "1.523477145713E9",
            "1780315200.123456789",
            "1700000000",
            "0.5",
        ] {
            let expected = DateTime::from_secs_f64(text.parse().unwrap());
            let got = read(&format!(r#"{{"t":{text}}}"#)).unwrap();
            assert_eq!(got, Some(expected), "{text}");
        }
        // Milliseconds (what the services send) survive the f64.
        let t = read(r#"{"t":1523477145.713}"#).unwrap().unwrap();
        assert_eq!(
            (t.secs(), t.subsec_nanos() / 1_000_000),
            (1_523_477_145, 713)
        );
        assert_eq!(read(r#"{"t":null}"#).unwrap(), None);
        assert_eq!(read("{}").unwrap(), None);
        assert!(read(r#"{"t":"2026-06-01T00:00:00Z"}"#).is_err());
    }
}
