use super::root::without_mfa;
use crate::controls::account::judge_account;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the root user has an MFA device of any kind: `iam:GetAccountSummary` reports
    /// `AccountMFAEnabled` 1, as the managed rule `root-account-mfa-enabled` checks. Virtual
    /// devices pass here; IAM.6 asks for hardware. One evaluation for the account
    /// (`AWS::::Account`).
    ///
    /// Security Hub passes the control when the root user has no credentials at all (root access
    /// removed centrally through AWS Organizations). The facts fetched cannot show that (the
    /// credential report's root row always says `password_enabled` `not_supported`), so absence
    /// is not inferred and an account without root MFA fails; where root credentials were
    /// removed centrally, do not deploy this control to the account, or accept the finding with
    /// that reason.
    ///
    /// ## Why it matters
    /// The root user can do anything in the account and no policy limits it. Without MFA, its
    /// password (often shared, old, or reset through a mailbox) is the only barrier.
    ///
    /// ## How to fix
    /// Sign in as the root user and assign an MFA device under Security credentials →
    /// Multi-factor authentication, preferably a FIDO security key or hardware token (IAM.6).
    CONTROL = Control {
        id: "IAM.9",
        title: "MFA should be enabled for the root user",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.9"),
            cis: &[Cis::v1_2("1.13"), Cis::v1_4("1.5"), Cis::v3("1.5")],
            nist: &["AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)"],
        },
        remediation: Remediation {
            text: "Sign in as the root user and assign an MFA device, preferably a hardware security key.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-9",
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
        |summary| {
            without_mfa(summary).unwrap_or_else(|| {
                Verdict::compliant("the root user has an MFA device (AccountMFAEnabled 1)")
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::facts::AccountSummary;
    use crate::verdict::Compliance;

    fn with(mfa: bool) -> AccountState {
        AccountState {
            account_summary: Ok(AccountSummary {
                root_access_keys_present: false,
                root_mfa_enabled: mfa,
            }),
            ..state()
        }
    }

    #[test]
    fn any_root_mfa_passes() {
        let on = account_verdict(&CONTROL, &with(true));
        assert_eq!(on.compliance, Some(Compliance::Compliant));
        assert_eq!(
            on.text,
            "the root user has an MFA device (AccountMFAEnabled 1)"
        );
        let off = account_verdict(&CONTROL, &with(false));
        assert_eq!(off.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            off.text,
            "the root user has no MFA device (AccountMFAEnabled 0)"
        );
    }

    #[test]
    fn virtual_devices_are_not_needed_here() {
        let with_virtual = AccountState {
            root_virtual_mfa: Ok(true),
            ..with(true)
        };
        assert_eq!(
            account_verdict(&CONTROL, &with_virtual).compliance,
            Some(Compliance::Compliant)
        );
        assert_eq!(account_verdict(&CONTROL, &state()).compliance, None);
    }
}
