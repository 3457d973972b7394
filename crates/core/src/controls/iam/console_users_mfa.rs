use super::credentials::judge_users;
use crate::controls::prelude::*;
use crate::facts::CredentialRow;

crate::control! {
    /// ## What it checks
    /// Whether every IAM user with a console password has an MFA device, from the IAM credential
    /// report (`password_enabled`, `mfa_active`), as the managed rule
    /// `mfa-enabled-for-iam-console-access` does. Users without a console password are
    /// NOT_APPLICABLE: they cannot sign in to the console, and their access keys are IAM.3's and
    /// IAM.22's concern. Any MFA type counts (virtual, FIDO, hardware TOTP). One evaluation per
    /// user (`AWS::IAM::User`, the user id); the annotation says how old the report is.
    ///
    /// ## Why it matters
    /// A password alone is phished, guessed or reused from another site's breach. Requiring a
    /// second factor for human sign-in is the customer's side of identity management.
    ///
    /// ## How to fix
    /// Assign an MFA device to the user (IAM console → Users → Security credentials → Assign MFA
    /// device), or remove the console password if the user does not need the console. Better,
    /// move people to IAM Identity Center or federation and keep IAM users for nothing human.
    CONTROL = Control {
        id: "IAM.5",
        title: "MFA should be enabled for all IAM users that have a console password",
        resource_types: &[ResourceType::IamUser],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.5"),
            cis: &[Cis::v1_2("1.2"), Cis::v1_4("1.10"), Cis::v3("1.10")],
            nist: &["AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)"],
        },
        remediation: Remediation {
            text: "Assign an MFA device to every IAM user that has a console password, or remove the password of users who do not need the console.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-5",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::IamCredentialReport]),
    }
}

fn evaluate(state: &AccountState, _: &Params, context: &Context) -> Vec<Judgement> {
    judge_users(state, context, judge)
}

fn judge(row: &CredentialRow) -> Verdict {
    match (row.password_enabled, row.mfa_active) {
        (false, _) => Verdict::not_applicable("no console password (password_enabled false)"),
        (true, true) => Verdict::compliant("console password with an active MFA device"),
        (true, false) => Verdict::non_compliant(
            "console password without MFA (password_enabled true, mfa_active false)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn console(name: &str, mfa: bool) -> CredentialRow {
        CredentialRow {
            password_enabled: true,
            mfa_active: mfa,
            ..user(name)
        }
    }

    #[test]
    fn console_users_need_mfa() {
        let state = with_users(vec![
            console("alice", true),
            console("bob", false),
            user("ci-deployer"),
        ]);
        let seen = run(&CONTROL, &state);
        assert_eq!(seen.len(), 3);
        expect_user(
            &seen,
            "alice",
            Compliance::Compliant,
            "console password with an active MFA device",
        );
        expect_user(
            &seen,
            "bob",
            Compliance::NonCompliant,
            "console password without MFA (password_enabled true, mfa_active false)",
        );
        expect_user(
            &seen,
            "ci-deployer",
            Compliance::NotApplicable,
            "no console password (password_enabled false)",
        );
    }
}
