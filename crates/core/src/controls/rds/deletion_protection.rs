use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

/// The engines Security Hub evaluates (its `databaseEngines` value, not customizable).
/// Cluster-based engines (Aurora, DocumentDB, Neptune) protect the cluster, not the instance.
const ENGINES: &[&str] = &[
    "mariadb",
    "mysql",
    "custom-oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2-cdb",
    "oracle-ee",
    "oracle-se2",
    "oracle-se1",
    "oracle-se",
    "postgres",
    "sqlserver-ee",
    "sqlserver-se",
    "sqlserver-ex",
    "sqlserver-web",
];

const DELETION_PROTECTION: Setting = Setting {
    field: "deletionProtection",
    good: "the instance cannot be deleted until protection is turned off",
    bad: "the instance can be deleted by a single API call",
};

crate::control! {
    /// ## What it checks
    /// Whether deletion protection (`deletionProtection`) is on for DB instances of the engines
    /// Security Hub evaluates: MariaDB, MySQL, Oracle (incl. CDB and Custom EE), PostgreSQL and
    /// SQL Server. Instances of other engines (Aurora, DocumentDB, Neptune, Db2, RDS Custom for
    /// SQL Server) are NOT_APPLICABLE: cluster engines are protected at the cluster. An instance
    /// whose item does not name its engine is evaluated. Items recorded before the feature
    /// existed (2018) lack the key; they fail, naming it absent.
    ///
    /// ## Why it matters
    /// Backup and recovery is the customer's job. Deletion protection stops an automation
    /// mistake, a wrong console click or a compromised role from dropping a database in one
    /// call.
    ///
    /// ## How to fix
    /// Modify the instance and enable deletion protection
    /// (`aws rds modify-db-instance --deletion-protection --apply-immediately`); no restart is
    /// needed. Set it in your infrastructure code so new instances start protected.
    CONTROL = Control {
        id: "RDS.8",
        title: "RDS DB instances should have deletion protection enabled",
        resource_types: &[ResourceType::RdsDbInstance],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("RDS.8"),
            cis: &[],
            nist: &["CM-3", "SC-5(2)", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Enable deletion protection on the DB instance (modify-db-instance --deletion-protection); it applies without a restart.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-8",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::RdsDbInstance(db) = resource else {
        return Ok(not_a(ResourceType::RdsDbInstance));
    };
    if let Some(engine) = &db.engine {
        if !ENGINES
            .iter()
            .any(|e| e.eq_ignore_ascii_case(engine.trim()))
        {
            return Ok(Verdict::not_applicable(format!(
                "engine {engine} is not one Security Hub evaluates for instance deletion protection"
            )));
        }
    }
    Ok(DELETION_PROTECTION.must_be_on(db.deletion_protection))
}
