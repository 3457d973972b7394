use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether server access logging is on: `supplementaryConfiguration.BucketLoggingConfiguration`
    /// names a `destinationBucketName`. A missing configuration, `{}`, or a `null`/empty
    /// destination means logging is off. The verdict names the target bucket and prefix.
    ///
    /// Security Hub suggests not logging the log bucket itself (it would log its own log
    /// deliveries); a configuration item cannot tell which buckets receive logs, so exempt log
    /// buckets by tag.
    ///
    /// ## Why it matters
    /// Logging and observability are the customer's side of the model. Server access logs record
    /// every request to the bucket, including anonymous ones that CloudTrail data events may not
    /// be capturing, and are the evidence for investigating a leak.
    ///
    /// ## How to fix
    /// Enable server access logging to a log bucket in the same Region and account (`aws s3api
    /// put-bucket-logging`), with a prefix per source bucket; give the log bucket no default
    /// object lock retention and grant `logging.s3.amazonaws.com` `s3:PutObject` in its policy.
    CONTROL = Control {
        id: "S3.9",
        title: "S3 general purpose buckets should have server access logging enabled",
        resource_types: &[ResourceType::S3Bucket],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("S3.9"),
            cis: &[],
            nist: &["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)"],
        },
        remediation: Remediation {
            text: "Enable server access logging for the bucket, delivering to a dedicated log bucket in the same Region.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-9",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::S3Bucket(bucket) = resource else {
        return Ok(Verdict::not_applicable("not an S3 bucket"));
    };
    let Some(logging) = section(&bucket.logging)? else {
        return Ok(Verdict::non_compliant(
            "no BucketLoggingConfiguration: server access logging is off",
        ));
    };
    let non_empty = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    Ok(match non_empty(&logging.destination_bucket_name) {
        Some(target) => Verdict::compliant(format!(
            "server access logs go to s3://{target}/{}",
            non_empty(&logging.log_file_prefix).unwrap_or_default()
        )),
        None => Verdict::non_compliant(
            "BucketLoggingConfiguration.destinationBucketName is not set: server access logging is off",
        ),
    })
}
