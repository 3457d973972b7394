//! A periodic run over one realistic account: every account-level control judges the facts an
//! adapter would fetch, with default parameters, and the set of verdicts is what each control's
//! documentation promises.

mod support;

use std::collections::BTreeSet;

use ourside_core::facts::{
    AccountState, AccountSummary, CredentialReport, DetectorState, PasswordPolicy, RecorderState,
    SecretRotation, TrailState, Unavailable, UserRef, VpcFlowLogs,
};
use ourside_core::registry::CONTROLS;
use ourside_core::resource::s3::PublicAccessBlock;
use ourside_core::{Compliance, Evaluator, Timestamp};

const ACCOUNT: &str = "111122223333";

/// `iam:GetCredentialReport`, decoded: generated 1 h 25 min before the run.
const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2019-03-04T10:00:00+00:00,not_supported,2026-04-02T08:12:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::111122223333:user/alice,2023-02-01T09:00:00+00:00,true,2026-05-30T08:00:00+00:00,2026-01-10T00:00:00+00:00,N/A,true,true,2026-04-01T10:00:00+00:00,2026-05-31T17:40:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
bob,arn:aws:iam::111122223333:user/bob,2022-06-15T12:00:00+00:00,true,2026-02-10T16:30:00+00:00,2025-11-02T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
ci-deployer,arn:aws:iam::111122223333:user/automation/ci-deployer,2021-09-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-09-01T00:00:00+00:00,2026-05-31T20:05:00+00:00,eu-west-1,cloudformation,false,2021-09-01T00:00:00+00:00,2023-01-01T00:00:00+00:00,eu-west-1,s3,false,N/A,false,N/A
old-vendor,arn:aws:iam::111122223333:user/old-vendor,2026-01-05T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2026-01-05T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
departed,arn:aws:iam::111122223333:user/departed,2024-03-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

fn at(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

fn user(name: &str, id: &str) -> UserRef {
    UserRef {
        name: name.into(),
        id: id.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
    }
}

fn secret(name: &str, enabled: bool, rotated: Option<&str>, created: &str) -> SecretRotation {
    SecretRotation {
        arn: format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:{name}-a1B2c3"),
        name: name.into(),
        rotation_enabled: enabled,
        last_rotated: rotated.map(at),
        created: Some(at(created)),
        tags: Default::default(),
    }
}

fn account() -> AccountState {
    AccountState {
        s3_public_access_block: Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        })),
        ebs_encryption_by_default: Ok(false),
        public_snapshots: Ok(vec!["snap-0123456789abcdef0".into()]),
        account_summary: Ok(AccountSummary {
            root_access_keys_present: false,
            root_mfa_enabled: true,
        }),
        root_virtual_mfa: Ok(true),
        password_policy: Ok(Some(PasswordPolicy {
            minimum_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            max_age_days: None,
            reuse_prevention: Some(24),
        })),
        credential_report: Ok(
            CredentialReport::parse_csv(REPORT, at("2026-05-31T22:35:00Z")).unwrap(),
        ),
        users: Ok(vec![
            user("alice", "AIDAALICEEXAMPLE00001"),
            user("bob", "AIDABOBEXAMPLE0000002"),
            UserRef {
                arn: format!("arn:aws:iam::{ACCOUNT}:user/automation/ci-deployer"),
                ..user("ci-deployer", "AIDACIDEPLOYEREXAMPL3")
            },
            user("old-vendor", "AIDAOLDVENDOREXAMPL4"),
            user("new-hire", "AIDANEWHIREEXAMPLE05"),
        ]),
        trails: Ok(vec![
            TrailState {
                name: "acme-legacy".into(),
                arn: Some(format!(
                    "arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/acme-legacy"
                )),
                home_region: Some("eu-west-1".into()),
                multi_region: false,
                logging: true,
                all_management_events: true,
            },
            TrailState {
                name: "acme-org-trail".into(),
                arn: Some("arn:aws:cloudtrail:us-east-1:999988887777:trail/acme-org-trail".into()),
                home_region: Some("us-east-1".into()),
                multi_region: true,
                logging: true,
                all_management_events: true,
            },
        ]),
        vpcs: Ok(vec![
            VpcFlowLogs {
                vpc_id: "vpc-0a1b2c3d4e5f60001".into(),
                arn: None,
                active_traffic_types: vec!["ALL".into()],
            },
            VpcFlowLogs {
                vpc_id: "vpc-0a1b2c3d4e5f60002".into(),
                arn: None,
                active_traffic_types: vec!["ACCEPT".into()],
            },
            VpcFlowLogs {
                vpc_id: "vpc-0a1b2c3d4e5f60003".into(),
                arn: None,
                active_traffic_types: vec![],
            },
        ]),
        recorders: Ok(vec![RecorderState {
            name: "default".into(),
            recording: true,
            all_supported: true,
            include_global_resource_types: false,
            role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/acme-config-recorder")),
            last_status: Some("SUCCESS".into()),
        }]),
        detectors: Ok(vec![DetectorState {
            id: "6ac0b1a2c3d4e5f60718293a4b5c6d7e".into(),
            enabled: true,
        }]),
        secrets: Ok(vec![
            secret(
                "acme/prod/db",
                true,
                Some("2026-05-10T02:00:00Z"),
                "2024-05-01T00:00:00Z",
            ),
            secret("acme/prod/stripe", false, None, "2025-10-01T00:00:00Z"),
        ]),
        ..AccountState::new(ACCOUNT, "eu-west-1", support::now())
    }
}

/// (control, resource type, resource id, verdict) of every judgement; `None` for an error.
type Row = (String, String, String, Option<Compliance>);

fn judge(state: &AccountState) -> BTreeSet<Row> {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    evaluator
        .evaluate_account(state)
        .into_iter()
        .map(|(control, j)| {
            (
                control.id.to_string(),
                j.subject.resource_type.config_name().to_string(),
                j.subject.resource_id,
                j.outcome.ok().map(|v| v.compliance),
            )
        })
        .collect()
}

fn row(control: &str, resource_type: &str, id: &str, verdict: Option<Compliance>) -> Row {
    (control.into(), resource_type.into(), id.into(), verdict)
}

#[test]
fn a_mixed_account_gets_the_documented_verdicts() {
    use Compliance::{Compliant as C, NonCompliant as N, NotApplicable as NA};
    let acct = "AWS::::Account";
    let user = "AWS::IAM::User";
    let vpc = "AWS::EC2::VPC";
    let secret = "AWS::SecretsManager::Secret";
    let db = format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/prod/db-a1B2c3");
    let stripe =
        format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:acme/prod/stripe-a1B2c3");
    let expected: BTreeSet<Row> = [
        row("CloudTrail.1", acct, ACCOUNT, Some(C)),
        row("Config.1", acct, ACCOUNT, Some(N)),
        row("EC2.1", acct, ACCOUNT, Some(N)),
        row("EC2.6", vpc, "vpc-0a1b2c3d4e5f60001", Some(C)),
        row("EC2.6", vpc, "vpc-0a1b2c3d4e5f60002", Some(N)),
        row("EC2.6", vpc, "vpc-0a1b2c3d4e5f60003", Some(N)),
        row("EC2.7", acct, ACCOUNT, Some(N)),
        row("GuardDuty.1", acct, ACCOUNT, Some(C)),
        row("IAM.3", user, "AIDAALICEEXAMPLE00001", Some(C)),
        row("IAM.3", user, "AIDABOBEXAMPLE0000002", Some(NA)),
        row("IAM.3", user, "AIDACIDEPLOYEREXAMPL3", Some(N)),
        row("IAM.3", user, "AIDAOLDVENDOREXAMPL4", Some(N)),
        row("IAM.3", user, "departed", Some(NA)),
        row("IAM.3", user, "AIDANEWHIREEXAMPLE05", Some(NA)),
        row("IAM.4", acct, ACCOUNT, Some(C)),
        row("IAM.5", user, "AIDAALICEEXAMPLE00001", Some(C)),
        row("IAM.5", user, "AIDABOBEXAMPLE0000002", Some(N)),
        row("IAM.5", user, "AIDACIDEPLOYEREXAMPL3", Some(NA)),
        row("IAM.5", user, "AIDAOLDVENDOREXAMPL4", Some(NA)),
        row("IAM.5", user, "departed", Some(NA)),
        row("IAM.5", user, "AIDANEWHIREEXAMPLE05", Some(NA)),
        row("IAM.6", acct, ACCOUNT, Some(N)),
        row("IAM.7", acct, ACCOUNT, Some(C)),
        row("IAM.9", acct, ACCOUNT, Some(C)),
        row("IAM.22", user, "AIDAALICEEXAMPLE00001", Some(C)),
        row("IAM.22", user, "AIDABOBEXAMPLE0000002", Some(N)),
        row("IAM.22", user, "AIDACIDEPLOYEREXAMPL3", Some(C)),
        row("IAM.22", user, "AIDAOLDVENDOREXAMPL4", Some(N)),
        row("IAM.22", user, "departed", Some(NA)),
        row("IAM.22", user, "AIDANEWHIREEXAMPLE05", Some(NA)),
        row("S3.1", acct, ACCOUNT, Some(C)),
        row("SecretsManager.4", secret, &db, Some(C)),
        row("SecretsManager.4", secret, &stripe, Some(N)),
    ]
    .into_iter()
    .collect();
    assert_eq!(judge(&account()), expected);
}

#[test]
fn annotations_name_the_deciding_facts() {
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let judged = evaluator.evaluate_account(&account());
    let annotation = |control: &str, id: &str| {
        let found: Vec<_> = judged
            .iter()
            .filter(|(c, j)| c.id == control && j.subject.resource_id == id)
            .collect();
        assert_eq!(found.len(), 1, "{control} {id}");
        found[0].1.outcome.as_ref().unwrap().annotation.clone()
    };
    let fresh = "[credential report of 2026-05-31T22:35Z, 1 h 25 min old]";
    assert_eq!(
        annotation("IAM.3", "AIDACIDEPLOYEREXAMPL3"),
        format!("active access key 1 last rotated 2025-09-01, 273 days ago: over 90 days (maxAccessKeyAge) {fresh}")
    );
    assert_eq!(
        annotation("IAM.22", "AIDAOLDVENDOREXAMPL4"),
        format!("access key 1 never used, created 2026-01-05, 147 days ago; limit 45 days (maxCredentialUsageAge) {fresh}")
    );
    assert_eq!(
        annotation("IAM.5", "departed"),
        format!("no console password (password_enabled false) [not listed by iam:ListUsers (deleted since the report?): named by user name] {fresh}")
    );
    assert_eq!(
        annotation("IAM.22", "AIDANEWHIREEXAMPLE05"),
        "user new-hire is not in the credential report of 2026-05-31T22:35Z, 1 h 25 min old: created after it, judged once a newer report lists it"
    );
    assert_eq!(
        annotation("Config.1", ACCOUNT),
        "no recorder qualifies; default: includeGlobalResourceTypes false, role acme-config-recorder is not AWSServiceRoleForConfig"
    );
    assert_eq!(
        annotation("EC2.1", ACCOUNT),
        "1 EBS snapshot is restorable by everyone (createVolumePermission group all): snap-0123456789abcdef0"
    );
    // The ARN comes from the credential report (it carries the user's path).
    let ci = judged
        .iter()
        .find(|(c, j)| c.id == "IAM.3" && j.subject.resource_id == "AIDACIDEPLOYEREXAMPL3")
        .unwrap();
    assert_eq!(
        ci.1.subject.arn.as_deref(),
        Some("arn:aws:iam::111122223333:user/automation/ci-deployer")
    );
    for (control, judgement) in &judged {
        let subject = &judgement.subject;
        assert_eq!(
            subject.account_id.as_deref(),
            Some(ACCOUNT),
            "{}",
            control.id
        );
        assert_eq!(
            subject.region.as_deref(),
            Some("eu-west-1"),
            "{}",
            control.id
        );
        assert_eq!(subject.capture_time, Some(support::now()), "{}", control.id);
    }
}

#[test]
fn a_failed_fetch_fails_only_the_controls_that_need_it() {
    let state = AccountState {
        credential_report: Err(Unavailable::Failed(
            "iam:GetCredentialReport: ReportInProgress after 5 attempts".into(),
        )),
        ..account()
    };
    let rows = judge(&state);
    for control in ["IAM.3", "IAM.5", "IAM.22"] {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.0 == control).collect();
        assert_eq!(
            mine,
            vec![&row(control, "AWS::::Account", ACCOUNT, None)],
            "{control}"
        );
    }
    let errors = rows.iter().filter(|r| r.3.is_none()).count();
    assert_eq!(errors, 3, "{rows:?}");
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let error = evaluator
        .evaluate_account(&state)
        .into_iter()
        .find(|(c, _)| c.id == "IAM.5")
        .and_then(|(_, j)| j.outcome.err())
        .unwrap();
    assert_eq!(
        error.to_string(),
        "the IAM credential report: unavailable: iam:GetCredentialReport: ReportInProgress after 5 attempts"
    );
}

/// A secret carries its tags: an exemption tag waives the control for it, as for items.
#[test]
fn tagged_secrets_honour_exemptions() {
    let mut state = account();
    if let Ok(secrets) = &mut state.secrets {
        secrets[1].tags.insert(
            "ourside:exempt".into(),
            "SecretsManager.4;reason=rotated by the vendor".into(),
        );
    }
    let evaluator = Evaluator::with_defaults(CONTROLS, support::now());
    let stripe = evaluator
        .evaluate_account(&state)
        .into_iter()
        .find(|(c, j)| c.id == "SecretsManager.4" && j.subject.resource_id.contains("stripe"))
        .map(|(_, j)| j.outcome.unwrap())
        .unwrap();
    assert_eq!(stripe.compliance, Compliance::NotApplicable);
    assert!(
        stripe.annotation.contains("rotated by the vendor"),
        "{}",
        stripe.annotation
    );
}
