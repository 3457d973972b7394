//! `AWS::ECS::TaskDefinition`.
//!
//! The configuration is PascalCase (CloudFormation-registry style): `Family`, `Status`,
//! `ContainerDefinitions[{Name, Privileged, ReadonlyRootFilesystem, Environment[{Name, Value}],
//! Secrets[{Name, ValueFrom}]}]`, `RuntimePlatform{OperatingSystemFamily}`. Unset booleans are
//! absent, not `false`. Every key is also accepted in the camelCase of the ECS API
//! (`containerDefinitions`, `readonlyRootFilesystem`…), and booleans may be strings.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number, OneOrMany, Present, Text};

/// One container definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    /// `Name`, or `ContainerDefinitions[i]` when the definition has none.
    pub name: String,
    /// `Privileged`; `None` when unset.
    pub privileged: Option<bool>,
    /// `ReadonlyRootFilesystem`; `None` when unset.
    pub readonly_root_filesystem: Option<bool>,
    /// `Environment` as (name, value) pairs, in order.
    pub environment: Vec<(String, String)>,
    /// How many variables come from `Secrets` (references, not values).
    pub secret_references: usize,
}

/// A task definition revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDefinition {
    pub family: Option<String>,
    pub revision: Option<i64>,
    /// `ACTIVE`, `INACTIVE` (deregistered) or `DELETE_IN_PROGRESS`.
    pub status: Option<String>,
    /// `RuntimePlatform.OperatingSystemFamily`, e.g. `LINUX` or `WINDOWS_SERVER_2022_CORE`.
    pub operating_system_family: Option<String>,
    pub containers: Vec<Container>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawTaskDefinition {
    #[serde(alias = "family")]
    family: Option<String>,
    #[serde(alias = "revision")]
    revision: Option<Number>,
    #[serde(alias = "status")]
    status: Option<String>,
    #[serde(alias = "runtimePlatform")]
    runtime_platform: Present<RawRuntimePlatform>,
    #[serde(alias = "containerDefinitions")]
    container_definitions: Option<OneOrMany<RawContainer>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawRuntimePlatform {
    #[serde(alias = "operatingSystemFamily")]
    operating_system_family: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawContainer {
    #[serde(alias = "name")]
    name: Option<String>,
    #[serde(alias = "privileged")]
    privileged: Option<Flag>,
    #[serde(alias = "readonlyRootFilesystem")]
    readonly_root_filesystem: Option<Flag>,
    #[serde(alias = "environment")]
    environment: Option<Vec<RawVariable>>,
    #[serde(alias = "secrets")]
    secrets: Option<Vec<serde::de::IgnoredAny>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawVariable {
    #[serde(alias = "name")]
    name: Option<Text>,
    #[serde(alias = "value")]
    value: Option<Text>,
}

impl TaskDefinition {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawTaskDefinition = item.configuration()?;
        let containers = raw
            .container_definitions
            .map(|c| c.0)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, c)| Container {
                name: c
                    .name
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| format!("ContainerDefinitions[{i}]")),
                privileged: c.privileged.map(|f| f.0),
                readonly_root_filesystem: c.readonly_root_filesystem.map(|f| f.0),
                environment: c
                    .environment
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|v| {
                        let name = v.name.map(|n| n.0).filter(|n| !n.is_empty())?;
                        Some((name, v.value.map(|t| t.0).unwrap_or_default()))
                    })
                    .collect(),
                secret_references: c.secrets.map_or(0, |s| s.len()),
            })
            .collect();
        Ok(TaskDefinition {
            family: raw.family,
            revision: raw.revision.and_then(|n| n.as_i64()),
            status: raw.status.filter(|s| !s.is_empty()),
            operating_system_family: raw
                .runtime_platform
                .0
                .and_then(|p| p.operating_system_family)
                .filter(|s| !s.is_empty()),
            containers,
        })
    }

    /// Whether the revision has been deregistered (or is being deleted).
    pub fn is_inactive(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| !s.eq_ignore_ascii_case("ACTIVE"))
    }

    /// Whether the task runs on a Windows operating system family.
    pub fn is_windows(&self) -> bool {
        self.operating_system_family
            .as_deref()
            .is_some_and(|f| f.to_ascii_uppercase().starts_with("WINDOWS"))
    }

    /// `family:revision` when known.
    pub fn label(&self) -> Option<String> {
        match (&self.family, self.revision) {
            (Some(f), Some(r)) => Some(format!("{f}:{r}")),
            (Some(f), None) => Some(f.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(configuration: &str) -> TaskDefinition {
        let text = format!(
            r#"{{"resourceType":"AWS::ECS::TaskDefinition","resourceId":"acme:1","configuration":{configuration}}}"#
        );
        TaskDefinition::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn pascal_case_with_unset_booleans() {
        let t = task(
            r#"{"ContainerDefinitions":[{"Name":"web","Image":"nginx","Essential":true,"Environment":[],"Secrets":[{"Name":"DB","ValueFrom":"arn:aws:ssm:eu-west-1:111122223333:parameter/db"}]}],
                "Family":"TEST","Status":"INACTIVE","Revision":3}"#,
        );
        let c = &t.containers[0];
        assert_eq!((c.privileged, c.readonly_root_filesystem), (None, None));
        assert_eq!(c.secret_references, 1);
        assert!(t.is_inactive() && !t.is_windows());
        assert_eq!(t.label().as_deref(), Some("TEST:3"));
    }

    #[test]
    fn camel_case_string_flags_and_numeric_values() {
        let configuration = serde_json::json!({
            "containerDefinitions": [{"name": "app", "privileged": "true", "readonlyRootFilesystem": false,
                "environment": [{"name": "PORT", "value": 8080}, {"value": "orphan"}]}],
            "runtimePlatform": {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
            "status": "ACTIVE"
        });
        let t = task(&serde_json::to_string(&configuration.to_string()).unwrap());
        let c = &t.containers[0];
        assert_eq!(c.privileged, Some(true));
        assert_eq!(c.readonly_root_filesystem, Some(false));
        assert_eq!(
            c.environment,
            vec![("PORT".to_string(), "8080".to_string())]
        );
        assert!(t.is_windows() && !t.is_inactive());
    }

    #[test]
    fn bad_flag_names_its_path() {
        let text = r#"{"resourceType":"AWS::ECS::TaskDefinition","configuration":{"ContainerDefinitions":[{"Name":"a"},{"Privileged":"maybe"}]}}"#;
        let err = TaskDefinition::from_item(&ConfigurationItem::parse(text).unwrap()).unwrap_err();
        assert_eq!(err.path, "configuration.ContainerDefinitions[1].Privileged");
    }
}
