use crate::controls::account::{first_few, judge_account};
use crate::controls::prelude::*;

/// How many snapshot ids an annotation names before counting the rest.
const SHOWN: usize = 3;

crate::control! {
    /// ## What it checks
    /// Whether any EBS snapshot the account owns in the Region can be restored by anyone: its
    /// `createVolumePermission` includes the group `all` (`ec2:DescribeSnapshots` with
    /// `OwnerIds=self` and `RestorableByUserIds=all`), which is what the managed rule
    /// `ebs-snapshot-public-restorable-check` looks for. One evaluation for the account, as
    /// Security Hub reports it (`AWS::::Account`); a failure names the first few public
    /// snapshots and how many there are. Snapshots shared with named accounts are not public and
    /// pass. The Region's "block public access for snapshots" setting is not consulted: a
    /// snapshot whose permissions say `all` fails even while that setting hides it, because
    /// turning the setting off would publish it at once.
    ///
    /// ## Why it matters
    /// A public snapshot is a copy of a disk anyone with an AWS account can turn into a volume
    /// and read: databases, keys and credentials included. Sharing decisions are the customer's.
    ///
    /// ## How to fix
    /// Make each snapshot private (console: Snapshot → Modify permissions → Private, or
    /// `aws ec2 modify-snapshot-attribute --snapshot-id … --attribute createVolumePermission
    /// --operation-type remove --group-names all`), share with specific accounts where needed,
    /// and turn on block public access for snapshots in every Region.
    CONTROL = Control {
        id: "EC2.1",
        title: "Amazon EBS snapshots should not be configured to be publicly restorable",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Critical,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("EC2.1"),
            cis: &[],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Remove the public (group all) create-volume permission from each listed snapshot and share it only with the accounts that need it.",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-1",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::PublicEbsSnapshots]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(
        state,
        &state.public_snapshots,
        Need::PublicEbsSnapshots,
        |ids| judge(ids, &state.region),
    )
}

fn judge(ids: &[String], region: &str) -> Verdict {
    match ids.len() {
        0 => Verdict::compliant(format!(
            "no EBS snapshot the account owns in {region} is restorable by everyone"
        )),
        1 => Verdict::non_compliant(format!(
            "1 EBS snapshot is restorable by everyone (createVolumePermission group all): {}",
            first_few(ids, SHOWN)
        )),
        n => Verdict::non_compliant(format!(
            "{n} EBS snapshots are restorable by everyone (createVolumePermission group all): {}",
            first_few(ids, SHOWN)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn with(ids: &[&str]) -> AccountState {
        AccountState {
            public_snapshots: Ok(ids.iter().map(|s| s.to_string()).collect()),
            ..state()
        }
    }

    #[test]
    fn no_public_snapshot_passes() {
        let seen = account_verdict(&CONTROL, &with(&[]));
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "no EBS snapshot the account owns in eu-west-1 is restorable by everyone"
        );
    }

    #[test]
    fn public_snapshots_fail_naming_a_few_and_the_count() {
        let one = account_verdict(&CONTROL, &with(&["snap-0a1b2c3d4e5f60718"]));
        assert_eq!(one.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            one.text,
            "1 EBS snapshot is restorable by everyone (createVolumePermission group all): snap-0a1b2c3d4e5f60718"
        );
        let many = account_verdict(
            &CONTROL,
            &with(&[
                "snap-0000000000000000a",
                "snap-0000000000000000b",
                "snap-0000000000000000c",
                "snap-0000000000000000d",
                "snap-0000000000000000e",
            ]),
        );
        assert_eq!(
            many.text,
            "5 EBS snapshots are restorable by everyone (createVolumePermission group all): snap-0000000000000000a, snap-0000000000000000b, snap-0000000000000000c (+2 more)"
        );
    }

    #[test]
    fn unavailable_snapshots_are_an_error() {
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert!(seen.text.starts_with("public EBS snapshots: unavailable"));
    }
}
