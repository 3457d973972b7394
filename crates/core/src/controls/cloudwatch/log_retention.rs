use crate::controls::prelude::*;

static MIN_RETENTION_TIME: ParamSpec = ParamSpec {
    name: "minRetentionTime",
    kind: ParamKind::Integer { min: 1, max: 3653 },
    default: "365",
    help: "Minimum number of days log events must be kept (Security Hub allows 365, 400, 545, 731, 1827 or 3653).",
};

crate::control! {
    /// ## What it checks
    /// Whether the log group keeps its events for at least `minRetentionTime` days (default 365):
    /// `retentionInDays` must be at least the minimum. A log group without `retentionInDays`
    /// never expires its events and passes, as in the AWS managed rule.
    ///
    /// AWS Config does not record log groups, so this control is periodic: the periodic runner
    /// lists log groups with `logs:DescribeLogGroups` (IAM permission `logs:DescribeLogGroups`)
    /// and hands each one over as the `configuration` of an `AWS::Logs::LogGroup` item. The
    /// check reads the API's camelCase fields (`logGroupName`, `retentionInDays`) and their
    /// PascalCase spellings.
    ///
    /// ## Why it matters
    /// Investigations often start months after the fact. Application, VPC flow, CloudTrail and
    /// DNS logs that expire after a few days leave nothing to investigate; how long to keep them
    /// is the customer's decision.
    ///
    /// ## How to fix
    /// Set the log group's retention to at least the required number of days (for example
    /// `PutRetentionPolicy` with 365), or remove the retention setting so events never expire.
    CONTROL = Control {
        id: "CloudWatch.16",
        title: "CloudWatch log groups should be retained for a specified time period",
        resource_types: &[ResourceType::LogsLogGroup],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Sre,
        area: SrmArea::Logging,
        mappings: Mappings {
            security_hub: Some("CloudWatch.16"),
            cis: &[],
            nist: &["AU-10", "AU-11", "AU-6(3)", "AU-6(4)", "CA-7", "SI-12"],
        },
        remediation: Remediation {
            text: "Set the log group's retention to at least the required number of days (365 by default), or to never expire.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-16",
        },
        params: &[MIN_RETENTION_TIME],
        check: Check::Listed(evaluate, &[Need::LogGroups]),
    }
}

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let Resource::LogsLogGroup(group) = resource else {
        return Ok(Verdict::not_applicable("not a CloudWatch Logs log group"));
    };
    let minimum = params.integer(&MIN_RETENTION_TIME);
    Ok(match group.retention_in_days {
        None => Verdict::compliant("retentionInDays is not set: log events never expire"),
        Some(days) if days >= minimum => Verdict::compliant(format!(
            "retentionInDays is {days}, at least the minimum of {minimum} days"
        )),
        Some(days) => Verdict::non_compliant(format!(
            "retentionInDays is {days}, below the minimum of {minimum} days"
        )),
    })
}
