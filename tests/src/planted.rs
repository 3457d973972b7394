//! Credentials planted in configuration items, for the tests that check that no output of
//! ourside (findings, annotations, alerts, logs, error messages) ever carries one.
//!
//! Each value carries its own marker (`pLnT0`…`pLnT6`) and is looked for whole and by its
//! middle twelve characters, case-insensitively, so a value cut short, re-cased or embedded
//! in other text is caught as well. The items put the values wherever real items can carry
//! them: Lambda environment variables, ECS container environment, tags, bucket and IAM policy
//! conditions, an odd field of a Secrets Manager secret, an SSM parameter, EC2 user data and
//! a key's description and `supplementaryConfiguration`.
//!
//! The `ourside` command line and the Lambda functions' tests include this file by path (the
//! command line cannot depend on this crate, which depends on it).

use serde_json::{json, Map, Value};

/// The account and region of every planted item.
pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "eu-west-1";

/// One planted credential: the variable that holds it and its value.
#[derive(Debug, Clone)]
pub struct Planted {
    pub variable: &'static str,
    pub value: String,
    /// The part of the value that is the secret (a password inside a connection string, a
    /// key's body inside its PEM armour); the whole value otherwise.
    pub secret: String,
}

impl Planted {
    fn whole(variable: &'static str, value: &str) -> Planted {
        Planted {
            variable,
            value: value.to_string(),
            secret: value.to_string(),
        }
    }

    /// What must never appear: the value, its secret part and the middle twelve characters
    /// of that part.
    pub fn needles(&self) -> Vec<String> {
        let middle = {
            let chars: Vec<char> = self.secret.chars().collect();
            let start = chars.len().saturating_sub(12) / 2;
            chars[start..(start + 12).min(chars.len())]
                .iter()
                .collect::<String>()
        };
        vec![self.value.clone(), self.secret.clone(), middle]
    }
}

/// The seven planted credentials, one per kind the detector knows.
pub fn credentials() -> Vec<Planted> {
    let key_id = "AKIAPLNT0ACCESSKEY1D";
    let secret_key = "pLnT1sEcReTkEy/7Qx9Vb2Wm4Zr8Ty3Hu6Jk0Nc5";
    let pem_body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwpLnT2gSjAgEAAoIBAQC7vX9Qk2";
    let password = "pLnT3-Conn-Pass-Wq7";
    let github = "ghp_pLnT4GitHubTokenR8s2Kd7Vx1Mq5Zt9Bw3N";
    let entropy = "pLnT5x9Qk2Vr7Wm3Zb8Yt4Hs6Jd1Nc0Gf";
    assert_eq!(key_id.len(), 20, "AKIA and 16 characters");
    assert_eq!(secret_key.len(), 40, "an AWS secret access key's length");
    assert_eq!(github.len(), 40, "ghp_ and 36 characters");
    vec![
        Planted::whole("AWS_ACCESS_KEY_ID", key_id),
        Planted::whole("AWS_SECRET_ACCESS_KEY", secret_key),
        Planted {
            variable: "SIGNING_KEY_PEM",
            value: format!("-----BEGIN PRIVATE KEY-----\n{pem_body}\n-----END PRIVATE KEY-----\n"),
            secret: pem_body.to_string(),
        },
        Planted {
            variable: "ORDERS_DB",
            value: format!("postgresql://orders:{password}@orders-db.internal:5432/orders"),
            secret: password.to_string(),
        },
        Planted::whole("DEPLOY_BOT", github),
        Planted::whole("SESSION_SEED", entropy),
        Planted::whole("DB_PASSWORD", "pLnT6-correct-horse-battery"),
    ]
}

/// The planted text found in `output`, each as `needle (of VARIABLE)`.
pub fn leaks(output: &str) -> Vec<String> {
    let output = output.to_lowercase();
    // JSON output escapes the PEM's newlines and slashes may be escaped: look at both forms.
    let unescaped = output.replace("\\n", "\n").replace("\\/", "/");
    let mut found = Vec::new();
    for planted in credentials() {
        for needle in planted.needles() {
            let needle_lower = needle.to_lowercase();
            if output.contains(&needle_lower) || unescaped.contains(&needle_lower) {
                found.push(format!("{needle:?} (of {})", planted.variable));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Fails when `output` (named `what` in the message) holds any planted text.
#[track_caller]
pub fn assert_clean(what: &str, output: &str) {
    let found = leaks(output);
    assert!(
        found.is_empty(),
        "{what} leaks planted credentials: {}\n--- {what} ---\n{output}",
        found.join(", ")
    );
}

/// How many variables an annotation of ECS.8 or Lambda.X1 flags: those it names
/// (`Environment NAME (reason)`) and those it counts once it is full (`(+N more)`).
pub fn flagged(annotation: &str) -> usize {
    let more = annotation
        .rsplit_once("(+")
        .and_then(|(_, rest)| rest.strip_suffix(" more)"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    annotation.matches("Environment ").count() + more
}

/// The credentials as name/value pairs.
pub fn variables() -> Vec<(String, String)> {
    credentials()
        .into_iter()
        .map(|p| (p.variable.to_string(), p.value))
        .collect()
}

fn variables_map() -> Map<String, Value> {
    variables()
        .into_iter()
        .map(|(n, v)| (n, Value::String(v)))
        .collect()
}

/// The credentials as a tag map, under their variable names.
pub fn tags() -> Value {
    Value::Object(variables_map())
}

/// One value per credential, for fields that take a single value: the `i`th, cycling.
fn value(i: usize) -> String {
    let all = credentials();
    all[i % all.len()].value.clone()
}

/// A policy condition block naming every credential (as values of conditions on headers,
/// user agents and external ids, where people do put shared secrets). The password, which
/// only its variable's name gives away, is an external id: a value with no name anywhere else
/// cannot be told from a setting.
fn conditions() -> Value {
    json!({
        "StringEquals": {"aws:Referer": value(5), "sts:ExternalId": [value(6), value(4)]},
        "StringLike": {"aws:UserAgent": [value(0), value(1), value(2), value(3)]}
    })
}

/// An item in the notification key flavour.
fn item(
    resource_type: &str,
    resource_id: &str,
    arn: &str,
    configuration: Value,
    supplementary: Value,
) -> Value {
    let mut supplementary = supplementary;
    supplementary["Planted"] = Value::Object(variables_map());
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": "2026-05-31T23:58:00.000Z",
        "configurationStateId": 1780271880000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_id,
        "ARN": arn,
        "awsRegion": REGION,
        "availabilityZone": "Regional",
        "tags": tags(),
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": supplementary
    })
}

/// A Lambda function whose item carries the credentials as environment variables (Config does
/// not record them, the evaluator reads them from Lambda: see [`variables`]).
pub fn lambda_function(name: &str) -> Value {
    item(
        "AWS::Lambda::Function",
        name,
        &format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        json!({
            "functionName": name, "runtime": "python3.13", "packageType": "Zip",
            "handler": "app.handler", "role": format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            "environment": {"variables": variables_map()}
        }),
        json!({}),
    )
}

/// An ECS task definition whose container passes the credentials in `Environment`.
pub fn task_definition(family: &str) -> Value {
    let environment: Vec<Value> = variables()
        .into_iter()
        .map(|(name, value)| json!({"Name": name, "Value": value}))
        .collect();
    item(
        "AWS::ECS::TaskDefinition",
        &format!("{family}:1"),
        &format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:1"),
        json!({
            "Family": family, "Revision": 1, "Status": "ACTIVE",
            "ContainerDefinitions": [{
                "Name": "app", "Image": "public.ecr.aws/nginx/nginx:1.27", "Essential": true,
                "Environment": environment, "ReadonlyRootFilesystem": true,
                "Command": ["serve", "--token", value(4)]
            }]
        }),
        json!({}),
    )
}

/// A bucket whose policy lets anyone read, pinned by conditions holding the credentials.
pub fn bucket(name: &str) -> Value {
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": format!("arn:aws:s3:::{name}/*"),
            "Condition": conditions()
        }]
    });
    item(
        "AWS::S3::Bucket",
        name,
        &format!("arn:aws:s3:::{name}"),
        json!({"name": name, "owner": {"id": "8f2e4c0a7b1d"}}),
        json!({
            "BucketPolicy": {"policyText": policy.to_string()},
            "PublicAccessBlockConfiguration": {
                "blockPublicAcls": false, "ignorePublicAcls": false,
                "blockPublicPolicy": false, "restrictPublicBuckets": false
            }
        }),
    )
}

/// A role anyone can assume with the right external id, with an inline policy whose
/// conditions hold the credentials.
pub fn role(name: &str) -> Value {
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
            "Condition": conditions()
        }]
    });
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    iam_item(
        "AWS::IAM::Role",
        "AROAPLANTEDROLE00001",
        &arn,
        json!({
            "path": "/", "roleName": name, "roleId": "AROAPLANTEDROLE00001", "arn": arn,
            "assumeRolePolicyDocument": percent_encode(&trust.to_string()),
            "rolePolicyList": [{"policyName": "inline", "policyDocument": everything_under_conditions()}],
            "attachedManagedPolicies": [], "instanceProfileList": [], "tags": []
        }),
    )
}

/// A customer managed policy granting everything, under conditions holding the credentials.
pub fn managed_policy(name: &str) -> Value {
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
    iam_item(
        "AWS::IAM::Policy",
        "ANPAPLANTEDPOLICY001",
        &arn,
        json!({
            "policyName": name, "policyId": "ANPAPLANTEDPOLICY001", "arn": arn,
            "path": "/", "defaultVersionId": "v1", "attachmentCount": 1, "isAttachable": true,
            "policyVersionList": [{
                "document": everything_under_conditions(), "versionId": "v1", "isDefaultVersion": true
            }]
        }),
    )
}

/// An IAM item: Config records IAM, a global service, in region `global`.
fn iam_item(resource_type: &str, id: &str, arn: &str, configuration: Value) -> Value {
    let mut iam = item(resource_type, id, arn, configuration, json!({}));
    iam["awsRegion"] = json!("global");
    iam
}

/// A policy document granting everything under [`conditions`], URL-encoded as IAM items
/// carry it.
fn everything_under_conditions() -> String {
    let document = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": conditions()}]
    });
    percent_encode(&document.to_string())
}

/// A secret without rotation. Config never records a secret's value; this one has the values
/// in fields where a careless tool could put them anyway.
pub fn secret(name: &str) -> Value {
    let arn = format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-Ab12Cd");
    item(
        "AWS::SecretsManager::Secret",
        &arn,
        &arn,
        json!({
            "ARN": arn, "Name": name, "Description": value(3),
            "SecretString": value(1), "SecretBinary": value(2), "RotationEnabled": false,
            "Tags": variables().into_iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>()
        }),
        json!({}),
    )
}

/// A secret with a credential where a flag and a number belong: the item does not fit, and
/// the error about it must not quote the value.
pub fn misplaced_secret(name: &str) -> Value {
    let mut misplaced = secret(name);
    misplaced["configuration"]["RotationEnabled"] = json!(value(1));
    misplaced["configuration"]["RotationRules"] = json!({"AutomaticallyAfterDays": value(1)});
    misplaced
}

/// An SSM parameter holding a credential in clear (a `String` rather than a `SecureString`).
pub fn ssm_parameter(name: &str) -> Value {
    item(
        "AWS::SSM::Parameter",
        name,
        &format!("arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name}"),
        json!({"Name": name, "Type": "String", "Value": value(3), "DataType": "text"}),
        json!({}),
    )
}

/// An instance whose user data exports the credentials.
pub fn instance(id: &str) -> Value {
    let script: String = variables()
        .into_iter()
        .map(|(name, value)| format!("export {name}='{value}'\n"))
        .collect();
    item(
        "AWS::EC2::Instance",
        id,
        &format!("arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{id}"),
        json!({
            "instanceId": id, "instanceType": "t3.micro", "imageId": "ami-0abcdef1234567890",
            "state": {"name": "running"}, "userData": script,
            "metadataOptions": {"httpTokens": "optional", "httpEndpoint": "enabled"},
            "publicIpAddress": "203.0.113.10", "securityGroups": [], "blockDeviceMappings": [],
            "iamInstanceProfile": null, "tags": []
        }),
        json!({}),
    )
}

/// A customer managed key whose description holds a credential.
pub fn kms_key(id: &str) -> Value {
    item(
        "AWS::KMS::Key",
        id,
        &format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
        json!({
            "keyId": id, "arn": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"),
            "description": value(4), "keyManager": "CUSTOMER", "keyState": "Enabled",
            "keyUsage": "ENCRYPT_DECRYPT", "keySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"
        }),
        json!({"KeyRotationStatus": false}),
    )
}

/// Every planted item.
pub fn items() -> Vec<Value> {
    vec![
        lambda_function("acme-leaky"),
        task_definition("acme-leaky"),
        bucket("acme-leaky"),
        role("acme-leaky"),
        managed_policy("acme-leaky"),
        secret("acme/leaky"),
        ssm_parameter("acme-leaky"),
        instance("i-0123456789abcdef0"),
        kms_key("5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"),
    ]
}

/// An item as the Config API returns it (`accountId`, `arn`, `configuration` and each
/// supplementary value as JSON strings), the shape of `batch-get-resource-config` output.
pub fn api_flavour(item: &Value) -> Value {
    let strings = |v: &Value| match v {
        Value::Null => Value::Null,
        other => Value::String(other.to_string()),
    };
    let supplementary: Map<String, Value> = item["supplementaryConfiguration"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), strings(v))).collect())
        .unwrap_or_default();
    json!({
        "version": "1.3", "accountId": item["awsAccountId"], "arn": item["ARN"],
        "configurationItemCaptureTime": item["configurationItemCaptureTime"],
        "configurationItemStatus": item["configurationItemStatus"],
        "resourceType": item["resourceType"], "resourceId": item["resourceId"],
        "resourceName": item["resourceName"], "awsRegion": item["awsRegion"],
        "tags": item["tags"],
        "configuration": strings(&item["configuration"]),
        "supplementaryConfiguration": supplementary
    })
}

/// Percent-encoding as IAM items carry policy documents.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
