use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether an EBS volume that is attached to an instance is encrypted
    /// (`configuration.encrypted` is true). A volume counts as attached when it has an
    /// attachment that is not `detached`, or its state is `in-use`. Unattached volumes are
    /// NOT_APPLICABLE: Security Hub says they are not subject to the check. An item that does
    /// not say whether the volume is encrypted (items from 2014 lack the field) counts as
    /// unencrypted: nothing in it shows encryption, and the stricter reading is the safe one.
    /// The KMS key is named but not judged (Security Hub passes no `kmsId` to the managed rule
    /// `encrypted-volumes`).
    ///
    /// ## Why it matters
    /// Data at rest on EBS is the customer's to protect. Encryption ties every read of the volume,
    /// its snapshots and the volumes restored from them to a KMS key policy the customer
    /// controls, so a shared or leaked snapshot is useless without the key.
    ///
    /// ## How to fix
    /// A volume cannot be encrypted in place: snapshot it, copy the snapshot with encryption on
    /// (or create an encrypted volume from it), and swap the new volume in. Turn on EBS
    /// encryption by default in every Region so new volumes are always encrypted.
    CONTROL = Control {
        id: "EC2.3",
        title: "Attached Amazon EBS volumes should be encrypted at-rest",
        resource_types: &[ResourceType::Ec2Volume],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("EC2.3"),
            cis: &[],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Replace the volume with an encrypted copy made from a snapshot, and enable EBS encryption by default so new volumes are encrypted.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-3",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::Ec2Volume(volume) = resource else {
        return Ok(Verdict::not_applicable("not an EBS volume"));
    };
    if !volume.is_attached() {
        return Ok(Verdict::not_applicable(format!(
            "volume is not attached to an instance (state {})",
            volume.state.as_deref().unwrap_or("unknown")
        )));
    }
    let attached = if volume.attached_to.is_empty() {
        "in-use volume".to_string()
    } else {
        format!("volume attached to {}", volume.attached_to.join(", "))
    };
    Ok(match volume.encrypted {
        Some(true) => Verdict::compliant(match &volume.kms_key_id {
            Some(key) => format!("{attached} is encrypted with KMS key {key}"),
            None => format!("{attached} is encrypted"),
        }),
        Some(false) => Verdict::non_compliant(format!("{attached} has encrypted false")),
        None => Verdict::non_compliant(format!(
            "{attached} has no encrypted field: treated as unencrypted"
        )),
    })
}
