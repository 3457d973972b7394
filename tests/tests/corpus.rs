//! Conformance on the shared corpus of real, public AWS Config data: every file is read without a
//! panic and accounted for (evaluated, skipped with a reason, or a named error), and the verdicts
//! the sources' own tests expect (see `corpus/SOURCES.md`) are reproduced. Where ourside
//! deliberately judges differently from a source, the expectation says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ourside_cli::scan::{self, Input, Options, ProblemKind, Report};
use ourside_core::document::Hints;
use ourside_core::params::RawParams;
use ourside_core::registry::{self, CONTROLS};
use ourside_core::{Compliance, ResourceType, Timestamp};

use Compliance::{Compliant as C, NonCompliant as N, NotApplicable as NA};

/// What a file must give: verdicts of (control, resource id or `@location`) and/or a skip or
/// error.
struct Expect {
    file: &'static str,
    verdicts: &'static [(&'static str, &'static str, Compliance)],
    /// A skip or error whose message contains this text.
    problem: Option<(ProblemKind, &'static str)>,
    /// Why ourside differs from the source's own test, when it does.
    note: &'static str,
}

const fn verdicts(
    file: &'static str,
    verdicts: &'static [(&'static str, &'static str, Compliance)],
) -> Expect {
    Expect {
        file,
        verdicts,
        problem: None,
        note: "",
    }
}

const fn problem(file: &'static str, kind: ProblemKind, text: &'static str) -> Expect {
    Expect {
        file,
        verdicts: &[],
        problem: Some((kind, text)),
        note: "",
    }
}

const fn differs(
    file: &'static str,
    verdicts: &'static [(&'static str, &'static str, Compliance)],
    note: &'static str,
) -> Expect {
    Expect {
        file,
        verdicts,
        problem: None,
        note,
    }
}

use ProblemKind::{Error as E, Skipped as S};

const EXPECTATIONS: &[Expect] = &[
    // Outer rule events.
    verdicts("events/acr-pr82-cloudtrail_cloudwatch_failure.json", &[("CloudTrail.5", "*", N)]),
    verdicts("events/acr-pr82-cloudtrail_cloudwatch_success.json", &[("CloudTrail.5", "*", C)]),
    verdicts("events/acr-pr82-cloudtrail_encrypted_failure.json", &[("CloudTrail.2", "*", N)]),
    verdicts("events/acr-pr82-cloudtrail_encrypted_success.json", &[("CloudTrail.2", "*", C)]),
    problem("events/acr-pr82-ec2_launch_wizard_sg_prohibited_failure.json", S, "no applicable control for AWS::EC2::NetworkInterface"),
    problem("events/acr-pr82-ec2_launch_wizard_sg_prohibited_success.json", S, "no applicable control for AWS::EC2::NetworkInterface"),
    verdicts("events/acr-pr82-iam_user_mfa_enabled_failure.json", &[("IAM.2", "*", N)]),
    verdicts("events/acr-pr82-s3_bucket_exposed_acl_failure.json", &[("S3.2", "*", N)]),
    verdicts("events/acr-pr82-s3_bucket_exposed_failure.json", &[("S3.2", "*", N)]),
    verdicts("events/acr-pr82-s3_bucket_exposed_success.json", &[("S3.2", "*", C), ("S3.3", "*", C)]),
    problem("events/awsdocs-example-oversized-ec2.json", S, "oversized-item notification"),
    problem("events/awsdocs-example-periodic.json", S, "ScheduledNotification"),
    problem("events/c7n-app-elb-config-event.json", S, "no applicable control for AWS::ElasticLoadBalancingV2::LoadBalancer"),
    verdicts("events/c7n-cwe-event-config-rule-security-group.json", &[("EC2.13", "*", N), ("EC2.19", "*", N)]),
    problem("events/c7n-poll-evaluation-scheduled.json", S, "ScheduledNotification"),
    problem("events/powertools-py-example-scheduled-typo-messagetype.json", E, "unknown message type \"ScheduledNxotification\""),
    problem("events/powertools-py-oversized-ec2.json", S, "oversized-item notification"),
    problem("events/powertools-py-scheduled.json", S, "ScheduledNotification"),
    problem("events/powertools-ts-periodic-rule.json", S, "ScheduledNotification"),
    problem("events/rdk-test-event-template-2017.json", E, "configurationItem.resourceType: missing"),
    problem("events/rust-lambda-events-example-config-event.json", S, "ConfigurationSnapshotDeliveryCompleted"),
    // Decoded invoking events.
    // Sparse hand-made items: CloudFront.1 and .3 cannot be decided and say which field is missing.
    Expect {
        file: "invoking/acr-cloudfront-webacl-test_distribution_webacl.json",
        verdicts: &[("CloudFront.6", "*", C)],
        problem: Some((E, "missing: cannot tell")),
        note: "",
    },
    Expect {
        file: "invoking/acr-cloudfront-webacl-test_distribution_webacl_none.json",
        verdicts: &[("CloudFront.6", "*", N)],
        problem: Some((E, "missing: cannot tell")),
        note: "",
    },
    verdicts("invoking/acr-ec2-no-public-ip-test_scenario_1a_pri_eni_pri_ip_public.json", &[("EC2.9", "*", N)]),
    verdicts("invoking/acr-ec2-no-public-ip-test_scenario_1b_pri_eni_sec_ip_public.json", &[("EC2.9", "*", N)]),
    verdicts("invoking/acr-ec2-no-public-ip-test_scenario_2_no_public_ip.json", &[("EC2.9", "*", C)]),
    verdicts(
        "invoking/acr-sg-authorized-ports-2018-test_one_tcp_open_authorized.json",
        &[("EC2.18", "*", C)],
    ),
    verdicts("invoking/acr-sg-authorized-ports-2018-test_one_udp_open_not_authorized.json", &[("EC2.18", "*", N)]),
    differs(
        "invoking/acr-sg-authorized-ports-2018-test_sg_in_list.json",
        &[("EC2.18", "*", N)],
        "the source exempts the group through its own exceptionList parameter; ourside exempts \
         resources by tag (ourside:exempt), and without one tcp/80 and 11000 are open to ::/0",
    ),
    differs(
        "invoking/acr-sg-authorized-ports-2018-test_sg_no_port_open_to_world.json",
        &[("EC2.18", "*", N)],
        "the source misses rules open to 11.0.0.0/0 and 25.25.0.0/0: a /0 prefix is the whole \
         internet whatever host bits are written",
    ),
    verdicts(
        "invoking/acr-sg-authorized-ports-2018-test_sg_no_port_open_to_world_and_no_authorized_tcp.json",
        &[("EC2.18", "*", N)],
    ),
    verdicts("invoking/in4it-iam-policy-permissions-boundary-case1.json", &[("IAM.1", "*", NA)]),
    verdicts("invoking/in4it-s3-public-buckets-compliant.json", &[("S3.8", "*", C)]),
    verdicts("invoking/in4it-s3-public-buckets-create.json", &[("S3.8", "*", N)]),
    verdicts("invoking/in4it-s3-public-buckets-delete.json", &[("S3.8", "*", NA), ("S3.2", "*", NA)]),
    verdicts("invoking/in4it-s3-public-buckets-update.json", &[("S3.8", "*", N)]),
    verdicts("invoking/in4it-s3-vpc-traffic-only-compliant.json", &[("S3.4", "*", C), ("S3.2", "*", C)]),
    verdicts("invoking/in4it-sg-public-access-example.json", &[("EC2.18", "*", N)]),
    verdicts("invoking/in4it-sg-public-access-example-compliant.json", &[("EC2.13", "*", C)]),
    // Bare configuration items.
    verdicts(
        "items/awsdocs-get-resource-config-history-sg.json",
        &[("EC2.19", "*", N), ("EC2.2", "*", N)],
    ),
    verdicts(
        "items/rdk-AWS_CLOUDFRONT_DISTRIBUTION.json",
        &[("CloudFront.5", "*", N), ("CloudFront.6", "*", N)],
    ),
    verdicts("items/rdk-AWS_Cloudtrail_Trail.json", &[("CloudTrail.2", "*", N), ("CloudTrail.4", "*", C)]),
    verdicts("items/rdk-AWS_DynamoDB_Table.json", &[("DynamoDB.2", "*", N)]),
    verdicts("items/rdk-AWS_EC2_Instance.json", &[("EC2.8", "*", N), ("EC2.9", "*", N)]),
    verdicts("items/rdk-AWS_EC2_SecurityGroup.json", &[("EC2.13", "*", N)]),
    verdicts("items/rdk-AWS_EC2_Volume.json", &[("EC2.3", "*", C)]),
    verdicts("items/rdk-AWS_IAM_User.json", &[("IAM.2", "*", N)]),
    verdicts("items/rdk-AWS_KMS_Key.json", &[("KMS.4", "*", NA), ("KMS.3", "*", C)]),
    verdicts("items/rdk-AWS_LAMBDA_FUNCTION.json", &[("Lambda.2", "*", N)]),
    verdicts("items/rdk-AWS_RDS_DBInstance.json", &[("RDS.2", "*", N), ("RDS.3", "*", C)]),
    differs(
        "items/rdk-AWS_S3_Bucket.json",
        &[("S3.5", "*", N), ("S3.14", "*", C)],
        "the policy denies plain HTTP only on the bucket ARN, so object requests (bucket/*) are \
         still served over HTTP",
    ),
    verdicts("items/c7n-config-s3.json", &[("S3.14", "*", N), ("S3.2", "*", C)]),
    verdicts("items/c7n-config-s3-lifecycle.json", &[("S3.14", "*", N)]),
    // API responses and notifications.
    // History, newest first: the deletion is judged; the older (encrypted) version is skipped.
    Expect {
        file: "api/c7n-placebo-ebs-volume-deleted-GetResourceConfigHistory.json",
        verdicts: &[("EC2.3", "@data.configurationItems[0]", NA)],
        problem: Some((S, "an older version of AWS::EC2::Volume vol-12345")),
        note: "",
    },
    problem("items/rdk-AWS_S3_AccountPublicAccessBlock.json", ProblemKind::Note, "account-level S3 Block Public Access"),
    // A select result without accountId: S3.6 cannot tell the owner from other accounts.
    Expect {
        file: "api/c7n-placebo-s3-SelectResourceConfig.json",
        verdicts: &[("S3.2", "*", C), ("S3.14", "*", N)],
        problem: Some((E, "names no account")),
        note: "",
    },
    verdicts("api/c7n-placebo-kms-SelectResourceConfig.json", &[("KMS.4", "*", N), ("KMS.3", "*", C)]),
    verdicts(
        "api/c7n-placebo-eks-GetResourceConfigHistory.json",
        &[("EKS.1", "*", N), ("EKS.2", "*", N), ("EKS.3", "*", N), ("EKS.8", "*", N)],
    ),
    verdicts("api/c7n-placebo-lambda-SelectResourceConfig.json", &[("Lambda.2", "*", N), ("Lambda.1", "*", C)]),
    verdicts("api/c7n-placebo-iam-user-SelectResourceConfig.json", &[("IAM.2", "*", C)]),
    verdicts("api/awsdocs-sns-notification-ebs-volume-v1.0.json", &[("EC2.3", "vol-ce676ccc", N)]),
    verdicts("events/c7n-rds-from-rule-partial.json", &[("RDS.2", "*", N), ("RDS.3", "*", N)]),
    verdicts("events/powertools-py-item-changed-ec2.json", &[("EC2.8", "*", N), ("EC2.9", "*", N)]),
    verdicts("items/rdk-AWS_EKS_Cluster.json", &[("EKS.2", "*", N)]),
    verdicts("items/rdk-AWS_IAM_Role.json", &[("IAM.X1", "*", C)]),
    verdicts("items/rdk2017-AWS_EC2_Volume.json", &[("EC2.3", "*", N)]),
    verdicts("items/c7n-config-s3-website.json", &[("S3.2", "*", N)]),
    verdicts("items/c7n-config-s3-website-redirect.json", &[("S3.4", "*", C)]),
    verdicts("api/c7n-placebo-sg-SelectResourceConfig.json", &[("EC2.13", "*", C), ("EC2.2", "*", N)]),
    verdicts("api/c7n-placebo-sg-config-diff-GetResourceConfigHistory.json", &[("EC2.19", "*", N)]),
    verdicts("api/c7n-placebo-sg-set-permissions-SelectResourceConfig.json", &[("EC2.13", "*", N)]),
];

/// SelectResourceConfig recordings that did not select `resourceType`: the type their query
/// filtered on (what `--resource-type` gives the CLI).
const SELECT_TYPES: &[(&str, &str)] = &[
    (
        "api/c7n-placebo-iam-user-SelectResourceConfig.json",
        "AWS::IAM::User",
    ),
    (
        "api/c7n-placebo-kms-SelectResourceConfig.json",
        "AWS::KMS::Key",
    ),
    (
        "api/c7n-placebo-lambda-SelectResourceConfig.json",
        "AWS::Lambda::Function",
    ),
    (
        "api/c7n-placebo-s3-SelectResourceConfig.json",
        "AWS::S3::Bucket",
    ),
    (
        "api/c7n-placebo-sg-SelectResourceConfig.json",
        "AWS::EC2::SecurityGroup",
    ),
    (
        "api/c7n-placebo-sg-set-permissions-SelectResourceConfig.json",
        "AWS::EC2::SecurityGroup",
    ),
];

/// The rule parameters the sources' own tests pass with these decoded events (the events
/// themselves do not carry them): (file, control, parameter, value).
const RULE_PARAMETERS: &[(&str, &str, &str, &str)] = &[
    (
        "invoking/acr-sg-authorized-ports-2018-test_one_tcp_open_authorized.json",
        "EC2.18",
        "authorizedTcpPorts",
        "10000",
    ),
    (
        "invoking/acr-sg-authorized-ports-2018-test_sg_in_list.json",
        "EC2.18",
        "authorizedTcpPorts",
        "443",
    ),
    (
        "invoking/acr-sg-authorized-ports-2018-test_sg_in_list.json",
        "EC2.18",
        "authorizedUdpPorts",
        "80",
    ),
    (
        "invoking/acr-sg-authorized-ports-2018-test_sg_no_port_open_to_world.json",
        "EC2.18",
        "authorizedTcpPorts",
        "443",
    ),
    (
        "invoking/acr-sg-authorized-ports-2018-test_sg_no_port_open_to_world.json",
        "EC2.18",
        "authorizedUdpPorts",
        "80",
    ),
];

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn scan_file(root: &Path, relative: &str) -> Report {
    let path = root.join(relative);
    let hint = SELECT_TYPES
        .iter()
        .find(|(f, _)| *f == relative)
        .map(|(_, t)| ResourceType::from_config_name(t));
    let mut params: BTreeMap<&'static str, RawParams> = BTreeMap::new();
    for (file, control, name, value) in RULE_PARAMETERS {
        if *file == relative {
            let id = registry::find(control).expect("known control").id;
            params
                .entry(id)
                .or_default()
                .0
                .insert(name.to_string(), value.to_string());
        }
    }
    let options = Options {
        controls: CONTROLS.to_vec(),
        params,
        hints: Hints {
            resource_type: hint,
        },
        exemption_tag: ourside_core::exemption::DEFAULT_TAG_KEY.to_string(),
        now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
    };
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string());
    scan::scan(
        vec![Input {
            source: relative.to_string(),
            text,
        }],
        &options,
    )
}

#[test]
fn every_corpus_file_is_read_and_accounted_for() {
    let root = ourside_tests::shared_dir().join("corpus");
    let files = corpus_files(&root);
    assert_eq!(files.len(), 103, "the corpus holds 103 files");
    let expected_errors: Vec<&str> = EXPECTATIONS
        .iter()
        .filter(|e| matches!(e.problem, Some((ProblemKind::Error, _))))
        .map(|e| e.file)
        .collect();
    let (mut evaluated, mut skipped, mut errored) = (0, 0, 0);
    let mut unexpected = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let report = scan_file(&root, &relative);
        let errors: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::Error)
            .collect();
        if !report.records.is_empty() {
            evaluated += 1;
        } else if errors.is_empty() {
            skipped += 1;
        } else {
            errored += 1;
        }
        assert!(
            !report.records.is_empty() || !report.problems.is_empty(),
            "{relative}: neither evaluated nor reported"
        );
        if !errors.is_empty() && !expected_errors.contains(&relative.as_str()) {
            unexpected.push(format!(
                "{relative}: {:?}",
                errors.iter().map(|e| &e.message).collect::<Vec<_>>()
            ));
        }
    }
    println!("corpus: {} files: {evaluated} evaluated, {skipped} skipped with a reason, {errored} errors", files.len());
    assert!(
        unexpected.is_empty(),
        "unexpected errors:\n{}",
        unexpected.join("\n")
    );
}

#[test]
fn verdicts_match_what_the_sources_expect() {
    let root = ourside_tests::shared_dir().join("corpus");
    let mut failures = Vec::new();
    for expect in EXPECTATIONS {
        assert!(
            root.join(expect.file).is_file(),
            "{}: not in the corpus",
            expect.file
        );
        let report = scan_file(&root, expect.file);
        for &(control, resource, wanted) in expect.verdicts {
            assert!(
                registry::find(control).is_some(),
                "{}: unknown control {control}",
                expect.file
            );
            let got: Vec<_> = report
                .records
                .iter()
                .filter(|r| {
                    r.control.id == control
                        && match resource.strip_prefix('@') {
                            Some(location) => r.location == location,
                            None => resource == "*" || r.subject.resource_id == resource,
                        }
                })
                .collect();
            if got.is_empty() {
                failures.push(format!("{}: no {control} verdict", expect.file));
            }
            for r in got {
                if r.verdict.compliance != wanted {
                    failures.push(format!(
                        "{}: {control} on {} expected {wanted}, got {} ({}){}",
                        expect.file,
                        r.subject.resource_id,
                        r.verdict.compliance,
                        r.verdict.annotation,
                        if expect.note.is_empty() {
                            String::new()
                        } else {
                            format!(" — note: {}", expect.note)
                        }
                    ));
                }
            }
        }
        if let Some((kind, text)) = expect.problem {
            if !report
                .problems
                .iter()
                .any(|p| p.kind == kind && p.message.contains(text))
            {
                failures.push(format!(
                    "{}: expected a {kind:?} containing {text:?}, got {:?}",
                    expect.file,
                    report
                        .problems
                        .iter()
                        .map(|p| (&p.kind, &p.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The types whose findings carry `Resources[].Details`.
const DETAILED: &[ResourceType] = &[
    ResourceType::CloudTrailTrail,
    ResourceType::Ec2Instance,
    ResourceType::Ec2SecurityGroup,
    ResourceType::Ec2Volume,
    ResourceType::IamRole,
    ResourceType::IamUser,
    ResourceType::KmsKey,
    ResourceType::LambdaFunction,
    ResourceType::RdsDbInstance,
    ResourceType::S3Bucket,
];

/// Items that record nothing details could use: (file, why).
const WITHOUT_DETAILS: &[(&str, &str)] = &[
    (
        "events/awsdocs-example-change-triggered-ec2.json",
        "a placeholder configuration, {\"foo\":\"bar\"}",
    ),
    (
        "events/powertools-ts-item-change-notification-ec2.json",
        "a placeholder configuration, {\"<foo>\":\"<bar>\"}",
    ),
];

#[test]
fn findings_about_existing_resources_carry_details() {
    let root = ourside_tests::shared_dir().join("corpus");
    let mut missing = Vec::new();
    let mut detailed = 0;
    for path in corpus_files(&root) {
        let relative = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for r in scan_file(&root, &relative).records {
            // Deleted resources are judged NOT_APPLICABLE and described by identity only.
            if !DETAILED.contains(&r.subject.resource_type) || r.verdict.compliance == NA {
                continue;
            }
            if r.subject.details.is_some() {
                detailed += 1;
            } else if !WITHOUT_DETAILS.iter().any(|(f, _)| *f == relative) {
                missing.push(format!(
                    "{relative}: {} {}",
                    r.control.id, r.subject.resource_id
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "findings without details:\n{}",
        missing.join("\n")
    );
    assert!(detailed > 100, "only {detailed} findings with details");
}
