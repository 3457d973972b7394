//! Hostile inputs, built when a test runs rather than stored: huge items, thousands of rules,
//! deep nesting. Shared by the core's, the command line's and the evaluator's tests
//! (`#[path]`-included), so every layer is tried with the same documents.

#![allow(dead_code)]

use serde_json::{json, Value};

pub const ACCOUNT: &str = "111122223333";
pub const GROUP_ID: &str = "sg-0a1b2c3d4e5f60718";
pub const BUCKET: &str = "acme-huge-policy";

/// A security group (notification flavour) with `rules` ingress rules from private ranges, one
/// port each, and then, when `world_port` is given, one more rule opening that TCP port to
/// 0.0.0.0/0.
pub fn security_group(rules: usize, world_port: Option<u16>) -> Value {
    let mut permissions: Vec<Value> = (0..rules)
        .map(|i| {
            let port = 1024 + (i % 60000) as u64;
            json!({"ipProtocol": "tcp", "fromPort": port, "toPort": port,
                   "ipv4Ranges": [{"cidrIp": format!("10.{}.{}.0/24", i / 256 % 256, i % 256)}],
                   "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []})
        })
        .collect();
    if let Some(port) = world_port {
        permissions.push(
            json!({"ipProtocol": "tcp", "fromPort": port, "toPort": port,
            "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipv6Ranges": [], "prefixListIds": [],
            "userIdGroupPairs": []}),
        );
    }
    item(
        "AWS::EC2::SecurityGroup",
        GROUP_ID,
        json!({"groupId": GROUP_ID, "groupName": "huge", "description": "generated",
               "vpcId": "vpc-0a1b2c3d", "ownerId": ACCOUNT, "ipPermissions": permissions,
               "ipPermissionsEgress": []}),
    )
}

/// A security group whose `rules` ingress rules all open a different TCP port to the world.
pub fn world_open_security_group(rules: usize) -> Value {
    let mut group = security_group(0, None);
    group["configuration"]["ipPermissions"] = (0..rules)
        .map(|i| {
            let port = 1024 + i as u64;
            json!({"ipProtocol": "tcp", "fromPort": port, "toPort": port,
                   "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]})
        })
        .collect();
    group
}

/// A bucket (API flavour: configuration and supplementary values as JSON strings, the policy
/// three encodings deep) whose bucket policy holds private statements until the item is at
/// least `bytes` long, then one statement letting anyone read objects (Sid `Everyone`).
pub fn bucket_with_huge_policy(bytes: usize) -> Value {
    let private = |i: usize| {
        json!({"Sid": format!("Team{i}"), "Effect": "Allow",
               "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/team-{i}")},
               "Action": ["s3:GetObject", "s3:PutObject"],
               "Resource": format!("arn:aws:s3:::{BUCKET}/team-{i}/*")})
    };
    let one = private(0).to_string().len();
    // Each statement is encoded twice more (policyText in BucketPolicy in the item), which
    // escapes its quotes: about 1.45 bytes of item per byte of statement.
    let count = bytes / one * 3 / 4 + 1;
    let mut statements: Vec<Value> = (0..count).map(private).collect();
    statements.push(
        json!({"Sid": "Everyone", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{BUCKET}/*")}),
    );
    let policy = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    let mut bucket = item(
        "AWS::S3::Bucket",
        BUCKET,
        Value::String(json!({"name": BUCKET, "owner": {"id": "8f2e4c0a7b1d"}}).to_string()),
    );
    bucket["supplementaryConfiguration"] = json!({
        "BucketPolicy": json!({"policyText": policy}).to_string(),
        "PublicAccessBlockConfiguration": json!({"blockPublicAcls": false, "ignorePublicAcls": false,
            "blockPublicPolicy": false, "restrictPublicBuckets": false}).to_string(),
    });
    bucket
}

/// A configuration item (notification flavour) of any type.
pub fn item(resource_type: &str, id: &str, configuration: Value) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "configurationItemStatus": "OK",
        "awsAccountId": ACCOUNT,
        "awsRegion": "eu-west-1",
        "resourceType": resource_type,
        "resourceId": id,
        "ARN": format!("arn:aws:generated:eu-west-1:{ACCOUNT}:{id}"),
        "tags": {},
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": {}
    })
}

/// The custom-rule Lambda event AWS Config sends, with `invoking_event` as its JSON string.
pub fn rule_event(invoking_event: &str, control_id: &str) -> String {
    json!({
        "invokingEvent": invoking_event,
        "ruleParameters": json!({"controlId": control_id}).to_string(),
        "resultToken": "TESTMODE",
        "eventLeftScope": false,
        "configRuleName": format!("ourside-{}", control_id.replace('.', "-")),
        "accountId": ACCOUNT
    })
    .to_string()
}

/// The change notification carrying `item`, as `invokingEvent` holds it.
pub fn change_notification(item: &Value) -> String {
    json!({
        "configurationItem": item,
        "messageType": "ConfigurationItemChangeNotification",
        "notificationCreationTime": "2026-05-31T23:59:00.000Z",
        "recordVersion": "1.3"
    })
    .to_string()
}

/// `depth` unclosed `[`: what a truncated, deeply nested document looks like.
pub fn open_brackets(depth: usize) -> String {
    "[".repeat(depth)
}

/// `depth` nested lists, closed.
pub fn nested_lists(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `depth` nested objects `{"a":{"a":…1…}}`, closed.
pub fn nested_objects(depth: usize) -> String {
    format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
}

/// A policy document inside `levels` JSON strings, each string inside `depth` lists: every
/// level a fresh document for the parser, `depth` deep.
pub fn policy_in_strings(levels: usize, depth: usize) -> String {
    let mut text =
        json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*"}}).to_string();
    for _ in 0..levels {
        let string = Value::String(text).to_string();
        text = format!("{}{string}{}", "[".repeat(depth), "]".repeat(depth));
    }
    text
}
