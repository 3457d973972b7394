//! `AWS::EKS::Cluster`.
//!
//! The configuration is PascalCase (CloudFormation-registry style): `Name`, `Version`,
//! `ResourcesVpcConfig{EndpointPublicAccess, EndpointPrivateAccess, PublicAccessCidrs}`,
//! `EncryptionConfig[{Provider{KeyArn}, Resources}]` (plus a flat `EncryptionConfigKeyArn`) and
//! `Logging`. Items recorded before 2023 carry none of the endpoint, encryption or logging keys.
//! `Logging` comes in two shapes, both read here: the CloudFormation form
//! `{"ClusterLogging":{"EnabledTypes":[{"Type":"audit"}]}}` (what the Config schema lists) and
//! the EKS API form `{"ClusterLogging":[{"Types":["audit"],"Enabled":true}]}`. camelCase
//! spellings of every key are accepted too.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, OneOrMany, Present, Text};

/// A Kubernetes `major.minor` version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubernetesVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubernetesVersion {
    /// Reads `1.29`, `1.29.3` or `v1.29`; compares as numbers, so `1.9 < 1.10`.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        Some(KubernetesVersion { major, minor })
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Control-plane logging as recorded: which log types are on and which are off.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterLogging {
    pub enabled: Vec<String>,
    pub disabled: Vec<String>,
}

impl ClusterLogging {
    pub fn is_enabled(&self, log_type: &str) -> bool {
        self.enabled
            .iter()
            .any(|t| t.eq_ignore_ascii_case(log_type))
    }
}

/// One envelope-encryption setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    /// What it encrypts (`secrets` is the only value EKS supports).
    pub resources: Vec<String>,
    pub key_arn: Option<String>,
}

/// An EKS cluster, as far as controls look at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub name: String,
    /// `Version` as written, e.g. `1.29`.
    pub version: Option<String>,
    /// `ResourcesVpcConfig.EndpointPublicAccess`; `None` when the item does not record it.
    pub endpoint_public_access: Option<bool>,
    pub endpoint_private_access: Option<bool>,
    /// `ResourcesVpcConfig.PublicAccessCidrs`.
    pub public_access_cidrs: Vec<String>,
    /// `EncryptionConfig` entries.
    pub encryption: Vec<Encryption>,
    /// The flat `EncryptionConfigKeyArn`, when the item carries it.
    pub encryption_key_arn: Option<String>,
    /// `Logging`; `None` when the item has no logging block.
    pub logging: Option<ClusterLogging>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawCluster {
    #[serde(alias = "name")]
    name: Option<String>,
    #[serde(alias = "version")]
    version: Option<Text>,
    #[serde(alias = "resourcesVpcConfig")]
    resources_vpc_config: Present<RawVpcConfig>,
    #[serde(alias = "encryptionConfig")]
    encryption_config: Option<OneOrMany<RawEncryption>>,
    #[serde(alias = "encryptionConfigKeyArn")]
    encryption_config_key_arn: Option<String>,
    #[serde(alias = "logging")]
    logging: Present<RawLogging>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawVpcConfig {
    #[serde(alias = "endpointPublicAccess")]
    endpoint_public_access: Option<Flag>,
    #[serde(alias = "endpointPrivateAccess")]
    endpoint_private_access: Option<Flag>,
    #[serde(alias = "publicAccessCidrs")]
    public_access_cidrs: Option<OneOrMany<String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawEncryption {
    #[serde(alias = "resources")]
    resources: Option<OneOrMany<String>>,
    #[serde(alias = "provider")]
    provider: Present<RawProvider>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawProvider {
    #[serde(alias = "keyArn")]
    key_arn: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawLogging {
    #[serde(alias = "clusterLogging")]
    cluster_logging: Option<ClusterLogging>,
}

/// `{"EnabledTypes":[{"Type":…}]}` (CloudFormation) or `[{"Types":[…],"Enabled":…}]` (API).
impl<'de> Deserialize<'de> for ClusterLogging {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(rename_all = "PascalCase", default)]
        struct EnabledTypes {
            #[serde(alias = "enabledTypes")]
            enabled_types: Option<Vec<TypeEntry>>,
        }

        /// `{"Type":"audit"}` or a bare `"audit"`.
        struct TypeEntry(String);
        impl<'de> Deserialize<'de> for TypeEntry {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Shape {
                    Text(String),
                    Object {
                        #[serde(alias = "type")]
                        #[serde(rename = "Type")]
                        kind: String,
                    },
                }
                match Shape::deserialize(d) {
                    Ok(Shape::Text(t)) | Ok(Shape::Object { kind: t }) => Ok(TypeEntry(t)),
                    Err(_) => Err(de::Error::custom(
                        "expected a log type name or {\"Type\": name}",
                    )),
                }
            }
        }

        #[derive(Deserialize, Default)]
        #[serde(rename_all = "PascalCase", default)]
        struct Setup {
            #[serde(alias = "types")]
            types: Option<OneOrMany<String>>,
            #[serde(alias = "enabled")]
            enabled: Option<Flag>,
        }

        struct LoggingVisitor;
        impl<'de> Visitor<'de> for LoggingVisitor {
            type Value = ClusterLogging;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "{\"EnabledTypes\": [...]} or a list of {\"Types\": [...], \"Enabled\": bool}",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ClusterLogging, A::Error> {
                let raw = EnabledTypes::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(ClusterLogging {
                    enabled: raw
                        .enabled_types
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| t.0)
                        .collect(),
                    disabled: Vec::new(),
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ClusterLogging, A::Error> {
                let mut logging = ClusterLogging::default();
                while let Some(setup) = seq.next_element::<Setup>()? {
                    let types = setup.types.map(|t| t.0).unwrap_or_default();
                    if setup.enabled.is_some_and(|f| f.0) {
                        logging.enabled.extend(types);
                    } else {
                        logging.disabled.extend(types);
                    }
                }
                Ok(logging)
            }
            fn visit_unit<E: de::Error>(self) -> Result<ClusterLogging, E> {
                Ok(ClusterLogging::default())
            }
        }
        deserializer.deserialize_any(LoggingVisitor)
    }
}

impl Cluster {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawCluster = item.configuration()?;
        let vpc = raw.resources_vpc_config.0.unwrap_or_default();
        Ok(Cluster {
            name: raw
                .name
                .or_else(|| item.resource_name.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            version: raw.version.map(|t| t.0).filter(|v| !v.trim().is_empty()),
            endpoint_public_access: vpc.endpoint_public_access.map(|f| f.0),
            endpoint_private_access: vpc.endpoint_private_access.map(|f| f.0),
            public_access_cidrs: vpc.public_access_cidrs.map(|c| c.0).unwrap_or_default(),
            encryption: raw
                .encryption_config
                .map(|e| e.0)
                .unwrap_or_default()
                .into_iter()
                .map(|e| Encryption {
                    resources: e.resources.map(|r| r.0).unwrap_or_default(),
                    key_arn: e
                        .provider
                        .0
                        .and_then(|p| p.key_arn)
                        .filter(|k| !k.is_empty()),
                })
                .collect(),
            encryption_key_arn: raw.encryption_config_key_arn.filter(|k| !k.is_empty()),
            logging: raw.logging.0.map(|l| l.cluster_logging.unwrap_or_default()),
        })
    }

    /// The Kubernetes version, or an error naming `configuration.Version`.
    pub fn kubernetes_version(&self) -> Result<KubernetesVersion, InputError> {
        let text = self.version.as_deref().ok_or_else(|| {
            InputError::new(
                "configuration.Version",
                "missing: the cluster's Kubernetes version",
            )
        })?;
        KubernetesVersion::parse(text).ok_or_else(|| {
            InputError::new(
                "configuration.Version",
                format!("{text:?} is not a Kubernetes version (expected major.minor, e.g. 1.29)"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(configuration: &str) -> Cluster {
        let text = format!(
            r#"{{"resourceType":"AWS::EKS::Cluster","resourceId":"acme","accountId":"111122223333",
                "configuration":{configuration}}}"#
        );
        Cluster::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn old_items_lack_endpoint_encryption_and_logging() {
        let c = cluster(
            r#"{"Name":"test","ResourcesVpcConfig":{"SecurityGroupIds":[],"SubnetIds":["subnet-1"]},"Version":"1.21","Tags":[]}"#,
        );
        assert_eq!(c.endpoint_public_access, None);
        assert!(c.encryption.is_empty());
        assert_eq!(c.logging, None);
        assert_eq!(
            c.kubernetes_version().unwrap(),
            KubernetesVersion {
                major: 1,
                minor: 21
            }
        );
    }

    #[test]
    fn logging_in_both_shapes_and_flags_as_strings() {
        let cfn = cluster(
            r#"{"Logging":{"ClusterLogging":{"EnabledTypes":[{"Type":"api"},{"Type":"audit"}]}},
                "ResourcesVpcConfig":{"EndpointPublicAccess":"false","PublicAccessCidrs":["10.0.0.0/8"]}}"#,
        );
        assert!(cfn.logging.unwrap().is_enabled("audit"));
        assert_eq!(cfn.endpoint_public_access, Some(false));
        assert_eq!(cfn.public_access_cidrs, vec!["10.0.0.0/8"]);
        let api = cluster(
            r#"{"logging":{"clusterLogging":[{"types":["api"],"enabled":true},{"types":["audit","scheduler"],"enabled":false}]}}"#,
        );
        let logging = api.logging.unwrap();
        assert!(logging.is_enabled("api") && !logging.is_enabled("audit"));
        assert_eq!(logging.disabled, vec!["audit", "scheduler"]);
        assert_eq!(
            cluster(r#"{"Logging":{}}"#).logging,
            Some(ClusterLogging::default())
        );
    }

    #[test]
    fn encryption_as_list_or_single_object() {
        let list = cluster(
            r#"{"EncryptionConfig":[{"Provider":{"KeyArn":"arn:aws:kms:eu-west-1:111122223333:key/k"},"Resources":["secrets"]}]}"#,
        );
        assert_eq!(list.encryption[0].resources, vec!["secrets"]);
        assert!(list.encryption[0].key_arn.is_some());
        let single = cluster(r#"{"encryptionConfig":{"resources":"secrets"}}"#);
        assert_eq!(single.encryption[0].resources, vec!["secrets"]);
    }

    #[test]
    fn versions_compare_as_numbers() {
        let v = |t| KubernetesVersion::parse(t).unwrap();
        assert!(v("1.9") < v("1.10"));
        assert_eq!(v("v1.29.3"), v("1.29"));
        assert_eq!(KubernetesVersion::parse("latest"), None);
        let err = cluster(r#"{"Version":"one"}"#)
            .kubernetes_version()
            .unwrap_err();
        assert_eq!(err.path, "configuration.Version");
    }

    #[test]
    fn bad_logging_shape_names_the_path() {
        let text = r#"{"resourceType":"AWS::EKS::Cluster","configuration":{"Logging":{"ClusterLogging":{"EnabledTypes":[7]}}}}"#;
        let err = Cluster::from_item(&ConfigurationItem::parse(text).unwrap()).unwrap_err();
        assert!(
            err.path.starts_with("configuration.Logging.ClusterLogging"),
            "{err}"
        );
    }
}
