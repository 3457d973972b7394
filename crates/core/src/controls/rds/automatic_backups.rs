use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

static BACKUP_RETENTION_MINIMUM: ParamSpec = ParamSpec {
    name: "backupRetentionMinimum",
    kind: ParamKind::Integer { min: 7, max: 35 },
    default: "7",
    help: "Fewest days automated backups must be kept (Security Hub allows 7 to 35).",
};

const BACKUP_RETENTION: Setting = Setting {
    field: "backupRetentionPeriod",
    good: "automated backups are on",
    bad: "automated backups are off",
};

crate::control! {
    /// ## What it checks
    /// Whether the DB instance keeps automated backups (`backupRetentionPeriod` above 0) for
    /// at least `backupRetentionMinimum` days (default 7, as in Security Hub). A missing
    /// retention counts as 0. Read replicas (`readReplicaSourceDBInstanceIdentifier` or
    /// `readReplicaSourceDBClusterIdentifier` set) are NOT_APPLICABLE, as Security Hub excludes
    /// them. The applied value is judged, not one pending in `pendingModifiedValues`.
    ///
    /// ## Why it matters
    /// Backup and disaster recovery is the customer's side of the model: RDS only takes the
    /// backups it is told to. Without them there is no point-in-time restore after corruption,
    /// a bad migration or ransomware.
    ///
    /// ## How to fix
    /// Set the backup retention period to at least 7 days
    /// (`aws rds modify-db-instance --backup-retention-period 7 --apply-immediately`); a value
    /// above 0 turns automated backups on.
    CONTROL = Control {
        id: "RDS.11",
        title: "RDS instances should have automatic backups enabled",
        resource_types: &[ResourceType::RdsDbInstance],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("RDS.11"),
            cis: &[],
            nist: &["CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Set the DB instance's backup retention period to at least 7 days (modify-db-instance --backup-retention-period).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-11",
        },
        params: &[BACKUP_RETENTION_MINIMUM],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let Resource::RdsDbInstance(db) = resource else {
        return Ok(not_a(ResourceType::RdsDbInstance));
    };
    if let Some(source) = &db.replica_source {
        return Ok(Verdict::not_applicable(format!(
            "read replica of {source}: backups are judged on the source"
        )));
    }
    Ok(BACKUP_RETENTION.retention(
        db.backup_retention_period,
        params.integer(&BACKUP_RETENTION_MINIMUM),
        BACKUP_RETENTION_MINIMUM.name,
    ))
}
