use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const DELETION_PROTECTION: Setting = Setting {
    field: "deletionProtectionEnabled",
    good: "the table cannot be deleted until protection is turned off",
    bad: "the table and its data can be deleted by a single API call",
};

crate::control! {
    /// ## What it checks
    /// Whether the table's deletion protection (`configuration.deletionProtectionEnabled`) is
    /// on. Items recorded before the feature existed (2023) lack the key; they fail, naming it
    /// absent, since nothing in them shows the table protected.
    ///
    /// ## Why it matters
    /// Backup and recovery is the customer's job. Deletion protection stops an automation
    /// mistake, a stray `terraform destroy` or a compromised role from dropping a table, and
    /// its data, in one call.
    ///
    /// ## How to fix
    /// Turn deletion protection on (`aws dynamodb update-table --table-name … --deletion-protection-enabled`)
    /// and set it in your infrastructure code so new tables start protected.
    CONTROL = Control {
        id: "DynamoDB.6",
        title: "DynamoDB tables should have deletion protection enabled",
        resource_types: &[ResourceType::DynamoDbTable],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("DynamoDB.6"),
            cis: &[],
            nist: &["CA-9(1)", "CM-2", "CM-2(2)", "CM-3", "SC-5(2)"],
        },
        remediation: Remediation {
            text: "Turn on deletion protection for the table (update-table --deletion-protection-enabled).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-6",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::DynamoDbTable(table) = resource else {
        return Ok(not_a(ResourceType::DynamoDbTable));
    };
    Ok(DELETION_PROTECTION.must_be_on(table.deletion_protection_enabled))
}
