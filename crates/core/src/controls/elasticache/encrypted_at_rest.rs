use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const AT_REST_ENCRYPTION: Setting = Setting {
    field: "AtRestEncryptionEnabled",
    good: "data on disk and in snapshots is encrypted",
    bad: "data on disk and in snapshots is not encrypted",
};

crate::control! {
    /// ## What it checks
    /// Whether the replication group has `AtRestEncryptionEnabled` set to `true`; a missing
    /// value counts as not encrypted. Which key is used is not judged (Security Hub sets no
    /// `approvedKMSKeyIds`).
    ///
    /// AWS Config does not record ElastiCache, and the managed rule is periodic over the
    /// ElastiCache API: this control runs on a schedule, on `DescribeReplicationGroups` output
    /// wrapped as items, and reads the API's PascalCase keys (camelCase too).
    ///
    /// ## Why it matters
    /// Protecting data at rest, and choosing its key, is the customer's side of the model.
    /// Unencrypted nodes write data to disk during syncs and swaps, and snapshots copy it in
    /// the clear.
    ///
    /// ## How to fix
    /// At-rest encryption is chosen when a group is created. Create a new replication group
    /// with `--at-rest-encryption-enabled` (optionally seeded from a snapshot of the old one),
    /// switch clients to it and delete the old group.
    CONTROL = Control {
        id: "ElastiCache.4",
        title: "ElastiCache replication groups should be encrypted at rest",
        resource_types: &[ResourceType::ElastiCacheReplicationGroup],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("ElastiCache.4"),
            cis: &[],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Create a replication group with at-rest encryption (seeded from a snapshot), move clients to it and delete the unencrypted one.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-4",
        },
        params: &[],
        check: Check::Listed(evaluate, &[Need::ElastiCacheReplicationGroups]),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::ElastiCacheReplicationGroup(group) = resource else {
        return Ok(not_a(ResourceType::ElastiCacheReplicationGroup));
    };
    Ok(AT_REST_ENCRYPTION.must_be_on(group.at_rest_encryption_enabled))
}
