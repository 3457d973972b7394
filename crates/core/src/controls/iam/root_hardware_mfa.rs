use super::root::without_mfa;
use crate::controls::account::{for_account, need};
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether the root user signs in with a hardware MFA device: `iam:GetAccountSummary`
    /// reports `AccountMFAEnabled` 1 and `iam:ListVirtualMFADevices` shows no virtual device
    /// assigned to the root user (the managed rule `root-account-hardware-mfa-enabled` fails
    /// when "any virtual MFA devices are permitted for signing in with root credentials"). A
    /// FIDO security key or hardware TOTP token passes. One evaluation for the account
    /// (`AWS::::Account`).
    ///
    /// Security Hub passes the control when the root user has no credentials at all (root access
    /// removed centrally through AWS Organizations). The facts fetched cannot show that: the
    /// account summary has no root password flag and the credential report's root row always
    /// says `password_enabled` `not_supported`. So absence is not inferred, and an account
    /// without root MFA fails; where root credentials were removed centrally, do not deploy
    /// this control to the account, or accept the finding with that reason.
    ///
    /// ## Why it matters
    /// The root user can do anything, including closing the account and changing its contact
    /// details, and no policy limits it. A virtual MFA app lives on a phone that can be lost,
    /// cloned or phished along with the password; a hardware key cannot be copied.
    ///
    /// ## How to fix
    /// Sign in as the root user, register a FIDO security key or a hardware TOTP token under
    /// Security credentials → Multi-factor authentication, then remove the virtual MFA device.
    /// Keep the key in a safe with a second one registered as backup.
    CONTROL = Control {
        id: "IAM.6",
        title: "Hardware MFA should be enabled for the root user",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::IdentityAndAccess,
        mappings: Mappings {
            security_hub: Some("IAM.6"),
            cis: &[Cis::v1_2("1.14"), Cis::v1_4("1.6"), Cis::v3("1.6")],
            nist: &["AC-2(1)", "AC-3(15)", "IA-2(1)", "IA-2(2)", "IA-2(6)", "IA-2(8)"],
        },
        remediation: Remediation {
            text: "Register a hardware MFA device (FIDO security key or hardware TOTP token) for the root user and remove its virtual MFA device.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html#iam-6",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::IamAccountSummary]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    let summary = match need(state, &state.account_summary, Need::IamAccountSummary) {
        Ok(summary) => summary,
        Err(judgements) => return judgements,
    };
    if let Some(verdict) = without_mfa(summary) {
        return for_account(state, Ok(verdict));
    }
    let virtual_mfa = match need(state, &state.root_virtual_mfa, Need::IamAccountSummary) {
        Ok(v) => *v,
        Err(judgements) => return judgements,
    };
    for_account(
        state,
        Ok(match virtual_mfa {
            true => Verdict::non_compliant(
                "the root user's MFA is a virtual device (iam:ListVirtualMFADevices lists one for root): use a hardware device",
            ),
            false => Verdict::compliant(
                "root MFA is on and no virtual MFA device is assigned to root: the device is a hardware one",
            ),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::facts::AccountSummary;
    use crate::verdict::Compliance;

    fn with(mfa: bool, virtual_mfa: bool) -> AccountState {
        AccountState {
            account_summary: Ok(AccountSummary {
                root_access_keys_present: false,
                root_mfa_enabled: mfa,
            }),
            root_virtual_mfa: Ok(virtual_mfa),
            ..state()
        }
    }

    #[test]
    fn hardware_mfa_passes() {
        let seen = account_verdict(&CONTROL, &with(true, false));
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "root MFA is on and no virtual MFA device is assigned to root: the device is a hardware one"
        );
    }

    #[test]
    fn virtual_or_no_mfa_fails() {
        let virtual_mfa = account_verdict(&CONTROL, &with(true, true));
        assert_eq!(virtual_mfa.compliance, Some(Compliance::NonCompliant));
        assert!(virtual_mfa
            .text
            .starts_with("the root user's MFA is a virtual device"));
        let none = account_verdict(&CONTROL, &with(false, false));
        assert_eq!(none.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            none.text,
            "the root user has no MFA device (AccountMFAEnabled 0)"
        );
    }

    #[test]
    fn unknown_virtual_devices_are_an_error_when_they_decide() {
        let state = AccountState {
            root_virtual_mfa: Err(crate::facts::Unavailable::Failed(
                "iam:ListVirtualMFADevices: AccessDenied".into(),
            )),
            ..with(true, false)
        };
        let seen = account_verdict(&CONTROL, &state);
        assert_eq!(seen.compliance, None);
        assert_eq!(
            seen.text,
            "the IAM account summary: unavailable: iam:ListVirtualMFADevices: AccessDenied"
        );
    }
}
