//! Resource types and their typed views.
//!
//! A configuration item's `configuration`/`supplementaryConfiguration` is decoded once, into the
//! view of its resource type; controls only ever see these views. Each view reads the fields its
//! controls need, in whichever casing, flavour or encoding AWS delivers them.

use std::fmt;

use crate::item::ConfigurationItem;
use crate::json::{Flag, InputError, Number};

pub mod apigateway;
pub mod cloudfront;
pub mod cloudtrail;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod eks;
pub mod elasticache;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod messaging;
pub mod rds;
pub mod route53;
pub mod s3;
pub mod secretsmanager;
pub mod ssm;

/// A part of a view decoded on its own: a bad section fails only the controls that read it.
pub type Section<T> = Result<T, InputError>;

/// Reads a section, turning its decoding error into the control's error.
pub fn section<T>(section: &Section<T>) -> Result<&T, InputError> {
    section.as_ref().map_err(Clone::clone)
}

/// A string field trimmed, with blank values (`""`, `" "`) read as absent.
pub(crate) fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// A minimal item for view tests: `configuration` is JSON text.
#[cfg(test)]
pub(crate) fn test_item(
    resource_type: &str,
    resource_id: &str,
    configuration: &str,
) -> ConfigurationItem {
    let text = format!(
        r#"{{"resourceType":"{resource_type}","resourceId":"{resource_id}","configuration":{configuration}}}"#
    );
    match ConfigurationItem::parse(&text) {
        Ok(item) => item,
        Err(e) => panic!("test item does not parse: {e}"),
    }
}

/// A lenient number (`7`, `7.0`, `"7"`) that must be whole; the error names `path`.
pub(crate) fn whole_number(value: Option<Number>, path: &str) -> Result<Option<i64>, InputError> {
    value
        .map(|n| {
            n.as_i64()
                .ok_or_else(|| InputError::new(path, format!("{} is not a whole number", n.0)))
        })
        .transpose()
}

/// A lenient boolean, `None` when absent or `null`.
pub(crate) fn flag(value: Option<Flag>) -> Option<bool> {
    value.map(|f| f.0)
}

/// The resource's name as its configuration states it, else the item's name, else its id.
pub(crate) fn name_or_id(own: Option<String>, item: &ConfigurationItem) -> String {
    text(own)
        .or_else(|| item.resource_name.clone())
        .or_else(|| item.resource_id.clone())
        .unwrap_or_default()
}

/// A string setting, `None` when absent, `null` or empty.
pub(crate) fn text(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

/// The typed view of one configuration item.
// One view exists per item being evaluated, never in bulk: boxing variants would only add
// allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Resource {
    CloudTrailTrail(cloudtrail::Trail),
    DynamoDbTable(dynamodb::Table),
    ElastiCacheCacheCluster(elasticache::CacheCluster),
    ElastiCacheReplicationGroup(elasticache::ReplicationGroup),
    RdsDbInstance(rds::DbInstance),
    SecretsManagerSecret(secretsmanager::Secret),
    S3Bucket(s3::Bucket),
    S3AccountPublicAccessBlock(s3::PublicAccessBlock),
    Ec2SecurityGroup(ec2::SecurityGroup),
    Ec2Volume(ec2::Volume),
    Ec2Instance(ec2::Instance),
    Ec2NetworkAcl(ec2::NetworkAcl),
    IamPolicy(iam::ManagedPolicy),
    IamUser(iam::Principal),
    IamRole(iam::Principal),
    IamGroup(iam::Principal),
    CloudFrontDistribution(cloudfront::Distribution),
    Route53HostedZone(route53::HostedZone),
    LogsLogGroup(logs::LogGroup),
    ApiGatewayStage(apigateway::RestStage),
    ApiGatewayV2Stage(apigateway::V2Stage),
    SnsTopic(messaging::Topic),
    SqsQueue(messaging::Queue),
    KmsKey(kms::Key),
    SsmPatchCompliance(ssm::PatchCompliance),
    LambdaFunction(lambda::Function),
    EksCluster(eks::Cluster),
    EcsTaskDefinition(ecs::TaskDefinition),
    EcrRepository(ecr::Repository),
    /// A type without a typed view (no control reads it).
    Unmodelled,
}

impl Resource {
    /// Decodes the item's configuration into the view of its type.
    pub fn from_item(item: &ConfigurationItem) -> Result<Self, InputError> {
        Ok(match item.resource_type {
            ResourceType::S3Bucket => Resource::S3Bucket(s3::Bucket::from_item(item)?),
            ResourceType::S3AccountPublicAccessBlock => {
                Resource::S3AccountPublicAccessBlock(s3::account_public_access_block(item)?)
            }
            ResourceType::Ec2SecurityGroup => {
                Resource::Ec2SecurityGroup(ec2::SecurityGroup::from_item(item)?)
            }
            ResourceType::Ec2Volume => Resource::Ec2Volume(ec2::Volume::from_item(item)?),
            ResourceType::Ec2Instance => Resource::Ec2Instance(ec2::Instance::from_item(item)?),
            ResourceType::Ec2NetworkAcl => {
                Resource::Ec2NetworkAcl(ec2::NetworkAcl::from_item(item)?)
            }
            ResourceType::IamPolicy => Resource::IamPolicy(iam::ManagedPolicy::from_item(item)?),
            ResourceType::IamUser => Resource::IamUser(iam::Principal::from_item(item)?),
            ResourceType::IamRole => Resource::IamRole(iam::Principal::from_item(item)?),
            ResourceType::IamGroup => Resource::IamGroup(iam::Principal::from_item(item)?),
            ResourceType::CloudFrontDistribution => {
                Resource::CloudFrontDistribution(cloudfront::Distribution::from_item(item)?)
            }
            ResourceType::Route53HostedZone => {
                Resource::Route53HostedZone(route53::HostedZone::from_item(item)?)
            }
            ResourceType::LogsLogGroup => Resource::LogsLogGroup(logs::LogGroup::from_item(item)?),
            ResourceType::ApiGatewayStage => {
                Resource::ApiGatewayStage(apigateway::RestStage::from_item(item)?)
            }
            ResourceType::ApiGatewayV2Stage => {
                Resource::ApiGatewayV2Stage(apigateway::V2Stage::from_item(item)?)
            }
            ResourceType::SnsTopic => Resource::SnsTopic(messaging::Topic::from_item(item)?),
            ResourceType::SqsQueue => Resource::SqsQueue(messaging::Queue::from_item(item)?),
            ResourceType::KmsKey => Resource::KmsKey(kms::Key::from_item(item)?),
            ResourceType::SsmPatchCompliance => {
                Resource::SsmPatchCompliance(ssm::PatchCompliance::from_item(item)?)
            }
            ResourceType::LambdaFunction => {
                Resource::LambdaFunction(lambda::Function::from_item(item)?)
            }
            ResourceType::EksCluster => Resource::EksCluster(eks::Cluster::from_item(item)?),
            ResourceType::EcsTaskDefinition => {
                Resource::EcsTaskDefinition(ecs::TaskDefinition::from_item(item)?)
            }
            ResourceType::EcrRepository => {
                Resource::EcrRepository(ecr::Repository::from_item(item)?)
            }
            ResourceType::CloudTrailTrail => {
                Resource::CloudTrailTrail(cloudtrail::Trail::from_item(item)?)
            }
            ResourceType::DynamoDbTable => {
                Resource::DynamoDbTable(dynamodb::Table::from_item(item)?)
            }
            ResourceType::ElastiCacheCacheCluster => {
                Resource::ElastiCacheCacheCluster(elasticache::CacheCluster::from_item(item)?)
            }
            ResourceType::ElastiCacheReplicationGroup => Resource::ElastiCacheReplicationGroup(
                elasticache::ReplicationGroup::from_item(item)?,
            ),
            ResourceType::RdsDbInstance => {
                Resource::RdsDbInstance(rds::DbInstance::from_item(item)?)
            }
            ResourceType::SecretsManagerSecret => {
                Resource::SecretsManagerSecret(secretsmanager::Secret::from_item(item)?)
            }
            _ => Resource::Unmodelled,
        })
    }
}

macro_rules! resource_types {
    ($($variant:ident => $config:literal, $asff:literal;)*) => {
        /// A resource type as AWS Config names it.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ResourceType {
            $($variant,)*
            /// A type no control looks at.
            Other(String),
        }

        impl ResourceType {
            /// Every type a control can be scoped to.
            pub const KNOWN: &'static [ResourceType] = &[$(ResourceType::$variant,)*];

            /// Matches the Config name case-insensitively (old notifications wrote `AWS::EC2::VOLUME`).
            pub fn from_config_name(name: &str) -> Self {
                $(if name.eq_ignore_ascii_case($config) { return ResourceType::$variant; })*
                ResourceType::Other(name.to_string())
            }

            /// The name AWS Config uses, e.g. `AWS::S3::Bucket`.
            pub fn config_name(&self) -> &str {
                match self {
                    $(ResourceType::$variant => $config,)*
                    ResourceType::Other(name) => name,
                }
            }

            /// The Security Hub (ASFF) resource type, e.g. `AwsS3Bucket`; `Other` where ASFF has none.
            pub fn asff_type(&self) -> &'static str {
                match self {
                    $(ResourceType::$variant => $asff,)*
                    ResourceType::Other(_) => "Other",
                }
            }
        }
    };
}

resource_types! {
    Account => "AWS::::Account", "AwsAccount";
    ApiGatewayStage => "AWS::ApiGateway::Stage", "AwsApiGatewayStage";
    ApiGatewayV2Stage => "AWS::ApiGatewayV2::Stage", "AwsApiGatewayV2Stage";
    CloudFrontDistribution => "AWS::CloudFront::Distribution", "AwsCloudFrontDistribution";
    CloudTrailTrail => "AWS::CloudTrail::Trail", "AwsCloudTrailTrail";
    DynamoDbTable => "AWS::DynamoDB::Table", "AwsDynamoDbTable";
    Ec2Instance => "AWS::EC2::Instance", "AwsEc2Instance";
    Ec2NetworkAcl => "AWS::EC2::NetworkAcl", "AwsEc2NetworkAcl";
    Ec2SecurityGroup => "AWS::EC2::SecurityGroup", "AwsEc2SecurityGroup";
    Ec2Volume => "AWS::EC2::Volume", "AwsEc2Volume";
    Ec2Vpc => "AWS::EC2::VPC", "AwsEc2Vpc";
    EcrRepository => "AWS::ECR::Repository", "AwsEcrRepository";
    EcsTaskDefinition => "AWS::ECS::TaskDefinition", "AwsEcsTaskDefinition";
    EksCluster => "AWS::EKS::Cluster", "AwsEksCluster";
    ElastiCacheCacheCluster => "AWS::ElastiCache::CacheCluster", "AwsElastiCacheCacheCluster";
    ElastiCacheReplicationGroup => "AWS::ElastiCache::ReplicationGroup", "AwsElastiCacheReplicationGroup";
    IamGroup => "AWS::IAM::Group", "AwsIamGroup";
    IamPolicy => "AWS::IAM::Policy", "AwsIamPolicy";
    IamRole => "AWS::IAM::Role", "AwsIamRole";
    IamUser => "AWS::IAM::User", "AwsIamUser";
    KmsKey => "AWS::KMS::Key", "AwsKmsKey";
    LambdaFunction => "AWS::Lambda::Function", "AwsLambdaFunction";
    LogsLogGroup => "AWS::Logs::LogGroup", "Other";
    RdsDbInstance => "AWS::RDS::DBInstance", "AwsRdsDbInstance";
    Route53HostedZone => "AWS::Route53::HostedZone", "AwsRoute53HostedZone";
    S3AccountPublicAccessBlock => "AWS::S3::AccountPublicAccessBlock", "AwsS3AccountPublicAccessBlock";
    S3Bucket => "AWS::S3::Bucket", "AwsS3Bucket";
    SecretsManagerSecret => "AWS::SecretsManager::Secret", "AwsSecretsManagerSecret";
    SnsTopic => "AWS::SNS::Topic", "AwsSnsTopic";
    SqsQueue => "AWS::SQS::Queue", "AwsSqsQueue";
    SsmManagedInstanceInventory => "AWS::SSM::ManagedInstanceInventory", "Other";
    SsmPatchCompliance => "AWS::SSM::PatchCompliance", "AwsSsmPatchCompliance";
}

impl ResourceType {
    /// Configuration keys holding the value Config uses as this type's `resourceId`, best first.
    pub fn id_keys(&self) -> &'static [&'static str] {
        match self {
            ResourceType::Ec2SecurityGroup => &["groupId"],
            ResourceType::Ec2Instance => &["instanceId"],
            ResourceType::Ec2Volume => &["volumeId"],
            ResourceType::Ec2NetworkAcl => &["networkAclId"],
            ResourceType::Ec2Vpc => &["vpcId"],
            ResourceType::IamUser => &["userId", "userName"],
            ResourceType::IamRole => &["roleId", "roleName"],
            ResourceType::IamGroup => &["groupId", "groupName"],
            ResourceType::IamPolicy => &["policyId", "policyName"],
            ResourceType::KmsKey => &["keyId"],
            ResourceType::LambdaFunction => &["functionName"],
            ResourceType::RdsDbInstance => &["dbiResourceId", "dBInstanceIdentifier"],
            ResourceType::DynamoDbTable => &["tableName"],
            ResourceType::EcsTaskDefinition => &["TaskDefinitionArn"],
            ResourceType::EcrRepository => &["RepositoryName"],
            ResourceType::LogsLogGroup => &["logGroupName"],
            ResourceType::SnsTopic => &["TopicArn"],
            ResourceType::SqsQueue => &["QueueUrl"],
            ResourceType::ElastiCacheCacheCluster => &["CacheClusterId", "cacheClusterId"],
            ResourceType::ElastiCacheReplicationGroup => {
                &["ReplicationGroupId", "replicationGroupId"]
            }
            _ => &[],
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.config_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_case_insensitively() {
        for t in ResourceType::KNOWN {
            assert_eq!(&ResourceType::from_config_name(t.config_name()), t);
        }
        assert_eq!(
            ResourceType::from_config_name("AWS::EC2::VOLUME"),
            ResourceType::Ec2Volume
        );
        assert_eq!(
            ResourceType::from_config_name("AWS::Foo::Bar"),
            ResourceType::Other("AWS::Foo::Bar".into())
        );
    }
}
