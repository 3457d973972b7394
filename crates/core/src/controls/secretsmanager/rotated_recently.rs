use crate::controls::account::{dated, days, need, resource_subject};
use crate::controls::prelude::*;
use crate::facts::SecretRotation;
use crate::timestamp::Timestamp;
use std::sync::Arc;

static MAX_DAYS_SINCE_ROTATION: ParamSpec = ParamSpec {
    name: "maxDaysSinceRotation",
    kind: ParamKind::Integer { min: 1, max: 180 },
    default: "90",
    help: "Most days since the secret was last rotated, or created if never rotated (1 to 180, default 90, as Security Hub).",
};

crate::control! {
    /// ## What it checks
    /// Whether each secret was rotated within `maxDaysSinceRotation` days (default 90), from
    /// `secretsmanager:ListSecrets` (`LastRotatedDate`), as the managed rule
    /// `secretsmanager-secret-periodic-rotation` does. A secret more than that many whole days
    /// past its last rotation fails. AWS does not say how it treats secrets never rotated or
    /// without rotation; here both are judged by the same clock: a secret never rotated counts
    /// from its creation (`CreatedDate`), so a new secret passes until it reaches the limit,
    /// and a secret without automatic rotation passes only while it is younger than the limit
    /// (the annotation says rotation is off; SecretsManager.1 judges that setting). A secret
    /// with neither date cannot be judged and is reported as an input error. One evaluation
    /// per secret (`AWS::SecretsManager::Secret`, the secret's ARN); secrets scheduled for
    /// deletion are not listed.
    ///
    /// ## Why it matters
    /// A rotation schedule only helps if rotations happen: a failing rotation function leaves
    /// the same credential in place for months without anyone noticing. Keeping secrets fresh
    /// is the customer's side of secrets management.
    ///
    /// ## How to fix
    /// Rotate the secret now (`aws secretsmanager rotate-secret --secret-id …`), fix the
    /// rotation function if its last run failed (see its CloudWatch logs), and turn on
    /// automatic rotation at an interval within the limit.
    CONTROL = Control {
        id: "SecretsManager.4",
        title: "Secrets Manager secrets should be rotated within a specified number of days",
        resource_types: &[ResourceType::SecretsManagerSecret],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::SecretsManagement,
        mappings: Mappings {
            security_hub: Some("SecretsManager.4"),
            cis: &[],
            nist: &["AC-2(1)", "AC-3(15)"],
        },
        remediation: Remediation {
            text: "Rotate the secret now, fix a failing rotation function, and schedule automatic rotation within the limit (90 days by default).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-4",
        },
        params: &[MAX_DAYS_SINCE_ROTATION],
        check: Check::Account(evaluate, &[Need::SecretsRotation]),
    }
}

fn evaluate(state: &AccountState, params: &Params, context: &Context) -> Vec<Judgement> {
    let secrets = match need(state, &state.secrets, Need::SecretsRotation) {
        Ok(secrets) => secrets,
        Err(judgements) => return judgements,
    };
    let max = params.integer(&MAX_DAYS_SINCE_ROTATION);
    secrets
        .iter()
        .enumerate()
        .map(|(i, secret)| {
            let mut subject = resource_subject(
                state,
                ResourceType::SecretsManagerSecret,
                &secret.arn,
                Some(secret.arn.clone()),
            );
            subject.tags = Arc::new(secret.tags.clone());
            Judgement {
                subject,
                outcome: judge(secret, max, context.now)
                    .map_err(|e| e.within(&format!("secrets[{i}]"))),
            }
        })
        .collect()
}

fn judge(secret: &SecretRotation, max: i64, now: Timestamp) -> Outcome {
    let (since, how) = match (secret.last_rotated, secret.created) {
        (Some(t), _) => (t, format!("last rotated {}", dated(t, now))),
        (None, Some(t)) => (t, format!("never rotated, created {}", dated(t, now))),
        (None, None) => {
            return Err(InputError::new(
                "CreatedDate",
                format!(
                    "secret {} has neither LastRotatedDate nor CreatedDate",
                    secret.name
                ),
            ))
        }
    };
    let verdict = if since.days_until(now) > max {
        Verdict::non_compliant(format!("{how}: over {} (maxDaysSinceRotation)", days(max)))
    } else {
        Verdict::compliant(format!("{how}: within {}", days(max)))
    };
    Ok(match secret.rotation_enabled {
        true => verdict,
        false => verdict.with_remark("automatic rotation is off"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn secret(
        name: &str,
        enabled: bool,
        rotated: Option<&str>,
        created: Option<&str>,
    ) -> SecretRotation {
        SecretRotation {
            arn: format!("arn:aws:secretsmanager:eu-west-1:111122223333:secret:{name}-AbCdEf"),
            name: name.to_string(),
            rotation_enabled: enabled,
            last_rotated: rotated.map(at),
            created: created.map(at),
            tags: [("team".to_string(), "payments".to_string())].into(),
        }
    }

    fn state_of() -> AccountState {
        AccountState {
            secrets: Ok(vec![
                secret(
                    "acme/db",
                    true,
                    Some("2026-05-01T03:00:00Z"),
                    Some("2024-02-01T00:00:00Z"),
                ),
                secret(
                    "acme/stuck",
                    true,
                    Some("2026-01-15T03:00:00Z"),
                    Some("2024-02-01T00:00:00Z"),
                ),
                secret(
                    "acme/new-api-key",
                    false,
                    None,
                    Some("2026-04-20T00:00:00Z"),
                ),
                secret("acme/legacy", false, None, Some("2025-01-01T00:00:00Z")),
                secret("acme/odd", true, None, None),
            ]),
            ..state()
        }
    }

    fn verdict(seen: &[Seen], name: &str) -> Seen {
        let arn = format!("arn:aws:secretsmanager:eu-west-1:111122223333:secret:{name}-AbCdEf");
        let found: Vec<&Seen> = seen.iter().filter(|s| s.id == arn).collect();
        assert_eq!(found.len(), 1, "{name}: {seen:?}");
        assert_eq!(found[0].resource_type, "AWS::SecretsManager::Secret");
        found[0].clone()
    }

    #[test]
    fn secrets_are_judged_by_their_last_rotation() {
        let seen = run(&CONTROL, &state_of());
        assert_eq!(seen.len(), 5);
        let db = verdict(&seen, "acme/db");
        assert_eq!(db.compliance, Some(Compliance::Compliant));
        assert_eq!(
            db.text,
            "last rotated 2026-05-01, 30 days ago: within 90 days"
        );
        let stuck = verdict(&seen, "acme/stuck");
        assert_eq!(stuck.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            stuck.text,
            "last rotated 2026-01-15, 136 days ago: over 90 days (maxDaysSinceRotation)"
        );
    }

    #[test]
    fn never_rotated_secrets_count_from_creation() {
        let seen = run(&CONTROL, &state_of());
        let new = verdict(&seen, "acme/new-api-key");
        assert_eq!(new.compliance, Some(Compliance::Compliant));
        assert_eq!(
            new.text,
            "never rotated, created 2026-04-20, 42 days ago: within 90 days [automatic rotation is off]"
        );
        let legacy = verdict(&seen, "acme/legacy");
        assert_eq!(legacy.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            legacy.text,
            "never rotated, created 2025-01-01, 516 days ago: over 90 days (maxDaysSinceRotation) [automatic rotation is off]"
        );
        let odd = verdict(&seen, "acme/odd");
        assert_eq!(odd.compliance, None);
        assert_eq!(
            odd.text,
            "secrets[4].CreatedDate: secret acme/odd has neither LastRotatedDate nor CreatedDate"
        );
    }

    #[test]
    fn the_limit_is_a_parameter_and_tags_are_kept() {
        let seen = run_with(&CONTROL, &state_of(), &[("maxDaysSinceRotation", "180")]);
        assert_eq!(
            verdict(&seen, "acme/stuck").compliance,
            Some(Compliance::Compliant)
        );
        assert_eq!(
            judgements(&CONTROL, &state_of())[0]
                .subject
                .tags
                .get("team")
                .map(String::as_str),
            Some("payments")
        );
        assert_eq!(account_verdict(&CONTROL, &state()).compliance, None);
    }
}
