use super::credentials::{active_keys, judge_users};
use crate::controls::account::{dated, days};
use crate::controls::prelude::*;
use crate::facts::CredentialRow;
use crate::timestamp::Timestamp;

static MAX_ACCESS_KEY_AGE: ParamSpec = ParamSpec {
    name: "maxAccessKeyAge",
    kind: ParamKind::Integer { min: 1, max: 3650 },
    default: "90",
    help: "Most days since an active access key was created or rotated (default 90, Security Hub's fixed value).",
};

crate::control! {
    /// ## What it checks
    /// Whether each IAM user's active access keys were created (rotated) within
    /// `maxAccessKeyAge` days (default 90), from the IAM credential report
    /// (`access_key_N_active`, `access_key_N_last_rotated`), as the managed rule
    /// `access-keys-rotated` does. A key older than the limit by whole days fails: 90 days and
    /// some hours still passes, 91 days fails. Inactive keys are ignored; users without an active
    /// key are NOT_APPLICABLE. An active key the report gives no rotation date for fails, since
    /// its age cannot be shown to be within the limit. One evaluation per user
    /// (`AWS::IAM::User`, the user id); the annotation says how old the report is.
    ///
    /// ## Why it matters
    /// Long-term access keys are the customer's credentials to manage. The longer a key lives,
    /// the more copies of it exist in scripts, laptops and logs, and a leaked key works until
    /// someone rotates it.
    ///
    /// ## How to fix
    /// Create a second key, move every application to it, then deactivate and delete the old one
    /// (`aws iam create-access-key`, `update-access-key --status Inactive`, `delete-access-key`).
    /// Better, replace the user's keys with roles, IAM Identity Center or other short-lived
    /// credentials.
    CONTROL = Control {
        id: "IAM.3",
        title: "IAM users' access keys should be rotated every 90 days or less",
        resource_types: &[ResourceType::IamUser],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.3"),
            cis: &[Cis::v1_2("1.4"), Cis::v1_4("1.14"), Cis::v3("1.14")],
            nist: &["AC-2(1)", "AC-2(3)", "AC-3(15)"],
        },
        remediation: Remediation {
            text: "Create a new access key, move applications to it, then deactivate and delete every active key older than the limit; prefer roles over long-term keys.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-3",
        },
        params: &[MAX_ACCESS_KEY_AGE],
        check: Check::Account(evaluate, &[Need::IamCredentialReport]),
    }
}

fn evaluate(state: &AccountState, params: &Params, context: &Context) -> Vec<Judgement> {
    let max = params.integer(&MAX_ACCESS_KEY_AGE);
    judge_users(state, context, |row| judge(row, max, context.now))
}

fn judge(row: &CredentialRow, max: i64, now: Timestamp) -> Verdict {
    let mut offences = Vec::new();
    let mut fine = Vec::new();
    for key in active_keys(row) {
        let slot = key.slot;
        match key.last_rotated {
            None => offences.push(format!(
                "active access key {slot} has no rotation date in the report (access_key_{slot}_last_rotated)"
            )),
            Some(t) if t.days_until(now) > max => offences.push(format!(
                "active access key {slot} last rotated {}: over {} (maxAccessKeyAge)",
                dated(t, now),
                days(max)
            )),
            Some(t) => fine.push(format!("key {slot} rotated {}", dated(t, now))),
        }
    }
    if offences.is_empty() && fine.is_empty() {
        return Verdict::not_applicable("no active access key");
    }
    Verdict::from_offences(
        offences,
        format!(
            "active access keys within {}: {}",
            days(max),
            fine.join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn with_keys(name: &str, keys: Vec<crate::facts::AccessKeyState>) -> CredentialRow {
        CredentialRow {
            access_keys: keys,
            ..user(name)
        }
    }

    fn state_of() -> AccountState {
        with_users(vec![
            with_keys(
                "fresh",
                vec![
                    key(1, true, Some("2026-04-01T10:00:00Z"), None),
                    key(2, false, Some("2020-01-01T00:00:00Z"), None),
                ],
            ),
            with_keys(
                "stale",
                vec![
                    key(1, true, Some("2026-05-20T10:00:00Z"), None),
                    key(2, true, Some("2025-12-01T08:00:00Z"), None),
                ],
            ),
            with_keys(
                "edge",
                vec![key(1, true, Some("2026-03-02T12:00:00Z"), None)],
            ),
            with_keys("undated", vec![key(1, true, None, None)]),
            user("console-only"),
        ])
    }

    #[test]
    fn active_keys_must_be_recent() {
        let seen = run(&CONTROL, &state_of());
        expect_user(
            &seen,
            "fresh",
            Compliance::Compliant,
            "active access keys within 90 days: key 1 rotated 2026-04-01, 60 days ago",
        );
        expect_user(
            &seen,
            "stale",
            Compliance::NonCompliant,
            "active access key 2 last rotated 2025-12-01, 181 days ago: over 90 days (maxAccessKeyAge)",
        );
        expect_user(
            &seen,
            "edge",
            Compliance::Compliant,
            "active access keys within 90 days: key 1 rotated 2026-03-02, 90 days ago",
        );
        expect_user(
            &seen,
            "undated",
            Compliance::NonCompliant,
            "active access key 1 has no rotation date in the report (access_key_1_last_rotated)",
        );
        expect_user(
            &seen,
            "console-only",
            Compliance::NotApplicable,
            "no active access key",
        );
    }

    #[test]
    fn the_limit_is_a_parameter() {
        let seen = run_with(&CONTROL, &state_of(), &[("maxAccessKeyAge", "30")]);
        expect_user(
            &seen,
            "fresh",
            Compliance::NonCompliant,
            "active access key 1 last rotated 2026-04-01, 60 days ago: over 30 days (maxAccessKeyAge)",
        );
    }
}
