use super::exposure::{self, Access};
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether anyone on the internet can read the bucket: an ACL grant of READ, READ_ACP or
    /// FULL_CONTROL to `AllUsers`/`AuthenticatedUsers`, or a bucket-policy statement that allows
    /// read actions (`s3:GetObject`, `s3:ListBucket`…) to `"*"` without a condition pinning a
    /// restricting key (`aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`, `aws:SourceAccount`,
    /// `aws:PrincipalOrgID`…) to fixed values. Exposure is judged net of Block Public Access at
    /// bucket and, when known, account level: `IgnorePublicAcls` voids public ACL grants and
    /// `RestrictPublicBuckets` voids public policy statements. The account level is known when
    /// AWS Config records `AWS::S3::AccountPublicAccessBlock`: the evaluator reads that item when
    /// a bucket changes, and `ourside scan` learns it from the files it is given.
    ///
    /// ## Why it matters
    /// Bucket policies and ACLs are the customer's side of the model. A world-readable bucket is
    /// the most common way data leaks from AWS accounts.
    ///
    /// ## How to fix
    /// Turn on Block Public Access for the bucket (or the account). Remove ACL grants to
    /// AllUsers/AuthenticatedUsers and policy statements that grant read to `"*"`; serve public
    /// content through CloudFront with origin access control instead.
    CONTROL = Control {
        id: "S3.2",
        title: "S3 general purpose buckets should block public read access",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.2"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Enable S3 Block Public Access on the bucket or account, and remove ACL grants and policy statements that give read access to everyone.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-2",
        },
        params: &[],
        check: Check::ItemWithFacts(evaluate, &[Need::RecordedAccountPublicAccessBlock]),
    }
}

fn evaluate(resource: &Resource, _: &Params, context: &Context) -> Outcome {
    exposure::check(resource, context, Access::Read)
}
