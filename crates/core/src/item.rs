//! The configuration item envelope, normalised across both key flavours.
//!
//! Notification flavour (rule events, snapshots): `configurationItemVersion`, `awsAccountId`,
//! `ARN`, `configurationStateMd5Hash`, numeric `configurationStateId`, object `configuration`.
//! API flavour (GetResourceConfigHistory, BatchGetResourceConfig): `version`, `accountId`, `arn`,
//! `configurationItemMD5Hash`, string state id, `configuration` and every supplementary value
//! as JSON strings. Published samples mix the two; both spellings are read for every field.
//! `configuration` and supplementary values stay raw here and are decoded once, by the typed
//! resource view (see [`crate::resource`]).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::json::{
    parse_embedded, parse_embedded_option, Expected, InputError, Object, Present, Text,
};
use crate::resource::ResourceType;
use crate::timestamp::{MaybeTimestamp, Timestamp};

/// `configurationItemStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemStatus {
    Ok,
    ResourceDiscovered,
    ResourceNotRecorded,
    ResourceDeleted,
    ResourceDeletedNotRecorded,
    Other(String),
}

impl ItemStatus {
    fn parse(text: &str) -> Self {
        match text {
            "OK" | "Ok" => ItemStatus::Ok,
            "ResourceDiscovered" => ItemStatus::ResourceDiscovered,
            "ResourceNotRecorded" => ItemStatus::ResourceNotRecorded,
            "ResourceDeleted" => ItemStatus::ResourceDeleted,
            "ResourceDeletedNotRecorded" => ItemStatus::ResourceDeletedNotRecorded,
            other => ItemStatus::Other(other.to_string()),
        }
    }

    /// Deleted or not recorded: there is nothing left to judge.
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            ItemStatus::ResourceNotRecorded
                | ItemStatus::ResourceDeleted
                | ItemStatus::ResourceDeletedNotRecorded
        )
    }

    pub fn as_str(&self) -> &str {
        match self {
            ItemStatus::Ok => "OK",
            ItemStatus::ResourceDiscovered => "ResourceDiscovered",
            ItemStatus::ResourceNotRecorded => "ResourceNotRecorded",
            ItemStatus::ResourceDeleted => "ResourceDeleted",
            ItemStatus::ResourceDeletedNotRecorded => "ResourceDeletedNotRecorded",
            ItemStatus::Other(s) => s,
        }
    }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A relationship to another resource (`name` in notifications, `relationshipName` in the API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub name: Option<String>,
}

/// One configuration item, whichever flavour it came in.
#[derive(Debug, Clone)]
pub struct ConfigurationItem {
    pub resource_type: ResourceType,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub arn: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub availability_zone: Option<String>,
    pub status: ItemStatus,
    pub capture_time: Option<Timestamp>,
    pub resource_creation_time: Option<Timestamp>,
    pub state_id: Option<String>,
    pub version: Option<String>,
    /// Shared with the findings and records made of the item, which carry them.
    pub tags: Arc<BTreeMap<String, String>>,
    pub relationships: Vec<Relationship>,
    /// `configuration`, undecoded; `None` when absent, `null` or the string `"null"`.
    pub configuration: Option<Box<RawValue>>,
    /// `supplementaryConfiguration`, values undecoded.
    pub supplementary: BTreeMap<String, Box<RawValue>>,
}

impl ConfigurationItem {
    /// Parses one item from its JSON text (either flavour).
    pub fn parse(text: &str) -> Result<Self, InputError> {
        Self::parse_with_type(text, None)
    }

    /// Like [`ConfigurationItem::parse`], taking `default_type` when the item does not name its
    /// type (SelectResourceConfig results carry only the fields the query selected).
    pub fn parse_with_type(
        text: &str,
        default_type: Option<&ResourceType>,
    ) -> Result<Self, InputError> {
        let Object(mut raw) = crate::json::parse_str::<Object<RawItem>>(text)?;
        let mut typed_by_caller = false;
        if raw
            .resource_type
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            raw.resource_type = default_type.map(|t| t.config_name().to_string());
            typed_by_caller = default_type.is_some();
        }
        let item = raw.into_item()?;
        if typed_by_caller && item.resource_id.is_none() {
            // Without an id, every such item would look like the same resource.
            return Err(InputError::new(
                "resourceId",
                format!(
                    "missing, and the configuration names no {} id: select resourceId too",
                    item.resource_type
                ),
            ));
        }
        Ok(item)
    }

    /// Whether the item says the resource no longer exists (or is no longer recorded), including
    /// deletion notifications whose configuration is `null`.
    pub fn is_gone(&self) -> bool {
        self.status.is_gone()
    }

    /// Decodes `configuration` (object or JSON string) into `T`, naming the path on failure.
    pub fn configuration<T: serde::de::DeserializeOwned>(&self) -> Result<T, InputError> {
        match &self.configuration {
            // A derived struct would read a list positionally and report a baffling field.
            Some(raw) if raw.get().trim_start().starts_with('[') => Err(InputError::new(
                "configuration",
                "expected an object, found a list",
            )),
            Some(raw) => parse_embedded(raw).map_err(|e| e.within("configuration")),
            None => Err(InputError::new(
                "configuration",
                format!("missing (configurationItemStatus {})", self.status),
            )),
        }
    }

    /// Decodes one `supplementaryConfiguration` entry; `Ok(None)` when the key is absent or null.
    pub fn supplementary<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, InputError> {
        match self.supplementary.get(key) {
            None => Ok(None),
            Some(raw) => parse_embedded_option::<T>(raw)
                .map_err(|e| e.within(&format!("supplementaryConfiguration.{key}"))),
        }
    }

    /// The best identifier for people: the resource id, else its name, else its ARN.
    pub fn display_id(&self) -> &str {
        self.resource_id
            .as_deref()
            .or(self.resource_name.as_deref())
            .or(self.arn.as_deref())
            .unwrap_or("(unknown)")
    }
}

/// Both flavours' keys, each read separately so that a sample carrying both spellings never
/// fails as a "duplicate field".
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RawItem {
    version: Option<Text>,
    configuration_item_version: Option<Text>,
    account_id: Option<Text>,
    aws_account_id: Option<Text>,
    configuration_item_capture_time: MaybeTimestamp,
    configuration_item_status: Option<String>,
    configuration_state_id: Option<Text>,
    #[serde(rename = "configurationStateID")]
    configuration_state_id_upper: Option<Text>,
    arn: Option<String>,
    #[serde(rename = "ARN")]
    arn_upper: Option<String>,
    resource_type: Option<String>,
    resource_id: Option<Text>,
    resource_name: Option<Text>,
    aws_region: Option<String>,
    availability_zone: Option<String>,
    resource_creation_time: MaybeTimestamp,
    tags: Tags,
    relationships: Present<Vec<Object<RawRelationship>>>,
    configuration: Option<Box<RawValue>>,
    supplementary_configuration: Present<BTreeMap<String, Box<RawValue>>>,
}

impl Expected for RawItem {
    const EXPECTED: &'static str = "a configuration item (a JSON object)";
}

impl Expected for RawRelationship {
    const EXPECTED: &'static str = "a relationship (a JSON object with resourceType, resourceId)";
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawRelationship {
    resource_type: Option<String>,
    resource_id: Option<String>,
    resource_name: Option<String>,
    name: Option<String>,
    relationship_name: Option<String>,
}

impl RawItem {
    pub(crate) fn into_item(self) -> Result<ConfigurationItem, InputError> {
        let resource_type = match self.resource_type.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => ResourceType::from_config_name(t),
            _ => {
                return Err(InputError::new(
                    "resourceType",
                    "missing: a configuration item must name its resource type",
                ))
            }
        };
        let configuration = self.configuration.filter(|raw| !is_null_text(raw.get()));
        let mut tags = self.tags.0;
        let supplementary = self.supplementary_configuration.0.unwrap_or_default();
        if tags.is_empty() {
            // Some types carry tags only in supplementaryConfiguration.Tags.
            if let Some(raw) = supplementary.get("Tags") {
                if let Ok(Tags(found)) = parse_embedded::<Tags>(raw) {
                    tags = found;
                }
            }
        }
        let resource_id = self
            .resource_id
            .map(|t| t.0)
            .filter(|s| !s.is_empty())
            .or_else(|| {
                configuration
                    .as_deref()
                    .and_then(|raw| infer_resource_id(&resource_type, raw))
            });
        Ok(ConfigurationItem {
            resource_type,
            resource_id,
            resource_name: self.resource_name.map(|t| t.0).filter(|s| !s.is_empty()),
            arn: self.arn.or(self.arn_upper).filter(|s| !s.is_empty()),
            account_id: self.account_id.or(self.aws_account_id).map(|t| t.0),
            region: self.aws_region.filter(|s| !s.is_empty()),
            availability_zone: self.availability_zone,
            status: ItemStatus::parse(self.configuration_item_status.as_deref().unwrap_or("OK")),
            capture_time: self.configuration_item_capture_time.0,
            resource_creation_time: self.resource_creation_time.0,
            state_id: self
                .configuration_state_id
                .or(self.configuration_state_id_upper)
                .map(|t| t.0),
            version: self
                .version
                .or(self.configuration_item_version)
                .map(|t| t.0),
            tags: Arc::new(tags),
            relationships: self
                .relationships
                .0
                .unwrap_or_default()
                .into_iter()
                .map(|Object(r)| Relationship {
                    resource_type: r.resource_type,
                    resource_id: r.resource_id,
                    resource_name: r.resource_name,
                    name: r.name.or(r.relationship_name),
                })
                .collect(),
            configuration,
            supplementary,
        })
    }
}

/// The id AWS Config would give the resource, read from its configuration: for results of
/// queries that did not select `resourceId` (SelectResourceConfig).
fn infer_resource_id(resource_type: &ResourceType, raw: &RawValue) -> Option<String> {
    let keys = resource_type.id_keys();
    let fields: BTreeMap<String, serde_json::Value> = parse_embedded(raw).ok()?;
    keys.iter()
        .chain(["id", "Id", "name", "Name", "arn", "Arn", "ARN"].iter())
        .find_map(|key| match fields.get(*key) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        })
}

fn is_null_text(raw: &str) -> bool {
    let t = raw.trim();
    t == "null" || t == "\"null\"" || t == "\"\""
}

/// Tags as a map (`{"k":"v"}`) or a list of `{key,value}` / `{Key,Value}` pairs.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tags(pub BTreeMap<String, String>);

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TagsVisitor;
        impl<'de> Visitor<'de> for TagsVisitor {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("tags as a map or a list of {key, value} pairs")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags, A::Error> {
                let mut tags = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value: Option<Text> = map.next_value()?;
                    tags.insert(key, value.map(|t| t.0).unwrap_or_default());
                }
                Ok(Tags(tags))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tags, A::Error> {
                #[derive(Deserialize)]
                struct Pair {
                    #[serde(alias = "Key", alias = "tagKey", alias = "TagKey")]
                    key: String,
                    #[serde(alias = "Value", alias = "tagValue", alias = "TagValue", default)]
                    value: Option<Text>,
                }
                let mut tags = BTreeMap::new();
                while let Some(pair) = seq.next_element::<Pair>()? {
                    tags.insert(pair.key, pair.value.map(|t| t.0).unwrap_or_default());
                }
                Ok(Tags(tags))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Tags, E> {
                Ok(Tags::default())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Tags, E> {
                if v.trim().is_empty() {
                    return Ok(Tags::default());
                }
                crate::json::parse_str::<Tags>(v).map_err(|e| E::custom(e.message))
            }
        }
        deserializer.deserialize_any(TagsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_flavours() {
        let notification = r#"{"configurationItemVersion":"1.3","awsAccountId":"123456789012","ARN":"arn:aws:s3:::b",
            "configurationStateId":1518359700150,"resourceType":"AWS::S3::Bucket","resourceId":"b",
            "configurationItemCaptureTime":"2018-02-11T14:35:00.150Z","configurationItemStatus":"ResourceDiscovered",
            "configuration":{"name":"b"},"supplementaryConfiguration":{},"tags":{"team":"x"},
            "relationships":[{"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","name":"Is contained in Vpc"}]}"#;
        let api = r#"{"version":"1.3","accountId":"123456789012","arn":"arn:aws:s3:::b",
            "configurationStateId":"1518359700150","resourceType":"AWS::S3::Bucket","resourceId":"b",
            "configurationItemCaptureTime":"2018-02-11T14:35:00.150Z","configurationItemStatus":"ResourceDiscovered",
            "configuration":"{\"name\":\"b\"}","supplementaryConfiguration":{},"tags":{"team":"x"},
            "relationships":[{"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","relationshipName":"Is contained in Vpc"}]}"#;
        for text in [notification, api] {
            let item = ConfigurationItem::parse(text).unwrap();
            assert_eq!(item.resource_type, ResourceType::S3Bucket);
            assert_eq!(item.account_id.as_deref(), Some("123456789012"));
            assert_eq!(item.arn.as_deref(), Some("arn:aws:s3:::b"));
            assert_eq!(item.state_id.as_deref(), Some("1518359700150"));
            assert_eq!(item.tags.get("team").map(String::as_str), Some("x"));
            assert_eq!(
                item.relationships[0].name.as_deref(),
                Some("Is contained in Vpc")
            );
            #[derive(Deserialize)]
            struct Bucket {
                name: String,
            }
            assert_eq!(item.configuration::<Bucket>().unwrap().name, "b");
        }
    }

    #[test]
    fn null_configuration_in_every_spelling() {
        for conf in ["null", "\"null\""] {
            let text = format!(
                r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"vol-1","configurationItemStatus":"ResourceDeleted","configuration":{conf}}}"#
            );
            let item = ConfigurationItem::parse(&text).unwrap();
            assert!(item.configuration.is_none());
            assert!(item.is_gone());
            let err = item.configuration::<serde_json::Value>().unwrap_err();
            assert_eq!(err.path, "configuration");
        }
    }

    #[test]
    fn missing_resource_type_is_a_clear_error() {
        let err = ConfigurationItem::parse("{}").unwrap_err();
        assert_eq!(err.path, "resourceType");
    }

    #[test]
    fn resource_id_comes_from_the_configuration_when_not_selected() {
        let item = ConfigurationItem::parse_with_type(
            r#"{"configuration":"{\"groupName\":\"default\",\"groupId\":\"sg-6c7fa917\"}"}"#,
            Some(&ResourceType::Ec2SecurityGroup),
        )
        .unwrap();
        assert_eq!(item.resource_id.as_deref(), Some("sg-6c7fa917"));
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::S3::Bucket","configuration":{"name":"b"}}"#,
        )
        .unwrap();
        assert_eq!(item.resource_id.as_deref(), Some("b"));
    }

    #[test]
    fn kms_style_tag_lists() {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::KMS::Key","supplementaryConfiguration":{"Tags":"[{\"tagKey\":\"ourside:exempt\",\"tagValue\":\"KMS.4\"}]"}}"#,
        )
        .unwrap();
        assert_eq!(
            item.tags.get("ourside:exempt").map(String::as_str),
            Some("KMS.4")
        );
    }

    #[test]
    fn tags_as_list_and_from_supplementary() {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::RDS::DBInstance","supplementaryConfiguration":{"Tags":[{"key":"a","value":"1"}]}}"#,
        )
        .unwrap();
        assert_eq!(item.tags.get("a").map(String::as_str), Some("1"));
    }
}
