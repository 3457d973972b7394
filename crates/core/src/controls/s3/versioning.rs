use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether versioning is on: `supplementaryConfiguration.BucketVersioningConfiguration.status`
    /// is `Enabled`. `Off` (never enabled) and `Suspended` both fail, as does a missing
    /// configuration (S3 reports `Off` for buckets that never had versioning). The verdict names
    /// the status found.
    ///
    /// ## Why it matters
    /// Backup and recovery is the customer's side of the model. Without versioning an overwrite
    /// or delete, by mistake or by ransomware, destroys the only copy of an object.
    ///
    /// ## How to fix
    /// Enable versioning (`aws s3api put-bucket-versioning --versioning-configuration
    /// Status=Enabled`) and add a lifecycle rule that expires noncurrent versions after your
    /// retention period, so old versions do not grow the bill without bound.
    CONTROL = Control {
        id: "S3.14",
        title: "S3 general purpose buckets should have versioning enabled",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Sre,
        area: SrmArea::BackupAndRecovery,
        mappings: Mappings {
            security_hub: Some("S3.14"),
            cis: &[],
            nist: &["AU-9(2)", "CP-10", "CP-6", "CP-6(1)", "CP-6(2)", "CP-9", "SC-5(2)", "SI-12", "SI-13(5)"],
        },
        remediation: Remediation {
            text: "Enable versioning on the bucket and expire noncurrent versions with a lifecycle rule.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-14",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let status = section(&bucket.versioning)?
        .as_ref()
        .and_then(|v| v.status.as_deref())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    Ok(match status {
        Some(s) if s.eq_ignore_ascii_case("Enabled") => {
            Verdict::compliant("versioning status is Enabled")
        }
        Some(s) => Verdict::non_compliant(format!(
            "versioning status is {s}, expected Enabled"
        )),
        None => Verdict::non_compliant(
            "no BucketVersioningConfiguration status: versioning was never enabled (Off), expected Enabled",
        ),
    })
}
