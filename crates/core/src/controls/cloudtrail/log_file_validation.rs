use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const LOG_FILE_VALIDATION: Setting = Setting {
    field: "logFileValidationEnabled",
    good: "CloudTrail signs hourly digest files that prove log files unchanged",
    bad: "nothing proves that delivered log files were not altered or deleted",
};

crate::control! {
    /// ## What it checks
    /// Whether the trail has log file integrity validation on (`logFileValidationEnabled` is
    /// `true`; `null` or missing counts as off). The managed rule runs periodically over
    /// DescribeTrails; the trail's configuration item carries the same field, so this control
    /// judges each change.
    ///
    /// ## Why it matters
    /// Audit logs are compliance evidence only if they can be shown to be complete and
    /// unmodified. Validation makes CloudTrail deliver signed digest files, so tampering with
    /// or deleting log files after delivery is detectable (`aws cloudtrail validate-logs`).
    ///
    /// ## How to fix
    /// `aws cloudtrail update-trail --name … --enable-log-file-validation`, and keep the
    /// digest files in a bucket with restricted write access.
    CONTROL = Control {
        id: "CloudTrail.4",
        title: "CloudTrail log file validation should be enabled",
        resource_types: &[ResourceType::CloudTrailTrail],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Security,
        area: SrmArea::ComplianceEvidence,
        mappings: Mappings {
            security_hub: Some("CloudTrail.4"),
            cis: &[Cis::v1_2("2.2"), Cis::v1_4("3.2"), Cis::v3("3.2")],
            nist: &["AU-9", "SI-4", "SI-7(1)", "SI-7(3)", "SI-7(7)"],
        },
        remediation: Remediation {
            text: "Turn on log file integrity validation for the trail (update-trail --enable-log-file-validation).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudTrailTrail(trail) = resource else {
        return Ok(not_a(ResourceType::CloudTrailTrail));
    };
    Ok(LOG_FILE_VALIDATION.must_be_on(trail.log_file_validation_enabled))
}
