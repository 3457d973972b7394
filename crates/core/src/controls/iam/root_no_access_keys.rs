use crate::controls::account::judge_account;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the root user has access keys: `iam:GetAccountSummary` reports
    /// `AccountAccessKeysPresent` 1 when it has any, active or not. This is what the managed rule
    /// `iam-root-access-key-check` checks; one evaluation for the account (`AWS::::Account`).
    ///
    /// ## Why it matters
    /// Root access keys can do everything in the account, cannot be limited by any IAM policy
    /// and are long-lived: one leaked key is the whole account. Who holds root credentials is
    /// the customer's responsibility.
    ///
    /// ## How to fix
    /// Sign in as the root user, open Security credentials and delete every access key (first
    /// move whatever used them to an IAM role). Nothing should need root keys.
    CONTROL = Control {
        id: "IAM.4",
        title: "IAM root user access key should not exist",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.4"),
            cis: &[Cis::v1_2("1.12"), Cis::v1_4("1.4"), Cis::v3("1.4")],
            nist: &["AC-2(1)", "AC-3(15)", "AC-3(7)", "AC-6", "AC-6(10)", "AC-6(2)"],
        },
        remediation: Remediation {
            text: "Sign in as the root user and delete its access keys; use IAM roles for programmatic access.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-4",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::IamAccountSummary]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(
        state,
        &state.account_summary,
        Need::IamAccountSummary,
        |summary| match summary.root_access_keys_present {
            false => {
                Verdict::compliant("the root user has no access keys (AccountAccessKeysPresent 0)")
            }
            true => Verdict::non_compliant(
                "the root user has access keys (AccountAccessKeysPresent 1): delete them",
            ),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::facts::AccountSummary;
    use crate::verdict::Compliance;

    fn with(keys: bool) -> AccountState {
        AccountState {
            account_summary: Ok(AccountSummary {
                root_access_keys_present: keys,
                root_mfa_enabled: true,
            }),
            ..state()
        }
    }

    #[test]
    fn root_keys_fail() {
        let none = account_verdict(&CONTROL, &with(false));
        assert_eq!(none.compliance, Some(Compliance::Compliant));
        assert_eq!(
            none.text,
            "the root user has no access keys (AccountAccessKeysPresent 0)"
        );
        let some = account_verdict(&CONTROL, &with(true));
        assert_eq!(some.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            some.text,
            "the root user has access keys (AccountAccessKeysPresent 1): delete them"
        );
    }

    #[test]
    fn unavailable_summary_is_an_error() {
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert!(seen
            .text
            .starts_with("the IAM account summary: unavailable"));
    }
}
