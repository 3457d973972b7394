//! `Resources[].Details` of a Security Hub finding, for the resource types Security Hub models:
//! who owns the resource, how it is encrypted and how it is exposed, as its configuration item
//! records it.
//!
//! Member names and types follow the `securityhub` service model botocore ships (the
//! `ResourceDetails` shape and the `Aws…Details` shapes it names; each struct here is named after
//! its shape). Timestamps are RFC 3339 strings there, except a KMS key's `CreationDate` (epoch
//! seconds); integers are 32-bit.
//!
//! Every field is read on its own and leniently: a field that is missing, blank or of an
//! unexpected shape is left out, never an error, so details never cost a finding. Items of a
//! deleted resource get none. Details travel in every finding record on the findings queue (SQS,
//! 256 KiB a message), so lists are capped and bulky members (ACLs, inline policy documents,
//! lifecycle rules) are left out; a Lambda function's environment is never read.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::item::ConfigurationItem;
use crate::json::{Flag, Number, Text};
use crate::resource::{s3, ResourceType, Section};
use crate::timestamp::{MaybeTimestamp, Timestamp};
use crate::tree::Tree;

/// Entries kept of any list.
const LIST_MAX: usize = 50;
/// Sources kept per security group direction (CIDRs, groups and prefix lists together): the
/// default quota of 60 rules a direction fits.
const PEERS_MAX: usize = 100;
/// A trust policy longer than this is left out (IAM allows 4096 characters).
const POLICY_MAX: usize = 8192;

/// Declares shapes of the model: PascalCase members, each left out of the JSON when empty.
macro_rules! shapes {
    ($($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $ty:ty,)* })*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase", default)]
        pub struct $name {
            $($(#[$field_meta])* #[serde(skip_serializing_if = "Empty::is_empty")] pub $field: $ty,)*
        }
    )*};
}

trait Empty {
    fn is_empty(&self) -> bool;
}

impl<T> Empty for Option<T> {
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

impl<T> Empty for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<K, V> Empty for BTreeMap<K, V> {
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

shapes! {
    /// `ResourceDetails`: the member named after the resource's ASFF type, or `Other`.
    ResourceDetails {
        aws_cloud_trail_trail: Option<AwsCloudTrailTrailDetails>,
        aws_ec2_instance: Option<AwsEc2InstanceDetails>,
        aws_ec2_security_group: Option<AwsEc2SecurityGroupDetails>,
        aws_ec2_volume: Option<AwsEc2VolumeDetails>,
        aws_iam_role: Option<AwsIamRoleDetails>,
        aws_iam_user: Option<AwsIamUserDetails>,
        aws_kms_key: Option<AwsKmsKeyDetails>,
        aws_lambda_function: Option<AwsLambdaFunctionDetails>,
        aws_rds_db_instance: Option<AwsRdsDbInstanceDetails>,
        aws_s3_bucket: Option<AwsS3BucketDetails>,
        /// For types Security Hub has no shape for.
        other: BTreeMap<String, String>,
    }

    AwsS3BucketDetails {
        name: Option<String>,
        owner_id: Option<String>,
        owner_name: Option<String>,
        owner_account_id: Option<String>,
        created_at: Option<String>,
        server_side_encryption_configuration: Option<AwsS3BucketServerSideEncryptionConfiguration>,
        public_access_block_configuration: Option<AwsS3AccountPublicAccessBlockDetails>,
        bucket_logging_configuration: Option<AwsS3BucketLoggingConfiguration>,
        bucket_versioning_configuration: Option<AwsS3BucketBucketVersioningConfiguration>,
    }
    AwsS3BucketServerSideEncryptionConfiguration {
        rules: Vec<AwsS3BucketServerSideEncryptionRule>,
    }
    AwsS3BucketServerSideEncryptionRule {
        apply_server_side_encryption_by_default: Option<AwsS3BucketServerSideEncryptionByDefault>,
    }
    AwsS3BucketServerSideEncryptionByDefault {
        #[serde(rename = "SSEAlgorithm")]
        sse_algorithm: Option<String>,
        #[serde(rename = "KMSMasterKeyID")]
        kms_master_key_id: Option<String>,
    }
    AwsS3AccountPublicAccessBlockDetails {
        block_public_acls: Option<bool>,
        block_public_policy: Option<bool>,
        ignore_public_acls: Option<bool>,
        restrict_public_buckets: Option<bool>,
    }
    AwsS3BucketLoggingConfiguration {
        destination_bucket_name: Option<String>,
        log_file_prefix: Option<String>,
    }
    AwsS3BucketBucketVersioningConfiguration {
        status: Option<String>,
    }

    AwsEc2SecurityGroupDetails {
        group_name: Option<String>,
        group_id: Option<String>,
        owner_id: Option<String>,
        vpc_id: Option<String>,
        ip_permissions: Vec<AwsEc2SecurityGroupIpPermission>,
        ip_permissions_egress: Vec<AwsEc2SecurityGroupIpPermission>,
    }
    AwsEc2SecurityGroupIpPermission {
        ip_protocol: Option<String>,
        from_port: Option<i32>,
        to_port: Option<i32>,
        user_id_group_pairs: Vec<AwsEc2SecurityGroupUserIdGroupPair>,
        ip_ranges: Vec<AwsEc2SecurityGroupIpRange>,
        ipv6_ranges: Vec<AwsEc2SecurityGroupIpv6Range>,
        prefix_list_ids: Vec<AwsEc2SecurityGroupPrefixListId>,
    }
    AwsEc2SecurityGroupUserIdGroupPair {
        group_id: Option<String>,
        group_name: Option<String>,
        peering_status: Option<String>,
        user_id: Option<String>,
        vpc_id: Option<String>,
        vpc_peering_connection_id: Option<String>,
    }
    AwsEc2SecurityGroupIpRange {
        cidr_ip: Option<String>,
    }
    AwsEc2SecurityGroupIpv6Range {
        cidr_ipv6: Option<String>,
    }
    AwsEc2SecurityGroupPrefixListId {
        prefix_list_id: Option<String>,
    }

    AwsEc2VolumeDetails {
        volume_id: Option<String>,
        volume_type: Option<String>,
        size: Option<i32>,
        create_time: Option<String>,
        status: Option<String>,
        encrypted: Option<bool>,
        kms_key_id: Option<String>,
        snapshot_id: Option<String>,
        attachments: Vec<AwsEc2VolumeAttachment>,
    }
    AwsEc2VolumeAttachment {
        attach_time: Option<String>,
        delete_on_termination: Option<bool>,
        instance_id: Option<String>,
        status: Option<String>,
    }

    AwsEc2InstanceDetails {
        #[serde(rename = "Type")]
        instance_type: Option<String>,
        image_id: Option<String>,
        ip_v4_addresses: Vec<String>,
        ip_v6_addresses: Vec<String>,
        key_name: Option<String>,
        iam_instance_profile_arn: Option<String>,
        vpc_id: Option<String>,
        subnet_id: Option<String>,
        launched_at: Option<String>,
        network_interfaces: Vec<AwsEc2InstanceNetworkInterfacesDetails>,
        virtualization_type: Option<String>,
        metadata_options: Option<AwsEc2InstanceMetadataOptions>,
        monitoring: Option<AwsEc2InstanceMonitoringDetails>,
    }
    AwsEc2InstanceNetworkInterfacesDetails {
        network_interface_id: Option<String>,
    }
    AwsEc2InstanceMetadataOptions {
        http_endpoint: Option<String>,
        http_protocol_ipv6: Option<String>,
        http_put_response_hop_limit: Option<i32>,
        http_tokens: Option<String>,
        instance_metadata_tags: Option<String>,
    }
    AwsEc2InstanceMonitoringDetails {
        state: Option<String>,
    }

    AwsIamUserDetails {
        user_name: Option<String>,
        user_id: Option<String>,
        path: Option<String>,
        create_date: Option<String>,
        group_list: Vec<String>,
        attached_managed_policies: Vec<AwsIamAttachedManagedPolicy>,
        /// Names only: the documents are left out.
        user_policy_list: Vec<AwsIamUserPolicy>,
        permissions_boundary: Option<AwsIamPermissionsBoundary>,
    }
    AwsIamRoleDetails {
        role_name: Option<String>,
        role_id: Option<String>,
        path: Option<String>,
        create_date: Option<String>,
        max_session_duration: Option<i32>,
        /// Who may assume the role, as JSON text.
        assume_role_policy_document: Option<String>,
        attached_managed_policies: Vec<AwsIamAttachedManagedPolicy>,
        /// Names only: the documents are left out.
        role_policy_list: Vec<AwsIamRolePolicy>,
        permissions_boundary: Option<AwsIamPermissionsBoundary>,
    }
    AwsIamAttachedManagedPolicy {
        policy_name: Option<String>,
        policy_arn: Option<String>,
    }
    AwsIamUserPolicy {
        policy_name: Option<String>,
    }
    AwsIamRolePolicy {
        policy_name: Option<String>,
    }
    AwsIamPermissionsBoundary {
        permissions_boundary_arn: Option<String>,
        permissions_boundary_type: Option<String>,
    }

    AwsLambdaFunctionDetails {
        function_name: Option<String>,
        runtime: Option<String>,
        package_type: Option<String>,
        architectures: Vec<String>,
        handler: Option<String>,
        role: Option<String>,
        kms_key_arn: Option<String>,
        timeout: Option<i32>,
        memory_size: Option<i32>,
        version: Option<String>,
        last_modified: Option<String>,
        layers: Vec<AwsLambdaFunctionLayer>,
        vpc_config: Option<AwsLambdaFunctionVpcConfig>,
        tracing_config: Option<AwsLambdaFunctionTracingConfig>,
        dead_letter_config: Option<AwsLambdaFunctionDeadLetterConfig>,
    }
    AwsLambdaFunctionLayer {
        arn: Option<String>,
        code_size: Option<i32>,
    }
    AwsLambdaFunctionVpcConfig {
        security_group_ids: Vec<String>,
        subnet_ids: Vec<String>,
        vpc_id: Option<String>,
    }
    AwsLambdaFunctionTracingConfig {
        mode: Option<String>,
    }
    AwsLambdaFunctionDeadLetterConfig {
        target_arn: Option<String>,
    }

    AwsRdsDbInstanceDetails {
        #[serde(rename = "DBInstanceIdentifier")]
        db_instance_identifier: Option<String>,
        dbi_resource_id: Option<String>,
        #[serde(rename = "DBClusterIdentifier")]
        db_cluster_identifier: Option<String>,
        #[serde(rename = "DBInstanceClass")]
        db_instance_class: Option<String>,
        engine: Option<String>,
        engine_version: Option<String>,
        db_instance_status: Option<String>,
        instance_create_time: Option<String>,
        storage_encrypted: Option<bool>,
        kms_key_id: Option<String>,
        publicly_accessible: Option<bool>,
        #[serde(rename = "IAMDatabaseAuthenticationEnabled")]
        iam_database_authentication_enabled: Option<bool>,
        deletion_protection: Option<bool>,
        multi_az: Option<bool>,
        backup_retention_period: Option<i32>,
        auto_minor_version_upgrade: Option<bool>,
        #[serde(rename = "CACertificateIdentifier")]
        ca_certificate_identifier: Option<String>,
        endpoint: Option<AwsRdsDbInstanceEndpoint>,
        vpc_security_groups: Vec<AwsRdsDbInstanceVpcSecurityGroup>,
    }
    AwsRdsDbInstanceEndpoint {
        address: Option<String>,
        port: Option<i32>,
        hosted_zone_id: Option<String>,
    }
    AwsRdsDbInstanceVpcSecurityGroup {
        vpc_security_group_id: Option<String>,
        status: Option<String>,
    }

    AwsCloudTrailTrailDetails {
        name: Option<String>,
        trail_arn: Option<String>,
        home_region: Option<String>,
        is_multi_region_trail: Option<bool>,
        is_organization_trail: Option<bool>,
        include_global_service_events: Option<bool>,
        log_file_validation_enabled: Option<bool>,
        has_custom_event_selectors: Option<bool>,
        kms_key_id: Option<String>,
        s3_bucket_name: Option<String>,
        s3_key_prefix: Option<String>,
        sns_topic_arn: Option<String>,
        cloud_watch_logs_log_group_arn: Option<String>,
        cloud_watch_logs_role_arn: Option<String>,
    }

    AwsKmsKeyDetails {
        key_id: Option<String>,
        #[serde(rename = "AWSAccountId")]
        aws_account_id: Option<String>,
        /// Epoch seconds (the model's only non-string time).
        creation_date: Option<i64>,
        description: Option<String>,
        key_manager: Option<String>,
        key_state: Option<String>,
        origin: Option<String>,
        key_rotation_status: Option<bool>,
    }
}

/// The details of the item's resource; `None` for deleted resources, for types without a
/// shape here, and when the item records nothing usable.
pub fn of(item: &ConfigurationItem) -> Option<ResourceDetails> {
    if item.is_gone() {
        return None;
    }
    // Chosen before the configuration is read: most types have no shape, and theirs can be large.
    let fill: Fill = match item.resource_type {
        ResourceType::S3Bucket => |item, c, d| d.aws_s3_bucket = filled(s3_bucket(item, c)),
        ResourceType::Ec2SecurityGroup => {
            |item, c, d| d.aws_ec2_security_group = filled(security_group(item, c))
        }
        ResourceType::Ec2Volume => |item, c, d| d.aws_ec2_volume = filled(volume(item, c)),
        ResourceType::Ec2Instance => |_, c, d| d.aws_ec2_instance = filled(instance(c)),
        ResourceType::IamUser => |item, c, d| d.aws_iam_user = filled(iam_user(item, c)),
        ResourceType::IamRole => |item, c, d| d.aws_iam_role = filled(iam_role(item, c)),
        ResourceType::LambdaFunction => {
            |item, c, d| d.aws_lambda_function = filled(lambda_function(item, c))
        }
        ResourceType::RdsDbInstance => |_, c, d| d.aws_rds_db_instance = filled(rds_instance(c)),
        ResourceType::CloudTrailTrail => {
            |item, c, d| d.aws_cloud_trail_trail = filled(cloudtrail_trail(item, c))
        }
        ResourceType::KmsKey => |item, c, d| d.aws_kms_key = filled(kms_key(item, c)),
        _ => return None,
    };
    let text = configuration_text(item)?;
    let root = Tree::parse(&text).ok()?;
    let mut details = ResourceDetails::default();
    fill(item, Fields::new(Some(&root)), &mut details);
    filled(details)
}

/// Fills the member of [`ResourceDetails`] named after the item's type.
type Fill = for<'a> fn(&ConfigurationItem, Fields<'a>, &mut ResourceDetails);

/// The item's configuration as JSON text, decoded from however many levels of string encoding
/// it arrived in; `None` when absent or a list. Read into a [`Tree`], not a `Value`: details
/// read most of a large configuration, and a tree borrows its strings from this text.
fn configuration_text(item: &ConfigurationItem) -> Option<Cow<'_, str>> {
    let mut text = Cow::Borrowed(item.configuration.as_ref()?.get().trim());
    while text.starts_with('"') {
        let inner: String = serde_json::from_str(&text).ok()?;
        let inner = inner.trim();
        if !(inner.starts_with(['{', '[', '"']) || inner == "null") {
            // A plain string: not an object, so only the envelope's fields are read.
            break;
        }
        text = Cow::Owned(inner.to_string());
    }
    (!text.starts_with('[')).then_some(text)
}

/// `None` for a shape with nothing in it.
fn filled<T: Default + PartialEq>(shape: T) -> Option<T> {
    (shape != T::default()).then_some(shape)
}

fn s3_bucket(item: &ConfigurationItem, c: Fields) -> AwsS3BucketDetails {
    let owner = c.object("owner");
    let mut details = AwsS3BucketDetails {
        name: c.text_or("name", &item.resource_name),
        owner_id: owner.text("id"),
        owner_name: owner.text("displayName"),
        owner_account_id: non_blank(item.account_id.clone()),
        created_at: c.time("creationDate"),
        ..Default::default()
    };
    // Decoded the way the bucket's controls read them.
    let bucket = s3::Settings::of(item);
    details.public_access_block_configuration =
        present(&bucket.public_access_block).map(|b| AwsS3AccountPublicAccessBlockDetails {
            block_public_acls: Some(b.block_public_acls),
            block_public_policy: Some(b.block_public_policy),
            ignore_public_acls: Some(b.ignore_public_acls),
            restrict_public_buckets: Some(b.restrict_public_buckets),
        });
    details.server_side_encryption_configuration = present(&bucket.encryption).and_then(|e| {
        filled(AwsS3BucketServerSideEncryptionConfiguration {
            rules: e
                .rules
                .iter()
                .take(LIST_MAX)
                .filter_map(|rule| {
                    let default = rule.apply_server_side_encryption_by_default.as_ref()?;
                    filled(AwsS3BucketServerSideEncryptionRule {
                        apply_server_side_encryption_by_default: filled(
                            AwsS3BucketServerSideEncryptionByDefault {
                                sse_algorithm: non_blank(default.sse_algorithm.clone()),
                                kms_master_key_id: non_blank(default.kms_master_key_id.clone()),
                            },
                        ),
                    })
                })
                .collect(),
        })
    });
    details.bucket_logging_configuration = present(&bucket.logging).and_then(|l| {
        filled(AwsS3BucketLoggingConfiguration {
            destination_bucket_name: non_blank(l.destination_bucket_name.clone()),
            log_file_prefix: non_blank(l.log_file_prefix.clone()),
        })
    });
    details.bucket_versioning_configuration = present(&bucket.versioning).and_then(|v| {
        filled(AwsS3BucketBucketVersioningConfiguration {
            status: non_blank(v.status.clone()),
        })
    });
    details
}

/// A supplementary section the view decoded and the item has.
fn present<T>(section: &Section<Option<T>>) -> Option<&T> {
    section.as_ref().ok()?.as_ref()
}

fn security_group(item: &ConfigurationItem, c: Fields) -> AwsEc2SecurityGroupDetails {
    AwsEc2SecurityGroupDetails {
        group_name: c.text("groupName"),
        group_id: c.text_or("groupId", &item.resource_id),
        owner_id: c.text("ownerId"),
        vpc_id: c.text("vpcId"),
        ip_permissions: permissions(c.objects("ipPermissions")),
        ip_permissions_egress: permissions(c.objects("ipPermissionsEgress")),
    }
}

/// One direction's permissions, with at most [`PEERS_MAX`] sources among them.
fn permissions<'a>(list: impl Iterator<Item = Fields<'a>>) -> Vec<AwsEc2SecurityGroupIpPermission> {
    let mut room = PEERS_MAX;
    list.map(|p| {
        // The legacy `ipRanges` (strings) and `ipv4Ranges` (objects) may both list a range.
        let mut v4: Vec<String> = Vec::new();
        let mut v6: Vec<String> = Vec::new();
        let ranges = p.list("ipRanges").chain(p.list("ipv4Ranges"));
        for range in ranges.chain(p.list("ipv6Ranges")) {
            let cidr = match range {
                Tree::Str(s) => non_blank(Some(s.to_string())),
                other => {
                    let r = Fields::new(Some(other));
                    r.text("cidrIp").or_else(|| r.text("cidrIpv6"))
                }
            };
            if let Some(cidr) = cidr {
                let list = if cidr.contains(':') { &mut v6 } else { &mut v4 };
                if !list.contains(&cidr) {
                    list.push(cidr);
                }
            }
        }
        AwsEc2SecurityGroupIpPermission {
            ip_protocol: p.text("ipProtocol"),
            from_port: p.int("fromPort"),
            to_port: p.int("toPort"),
            ip_ranges: within(&mut room, v4)
                .map(|cidr| AwsEc2SecurityGroupIpRange {
                    cidr_ip: Some(cidr),
                })
                .collect(),
            ipv6_ranges: within(&mut room, v6)
                .map(|cidr| AwsEc2SecurityGroupIpv6Range {
                    cidr_ipv6: Some(cidr),
                })
                .collect(),
            user_id_group_pairs: within(&mut room, p.objects("userIdGroupPairs").collect())
                .filter_map(|g| {
                    filled(AwsEc2SecurityGroupUserIdGroupPair {
                        group_id: g.text("groupId"),
                        group_name: g.text("groupName"),
                        peering_status: g.text("peeringStatus"),
                        user_id: g.text("userId"),
                        vpc_id: g.text("vpcId"),
                        vpc_peering_connection_id: g.text("vpcPeeringConnectionId"),
                    })
                })
                .collect(),
            prefix_list_ids: within(&mut room, p.objects("prefixListIds").collect())
                .filter_map(|l| {
                    filled(AwsEc2SecurityGroupPrefixListId {
                        prefix_list_id: l.text("prefixListId"),
                    })
                })
                .collect(),
        }
    })
    .collect()
}

/// The first entries of `list` that still fit in `room`, which they use up.
fn within<T>(room: &mut usize, mut list: Vec<T>) -> impl Iterator<Item = T> {
    list.truncate(*room);
    *room -= list.len();
    list.into_iter()
}

fn volume(item: &ConfigurationItem, c: Fields) -> AwsEc2VolumeDetails {
    AwsEc2VolumeDetails {
        volume_id: c.text_or("volumeId", &item.resource_id),
        volume_type: c.text("volumeType"),
        size: c.int("size"),
        create_time: c.time("createTime"),
        // `in-use`, `available`…, or `{"value": "in-use"}` in older items.
        status: c.text("state").or_else(|| c.object("state").text("value")),
        encrypted: c.flag("encrypted"),
        kms_key_id: c.text("kmsKeyId"),
        snapshot_id: c.text("snapshotId"),
        attachments: c
            .objects("attachments")
            .filter_map(|a| {
                filled(AwsEc2VolumeAttachment {
                    attach_time: a.time("attachTime"),
                    delete_on_termination: a.flag("deleteOnTermination"),
                    instance_id: a.text("instanceId"),
                    status: a.text("state"),
                })
            })
            .collect(),
    }
}

fn instance(c: Fields) -> AwsEc2InstanceDetails {
    let interfaces: Vec<Fields> = c.objects("networkInterfaces").collect();
    let mut v4 = vec![c.text("privateIpAddress"), c.text("publicIpAddress")];
    let mut v6 = Vec::new();
    for eni in &interfaces {
        v4.push(eni.object("association").text("publicIp"));
        for private in eni.objects("privateIpAddresses") {
            v4.push(private.text("privateIpAddress"));
            v4.push(private.object("association").text("publicIp"));
        }
        v6.extend(eni.objects("ipv6Addresses").map(|a| a.text("ipv6Address")));
    }
    let metadata = c.object("metadataOptions");
    AwsEc2InstanceDetails {
        instance_type: c.text("instanceType"),
        image_id: c.text("imageId"),
        ip_v4_addresses: distinct(v4),
        ip_v6_addresses: distinct(v6),
        key_name: c.text("keyName"),
        iam_instance_profile_arn: c.object("iamInstanceProfile").text("arn"),
        vpc_id: c.text("vpcId"),
        subnet_id: c.text("subnetId"),
        launched_at: c.time("launchTime"),
        network_interfaces: interfaces
            .iter()
            .filter_map(|eni| {
                filled(AwsEc2InstanceNetworkInterfacesDetails {
                    network_interface_id: eni.text("networkInterfaceId"),
                })
            })
            .collect(),
        virtualization_type: c.text("virtualizationType"),
        metadata_options: filled(AwsEc2InstanceMetadataOptions {
            http_endpoint: metadata.text("httpEndpoint"),
            http_protocol_ipv6: metadata.text("httpProtocolIpv6"),
            http_put_response_hop_limit: metadata.int("httpPutResponseHopLimit"),
            http_tokens: metadata.text("httpTokens"),
            instance_metadata_tags: metadata.text("instanceMetadataTags"),
        }),
        monitoring: filled(AwsEc2InstanceMonitoringDetails {
            state: c.object("monitoring").text("state"),
        }),
    }
}

/// The values present, each once, in order, at most [`LIST_MAX`].
fn distinct(values: Vec<Option<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.into_iter().flatten() {
        if out.len() < LIST_MAX && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

fn iam_user(item: &ConfigurationItem, c: Fields) -> AwsIamUserDetails {
    AwsIamUserDetails {
        user_name: c.text_or("userName", &item.resource_name),
        user_id: c.text("userId"),
        path: c.text("path"),
        create_date: c.time("createDate"),
        group_list: c.texts("groupList"),
        attached_managed_policies: attached_policies(c),
        user_policy_list: inline_policies(c, "userPolicyList")
            .map(|name| AwsIamUserPolicy {
                policy_name: Some(name),
            })
            .collect(),
        permissions_boundary: permissions_boundary(c),
    }
}

fn iam_role(item: &ConfigurationItem, c: Fields) -> AwsIamRoleDetails {
    AwsIamRoleDetails {
        role_name: c.text_or("roleName", &item.resource_name),
        role_id: c.text("roleId"),
        path: c.text("path"),
        create_date: c.time("createDate"),
        max_session_duration: c.int("maxSessionDuration"),
        assume_role_policy_document: c.get("assumeRolePolicyDocument").and_then(policy_text),
        attached_managed_policies: attached_policies(c),
        role_policy_list: inline_policies(c, "rolePolicyList")
            .map(|name| AwsIamRolePolicy {
                policy_name: Some(name),
            })
            .collect(),
        permissions_boundary: permissions_boundary(c),
    }
}

/// The names of the policies embedded in a user or role (their documents are left out).
fn inline_policies<'a>(c: Fields<'a>, key: &str) -> impl Iterator<Item = String> + 'a {
    c.objects(key).filter_map(|p| p.text("policyName"))
}

fn attached_policies(c: Fields) -> Vec<AwsIamAttachedManagedPolicy> {
    c.objects("attachedManagedPolicies")
        .filter_map(|p| {
            filled(AwsIamAttachedManagedPolicy {
                policy_name: p.text("policyName"),
                policy_arn: p.text("policyArn"),
            })
        })
        .collect()
}

fn permissions_boundary(c: Fields) -> Option<AwsIamPermissionsBoundary> {
    let boundary = c.object("permissionsBoundary");
    filled(AwsIamPermissionsBoundary {
        permissions_boundary_arn: boundary.text("permissionsBoundaryArn"),
        permissions_boundary_type: boundary.text("permissionsBoundaryType"),
    })
}

/// A policy document as JSON text: items hold it URL-encoded (decoded here, its layout kept),
/// published samples as an object or a one-element list around it. Strings that look like
/// credentials are withheld ([`crate::secrets::withhold_in_json`]).
fn policy_text(value: &Tree) -> Option<String> {
    let text = match value {
        Tree::Str(text) => crate::policy::document_json(text).ok()?.into_owned(),
        Tree::Array(list) if list.len() == 1 => Value::deserialize(&list[0]).ok()?.to_string(),
        other => Value::deserialize(other).ok()?.to_string(),
    };
    let mut document = serde_json::from_str::<Value>(&text).ok()?;
    if !document.is_object() || text.len() > POLICY_MAX {
        return None;
    }
    // Condition values can be shared secrets: an external id always, others by their look.
    let mut kept = text;
    for (value, placeholder) in crate::secrets::withhold_in_json(&mut document, &["sts:ExternalId"])
    {
        let value = Value::String(value).to_string();
        if !kept.contains(&value) {
            // Written with other escapes than serde_json's: lose the layout, not the value.
            return Some(document.to_string());
        }
        kept = kept.replace(&value, &Value::String(placeholder).to_string());
    }
    Some(kept)
}

fn lambda_function(item: &ConfigurationItem, c: Fields) -> AwsLambdaFunctionDetails {
    let vpc = c.object("vpcConfig");
    AwsLambdaFunctionDetails {
        function_name: c.text_or("functionName", &item.resource_name),
        runtime: c.text("runtime"),
        package_type: c.text("packageType"),
        architectures: c.texts("architectures"),
        handler: c.text("handler"),
        role: c.text("role"),
        kms_key_arn: c.text("kmsKeyArn"),
        timeout: c.int("timeout"),
        memory_size: c.int("memorySize"),
        version: c.text("version"),
        last_modified: c.time("lastModified"),
        layers: c
            .objects("layers")
            .filter_map(|l| {
                filled(AwsLambdaFunctionLayer {
                    arn: l.text("arn"),
                    code_size: l.int("codeSize"),
                })
            })
            .collect(),
        vpc_config: filled(AwsLambdaFunctionVpcConfig {
            security_group_ids: vpc.texts("securityGroupIds"),
            subnet_ids: vpc.texts("subnetIds"),
            vpc_id: vpc.text("vpcId"),
        }),
        tracing_config: filled(AwsLambdaFunctionTracingConfig {
            mode: c.object("tracingConfig").text("mode"),
        }),
        dead_letter_config: filled(AwsLambdaFunctionDeadLetterConfig {
            target_arn: c.object("deadLetterConfig").text("targetArn"),
        }),
    }
}

fn rds_instance(c: Fields) -> AwsRdsDbInstanceDetails {
    let endpoint = c.object("endpoint");
    AwsRdsDbInstanceDetails {
        db_instance_identifier: c.text("dBInstanceIdentifier"),
        dbi_resource_id: c.text("dbiResourceId"),
        db_cluster_identifier: c.text("dBClusterIdentifier"),
        db_instance_class: c.text("dBInstanceClass"),
        engine: c.text("engine"),
        engine_version: c.text("engineVersion"),
        db_instance_status: c.text("dBInstanceStatus"),
        instance_create_time: c.time("instanceCreateTime"),
        storage_encrypted: c.flag("storageEncrypted"),
        kms_key_id: c.text("kmsKeyId"),
        publicly_accessible: c.flag("publiclyAccessible"),
        iam_database_authentication_enabled: c.flag("iAMDatabaseAuthenticationEnabled"),
        deletion_protection: c.flag("deletionProtection"),
        multi_az: c.flag("multiAZ"),
        backup_retention_period: c.int("backupRetentionPeriod"),
        auto_minor_version_upgrade: c.flag("autoMinorVersionUpgrade"),
        ca_certificate_identifier: c.text("cACertificateIdentifier"),
        endpoint: filled(AwsRdsDbInstanceEndpoint {
            address: endpoint.text("address"),
            port: endpoint.int("port"),
            hosted_zone_id: endpoint.text("hostedZoneId"),
        }),
        vpc_security_groups: c
            .objects("vpcSecurityGroups")
            .filter_map(|g| {
                filled(AwsRdsDbInstanceVpcSecurityGroup {
                    vpc_security_group_id: g.text("vpcSecurityGroupId"),
                    status: g.text("status"),
                })
            })
            .collect(),
    }
}

fn cloudtrail_trail(item: &ConfigurationItem, c: Fields) -> AwsCloudTrailTrailDetails {
    AwsCloudTrailTrailDetails {
        name: c.text_or("name", &item.resource_name),
        trail_arn: c.text("trailARN").or_else(|| c.text("trailArn")),
        home_region: c.text("homeRegion"),
        is_multi_region_trail: c.flag("isMultiRegionTrail"),
        is_organization_trail: c.flag("isOrganizationTrail"),
        include_global_service_events: c.flag("includeGlobalServiceEvents"),
        log_file_validation_enabled: c.flag("logFileValidationEnabled"),
        has_custom_event_selectors: c.flag("hasCustomEventSelectors"),
        kms_key_id: c.text("kmsKeyId"),
        s3_bucket_name: c.text("s3BucketName"),
        s3_key_prefix: c.text("s3KeyPrefix"),
        sns_topic_arn: c.text("snsTopicARN").or_else(|| c.text("snsTopicArn")),
        cloud_watch_logs_log_group_arn: c.text("cloudWatchLogsLogGroupArn"),
        cloud_watch_logs_role_arn: c.text("cloudWatchLogsRoleArn"),
    }
}

fn kms_key(item: &ConfigurationItem, c: Fields) -> AwsKmsKeyDetails {
    let rotation = item
        .supplementary::<Value>("KeyRotationStatus")
        .ok()
        .flatten();
    AwsKmsKeyDetails {
        key_id: c.text_or("keyId", &item.resource_id),
        // Config spells it `awsaccountId`.
        aws_account_id: c
            .text("awsaccountId")
            .or_else(|| c.text("aWSAccountId"))
            .or_else(|| non_blank(item.account_id.clone())),
        creation_date: c.timestamp("creationDate").map(|t| t.0.unix_timestamp()),
        description: c.text("description").map(crate::secrets::withhold_text),
        key_manager: c.text("keyManager"),
        key_state: c.text("keyState"),
        origin: c.text("origin"),
        key_rotation_status: rotation
            .and_then(|v| Flag::deserialize(&v).ok())
            .map(|f| f.0),
    }
}

/// Text with something in it: Security Hub refuses blank strings.
fn non_blank(text: Option<String>) -> Option<String> {
    let text = text?;
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// One object of an item, read leniently: every accessor gives `None` (or nothing) for a field
/// that is missing, `null`, blank or of another shape.
#[derive(Clone, Copy)]
struct Fields<'a>(Option<&'a Tree<'a>>);

/// `key` with its first letter capitalised, written into `buffer` (field names are short
/// ASCII, and this runs for every field a finding's details read: no allocation).
fn capitalised<'b>(key: &str, buffer: &'b mut [u8; 64]) -> Option<&'b str> {
    let bytes = key.as_bytes();
    if bytes.is_empty() || bytes.len() > buffer.len() || !bytes[0].is_ascii_lowercase() {
        return None;
    }
    let out = &mut buffer[..bytes.len()];
    out.copy_from_slice(bytes);
    out[0] = out[0].to_ascii_uppercase();
    std::str::from_utf8(out).ok()
}

impl<'a> Fields<'a> {
    fn new(value: Option<&'a Tree<'a>>) -> Self {
        Fields(value.filter(|v| v.is_object()))
    }

    /// The value of `key` as Config spells it (camelCase), else as the service's API does
    /// (the same, capitalised).
    fn get(self, key: &str) -> Option<&'a Tree<'a>> {
        let object = self.0?;
        object
            .get(key)
            .or_else(|| object.get(capitalised(key, &mut [0; 64])?))
            .filter(|v| !v.is_null())
    }

    fn text(self, key: &str) -> Option<String> {
        non_blank(Text::deserialize(self.get(key)?).ok().map(|t| t.0))
    }

    /// The text of `key`, else what the item's envelope says (its name or id).
    fn text_or(self, key: &str, envelope: &Option<String>) -> Option<String> {
        self.text(key).or_else(|| non_blank(envelope.clone()))
    }

    fn flag(self, key: &str) -> Option<bool> {
        Flag::deserialize(self.get(key)?).ok().map(|f| f.0)
    }

    /// A whole number that fits the model's 32-bit integers.
    fn int(self, key: &str) -> Option<i32> {
        let n = Number::deserialize(self.get(key)?).ok()?.as_i64()?;
        i32::try_from(n).ok()
    }

    fn timestamp(self, key: &str) -> Option<Timestamp> {
        MaybeTimestamp::deserialize(self.get(key)?).ok()?.0
    }

    fn time(self, key: &str) -> Option<String> {
        self.timestamp(key).map(Timestamp::to_rfc3339)
    }

    fn object(self, key: &str) -> Fields<'a> {
        Fields::new(self.get(key))
    }

    /// The first [`LIST_MAX`] entries of a list.
    fn list(self, key: &str) -> impl Iterator<Item = &'a Tree<'a>> {
        self.get(key)
            .and_then(Tree::as_array)
            .into_iter()
            .flatten()
            .take(LIST_MAX)
    }

    fn objects(self, key: &str) -> impl Iterator<Item = Fields<'a>> {
        self.list(key).map(|v| Fields::new(Some(v)))
    }

    fn texts(self, key: &str) -> Vec<String> {
        self.list(key)
            .filter_map(|v| non_blank(Text::deserialize(v).ok().map(|t| t.0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::resource::test_item;

    fn details(resource_type: &str, configuration: &str) -> Value {
        serde_json::to_value(of(&test_item(resource_type, "r-1", configuration))).unwrap()
    }

    #[test]
    fn security_group_ranges_are_merged_and_split_by_family() {
        let d = details(
            "AWS::EC2::SecurityGroup",
            r#"{"groupId":"sg-1","groupName":"web","ipPermissions":[{"ipProtocol":"tcp","fromPort":22.0,"toPort":"22",
                "ipRanges":["0.0.0.0/0","::/0"],"ipv4Ranges":[{"cidrIp":"0.0.0.0/0","description":"ssh"}],
                "ipv6Ranges":[{"cidrIpv6":"::/0"}],"userIdGroupPairs":[{"groupId":"sg-2","userId":"111122223333"}],
                "prefixListIds":[{"prefixListId":"pl-1"}]}],"ipPermissionsEgress":[{"ipProtocol":"-1","ipRanges":[]}]}"#,
        );
        assert_eq!(
            d,
            json!({"AwsEc2SecurityGroup": {
                "GroupId": "sg-1",
                "GroupName": "web",
                "IpPermissions": [{
                    "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                    "UserIdGroupPairs": [{"GroupId": "sg-2", "UserId": "111122223333"}],
                    "PrefixListIds": [{"PrefixListId": "pl-1"}]
                }],
                "IpPermissionsEgress": [{"IpProtocol": "-1"}]
            }})
        );
    }

    #[test]
    fn security_group_lists_are_capped() {
        let permission = r#"{"ipProtocol":"tcp","fromPort":443,"toPort":443,"ipRanges":["10.0.0.0/8","10.1.0.0/16","10.2.0.0/16"]}"#;
        let many = vec![permission; 60].join(",");
        let item = test_item(
            "AWS::EC2::SecurityGroup",
            "sg-1",
            &format!(r#"{{"ipPermissions":[{many}]}}"#),
        );
        let group = of(&item).unwrap().aws_ec2_security_group.unwrap();
        assert_eq!(group.ip_permissions.len(), LIST_MAX);
        let sources: usize = group.ip_permissions.iter().map(|p| p.ip_ranges.len()).sum();
        assert_eq!(sources, PEERS_MAX);
    }

    #[test]
    fn a_lambda_functions_environment_is_never_read() {
        let d = details(
            "AWS::Lambda::Function",
            r#"{"functionName":"fn","runtime":"python3.12","environment":{"variables":{"DB_PASSWORD":"hunter2"}},
                "vpcConfig":{"subnetIds":[],"securityGroupIds":[]},"deadLetterConfig":{"targetArn":""}}"#,
        );
        assert_eq!(
            d,
            json!({"AwsLambdaFunction": {"FunctionName": "fn", "Runtime": "python3.12"}})
        );
    }

    #[test]
    fn a_roles_trust_policy_is_decoded() {
        let trust = |document: &str| {
            let item = test_item(
                "AWS::IAM::Role",
                "AROA1",
                &format!(r#"{{"roleName":"r","assumeRolePolicyDocument":{document}}}"#),
            );
            of(&item)
                .and_then(|d| d.aws_iam_role)
                .and_then(|r| r.assume_role_policy_document)
        };
        let expected = r#"{"Version":"2012-10-17","Statement":[]}"#;
        assert_eq!(
            trust(r#""%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D""#)
                .as_deref(),
            Some(expected)
        );
        assert_eq!(
            trust(&format!("[{expected}]")).as_deref(),
            Some(r#"{"Statement":[],"Version":"2012-10-17"}"#)
        );
        assert_eq!(trust(r#""not a policy""#), None);
        let huge = format!(r#"{{"Id":"{}","Statement":[]}}"#, "x".repeat(POLICY_MAX));
        assert_eq!(trust(&huge), None);
    }

    #[test]
    fn kms_keys_in_the_api_flavour() {
        let item = ConfigurationItem::parse(
            r#"{"resourceType":"AWS::KMS::Key","resourceId":"k1","accountId":"111122223333",
                "configuration":"{\"keyId\":\"k1\",\"creationDate\":1621024924302,\"keyManager\":\"CUSTOMER\",\"keyState\":\"Enabled\"}",
                "supplementaryConfiguration":{"KeyRotationStatus":"false"}}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(of(&item)).unwrap(),
            json!({"AwsKmsKey": {
                "KeyId": "k1", "AWSAccountId": "111122223333", "CreationDate": 1621024924,
                "KeyManager": "CUSTOMER", "KeyState": "Enabled", "KeyRotationStatus": false
            }})
        );
    }

    #[test]
    fn db_instances_in_the_describe_spelling() {
        let d = details(
            "AWS::RDS::DBInstance",
            r#"{"DBInstanceIdentifier":"orders","StorageEncrypted":"true","PubliclyAccessible":false,
                "MultiAZ":true,"Endpoint":{"Address":"orders.example","Port":5432},"DbInstancePort":0}"#,
        );
        assert_eq!(
            d,
            json!({"AwsRdsDbInstance": {
                "DBInstanceIdentifier": "orders", "StorageEncrypted": true, "PubliclyAccessible": false,
                "MultiAz": true, "Endpoint": {"Address": "orders.example", "Port": 5432}
            }})
        );
    }

    #[test]
    fn odd_values_are_left_out() {
        let d = details(
            "AWS::EC2::Volume",
            r#"{"size":1e12,"encrypted":"maybe","createTime":"yesterday","state":{"value":"in-use"},
                "kmsKeyId":"  ","volumeType":{"name":"gp3"},"attachments":"None"}"#,
        );
        assert_eq!(
            d,
            json!({"AwsEc2Volume": {"VolumeId": "r-1", "Status": "in-use"}})
        );
        assert_eq!(
            details("AWS::EC2::Instance", r#"{"foo":"bar"}"#),
            Value::Null
        );
        assert_eq!(details("AWS::EC2::Instance", "[1,2]"), Value::Null);
        assert_eq!(details("AWS::EC2::Instance", r#""not json""#), Value::Null);
    }

    #[test]
    fn deleted_and_unmodelled_resources_have_none() {
        for text in [
            r#"{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemStatus":"ResourceDeleted","configuration":null}"#,
            r#"{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemStatus":"ResourceDeleted","configuration":"null"}"#,
            r#"{"resourceType":"AWS::S3::Bucket","resourceId":"b","configurationItemStatus":"ResourceDeleted","configuration":{"name":"b"}}"#,
            r#"{"resourceType":"AWS::DynamoDB::Table","resourceId":"t","configuration":{"tableName":"t"}}"#,
        ] {
            assert_eq!(of(&ConfigurationItem::parse(text).unwrap()), None, "{text}");
        }
    }
}
