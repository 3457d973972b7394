//! `AWS::DynamoDB::Table`.
//!
//! Configuration keys are camelCase (`tableName`, `deletionProtectionEnabled`; older items
//! have no `deletionProtectionEnabled` at all). Point-in-time recovery lives in
//! `supplementaryConfiguration.ContinuousBackupsDescription` (an object in notifications, a JSON
//! string in API output), with camelCase inner keys; `continuousBackupsStatus` there is *not*
//! the PITR switch, `pointInTimeRecoveryDescription.pointInTimeRecoveryStatus` is.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Present};

use super::{flag, name_or_id, text, Section};

/// A DynamoDB table, as far as controls look at it.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub deletion_protection_enabled: Option<bool>,
    /// `None` when the item has no `ContinuousBackupsDescription`.
    pub continuous_backups: Section<Option<ContinuousBackups>>,
}

/// `ContinuousBackupsDescription`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContinuousBackups {
    /// `ENABLED` or `DISABLED`; `None` when the description omits it.
    pub point_in_time_recovery_status: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawTable {
    #[serde(alias = "TableName")]
    table_name: Option<String>,
    #[serde(alias = "DeletionProtectionEnabled")]
    deletion_protection_enabled: Option<Flag>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawContinuousBackups {
    #[serde(alias = "PointInTimeRecoveryDescription")]
    point_in_time_recovery_description: Present<RawPointInTimeRecovery>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawPointInTimeRecovery {
    #[serde(alias = "PointInTimeRecoveryStatus")]
    point_in_time_recovery_status: Option<String>,
}

impl Table {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawTable = item.configuration()?;
        Ok(Table {
            name: name_or_id(raw.table_name, item),
            deletion_protection_enabled: flag(raw.deletion_protection_enabled),
            continuous_backups: item
                .supplementary::<Present<RawContinuousBackups>>("ContinuousBackupsDescription")
                .map(|found| {
                    found.and_then(|p| p.0).map(|raw| ContinuousBackups {
                        point_in_time_recovery_status: raw
                            .point_in_time_recovery_description
                            .0
                            .and_then(|d| text(d.point_in_time_recovery_status)),
                    })
                }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(supplementary: &str) -> Table {
        let text = format!(
            r#"{{"resourceType":"AWS::DynamoDB::Table","resourceId":"acme-orders","configuration":{{"tableName":"acme-orders"}},
                "supplementaryConfiguration":{supplementary}}}"#
        );
        Table::from_item(&ConfigurationItem::parse(&text).unwrap()).unwrap()
    }

    fn status(t: Table) -> Option<String> {
        t.continuous_backups
            .unwrap()
            .and_then(|c| c.point_in_time_recovery_status)
    }

    #[test]
    fn pitr_status_as_object_or_json_string() {
        let object = r#"{"continuousBackupsStatus":"ENABLED","pointInTimeRecoveryDescription":{"pointInTimeRecoveryStatus":"DISABLED"}}"#;
        let string = serde_json::to_string(object).unwrap();
        for value in [object.to_string(), string] {
            let t = table(&format!(r#"{{"ContinuousBackupsDescription":{value}}}"#));
            assert_eq!(status(t).as_deref(), Some("DISABLED"));
        }
    }

    #[test]
    fn missing_section_or_description_is_none() {
        assert_eq!(table("{}").continuous_backups.unwrap(), None);
        let t = table(r#"{"ContinuousBackupsDescription":{"continuousBackupsStatus":"ENABLED"}}"#);
        assert_eq!(
            t.continuous_backups.unwrap(),
            Some(ContinuousBackups::default())
        );
    }

    #[test]
    fn a_bad_section_fails_alone() {
        let t = table(r#"{"ContinuousBackupsDescription":"{not json"}"#);
        assert_eq!(t.name, "acme-orders");
        let err = t.continuous_backups.unwrap_err();
        assert!(
            err.path
                .starts_with("supplementaryConfiguration.ContinuousBackupsDescription"),
            "{err}"
        );
    }
}
