use crate::controls::account::{first_qualifying, judge_account};
use crate::controls::prelude::*;
use crate::facts::TrailState;

crate::control! {
    /// ## What it checks
    /// Whether at least one trail that applies to the Region is multi-Region
    /// (`IsMultiRegionTrail`), is logging (`GetTrailStatus` `IsLogging`), and records both read
    /// and write management events (`GetEventSelectors`: a basic selector with
    /// `IncludeManagementEvents` true, `ReadWriteType` `All` and no
    /// `ExcludeManagementEventSources`, or advanced selectors of the `Management` category
    /// without a `readOnly` filter). This is the managed rule `multi-region-cloudtrail-enabled`
    /// with Security Hub's `readWriteType` `ALL`; a trail that is not logging is taken as not
    /// enabled (the rule's "enabled" is not more precise). Organization trails and trails
    /// whose home is another Region count when they apply here. One evaluation for the account
    /// (`AWS::::Account`); a failure says why each trail falls short.
    ///
    /// ## Why it matters
    /// The audit trail of API calls is the customer's evidence: without every Region's read and
    /// write management events, a change made from an unwatched Region or a data-gathering
    /// session leaves no record.
    ///
    /// ## How to fix
    /// Create (or convert) a trail that applies to all Regions, records read and write
    /// management events with no excluded event sources, and start logging
    /// (`aws cloudtrail update-trail --name … --is-multi-region-trail`,
    /// `put-event-selectors … ReadWriteType=All,IncludeManagementEvents=true`,
    /// `start-logging`). In an organization, one organization trail from the management or
    /// delegated administrator account covers every member account.
    CONTROL = Control {
        id: "CloudTrail.1",
        title: "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::High,
        owner: Owner::Security,
        area: SrmArea::ComplianceEvidence,
        mappings: Mappings {
            security_hub: Some("CloudTrail.1"),
            cis: &[Cis::v1_2("2.1"), Cis::v1_4("3.1"), Cis::v3("3.1")],
            nist: &["AC-2(4)", "AC-4(26)", "AC-6(9)", "AU-10", "AU-12", "AU-2", "AU-3", "AU-6(3)", "AU-6(4)", "AU-14(1)", "CA-7", "SC-7(9)", "SI-3(8)", "SI-4(20)", "SI-7(8)", "SA-8(22)"],
        },
        remediation: Remediation {
            text: "Make a trail apply to all Regions, record read and write management events without excluded event sources, and start logging.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::CloudTrailTrails]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(state, &state.trails, Need::CloudTrailTrails, |trails| {
        judge(trails, &state.region)
    })
}

/// Why a trail does not qualify; empty when it does.
fn shortfalls(trail: &TrailState) -> Vec<&'static str> {
    [
        (trail.multi_region, "not multi-Region"),
        (trail.logging, "not logging"),
        (
            trail.all_management_events,
            "does not record all read and write management events",
        ),
    ]
    .into_iter()
    .filter(|(ok, _)| !ok)
    .map(|(_, why)| why)
    .collect()
}

fn judge(trails: &[TrailState], region: &str) -> Verdict {
    if trails.is_empty() {
        return Verdict::non_compliant(format!("no CloudTrail trail applies to {region}"));
    }
    match first_qualifying(trails, "trail", |t| &t.name, shortfalls) {
        Ok(good) => {
            let others = match trails.len() - 1 {
                0 => String::new(),
                1 => " (1 other trail)".to_string(),
                n => format!(" ({n} other trails)"),
            };
            Verdict::compliant(format!(
                "trail {} is multi-Region, logging, and records read and write management events{others}",
                good.name
            ))
        }
        Err(verdict) => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn trail(name: &str, multi_region: bool, logging: bool, all: bool) -> TrailState {
        TrailState {
            name: name.to_string(),
            arn: Some(format!(
                "arn:aws:cloudtrail:us-east-1:111122223333:trail/{name}"
            )),
            home_region: Some("us-east-1".into()),
            multi_region,
            logging,
            all_management_events: all,
        }
    }

    fn with(trails: Vec<TrailState>) -> AccountState {
        AccountState {
            trails: Ok(trails),
            ..state()
        }
    }

    #[test]
    fn one_good_trail_is_enough() {
        let seen = account_verdict(
            &CONTROL,
            &with(vec![
                trail("acme-local", false, true, true),
                trail("acme-org-trail", true, true, true),
            ]),
        );
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "trail acme-org-trail is multi-Region, logging, and records read and write management events (1 other trail)"
        );
    }

    #[test]
    fn each_trail_says_why_it_falls_short() {
        let seen = account_verdict(
            &CONTROL,
            &with(vec![
                trail("acme-local", false, true, true),
                trail("acme-stopped", true, false, true),
                trail("acme-writes", true, true, false),
            ]),
        );
        assert_eq!(seen.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            seen.text,
            "no trail qualifies; acme-local: not multi-Region; acme-stopped: not logging; acme-writes: does not record all read and write management events"
        );
        let none = account_verdict(&CONTROL, &with(vec![]));
        assert_eq!(none.compliance, Some(Compliance::NonCompliant));
        assert_eq!(none.text, "no CloudTrail trail applies to eu-west-1");
    }

    #[test]
    fn unavailable_trails_are_an_error() {
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert!(seen.text.starts_with("the CloudTrail trails: unavailable"));
    }
}
