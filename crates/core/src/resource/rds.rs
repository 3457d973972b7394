//! `AWS::RDS::DBInstance`.
//!
//! Configuration keys are camelCase with RDS's own capitals (`dBInstanceIdentifier`,
//! `readReplicaSourceDBInstanceIdentifier`); the DescribeDBInstances spelling (PascalCase,
//! `PubliclyAccessible`) is read too. Settings newer than an item are simply missing from it:
//! items recorded before 2018 have no `deletionProtection`. Every setting is therefore kept as
//! an `Option`, so controls can say "absent" instead of guessing.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number};

use super::{flag, name_or_id, text, whole_number};

/// A DB instance, as far as controls look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInstance {
    pub identifier: String,
    /// `mysql`, `postgres`, `aurora-mysql`…
    pub engine: Option<String>,
    pub publicly_accessible: Option<bool>,
    pub storage_encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub deletion_protection: Option<bool>,
    /// Days automated backups are kept; 0 turns them off.
    pub backup_retention_period: Option<i64>,
    pub auto_minor_version_upgrade: Option<bool>,
    /// What this instance is a read replica of (a DB instance or cluster), when it is one.
    pub replica_source: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawDbInstance {
    #[serde(rename = "dBInstanceIdentifier", alias = "DBInstanceIdentifier")]
    identifier: Option<String>,
    #[serde(alias = "Engine")]
    engine: Option<String>,
    #[serde(alias = "PubliclyAccessible")]
    publicly_accessible: Option<Flag>,
    #[serde(alias = "StorageEncrypted")]
    storage_encrypted: Option<Flag>,
    #[serde(alias = "KmsKeyId")]
    kms_key_id: Option<String>,
    #[serde(alias = "DeletionProtection")]
    deletion_protection: Option<Flag>,
    #[serde(alias = "BackupRetentionPeriod")]
    backup_retention_period: Option<Number>,
    #[serde(alias = "AutoMinorVersionUpgrade")]
    auto_minor_version_upgrade: Option<Flag>,
    #[serde(
        rename = "readReplicaSourceDBInstanceIdentifier",
        alias = "ReadReplicaSourceDBInstanceIdentifier"
    )]
    replica_source_instance: Option<String>,
    #[serde(
        rename = "readReplicaSourceDBClusterIdentifier",
        alias = "ReadReplicaSourceDBClusterIdentifier"
    )]
    replica_source_cluster: Option<String>,
}

impl DbInstance {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawDbInstance = item.configuration()?;
        Ok(DbInstance {
            identifier: name_or_id(raw.identifier, item),
            engine: text(raw.engine),
            publicly_accessible: flag(raw.publicly_accessible),
            storage_encrypted: flag(raw.storage_encrypted),
            kms_key_id: text(raw.kms_key_id),
            deletion_protection: flag(raw.deletion_protection),
            backup_retention_period: whole_number(
                raw.backup_retention_period,
                "configuration.backupRetentionPeriod",
            )?,
            auto_minor_version_upgrade: flag(raw.auto_minor_version_upgrade),
            replica_source: text(raw.replica_source_instance)
                .or_else(|| text(raw.replica_source_cluster)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(configuration: &str) -> Result<DbInstance, InputError> {
        let text = format!(
            r#"{{"resourceType":"AWS::RDS::DBInstance","resourceId":"db-ABC","resourceName":"acme-db","configuration":{configuration}}}"#
        );
        DbInstance::from_item(&ConfigurationItem::parse(&text).unwrap())
    }

    #[test]
    fn old_items_lack_newer_settings() {
        let db = instance(
            r#"{"dBInstanceIdentifier":"acme-orders","engine":"mysql","publiclyAccessible":true,
                "storageEncrypted":false,"kmsKeyId":null,"backupRetentionPeriod":7,
                "readReplicaSourceDBInstanceIdentifier":null}"#,
        )
        .unwrap();
        assert_eq!(db.identifier, "acme-orders");
        assert_eq!(db.deletion_protection, None);
        assert_eq!(db.auto_minor_version_upgrade, None);
        assert_eq!(db.publicly_accessible, Some(true));
        assert_eq!(db.kms_key_id, None);
        assert_eq!(db.replica_source, None);
        assert_eq!(db.backup_retention_period, Some(7));
    }

    #[test]
    fn api_spelling_string_booleans_and_float_numbers() {
        let db = instance(
            r#""{\"DBInstanceIdentifier\":\"acme-replica\",\"DeletionProtection\":\"true\",\"BackupRetentionPeriod\":0.0,\"ReadReplicaSourceDBClusterIdentifier\":\"arn:aws:rds:eu-west-1:111122223333:cluster:acme\"}""#,
        )
        .unwrap();
        assert_eq!(db.identifier, "acme-replica");
        assert_eq!(db.deletion_protection, Some(true));
        assert_eq!(db.backup_retention_period, Some(0));
        assert_eq!(
            db.replica_source.as_deref(),
            Some("arn:aws:rds:eu-west-1:111122223333:cluster:acme")
        );
    }

    #[test]
    fn identifier_falls_back_to_the_resource_name() {
        assert_eq!(instance("{}").unwrap().identifier, "acme-db");
    }

    #[test]
    fn bad_values_name_their_path() {
        let err = instance(r#"{"backupRetentionPeriod":7.5}"#).unwrap_err();
        assert_eq!(err.path, "configuration.backupRetentionPeriod");
        let err = instance(r#"{"storageEncrypted":"maybe"}"#).unwrap_err();
        assert_eq!(err.path, "configuration.storageEncrypted");
    }
}
