//! Customer managed policies as IAM.1, IAM.21 and KMS.1 judge them: only customer managed
//! policies, only the default version (the one in force), and none used only as a permissions
//! boundary.
//!
//! Security Hub runs the managed rules behind these controls with
//! `excludePermissionBoundaryPolicy: true`. The item tells a boundary by
//! `permissionsBoundaryUsageCount`; a policy that is also attached as a permissions policy
//! (`attachmentCount > 0`) grants permissions and is judged.

use crate::json::InputError;
use crate::policy::{principal_account, Statement};
use crate::resource::iam::ManagedPolicy;
use crate::resource::{Resource, ResourceType};
use crate::verdict::{Outcome, Verdict};

/// Judges every statement of the policy's default version with `offence`, which describes
/// what a statement grants that it should not (`allows Action "*" on Resource "*"`).
/// NON_COMPLIANT names the version and each offending statement; COMPLIANT says `all_clear`.
pub(in crate::controls) fn judge_default_version(
    resource: &Resource,
    all_clear: &str,
    offence: impl Fn(&Statement) -> Option<String>,
) -> Outcome {
    let Resource::IamPolicy(policy) = resource else {
        return Ok(Verdict::not_applicable(format!(
            "not a {}",
            ResourceType::IamPolicy
        )));
    };
    if let Some(reason) = excluded(policy) {
        return Ok(Verdict::not_applicable(reason));
    }
    let Some((version, document)) = &policy.default_version else {
        return Err(InputError::new(
            "configuration.policyVersionList",
            "no default version recorded (isDefaultVersion / defaultVersionId): the document in force is unknown",
        ));
    };
    let mut offences: Vec<String> = document
        .labelled()
        .filter_map(|(label, s)| offence(s).map(|o| format!("{label} {o}")))
        .collect();
    if let Some(first) = offences.first_mut() {
        *first = format!("default version {version}: {first}");
    }
    Ok(Verdict::from_offences(
        offences,
        format!("default version {version}: {all_clear}"),
    ))
}

/// Why the policy is outside the control's scope, if it is.
fn excluded(policy: &ManagedPolicy) -> Option<String> {
    if policy
        .arn
        .as_deref()
        .and_then(principal_account)
        .is_some_and(|account| account == "aws")
    {
        return Some(format!(
            "{} is an AWS managed policy; only customer managed policies are judged",
            policy.name
        ));
    }
    if policy.boundary_usage_count > 0 && policy.attachment_count == 0 {
        return Some(format!(
            "used only as a permissions boundary (permissionsBoundaryUsageCount {}, attachmentCount 0): excluded, as Security Hub sets excludePermissionBoundaryPolicy",
            policy.boundary_usage_count
        ));
    }
    None
}

/// `"ec2:*", "s3:*"`, for annotations.
pub(in crate::controls) fn quoted(values: &[impl AsRef<str>]) -> String {
    values
        .iter()
        .map(|v| format!("{:?}", v.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
