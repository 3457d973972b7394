//! `AWS::ElastiCache::CacheCluster` and `AWS::ElastiCache::ReplicationGroup`.
//!
//! AWS Config does not record these types, and the managed rules behind ElastiCache.1/2/4/5 are
//! periodic rules over the ElastiCache API. So the "configuration" these views read is
//! normally one element of `DescribeCacheClusters.CacheClusters` or
//! `DescribeReplicationGroups.ReplicationGroups`, wrapped as an item by the periodic runner:
//! PascalCase keys (`SnapshotRetentionLimit`, `AutoMinorVersionUpgrade`,
//! `AtRestEncryptionEnabled`, `TransitEncryptionEnabled`, `Engine`, `CacheClusterId`,
//! `ReplicationGroupId`). The camelCase spelling is read too, should Config ever record them.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number};

use super::{flag, name_or_id, text, whole_number};

/// One cache cluster (a node, or a Memcached cluster).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheCluster {
    pub id: String,
    /// `redis`, `valkey` or `memcached`.
    pub engine: Option<String>,
    /// The replication group the node belongs to, if any.
    pub replication_group_id: Option<String>,
    /// Days automatic snapshots are kept; 0 turns them off.
    pub snapshot_retention_limit: Option<i64>,
    pub auto_minor_version_upgrade: Option<bool>,
}

/// A Redis OSS / Valkey replication group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationGroup {
    pub id: String,
    /// Absent in older API output; replication groups are never Memcached.
    pub engine: Option<String>,
    pub snapshot_retention_limit: Option<i64>,
    pub at_rest_encryption_enabled: Option<bool>,
    pub transit_encryption_enabled: Option<bool>,
    /// `preferred` (TLS and plaintext accepted) or `required`.
    pub transit_encryption_mode: Option<String>,
}

/// Whether an engine name is Memcached, which has no backups or Redis-style upgrades.
pub fn is_memcached(engine: Option<&str>) -> bool {
    engine.is_some_and(|e| e.trim().eq_ignore_ascii_case("memcached"))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawCacheCluster {
    #[serde(alias = "cacheClusterId")]
    cache_cluster_id: Option<String>,
    #[serde(alias = "engine")]
    engine: Option<String>,
    #[serde(alias = "replicationGroupId")]
    replication_group_id: Option<String>,
    #[serde(alias = "snapshotRetentionLimit")]
    snapshot_retention_limit: Option<Number>,
    #[serde(alias = "autoMinorVersionUpgrade")]
    auto_minor_version_upgrade: Option<Flag>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RawReplicationGroup {
    #[serde(alias = "replicationGroupId")]
    replication_group_id: Option<String>,
    #[serde(alias = "engine")]
    engine: Option<String>,
    #[serde(alias = "snapshotRetentionLimit")]
    snapshot_retention_limit: Option<Number>,
    #[serde(alias = "atRestEncryptionEnabled")]
    at_rest_encryption_enabled: Option<Flag>,
    #[serde(alias = "transitEncryptionEnabled")]
    transit_encryption_enabled: Option<Flag>,
    #[serde(alias = "transitEncryptionMode")]
    transit_encryption_mode: Option<String>,
}

impl CacheCluster {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawCacheCluster = item.configuration()?;
        Ok(CacheCluster {
            id: name_or_id(raw.cache_cluster_id, item),
            engine: text(raw.engine),
            replication_group_id: text(raw.replication_group_id),
            snapshot_retention_limit: whole_number(
                raw.snapshot_retention_limit,
                "configuration.SnapshotRetentionLimit",
            )?,
            auto_minor_version_upgrade: flag(raw.auto_minor_version_upgrade),
        })
    }
}

impl ReplicationGroup {
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        let raw: RawReplicationGroup = item.configuration()?;
        Ok(ReplicationGroup {
            id: name_or_id(raw.replication_group_id, item),
            engine: text(raw.engine),
            snapshot_retention_limit: whole_number(
                raw.snapshot_retention_limit,
                "configuration.SnapshotRetentionLimit",
            )?,
            at_rest_encryption_enabled: flag(raw.at_rest_encryption_enabled),
            transit_encryption_enabled: flag(raw.transit_encryption_enabled),
            transit_encryption_mode: text(raw.transit_encryption_mode),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(resource_type: &str, configuration: &str) -> ConfigurationItem {
        ConfigurationItem::parse(&format!(
            r#"{{"resourceType":"{resource_type}","resourceId":"acme-cache","configuration":{configuration}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn api_pascal_case_and_camel_case_read_alike() {
        let pascal = r#"{"CacheClusterId":"acme-sessions-001","Engine":"redis","ReplicationGroupId":"acme-sessions",
                         "SnapshotRetentionLimit":1,"AutoMinorVersionUpgrade":true}"#;
        let camel = r#"{"cacheClusterId":"acme-sessions-001","engine":"redis","replicationGroupId":"acme-sessions",
                        "snapshotRetentionLimit":"1","autoMinorVersionUpgrade":"true"}"#;
        let a = CacheCluster::from_item(&item("AWS::ElastiCache::CacheCluster", pascal)).unwrap();
        let b = CacheCluster::from_item(&item("AWS::ElastiCache::CacheCluster", camel)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.replication_group_id.as_deref(), Some("acme-sessions"));
        assert_eq!(a.snapshot_retention_limit, Some(1));
    }

    #[test]
    fn replication_group_without_engine_or_mode() {
        let g = ReplicationGroup::from_item(&item(
            "AWS::ElastiCache::ReplicationGroup",
            r#""{\"ReplicationGroupId\":\"acme-carts\",\"AtRestEncryptionEnabled\":false,\"TransitEncryptionEnabled\":true}""#,
        ))
        .unwrap();
        assert_eq!(g.id, "acme-carts");
        assert_eq!(g.engine, None);
        assert_eq!(g.at_rest_encryption_enabled, Some(false));
        assert_eq!(g.transit_encryption_enabled, Some(true));
        assert_eq!(g.transit_encryption_mode, None);
        assert!(!is_memcached(g.engine.as_deref()));
        assert!(is_memcached(Some("Memcached")));
    }

    #[test]
    fn bad_retention_names_its_path() {
        let err = CacheCluster::from_item(&item(
            "AWS::ElastiCache::CacheCluster",
            r#"{"SnapshotRetentionLimit":"daily"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.path, "configuration.SnapshotRetentionLimit");
    }
}
