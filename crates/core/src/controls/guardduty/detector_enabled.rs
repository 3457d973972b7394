use crate::controls::account::{first_few, judge_account};
use crate::controls::prelude::*;
use crate::facts::DetectorState;

crate::control! {
    /// ## What it checks
    /// Whether GuardDuty is on in the Region: `guardduty:ListDetectors` returns a detector whose
    /// `GetDetector` status is `ENABLED`, as the managed rule `guardduty-enabled-centralized`
    /// checks (Security Hub passes it no central monitoring account, and neither does this
    /// control). A suspended detector does not count. Member accounts of a GuardDuty
    /// administrator have their own detector in each Region, so they are judged the same way.
    /// One evaluation for the account (`AWS::::Account`).
    ///
    /// ## Why it matters
    /// Detecting compromise (stolen credentials in use, crypto-mining, calls from known bad
    /// addresses) is the customer's side of incident response; with GuardDuty off in a Region,
    /// an attacker working there goes unseen.
    ///
    /// ## How to fix
    /// Enable GuardDuty in every Region, ideally for the whole organization from a delegated
    /// administrator account with auto-enable for new members (`aws guardduty create-detector
    /// --enable`, or `update-detector --detector-id … --enable` for a suspended one).
    CONTROL = Control {
        id: "GuardDuty.1",
        title: "GuardDuty should be enabled",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::High,
        owner: Owner::Security,
        area: SrmArea::IncidentResponse,
        mappings: Mappings {
            security_hub: Some("GuardDuty.1"),
            cis: &[],
            nist: &["AC-2(12)", "AU-6(1)", "AU-6(5)", "CA-7", "CM-8(3)", "RA-3(4)", "SA-11(1)", "SA-11(6)", "SA-15(2)", "SA-15(8)", "SA-8(19)", "SA-8(21)", "SA-8(25)", "SC-5", "SC-5(1)", "SC-5(3)", "SI-20", "SI-3(8)", "SI-4", "SI-4(1)", "SI-4(13)", "SI-4(2)", "SI-4(22)", "SI-4(25)", "SI-4(4)", "SI-4(5)"],
        },
        remediation: Remediation {
            text: "Enable a GuardDuty detector in every Region, preferably for the whole organization from a delegated administrator account.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/guardduty-controls.html#guardduty-1",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::GuardDutyDetectors]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(
        state,
        &state.detectors,
        Need::GuardDutyDetectors,
        |detectors| judge(detectors, &state.region),
    )
}

fn judge(detectors: &[DetectorState], region: &str) -> Verdict {
    if let Some(on) = detectors.iter().find(|d| d.enabled) {
        return Verdict::compliant(format!(
            "GuardDuty detector {} is enabled in {region}",
            on.id
        ));
    }
    let ids: Vec<String> = detectors.iter().map(|d| d.id.clone()).collect();
    match ids.len() {
        0 => Verdict::non_compliant(format!("no GuardDuty detector in {region}")),
        _ => Verdict::non_compliant(format!(
            "GuardDuty detector {} in {region} is suspended (status DISABLED)",
            first_few(&ids, 3)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn detector(id: &str, enabled: bool) -> DetectorState {
        DetectorState {
            id: id.to_string(),
            enabled,
        }
    }

    fn with(detectors: Vec<DetectorState>) -> AccountState {
        AccountState {
            detectors: Ok(detectors),
            ..state()
        }
    }

    #[test]
    fn an_enabled_detector_passes() {
        let seen = account_verdict(
            &CONTROL,
            &with(vec![detector("12abc34d567e8fa901bc2d34e56789f0", true)]),
        );
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0 is enabled in eu-west-1"
        );
    }

    #[test]
    fn missing_or_suspended_detectors_fail() {
        let none = account_verdict(&CONTROL, &with(vec![]));
        assert_eq!(none.compliance, Some(Compliance::NonCompliant));
        assert_eq!(none.text, "no GuardDuty detector in eu-west-1");
        let suspended = account_verdict(
            &CONTROL,
            &with(vec![detector("12abc34d567e8fa901bc2d34e56789f0", false)]),
        );
        assert_eq!(suspended.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            suspended.text,
            "GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0 in eu-west-1 is suspended (status DISABLED)"
        );
        assert_eq!(account_verdict(&CONTROL, &state()).compliance, None);
    }
}
