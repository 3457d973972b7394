use crate::controls::account::judge_account;
use crate::controls::prelude::*;

crate::control! {
    /// ## What it checks
    /// Whether EBS encryption by default is on in the Region (`ec2:GetEbsEncryptionByDefault`
    /// returns `EbsEncryptionByDefault: true`), as the managed rule
    /// `ec2-ebs-encryption-by-default` does. The setting is per Region, so each Region's run
    /// judges its own; one evaluation for the account (`AWS::::Account`). Which KMS key new
    /// volumes get is not judged.
    ///
    /// ## Why it matters
    /// Encrypting data at rest is the customer's side of the model. With the default on, every
    /// new volume and snapshot copy is encrypted whoever creates it and however, so no
    /// unencrypted volume (EC2.3) can appear by omission.
    ///
    /// ## How to fix
    /// Turn it on in every Region you use (EC2 console → Settings → Data protection and
    /// security → EBS encryption → Always encrypt new EBS volumes, or
    /// `aws ec2 enable-ebs-encryption-by-default --region …`). Existing volumes stay as they are;
    /// replace unencrypted ones from encrypted snapshot copies.
    CONTROL = Control {
        id: "EC2.7",
        title: "EBS default encryption should be enabled",
        resource_types: &[ResourceType::Account],
        trigger: Trigger::Periodic,
        severity: Severity::Medium,
        owner: Owner::Platform,
        area: SrmArea::KeyManagement,
        mappings: Mappings {
            security_hub: Some("EC2.7"),
            cis: &[Cis::v1_4("2.2.1"), Cis::v3("2.2.1")],
            nist: &["CA-9(1)", "CM-3(6)", "SC-13", "SC-28", "SC-28(1)", "SC-7(10)", "SI-7(6)"],
        },
        remediation: Remediation {
            text: "Turn on EBS encryption by default in every Region (aws ec2 enable-ebs-encryption-by-default).",
            url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-7",
        },
        params: &[],
        check: Check::Account(evaluate, &[Need::EbsEncryptionByDefault]),
    }
}

fn evaluate(state: &AccountState, _: &Params, _: &Context) -> Vec<Judgement> {
    let region = &state.region;
    judge_account(
        state,
        &state.ebs_encryption_by_default,
        Need::EbsEncryptionByDefault,
        |on| match on {
            true => Verdict::compliant(format!(
                "EBS encryption by default is on in {region}: new volumes are encrypted"
            )),
            false => Verdict::non_compliant(format!(
                "EBS encryption by default is off in {region}: new volumes may be unencrypted"
            )),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::account_test_support::*;
    use crate::verdict::Compliance;

    fn with(on: bool) -> AccountState {
        AccountState {
            ebs_encryption_by_default: Ok(on),
            ..state()
        }
    }

    #[test]
    fn follows_the_regional_setting() {
        let on = account_verdict(&CONTROL, &with(true));
        assert_eq!(on.compliance, Some(Compliance::Compliant));
        assert_eq!(
            on.text,
            "EBS encryption by default is on in eu-west-1: new volumes are encrypted"
        );
        let off = account_verdict(&CONTROL, &with(false));
        assert_eq!(off.compliance, Some(Compliance::NonCompliant));
        assert_eq!(
            off.text,
            "EBS encryption by default is off in eu-west-1: new volumes may be unencrypted"
        );
    }

    #[test]
    fn unavailable_setting_is_an_error() {
        let seen = account_verdict(&CONTROL, &state());
        assert_eq!(seen.compliance, None);
        assert!(seen
            .text
            .starts_with("EBS encryption by default: unavailable"));
    }
}
