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

    fn json<T: Serialize>(request: &T) -> String {
        serde_json::to_string(request).unwrap()
    }

    #[test]
    fn requests_as_the_service_models_spell_them() {
        assert_eq!(
            json(&DescribeTrailsRequest {
                include_shadow_trails: true
            }),
            r#"{"includeShadowTrails":true}"#
        );
        assert_eq!(
            json(&GetTrailStatusRequest { name: "arn:t" }),
            r#"{"Name":"arn:t"}"#
        );
        assert_eq!(
            json(&GetEventSelectorsRequest {
                trail_name: "arn:t"
            }),
            r#"{"TrailName":"arn:t"}"#
        );
        let first = ListSecretsRequest {
            max_results: 100,
            next_token: None,
        };
        assert_eq!(json(&first), r#"{"MaxResults":100}"#);
        let next = ListSecretsRequest {
            next_token: Some("t2"),
            ..first
        };
        assert_eq!(json(&next), r#"{"MaxResults":100,"NextToken":"t2"}"#);
        let first = DescribeLogGroupsRequest {
            next_token: None,
            limit: 50,
        };
        assert_eq!(json(&first), r#"{"limit":50}"#);
        let next = DescribeLogGroupsRequest {
            next_token: Some("t2"),
            ..first
        };
        assert_eq!(json(&next), r#"{"nextToken":"t2","limit":50}"#);
    }

    #[test]
    fn trails_their_status_and_their_selectors() {
        let answer: DescribeTrailsResponse = serde_json::from_str(
            r#"{"trailList":[
                {"Name":"org","S3BucketName":"acme-trail","IncludeGlobalServiceEvents":true,
                 "IsMultiRegionTrail":true,"HomeRegion":"us-east-1",
                 "TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org",
                 "LogFileValidationEnabled":true,"HasCustomEventSelectors":false,
                 "HasInsightSelectors":false,"IsOrganizationTrail":true},
                {"Name":"local"}]}"#,
        )
        .unwrap();
        let trails = answer.trail_list.unwrap();
        assert_eq!(trails[0].name.as_deref(), Some("org"));
        assert_eq!(
            trails[0].trail_arn.as_deref(),
            Some("arn:aws:cloudtrail:us-east-1:111122223333:trail/org")
        );
        assert_eq!(trails[0].home_region.as_deref(), Some("us-east-1"));
        assert_eq!(trails[0].is_multi_region_trail, Some(true));
        assert_eq!(trails[1].trail_arn, None);
        assert_eq!(trails[1].is_multi_region_trail, None);
        let none: DescribeTrailsResponse = serde_json::from_str("{}").unwrap();
        assert!(none.trail_list.is_none());

        // Times in GetTrailStatus are epoch seconds or strings: neither is read.
        let status: GetTrailStatusResponse = serde_json::from_str(
            r#"{"IsLogging":true,"LatestDeliveryTime":1.780315200123E9,
                "StartLoggingTime":1780315100.5,"LatestDeliveryAttemptTime":"2026-06-01T12:00:00Z",
                "LatestDeliveryError":null}"#,
        )
        .unwrap();
        assert_eq!(status.is_logging, Some(true));
        let silent: GetTrailStatusResponse = serde_json::from_str("{}").unwrap();
        assert_eq!(silent.is_logging, None);

        let basic: GetEventSelectorsResponse = serde_json::from_str(
            r#"{"TrailARN":"arn:t","EventSelectors":[{"ReadWriteType":"WriteOnly",
                "IncludeManagementEvents":true,"DataResources":[{"Type":"AWS::S3::Object",
                "Values":["arn:aws:s3"]}],"ExcludeManagementEventSources":[]}],
                "AdvancedEventSelectors":null}"#,
        )
        .unwrap();
        let selectors = basic.event_selectors.unwrap();
        assert_eq!(selectors[0].read_write_type.as_deref(), Some("WriteOnly"));
        assert_eq!(selectors[0].include_management_events, Some(true));
        assert!(basic.advanced_event_selectors.is_none());
        let advanced: GetEventSelectorsResponse = serde_json::from_str(
            r#"{"TrailARN":"arn:t","AdvancedEventSelectors":[{"Name":"Management events",
                "FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                {"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]}]}"#,
        )
        .unwrap();
        assert!(advanced.event_selectors.is_none());
        let fields = &advanced.advanced_event_selectors.unwrap()[0].field_selectors;
        assert_eq!(fields[0].field, "eventCategory");
        assert_eq!(
            fields[0].equals.as_deref(),
            Some(&["Management".to_string()][..])
        );
        assert_eq!(fields[1].field, "eventSource");
        assert_eq!(fields[1].equals, None);
    }

    #[test]
    fn secrets_pages_and_their_entries() {
        // moto's spelling: absent values as null, dates as whole seconds.
        let page: ListSecretsResponse = serde_json::from_str(
            r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db/plain-AbCdEf",
                "Name":"db/plain","LastChangedDate":1780315200,"LastAccessedDate":null,
                "NextRotationDate":null,"DeletedDate":null,"CreatedDate":1780315200,
                "Tags":[{"Key":"team","Value":"data"},{"Key":"empty"}],
                "SecretVersionsToStages":{"v1":["AWSCURRENT"]}}],"NextToken":"page-2"}"#,
        )
        .unwrap();
        assert_eq!(page.next_token.as_deref(), Some("page-2"));
        let entry = &page.secret_list.as_ref().unwrap()[0];
        assert_eq!(entry.name.as_deref(), Some("db/plain"));
        assert_eq!(entry.rotation_enabled, None);
        assert_eq!(entry.last_rotated_date, None);
        assert_eq!(entry.created_date, Some(DateTime::from_secs(1_780_315_200)));
        let tags = entry.tags.as_ref().unwrap();
        assert_eq!(tags[0].key.as_deref(), Some("team"));
        assert_eq!(tags[1].value, None);
        // AWS's spelling: milliseconds in the dates, the last page without a token.
        let last: ListSecretsResponse = serde_json::from_str(
            r#"{"SecretList":[{"ARN":"arn:s","Name":"db/rotated","RotationEnabled":true,
                "RotationLambdaARN":"arn:aws:lambda:eu-west-1:111122223333:function:rotate",
                "RotationRules":{"AutomaticallyAfterDays":30},"LastRotatedDate":1.523477145713E9,
                "CreatedDate":1523477145.729}]}"#,
        )
        .unwrap();
        assert_eq!(last.next_token, None);
        let entry = &last.secret_list.unwrap()[0];
        assert_eq!(entry.rotation_enabled, Some(true));
        assert_eq!(
            entry.last_rotated_date,
            Some(DateTime::from_secs_f64(1_523_477_145.713))
        );
        assert!(entry.tags.is_none());
    }

    #[test]
    fn log_group_pages() {
        let page: DescribeLogGroupsResponse = serde_json::from_str(
            r#"{"logGroups":[{"logGroupName":"/aws/lambda/acme","creationTime":1700000000000,
                "retentionInDays":30,"metricFilterCount":0,
                "arn":"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/acme:*",
                "storedBytes":2048,"kmsKeyId":"arn:aws:kms:eu-west-1:111122223333:key/k",
                "dataProtectionStatus":"ACTIVATED","inheritedProperties":["ACCOUNT_DATA_PROTECTION"],
                "logGroupClass":"STANDARD",
                "logGroupArn":"arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/acme",
                "deletionProtectionEnabled":false}],"nextToken":"page-2"}"#,
        )
        .unwrap();
        assert_eq!(page.next_token.as_deref(), Some("page-2"));
        let group = &page.log_groups.unwrap()[0];
        assert_eq!(group.log_group_name.as_deref(), Some("/aws/lambda/acme"));
        assert_eq!(group.creation_time, Some(1_700_000_000_000));
        assert_eq!(group.retention_in_days, Some(30));
        assert_eq!(group.metric_filter_count, Some(0));
        assert_eq!(group.stored_bytes, Some(2048));
        assert_eq!(group.log_group_class.as_deref(), Some("STANDARD"));
        assert!(group.kms_key_id.is_some() && group.log_group_arn.is_some());
        // moto ends a listing with a null token.
        let last: DescribeLogGroupsResponse =
            serde_json::from_str(r#"{"logGroups":[],"nextToken":null}"#).unwrap();
        assert_eq!(last.next_token, None);
        assert!(last.log_groups.unwrap().is_empty());
    }

    #[test]
    fn detector_pages_and_a_detector() {
        let page: ListDetectorsResponse = serde_json::from_str(
            r#"{"detectorIds":["12abc34d567e8fa901bc2d34e56789f0"],"nextToken":"page-2"}"#,
        )
        .unwrap();
        assert_eq!(page.detector_ids, ["12abc34d567e8fa901bc2d34e56789f0"]);
        assert_eq!(page.next_token.as_deref(), Some("page-2"));
        let none: ListDetectorsResponse = serde_json::from_str(r#"{"detectorIds":[]}"#).unwrap();
        assert!(none.detector_ids.is_empty() && none.next_token.is_none());
        let detector: GetDetectorResponse = serde_json::from_str(
            r#"{"createdAt":"2026-06-01T12:00:00.000Z","findingPublishingFrequency":"SIX_HOURS",
                "serviceRole":"arn:aws:iam::111122223333:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
                "status":"ENABLED","updatedAt":"2026-06-01T12:00:00.000Z",
                "dataSources":{"s3Logs":{"status":"ENABLED"}},"tags":{},
                "features":[{"name":"S3_DATA_EVENTS","status":"ENABLED"}]}"#,
        )
        .unwrap();
        assert_eq!(detector.status.as_deref(), Some("ENABLED"));
    }
}
