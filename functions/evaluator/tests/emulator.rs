//! The evaluator end to end against the local emulator (moto's server mode) with the real SDK
//! clients: what each kind of invocation sends to Config and what reaches the findings queue.
//! moto's `PutEvaluations` only implements `TestMode` and keeps nothing, so these tests use the
//! `TESTMODE` token and count what Config accepted; the in-memory tests check the evaluations'
//! contents and batching.

mod support;

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use ourside_aws::config::ConfigApi;
use ourside_aws::emulator::{receive_all, Moto, ACCOUNT_ID, REGION};
use ourside_aws::lambda::LambdaApi;
use ourside_aws::sqs::SqsQueue;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::Compliance;
use ourside_evaluator::{handle, Failure, Handled, Services};
use serde_json::{json, Value};
use support::*;

/// The emulator with a findings queue, and the evaluator's adapters on the real SDK clients.
struct Emulated {
    /// Kept for its lifetime: the emulator stops when the test's value is dropped.
    _moto: Moto,
    sdk: SdkConfig,
    queue_url: String,
    config: ConfigApi,
    lambda: LambdaApi,
    queue: SqsQueue,
}

impl Emulated {
    async fn start() -> Emulated {
        let moto = Moto::start().expect("the emulator starts");
        let sdk = moto.settings().sdk_config();
        let queue_url = ourside_aws::emulator::create_queue(&sdk, "ourside-findings").await;
        Emulated {
            config: ConfigApi::new(&sdk),
            lambda: LambdaApi::new(&sdk),
            queue: SqsQueue::new(&sdk, queue_url.clone()),
            _moto: moto,
            sdk,
            queue_url,
        }
    }

    async fn handle(&self, event: &str) -> Result<Handled, Failure> {
        let services = Services {
            config: &self.config,
            lambda: &self.lambda,
            evaluations: &self.config,
            findings: &self.queue,
        };
        handle(event, &services, run()).await
    }

    /// Every record on the queue.
    async fn records(&self) -> Vec<FindingRecord> {
        receive_all(&self.sdk, &self.queue_url)
            .await
            .into_iter()
            .map(|(_, body)| serde_json::from_str(&body).expect("a finding record"))
            .collect()
    }
}

/// An item in the account and region the emulator answers for.
fn in_emulator(mut item: Value) -> Value {
    item["awsAccountId"] = json!(ACCOUNT_ID);
    item["awsRegion"] = json!(REGION);
    item
}

#[tokio::test]
async fn change_reaches_config_and_the_queue() {
    let aws = Emulated::start().await;
    let item = in_emulator(bucket(
        "acme-site",
        "OK",
        Some(public_read_policy("acme-site")),
    ));
    let handled = aws
        .handle(&change_event(
            item,
            json!({"controlId": "S3.2"}),
            "TESTMODE",
        ))
        .await
        .unwrap();
    assert_eq!(handled.reported.evaluations.items, 1);
    assert_eq!(handled.reported.evaluations.calls, 1);
    let records = aws.records().await;
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(
        (record.control_id.as_str(), record.resource_id.as_str()),
        ("S3.2", "acme-site")
    );
    assert_eq!(record.compliance, Compliance::NonCompliant);
    assert!(
        record.annotation.contains("PublicRead"),
        "{}",
        record.annotation
    );
    assert_eq!(record.account_id, ACCOUNT_ID);
    assert_eq!(record.origin, Origin::Change);
    assert!(!record.archive);
}

/// moto serves configuration history for the buckets created in it, in the API key flavour
/// real Config returns (JSON strings inside, the bucket policy three encodings deep).
#[tokio::test]
async fn oversized_items_are_read_from_config_history() {
    let aws = Emulated::start().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&aws.sdk)
            .force_path_style(true)
            .build(),
    );
    for bucket in ["acme-huge", "acme-private"] {
        s3.create_bucket()
            .bucket(bucket)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    s3.put_bucket_policy()
        .bucket("acme-huge")
        .policy(public_read_policy("acme-huge").to_string())
        .send()
        .await
        .unwrap();

    for (bucket, expected) in [
        ("acme-huge", Compliance::NonCompliant),
        ("acme-private", Compliance::Compliant),
    ] {
        let handled = aws
            .handle(&oversized_event_in_emulator(bucket))
            .await
            .unwrap();
        assert_eq!(handled.reported.evaluations.items, 1, "{bucket}");
        let records = aws.records().await;
        assert_eq!(records.len(), 1, "{bucket}");
        assert_eq!(
            records[0].compliance, expected,
            "{bucket}: {}",
            records[0].annotation
        );
        assert_eq!(records[0].origin, Origin::Oversized);
    }

    // Account-level Block Public Access, as Config records it, covers the public bucket.
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
    aws.handle(&oversized_event_in_emulator("acme-huge"))
        .await
        .unwrap();
    let record = aws.records().await.pop().unwrap();
    assert_eq!(
        record.compliance,
        Compliance::Compliant,
        "{}",
        record.annotation
    );
    assert!(
        record.annotation.contains("account"),
        "{}",
        record.annotation
    );
}

fn oversized_event_in_emulator(bucket: &str) -> String {
    let mut event: Value = serde_json::from_str(&oversized_event(
        "AWS::S3::Bucket",
        bucket,
        "OK",
        json!({"controlId": "S3.2"}),
    ))
    .unwrap();
    let mut invoking: Value =
        serde_json::from_str(event["invokingEvent"].as_str().unwrap()).unwrap();
    invoking["configurationItemSummary"]["awsAccountId"] = json!(ACCOUNT_ID);
    invoking["configurationItemSummary"]["awsRegion"] = json!(REGION);
    event["invokingEvent"] = json!(invoking.to_string());
    event.to_string()
}

#[tokio::test]
async fn an_oversized_item_config_never_recorded_fails_and_is_kept() {
    let aws = Emulated::start().await;
    let failure = aws
        .handle(&oversized_event_in_emulator("acme-unknown"))
        .await
        .unwrap_err();
    assert_eq!(failure.kind(), "OversizedItemMissing", "{failure}");
    assert!(aws.records().await.is_empty());
}

#[tokio::test]
async fn deleted_resources_are_not_applicable_and_their_findings_archived() {
    let aws = Emulated::start().await;
    let item = in_emulator(bucket("acme-old", "ResourceDeleted", None));
    let handled = aws
        .handle(&change_event(
            item,
            json!({"controlId": "S3.2"}),
            "TESTMODE",
        ))
        .await
        .unwrap();
    assert_eq!(handled.reported.evaluations.items, 1);
    let record = aws.records().await.pop().unwrap();
    assert_eq!(record.compliance, Compliance::NotApplicable);
    assert!(record.archive);
    assert!(
        record.annotation.contains("ResourceDeleted"),
        "{}",
        record.annotation
    );
}

/// Lambda.X1 and Lambda.X2 read what Config does not record, from the function itself.
#[tokio::test]
async fn function_settings_are_read_from_lambda() {
    let aws = Emulated::start().await;
    for (name, password) in [
        ("acme-leaky", "correct-horse-battery-staple"),
        ("acme-clean", ""),
    ] {
        let mut variables = vec![("TABLE_NAME".to_string(), "orders".to_string())];
        if !password.is_empty() {
            variables.push(("DB_PASSWORD".to_string(), password.to_string()));
        }
        create_function(&aws.sdk, name, &variables).await;
    }
    let lambda = aws_sdk_lambda::Client::new(&aws.sdk);
    lambda
        .put_function_event_invoke_config()
        .function_name("acme-clean")
        .destination_config(
            aws_sdk_lambda::types::DestinationConfig::builder()
                .on_failure(
                    aws_sdk_lambda::types::OnFailure::builder()
                        .destination(format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:acme-failures"))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    let function_item = |name: &str| {
        let mut item = in_emulator(function(name));
        item["ARN"] = json!(format!(
            "arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"
        ));
        item
    };
    for (control, name, expected) in [
        ("Lambda.X1", "acme-leaky", Compliance::NonCompliant),
        ("Lambda.X1", "acme-clean", Compliance::Compliant),
        ("Lambda.X2", "acme-leaky", Compliance::NonCompliant),
        ("Lambda.X2", "acme-clean", Compliance::Compliant),
    ] {
        aws.handle(&change_event(
            function_item(name),
            json!({"controlId": control}),
            "TESTMODE",
        ))
        .await
        .unwrap_or_else(|e| panic!("{control} {name}: {e}"));
        let record = aws.records().await.pop().unwrap();
        assert_eq!(
            record.compliance, expected,
            "{control} {name}: {}",
            record.annotation
        );
        assert!(
            !record.annotation.contains("correct-horse"),
            "{}",
            record.annotation
        );
    }

    // A function that does not exist (deleted between the change and the invocation): the
    // call fails with a clear error and nothing is reported for it.
    let failure = aws
        .handle(&change_event(
            function_item("acme-vanished"),
            json!({"controlId": "Lambda.X1"}),
            "TESTMODE",
        ))
        .await
        .unwrap_err();
    assert!(
        failure
            .to_string()
            .contains("lambda:GetFunctionConfiguration"),
        "{failure}"
    );
}

/// A rule's first evaluation of a large account: one invocation per resource, each reported.
/// Config invokes the function concurrently; so does this test, eight at a time.
#[tokio::test]
async fn a_thousand_changes_reach_config_and_the_queue_exactly_once() {
    let aws = Emulated::start().await;
    let invoke = |range: std::ops::Range<usize>| {
        let aws = &aws;
        async move {
            let mut evaluations = 0;
            for i in range {
                let name = format!("acme-bucket-{i:04}");
                let policy = (i % 4 == 0).then(|| public_read_policy(&name));
                let item = in_emulator(bucket(&name, "OK", policy));
                let handled = aws
                    .handle(&change_event(
                        item,
                        json!({"controlId": "S3.2"}),
                        "TESTMODE",
                    ))
                    .await
                    .unwrap();
                evaluations += handled.reported.evaluations.items;
            }
            evaluations
        }
    };
    let counts = tokio::join!(
        invoke(0..125),
        invoke(125..250),
        invoke(250..375),
        invoke(375..500),
        invoke(500..625),
        invoke(625..750),
        invoke(750..875),
        invoke(875..1000),
    );
    let evaluations =
        counts.0 + counts.1 + counts.2 + counts.3 + counts.4 + counts.5 + counts.6 + counts.7;
    assert_eq!(evaluations, 1000);
    let records = aws.records().await;
    assert_eq!(records.len(), 1000, "every record, none twice");
    let ids: BTreeSet<&str> = records.iter().map(|r| r.resource_id.as_str()).collect();
    assert_eq!(ids.len(), 1000);
    let failing = records
        .iter()
        .filter(|r| r.compliance == Compliance::NonCompliant)
        .count();
    assert_eq!(failing, 250);
}
