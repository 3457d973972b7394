use super::customer_policy::{judge_default_version, quoted};
use crate::controls::prelude::*;
use crate::policy::Statement;

crate::control! {
    /// ## What it checks
    /// Whether the default version of a customer managed policy has an `Allow` statement that
    /// grants every action on every resource: `Action` `"*"` (or `"*:*"`) with `Resource` `"*"`.
    /// Stricter than the AWS rule's wording in two documented ways: an `Allow` with `NotAction`
    /// on `Resource` `"*"` counts as full admin (it grants every action but the listed ones,
    /// including those of services launched later), and so does `NotResource` in place of
    /// `Resource` `"*"`. Conditions are not considered, as in the CIS wording. Only the default
    /// version is in force, so older versions are not judged. AWS managed policies, and
    /// policies used only as a permissions boundary (`permissionsBoundaryUsageCount` > 0 and
    /// `attachmentCount` 0, Security Hub's `excludePermissionBoundaryPolicy`), are
    /// NOT_APPLICABLE. Service wildcards such as `ec2:*` are IAM.21's business.
    ///
    /// ## Why it matters
    /// IAM policies are entirely the customer's side of the model. A policy granting `*` on
    /// `*` turns whoever holds it into an administrator of the account: one leaked credential
    /// or one compromised workload then owns everything.
    ///
    /// ## How to fix
    /// Replace the statement with the specific actions and resources the principals need
    /// (IAM Access Analyzer can generate a policy from CloudTrail activity), create a new policy
    /// version and make it the default; delete the old versions. Keep real administrator access
    /// in a few break-glass roles.
    CONTROL = Control {
        id: "IAM.1",
        title: "IAM policies should not allow full \"*\" administrative privileges",
        resource_types: &[ResourceType::IamPolicy],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.1"),
            cis: &[Cis::v1_2("1.22"), Cis::v1_4("1.16")],
            nist: &["AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6", "AC-6(10)", "AC-6(2)", "AC-6(3)"],
        },
        remediation: Remediation {
            text: "Replace Allow statements that grant \"*\" on \"*\" with the specific actions and resources needed, and make that policy version the default.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    judge_default_version(
        resource,
        "no Allow statement grants every action on every resource",
        full_admin,
    )
}

/// `allows Action "*" on Resource "*"`, when the statement does.
fn full_admin(statement: &Statement) -> Option<String> {
    if !statement.is_allow() {
        return None;
    }
    let resources = match &statement.not_resources {
        Some(excluded) if excluded.iter().any(|r| r.trim() == "*") => return None,
        Some(excluded) => format!("every resource but NotResource {}", quoted(excluded)),
        None if statement.covers_all_resources() => "Resource \"*\"".to_string(),
        None => return None,
    };
    match &statement.not_actions {
        Some(excluded) if excluded.iter().any(|a| every_action(a)) => None,
        Some(excluded) => Some(format!(
            "allows every action but NotAction {} on {resources}",
            quoted(excluded)
        )),
        None => statement
            .actions
            .iter()
            .find(|a| every_action(a))
            .map(|a| format!("allows Action {a:?} on {resources}")),
    }
}

fn every_action(pattern: &str) -> bool {
    matches!(pattern.trim(), "*" | "*:*")
}
