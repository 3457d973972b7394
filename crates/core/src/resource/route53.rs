//! `AWS::Route53::HostedZone`.
//!
//! Config records hosted zones (in us-east-1 only) with PascalCase keys in the CloudFormation
//! style: `Id`, `Name`, `VPCs` (present only for private zones), `HostedZoneConfig`, and
//! `QueryLoggingConfig`. The resource schema nests the log group ARN one level too deep
//! (`QueryLoggingConfig.CloudWatchLogsLogGroupArn.CloudWatchLogsLogGroupArn`) while
//! CloudFormation writes `QueryLoggingConfig.CloudWatchLogsLogGroupArn` as a string; the
//! Route 53 API (`ListQueryLoggingConfigs`) returns a list of `QueryLoggingConfigs`. All three
//! shapes are read, as is the API's `Config.PrivateZone`.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Present};

/// A hosted zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedZone {
    pub id: String,
    pub name: Option<String>,
    /// VPC ids the zone is associated with (non-empty only for private zones).
    pub vpcs: Vec<String>,
    /// `HostedZoneConfig.PrivateZone` (or the API's `Config.PrivateZone`), when stated.
    pub private_zone: Option<bool>,
    /// CloudWatch Logs log group ARNs that receive the zone's DNS query logs.
    pub query_log_groups: Vec<String>,
}

impl HostedZone {
    /// Private when associated with a VPC or flagged private.
    pub fn is_private(&self) -> bool {
        !self.vpcs.is_empty() || self.private_zone == Some(true)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawZone {
    #[serde(rename = "Id", alias = "id")]
    id: Option<String>,
    #[serde(rename = "Name", alias = "name")]
    name: Option<String>,
    #[serde(rename = "VPCs", alias = "Vpcs", alias = "vpcs")]
    vpcs: Present<Vec<RawVpc>>,
    #[serde(
        rename = "HostedZoneConfig",
        alias = "Config",
        alias = "hostedZoneConfig"
    )]
    config: Present<RawZoneConfig>,
    #[serde(
        rename = "QueryLoggingConfig",
        alias = "QueryLoggingConfigs",
        alias = "queryLoggingConfig"
    )]
    query_logging: Option<LogGroupArns>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawVpc {
    #[serde(rename = "VPCId", alias = "VpcId", alias = "vpcId")]
    vpc_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawZoneConfig {
    #[serde(rename = "PrivateZone", alias = "privateZone")]
    private_zone: Option<Flag>,
}

/// Every non-empty log group ARN found in a query logging configuration: a string, an object
/// whose `CloudWatchLogsLogGroupArn` is a string or (schema nesting) another such object, or a
/// list of those. `null` and `"None"` yield nothing.
#[derive(Debug, Default)]
struct LogGroupArns(Vec<String>);

impl<'de> Deserialize<'de> for LogGroupArns {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArnsVisitor;
        impl<'de> Visitor<'de> for ArnsVisitor {
            type Value = LogGroupArns;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a log group ARN, a query logging configuration object, or a list")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LogGroupArns, E> {
                let v = v.trim();
                if v.is_empty() || v == "None" || v == "null" {
                    return Ok(LogGroupArns::default());
                }
                Ok(LogGroupArns(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LogGroupArns, E> {
                Ok(LogGroupArns::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<LogGroupArns, E> {
                Ok(LogGroupArns::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LogGroupArns, A::Error> {
                let mut found = Vec::new();
                while let Some(LogGroupArns(arns)) = seq.next_element()? {
                    found.extend(arns);
                }
                Ok(LogGroupArns(found))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LogGroupArns, A::Error> {
                let mut found = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.eq_ignore_ascii_case("CloudWatchLogsLogGroupArn") {
                        let LogGroupArns(arns) = map.next_value()?;
                        found.extend(arns);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(LogGroupArns(found))
            }
        }
        deserializer.deserialize_any(ArnsVisitor)
    }
}

impl HostedZone {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawZone = item.configuration()?;
        Ok(HostedZone {
            id: raw
                .id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            name: raw.name.or_else(|| item.resource_name.clone()),
            vpcs: raw
                .vpcs
                .0
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.vpc_id.unwrap_or_default())
                .collect(),
            private_zone: raw.config.0.and_then(|c| c.private_zone).map(|f| f.0),
            query_log_groups: raw.query_logging.map(|a| a.0).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_item;

    fn zone(configuration: &str) -> Result<HostedZone, InputError> {
        HostedZone::from_item(&test_item("AWS::Route53::HostedZone", "Z1", configuration))
    }

    #[test]
    fn query_logging_in_every_nesting() {
        let arn = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/route53/acme.example";
        for logging in [
            format!(r#"{{"CloudWatchLogsLogGroupArn":"{arn}"}}"#),
            format!(
                r#"{{"CloudWatchLogsLogGroupArn":{{"CloudWatchLogsLogGroupArn":"{arn}","HostedZoneId":"Z1","Id":"q-1"}}}}"#
            ),
            format!(r#"[{{"Id":"q-1","HostedZoneId":"Z1","CloudWatchLogsLogGroupArn":"{arn}"}}]"#),
            format!(r#""{arn}""#),
        ] {
            let z = zone(&format!(r#"{{"Id":"Z1","QueryLoggingConfig":{logging}}}"#)).unwrap();
            assert_eq!(z.query_log_groups, vec![arn.to_string()], "{logging}");
        }
        for empty in [
            "null",
            r#""None""#,
            "{}",
            r#"{"CloudWatchLogsLogGroupArn":""}"#,
            "[]",
        ] {
            let z = zone(&format!(r#"{{"QueryLoggingConfig":{empty}}}"#)).unwrap();
            assert!(z.query_log_groups.is_empty(), "{empty}");
        }
        let err = zone(r#"{"QueryLoggingConfig":{"CloudWatchLogsLogGroupArn":42}}"#).unwrap_err();
        assert!(
            err.path.starts_with("configuration.QueryLoggingConfig"),
            "{err}"
        );
    }

    #[test]
    fn private_zones_by_vpc_or_flag() {
        assert!(
            zone(r#"{"VPCs":[{"VPCId":"vpc-1","VPCRegion":"eu-west-1"}]}"#)
                .unwrap()
                .is_private()
        );
        assert!(zone(r#"{"HostedZoneConfig":{"PrivateZone":"true"}}"#)
            .unwrap()
            .is_private());
        assert!(zone(r#"{"Config":{"PrivateZone":true}}"#)
            .unwrap()
            .is_private());
        assert!(!zone(r#"{"VPCs":[],"HostedZoneConfig":{"Comment":"x"}}"#)
            .unwrap()
            .is_private());
    }
}
