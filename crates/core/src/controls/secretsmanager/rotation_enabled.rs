use crate::controls::prelude::*;
use crate::controls::settings::{not_a, Setting};
use crate::resource::secretsmanager::{describe_hours, Schedule};

static MAXIMUM_ALLOWED_ROTATION_FREQUENCY: ParamSpec = ParamSpec {
    name: "maximumAllowedRotationFrequency",
    kind: ParamKind::Integer { min: 0, max: 365 },
    default: "0",
    help: "Longest allowed interval between rotations, in days (1 to 365); 0, the default, sets no limit, as Security Hub does when the parameter is not given.",
};

const ROTATION_ENABLED: Setting = Setting {
    field: "RotationEnabled",
    good: "automatic rotation is on",
    bad: "the secret is never rotated automatically",
};

crate::control! {
    /// ## What it checks
    /// Whether automatic rotation is on (`RotationEnabled` is `true`; missing counts as off).
    /// When `maximumAllowedRotationFrequency` is set (days; 0, the default, means no limit, as
    /// Security Hub without a value), the rotation interval must not exceed it. The interval is
    /// the longest of `RotationRules.AutomaticallyAfterDays` (which Secrets Manager also fills
    /// in for `cron(…)` schedules), `AutomaticallyAfterHours`, a `rate(N days|hours)`
    /// schedule expression, and the longest gap a monthly `cron(…)` expression allows (a day
    /// for daily ones, the longest gap between listed weekdays or days of the month, five weeks
    /// for forms such as `SUN#1` or `L`). A `cron(…)` schedule restricted to some months
    /// cannot be shown to meet the limit and fails, naming the expression. Secrets scheduled for deletion
    /// (`Deleted`, or the API's `DeletedDate`) are NOT_APPLICABLE. Whether the last rotation
    /// actually happened is SecretsManager.4's question and needs the API.
    ///
    /// ## Why it matters
    /// Secrets management is the customer's job. A credential that never changes stays valid
    /// for as long as anyone who ever saw it, in a log, a laptop or a leaked repository, keeps
    /// a copy.
    ///
    /// ## How to fix
    /// Turn on rotation with a rotation function or managed rotation and a schedule no longer
    /// than your limit (`aws secretsmanager rotate-secret --secret-id … --rotation-rules
    /// AutomaticallyAfterDays=30`), and check that the first rotation succeeds.
    CONTROL = Control {
        id: "SecretsManager.1",
        title: "Secrets Manager secrets should have automatic rotation enabled",
        resource_types: &[ResourceType::SecretsManagerSecret],
        trigger: Trigger::Change,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::SecretsManagement,
        mappings: Mappings {
            security_hub: Some("SecretsManager.1"),
            cis: &[],
            nist: &["AC-2(1)", "AC-3(15)"],
        },
        remediation: Remediation {
            text: "Turn on automatic rotation for the secret with a rotation function (or managed rotation) and a schedule within your maximum interval.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1",
        },
        params: &[MAXIMUM_ALLOWED_ROTATION_FREQUENCY],
        check: Check::Item(evaluate),
    }
}

fn evaluate(resource: &Resource, params: &Params, _: &Context) -> Outcome {
    let Resource::SecretsManagerSecret(secret) = resource else {
        return Ok(not_a(ResourceType::SecretsManagerSecret));
    };
    if secret.deleted {
        return Ok(Verdict::not_applicable(
            "the secret is scheduled for deletion",
        ));
    }
    let enabled = ROTATION_ENABLED.must_be_on(secret.rotation_enabled);
    if secret.rotation_enabled != Some(true) {
        return Ok(enabled);
    }
    let limit_days = params.integer(&MAXIMUM_ALLOWED_ROTATION_FREQUENCY);
    let schedule = secret.rotation_rules.schedule();
    if limit_days == 0 {
        return Ok(match schedule {
            Schedule::Every { hours, .. } => {
                enabled.with_remark(&format!("every {}", describe_hours(hours)))
            }
            _ => enabled,
        });
    }
    let limit = format!(
        "{} of {}",
        MAXIMUM_ALLOWED_ROTATION_FREQUENCY.name,
        describe_hours(limit_days.saturating_mul(24))
    );
    Ok(match schedule {
        Schedule::Every { hours, source } if hours > limit_days.saturating_mul(24) => {
            Verdict::non_compliant(format!(
                "rotation every {} ({source}) exceeds {limit}",
                describe_hours(hours)
            ))
        }
        Schedule::Every { hours, source } => Verdict::compliant(format!(
            "rotation every {} ({source}) is within {limit}",
            describe_hours(hours)
        )),
        Schedule::Unknown(expression) => Verdict::non_compliant(format!(
            "rotation schedule {expression} states no interval to check against {limit}"
        )),
        Schedule::Unset => Verdict::non_compliant(format!(
            "RotationEnabled is true but RotationRules state no interval to check against {limit}"
        )),
    })
}
