//! Events as AWS Config sends them, built around items, for the evaluator's tests.

#![allow(dead_code)]

use std::time::Duration;

use ourside_aws::deliver::Retry;
use ourside_aws::memory::{MemoryConfig, MemoryLambda, MemoryQueue};
use ourside_core::record::FindingRecord;
use ourside_core::Timestamp;
use ourside_evaluator::{handle, Failure, Handled, Run, Services};
use ourside_lambda::events::{self, Rule};
use serde_json::{json, Value};

pub const ACCOUNT: &str = "111122223333";
pub const RULE: &str = "ourside-S3-2";

pub fn run() -> Run {
    Run {
        now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
        retry: Retry {
            attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            deadline: None,
        },
    }
}

/// The evaluator's services on the in-memory adapters.
#[derive(Default)]
pub struct Aws {
    pub config: MemoryConfig,
    pub lambda: MemoryLambda,
    pub queue: MemoryQueue,
}

impl Aws {
    pub async fn handle(&self, event: &str) -> Result<Handled, Failure> {
        let services = Services {
            config: &self.config,
            lambda: &self.lambda,
            evaluations: &self.config,
            findings: &self.queue,
        };
        handle(event, &services, run()).await
    }

    pub fn records(&self) -> Vec<FindingRecord> {
        self.queue
            .messages()
            .iter()
            .map(|m| serde_json::from_str(m).expect("a finding record"))
            .collect()
    }
}

const NOTIFIED_AT: &str = "2026-05-31T23:59:30.000Z";

fn rule() -> Rule<'static> {
    Rule {
        name: RULE,
        account_id: ACCOUNT,
        region: "eu-west-1",
    }
}

/// The Lambda event around `invoking_event`.
pub fn rule_event(invoking_event: Value, params: Value, token: &str, left_scope: bool) -> String {
    events::rule_event(rule(), &invoking_event, &params, token, left_scope)
}

/// A change notification carrying `item` (notification key flavour or API flavour, as given).
pub fn change_event(item: Value, params: Value, token: &str) -> String {
    rule_event(events::change(&item, NOTIFIED_AT), params, token, false)
}

/// An oversized-item notification: only the summary of a bucket.
pub fn oversized_event(
    resource_type: &str,
    resource_id: &str,
    status: &str,
    params: Value,
) -> String {
    let summary = json!({
        "changeType": "UPDATE",
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "configurationStateId": 1780271880000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": status,
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_id,
        "ARN": format!("arn:aws:s3:::{resource_id}"),
        "awsRegion": "eu-west-1",
        "availabilityZone": "Regional",
        "configurationStateMd5Hash": "",
        "resourceCreationTime": "2026-01-01T00:00:00.000Z"
    });
    rule_event(
        events::oversized(&summary, NOTIFIED_AT),
        params,
        "TESTMODE",
        false,
    )
}

pub fn scheduled_event(params: Value) -> String {
    rule_event(
        events::scheduled(ACCOUNT, NOTIFIED_AT),
        params,
        "TESTMODE",
        false,
    )
}

/// A bucket in the notification flavour; `policy` is its bucket policy document, if any.
pub fn bucket(name: &str, status: &str, policy: Option<Value>) -> Value {
    let mut supplementary = json!({
        "PublicAccessBlockConfiguration": {
            "blockPublicAcls": true, "ignorePublicAcls": true,
            "blockPublicPolicy": false, "restrictPublicBuckets": false
        }
    });
    if let Some(policy) = policy {
        supplementary["BucketPolicy"] = json!({"policyText": policy.to_string()});
    }
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "configurationStateId": 1780271880000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": status,
        "resourceType": "AWS::S3::Bucket",
        "resourceId": name,
        "resourceName": name,
        "ARN": format!("arn:aws:s3:::{name}"),
        "awsRegion": "eu-west-1",
        "availabilityZone": "Regional",
        "tags": {"team": "data"},
        "relationships": [],
        "configuration": if status == "OK" { json!({"name": name, "owner": {"id": "8f2e4c0a7b1d"}}) } else { Value::Null },
        "supplementaryConfiguration": if status == "OK" { supplementary } else { json!({}) }
    })
}

/// A bucket policy letting anyone read every object.
pub fn public_read_policy(bucket: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{bucket}/*")
        }]
    })
}

/// A Lambda function item (notification flavour).
pub fn function(name: &str) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": "AWS::Lambda::Function",
        "resourceId": name,
        "resourceName": name,
        "ARN": format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}"),
        "awsRegion": "eu-west-1",
        "configuration": {"functionName": name, "runtime": "python3.13", "packageType": "Zip"},
        "supplementaryConfiguration": {}
    })
}

/// An item as GetResourceConfigHistory returns it (API key flavour): `configuration` and each
/// supplementary value are JSON strings; `configuration` is null for a gone resource.
pub fn history_item(
    resource_type: &str,
    resource_id: &str,
    captured: &str,
    status: &str,
    configuration: Value,
    supplementary: Value,
) -> String {
    let strings: serde_json::Map<String, Value> = supplementary
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "version": "1.3", "accountId": ACCOUNT, "configurationItemCaptureTime": captured,
        "configurationItemStatus": status, "resourceType": resource_type, "resourceId": resource_id,
        "resourceName": resource_id, "awsRegion": "eu-west-1",
        "configuration": if configuration.is_null() { Value::Null } else { Value::String(configuration.to_string()) },
        "supplementaryConfiguration": strings
    })
    .to_string()
}

/// Creates function `name` in the emulator, with its own role and these environment variables.
pub async fn create_function(
    sdk: &aws_config::SdkConfig,
    name: &str,
    variables: &[(String, String)],
) {
    let role = aws_sdk_iam::Client::new(sdk)
        .create_role()
        .role_name(format!("{name}-role"))
        .assume_role_policy_document(
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_string();
    let mut environment = aws_sdk_lambda::types::Environment::builder();
    for (key, value) in variables {
        environment = environment.variables(key, value);
    }
    aws_sdk_lambda::Client::new(sdk)
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role(role)
        .handler("app.handler")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(minimal_zip()))
                .build(),
        )
        .environment(environment.build())
        .send()
        .await
        .unwrap();
}

/// The smallest valid zip archive (an empty one): moto stores the code without running it.
fn minimal_zip() -> Vec<u8> {
    let mut zip = vec![0x50, 0x4b, 0x05, 0x06];
    zip.extend([0u8; 18]);
    zip
}
