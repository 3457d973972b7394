//! `AWS::S3::Bucket` and `AWS::S3::AccountPublicAccessBlock`.
//!
//! Everything that decides a bucket's exposure lives in `supplementaryConfiguration`:
//! `AccessControlList` (a JSON string, double-encoded in the API flavour, an object in old
//! samples; group grantees as bare strings such as `"AllUsers"`), `BucketPolicy` (`policyText`
//! a JSON string, `null`, or an object), `PublicAccessBlockConfiguration` (absent when never set),
//! `ServerSideEncryptionConfiguration`, `BucketLoggingConfiguration` and
//! `BucketVersioningConfiguration`. Each is decoded on its own, so one unreadable section fails
//! only the controls that read it.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::item::ConfigurationItem;
use crate::json::{Embedded, Flag, InputError, Present};
use crate::policy::PolicyDocument;

use super::Section;

/// The four Block Public Access switches (bucket or account level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PublicAccessBlock {
    #[serde(deserialize_with = "flag", alias = "BlockPublicAcls")]
    pub block_public_acls: bool,
    #[serde(deserialize_with = "flag", alias = "IgnorePublicAcls")]
    pub ignore_public_acls: bool,
    #[serde(deserialize_with = "flag", alias = "BlockPublicPolicy")]
    pub block_public_policy: bool,
    #[serde(deserialize_with = "flag", alias = "RestrictPublicBuckets")]
    pub restrict_public_buckets: bool,
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Option::<Flag>::deserialize(d).map(|f| f.is_some_and(|f| f.0))
}

/// A list that may be `null`.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }

    /// The names of the switches that are off, in AWS's spelling.
    pub fn off_switches(&self) -> Vec<&'static str> {
        [
            ("BlockPublicAcls", self.block_public_acls),
            ("IgnorePublicAcls", self.ignore_public_acls),
            ("BlockPublicPolicy", self.block_public_policy),
            ("RestrictPublicBuckets", self.restrict_public_buckets),
        ]
        .into_iter()
        .filter(|(_, on)| !on)
        .map(|(name, _)| name)
        .collect()
    }

    /// S3 applies the most restrictive combination of bucket and account settings.
    pub fn combined(bucket: Option<&Self>, account: Option<&Self>) -> Self {
        let (b, a) = (
            bucket.copied().unwrap_or_default(),
            account.copied().unwrap_or_default(),
        );
        PublicAccessBlock {
            block_public_acls: b.block_public_acls || a.block_public_acls,
            ignore_public_acls: b.ignore_public_acls || a.ignore_public_acls,
            block_public_policy: b.block_public_policy || a.block_public_policy,
            restrict_public_buckets: b.restrict_public_buckets || a.restrict_public_buckets,
        }
    }
}

/// An ACL permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Permission {
    FullControl,
    Read,
    Write,
    ReadAcp,
    WriteAcp,
    Other(String),
}

impl Permission {
    /// Accepts `FullControl`, `FULL_CONTROL`, `full-control`…
    fn parse(text: &str) -> Self {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match key.as_str() {
            "fullcontrol" => Permission::FullControl,
            "read" => Permission::Read,
            "write" => Permission::Write,
            "readacp" => Permission::ReadAcp,
            "writeacp" => Permission::WriteAcp,
            _ => Permission::Other(text.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Permission::FullControl => "FULL_CONTROL",
            Permission::Read => "READ",
            Permission::Write => "WRITE",
            Permission::ReadAcp => "READ_ACP",
            Permission::WriteAcp => "WRITE_ACP",
            Permission::Other(s) => s,
        }
    }
}

/// Who an ACL grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    /// Anyone on the internet.
    AllUsers,
    /// Anyone with any AWS account.
    AuthenticatedUsers,
    /// The S3 log delivery group.
    LogDelivery,
    /// A canonical user id, e-mail address or other identifier.
    Identified(String),
}

impl Grantee {
    /// Groups that make a grant public.
    pub fn is_public(&self) -> bool {
        matches!(self, Grantee::AllUsers | Grantee::AuthenticatedUsers)
    }

    pub fn name(&self) -> &str {
        match self {
            Grantee::AllUsers => "AllUsers",
            Grantee::AuthenticatedUsers => "AuthenticatedUsers",
            Grantee::LogDelivery => "LogDelivery",
            Grantee::Identified(id) => id,
        }
    }

    /// A group name (`AllUsers`) or URI (`http://acs.amazonaws.com/groups/global/AllUsers`).
    fn from_text(text: &str) -> Self {
        let tail = text.rsplit('/').next().unwrap_or(text);
        match tail {
            t if t.eq_ignore_ascii_case("AllUsers") => Grantee::AllUsers,
            t if t.eq_ignore_ascii_case("AuthenticatedUsers") => Grantee::AuthenticatedUsers,
            t if t.eq_ignore_ascii_case("LogDelivery") => Grantee::LogDelivery,
            _ => Grantee::Identified(text.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for Grantee {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct GranteeVisitor;
        impl<'de> Visitor<'de> for GranteeVisitor {
            type Value = Grantee;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a group name, a URI or a grantee object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Grantee, E> {
                Ok(Grantee::from_text(v))
            }
            /// `{"id":…,"displayName":…}`, `{"uri":…}` or `{"identifier":…,"typeIdentifier":…}`.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Grantee, A::Error> {
                let mut found: Option<String> = None;
                while let Some(key) = map.next_key::<String>()? {
                    let value: Option<crate::json::Text> = match key.to_ascii_lowercase().as_str() {
                        "id" | "uri" | "identifier" | "emailaddress" => map.next_value()?,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            None
                        }
                    };
                    if let Some(v) = value {
                        let is_group = v.0.contains("acs.amazonaws.com/groups");
                        if found.is_none() || is_group {
                            found = Some(v.0);
                        }
                    }
                }
                Ok(Grantee::from_text(&found.unwrap_or_default()))
            }
        }
        deserializer.deserialize_any(GranteeVisitor)
    }
}

/// One ACL grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub grantee: Grantee,
    pub permission: Permission,
}

/// A bucket ACL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Acl {
    pub grants: Vec<Grant>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAcl {
    #[serde(default)]
    grant_list: Option<Vec<RawGrant>>,
}

#[derive(Deserialize)]
struct RawGrant {
    grantee: Grantee,
    permission: String,
}

/// `{"policyText": …}` around the bucket policy.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawBucketPolicy {
    policy_text: Option<PolicyDocument>,
}

/// Default encryption: `{"rules":[{"applyServerSideEncryptionByDefault":{"sseAlgorithm":…,
/// "kmsMasterKeyID":…},"bucketKeyEnabled":…}]}` (PascalCase as the S3 API spells it also read).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Encryption {
    #[serde(alias = "Rules", deserialize_with = "list")]
    pub rules: Vec<EncryptionRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EncryptionRule {
    #[serde(alias = "ApplyServerSideEncryptionByDefault")]
    pub apply_server_side_encryption_by_default: Option<EncryptionDefault>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EncryptionDefault {
    #[serde(alias = "SSEAlgorithm")]
    pub sse_algorithm: Option<String>,
    #[serde(alias = "kmsMasterKeyID", alias = "KMSMasterKeyID")]
    pub kms_master_key_id: Option<String>,
}

/// Server access logging; `{}` or both fields `null` when off.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Logging {
    #[serde(alias = "DestinationBucketName")]
    pub destination_bucket_name: Option<String>,
    #[serde(alias = "LogFilePrefix")]
    pub log_file_prefix: Option<String>,
}

/// Versioning.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Versioning {
    /// `Off`, `Enabled` or `Suspended`.
    #[serde(alias = "Status")]
    pub status: Option<String>,
}

/// An S3 bucket, as far as controls look at it.
#[derive(Debug, Clone)]
pub struct Bucket {
    pub name: String,
    /// The account that owns the bucket (the item's account).
    pub account_id: Option<String>,
    pub acl: Section<Option<Acl>>,
    pub policy: Section<Option<PolicyDocument>>,
    /// Bucket-level Block Public Access; `None` when never configured.
    pub public_access_block: Section<Option<PublicAccessBlock>>,
    pub encryption: Section<Option<Encryption>>,
    pub logging: Section<Option<Logging>>,
    pub versioning: Section<Option<Versioning>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawBucketConfiguration {
    name: Option<String>,
}

impl Bucket {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let config: RawBucketConfiguration = item.configuration()?;
        let name = config
            .name
            .or_else(|| item.resource_name.clone())
            .or_else(|| item.resource_id.clone())
            .unwrap_or_default();
        let settings = Settings::of(item);
        Ok(Bucket {
            name,
            account_id: item.account_id.clone(),
            acl: item
                .supplementary::<Embedded<RawAcl>>("AccessControlList")
                .map(|acl| {
                    acl.map(|Embedded(raw)| Acl {
                        grants: raw
                            .grant_list
                            .unwrap_or_default()
                            .into_iter()
                            .map(|g| Grant {
                                grantee: g.grantee,
                                permission: Permission::parse(&g.permission),
                            })
                            .collect(),
                    })
                }),
            policy: item
                .supplementary::<RawBucketPolicy>("BucketPolicy")
                .map(|p| {
                    p.and_then(|p| p.policy_text)
                        .filter(|d| !d.statements.is_empty())
                }),
            public_access_block: settings.public_access_block,
            encryption: settings.encryption,
            logging: settings.logging,
            versioning: settings.versioning,
        })
    }
}

/// A bucket's settings sections, without its ACL and policy (the costly ones to read): what a
/// finding's details describe.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub public_access_block: Section<Option<PublicAccessBlock>>,
    pub encryption: Section<Option<Encryption>>,
    pub logging: Section<Option<Logging>>,
    pub versioning: Section<Option<Versioning>>,
}

impl Settings {
    pub fn of(item: &ConfigurationItem) -> Self {
        Settings {
            public_access_block: item
                .supplementary::<Present<PublicAccessBlock>>("PublicAccessBlockConfiguration")
                .map(|p| p.and_then(|p| p.0)),
            encryption: item.supplementary("ServerSideEncryptionConfiguration"),
            logging: item.supplementary("BucketLoggingConfiguration"),
            versioning: item.supplementary("BucketVersioningConfiguration"),
        }
    }
}

/// Account-level Block Public Access, from an `AWS::S3::AccountPublicAccessBlock` item.
pub fn account_public_access_block(
    item: &ConfigurationItem,
) -> Result<PublicAccessBlock, InputError> {
    item.configuration::<PublicAccessBlock>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(supplementary: &str) -> Bucket {
        let text = format!(
            r#"{{"resourceType":"AWS::S3::Bucket","resourceId":"b","accountId":"111122223333",
                "configuration":{{"name":"b"}},"supplementaryConfiguration":{supplementary}}}"#
        );
        Bucket::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn acl_in_every_encoding() {
        let object = r#"{"grantList":[{"grantee":"AllUsers","permission":"Read"}]}"#;
        let once = serde_json::to_string(object).unwrap();
        let twice = serde_json::to_string(&once).unwrap();
        for acl in [object.to_string(), once, twice] {
            let b = bucket(&format!(r#"{{"AccessControlList":{acl}}}"#));
            let grants = b.acl.unwrap().unwrap().grants;
            assert_eq!(
                grants,
                vec![Grant {
                    grantee: Grantee::AllUsers,
                    permission: Permission::Read
                }]
            );
        }
    }

    #[test]
    fn grantees_as_uris_and_objects() {
        let b = bucket(
            r#"{"AccessControlList":{"grantList":[
                {"grantee":{"identifier":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers","typeIdentifier":"uri"},"permission":"WRITE_ACP"},
                {"grantee":{"id":"abc","displayName":null},"permission":"FullControl"}]}}"#,
        );
        let grants = b.acl.unwrap().unwrap().grants;
        assert_eq!(grants[0].grantee, Grantee::AuthenticatedUsers);
        assert_eq!(grants[0].permission, Permission::WriteAcp);
        assert_eq!(grants[1].grantee, Grantee::Identified("abc".into()));
    }

    #[test]
    fn policy_text_null_string_or_object() {
        assert_eq!(
            bucket(r#"{"BucketPolicy":{"policyText":null}}"#)
                .policy
                .unwrap(),
            None
        );
        assert_eq!(
            bucket(r#"{"BucketPolicy":"{\"policyText\":null}"}"#)
                .policy
                .unwrap(),
            None
        );
        let text = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let as_string = serde_json::to_string(text).unwrap();
        let api = serde_json::to_string(&format!(r#"{{"policyText":{as_string}}}"#)).unwrap();
        for policy in [
            format!(r#"{{"policyText":{text}}}"#),
            format!(r#"{{"policyText":{as_string}}}"#),
            api,
        ] {
            let b = bucket(&format!(r#"{{"BucketPolicy":{policy}}}"#));
            assert_eq!(b.policy.unwrap().unwrap().statements.len(), 1, "{policy}");
        }
    }

    #[test]
    fn missing_block_public_access_is_none_and_flags_may_be_strings() {
        assert_eq!(bucket("{}").public_access_block.unwrap(), None);
        let b = bucket(
            r#"{"PublicAccessBlockConfiguration":{"blockPublicAcls":"true","ignorePublicAcls":true,"blockPublicPolicy":false}}"#,
        );
        let pab = b.public_access_block.unwrap().unwrap();
        assert!(pab.block_public_acls && pab.ignore_public_acls && !pab.block_public_policy);
        assert_eq!(
            pab.off_switches(),
            vec!["BlockPublicPolicy", "RestrictPublicBuckets"]
        );
    }

    #[test]
    fn encryption_in_either_casing_and_with_null_rules() {
        let camel = bucket(
            r#"{"ServerSideEncryptionConfiguration":"{\"rules\":[{\"applyServerSideEncryptionByDefault\":{\"sseAlgorithm\":\"aws:kms\",\"kmsMasterKeyID\":\"arn:aws:kms:eu-west-1:111122223333:key/k\"},\"bucketKeyEnabled\":true}]}"}"#,
        );
        let pascal = bucket(
            r#"{"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"arn:aws:kms:eu-west-1:111122223333:key/k"},"BucketKeyEnabled":true}]}}"#,
        );
        for b in [camel, pascal] {
            let rules = b.encryption.unwrap().unwrap().rules;
            let default = rules[0]
                .apply_server_side_encryption_by_default
                .clone()
                .unwrap();
            assert_eq!(default.sse_algorithm.as_deref(), Some("aws:kms"));
            assert!(default.kms_master_key_id.unwrap().ends_with("key/k"));
        }
        let empty = bucket(r#"{"ServerSideEncryptionConfiguration":{"rules":null}}"#);
        assert!(empty.encryption.unwrap().unwrap().rules.is_empty());
    }

    #[test]
    fn logging_and_versioning_shapes() {
        let off = bucket(r#"{"BucketLoggingConfiguration":{}}"#);
        assert_eq!(off.logging.unwrap(), Some(Logging::default()));
        let on = bucket(
            r#"{"BucketLoggingConfiguration":"{\"destinationBucketName\":\"acme-logs\",\"logFilePrefix\":null}","BucketVersioningConfiguration":"{\"status\":\"Suspended\",\"isMfaDeleteEnabled\":null}"}"#,
        );
        assert_eq!(
            on.logging
                .unwrap()
                .unwrap()
                .destination_bucket_name
                .as_deref(),
            Some("acme-logs")
        );
        assert_eq!(
            on.versioning.unwrap().unwrap().status.as_deref(),
            Some("Suspended")
        );
        assert_eq!(bucket("{}").versioning.unwrap(), None);
    }

    #[test]
    fn one_bad_section_does_not_spoil_the_others() {
        let b = bucket(
            r#"{"BucketPolicy":{"policyText":"{not json"},"BucketVersioningConfiguration":{"status":"Enabled"}}"#,
        );
        let err = b.policy.unwrap_err();
        assert!(
            err.path
                .starts_with("supplementaryConfiguration.BucketPolicy"),
            "{err}"
        );
        assert_eq!(
            b.versioning.unwrap().unwrap().status.as_deref(),
            Some("Enabled")
        );
    }
}
