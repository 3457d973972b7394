use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the distribution has standard (legacy) access logging to S3 turned on:
    /// `distributionConfig.logging.enabled` is true and `logging.bucket` names the bucket.
    /// A missing `logging` block means logging was never configured. Like Security Hub, this
    /// control sees only standard logging (legacy): standard logging v2 deliveries (to CloudWatch
    /// Logs, Data Firehose or S3 through CloudWatch vended logs) and real-time logs are configured
    /// outside the distribution and are not in the configuration item, so they do not count.
    ///
    /// ## Why it matters
    /// Access logs are the record of who requested what from the edge: the evidence needed to
    /// investigate scraping, credential stuffing or data exfiltration through the CDN. CloudFront
    /// keeps no viewer request history unless the customer turns logging on.
    ///
    /// ## How to fix
    /// Enable standard logging on the distribution, delivering to an S3 bucket that allows ACL
    /// delivery from the CloudFront log delivery account (`<bucket>.s3.amazonaws.com`), with a
    /// prefix per distribution.
    CONTROL = Control {
        id: "CloudFront.5",
        title: "CloudFront distributions should have logging enabled",
        resource_types: &[ResourceType::CloudFrontDistribution],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("CloudFront.5"),
            cis: &[],
            nist: &["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)"],
        },
        remediation: Remediation {
            text: "Enable standard logging on the distribution (Logging.Enabled with Bucket <bucket>.s3.amazonaws.com and a prefix).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-5",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudFrontDistribution(distribution) = resource else {
        return Ok(Verdict::not_applicable("not a CloudFront distribution"));
    };
    let Some(logging) = &distribution.logging else {
        return Ok(Verdict::non_compliant(
            "distributionConfig.logging is absent: standard logging (legacy) was never configured",
        ));
    };
    Ok(match (logging.enabled, &logging.bucket) {
        (true, Some(bucket)) => Verdict::compliant(format!(
            "standard logging to {bucket}{}",
            logging
                .prefix
                .as_deref()
                .map(|p| format!(" (prefix {p})"))
                .unwrap_or_default()
        )),
        (true, None) => Verdict::non_compliant(
            "logging.enabled is true but logging.bucket is empty: no log destination",
        ),
        (false, _) => Verdict::non_compliant(
            "logging.enabled is false: standard logging (legacy) is off (logging v2 and real-time logs are not visible here)",
        ),
    })
}
