use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the topic encrypts messages at rest with an AWS KMS key: `KmsMasterKeyId` is set.
    /// Any key passes, including the AWS managed key `alias/aws/sns`, as in the AWS managed rule
    /// (which Security Hub runs without a key list). Without `KmsMasterKeyId` the topic relies on
    /// SNS's default disk encryption, which this control does not accept.
    ///
    /// ## Why it matters
    /// With server-side encryption under a KMS key, reading stored messages also requires
    /// permission on the key, and every use of the key is logged in CloudTrail. Choosing the key
    /// and its policy is the customer's side of the model.
    ///
    /// ## How to fix
    /// Set the topic attribute `KmsMasterKeyId` to a KMS key (a customer managed key, or
    /// `alias/aws/sns`). With a customer managed key, allow the publishing services (CloudWatch,
    /// EventBridge…) `kms:GenerateDataKey*` and `kms:Decrypt` in the key policy.
    CONTROL = Control {
        id: "SNS.1",
        title: "SNS topics should be encrypted at-rest using AWS KMS",
        resource_types: &[ResourceType::SnsTopic],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("SNS.1"),
            cis: &[],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Set the topic's KmsMasterKeyId to a KMS key (customer managed, or alias/aws/sns) and let publishing services use the key.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html#sns-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::SnsTopic(topic) = resource else {
        return Ok(Verdict::not_applicable("not an SNS topic"));
    };
    Ok(match &topic.kms_master_key_id {
        Some(key) => Verdict::compliant(format!("KmsMasterKeyId is {key}")),
        None => Verdict::non_compliant(
            "KmsMasterKeyId is not set: messages are not encrypted with a KMS key",
        ),
    })
}
