use super::decrypt_all_keys::decrypt_on_all_keys;
use crate::controls::iam::customer_policy::judge_default_version;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the default version of a customer managed policy, attached or not, allows
    /// `kms:Decrypt` or `kms:ReEncryptFrom` on all KMS keys. Action patterns that cover them
    /// count (`kms:*`, `*`, `kms:Re*`, `NotAction` that leaves them in). "All keys" is
    /// `Resource` `"*"` or any key ARN that is not a fixed value: a wildcard or a policy
    /// variable anywhere in it (`arn:aws:kms:*:111122223333:key/*`), as the AWS rule requires
    /// fixed values; `NotResource` counts too. Conditions are ignored, as Security Hub does.
    /// AWS managed policies and policies used only as a permissions boundary are
    /// NOT_APPLICABLE (Security Hub's `excludePermissionBoundaryPolicy`).
    ///
    /// ## Why it matters
    /// Who may use which key is the customer's key management policy. Decrypt on every key
    /// lets the holder read any data encrypted under any key it can reach, defeating the
    /// separation that per-key policies were meant to give.
    ///
    /// ## How to fix
    /// In the policy, replace `"Resource": "*"` (or the wildcard key ARN) for the decryption
    /// actions with the ARNs of the keys the principals need; create a new policy version and
    /// make it the default.
    CONTROL = Control {
        id: "KMS.1",
        title: "IAM customer managed policies should not allow decryption actions on all KMS keys",
        resource_types: &[ResourceType::IamPolicy],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("KMS.1"),
            cis: &[],
            nist: &["AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6", "AC-6(3)"],
        },
        remediation: Remediation {
            text: "In the customer managed policy, allow kms:Decrypt and kms:ReEncryptFrom only on the ARNs of the specific keys needed, not on \"*\".",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    judge_default_version(
        resource,
        "no Allow statement grants kms:Decrypt or kms:ReEncryptFrom on all keys",
        decrypt_on_all_keys,
    )
}
