use super::credentials::{active_keys, judge_users};
use crate::controls::account::{dated, days};
use crate::controls::prelude::*;
use crate::facts::CredentialRow;
use crate::timestamp::Timestamp;

static MAX_CREDENTIAL_USAGE_AGE: ParamSpec = ParamSpec {
    name: "maxCredentialUsageAge",
    kind: ParamKind::Integer { min: 1, max: 3650 },
    default: "45",
    help:
        "Days a password or active access key may go unused (default 45, as Security Hub and CIS).",
};

crate::control! {
    /// ## What it checks
    /// Whether each IAM user's console password and active access keys were used within
    /// `maxCredentialUsageAge` days (default 45), from the IAM credential report, as the managed
    /// rule `iam-user-unused-credentials-check` does with Security Hub's value. A credential
    /// unused for that many whole days or more fails ("unused for 45 days or more", as CIS
    /// words it). A credential never used is judged by when it was set: the password by
    /// `password_last_changed`, a key by `access_key_N_last_rotated` (its creation), either by
    /// the user's creation time when the report has nothing better; with no date at all it
    /// fails, since its idleness cannot be bounded. Inactive keys are ignored; users with
    /// neither a password nor an active key are NOT_APPLICABLE. One evaluation per user
    /// (`AWS::IAM::User`, the user id); the annotation says how old the report is.
    ///
    /// ## Why it matters
    /// A credential nobody uses still works for whoever finds it. Removing idle passwords and
    /// keys is the customer's part of identity hygiene and shrinks what a leak can open.
    ///
    /// ## How to fix
    /// Remove the console password (`aws iam delete-login-profile`) and deactivate or delete the
    /// access keys (`aws iam update-access-key --status Inactive`, `delete-access-key`) that
    /// were not used within the limit; delete users nobody needs.
    CONTROL = Control {
        id: "IAM.22",
        title: "IAM user credentials unused for 45 days should be removed",
        resource_types: &[ResourceType::IamUser],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.22"),
            cis: &[Cis::v1_4("1.12"), Cis::v3("1.12")],
            nist: &[],
        },
        remediation: Remediation {
            text: "Remove console passwords and deactivate or delete access keys not used within the limit (45 days by default); delete users nobody needs.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-22",
        },
        params: &[MAX_CREDENTIAL_USAGE_AGE],
        check: Check::Account(evaluate, &[Need::IamCredentialReport]),
    }
}

fn evaluate(state: &AccountState, params: &Params, context: &Context) -> Vec<Judgement> {
    let max = params.integer(&MAX_CREDENTIAL_USAGE_AGE);
    judge_users(state, context, |row| judge(row, max, context.now))
}

/// A credential and the dates that bound its idleness.
struct Credential {
    name: String,
    last_used: Option<Timestamp>,
    /// When it was set (password change, key creation), for a credential never used.
    set: Option<Timestamp>,
    set_as: &'static str,
}

fn credentials(row: &CredentialRow) -> Vec<Credential> {
    let mut found = Vec::new();
    if row.password_enabled {
        found.push(match row.password_last_changed {
            Some(t) => Credential {
                name: "password".into(),
                last_used: row.password_last_used,
                set: Some(t),
                set_as: "set",
            },
            None => Credential {
                name: "password".into(),
                last_used: row.password_last_used,
                set: row.user_created,
                set_as: "user created",
            },
        });
    }
    for key in active_keys(row) {
        let (set, set_as) = match key.last_rotated {
            Some(t) => (Some(t), "created"),
            None => (row.user_created, "user created"),
        };
        found.push(Credential {
            name: format!("access key {}", key.slot),
            last_used: key.last_used,
            set,
            set_as,
        });
    }
    found
}

fn judge(row: &CredentialRow, max: i64, now: Timestamp) -> Verdict {
    let found = credentials(row);
    if found.is_empty() {
        return Verdict::not_applicable("no console password and no active access key");
    }
    let mut offences = Vec::new();
    let mut fine = Vec::new();
    for c in &found {
        let (since, how) = match (c.last_used, c.set) {
            (Some(t), _) => (t, format!("last used {}", dated(t, now))),
            (None, Some(t)) => (t, format!("never used, {} {}", c.set_as, dated(t, now))),
            (None, None) => {
                offences.push(format!(
                    "{} has no use or creation date in the report",
                    c.name
                ));
                continue;
            }
        };
        if since.days_until(now) >= max {
            offences.push(format!("{} {how}", c.name));
        } else {
            fine.push(format!("{} {how}", c.name));
        }
    }
    if !offences.is_empty() {
        offences.push(format!("limit {} (maxCredentialUsageAge)", days(max)));
    }
    Verdict::from_offences(
        offences,
        format!("used within {}: {}", days(max), fine.join("; ")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn console(name: &str, changed: Option<&str>, used: Option<&str>) -> CredentialRow {
        CredentialRow {
            password_enabled: true,
            password_last_changed: changed.map(at),
            password_last_used: used.map(at),
            ..user(name)
        }
    }

    fn state_of() -> AccountState {
        with_users(vec![
            console(
                "alice",
                Some("2025-06-01T00:00:00Z"),
                Some("2026-05-30T08:00:00Z"),
            ),
            console(
                "bob",
                Some("2025-06-01T00:00:00Z"),
                Some("2026-03-01T08:00:00Z"),
            ),
            console("carol", Some("2026-05-20T09:00:00Z"), None),
            console("dave", None, None),
            CredentialRow {
                access_keys: vec![
                    key(
                        1,
                        true,
                        Some("2025-01-10T00:00:00Z"),
                        Some("2026-05-31T12:00:00Z"),
                    ),
                    key(2, true, Some("2026-02-01T00:00:00Z"), None),
                ],
                ..user("ci-deployer")
            },
            CredentialRow {
                access_keys: vec![key(1, false, Some("2020-01-01T00:00:00Z"), None)],
                ..user("retired")
            },
        ])
    }

    #[test]
    fn recently_used_credentials_pass() {
        let seen = run(&CONTROL, &state_of());
        expect_user(
            &seen,
            "alice",
            Compliance::Compliant,
            "used within 45 days: password last used 2026-05-30, 1 day ago",
        );
        expect_user(
            &seen,
            "carol",
            Compliance::Compliant,
            "used within 45 days: password never used, set 2026-05-20, 11 days ago",
        );
    }

    #[test]
    fn idle_credentials_fail_each_named() {
        let seen = run(&CONTROL, &state_of());
        expect_user(
            &seen,
            "bob",
            Compliance::NonCompliant,
            "password last used 2026-03-01, 91 days ago; limit 45 days (maxCredentialUsageAge)",
        );
        expect_user(
            &seen,
            "dave",
            Compliance::NonCompliant,
            "password never used, user created 2024-01-15, 867 days ago; limit 45 days (maxCredentialUsageAge)",
        );
        expect_user(
            &seen,
            "ci-deployer",
            Compliance::NonCompliant,
            "access key 2 never used, created 2026-02-01, 120 days ago; limit 45 days (maxCredentialUsageAge)",
        );
    }

    #[test]
    fn no_credentials_not_applicable_and_the_limit_is_a_parameter() {
        let seen = run(&CONTROL, &state_of());
        expect_user(
            &seen,
            "retired",
            Compliance::NotApplicable,
            "no console password and no active access key",
        );
        let relaxed = run_with(&CONTROL, &state_of(), &[("maxCredentialUsageAge", "120")]);
        expect_user(
            &relaxed,
            "bob",
            Compliance::Compliant,
            "used within 120 days: password last used 2026-03-01, 91 days ago",
        );
        expect_user(
            &relaxed,
            "ci-deployer",
            Compliance::NonCompliant,
            "access key 2 never used, created 2026-02-01, 120 days ago; limit 120 days (maxCredentialUsageAge)",
        );
    }
}
