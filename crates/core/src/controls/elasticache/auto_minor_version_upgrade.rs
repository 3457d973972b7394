use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};
use crate::resource::elasticache::is_memcached;

const AUTO_MINOR_VERSION_UPGRADE: Setting = Setting {
    field: "AutoMinorVersionUpgrade",
    good: "minor engine upgrades are applied in the maintenance window",
    bad: "minor engine upgrades and their security fixes wait for manual action",
};

crate::control! {
    /// ## What it checks
    /// Whether Redis OSS and Valkey cache clusters have `AutoMinorVersionUpgrade` set to
    /// `true`, as the managed rule requires; a missing value counts as not set. Every node is
    /// judged, including nodes of replication groups (the managed rule covers cache clusters
    /// only). Memcached clusters are NOT_APPLICABLE, as in Security Hub.
    ///
    /// AWS Config does not record ElastiCache, and the managed rule is periodic over the
    /// ElastiCache API: this control runs on a schedule, on `DescribeCacheClusters` output
    /// wrapped as items, and reads the API's PascalCase keys (camelCase too).
    ///
    /// ## Why it matters
    /// AWS runs the service; keeping the cache engine version current is the customer's side.
    /// Minor versions carry security fixes, and without automatic upgrades they wait for
    /// someone to remember them.
    ///
    /// ## How to fix
    /// Turn automatic minor version upgrades on
    /// (`aws elasticache modify-cache-cluster --auto-minor-version-upgrade`, or
    /// `modify-replication-group` for every node of a group) and keep a maintenance window
    /// that suits the workload.
    CONTROL = Control {
        id: "ElastiCache.2",
        title: "ElastiCache clusters should have automatic minor version upgrades enabled",
        resource_types: &[ResourceType::ElastiCacheCacheCluster],
        trigger: Trigger::Periodic,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("ElastiCache.2"),
            cis: &[],
            nist: &["SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
        },
        remediation: Remediation {
            text: "Turn on automatic minor version upgrades for the cache cluster (modify-cache-cluster --auto-minor-version-upgrade).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-2",
        },
        params: &[],
        check: Check::Listed(evaluate, &[Need::ElastiCacheClusters]),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::ElastiCacheCacheCluster(cluster) = resource else {
        return Ok(not_a(ResourceType::ElastiCacheCacheCluster));
    };
    if is_memcached(cluster.engine.as_deref()) {
        return Ok(Verdict::not_applicable(
            "engine is memcached: the control covers Redis OSS and Valkey clusters",
        ));
    }
    Ok(AUTO_MINOR_VERSION_UPGRADE.must_be_on(cluster.auto_minor_version_upgrade))
}
