use super::exposure::{self, Access};
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether anyone on the internet can write to the bucket: an ACL grant of WRITE, WRITE_ACP
    /// or FULL_CONTROL to `AllUsers`/`AuthenticatedUsers`, or a bucket-policy statement that
    /// allows write actions (`s3:PutObject`, `s3:DeleteObject`, `s3:PutObjectAcl`,
    /// `s3:PutBucketPolicy`…, including through `s3:Put*`, `s3:*` or `*`) to `"*"` without a
    /// condition pinning a restricting key (`aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`,
    /// `aws:SourceAccount`, `aws:PrincipalOrgID`…) to fixed values. Exposure is judged net of
    /// Block Public Access at bucket and, when known, account level, exactly as for S3.2:
    /// `IgnorePublicAcls` voids public ACL grants and `RestrictPublicBuckets` voids public policy
    /// statements. WRITE_ACP counts as write access because whoever may rewrite the ACL may grant
    /// themselves anything.
    ///
    /// ## Why it matters
    /// A world-writable bucket lets anyone plant malware, overwrite or delete data, or run up the
    /// storage bill; bucket policies and ACLs are the customer's side of the model.
    ///
    /// ## How to fix
    /// Turn on Block Public Access for the bucket (or the account). Remove ACL grants of WRITE,
    /// WRITE_ACP or FULL_CONTROL to AllUsers/AuthenticatedUsers and policy statements that let
    /// `"*"` put, delete or change ACLs; give uploaders an IAM role or a presigned URL instead.
    CONTROL = Control {
        id: "S3.3",
        title: "S3 general purpose buckets should block public write access",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.3"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Enable S3 Block Public Access on the bucket or account, and remove ACL grants and policy statements that give write access to everyone.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-3",
        },
        params: &[],
        check: Check::ItemWithFacts(evaluate, &[Need::RecordedAccountPublicAccessBlock]),
    }
}

fn evaluate(resource: &Resource, _: &Params, context: &Context) -> Outcome {
    exposure::check(resource, context, Access::Write)
}
