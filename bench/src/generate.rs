//! A seeded generator of AWS Config custom-rule events: realistic configuration items of the
//! main resource types, in both key flavours where Config uses both, from about 2 KB to about
//! 250 KB, plus deleted and oversized variants. The same seed gives the same bytes, so figures
//! from different runs and machines are about the same inputs. Nothing here is committed data.

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const CAPTURED: &str = "2026-05-31T23:58:00.000Z";
const NOTIFIED: &str = "2026-05-31T23:59:30.000Z";

/// SplitMix64: small, fast, and good enough to vary sizes and settings.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn hex(&mut self, len: usize) -> String {
        let mut out = String::with_capacity(len);
        while out.len() < len {
            out.push_str(&format!("{:016x}", self.next_u64()));
        }
        out.truncate(len);
        out
    }
}

/// The resource types generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    SecurityGroup,
    /// Notification flavour: objects, policy text as a JSON string.
    Bucket,
    /// API flavour (`get-resource-config-history`): configuration and supplementary values
    /// as JSON strings, several levels deep.
    BucketApi,
    IamPolicy,
    Volume,
    DbInstance,
    Function,
    Trail,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::SecurityGroup,
        Kind::Bucket,
        Kind::BucketApi,
        Kind::IamPolicy,
        Kind::Volume,
        Kind::DbInstance,
        Kind::Function,
        Kind::Trail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::SecurityGroup => "security-group",
            Kind::Bucket => "bucket",
            Kind::BucketApi => "bucket-api",
            Kind::IamPolicy => "iam-policy",
            Kind::Volume => "volume",
            Kind::DbInstance => "rds-instance",
            Kind::Function => "lambda-function",
            Kind::Trail => "cloudtrail-trail",
        }
    }

    pub fn resource_type(self) -> &'static str {
        match self {
            Kind::SecurityGroup => "AWS::EC2::SecurityGroup",
            Kind::Bucket | Kind::BucketApi => "AWS::S3::Bucket",
            Kind::IamPolicy => "AWS::IAM::Policy",
            Kind::Volume => "AWS::EC2::Volume",
            Kind::DbInstance => "AWS::RDS::DBInstance",
            Kind::Function => "AWS::Lambda::Function",
            Kind::Trail => "AWS::CloudTrail::Trail",
        }
    }
}

/// What state the resource is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Current,
    Deleted,
    /// An oversized-item notification: the summary only.
    Oversized,
}

/// One generated rule event.
#[derive(Debug, Clone)]
pub struct Sample {
    pub kind: Kind,
    pub variant: Variant,
    /// The Lambda event, as bytes Config sends.
    pub event: String,
}

/// The common envelope of an item.
fn envelope(
    kind: Kind,
    id: &str,
    arn: &str,
    status: &str,
    configuration: Value,
    supplementary: Value,
    tags: Value,
) -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": CAPTURED,
        "configurationStateId": 1780271880000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": status,
        "resourceType": kind.resource_type(),
        "resourceId": id,
        "resourceName": id,
        "ARN": arn,
        "awsRegion": if kind == Kind::IamPolicy { "global" } else { REGION },
        "availabilityZone": "Regional",
        "configurationStateMd5Hash": "",
        "resourceCreationTime": "2025-09-14T08:21:40.000Z",
        "tags": tags,
        "relatedEvents": [],
        "relationships": [],
        "configuration": configuration,
        "supplementaryConfiguration": supplementary,
    })
}

fn tags(rng: &mut Rng, count: usize) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(
        "team".into(),
        json!(["platform", "data", "web", "ml"][rng.below(4) as usize]),
    );
    for i in 0..count {
        map.insert(format!("cost-centre-{i}"), json!(rng.hex(12)));
    }
    Value::Object(map)
}

fn cidr(rng: &mut Rng) -> String {
    if rng.chance(8) {
        "0.0.0.0/0".into()
    } else {
        format!("10.{}.{}.0/24", rng.below(256), rng.below(256))
    }
}

fn security_group(rng: &mut Rng, scale: usize) -> Value {
    let id = format!("sg-{}", rng.hex(17));
    let rules: Vec<Value> = (0..scale)
        .map(|_| {
            let port = [22, 80, 443, 3389, 5432, 8080, 6379][rng.below(7) as usize];
            let ranges: Vec<Value> = (0..1 + rng.below(3))
                .map(|_| json!({"cidrIp": cidr(rng), "description": "office"}))
                .collect();
            let legacy: Vec<Value> = ranges.iter().map(|r| r["cidrIp"].clone()).collect();
            json!({
                "fromPort": port, "toPort": port, "ipProtocol": "tcp",
                "ipv4Ranges": ranges, "ipRanges": legacy,
                "ipv6Ranges": if rng.chance(5) { json!([{"cidrIpv6": "::/0"}]) } else { json!([]) },
                "prefixListIds": [], "userIdGroupPairs": []
            })
        })
        .collect();
    let configuration = json!({
        "description": "generated", "groupName": format!("group-{}", rng.hex(6)),
        "ipPermissions": rules,
        "ipPermissionsEgress": [{"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"], "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []}],
        "ownerId": ACCOUNT, "groupId": id, "vpcId": format!("vpc-{}", rng.hex(8))
    });
    let arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{id}");
    let tags = tags(rng, 2);
    envelope(
        Kind::SecurityGroup,
        &id,
        &arn,
        "OK",
        configuration,
        json!({}),
        tags,
    )
}

fn bucket_policy(rng: &mut Rng, name: &str, statements: usize) -> Value {
    let statements: Vec<Value> = (0..statements)
        .map(|i| {
            let public = rng.chance(10);
            json!({
                "Sid": format!("S{i}"),
                "Effect": if rng.chance(20) { "Deny" } else { "Allow" },
                "Principal": if public { json!("*") } else { json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:role/reader-{i}")}) },
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/prefix-{i}/*")],
                "Condition": if rng.chance(30) { json!({"Bool": {"aws:SecureTransport": "false"}}) } else { json!({"StringEquals": {"aws:SourceVpce": format!("vpce-{}", rng.hex(8))}}) }
            })
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn acl(rng: &mut Rng, grants: usize) -> Value {
    let list: Vec<Value> = (0..grants)
        .map(|_| {
            if rng.chance(5) {
                json!({"grantee": "AllUsers", "permission": "Read"})
            } else {
                json!({"grantee": {"id": rng.hex(64), "displayName": null}, "permission": "FullControl"})
            }
        })
        .collect();
    json!({"grantSet": null, "grantList": list, "owner": {"displayName": null, "id": rng.hex(64)}, "isRequesterCharged": false})
}

fn bucket(rng: &mut Rng, scale: usize, api_flavour: bool) -> Value {
    let name = format!("bucket-{}", rng.hex(10));
    let policy = bucket_policy(rng, &name, scale);
    let acl = acl(rng, 1 + scale / 4);
    let encryption = json!({"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": if rng.chance(50) { "aws:kms" } else { "AES256" }, "kmsMasterKeyID": null}, "bucketKeyEnabled": true}]});
    let block = json!({"blockPublicAcls": rng.chance(70), "ignorePublicAcls": true, "blockPublicPolicy": rng.chance(70), "restrictPublicBuckets": true});
    let configuration = json!({"name": name, "owner": {"id": rng.hex(64)}, "creationDate": "2025-11-03T10:00:00.000Z"});
    let arn = format!("arn:aws:s3:::{name}");
    let tags = tags(rng, 3);
    if api_flavour {
        // Config's API output: every value a JSON string, the policy text a string within it.
        let supplementary = json!({
            "AccessControlList": json!(acl.to_string()).to_string(),
            "BucketPolicy": json!({"policyText": policy.to_string()}).to_string(),
            "ServerSideEncryptionConfiguration": encryption.to_string(),
            "PublicAccessBlockConfiguration": block.to_string(),
            "BucketVersioningConfiguration": json!({"status": "Enabled", "isMfaDeleteEnabled": null}).to_string(),
            "BucketLoggingConfiguration": json!({"destinationBucketName": "logs", "logFilePrefix": name}).to_string(),
        });
        json!({
            "version": "1.3",
            "accountId": ACCOUNT,
            "configurationItemCaptureTime": CAPTURED,
            "configurationItemStatus": "OK",
            "configurationStateId": "1780271880000",
            "configurationItemMD5Hash": "",
            "arn": arn,
            "resourceType": "AWS::S3::Bucket",
            "resourceId": name,
            "resourceName": name,
            "awsRegion": REGION,
            "availabilityZone": "Regional",
            "tags": tags,
            "relatedEvents": [],
            "relationships": [],
            "configuration": configuration.to_string(),
            "supplementaryConfiguration": supplementary,
        })
    } else {
        let supplementary = json!({
            "AccessControlList": acl.to_string(),
            "BucketPolicy": {"policyText": policy.to_string()},
            "ServerSideEncryptionConfiguration": encryption,
            "PublicAccessBlockConfiguration": block,
            "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": null},
            "BucketLoggingConfiguration": {"destinationBucketName": "logs", "logFilePrefix": name},
        });
        envelope(
            Kind::Bucket,
            &name,
            &arn,
            "OK",
            configuration,
            supplementary,
            tags,
        )
    }
}

fn iam_policy(rng: &mut Rng, scale: usize) -> Value {
    let name = format!("policy-{}", rng.hex(8));
    let versions = 1 + scale.min(5);
    let per_version = 1 + scale / versions;
    let list: Vec<Value> = (0..versions)
        .map(|v| {
            let statements: Vec<Value> = (0..per_version)
                .map(|i| {
                    let admin = rng.chance(3);
                    json!({
                        "Sid": format!("V{v}S{i}"),
                        "Effect": "Allow",
                        "Action": if admin { json!("*") } else { json!(["s3:GetObject", "logs:PutLogEvents", "kms:Decrypt"]) },
                        "Resource": if admin { json!("*") } else { json!(format!("arn:aws:s3:::data-{}/*", rng.hex(6))) }
                    })
                })
                .collect();
            let document = serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements})).unwrap_or_default();
            json!({
                "document": utf8_percent_encode(&document, NON_ALPHANUMERIC).to_string(),
                "versionId": format!("v{}", v + 1),
                "isDefaultVersion": v + 1 == versions,
                "createDate": "2026-02-03T16:45:12.000Z"
            })
        })
        .collect();
    let configuration = json!({
        "policyName": name, "policyId": format!("ANPA{}", rng.hex(16).to_uppercase()),
        "arn": format!("arn:aws:iam::{ACCOUNT}:policy/{name}"), "path": "/",
        "defaultVersionId": format!("v{versions}"), "attachmentCount": 2,
        "permissionsBoundaryUsageCount": 0, "isAttachable": true, "description": "",
        "createDate": "2025-09-14T08:21:40.000Z", "updateDate": "2026-02-03T16:45:12.000Z",
        "policyVersionList": list
    });
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
    let id = configuration["policyId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    envelope(
        Kind::IamPolicy,
        &id,
        &arn,
        "OK",
        configuration,
        json!({}),
        json!({}),
    )
}

fn volume(rng: &mut Rng, scale: usize) -> Value {
    let id = format!("vol-{}", rng.hex(17));
    let configuration = json!({
        "volumeId": id, "size": 50 + rng.below(500), "snapshotId": "", "availabilityZone": "eu-west-1a",
        "state": "in-use", "createTime": "2026-02-02T08:15:11.000Z",
        "attachments": [{"volumeId": id, "instanceId": format!("i-{}", rng.hex(17)), "device": "/dev/xvda", "state": "attached", "attachTime": "2026-02-02T08:15:40.000Z", "deleteOnTermination": true}],
        "tags": (0..scale).map(|i| json!({"key": format!("k{i}"), "value": rng.hex(10)})).collect::<Vec<_>>(),
        "volumeType": "gp3", "iops": 3000, "throughput": 125, "encrypted": rng.chance(80),
        "kmsKeyId": format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{}", rng.hex(32))
    });
    let arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:volume/{id}");
    let tags = tags(rng, scale);
    envelope(
        Kind::Volume,
        &id,
        &arn,
        "OK",
        configuration,
        json!({}),
        tags,
    )
}

fn db_instance(rng: &mut Rng, scale: usize) -> Value {
    let name = format!("db-{}", rng.hex(8));
    let configuration = json!({
        "dBInstanceIdentifier": name, "dBInstanceClass": "db.t4g.medium", "engine": "postgres",
        "dBInstanceStatus": "available", "masterUsername": "admin",
        "endpoint": {"address": format!("{name}.c1xyz.eu-west-1.rds.amazonaws.com"), "port": 5432, "hostedZoneId": "Z29XKXDKYMONMX"},
        "allocatedStorage": 100, "instanceCreateTime": "2025-09-14T08:21:44.512Z",
        "backupRetentionPeriod": rng.below(14), "multiAZ": rng.chance(60), "engineVersion": "16.4",
        "autoMinorVersionUpgrade": rng.chance(80), "publiclyAccessible": rng.chance(5),
        "storageEncrypted": rng.chance(85), "deletionProtection": rng.chance(50),
        "iAMDatabaseAuthenticationEnabled": rng.chance(40), "copyTagsToSnapshot": true,
        "enabledCloudwatchLogsExports": ["postgresql"], "monitoringInterval": 60,
        "vpcSecurityGroups": (0..scale).map(|_| json!({"vpcSecurityGroupId": format!("sg-{}", rng.hex(17)), "status": "active"})).collect::<Vec<_>>(),
        "dBParameterGroups": [{"dBParameterGroupName": "default.postgres16", "parameterApplyStatus": "in-sync"}]
    });
    let arn = format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{name}");
    let id = format!("db-{}", rng.hex(26).to_uppercase());
    let tags = tags(rng, 3);
    envelope(
        Kind::DbInstance,
        &id,
        &arn,
        "OK",
        configuration,
        json!({}),
        tags,
    )
}

fn function(rng: &mut Rng, scale: usize) -> Value {
    let name = format!("fn-{}", rng.hex(8));
    let runtime =
        ["python3.13", "nodejs22.x", "python3.8", "provided.al2023"][rng.below(4) as usize];
    let configuration = json!({
        "functionName": name, "functionArn": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        "runtime": runtime,
        "role": format!("arn:aws:iam::{ACCOUNT}:role/{name}-role"), "handler": "index.handler",
        "codeSize": 48213, "description": "", "timeout": 30, "memorySize": 256,
        "lastModified": "2026-02-27T10:41:07.512+0000", "codeSha256": rng.hex(44), "version": "$LATEST",
        "vpcConfig": {"subnetIds": (0..scale.min(16)).map(|_| format!("subnet-{}", rng.hex(17))).collect::<Vec<_>>(), "securityGroupIds": []},
        "tracingConfig": {"mode": "PassThrough"}, "revisionId": rng.hex(32),
        "layers": (0..scale).map(|i| json!({"arn": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:layer:l{i}:1"), "codeSize": 1000})).collect::<Vec<_>>(),
        "packageType": "Zip", "architectures": ["arm64"]
    });
    let supplementary = json!({"Policy": json!({"Version": "2012-10-17", "Statement": [{"Sid": "config", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "lambda:InvokeFunction", "Resource": configuration["functionArn"], "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}}}]}).to_string()});
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}");
    let tags = tags(rng, 2);
    envelope(
        Kind::Function,
        &name,
        &arn,
        "OK",
        configuration,
        supplementary,
        tags,
    )
}

fn trail(rng: &mut Rng, scale: usize) -> Value {
    let name = format!("trail-{}", rng.hex(6));
    let configuration = json!({
        "name": name, "s3BucketName": format!("trail-{ACCOUNT}"), "s3KeyPrefix": "org",
        "includeGlobalServiceEvents": true, "isMultiRegionTrail": rng.chance(80), "homeRegion": REGION,
        "trailARN": format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}"),
        "logFileValidationEnabled": rng.chance(70),
        "cloudWatchLogsLogGroupArn": format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:trail:*"),
        "kmsKeyId": if rng.chance(60) { json!(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{}", rng.hex(32))) } else { Value::Null },
        "hasCustomEventSelectors": scale > 1, "hasInsightSelectors": false, "isOrganizationTrail": false
    });
    let arn = format!("arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{name}");
    let tags = tags(rng, scale);
    envelope(
        Kind::Trail,
        &name,
        &arn,
        "OK",
        configuration,
        json!({}),
        tags,
    )
}

/// An item of `kind` whose JSON is at least `target` bytes (or as close as its shape allows).
pub fn item(rng: &mut Rng, kind: Kind, target: usize) -> Value {
    let mut scale = 1;
    loop {
        let mut attempt = rng.clone();
        let value = build(&mut attempt, kind, scale);
        let size = value.to_string().len();
        if size >= target || scale >= 4096 {
            *rng = attempt;
            return value;
        }
        // Grow in proportion to what is missing, at least by one.
        scale = (scale * target / size.max(1)).max(scale + 1);
    }
}

fn build(rng: &mut Rng, kind: Kind, scale: usize) -> Value {
    match kind {
        Kind::SecurityGroup => security_group(rng, scale),
        Kind::Bucket => bucket(rng, scale, false),
        Kind::BucketApi => bucket(rng, scale, true),
        Kind::IamPolicy => iam_policy(rng, scale),
        Kind::Volume => volume(rng, scale),
        Kind::DbInstance => db_instance(rng, scale),
        Kind::Function => function(rng, scale),
        Kind::Trail => trail(rng, scale),
    }
}

/// The item as Config sends it when the resource was deleted.
pub fn deleted(mut item: Value) -> Value {
    item["configurationItemStatus"] = json!("ResourceDeleted");
    item["configuration"] = Value::Null;
    item["supplementaryConfiguration"] = json!({});
    item
}

/// The Lambda event Config sends to a custom rule for `item`.
pub fn change_event(control_id: &str, item: &Value) -> String {
    let invoking = json!({
        "configurationItemDiff": null,
        "configurationItem": item,
        "notificationCreationTime": NOTIFIED,
        "messageType": "ConfigurationItemChangeNotification",
        "recordVersion": "1.3"
    });
    rule_event(control_id, &invoking)
}

/// The oversized-item notification for `item`: its summary only.
pub fn oversized_event(control_id: &str, item: &Value) -> String {
    let summary = json!({
        "changeType": "UPDATE",
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": CAPTURED,
        "configurationStateId": 1780271880000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": item["resourceType"],
        "resourceId": item["resourceId"],
        "resourceName": item["resourceId"],
        "ARN": item.get("ARN").or_else(|| item.get("arn")).cloned().unwrap_or(Value::Null),
        "awsRegion": REGION,
        "availabilityZone": "Regional",
        "configurationStateMd5Hash": ""
    });
    let invoking = json!({
        "configurationItemSummary": summary,
        "s3DeliverySummary": {"s3BucketLocation": "config-bucket/AWSLogs/oversized.json.gz", "errorCode": null, "errorMessage": null},
        "notificationCreationTime": NOTIFIED,
        "messageType": "OversizedConfigurationItemChangeNotification",
        "recordVersion": "1.0"
    });
    rule_event(control_id, &invoking)
}

fn rule_event(control_id: &str, invoking: &Value) -> String {
    let name = format!("ourside-{}", control_id.replace('.', "-"));
    json!({
        "version": "1.0",
        "invokingEvent": invoking.to_string(),
        "ruleParameters": json!({"controlId": control_id}).to_string(),
        "resultToken": "TESTMODE",
        "eventLeftScope": false,
        "executionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/config"),
        "configRuleArn": format!("arn:aws:config:{REGION}:{ACCOUNT}:config-rule/config-rule-{}", control_id.to_lowercase()),
        "configRuleName": name,
        "configRuleId": "config-rule-abc123",
        "accountId": ACCOUNT
    })
    .to_string()
}

/// A size in bytes for the mix: mostly small items, a tail of large ones up to ~250 KB.
fn mixed_size(rng: &mut Rng) -> usize {
    match rng.below(100) {
        0..=69 => 2_000 + rng.below(6_000) as usize,
        70..=94 => 8_000 + rng.below(32_000) as usize,
        _ => 40_000 + rng.below(210_000) as usize,
    }
}

/// `count` events of every kind and size: 94% current items, 5% deleted, 1% oversized
/// notices. Each event is addressed to the first control that covers its type; the
/// benchmarks run every control the item's type has.
pub fn mix(seed: u64, count: usize) -> Vec<Sample> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let kind = Kind::ALL[rng.below(Kind::ALL.len() as u64) as usize];
            let size = mixed_size(&mut rng);
            let item = item(&mut rng, kind, size);
            let control = first_control(kind);
            let roll = rng.below(100);
            let (variant, event) = if roll < 5 {
                (Variant::Deleted, change_event(control, &deleted(item)))
            } else if roll < 6 {
                (Variant::Oversized, oversized_event(control, &item))
            } else {
                (Variant::Current, change_event(control, &item))
            };
            Sample {
                kind,
                variant,
                event,
            }
        })
        .collect()
}

/// The first change-triggered control covering `kind`'s resource type.
pub fn first_control(kind: Kind) -> &'static str {
    let resource_type = ourside_core::ResourceType::from_config_name(kind.resource_type());
    ourside_core::registry::CONTROLS
        .iter()
        .find(|c| c.trigger == ourside_core::Trigger::Change && c.applies_to(&resource_type))
        .map_or("S3.2", |c| c.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let a: Vec<String> = mix(7, 20).into_iter().map(|s| s.event).collect();
        let b: Vec<String> = mix(7, 20).into_iter().map(|s| s.event).collect();
        assert_eq!(a, b);
        assert_ne!(
            a,
            mix(8, 20).into_iter().map(|s| s.event).collect::<Vec<_>>()
        );
    }

    #[test]
    fn items_reach_their_size_and_every_kind_is_judged_without_error() {
        let now = ourside_core::Timestamp::parse("2026-06-01T00:00:00Z").unwrap();
        let every = ourside_core::Evaluator::new(path::change_controls(), now);
        let deployed = path::Deployed::new(now).unwrap();
        for kind in Kind::ALL {
            for target in [2_000, 60_000] {
                let mut rng = Rng::new(1);
                let item = item(&mut rng, kind, target);
                let size = item.to_string().len();
                assert!(size >= target, "{kind:?}: {size} < {target}");
                assert!(size < target * 3 + 4_000, "{kind:?}: {size} ≫ {target}");
                let event = change_event(first_control(kind), &item);
                let judged = path::evaluate_event(&event, &every, now).unwrap();
                assert_eq!(judged.errors, 0, "{kind:?}");
                assert!(judged.evaluations > 0, "{kind:?}");
                assert_eq!(judged.records.len(), judged.evaluations);
                // The handler reports the rule's one evaluation, without a failure.
                assert_eq!(deployed.invoke(&event), Ok(1), "{kind:?}");
                let deleted = change_event(first_control(kind), &deleted(item.clone()));
                assert!(path::evaluate_event(&deleted, &every, now).is_ok());
                assert_eq!(deployed.invoke(&deleted), Ok(1), "{kind:?} deleted");
                let oversized = oversized_event(first_control(kind), &item);
                assert_eq!(path::parse_items(&oversized).unwrap().len(), 1);
            }
        }
    }
}
