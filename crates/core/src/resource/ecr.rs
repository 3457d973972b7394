//! `AWS::ECR::Repository`.
//!
//! The configuration is PascalCase (CloudFormation-registry style): `RepositoryName`,
//! `ImageScanningConfiguration{ScanOnPush}`, `ImageTagMutability` (`MUTABLE`, `IMMUTABLE`,
//! `IMMUTABLE_WITH_EXCLUSION`, `MUTABLE_WITH_EXCLUSION`) and
//! `ImageTagMutabilityExclusionFilters`. The camelCase of the ECR API is accepted too.
//! Registry-level (enhanced) scanning rules are account settings: they are not in the item.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Present};

/// A private ECR repository, as far as controls look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    pub name: String,
    /// `ImageScanningConfiguration.ScanOnPush`; `None` when the item does not record it.
    pub scan_on_push: Option<bool>,
    /// `ImageTagMutability` as written; `None` when absent.
    pub tag_mutability: Option<String>,
    /// The tag patterns that `…_WITH_EXCLUSION` settings exempt.
    pub mutability_exclusions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawRepository {
    #[serde(alias = "repositoryName")]
    repository_name: Option<String>,
    #[serde(alias = "imageScanningConfiguration")]
    image_scanning_configuration: Present<RawScanning>,
    #[serde(alias = "imageTagMutability")]
    image_tag_mutability: Option<String>,
    #[serde(alias = "imageTagMutabilityExclusionFilters")]
    image_tag_mutability_exclusion_filters: Option<Vec<RawExclusion>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawScanning {
    #[serde(alias = "scanOnPush")]
    scan_on_push: Option<Flag>,
}

/// `{"ImageTagMutabilityExclusionFilterValue": "latest", …}` (CloudFormation) or
/// `{"filter": "latest", "filterType": "WILDCARD"}` (API).
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExclusion {
    #[serde(
        rename = "ImageTagMutabilityExclusionFilterValue",
        alias = "imageTagMutabilityExclusionFilterValue",
        alias = "Filter",
        alias = "filter"
    )]
    filter: Option<String>,
}

impl Repository {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawRepository = item.configuration()?;
        Ok(Repository {
            name: raw
                .repository_name
                .or_else(|| item.resource_name.clone())
                .or_else(|| item.resource_id.clone())
                .unwrap_or_default(),
            scan_on_push: raw
                .image_scanning_configuration
                .0
                .and_then(|s| s.scan_on_push)
                .map(|f| f.0),
            tag_mutability: raw
                .image_tag_mutability
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty()),
            mutability_exclusions: raw
                .image_tag_mutability_exclusion_filters
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| f.filter)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(configuration: &str) -> Repository {
        let text = format!(
            r#"{{"resourceType":"AWS::ECR::Repository","resourceId":"acme/api","configuration":{configuration}}}"#
        );
        Repository::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    #[test]
    fn pascal_and_camel_case() {
        let r = repository(
            r#"{"ImageScanningConfiguration":{"ScanOnPush":true},"RepositoryName":"acme/api","ImageTagMutability":"MUTABLE","Tags":[]}"#,
        );
        assert_eq!(r.scan_on_push, Some(true));
        assert_eq!(r.tag_mutability.as_deref(), Some("MUTABLE"));
        let r = repository(
            r#"{"imageScanningConfiguration":{"scanOnPush":"false"},"imageTagMutability":"IMMUTABLE_WITH_EXCLUSION",
                "imageTagMutabilityExclusionFilters":[{"filterType":"WILDCARD","filter":"latest"}]}"#,
        );
        assert_eq!(r.scan_on_push, Some(false));
        assert_eq!(r.mutability_exclusions, vec!["latest"]);
        assert_eq!(r.name, "acme/api");
    }

    #[test]
    fn absent_settings() {
        let r = repository(r#"{"ImageScanningConfiguration":null}"#);
        assert_eq!((r.scan_on_push, r.tag_mutability), (None, None));
    }
}
