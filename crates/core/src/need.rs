//! What a control needs beyond the configuration item, and the IAM permissions that fetching it
//! takes. The deployment derives each function's role from these, so a control cannot need
//! data its function is not allowed to read.

use serde::Serialize;

/// Data fetched by API at evaluation time (change-triggered controls) or on a schedule
/// (periodic controls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Need {
    /// The function's environment variables (Config does not record them).
    LambdaFunctionConfiguration,
    /// Where failed asynchronous invocations go (DLQ is in the item; destinations are not).
    LambdaEventInvokeConfig,
    /// The instance's Systems Manager inventory item, read from AWS Config.
    SsmManagedInstanceInventory,
    /// Account-level S3 Block Public Access.
    AccountPublicAccessBlock,
    /// Account-level S3 Block Public Access as AWS Config recorded it
    /// (`AWS::S3::AccountPublicAccessBlock`): what bucket controls read at change time, through
    /// the Config client the evaluator already has.
    RecordedAccountPublicAccessBlock,
    /// EBS encryption by default, in the region.
    EbsEncryptionByDefault,
    /// EBS snapshots the account owns that anyone can restore.
    PublicEbsSnapshots,
    /// The IAM account summary (root access keys, root MFA) and virtual MFA devices.
    IamAccountSummary,
    /// The account password policy.
    IamPasswordPolicy,
    /// The IAM credential report and the users' ids.
    IamCredentialReport,
    /// Trails, their status and event selectors.
    CloudTrailTrails,
    /// VPCs and their flow logs.
    VpcFlowLogs,
    /// AWS Config recorders and their status.
    ConfigRecorders,
    /// GuardDuty detectors.
    GuardDutyDetectors,
    /// Secrets and when they were last rotated.
    SecretsRotation,
    /// ElastiCache clusters (AWS Config does not record them).
    ElastiCacheClusters,
    /// ElastiCache replication groups (AWS Config does not record them).
    ElastiCacheReplicationGroups,
    /// CloudWatch Logs log groups (AWS Config does not record them).
    LogGroups,
}

impl Need {
    /// The IAM actions fetching this takes.
    pub fn permissions(self) -> &'static [&'static str] {
        match self {
            Need::LambdaFunctionConfiguration => &["lambda:GetFunctionConfiguration"],
            Need::LambdaEventInvokeConfig => &["lambda:GetFunctionEventInvokeConfig"],
            Need::SsmManagedInstanceInventory => &["config:BatchGetResourceConfig"],
            Need::AccountPublicAccessBlock => &["s3:GetAccountPublicAccessBlock"],
            Need::RecordedAccountPublicAccessBlock => &["config:GetResourceConfigHistory"],
            Need::EbsEncryptionByDefault => &["ec2:GetEbsEncryptionByDefault"],
            Need::PublicEbsSnapshots => &["ec2:DescribeSnapshots"],
            Need::IamAccountSummary => &["iam:GetAccountSummary", "iam:ListVirtualMFADevices"],
            Need::IamPasswordPolicy => &["iam:GetAccountPasswordPolicy"],
            Need::IamCredentialReport => &[
                "iam:GenerateCredentialReport",
                "iam:GetCredentialReport",
                "iam:ListUsers",
            ],
            Need::CloudTrailTrails => &[
                "cloudtrail:DescribeTrails",
                "cloudtrail:GetTrailStatus",
                "cloudtrail:GetEventSelectors",
            ],
            Need::VpcFlowLogs => &["ec2:DescribeVpcs", "ec2:DescribeFlowLogs"],
            Need::ConfigRecorders => &[
                "config:DescribeConfigurationRecorders",
                "config:DescribeConfigurationRecorderStatus",
            ],
            Need::GuardDutyDetectors => &["guardduty:ListDetectors", "guardduty:GetDetector"],
            Need::SecretsRotation => &["secretsmanager:ListSecrets"],
            Need::ElastiCacheClusters => &["elasticache:DescribeCacheClusters"],
            Need::ElastiCacheReplicationGroups => &["elasticache:DescribeReplicationGroups"],
            Need::LogGroups => &["logs:DescribeLogGroups"],
        }
    }

    /// A short description for messages (`the function's environment variables`).
    pub fn describe(self) -> &'static str {
        match self {
            Need::LambdaFunctionConfiguration => "the function's environment variables",
            Need::LambdaEventInvokeConfig => "the function's asynchronous invocation settings",
            Need::SsmManagedInstanceInventory => "the instance's Systems Manager inventory",
            Need::AccountPublicAccessBlock => "account-level S3 Block Public Access",
            Need::RecordedAccountPublicAccessBlock => {
                "account-level S3 Block Public Access, as AWS Config recorded it"
            }
            Need::EbsEncryptionByDefault => "EBS encryption by default",
            Need::PublicEbsSnapshots => "public EBS snapshots",
            Need::IamAccountSummary => "the IAM account summary",
            Need::IamPasswordPolicy => "the account password policy",
            Need::IamCredentialReport => "the IAM credential report",
            Need::CloudTrailTrails => "the CloudTrail trails",
            Need::VpcFlowLogs => "VPC flow logs",
            Need::ConfigRecorders => "the AWS Config recorders",
            Need::GuardDutyDetectors => "the GuardDuty detectors",
            Need::SecretsRotation => "the secrets' rotation dates",
            Need::ElastiCacheClusters => "the ElastiCache clusters",
            Need::ElastiCacheReplicationGroups => "the ElastiCache replication groups",
            Need::LogGroups => "the CloudWatch Logs log groups",
        }
    }
}
