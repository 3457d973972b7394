//! `AWS::CloudFront::Distribution`.
//!
//! Config records distributions (in us-east-1, `awsRegion` `"global"`) with camelCase keys under
//! `configuration.distributionConfig`; the CloudFront API (`GetDistribution`) spells the same
//! fields in PascalCase, so both are read. CloudFront lists are wrapped as
//! `{"quantity": n, "items": [...]}`, and an empty list is `{"quantity": 0}` with no `items` at
//! all. Published invoking events carry sparse items (a `distributionConfig` holding only
//! `webACLId`), so every field is optional here and each control decides what a missing field
//! means for it.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Present};
use crate::resource::non_blank;

/// A CloudFront distribution, as far as controls look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distribution {
    pub id: String,
    /// `defaultRootObject`; `None` when the key is absent, `Some("")` when unset.
    pub default_root_object: Option<String>,
    /// `origins.items`; `None` when `origins` is absent from the item.
    pub origins: Option<Vec<Origin>>,
    /// `defaultCacheBehavior`; `None` when absent from the item.
    pub default_cache_behavior: Option<CacheBehavior>,
    /// `cacheBehaviors.items`, in order (empty when there are none).
    pub cache_behaviors: Vec<CacheBehavior>,
    /// Standard (legacy) access logging; `None` when `logging` is absent.
    pub logging: Option<Logging>,
    /// `webACLId`: a WAF Classic web ACL id or a WAFv2 web ACL ARN; `None` when absent.
    pub web_acl_id: Option<String>,
}

/// One origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub id: String,
    pub domain_name: String,
    /// Whether the origin is configured as an S3 origin (`s3OriginConfig` present).
    pub s3_origin_config: bool,
}

impl Origin {
    /// An S3 origin: configured as one, or pointing at an S3 REST endpoint (website endpoints
    /// are custom origins).
    pub fn is_s3(&self) -> bool {
        self.s3_origin_config || is_s3_rest_endpoint(&self.domain_name)
    }
}

/// Whether `domain` is an S3 REST endpoint (`bucket.s3.amazonaws.com`,
/// `bucket.s3.eu-west-1.amazonaws.com`, `bucket.s3-eu-west-1.amazonaws.com`,
/// `bucket.s3.dualstack.…`, access points), as opposed to a website endpoint
/// (`bucket.s3-website-eu-west-1.amazonaws.com`, `bucket.s3-website.eu-west-1.amazonaws.com`).
pub fn is_s3_rest_endpoint(domain: &str) -> bool {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let Some(host) = domain
        .strip_suffix(".amazonaws.com")
        .or_else(|| domain.strip_suffix(".amazonaws.com.cn"))
    else {
        return false;
    };
    // The service label is the rightmost one starting with "s3" (regions and "dualstack" never
    // do); everything left of it is the bucket or access point name, which may contain dots and
    // look like "s3-…" itself, so at least one label must precede it.
    let labels: Vec<&str> = host.split('.').collect();
    labels
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| **l == "s3" || l.starts_with("s3-"))
        .is_some_and(|(i, l)| i > 0 && !l.starts_with("s3-website"))
}

/// The default or one ordered cache behavior.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheBehavior {
    /// Where it sits under `distributionConfig`: `defaultCacheBehavior` or
    /// `cacheBehaviors.items[2]`.
    pub location: String,
    /// `pathPattern` (`None` for the default behavior, which matches `*`).
    pub path_pattern: Option<String>,
    /// `allow-all`, `https-only` or `redirect-to-https`; `None` when absent.
    pub viewer_protocol_policy: Option<String>,
}

impl CacheBehavior {
    /// `defaultCacheBehavior (*)`, `cacheBehaviors.items[0] (/api/*)`.
    pub fn describe(&self) -> String {
        format!(
            "{} ({})",
            self.location,
            self.path_pattern.as_deref().unwrap_or("*")
        )
    }
}

/// Standard (legacy) logging to S3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logging {
    pub enabled: bool,
    /// The bucket's domain name (`acme-logs.s3.amazonaws.com`); `None` when absent or empty.
    pub bucket: Option<String>,
    pub prefix: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawDistribution {
    #[serde(alias = "Id")]
    id: Option<String>,
    #[serde(alias = "DistributionConfig")]
    distribution_config: Present<RawConfig>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawConfig {
    #[serde(alias = "DefaultRootObject")]
    default_root_object: Option<String>,
    #[serde(alias = "Origins")]
    origins: Present<RawList<RawOrigin>>,
    #[serde(alias = "DefaultCacheBehavior")]
    default_cache_behavior: Present<RawBehavior>,
    #[serde(alias = "CacheBehaviors")]
    cache_behaviors: Present<RawList<RawBehavior>>,
    #[serde(alias = "Logging")]
    logging: Present<RawLogging>,
    #[serde(rename = "webACLId", alias = "WebACLId", alias = "webAclId")]
    web_acl_id: Option<String>,
}

/// `{"quantity": n, "items": [...]}`; `items` is absent (or null) when the list is empty.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned"))]
struct RawList<T> {
    #[serde(default, alias = "Items")]
    items: Option<Vec<T>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawOrigin {
    #[serde(alias = "Id")]
    id: Option<String>,
    #[serde(alias = "DomainName")]
    domain_name: Option<String>,
    #[serde(alias = "S3OriginConfig")]
    s3_origin_config: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawBehavior {
    #[serde(alias = "PathPattern")]
    path_pattern: Option<String>,
    #[serde(alias = "ViewerProtocolPolicy")]
    viewer_protocol_policy: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawLogging {
    #[serde(alias = "Enabled")]
    enabled: Option<Flag>,
    #[serde(alias = "Bucket")]
    bucket: Option<String>,
    #[serde(alias = "Prefix")]
    prefix: Option<String>,
}

fn behavior(raw: RawBehavior, location: String) -> CacheBehavior {
    CacheBehavior {
        location,
        path_pattern: non_blank(raw.path_pattern),
        viewer_protocol_policy: non_blank(raw.viewer_protocol_policy),
    }
}

impl Distribution {
    /// Reads the item; fails only when `distributionConfig` itself is missing (no control can
    /// judge a distribution without it) or a field has the wrong shape.
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawDistribution = item.configuration()?;
        let Some(config) = raw.distribution_config.0 else {
            return Err(InputError::new(
                "configuration.distributionConfig",
                "missing: the item does not describe the distribution's configuration",
            ));
        };
        let origins = config.origins.0.map(|list| {
            list.items
                .unwrap_or_default()
                .into_iter()
                .map(|o| Origin {
                    id: o.id.unwrap_or_default(),
                    domain_name: o.domain_name.unwrap_or_default(),
                    s3_origin_config: o.s3_origin_config.is_some_and(|v| !v.is_null()),
                })
                .collect()
        });
        let cache_behaviors = config
            .cache_behaviors
            .0
            .and_then(|list| list.items)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, b)| behavior(b, format!("cacheBehaviors.items[{i}]")))
            .collect();
        Ok(Distribution {
            id: raw
                .id
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            default_root_object: config.default_root_object.map(|s| s.trim().to_string()),
            origins,
            default_cache_behavior: config
                .default_cache_behavior
                .0
                .map(|b| behavior(b, "defaultCacheBehavior".to_string())),
            cache_behaviors,
            logging: config.logging.0.map(|l| Logging {
                enabled: l.enabled.is_some_and(|f| f.0),
                bucket: non_blank(l.bucket),
                prefix: non_blank(l.prefix),
            }),
            web_acl_id: config.web_acl_id.map(|s| s.trim().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_item;

    fn distribution(configuration: &str) -> Result<Distribution, InputError> {
        Distribution::from_item(&test_item(
            "AWS::CloudFront::Distribution",
            "E1",
            configuration,
        ))
    }

    #[test]
    fn empty_lists_have_no_items_key() {
        let d = distribution(
            r#"{"distributionConfig":{"cacheBehaviors":{"quantity":0},"origins":{"quantity":0,"items":null},
                "defaultCacheBehavior":{"viewerProtocolPolicy":"allow-all"},"logging":{"enabled":"false","bucket":""}}}"#,
        )
        .unwrap();
        assert!(d.cache_behaviors.is_empty());
        assert_eq!(d.origins, Some(vec![]));
        assert_eq!(
            d.default_cache_behavior
                .unwrap()
                .viewer_protocol_policy
                .as_deref(),
            Some("allow-all")
        );
        assert_eq!(
            d.logging,
            Some(Logging {
                enabled: false,
                bucket: None,
                prefix: None
            })
        );
    }

    #[test]
    fn sparse_items_keep_missing_fields_missing() {
        let d = distribution(r#"{"distributionConfig":{"webACLId":""}}"#).unwrap();
        assert_eq!(d.web_acl_id.as_deref(), Some(""));
        assert_eq!(d.origins, None);
        assert_eq!(d.default_cache_behavior, None);
        assert_eq!(d.logging, None);
        assert_eq!(d.default_root_object, None);
        let err = distribution(r#"{"id":"E1"}"#).unwrap_err();
        assert_eq!(err.path, "configuration.distributionConfig");
        let err =
            distribution(r#"{"distributionConfig":{"logging":{"enabled":"maybe"}}}"#).unwrap_err();
        assert_eq!(err.path, "configuration.distributionConfig.logging.enabled");
    }

    #[test]
    fn pascal_case_api_shape_and_behavior_locations() {
        let d = distribution(
            r#"{"Id":"E2","DistributionConfig":{"DefaultRootObject":"index.html","WebACLId":"abc",
                "Origins":{"Quantity":1,"Items":[{"Id":"web","DomainName":"acme-web.s3.eu-west-1.amazonaws.com","S3OriginConfig":{"OriginAccessIdentity":""}}]},
                "CacheBehaviors":{"Quantity":1,"Items":[{"PathPattern":"/api/*","ViewerProtocolPolicy":"https-only"}]}}}"#,
        )
        .unwrap();
        assert_eq!(d.id, "E2");
        let origins = d.origins.unwrap();
        assert!(origins[0].s3_origin_config && origins[0].is_s3());
        assert_eq!(
            d.cache_behaviors[0].describe(),
            "cacheBehaviors.items[0] (/api/*)"
        );
    }

    proptest::proptest! {
        #[test]
        fn website_endpoints_are_never_rest_endpoints(
            bucket in "[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]",
            region in "(us|eu|ap|sa|ca|me)-(east|west|north|south|central)-[1-4]",
            dash in proptest::bool::ANY,
        ) {
            let sep = if dash { '-' } else { '.' };
            let website = format!("{bucket}.s3-website{sep}{region}.amazonaws.com");
            proptest::prop_assert!(!is_s3_rest_endpoint(&website), "{}", website);
            let rest = format!("{bucket}.s3.{region}.amazonaws.com");
            proptest::prop_assert!(is_s3_rest_endpoint(&rest), "{}", rest);
        }
    }

    #[test]
    fn s3_rest_endpoints_but_not_website_endpoints() {
        for rest in [
            "acme.s3.amazonaws.com",
            "acme.s3.eu-west-1.amazonaws.com",
            "acme.s3-eu-west-1.amazonaws.com",
            "acme.s3.dualstack.us-east-1.amazonaws.com",
            "s3-website-archive.s3.amazonaws.com",
            "acme.s3-website.backup.s3.eu-west-1.amazonaws.com",
            "ap-111122223333.s3-accesspoint.eu-west-1.amazonaws.com",
        ] {
            assert!(is_s3_rest_endpoint(rest), "{rest}");
        }
        for other in [
            "acme.s3-website-eu-west-1.amazonaws.com",
            "acme.s3-website.eu-west-1.amazonaws.com",
            "lb-1.eu-west-1.elb.amazonaws.com",
            "s3.example.com",
            "s3.eu-west-1.amazonaws.com",
            "",
        ] {
            assert!(!is_s3_rest_endpoint(other), "{other}");
        }
    }
}
