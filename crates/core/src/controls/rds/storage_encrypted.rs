use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const STORAGE_ENCRYPTED: Setting = Setting {
    field: "storageEncrypted",
    good: "storage, backups and snapshots are encrypted at rest",
    bad: "storage, backups and snapshots are not encrypted at rest",
};

crate::control! {
    /// ## What it checks
    /// Whether the DB instance's `storageEncrypted` setting is `true`, i.e. its storage,
    /// automated backups, read replicas and snapshots are encrypted with a KMS key. A missing
    /// key counts as not encrypted. Which key is used is not judged (Security Hub sets no
    /// `kmsKeyId` parameter); the annotation names it when the item does.
    ///
    /// ## Why it matters
    /// Encrypting data at rest, and choosing and governing the key, is the customer's part of
    /// the model. Unencrypted storage leaks through shared or copied snapshots and cannot be
    /// fixed in place later.
    ///
    /// ## How to fix
    /// Encryption can only be chosen when an instance is created. Take a snapshot, copy it with
    /// encryption on (`aws rds copy-db-snapshot --kms-key-id …`), restore a new instance from
    /// the encrypted copy and switch clients over.
    CONTROL = Control {
        id: "RDS.3",
        title: "RDS DB instances should have encryption at-rest enabled",
        resource_types: &[ResourceType::RdsDbInstance],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("RDS.3"),
            cis: &[Cis::v1_4("2.3.1"), Cis::v3("2.3.1")],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Snapshot the instance, copy the snapshot with KMS encryption, restore a new encrypted instance from it and cut over.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-3",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::RdsDbInstance(db) = resource else {
        return Ok(not_a(ResourceType::RdsDbInstance));
    };
    let verdict = STORAGE_ENCRYPTED.must_be_on(db.storage_encrypted);
    Ok(match (&db.kms_key_id, db.storage_encrypted) {
        (Some(key), Some(true)) => verdict.with_remark(&format!("kmsKeyId {key}")),
        _ => verdict,
    })
}
