//! Security Hub findings (AWS Security Finding Format) from evaluations.
//!
//! One finding per (account, region, control, resource), with an id derived from exactly those,
//! so re-evaluation updates the finding instead of adding one. NON_COMPLIANT is `FAILED`,
//! COMPLIANT `PASSED` (Security Hub resolves it), NOT_APPLICABLE (deleted, out of scope,
//! exempted, not in the control's scope) `NOT_AVAILABLE` and `ARCHIVED`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::control::Control;
pub use crate::details::ResourceDetails;
use crate::frameworks::{security_hub_control, FSBP_STANDARDS_ID, NIST_STANDARDS_ID};
use crate::item::ConfigurationItem;
use crate::resource::ResourceType;
use crate::timestamp::Timestamp;
use crate::verdict::{Compliance, Verdict};

pub const SCHEMA_VERSION: &str = "2018-10-08";
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 1024;
const RECOMMENDATION_MAX: usize = 512;
/// The product field that says when the finding's verdict was reached.
pub const EVALUATED_AT_FIELD: &str = "ourside/EvaluatedAt";

/// What a finding says about its resource, taken from the configuration item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub resource_type: ResourceType,
    pub resource_id: String,
    pub arn: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub capture_time: Option<Timestamp>,
    /// The resource's tags, as they are: exemptions read them. Findings and records carry
    /// them with values that look like credentials withheld.
    pub tags: Arc<BTreeMap<String, String>>,
    /// `Resources[].Details`, where Security Hub models the type (see [`crate::details`]);
    /// shared, not copied, by every finding record of the item.
    pub details: Option<Arc<ResourceDetails>>,
}

impl Subject {
    pub fn of(item: &ConfigurationItem) -> Self {
        Subject {
            resource_type: item.resource_type.clone(),
            resource_id: item.display_id().to_string(),
            arn: item.arn.clone(),
            account_id: item.account_id.clone(),
            region: item.region.clone(),
            capture_time: item.capture_time,
            tags: Arc::clone(&item.tags),
            details: crate::details::of(item).map(Arc::new),
        }
    }
}

/// Why a finding cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AsffError {
    #[error("the item names no account (accountId/awsAccountId), which a finding requires")]
    NoAccount,
    #[error("the item names no region (awsRegion is {0:?}); give a default region")]
    NoRegion(String),
}

/// Where and when findings are produced.
#[derive(Debug, Clone)]
pub struct Producer<'a> {
    /// Used for global resources (IAM items say `awsRegion: global`) and items without a region.
    pub default_region: Option<&'a str>,
    pub now: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Finding {
    pub schema_version: &'static str,
    pub id: String,
    pub product_arn: String,
    pub product_name: &'static str,
    pub company_name: &'static str,
    pub region: String,
    pub generator_id: String,
    pub aws_account_id: String,
    pub types: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_observed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_observed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub severity: Severity,
    pub finding_provider_fields: FindingProviderFields,
    pub title: String,
    pub description: String,
    pub remediation: Remediation,
    pub product_fields: BTreeMap<String, String>,
    pub resources: Vec<Resource>,
    pub compliance: FindingCompliance,
    pub record_state: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Severity {
    pub label: &'static str,
    pub original: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingProviderFields {
    pub severity: Severity,
    pub types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Remediation {
    pub recommendation: Recommendation,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recommendation {
    pub text: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    #[serde(rename = "Type")]
    pub resource_type: String,
    pub id: String,
    pub partition: &'static str,
    pub region: String,
    #[serde(skip_serializing_if = "crate::secrets::no_tags")]
    pub tags: Arc<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Arc<ResourceDetails>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingCompliance {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_control_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_requirements: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub associated_standards: Vec<AssociatedStandard>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociatedStandard {
    pub standards_id: String,
}

/// The partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("eu-isoe-") {
        "aws-iso-e"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// The stable finding id for (account, region, control, resource).
pub fn finding_id(account: &str, region: &str, control_id: &str, subject: &Subject) -> String {
    let mut hasher = Sha256::new();
    for part in [
        account,
        region,
        control_id,
        subject.resource_type.config_name(),
        &subject.resource_id,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "arn:{}:securityhub:{region}:{account}:ourside/{control_id}/finding/{hex}",
        partition(region)
    )
}

/// The `ourside/…` key of a product field.
fn field(name: &str) -> String {
    format!("ourside/{name}")
}

/// Cuts text to `max` bytes on a character boundary.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max - '…'.len_utf8();
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

/// Builds the finding for one evaluation.
pub fn finding(
    control: &Control,
    subject: &Subject,
    verdict: &Verdict,
    producer: &Producer,
) -> Result<Finding, AsffError> {
    let account = subject
        .account_id
        .clone()
        .filter(|a| !a.is_empty())
        .ok_or(AsffError::NoAccount)?;
    let region = subject
        .region
        .clone()
        .filter(|r| !r.is_empty() && r != "global")
        .or_else(|| producer.default_region.map(str::to_string))
        .ok_or_else(|| AsffError::NoRegion(subject.region.clone().unwrap_or_default()))?;
    let partition = partition(&region);
    let security_hub = control.mappings.security_hub;
    let in_fsbp = security_hub.and_then(security_hub_control).unwrap_or(false);
    let types = vec![if in_fsbp {
        "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices"
    } else {
        "Software and Configuration Checks/AWS Security Best Practices"
    }
    .to_string()];
    let severity = Severity {
        label: control.severity.label(),
        original: control.severity.label(),
    };

    let (status, record_state) = match verdict.compliance {
        Compliance::NonCompliant => ("FAILED", "ACTIVE"),
        Compliance::Compliant => ("PASSED", "ACTIVE"),
        Compliance::NotApplicable => ("NOT_AVAILABLE", "ARCHIVED"),
    };

    let mut related_requirements: Vec<String> = control
        .mappings
        .nist
        .iter()
        .map(|n| format!("NIST.800-53.r5 {n}"))
        .collect();
    related_requirements.extend(control.mappings.cis.iter().map(|c| {
        format!(
            "CIS AWS Foundations Benchmark v{}/{}",
            c.version.name(),
            c.id
        )
    }));
    let mut standards = Vec::new();
    if in_fsbp {
        standards.push(FSBP_STANDARDS_ID.to_string());
    }
    if !control.mappings.nist.is_empty() {
        standards.push(NIST_STANDARDS_ID.to_string());
    }
    for cis in control.mappings.cis {
        let id = cis.version.standards_id().to_string();
        if !standards.contains(&id) {
            standards.push(id);
        }
    }

    let what = control.doc_section("What it checks").unwrap_or_default();
    let description = clip(
        &format!("{}\n\n{}", verdict.annotation, what),
        DESCRIPTION_MAX,
    );

    let mut product_fields = BTreeMap::new();
    product_fields.insert(field("ControlId"), control.id.to_string());
    product_fields.insert(field("Owner"), control.owner.name().to_string());
    product_fields.insert(field("SrmArea"), control.area.name().to_string());
    product_fields.insert(field("Compliance"), verdict.compliance.as_str().to_string());
    product_fields.insert(field("Annotation"), verdict.annotation.clone());
    product_fields.insert(EVALUATED_AT_FIELD.to_string(), producer.now.to_rfc3339());
    product_fields.insert(
        field("ConfigResourceType"),
        subject.resource_type.config_name().to_string(),
    );

    let asff_type = subject.resource_type.asff_type();
    let details = (asff_type == "Other")
        .then(|| {
            Arc::new(ResourceDetails {
                other: BTreeMap::from([
                    (
                        "ConfigResourceType".to_string(),
                        subject.resource_type.config_name().to_string(),
                    ),
                    ("ResourceId".to_string(), subject.resource_id.clone()),
                ]),
                ..ResourceDetails::default()
            })
        })
        .or_else(|| subject.details.clone());
    let observed = subject.capture_time.map(Timestamp::to_rfc3339);
    // The item's capture time is when the state was first seen: stable across re-runs, unlike
    // the evaluation time (never later than it, so UpdatedAt >= CreatedAt).
    let created = subject
        .capture_time
        .filter(|t| *t <= producer.now)
        .unwrap_or(producer.now)
        .to_rfc3339();
    let now = producer.now.to_rfc3339();

    Ok(Finding {
        schema_version: SCHEMA_VERSION,
        id: finding_id(&account, &region, control.id, subject),
        product_arn: format!(
            "arn:{partition}:securityhub:{region}:{account}:product/{account}/default"
        ),
        product_name: "ourside",
        company_name: "ourside",
        region: region.clone(),
        generator_id: format!("ourside/{}", control.id),
        aws_account_id: account,
        types: types.clone(),
        first_observed_at: observed.clone(),
        last_observed_at: observed,
        created_at: created,
        updated_at: now,
        severity: severity.clone(),
        finding_provider_fields: FindingProviderFields { severity, types },
        title: clip(&format!("{} {}", control.id, control.title), TITLE_MAX),
        description,
        remediation: Remediation {
            recommendation: Recommendation {
                text: clip(control.remediation.text, RECOMMENDATION_MAX),
                url: control.remediation.url.to_string(),
            },
        },
        product_fields,
        resources: vec![Resource {
            resource_type: asff_type.to_string(),
            id: subject
                .arn
                .clone()
                .unwrap_or_else(|| subject.resource_id.clone()),
            partition,
            region,
            tags: crate::secrets::withhold_tags(&subject.tags),
            details,
        }],
        compliance: FindingCompliance {
            status,
            security_control_id: security_hub.map(str::to_string),
            related_requirements,
            associated_standards: standards
                .into_iter()
                .map(|standards_id| AssociatedStandard { standards_id })
                .collect(),
        },
        record_state,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    fn subject(region: &str) -> Subject {
        Subject {
            resource_type: ResourceType::S3Bucket,
            resource_id: "acme-logs".into(),
            arn: Some("arn:aws:s3:::acme-logs".into()),
            account_id: Some("111122223333".into()),
            region: Some(region.into()),
            capture_time: Timestamp::parse("2026-03-02T09:14:21.118Z"),
            tags: Default::default(),
            details: None,
        }
    }

    fn producer() -> Producer<'static> {
        Producer {
            default_region: None,
            now: Timestamp::parse("2026-06-01T00:00:00Z").unwrap(),
        }
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = finding_id("111122223333", "eu-west-1", "S3.2", &subject("eu-west-1"));
        assert_eq!(
            a,
            finding_id("111122223333", "eu-west-1", "S3.2", &subject("eu-west-1"))
        );
        assert_ne!(
            a,
            finding_id("111122223333", "eu-west-1", "S3.3", &subject("eu-west-1"))
        );
        assert_ne!(
            a,
            finding_id("111122223333", "us-east-1", "S3.2", &subject("eu-west-1"))
        );
        assert!(a.starts_with("arn:aws:securityhub:eu-west-1:111122223333:ourside/S3.2/finding/"));
    }

    #[test]
    fn statuses_follow_the_verdict() {
        let control = registry::find("S3.2").unwrap();
        let failed = finding(
            control,
            &subject("eu-west-1"),
            &Verdict::non_compliant("bad"),
            &producer(),
        )
        .unwrap();
        assert_eq!(
            (failed.compliance.status, failed.record_state),
            ("FAILED", "ACTIVE")
        );
        assert_eq!(
            failed.product_arn,
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"
        );
        assert!(failed
            .compliance
            .associated_standards
            .iter()
            .any(|s| s.standards_id == FSBP_STANDARDS_ID));
        let passed = finding(
            control,
            &subject("eu-west-1"),
            &Verdict::compliant("ok"),
            &producer(),
        )
        .unwrap();
        assert_eq!(passed.compliance.status, "PASSED");
        let gone = finding(
            control,
            &subject("eu-west-1"),
            &Verdict::not_applicable("deleted"),
            &producer(),
        )
        .unwrap();
        assert_eq!(
            (gone.compliance.status, gone.record_state),
            ("NOT_AVAILABLE", "ARCHIVED")
        );
    }

    #[test]
    fn global_items_need_a_default_region() {
        let control = registry::find("S3.2").unwrap();
        let err = finding(
            control,
            &subject("global"),
            &Verdict::compliant("ok"),
            &producer(),
        )
        .unwrap_err();
        assert_eq!(err, AsffError::NoRegion("global".into()));
        let with_default = Producer {
            default_region: Some("us-east-1"),
            ..producer()
        };
        let f = finding(
            control,
            &subject("global"),
            &Verdict::compliant("ok"),
            &with_default,
        )
        .unwrap();
        assert_eq!(f.region, "us-east-1");
        assert_eq!(partition("cn-north-1"), "aws-cn");
    }

    fn details_of(item: &str, control_id: &str) -> serde_json::Value {
        let item = ConfigurationItem::parse(item).unwrap();
        let control = registry::find(control_id).unwrap();
        let verdict = Verdict::non_compliant("bad");
        let f = finding(control, &Subject::of(&item), &verdict, &producer()).unwrap();
        serde_json::to_value(&f.resources[0].details).unwrap()
    }

    /// `corpus/invoking/in4it-s3-vpc-traffic-only-compliant.json`, without its ACL, policy and
    /// the sections details do not read.
    const S3_BUCKET: &str = r#"{
        "configuration": {"name": "testbucket-compliant",
            "owner": {"displayName": null, "id": "c9f828b919b0428bec9e28c0e2cc4e18c41b9b12e6e2d4551840e545a5a19d48"},
            "creationDate": "2019-08-07T10:05:34.000Z"},
        "supplementaryConfiguration": {
            "BucketLoggingConfiguration": {"destinationBucketName": null, "logFilePrefix": null},
            "BucketVersioningConfiguration": {"status": "Enabled", "isMfaDeleteEnabled": false},
            "IsRequesterPaysEnabled": false,
            "PublicAccessBlockConfiguration": {"blockPublicAcls": true, "ignorePublicAcls": true,
                "blockPublicPolicy": true, "restrictPublicBuckets": true},
            "ServerSideEncryptionConfiguration": {"rules": [{"applyServerSideEncryptionByDefault":
                {"sseAlgorithm": "aws:kms", "kmsMasterKeyID": "arn:aws:kms:eu-west-1:123456543:key/123456789-1234-4553345-asdf3-1"},
                "bucketKeyEnabled": false}]}},
        "tags": {}, "configurationItemVersion": "1.3", "configurationItemCaptureTime": "2021-01-26T21:18:36.790Z",
        "configurationStateId": 1611695916790, "awsAccountId": "326534185162", "configurationItemStatus": "OK",
        "resourceType": "AWS::S3::Bucket", "resourceId": "testbucket-compliant", "resourceName": "testbucket-compliant",
        "ARN": "arn:aws:s3:::testbucket-compliant", "awsRegion": "eu-west-1", "availabilityZone": "Regional",
        "configurationStateMd5Hash": "", "resourceCreationTime": "2019-08-07T10:05:34.000Z"}"#;

    #[test]
    fn s3_bucket_details() {
        assert_eq!(
            details_of(S3_BUCKET, "S3.2"),
            serde_json::json!({"AwsS3Bucket": {
                "Name": "testbucket-compliant",
                "OwnerId": "c9f828b919b0428bec9e28c0e2cc4e18c41b9b12e6e2d4551840e545a5a19d48",
                "OwnerAccountId": "326534185162",
                "CreatedAt": "2019-08-07T10:05:34.000Z",
                "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": "arn:aws:kms:eu-west-1:123456543:key/123456789-1234-4553345-asdf3-1"
                }}]},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
                "BucketVersioningConfiguration": {"Status": "Enabled"}
            }})
        );
    }

    /// `corpus/items/rdk-AWS_EC2_SecurityGroup.json` (API key flavour, legacy `ipRanges`).
    const SECURITY_GROUP: &str = r#"{
        "version": "1.2", "accountId": "264683526309", "configurationItemCaptureTime": "2016-06-09T08:59:59.139Z",
        "configurationItemStatus": "OK", "configurationStateId": "58", "configurationItemMD5Hash": "d5256a780a70ecb28fbd02b10c2a1662",
        "arn": "arn:aws:ec2:us-east-1:264683526309:security-group/sg-1d56fc66", "resourceType": "AWS::EC2::SecurityGroup",
        "resourceId": "sg-1d56fc66", "awsRegion": "us-east-1", "availabilityZone": "Not Applicable", "tags": {},
        "relatedEvents": [],
        "relationships": [{"resourceType": "AWS::EC2::VPC", "resourceId": "vpc-0990dc6d", "relationshipName": "Is contained in Vpc"}],
        "configuration": {"ownerId": "264683526309", "groupName": "launch-wizard-7", "groupId": "sg-1d56fc66",
            "description": "launch-wizard-7 created 2016-05-26T14:26:12.992-07:00",
            "ipPermissions": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "userIdGroupPairs": [],
                "ipRanges": ["0.0.0.0/0"], "prefixListIds": []}],
            "ipPermissionsEgress": [{"ipProtocol": "-1", "userIdGroupPairs": [], "ipRanges": ["0.0.0.0/0"], "prefixListIds": []}],
            "vpcId": "vpc-0990dc6d", "tags": []},
        "supplementaryConfiguration": {}}"#;

    #[test]
    fn security_group_details() {
        assert_eq!(
            details_of(SECURITY_GROUP, "EC2.13"),
            serde_json::json!({"AwsEc2SecurityGroup": {
                "GroupName": "launch-wizard-7",
                "GroupId": "sg-1d56fc66",
                "OwnerId": "264683526309",
                "VpcId": "vpc-0990dc6d",
                "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
            }})
        );
    }

    #[test]
    fn deleted_resources_and_other_types_keep_their_details() {
        let deleted = S3_BUCKET.replace(r#""OK""#, r#""ResourceDeleted""#);
        assert_eq!(details_of(&deleted, "S3.2"), serde_json::Value::Null);
        let log_group = r#"{"resourceType":"AWS::Logs::LogGroup","resourceId":"/app","awsAccountId":"111122223333",
            "awsRegion":"eu-west-1","configuration":{"logGroupName":"/app"}}"#;
        assert_eq!(
            details_of(log_group, "CloudWatch.16"),
            serde_json::json!({"Other": {"ConfigResourceType": "AWS::Logs::LogGroup", "ResourceId": "/app"}})
        );
    }
}
