//! `AWS::Lambda::Function`.
//!
//! `configuration` is camelCase (the `GetFunction` shape): `functionName`, `runtime`,
//! `packageType` (`Zip` or `Image`; absent in items recorded before container images existed,
//! which means `Zip`). The resource policy is `supplementaryConfiguration.Policy`, a JSON string
//! holding the document (one more string layer in the API flavour), absent when the function
//! has no policy. `deadLetterConfig.targetArn` is the dead-letter queue or topic for failed
//! asynchronous invocations. Config records neither environment variables nor
//! asynchronous-invocation destinations.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::InputError;
use crate::policy::PolicyDocument;

use super::Section;

/// A Lambda function, as far as controls look at it.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: String,
    pub arn: Option<String>,
    /// The account that owns the function (the item's account).
    pub account_id: Option<String>,
    /// The runtime identifier, e.g. `python3.12`; absent for container-image functions.
    pub runtime: Option<String>,
    /// `Zip` or `Image`, as written; `None` when the item predates the field.
    pub package_type: Option<String>,
    /// The resource-based policy; `None` when the function has none (or an empty one).
    pub policy: Section<Option<PolicyDocument>>,
    /// `deadLetterConfig.targetArn`: where failed asynchronous invocations go; `None` when
    /// absent or empty.
    pub dead_letter_target: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawFunction {
    #[serde(alias = "FunctionName")]
    function_name: Option<String>,
    #[serde(alias = "FunctionArn")]
    function_arn: Option<String>,
    #[serde(alias = "Runtime")]
    runtime: Option<String>,
    #[serde(alias = "PackageType")]
    package_type: Option<String>,
    #[serde(alias = "DeadLetterConfig")]
    dead_letter_config: Option<RawDeadLetterConfig>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawDeadLetterConfig {
    #[serde(alias = "TargetArn")]
    target_arn: Option<String>,
}

impl Function {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawFunction = item.configuration()?;
        Ok(Function {
            name: raw
                .function_name
                .or_else(|| item.resource_name.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            arn: raw.function_arn.or_else(|| item.arn.clone()),
            account_id: item.account_id.clone(),
            runtime: raw
                .runtime
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
            package_type: raw
                .package_type
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
            policy: item
                .supplementary::<PolicyDocument>("Policy")
                .map(|p| p.filter(|d| !d.statements.is_empty())),
            dead_letter_target: raw
                .dead_letter_config
                .and_then(|d| d.target_arn)
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        })
    }

    /// Whether the function is deployed as a container image (it then has no runtime).
    pub fn is_image(&self) -> bool {
        self.package_type
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("Image"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(configuration: &str, supplementary: &str) -> Function {
        let text = format!(
            r#"{{"resourceType":"AWS::Lambda::Function","resourceId":"acme-fn","accountId":"111122223333",
                "configuration":{configuration},"supplementaryConfiguration":{supplementary}}}"#
        );
        Function::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}]}"#;

    #[test]
    fn policy_as_object_string_and_double_encoded_string() {
        let once = serde_json::to_string(POLICY).unwrap();
        let twice = serde_json::to_string(&once).unwrap();
        for policy in [POLICY.to_string(), once, twice] {
            let f = function(
                r#"{"functionName":"acme-fn"}"#,
                &format!(r#"{{"Policy":{policy}}}"#),
            );
            let doc = f.policy.unwrap().unwrap();
            assert_eq!(doc.statements.len(), 1, "{policy}");
            assert_eq!(doc.statements[0].sid.as_deref(), Some("s3"));
        }
    }

    #[test]
    fn dead_letter_target_in_either_key_flavour() {
        let arn = "arn:aws:sqs:eu-west-1:111122223333:acme-dlq";
        for configuration in [
            format!(r#"{{"deadLetterConfig":{{"targetArn":"{arn}"}}}}"#),
            format!(r#"{{"DeadLetterConfig":{{"TargetArn":"{arn}"}}}}"#),
        ] {
            let f = function(&configuration, "{}");
            assert_eq!(
                f.dead_letter_target.as_deref(),
                Some(arn),
                "{configuration}"
            );
        }
        for configuration in [
            "{}",
            r#"{"deadLetterConfig":null}"#,
            r#"{"deadLetterConfig":{"targetArn":" "}}"#,
        ] {
            assert_eq!(function(configuration, "{}").dead_letter_target, None);
        }
    }

    #[test]
    fn no_policy_and_bad_policy() {
        assert_eq!(function("{}", "{}").policy.unwrap(), None);
        assert_eq!(function("{}", r#"{"Policy":null}"#).policy.unwrap(), None);
        let err = function(
            "{}",
            r#"{"Policy":"{\"Statement\":[{\"Effect\":\"Perhaps\"}]}"}"#,
        )
        .policy
        .unwrap_err();
        assert!(
            err.path.starts_with("supplementaryConfiguration.Policy"),
            "{err}"
        );
    }

    #[test]
    fn runtime_package_type_and_api_flavour() {
        let f = function(
            r#""{\"functionName\":\"acme-fn\",\"runtime\":\"python3.12\"}""#,
            "{}",
        );
        assert_eq!(f.runtime.as_deref(), Some("python3.12"));
        assert!(!f.is_image());
        let f = function(r#"{"PackageType":"Image","Runtime":""}"#, "{}");
        assert!(f.is_image());
        assert_eq!(f.runtime, None);
        assert_eq!(f.name, "acme-fn");
    }
}
