use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the queue encrypts messages at rest, with either kind of server-side encryption
    /// Security Hub accepts: SSE-KMS (`KmsMasterKeyId` set, any key or alias) or SSE-SQS
    /// (`SqsManagedSseEnabled` true, also when written as the string `"true"`). The compliant
    /// annotation says which one is in use. A queue with neither is unencrypted; since 2022 new
    /// queues get SSE-SQS by default, so such queues are old ones or had encryption turned off.
    ///
    /// ## Why it matters
    /// Queued messages often carry order, payment or personal data. Encryption at rest is a
    /// per-queue setting the customer controls, and with SSE-KMS reading messages also requires
    /// permission on the key.
    ///
    /// ## How to fix
    /// Turn on SSE-SQS (`SqsManagedSseEnabled=true`) or, to control access through a key policy,
    /// SSE-KMS (`KmsMasterKeyId=<key>`); grant producers and consumers use of the key.
    CONTROL = Control {
        id: "SQS.1",
        title: "Amazon SQS queues should be encrypted at rest",
        resource_types: &[ResourceType::SqsQueue],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("SQS.1"),
            cis: &[],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Enable SSE-SQS (SqsManagedSseEnabled) or SSE-KMS (KmsMasterKeyId) on the queue.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-1",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::SqsQueue(queue) = resource else {
        return Ok(Verdict::not_applicable("not an SQS queue"));
    };
    Ok(match (&queue.kms_master_key_id, queue.sqs_managed_sse) {
        (Some(key), _) => Verdict::compliant(format!("SSE-KMS: KmsMasterKeyId is {key}")),
        (None, Some(true)) => Verdict::compliant("SSE-SQS: SqsManagedSseEnabled is true"),
        (None, Some(false)) => Verdict::non_compliant(
            "not encrypted at rest: SqsManagedSseEnabled is false and KmsMasterKeyId is not set",
        ),
        (None, None) => Verdict::non_compliant(
            "not encrypted at rest: neither KmsMasterKeyId nor SqsManagedSseEnabled is set",
        ),
    })
}
