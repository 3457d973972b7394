use crate::controls::account::judge_account;
use crate::controls::prelude::*;
use crate::resource::s3::PublicAccessBlock;

crate::control! {
    /// ## What it checks
    /// Whether all four account-level S3 Block Public Access settings are on:
    /// `BlockPublicAcls`, `IgnorePublicAcls`, `BlockPublicPolicy` and `RestrictPublicBuckets`
    /// (`s3control:GetPublicAccessBlock` for the account). An account that never configured
    /// them (`NoSuchPublicAccessBlockConfiguration`) has all four off. The verdict names the
    /// settings that are off. One evaluation for the account, as Security Hub reports it
    /// (`AWS::::Account`); all four settings are required, not configurable, as in Security Hub.
    ///
    /// ## Why it matters
    /// Account-level Block Public Access overrides every bucket's ACLs and policies, so one
    /// mistaken grant on one bucket cannot publish data. Deciding what may be public is the
    /// customer's side of the model.
    ///
    /// ## How to fix
    /// Turn on all four settings for the account (S3 console → Block Public Access settings for
    /// this account → Block all public access, or `aws s3control put-public-access-block
    /// --account-id … --public-access-block-configuration
    /// BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`).
    /// Serve public content through CloudFront with origin access control instead.
    CONTROL = Control {
        id: "S3.1",
        title: "S3 general purpose buckets should have block public access settings enabled",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::ServiceConfiguration,
        mappings: Mappings {
            security_hub: Some("S3.1"),
            cis: &[Cis::v1_4("2.1.5"), Cis::v3("2.1.4")],
            nist: &["AC-21", "AC-3", "AC-3(7)", "AC-4", "AC-4(21)", "AC-6", "SC-7", "SC-7(11)", "SC-7(16)", "SC-7(20)", "SC-7(21)", "SC-7(3)", "SC-7(4)", "SC-7(9)"],
        },
        remediation: Remediation {
            text: "Turn on all four S3 Block Public Access settings for the account (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-1",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::AccountPublicAccessBlock]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    judge_account(
        state,
        &state.s3_public_access_block,
        Need::AccountPublicAccessBlock,
        |block| judge(block.as_ref()),
    )
}

fn judge(block: Option<&PublicAccessBlock>) -> Verdict {
    match block {
        Some(b) if b.all_on() => {
            Verdict::compliant("all four account-level Block Public Access settings are on")
        }
        Some(b) => Verdict::non_compliant(format!(
            "account-level Block Public Access off: {}",
            b.off_switches().join(", ")
        )),
        None => Verdict::non_compliant(
            "no account-level Block Public Access configuration: all four settings are off",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::facts::Unavailable;
    use crate::verdict::Compliance;

    fn with(block: Option<PublicAccessBlock>) -> AccountState {
        AccountState {
            s3_public_access_block: Ok(block),
            ..state()
        }
    }

    #[test]
    fn all_four_on_pass() {
        let all = PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        };
        let seen = account_verdict(&CONTROL, &with(Some(all)));
        assert_eq!(seen.compliance, Some(Compliance::Compliant));
        assert_eq!(
            seen.text,
            "all four account-level Block Public Access settings are on"
        );
    }

    #[test]
    fn settings_off_or_never_set_fail_naming_them() {
        let partial = PublicAccessBlock {
            block_public_acls: true,
            block_public_policy: true,
            ..PublicAccessBlock::default()
        };
        let seen = account_verdict(&CONTROL, &with(Some(partial)));
        assert_eq!(seen.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            seen.text,
            "account-level Block Public Access off: IgnorePublicAcls, RestrictPublicBuckets"
        );
        let never = account_verdict(&CONTROL, &with(None));
        assert_eq!(never.compliance, Some(Compliance::NonCompliant));
        assert!(never
            .text
            .starts_with("no account-level Block Public Access configuration"));
    }

    #[test]
    fn an_unavailable_fact_is_an_error_for_the_account() {
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert_eq!(
            seen.text,
            "account-level S3 Block Public Access: unavailable: not fetched in this run"
        );
        let failed = AccountState {
            s3_public_access_block: Err(Unavailable::Failed(
                "s3control:GetPublicAccessBlock: AccessDenied".into(),
            )),
            ..state()
        };
        assert!(account_verdict(&CONTROL, &failed)
            .text
            .ends_with("unavailable: s3control:GetPublicAccessBlock: AccessDenied"));
    }
}
