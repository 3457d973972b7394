use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const KMS_KEY: Setting = Setting {
    field: "kmsKeyId",
    good: "log files are encrypted with SSE-KMS",
    bad: "log files are encrypted only with SSE-S3, not with a KMS key you control",
};

crate::control! {
    /// ## What it checks
    /// Whether the trail encrypts its log files with a KMS key: `kmsKeyId` must be set. A key
    /// that is `null`, empty or missing from the item (all three occur) means the trail uses
    /// only SSE-S3. The managed rule runs periodically over DescribeTrails; the trail's
    /// configuration item carries the same field, so this control judges each change.
    ///
    /// ## Why it matters
    /// Choosing and governing encryption keys is the customer's side of the model. With
    /// SSE-KMS, reading the audit trail needs both S3 access and `kms:Decrypt` on a key whose
    /// policy you control, and every decryption is itself logged.
    ///
    /// ## How to fix
    /// Create (or pick) a customer managed KMS key whose policy lets CloudTrail encrypt and
    /// your readers decrypt, then `aws cloudtrail update-trail --name … --kms-key-id …`.
    CONTROL = Control {
        id: "CloudTrail.2",
        title: "CloudTrail should have encryption at-rest enabled",
        resource_types: &[ResourceType::CloudTrailTrail],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("CloudTrail.2"),
            cis: &[Cis::v1_2("2.7"), Cis::v1_4("3.7"), Cis::v3("3.5")],
            nist: &["AU-9", "CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Configure the trail to use SSE-KMS with a customer managed KMS key whose policy lets CloudTrail encrypt log files.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudTrailTrail(trail) = resource else {
        return Ok(not_a(ResourceType::CloudTrailTrail));
    };
    Ok(KMS_KEY.must_be_set(trail.kms_key_id.as_deref()))
}
