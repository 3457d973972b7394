//! The sample events in `infra/events/` (for `sam remote invoke` and `cargo lambda invoke`) are
//! built here from the same event builders the functions' tests use, so they stay what the
//! functions take. `OURSIDE_WRITE_EVENTS=1 cargo test -p ourside-tests --test sample_events`
//! rewrites them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ourside_core::asff::Subject;
use ourside_core::record::{FindingRecord, Origin};
use ourside_core::rule::{rule_name, RuleInvocation, RULE_PREFIX};
use ourside_core::{registry, ResourceType, Timestamp, Verdict};
use ourside_lambda::events::{self, sqs_event, ComplianceChange, Rule};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";
const AT: &str = "2026-06-01T10:00:00.000Z";
const GROUP: &str = "sg-0c1d2e3f4a5b6c7d8";

fn rule(control: &str) -> String {
    rule_name(RULE_PREFIX, registry::find(control).unwrap())
}

/// A security group open to the internet on port 22, as Config notifies it.
fn open_ssh_group() -> Value {
    json!({
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": AT,
        "configurationStateId": 1780308000000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": GROUP,
        "resourceName": "bastion",
        "ARN": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{GROUP}"),
        "awsRegion": REGION,
        "availabilityZone": "Not Applicable",
        "tags": {"Name": "bastion"},
        "relationships": [],
        "configuration": {
            "description": "bastion access",
            "groupName": "bastion",
            "ipPermissions": [{
                "fromPort": 22, "toPort": 22, "ipProtocol": "tcp",
                "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}], "ipRanges": ["0.0.0.0/0"],
                "ipv6Ranges": [], "prefixListIds": [], "userIdGroupPairs": []
            }],
            "ipPermissionsEgress": [],
            "ownerId": ACCOUNT,
            "groupId": GROUP,
            "vpcId": "vpc-0a1b2c3d"
        },
        "supplementaryConfiguration": {}
    })
}

/// Every sample: file name and contents. `TESTMODE` result tokens make Config store nothing
/// when a sample is sent to a deployed function.
fn samples() -> Vec<(&'static str, String)> {
    let ec2_13_name = rule("EC2.13");
    let ec2_13 = Rule {
        name: &ec2_13_name,
        account_id: ACCOUNT,
        region: REGION,
    };
    let change = events::rule_event(
        ec2_13,
        &events::change(&open_ssh_group(), AT),
        &json!({"controlId": "EC2.13", "exemptionTagKey": "ourside:exempt"}),
        "TESTMODE",
        false,
    );
    let summary = json!({
        "changeType": "UPDATE",
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": AT,
        "configurationStateId": 1780308000000u64,
        "awsAccountId": ACCOUNT,
        "configurationItemStatus": "OK",
        "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": GROUP,
        "resourceName": "bastion",
        "ARN": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{GROUP}"),
        "awsRegion": REGION,
        "availabilityZone": "Not Applicable",
        "configurationStateMd5Hash": ""
    });
    let oversized = events::rule_event(
        ec2_13,
        &events::oversized(&summary, AT),
        &json!({"controlId": "EC2.13", "exemptionTagKey": "ourside:exempt"}),
        "TESTMODE",
        false,
    );
    let iam_3_name = rule("IAM.3");
    let iam_3 = Rule {
        name: &iam_3_name,
        account_id: ACCOUNT,
        region: REGION,
    };
    let scheduled = events::rule_event(
        iam_3,
        &events::scheduled(ACCOUNT, AT),
        &json!({"controlId": "IAM.3", "exemptionTagKey": "ourside:exempt", "maxAccessKeyAge": "90"}),
        "TESTMODE",
        false,
    );
    let subject = Subject {
        resource_type: ResourceType::from_config_name("AWS::EC2::SecurityGroup"),
        resource_id: GROUP.into(),
        arn: Some(format!(
            "arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{GROUP}"
        )),
        account_id: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        capture_time: None,
        tags: BTreeMap::from([("Name".to_string(), "bastion".to_string())]).into(),
        details: None,
    };
    let at = Timestamp::parse(AT).unwrap();
    let mut record = FindingRecord::new(
        registry::find("EC2.13").unwrap(),
        &subject,
        &Verdict::non_compliant("ingress tcp/22 open to 0.0.0.0/0"),
        at,
        at,
        Origin::Change,
    );
    record.rule_name = Some(rule("EC2.13"));
    let findings = sqs_event(&[(
        "5fea7756-0ea4-451a-a703-a558b933e274".to_string(),
        serde_json::to_string(&record).unwrap(),
    )]);
    let change_event = ComplianceChange {
        rule: ec2_13,
        resource_type: "AWS::EC2::SecurityGroup",
        resource_id: GROUP,
        old: Some("COMPLIANT"),
        new: "NON_COMPLIANT",
        annotation: "ingress tcp/22 open to 0.0.0.0/0",
        at: AT,
    }
    .event();
    let alerts = sqs_event(&[(
        "2e1424d4-f796-459a-8184-9c92662be6da".to_string(),
        change_event,
    )]);
    [
        ("evaluator-change.json", change),
        ("evaluator-oversized.json", oversized),
        ("periodic-scheduled.json", scheduled),
        ("publisher-findings.json", findings),
        ("alerter-compliance-change.json", alerts),
    ]
    .into_iter()
    .map(|(name, text)| {
        let value: Value = serde_json::from_str(&text).unwrap();
        (name, serde_json::to_string_pretty(&value).unwrap() + "\n")
    })
    .collect()
}

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/events")
}

#[test]
fn sample_events_are_what_the_builders_give() {
    let dir = events_dir();
    let write = std::env::var_os("OURSIDE_WRITE_EVENTS").is_some();
    for (name, text) in samples() {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == text,
            "{}: differs from what the event builders give; rewrite with OURSIDE_WRITE_EVENTS=1 cargo test -p ourside-tests --test sample_events",
            path.display()
        );
    }
}

#[test]
fn sample_events_are_taken_by_their_functions() {
    for (name, text) in samples() {
        if name.starts_with("evaluator") || name.starts_with("periodic") {
            let invocation = RuleInvocation::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(invocation.result_token, "TESTMODE", "{name}");
        } else {
            let event = ourside_lambda::sqs::SqsEvent::parse(&text)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(event.records.len(), 1, "{name}");
            let body = &event.records[0].body;
            if name.starts_with("publisher") {
                let record: FindingRecord = serde_json::from_str(body).unwrap();
                assert_eq!(record.control_id, "EC2.13");
            } else {
                let change: Value = serde_json::from_str(body).unwrap();
                assert_eq!(change["detail-type"], "Config Rules Compliance Change");
            }
        }
    }
}
