//! `AWS::IAM::Policy`, `AWS::IAM::User`, `AWS::IAM::Role`, `AWS::IAM::Group`.
//!
//! Real items carry policy documents URL-encoded (`%7B%0A…`); published samples also carry them
//! decoded, or as a one-element array around the document. [`PolicyDocument`] reads them all.
//! Only a managed policy's default version is in force, so only that one is decoded.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number, Text};
use crate::policy::PolicyDocument;

/// A customer managed policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: Option<String>,
    pub attachment_count: i64,
    /// How many users and roles use the policy as a permissions boundary.
    pub boundary_usage_count: i64,
    /// The version in force and its document; `None` when the item lists no default version.
    pub default_version: Option<(String, PolicyDocument)>,
}

/// A policy embedded in a user, role or group.
#[derive(Debug, Clone, PartialEq)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

/// A managed policy attached to a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: Option<String>,
}

/// A user, role or group: what is attached to it and embedded in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub name: String,
    pub path: Option<String>,
    pub attached: Vec<AttachedPolicy>,
    pub inline: Vec<InlinePolicy>,
    /// Roles only: who may assume the role.
    pub trust_policy: Option<PolicyDocument>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPolicy {
    policy_name: Option<String>,
    arn: Option<String>,
    default_version_id: Option<Text>,
    attachment_count: Option<Number>,
    permissions_boundary_usage_count: Option<Number>,
    policy_version_list: Option<Vec<RawVersion>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawVersion {
    version_id: Option<Text>,
    is_default_version: Option<Flag>,
    document: Option<serde_json::Value>,
}

impl ManagedPolicy {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawPolicy = item.configuration()?;
        let versions = raw.policy_version_list.unwrap_or_default();
        let default_id = raw.default_version_id.map(|t| t.0);
        // The version flagged as default wins; otherwise the one named by defaultVersionId;
        // otherwise a lone version.
        let chosen = versions
            .iter()
            .position(|v| v.is_default_version.is_some_and(|f| f.0))
            .or_else(|| {
                versions
                    .iter()
                    .position(|v| v.version_id.as_ref().map(|t| &t.0) == default_id.as_ref())
            })
            .or((versions.len() == 1).then_some(0));
        let default_version = match chosen {
            None => None,
            Some(i) => {
                let version = &versions[i];
                let document = decode_document(
                    version.document.as_ref(),
                    &format!("configuration.policyVersionList[{i}].document"),
                )?;
                let id = version
                    .version_id
                    .clone()
                    .map(|t| t.0)
                    .or(default_id.clone())
                    .unwrap_or_default();
                Some((id, document))
            }
        };
        Ok(ManagedPolicy {
            name: raw
                .policy_name
                .or_else(|| item.resource_name.clone())
                .unwrap_or_else(|| item.display_id().to_string()),
            arn: raw.arn.or_else(|| item.arn.clone()),
            attachment_count: raw.attachment_count.and_then(Number::as_i64).unwrap_or(0),
            boundary_usage_count: raw
                .permissions_boundary_usage_count
                .and_then(Number::as_i64)
                .unwrap_or(0),
            default_version,
        })
    }
}

fn decode_document(
    value: Option<&serde_json::Value>,
    path: &str,
) -> Result<PolicyDocument, InputError> {
    match value {
        None | Some(serde_json::Value::Null) => Ok(PolicyDocument::default()),
        Some(v) => PolicyDocument::deserialize(v).map_err(|e| InputError::new(path, e.to_string())),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPrincipal {
    user_name: Option<String>,
    role_name: Option<String>,
    group_name: Option<String>,
    path: Option<String>,
    attached_managed_policies: Option<Vec<RawAttached>>,
    user_policy_list: Option<Vec<RawInline>>,
    role_policy_list: Option<Vec<RawInline>>,
    group_policy_list: Option<Vec<RawInline>>,
    assume_role_policy_document: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawAttached {
    policy_name: Option<String>,
    policy_arn: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawInline {
    policy_name: Option<String>,
    policy_document: Option<serde_json::Value>,
}

impl Principal {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawPrincipal = item.configuration()?;
        let (list, field) = if let Some(l) = raw.user_policy_list {
            (l, "userPolicyList")
        } else if let Some(l) = raw.role_policy_list {
            (l, "rolePolicyList")
        } else {
            (raw.group_policy_list.unwrap_or_default(), "groupPolicyList")
        };
        let inline = list
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                Ok(InlinePolicy {
                    name: p.policy_name.unwrap_or_else(|| format!("{field}[{i}]")),
                    document: decode_document(
                        p.policy_document.as_ref(),
                        &format!("configuration.{field}[{i}].policyDocument"),
                    )?,
                })
            })
            .collect::<Result<Vec<_>, InputError>>()?;
        let trust_policy = match raw.assume_role_policy_document {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(decode_document(
                Some(&v),
                "configuration.assumeRolePolicyDocument",
            )?),
        };
        Ok(Principal {
            name: raw
                .user_name
                .or(raw.role_name)
                .or(raw.group_name)
                .or_else(|| item.resource_name.clone())
                .unwrap_or_else(|| item.display_id().to_string()),
            path: raw.path,
            attached: raw
                .attached_managed_policies
                .unwrap_or_default()
                .into_iter()
                .map(|a| AttachedPolicy {
                    name: a
                        .policy_name
                        .or_else(|| a.policy_arn.clone())
                        .unwrap_or_default(),
                    arn: a.policy_arn,
                })
                .collect(),
            inline,
            trust_policy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(resource_type: &str, configuration: &str) -> ConfigurationItem {
        ConfigurationItem::parse(&format!(
            r#"{{"resourceType":"{resource_type}","resourceId":"X","configuration":{configuration}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn only_the_default_version_is_decoded() {
        let p = ManagedPolicy::from_item(&item(
            "AWS::IAM::Policy",
            r#"{"policyName":"p","defaultVersionId":"v2","policyVersionList":[
                {"versionId":"v1","isDefaultVersion":false,"document":"%7B%22Statement%22%3A%5B%5D%7D"},
                {"versionId":"v2","isDefaultVersion":true,"document":"%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%7D"}]}"#,
        ))
        .unwrap();
        let (id, doc) = p.default_version.unwrap();
        assert_eq!(id, "v2");
        assert_eq!(doc.statements.len(), 1);
    }

    #[test]
    fn inline_policies_and_trust_policy() {
        let r = Principal::from_item(&item(
            "AWS::IAM::Role",
            r#"{"roleName":"r","assumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%22*%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D",
                "rolePolicyList":[{"policyName":"inline","policyDocument":[{"Statement":[]}]}],
                "attachedManagedPolicies":[{"policyName":"a","policyArn":"arn:aws:iam::aws:policy/a"}]}"#,
        ))
        .unwrap();
        assert_eq!(r.name, "r");
        assert!(r.trust_policy.unwrap().statements[0].principal_is_anyone());
        assert_eq!(r.inline[0].name, "inline");
        assert_eq!(r.attached.len(), 1);
    }

    #[test]
    fn broken_documents_name_their_path() {
        let err = Principal::from_item(&item(
            "AWS::IAM::User",
            r#"{"userName":"u","userPolicyList":[{"policyName":"x","policyDocument":"%7Bbroken"}]}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "configuration.userPolicyList[0].policyDocument");
    }
}
