use super::decrypt_all_keys::decrypt_on_all_keys;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether any inline policy embedded in an IAM user, role or group allows `kms:Decrypt`
    /// or `kms:ReEncryptFrom` on all KMS keys, judged as KMS.1 judges customer managed
    /// policies: covering action patterns count, `Resource` `"*"` or any non-fixed key ARN
    /// (wildcard or policy variable) or `NotResource` means all keys, conditions are ignored.
    /// The annotation names the inline policy and statement. A principal without inline
    /// policies is COMPLIANT.
    ///
    /// ## Why it matters
    /// Who may use which key is the customer's key management policy. An inline policy that
    /// decrypts with every key lets one principal read any data encrypted in the account, and
    /// inline policies are easy to miss in reviews.
    ///
    /// ## How to fix
    /// Edit the inline policy so the decryption actions name the ARNs of the specific keys
    /// needed, or replace it with a reviewed customer managed policy.
    CONTROL = Control {
        id: "KMS.2",
        title: "IAM principals should not have IAM inline policies that allow decryption actions on all KMS keys",
        resource_types: &[ResourceType::IamUser, ResourceType::IamRole, ResourceType::IamGroup],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("KMS.2"),
            cis: &[],
            nist: &["AC-2", "AC-2(1)", "AC-3", "AC-3(15)", "AC-3(7)", "AC-5", "AC-6", "AC-6(3)"],
        },
        remediation: Remediation {
            text: "Edit the inline policy so kms:Decrypt and kms:ReEncryptFrom are allowed only on the ARNs of the specific keys needed.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/kms-controls.html#kms-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let principal = match resource {
        Resource::IamUser(p) | Resource::IamRole(p) | Resource::IamGroup(p) => p,
        _ => return Ok(Verdict::not_applicable("not an IAM user, role or group")),
    };
    if principal.inline.is_empty() {
        return Ok(Verdict::compliant("no inline policies"));
    }
    let offences = principal
        .inline
        .iter()
        .flat_map(|policy| {
            policy.document.labelled().filter_map(move |(label, s)| {
                decrypt_on_all_keys(s)
                    .map(|o| format!("inline policy {:?} {label} {o}", policy.name))
            })
        })
        .collect();
    Ok(Verdict::from_offences(
        offences,
        format!(
            "no inline policy ({} checked) allows kms:Decrypt or kms:ReEncryptFrom on all keys",
            principal.inline.len()
        ),
    ))
}
