use crate::controls::prelude::*;
use crate::controls::settings::not_a;

crate::control! {
    /// ## What it checks
    /// Whether point-in-time recovery is on: `supplementaryConfiguration.ContinuousBackupsDescription`
    /// `.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus` must be `ENABLED`. The
    /// neighbouring `continuousBackupsStatus` is not the PITR switch and does not count. An
    /// item without the description (or without the status) does not show PITR enabled, and
    /// fails.
    ///
    /// ## Why it matters
    /// Backup and recovery of table data is the customer's job. With PITR a table can be
    /// restored to any second of the last 35 days after an accidental write, delete or a bad
    /// deployment; without it only on-demand backups, if any, remain.
    ///
    /// ## How to fix
    /// Turn on point-in-time recovery for the table
    /// (`aws dynamodb update-continuous-backups --table-name … --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true`),
    /// and set it in your infrastructure code.
    CONTROL = Control {
        id: "DynamoDB.2",
        title: "DynamoDB tables should have point-in-time recovery enabled",
        resource_types: &[ResourceType::DynamoDbTable],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("DynamoDB.2"),
            cis: &[],
            nist: &["CP-10", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Enable point-in-time recovery on the table (update-continuous-backups with PointInTimeRecoveryEnabled=true).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::DynamoDbTable(table) = resource else {
        return Ok(not_a(ResourceType::DynamoDbTable));
    };
    let Some(backups) = section(&table.continuous_backups)? else {
        return Ok(Verdict::non_compliant(
            "supplementaryConfiguration.ContinuousBackupsDescription is absent: point-in-time recovery is not shown as ENABLED",
        ));
    };
    Ok(match backups.point_in_time_recovery_status.as_deref() {
        Some(s) if s.eq_ignore_ascii_case("ENABLED") => {
            Verdict::compliant("pointInTimeRecoveryStatus is ENABLED")
        }
        Some(s) => Verdict::non_compliant(format!(
            "pointInTimeRecoveryStatus is {s}: the table cannot be restored to a point in time"
        )),
        None => Verdict::non_compliant(
            "pointInTimeRecoveryDescription.pointInTimeRecoveryStatus is absent: point-in-time recovery is not shown as ENABLED",
        ),
    })
}
