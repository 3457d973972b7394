use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether all four Block Public Access switches are on for the bucket itself:
    /// `blockPublicAcls`, `ignorePublicAcls`, `blockPublicPolicy` and `restrictPublicBuckets` in
    /// `supplementaryConfiguration.PublicAccessBlockConfiguration`. A missing configuration means
    /// it was never set, so all four are off. The verdict names the switches that are off.
    ///
    /// Only the bucket's own settings count, as in Security Hub: account-level Block Public
    /// Access (S3.1) protects the bucket today but can be turned off for the whole account in one
    /// call. When the account-level settings are known to cover the missing switches, the
    /// annotation says so; exempt such buckets by tag if you rely on the account level.
    ///
    /// ## Why it matters
    /// Block Public Access is the customer's safety net against a mistaken ACL or bucket policy
    /// making data public; on the bucket it survives changes to account settings.
    ///
    /// ## How to fix
    /// Turn on all four settings for the bucket (console: Permissions → Block public access, or
    /// `aws s3api put-public-access-block --public-access-block-configuration
    /// BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`).
    /// Serve public content through CloudFront with origin access control instead.
    CONTROL = Control {
        id: "S3.8",
        title: "S3 general purpose buckets should block public access",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::High,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.8"),
            cis: &[Cis::v1_4("2.1.5"), Cis::v3("2.1.4")],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets for the bucket.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, context: &Context) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let block = section(&bucket.public_access_block)?;
    let verdict = match block {
        Some(b) if b.all_on() => {
            return Ok(Verdict::compliant(
                "all four bucket-level Block Public Access switches are on",
            ))
        }
        Some(b) => Verdict::non_compliant(format!(
            "bucket-level Block Public Access off: {}",
            b.off_switches().join(", ")
        )),
        None => Verdict::non_compliant(
            "no PublicAccessBlockConfiguration: bucket-level Block Public Access was never set, all four switches are off",
        ),
    };
    let off = block.unwrap_or_default().off_switches();
    let account = context
        .account
        .and_then(|a| a.s3_public_access_block.as_ref());
    Ok(match account {
        Some(a) if off.iter().all(|s| !a.off_switches().contains(s)) => verdict.with_remark(
            "account-level Block Public Access has them on; this control judges the bucket's own settings",
        ),
        _ => verdict,
    })
}
