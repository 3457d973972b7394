use super::customer_policy::{judge_default_version, quoted};
use crate::controls::prelude::*;
use crate::policy::Statement;

crate::control! {
    /// ## What it checks
    /// Whether the default version of a customer managed policy has an `Allow` statement whose
    /// `Action` grants every action of a service (`"ec2:*"`), or whose `NotAction` names a
    /// whole service (`"iam:*"`: every action *except* that service's). Prefix wildcards such
    /// as `ec2:Describe*` pass, as AWS documents. The resource is not part of the test: `ec2:*`
    /// on one ARN still fails, since the rule is about actions. A bare `"*"` or `"*:*"` is full
    /// administrator access and is reported by IAM.1, not here (AWS does not say otherwise).
    /// Only the default version is judged. AWS managed policies and policies used only as a
    /// permissions boundary are NOT_APPLICABLE (Security Hub's
    /// `excludePermissionBoundaryPolicy`).
    ///
    /// ## Why it matters
    /// Least privilege is the customer's job. `service:*` grants today's and tomorrow's actions
    /// of the service, including the ones that change its security settings or delete data,
    /// and can lead to privilege escalation (`iam:*`, `lambda:*` with `iam:PassRole`).
    ///
    /// ## How to fix
    /// List the actions the principals need, or use prefix wildcards such as `ec2:Describe*`;
    /// create a new policy version and make it the default.
    CONTROL = Control {
        id: "IAM.21",
        title: "IAM customer managed policies that you create should not allow wildcard actions for services",
        resource_types: &[ResourceType::IamPolicy],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.21"),
            cis: &[],
            nist: &["AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6", "AC-6(10)", "AC-6(2)", "AC-6(3)"],
        },
        remediation: Remediation {
            text: "Replace \"service:*\" actions (and NotAction \"service:*\") with the specific actions needed, or with prefix wildcards such as ec2:Describe*.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-21",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    judge_default_version(
        resource,
        "no Allow statement grants all actions of a service",
        service_wildcard,
    )
}

/// `allows Action "ec2:*", "s3:*"` or `allows NotAction "iam:*" (every other action)`.
fn service_wildcard(statement: &Statement) -> Option<String> {
    if !statement.is_allow() {
        return None;
    }
    if let Some(excluded) = &statement.not_actions {
        let whole = whole_services(excluded);
        return (!whole.is_empty()).then(|| {
            format!(
                "allows NotAction {} (every action of other services)",
                quoted(&whole)
            )
        });
    }
    let whole = whole_services(&statement.actions);
    (!whole.is_empty()).then(|| format!("allows Action {}", quoted(&whole)))
}

/// The patterns of the form `<service>:*` (a literal service prefix).
fn whole_services(patterns: &[String]) -> Vec<&str> {
    patterns
        .iter()
        .map(|p| p.trim())
        .filter(|p| {
            p.split_once(':').is_some_and(|(service, rest)| {
                rest == "*" && !service.is_empty() && !service.contains(['*', '?'])
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_service_wildcards_count() {
        let patterns: Vec<String> = ["ec2:*", "ec2:Describe*", "*", "*:*", " S3:* ", "s3:Get*"]
            .map(String::from)
            .to_vec();
        assert_eq!(whole_services(&patterns), ["ec2:*", "S3:*"]);
    }
}
