use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};

const LOG_GROUP: Setting = Setting {
    field: "cloudWatchLogsLogGroupArn",
    good: "events are delivered to CloudWatch Logs",
    bad: "events are not delivered to CloudWatch Logs, so no metric filter or alarm sees them",
};

crate::control! {
    /// ## What it checks
    /// Whether the trail sends its events to a CloudWatch Logs log group:
    /// `cloudWatchLogsLogGroupArn` must be set (`null`, empty or missing counts as not set).
    /// Only the configuration is checked. AWS's rule also asks CloudTrail (GetTrailStatus)
    /// whether delivery succeeded in the last 24 hours; that status is not in the
    /// configuration item, so a broken delivery role goes unnoticed here.
    ///
    /// ## Why it matters
    /// Logging and observability are the customer's side of the model. In CloudWatch Logs the
    /// trail feeds metric filters and alarms (root logins, policy changes, console sign-in
    /// failures) that page someone within minutes instead of turning up in a later audit.
    ///
    /// ## How to fix
    /// Create a log group and a role CloudTrail can assume to write to it, then
    /// `aws cloudtrail update-trail --name … --cloud-watch-logs-log-group-arn … --cloud-watch-logs-role-arn …`.
    CONTROL = Control {
        id: "CloudTrail.5",
        title: "CloudTrail trails should be integrated with Amazon CloudWatch Logs",
        resource_types: &[ResourceType::CloudTrailTrail],
        trigger: Trigger::Change,
        severity: Severity::Low,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("CloudTrail.5"),
            cis: &[Cis::v1_2("2.4"), Cis::v1_4("3.4")],
            nist: &["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(1)", "AU-6(3)", "AU-6(4)", "AU-6(5)", "AU-7(1)", "CA-7", "SC-7(9)", "SI-20", "SI-3(8)", "SI-4(20)", "SI-4(5)", "SI-7(8)"],
        },
        remediation: Remediation {
            text: "Configure the trail to deliver events to a CloudWatch Logs log group, with an IAM role CloudTrail can assume to write there.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5",
        },
        params: &[],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, _: &Params, _: &Context) -> Outcome {
    let Resource::CloudTrailTrail(trail) = resource else {
        return Ok(not_a(ResourceType::CloudTrailTrail));
    };
    Ok(LOG_GROUP.must_be_set(trail.cloud_watch_logs_log_group_arn.as_deref()))
}
