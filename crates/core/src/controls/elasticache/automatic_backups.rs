use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};
use crate::resource::elasticache::is_memcached;

static SNAPSHOT_RETENTION_PERIOD: ParamSpec = ParamSpec {
    name: "snapshotRetentionPeriod",
    kind: ParamKind::Integer { min: 1, max: 35 },
    default: "1",
    help: "Fewest days automatic snapshots must be kept (Security Hub uses 1; the managed rule's own default is 15).",
};

const SNAPSHOT_RETENTION: Setting = Setting {
    field: "SnapshotRetentionLimit",
    good: "automatic backups are on",
    bad: "automatic backups are off",
};

crate::control! {
    /// ## What it checks
    /// Whether Redis OSS and Valkey replication groups and standalone cache clusters keep
    /// automatic snapshots (`SnapshotRetentionLimit`) for at least `snapshotRetentionPeriod`
    /// days (default 1, as in Security Hub: any automatic backup at all). A missing limit
    /// counts as 0. Memcached clusters, which cannot back up, are NOT_APPLICABLE. A node that
    /// belongs to a replication group (`ReplicationGroupId` set) is NOT_APPLICABLE too: its
    /// backups are the group's and are judged once, on the group.
    ///
    /// AWS Config does not record ElastiCache, and the managed rule is periodic over the
    /// ElastiCache API: this control runs on a schedule, on `DescribeCacheClusters` /
    /// `DescribeReplicationGroups` output wrapped as items, and reads the API's PascalCase keys
    /// (camelCase too).
    ///
    /// ## Why it matters
    /// Backup and recovery of cached data is the customer's job. Redis and Valkey often hold
    /// state that exists nowhere else (sessions, queues, leaderboards); without snapshots a
    /// failed or deleted cluster loses it.
    ///
    /// ## How to fix
    /// Set a snapshot retention limit of at least one day, with a snapshot window
    /// (`aws elasticache modify-replication-group --snapshot-retention-limit 7 --apply-immediately`,
    /// or `modify-cache-cluster` for a standalone node).
    CONTROL = Control {
        id: "ElastiCache.1",
        title: "ElastiCache (Redis OSS) clusters should have automatic backups enabled",
        resource_types: &[ResourceType::ElastiCacheCacheCluster, ResourceType::ElastiCacheReplicationGroup],
        trigger: Trigger::Periodic,
        severity: Severity::High,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("ElastiCache.1"),
            cis: &[],
            nist: &["CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Set a snapshot retention limit of at least one day on the replication group or cluster (modify-replication-group --snapshot-retention-limit).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-1",
        },
        params: &[SNAPSHOT_RETENTION_PERIOD],
        check: Check::Listed(evaluate, &[Need::ElastiCacheClusters, Need::ElastiCacheReplicationGroups]),
    }
}

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let (engine, limit) = match resource {
        Resource::ElastiCacheCacheCluster(cluster) => {
            if let Some(group) = &cluster.replication_group_id {
                return Ok(Verdict::not_applicable(format!(
                    "node of replication group {group}: backups are judged on the group"
                )));
            }
            (cluster.engine.as_deref(), cluster.snapshot_retention_limit)
        }
        Resource::ElastiCacheReplicationGroup(group) => {
            (group.engine.as_deref(), group.snapshot_retention_limit)
        }
        _ => return Ok(not_a(ResourceType::ElastiCacheCacheCluster)),
    };
    if is_memcached(engine) {
        return Ok(Verdict::not_applicable(
            "engine is memcached, which has no automatic backups",
        ));
    }
    Ok(SNAPSHOT_RETENTION.retention(
        limit,
        params.integer(&SNAPSHOT_RETENTION_PERIOD),
        SNAPSHOT_RETENTION_PERIOD.name,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::RawParams;
    use crate::resource::elasticache::ReplicationGroup;
    use crate::timestamp::Timestamp;
    use crate::verdict::Compliance;

    fn judge(limit: i64, parameters: &str) -> Verdict {
        let group = Resource::ElastiCacheReplicationGroup(ReplicationGroup {
            id: "acme-sessions".into(),
            engine: Some("valkey".into()),
            snapshot_retention_limit: Some(limit),
            at_rest_encryption_enabled: Some(true),
            transit_encryption_enabled: Some(true),
            transit_encryption_mode: None,
        });
        let raw = RawParams::parse(parameters).unwrap();
        let params = Params::resolve(CONTROL.params, &raw).unwrap();
        let context = Context {
            now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
            account: None,
            enrichment: &crate::facts::NO_ENRICHMENT,
        };
        evaluate(&group, &params, &context).unwrap()
    }

    #[test]
    fn the_parameter_raises_the_minimum() {
        assert_eq!(judge(3, "{}").compliance, Compliance::Compliant);
        let short = judge(3, r#"{"snapshotRetentionPeriod":"7"}"#);
        assert_eq!(
            short.annotation,
            "SnapshotRetentionLimit is 3 days, below the minimum of 7 (snapshotRetentionPeriod)"
        );
        assert_eq!(
            judge(7, r#"{"snapshotRetentionPeriod":"7"}"#).compliance,
            Compliance::Compliant
        );
    }
}
