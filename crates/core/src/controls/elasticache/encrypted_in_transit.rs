use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const TRANSIT_ENCRYPTION: Setting = Setting {
    field: "TransitEncryptionEnabled",
    good: "connections use TLS",
    bad: "clients and replicas talk in plaintext",
};

crate::control! {
    /// ## What it checks
    /// Whether the replication group has `TransitEncryptionEnabled` set to `true`; a missing
    /// value counts as off. A group that is enabled but in `TransitEncryptionMode` `preferred`
    /// also fails: that mode still accepts plaintext connections, a migration step rather than
    /// encryption in transit. (The managed rule documents only the enabled flag; this is the
    /// stricter reading.)
    ///
    /// AWS Config does not record ElastiCache, and the managed rule is periodic over the
    /// ElastiCache API: this control runs on a schedule, on `DescribeReplicationGroups` output
    /// wrapped as items, and reads the API's PascalCase keys (camelCase too).
    ///
    /// ## Why it matters
    /// Protecting data in transit is the customer's side of the model. Without TLS, cached
    /// sessions, tokens and personal data cross the network in the clear, and AUTH passwords
    /// with them.
    ///
    /// ## How to fix
    /// On Redis OSS 7+ / Valkey, enable TLS in place: `modify-replication-group
    /// --transit-encryption-enabled --transit-encryption-mode preferred`, move clients to TLS,
    /// then set `--transit-encryption-mode required`. Older engines need a new group created
    /// with TLS.
    CONTROL = Control {
        id: "ElastiCache.5",
        title: "ElastiCache replication groups should be encrypted in transit",
        resource_types: &[ResourceType::ElastiCacheReplicationGroup],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("ElastiCache.5"),
            cis: &[],
            nist: &["AC-17(2)", "AC-4", "IA-5(1)", "SC-12(3)", "SC-13", "SC-23", "SC-23(3)", "SC-7(4)", "SC-8", "SC-8(1)", "SC-8(2)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Enable in-transit encryption on the replication group and set the transit encryption mode to required once clients use TLS.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html#elasticache-5",
        },
        params: &[],
        check: Check::Listed(evaluate, &[Need::ElastiCacheReplicationGroups]),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::ElastiCacheReplicationGroup(group) = resource else {
        return Ok(not_a(ResourceType::ElastiCacheReplicationGroup));
    };
    let verdict = TRANSIT_ENCRYPTION.must_be_on(group.transit_encryption_enabled);
    if group.transit_encryption_enabled != Some(true) {
        return Ok(verdict);
    }
    Ok(match group.transit_encryption_mode.as_deref() {
        Some(mode) if mode.eq_ignore_ascii_case("preferred") => Verdict::non_compliant(
            "TransitEncryptionEnabled is true but TransitEncryptionMode is preferred: plaintext connections are still accepted",
        ),
        Some(mode) => verdict.with_remark(&format!("TransitEncryptionMode {mode}")),
        None => verdict,
    })
}
