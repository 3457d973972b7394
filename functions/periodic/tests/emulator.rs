//! The periodic function end to end against the local emulator (moto's server mode) with the
//! real SDK clients: an account seeded in moto (IAM users with and without MFA and keys, a
//! password policy, a trail, EBS encryption by default, account-level Block Public Access),
//! each control's verdicts, and the records that reach the findings queue.
//!
//! moto keeps no evaluations (its `PutEvaluations` accepts TestMode only, and its launcher
//! answers `GetComplianceDetailsByConfigRule` with none): the resources a rule judged before
//! come from the in-memory Config here, and verdicts are checked on the queue.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::SdkConfig;
use ourside_aws::account::AccountApi;
use ourside_aws::config::ConfigApi;
use ourside_aws::deliver::Retry;
use ourside_aws::emulator::{Moto, ACCOUNT_ID, REGION};
use ourside_aws::memory::MemoryConfig;
use ourside_aws::sqs::SqsQueue;
use ourside_core::record::FindingRecord;
use ourside_core::{Compliance, Timestamp};
use ourside_lambda::events::{self, Rule};
use ourside_periodic::{handle, Failure, Handled, Run, Services};
use serde_json::json;

struct Emulated {
    _moto: Moto,
    sdk: SdkConfig,
    queue_url: String,
    account: AccountApi,
    config: ConfigApi,
    previous: MemoryConfig,
    queue: SqsQueue,
}

impl Emulated {
    async fn start() -> Emulated {
        let moto = Moto::start().expect("the emulator starts");
        let settings = moto.settings();
        let sdk = settings.sdk_config();
        let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;
        Emulated {
            account: AccountApi::new(&settings, &sdk),
            config: ConfigApi::new(&sdk),
            previous: MemoryConfig::default(),
            queue: SqsQueue::new(&sdk, queue_url.clone()),
            _moto: moto,
            sdk,
            queue_url,
        }
    }

    /// Runs `control` as its scheduled rule would, `days_later` days from now.
    async fn run(&self, control: &str, days_later: u64) -> Result<Handled, Failure> {
        let now = Timestamp::now();
        let at = Timestamp(now.0 + Duration::from_secs(days_later * 86_400));
        let name = rule_name(control);
        let event = events::rule_event(
            Rule {
                name: &name,
                account_id: ACCOUNT_ID,
                region: REGION,
            },
            &events::scheduled(ACCOUNT_ID, &at.to_rfc3339()),
            &json!({"controlId": control}),
            "TESTMODE",
            false,
        );
        let services = Services {
            account: &self.account,
            config: &self.previous,
            evaluations: &self.config,
            findings: &self.queue,
            region: REGION,
        };
        let run = Run {
            now: at,
            retry: Retry::default(),
        };
        handle(&event, &services, run).await
    }

    /// The records on the queue, by resource id (received once each).
    async fn records(&self) -> BTreeMap<String, FindingRecord> {
        let sqs = aws_sdk_sqs::Client::new(&self.sdk);
        let mut records = BTreeMap::new();
        let mut empty = 0;
        while empty < 2 {
            let output = sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .visibility_timeout(900)
                .send()
                .await
                .unwrap();
            if output.messages().is_empty() {
                empty += 1;
            }
            for message in output.messages() {
                let record: FindingRecord = serde_json::from_str(message.body().unwrap()).unwrap();
                assert!(
                    records.insert(record.resource_id.clone(), record).is_none(),
                    "a record arrived twice"
                );
            }
        }
        records
    }

    async fn verdicts(&self) -> BTreeMap<String, Compliance> {
        self.records()
            .await
            .into_iter()
            .map(|(id, r)| (id, r.compliance))
            .collect()
    }
}

fn rule_name(control: &str) -> String {
    format!("ourside-{}", control.replace('.', "-"))
}

/// alice: console password, MFA, an access key; bob: console password only; carol: an
/// access key only. Returns their user ids.
async fn seed_users(iam: &aws_sdk_iam::Client) -> BTreeMap<&'static str, String> {
    let mut ids = BTreeMap::new();
    for name in ["alice", "bob", "carol"] {
        let user = iam.create_user().user_name(name).send().await.unwrap();
        ids.insert(name, user.user().unwrap().user_id().to_string());
    }
    for name in ["alice", "bob"] {
        iam.create_login_profile()
            .user_name(name)
            .password("Correct-Horse-Battery-1")
            .send()
            .await
            .unwrap();
    }
    for name in ["alice", "carol"] {
        iam.create_access_key()
            .user_name(name)
            .send()
            .await
            .unwrap();
    }
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice")
        .send()
        .await
        .unwrap();
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(device.virtual_mfa_device().unwrap().serial_number())
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    ids
}

#[tokio::test]
async fn an_emulated_account_judged_control_by_control() {
    let aws = Emulated::start().await;
    let iam = aws_sdk_iam::Client::new(&aws.sdk);
    let ids = seed_users(&iam).await;
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .require_symbols(true)
        .send()
        .await
        .unwrap();
    let ec2 = aws_sdk_ec2::Client::new(&aws.sdk);
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    aws_sdk_s3control::Client::new(&aws.sdk)
        .put_public_access_block()
        .account_id(ACCOUNT_ID)
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.sdk)
            .force_path_style(true)
            .build(),
    )
    .create_bucket()
    .bucket("acme-trail")
    .create_bucket_configuration(
        aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
            .build(),
    )
    .send()
    .await
    .unwrap();
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&aws.sdk);
    cloudtrail
        .create_trail()
        .name("acme-org")
        .s3_bucket_name("acme-trail")
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    cloudtrail
        .start_logging()
        .name("acme-org")
        .send()
        .await
        .unwrap();

    // What AWS gives a new trail (moto gives none): read and write management events.
    cloudtrail
        .put_event_selectors()
        .trail_name("acme-org")
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // Account-level controls: one verdict on AWS::::Account each.
    for (control, expected) in [
        ("EC2.7", Compliance::Compliant),
        ("S3.1", Compliance::Compliant),
        ("CloudTrail.1", Compliance::Compliant),
        ("IAM.4", Compliance::Compliant),
        ("IAM.7", Compliance::NonCompliant),
        ("GuardDuty.1", Compliance::NonCompliant),
    ] {
        let handled = aws
            .run(control, 0)
            .await
            .unwrap_or_else(|e| panic!("{control}: {e}"));
        assert_eq!(handled.reported.evaluations.items, 1, "{control}");
        let records = aws.records().await;
        let record = &records[ACCOUNT_ID];
        assert_eq!(record.resource_type, "AWS::::Account");
        assert_eq!(
            record.compliance, expected,
            "{control}: {}",
            record.annotation
        );
    }

    // Console users without MFA: bob fails, alice passes, carol has no console password.
    aws.run("IAM.5", 0).await.unwrap();
    let verdicts = aws.verdicts().await;
    assert_eq!(verdicts[&ids["alice"]], Compliance::Compliant);
    assert_eq!(verdicts[&ids["bob"]], Compliance::NonCompliant);
    assert_eq!(verdicts[&ids["carol"]], Compliance::NotApplicable);

    // Access keys: fresh today; 120 days on, alice's and carol's keys are overdue.
    aws.run("IAM.3", 0).await.unwrap();
    let today = aws.verdicts().await;
    assert_eq!(today[&ids["alice"]], Compliance::Compliant);
    aws.run("IAM.3", 120).await.unwrap();
    let later = aws.records().await;
    for name in ["alice", "carol"] {
        let record = &later[&ids[name]];
        assert_eq!(
            record.compliance,
            Compliance::NonCompliant,
            "{name}: {}",
            record.annotation
        );
        assert!(
            record.annotation.contains("credential report of"),
            "{}",
            record.annotation
        );
    }
    assert_eq!(later[&ids["bob"]].compliance, Compliance::NotApplicable);

    // bob leaves: the next run finds him no more, and his verdict is retired.
    aws.previous.evaluated.lock().unwrap().insert(
        rule_name("IAM.5"),
        ids.values()
            .map(|id| ("AWS::IAM::User".to_string(), id.clone()))
            .collect(),
    );
    iam.delete_login_profile()
        .user_name("bob")
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("bob").send().await.unwrap();
    let handled = aws.run("IAM.5", 0).await.unwrap();
    assert_eq!(handled.stale, 1);
    let records = aws.records().await;
    let bob = &records[&ids["bob"]];
    assert_eq!(bob.compliance, Compliance::NotApplicable);
    assert!(bob.archive, "{bob:?}");
    assert!(!records[&ids["alice"]].archive);
}

/// A periodic run over 1,000 IAM users: 1,000 evaluations in 10 PutEvaluations calls, a
/// record each on the queue.
#[tokio::test]
async fn a_thousand_users_in_ten_calls() {
    let aws = Emulated::start().await;
    let iam = aws_sdk_iam::Client::new(&aws.sdk);
    let create = |range: std::ops::Range<usize>| {
        let iam = &iam;
        async move {
            for i in range {
                iam.create_user()
                    .user_name(format!("user{i:04}"))
                    .send()
                    .await
                    .unwrap();
            }
        }
    };
    tokio::join!(
        create(0..250),
        create(250..500),
        create(500..750),
        create(750..1000)
    );
    let handled = aws.run("IAM.22", 0).await.unwrap();
    assert_eq!(handled.reported.evaluations.items, 1000);
    assert!(
        handled.reported.evaluations.calls <= 10,
        "{} PutEvaluations calls",
        handled.reported.evaluations.calls
    );
    let records = aws.records().await;
    assert_eq!(records.len(), 1000);
    assert!(records
        .values()
        .all(|r| r.resource_type == "AWS::IAM::User"));
}
