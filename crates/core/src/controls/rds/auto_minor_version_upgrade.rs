use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const AUTO_MINOR_VERSION_UPGRADE: Setting = Setting {
    field: "autoMinorVersionUpgrade",
    good: "minor engine upgrades are applied in the maintenance window",
    bad: "minor engine upgrades and their security fixes wait for manual action",
};

crate::control! {
    /// ## What it checks
    /// Whether the DB instance's `autoMinorVersionUpgrade` setting is `true`, so RDS applies
    /// new minor engine versions in the maintenance window. A missing key counts as off. Each
    /// instance is judged on its own setting; for Aurora the cluster-level setting also
    /// matters and is not checked here.
    ///
    /// ## Why it matters
    /// AWS patches the host; keeping the database engine version current is the customer's
    /// side. Minor versions carry security fixes, and without automatic upgrades they wait for
    /// someone to remember them.
    ///
    /// ## How to fix
    /// Modify the instance and turn *Auto minor version upgrade* on
    /// (`aws rds modify-db-instance --auto-minor-version-upgrade`), and keep a maintenance
    /// window that suits the workload.
    CONTROL = Control {
        id: "RDS.13",
        title: "RDS automatic minor version upgrades should be enabled",
        resource_types: &[ResourceType::RdsDbInstance],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("RDS.13"),
            cis: &[Cis::v3("2.3.2")],
            nist: &["SI-2", "SI-2(2)", "SI-2(4)", "SI-2(5)"],
        },
        remediation: Remediation {
            text: "Turn on auto minor version upgrade for the DB instance (modify-db-instance --auto-minor-version-upgrade).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-13",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::RdsDbInstance(db) = resource else {
        return Ok(not_a(ResourceType::RdsDbInstance));
    };
    Ok(AUTO_MINOR_VERSION_UPGRADE.must_be_on(db.auto_minor_version_upgrade))
}
