//! What periodic controls read about the account: IAM, EC2, S3 Control, CloudTrail, AWS Config,
//! GuardDuty, Secrets Manager, and the resources AWS Config does not record (ElastiCache, log
//! groups), listed and wrapped as configuration items. The JSON services (CloudTrail, GuardDuty,
//! Secrets Manager, CloudWatch Logs) are called without their SDK crates ([`wire`]).

mod wire;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_sdk_iam::types::{AssignmentStatusType, ReportStateType, SummaryKeyType};
use aws_smithy_types::DateTime;
use ourside_core::facts::{
    AccountSummary, CredentialReport, DetectorState, PasswordPolicy, RecorderState, SecretRotation,
    TrailState, UserRef, VpcFlowLogs,
};
use ourside_core::need::Need;
use ourside_core::resource::s3::PublicAccessBlock;
use ourside_core::Timestamp;
use serde_json::{json, Map, Value};

use crate::clients::Settings;
use crate::config::iso;
use crate::error::AwsError;
use crate::paginate::all_pages;
use crate::ports::account_operations as op;
use crate::ports::AccountReader;
use crate::rest::{encode, AwsJson, RestJson, Transport};

/// How often the credential report is asked after, while IAM generates it.
const REPORT_POLL_INTERVAL: Duration = Duration::from_millis(500);
/// How long to wait for IAM to generate the credential report (usually seconds).
const REPORT_WAIT_LIMIT: Duration = Duration::from_secs(15);

/// The clients periodic controls read the account with.
#[derive(Debug, Clone)]
pub struct AccountApi {
    /// The clients' region: it goes into the ARNs and items built here.
    region: String,
    iam: aws_sdk_iam::Client,
    ec2: aws_sdk_ec2::Client,
    s3control: aws_sdk_s3control::Client,
    cloudtrail: AwsJson,
    config: aws_sdk_config::Client,
    guardduty: RestJson,
    secretsmanager: AwsJson,
    elasticache: aws_sdk_elasticache::Client,
    logs: AwsJson,
}

impl AccountApi {
    /// The SDK clients from `sdk`; the JSON services' calls reach AWS as `settings` say (the
    /// settings `sdk` was made of).
    pub fn new(settings: &Settings, sdk: &aws_config::SdkConfig) -> Self {
        let transport = Transport::new(settings);
        AccountApi {
            region: settings.region.clone(),
            iam: aws_sdk_iam::Client::new(sdk),
            ec2: aws_sdk_ec2::Client::new(sdk),
            s3control: aws_sdk_s3control::Client::new(sdk),
            cloudtrail: AwsJson::new("cloudtrail", wire::CLOUDTRAIL_TARGET, &transport),
            config: aws_sdk_config::Client::new(sdk),
            guardduty: RestJson::new("guardduty", &transport),
            secretsmanager: AwsJson::new(
                "secretsmanager",
                wire::SECRETS_MANAGER_TARGET,
                &transport,
            ),
            elasticache: aws_sdk_elasticache::Client::new(sdk),
            logs: AwsJson::new("logs", wire::LOGS_TARGET, &transport),
        }
    }
}

/// An SDK time as a core timestamp; `None` for a time outside what the core can represent.
fn timestamp(t: &DateTime) -> Option<Timestamp> {
    time::OffsetDateTime::from_unix_timestamp_nanos(t.as_nanos())
        .ok()
        .map(Timestamp)
}

/// The next token of an IAM listing: its `Marker`, when `IsTruncated` says there is more.
fn next_marker(is_truncated: bool, marker: Option<&str>) -> Option<String> {
    marker.filter(|_| is_truncated).map(str::to_string)
}

/// The ARN partition of a region.
fn partition(region: &str) -> &'static str {
    const PARTITIONS: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

/// Whether an IAM user ARN is the root user's (`arn:aws:iam::123456789012:root`).
fn is_root_arn(arn: &str) -> bool {
    arn.ends_with(":root")
}

/// Whether basic event selectors record read and write management events. Absent fields take
/// the API's defaults (management events included, `All`).
fn basic_selectors_record_management(selectors: &[wire::EventSelector]) -> bool {
    selectors.iter().any(|s| {
        s.include_management_events.unwrap_or(true)
            && s.read_write_type.as_deref().is_none_or(|t| t == "All")
    })
}

/// Whether advanced event selectors record read and write management events: a selector on
/// `eventCategory` equal to `Management` that does not narrow `readOnly`.
fn advanced_selectors_record_management(selectors: &[wire::AdvancedEventSelector]) -> bool {
    selectors.iter().any(|s| {
        let fields = &s.field_selectors;
        fields.iter().any(|f| {
            f.field == "eventCategory" && f.equals.iter().flatten().any(|v| v == "Management")
        }) && !fields.iter().any(|f| f.field == "readOnly")
    })
}

/// One `ListSecrets` entry's rotation; a tag without a key is left out.
fn secret_rotation(s: wire::SecretListEntry) -> SecretRotation {
    SecretRotation {
        arn: s.arn.unwrap_or_default(),
        name: s.name.unwrap_or_default(),
        rotation_enabled: s.rotation_enabled.unwrap_or(false),
        last_rotated: s.last_rotated_date.as_ref().and_then(timestamp),
        created: s.created_date.as_ref().and_then(timestamp),
        tags: s
            .tags
            .into_iter()
            .flatten()
            .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
            .collect(),
    }
}

/// A JSON object of the fields that have a value: the describe APIs leave absent ones out.
fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Map<String, Value>>(),
    )
}

/// A describe entry wrapped as a configuration item, API key flavour.
struct ListedItem<'a> {
    resource_type: &'static str,
    id: &'a str,
    arn: Option<&'a str>,
    created: Value,
    configuration: Value,
}

/// One `DescribeCacheClusters` entry as an item; `None` without an id.
fn cache_cluster_item(c: &aws_sdk_elasticache::types::CacheCluster) -> Option<ListedItem<'_>> {
    let id = c.cache_cluster_id()?;
    let created = iso(c.cache_cluster_create_time());
    let configuration = object([
        ("CacheClusterId", json!(id)),
        ("ARN", json!(c.arn())),
        ("Engine", json!(c.engine())),
        ("EngineVersion", json!(c.engine_version())),
        ("CacheClusterStatus", json!(c.cache_cluster_status())),
        ("CacheNodeType", json!(c.cache_node_type())),
        ("NumCacheNodes", json!(c.num_cache_nodes())),
        ("ReplicationGroupId", json!(c.replication_group_id())),
        (
            "SnapshotRetentionLimit",
            json!(c.snapshot_retention_limit()),
        ),
        (
            "AutoMinorVersionUpgrade",
            json!(c.auto_minor_version_upgrade()),
        ),
        (
            "AtRestEncryptionEnabled",
            json!(c.at_rest_encryption_enabled()),
        ),
        (
            "TransitEncryptionEnabled",
            json!(c.transit_encryption_enabled()),
        ),
        (
            "TransitEncryptionMode",
            json!(c.transit_encryption_mode().map(|m| m.as_str())),
        ),
        ("AuthTokenEnabled", json!(c.auth_token_enabled())),
        ("CacheSubnetGroupName", json!(c.cache_subnet_group_name())),
        ("CacheClusterCreateTime", created.clone()),
    ]);
    Some(ListedItem {
        resource_type: "AWS::ElastiCache::CacheCluster",
        id,
        arn: c.arn(),
        created,
        configuration,
    })
}

/// One `DescribeReplicationGroups` entry as an item; `None` without an id.
fn replication_group_item(
    g: &aws_sdk_elasticache::types::ReplicationGroup,
) -> Option<ListedItem<'_>> {
    let id = g.replication_group_id()?;
    let created = iso(g.replication_group_create_time());
    let configuration = object([
        ("ReplicationGroupId", json!(id)),
        ("ARN", json!(g.arn())),
        ("Engine", json!(g.engine())),
        ("Status", json!(g.status())),
        ("MemberClusters", json!(g.member_clusters())),
        ("CacheNodeType", json!(g.cache_node_type())),
        ("ClusterEnabled", json!(g.cluster_enabled())),
        (
            "AutomaticFailover",
            json!(g.automatic_failover().map(|s| s.as_str())),
        ),
        ("MultiAZ", json!(g.multi_az().map(|s| s.as_str()))),
        (
            "SnapshotRetentionLimit",
            json!(g.snapshot_retention_limit()),
        ),
        (
            "AutoMinorVersionUpgrade",
            json!(g.auto_minor_version_upgrade()),
        ),
        (
            "AtRestEncryptionEnabled",
            json!(g.at_rest_encryption_enabled()),
        ),
        (
            "TransitEncryptionEnabled",
            json!(g.transit_encryption_enabled()),
        ),
        (
            "TransitEncryptionMode",
            json!(g.transit_encryption_mode().map(|m| m.as_str())),
        ),
        ("AuthTokenEnabled", json!(g.auth_token_enabled())),
        ("KmsKeyId", json!(g.kms_key_id())),
        ("ReplicationGroupCreateTime", created.clone()),
    ]);
    Some(ListedItem {
        resource_type: "AWS::ElastiCache::ReplicationGroup",
        id,
        arn: g.arn(),
        created,
        configuration,
    })
}

/// One `DescribeLogGroups` entry as an item; `None` without a name.
fn log_group_item(g: &wire::LogGroup) -> Option<ListedItem<'_>> {
    let name = g.log_group_name.as_deref()?;
    // `arn` ends with `:*` (the log streams); `logGroupArn` is the group's own.
    let arn = g
        .log_group_arn
        .as_deref()
        .or_else(|| g.arn.as_deref().map(|a| a.strip_suffix(":*").unwrap_or(a)));
    let created = g
        .creation_time
        .and_then(|ms| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
        })
        .map_or(Value::Null, |t| json!(Timestamp(t).to_rfc3339()));
    let configuration = object([
        ("logGroupName", json!(name)),
        ("arn", json!(g.arn)),
        ("logGroupArn", json!(g.log_group_arn)),
        ("creationTime", json!(g.creation_time)),
        ("retentionInDays", json!(g.retention_in_days)),
        ("kmsKeyId", json!(g.kms_key_id)),
        ("logGroupClass", json!(g.log_group_class)),
        ("metricFilterCount", json!(g.metric_filter_count)),
        ("storedBytes", json!(g.stored_bytes)),
    ]);
    Some(ListedItem {
        resource_type: "AWS::Logs::LogGroup",
        id: name,
        arn,
        created,
        configuration,
    })
}

impl AccountApi {
    /// Listed entries as configuration items (JSON), one per resource.
    fn items<'a>(
        &self,
        listed: impl IntoIterator<Item = ListedItem<'a>>,
        account_id: &str,
        observed_at: Timestamp,
    ) -> Vec<String> {
        listed
            .into_iter()
            .map(|item| {
                object([
                    ("version", json!("1.3")),
                    ("accountId", json!(account_id)),
                    (
                        "configurationItemCaptureTime",
                        json!(observed_at.to_rfc3339()),
                    ),
                    ("configurationItemStatus", json!("OK")),
                    ("resourceType", json!(item.resource_type)),
                    ("resourceId", json!(item.id)),
                    ("resourceName", json!(item.id)),
                    ("arn", json!(item.arn)),
                    ("awsRegion", json!(self.region)),
                    ("resourceCreationTime", item.created),
                    ("configuration", item.configuration),
                ])
                .to_string()
            })
            .collect()
    }

    async fn cache_clusters(
        &self,
    ) -> Result<Vec<aws_sdk_elasticache::types::CacheCluster>, AwsError> {
        const OP: &str = op::DESCRIBE_CACHE_CLUSTERS;
        all_pages(OP, |marker| async move {
            let output = self
                .elasticache
                .describe_cache_clusters()
                .set_marker(marker)
                .max_records(100)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            Ok((
                output.cache_clusters().to_vec(),
                output.marker().map(str::to_string),
            ))
        })
        .await
    }

    async fn replication_groups(
        &self,
    ) -> Result<Vec<aws_sdk_elasticache::types::ReplicationGroup>, AwsError> {
        const OP: &str = op::DESCRIBE_REPLICATION_GROUPS;
        all_pages(OP, |marker| async move {
            let output = self
                .elasticache
                .describe_replication_groups()
                .set_marker(marker)
                .max_records(100)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            Ok((
                output.replication_groups().to_vec(),
                output.marker().map(str::to_string),
            ))
        })
        .await
    }

    async fn log_groups(&self) -> Result<Vec<wire::LogGroup>, AwsError> {
        const OP: &str = op::DESCRIBE_LOG_GROUPS;
        all_pages(OP, |token| async move {
            let request = wire::DescribeLogGroupsRequest {
                next_token: token.as_deref(),
                limit: 50,
            };
            let page: wire::DescribeLogGroupsResponse = self.logs.call(OP, &request).await?;
            Ok((page.log_groups.unwrap_or_default(), page.next_token))
        })
        .await
    }

    /// One `GenerateCredentialReport`: whether the report is complete.
    async fn credential_report_complete(&self) -> Result<bool, AwsError> {
        const OP: &str = op::GENERATE_CREDENTIAL_REPORT;
        let output = self
            .iam
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        Ok(output.state() == Some(&ReportStateType::Complete))
    }

    /// The status and selectors of one trail, asked in its home region and by ARN when it has
    /// one. A multi-region trail shows in every region, but CloudTrail answers for it only in
    /// its home region (`TrailNotFoundException` elsewhere, ARN or not).
    async fn trail_state(&self, trail: &wire::Trail) -> Result<TrailState, AwsError> {
        let name = trail
            .name
            .as_deref()
            .or(trail.trail_arn.as_deref())
            .ok_or_else(|| {
                AwsError::new(
                    op::DESCRIBE_TRAILS,
                    false,
                    "a trail has neither a name nor an ARN",
                )
            })?;
        let id = trail.trail_arn.as_deref().unwrap_or(name);
        let cloudtrail = self
            .cloudtrail
            .in_region(trail.home_region.as_deref().unwrap_or(&self.region));
        let status: wire::GetTrailStatusResponse = cloudtrail
            .call(
                op::GET_TRAIL_STATUS,
                &wire::GetTrailStatusRequest { name: id },
            )
            .await?;
        let selectors: wire::GetEventSelectorsResponse = cloudtrail
            .call(
                op::GET_EVENT_SELECTORS,
                &wire::GetEventSelectorsRequest { trail_name: id },
            )
            .await?;
        Ok(TrailState {
            name: name.to_string(),
            arn: trail.trail_arn.clone(),
            home_region: trail.home_region.clone(),
            multi_region: trail.is_multi_region_trail.unwrap_or(false),
            logging: status.is_logging.unwrap_or(false),
            all_management_events: basic_selectors_record_management(
                selectors.event_selectors.as_deref().unwrap_or_default(),
            ) || advanced_selectors_record_management(
                selectors
                    .advanced_event_selectors
                    .as_deref()
                    .unwrap_or_default(),
            ),
        })
    }
}

impl AccountReader for AccountApi {
    async fn account_public_access_block(
        &self,
        account_id: &str,
    ) -> Result<Option<PublicAccessBlock>, AwsError> {
        const OP: &str = op::GET_PUBLIC_ACCESS_BLOCK;
        let output = AwsError::or_absent(
            OP,
            "NoSuchPublicAccessBlockConfiguration",
            self.s3control
                .get_public_access_block()
                .account_id(account_id)
                .send()
                .await,
        )?;
        Ok(output
            .as_ref()
            .and_then(|o| o.public_access_block_configuration())
            .map(|c| PublicAccessBlock {
                block_public_acls: c.block_public_acls().unwrap_or(false),
                ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                block_public_policy: c.block_public_policy().unwrap_or(false),
                restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
            }))
    }

    async fn ebs_encryption_by_default(&self) -> Result<bool, AwsError> {
        const OP: &str = op::GET_EBS_ENCRYPTION_BY_DEFAULT;
        self.ec2
            .get_ebs_encryption_by_default()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?
            .ebs_encryption_by_default()
            .ok_or_else(|| AwsError::new(OP, false, "the answer has no EbsEncryptionByDefault"))
    }

    async fn public_snapshots(&self) -> Result<Vec<String>, AwsError> {
        const OP: &str = op::DESCRIBE_SNAPSHOTS;
        all_pages(OP, |token| async move {
            let output = self
                .ec2
                .describe_snapshots()
                .owner_ids("self")
                .restorable_by_user_ids("all")
                .set_next_token(token)
                .max_results(1000)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            let ids = output
                .snapshots()
                .iter()
                .filter_map(|s| s.snapshot_id().map(str::to_string))
                .collect();
            Ok((ids, output.next_token().map(str::to_string)))
        })
        .await
    }

    async fn account_summary(&self) -> Result<AccountSummary, AwsError> {
        const OP: &str = op::GET_ACCOUNT_SUMMARY;
        let output = self
            .iam
            .get_account_summary()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        let empty = HashMap::new();
        let summary = output.summary_map().unwrap_or(&empty);
        let present = |key: SummaryKeyType| {
            summary
                .get(&key)
                .map(|n| *n > 0)
                .ok_or_else(|| AwsError::new(OP, false, format!("the summary has no {key}")))
        };
        Ok(AccountSummary {
            root_access_keys_present: present(SummaryKeyType::AccountAccessKeysPresent)?,
            root_mfa_enabled: present(SummaryKeyType::AccountMfaEnabled)?,
        })
    }

    async fn root_virtual_mfa(&self) -> Result<bool, AwsError> {
        const OP: &str = op::LIST_VIRTUAL_MFA_DEVICES;
        let users = all_pages(OP, |marker| async move {
            let output = self
                .iam
                .list_virtual_mfa_devices()
                .assignment_status(AssignmentStatusType::Assigned)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            let users = output
                .virtual_mfa_devices()
                .iter()
                .filter_map(|d| d.user().map(|u| u.arn().to_string()))
                .collect();
            Ok((users, next_marker(output.is_truncated(), output.marker())))
        })
        .await?;
        Ok(users.iter().any(|arn| is_root_arn(arn)))
    }

    async fn password_policy(&self) -> Result<Option<PasswordPolicy>, AwsError> {
        const OP: &str = op::GET_ACCOUNT_PASSWORD_POLICY;
        let output = AwsError::or_absent(
            OP,
            "NoSuchEntity",
            self.iam.get_account_password_policy().send().await,
        )?;
        Ok(output
            .as_ref()
            .and_then(|o| o.password_policy())
            .map(|p| PasswordPolicy {
                minimum_length: p.minimum_password_length().map(i64::from),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase: p.require_uppercase_characters(),
                require_lowercase: p.require_lowercase_characters(),
                max_age_days: p.max_password_age().map(i64::from),
                reuse_prevention: p.password_reuse_prevention().map(i64::from),
            }))
    }

    async fn credential_report(&self) -> Result<CredentialReport, AwsError> {
        const OP: &str = op::GET_CREDENTIAL_REPORT;
        let deadline = tokio::time::Instant::now() + REPORT_WAIT_LIMIT;
        loop {
            // Asking for generation first keeps the report at most four hours old: IAM makes a
            // new one only when the last is older.
            if self.credential_report_complete().await? {
                match self.iam.get_credential_report().send().await {
                    Ok(output) => {
                        let content = output.content().ok_or_else(|| {
                            AwsError::new(OP, false, "the answer has no report content")
                        })?;
                        let text = std::str::from_utf8(content.as_ref()).map_err(|e| {
                            AwsError::new(OP, false, format!("the report is not UTF-8: {e}"))
                        })?;
                        let generated_at =
                            output.generated_time().and_then(timestamp).ok_or_else(|| {
                                AwsError::new(OP, false, "the answer has no GeneratedTime")
                            })?;
                        return CredentialReport::parse_csv(text, generated_at).map_err(|e| {
                            AwsError::new(OP, false, format!("the report cannot be read: {e}"))
                        });
                    }
                    Err(e) => {
                        let error = AwsError::from_sdk(OP, e);
                        // Expired or replaced between the two calls: generate again.
                        if !["ReportNotPresent", "ReportExpired", "ReportInProgress"]
                            .iter()
                            .any(|code| error.is(code))
                        {
                            return Err(error);
                        }
                    }
                }
            }
            if tokio::time::Instant::now() + REPORT_POLL_INTERVAL > deadline {
                return Err(AwsError::new(
                    op::GENERATE_CREDENTIAL_REPORT,
                    true,
                    format!("the credential report was not ready within {REPORT_WAIT_LIMIT:?}"),
                ));
            }
            tokio::time::sleep(REPORT_POLL_INTERVAL).await;
        }
    }

    async fn users(&self) -> Result<Vec<UserRef>, AwsError> {
        const OP: &str = op::LIST_USERS;
        all_pages(OP, |marker| async move {
            let output = self
                .iam
                .list_users()
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(OP, e))?;
            let users = output
                .users()
                .iter()
                .map(|u| UserRef {
                    name: u.user_name().to_string(),
                    id: u.user_id().to_string(),
                    arn: u.arn().to_string(),
                })
                .collect();
            Ok((users, next_marker(output.is_truncated(), output.marker())))
        })
        .await
    }

    async fn trails(&self) -> Result<Vec<TrailState>, AwsError> {
        let output: wire::DescribeTrailsResponse = self
            .cloudtrail
            .call(
                op::DESCRIBE_TRAILS,
                &wire::DescribeTrailsRequest {
                    include_shadow_trails: true,
                },
            )
            .await?;
        let mut trails = Vec::new();
        for trail in output.trail_list.iter().flatten() {
            trails.push(self.trail_state(trail).await?);
        }
        Ok(trails)
    }

    async fn vpc_flow_logs(&self) -> Result<Vec<VpcFlowLogs>, AwsError> {
        let vpcs = all_pages(op::DESCRIBE_VPCS, |token| async move {
            let output = self
                .ec2
                .describe_vpcs()
                .set_next_token(token)
                .max_results(1000)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op::DESCRIBE_VPCS, e))?;
            Ok((
                output.vpcs().to_vec(),
                output.next_token().map(str::to_string),
            ))
        })
        .await?;
        let flow_logs = all_pages(op::DESCRIBE_FLOW_LOGS, |token| async move {
            let output = self
                .ec2
                .describe_flow_logs()
                .set_next_token(token)
                .max_results(1000)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op::DESCRIBE_FLOW_LOGS, e))?;
            Ok((
                output.flow_logs().to_vec(),
                output.next_token().map(str::to_string),
            ))
        })
        .await?;
        let mut active: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for log in &flow_logs {
            if let (Some(resource), Some("ACTIVE")) = (log.resource_id(), log.flow_log_status()) {
                active
                    .entry(resource)
                    .or_default()
                    .extend(log.traffic_type().map(|t| t.as_str().to_string()));
            }
        }
        Ok(vpcs
            .iter()
            .filter_map(|vpc| {
                let id = vpc.vpc_id()?;
                let mut traffic = active.get(id).cloned().unwrap_or_default();
                traffic.sort();
                traffic.dedup();
                let arn = vpc.owner_id().map(|owner| {
                    format!(
                        "arn:{}:ec2:{}:{owner}:vpc/{id}",
                        partition(&self.region),
                        self.region
                    )
                });
                Some(VpcFlowLogs {
                    vpc_id: id.to_string(),
                    arn,
                    active_traffic_types: traffic,
                })
            })
            .collect())
    }

    async fn recorders(&self) -> Result<Vec<RecorderState>, AwsError> {
        let recorders = self
            .config
            .describe_configuration_recorders()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op::DESCRIBE_CONFIGURATION_RECORDERS, e))?;
        let statuses = self
            .config
            .describe_configuration_recorder_status()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op::DESCRIBE_CONFIGURATION_RECORDER_STATUS, e))?;
        Ok(recorders
            .configuration_recorders()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                let status = statuses
                    .configuration_recorders_status()
                    .iter()
                    .find(|s| s.name() == Some(name));
                let group = r.recording_group();
                RecorderState {
                    name: name.to_string(),
                    recording: status.is_some_and(|s| s.recording()),
                    all_supported: group.is_some_and(|g| g.all_supported()),
                    include_global_resource_types: group
                        .is_some_and(|g| g.include_global_resource_types()),
                    role_arn: r.role_arn().map(str::to_string),
                    last_status: status
                        .and_then(|s| s.last_status())
                        .map(|s| s.as_str().to_string()),
                }
            })
            .collect())
    }

    async fn detectors(&self) -> Result<Vec<DetectorState>, AwsError> {
        const OP: &str = op::LIST_DETECTORS;
        let ids = all_pages(OP, |token| async move {
            let query: Vec<(&str, &str)> =
                token.iter().map(|t| ("nextToken", t.as_str())).collect();
            let page: wire::ListDetectorsResponse =
                self.guardduty.get(OP, "/detector", &query).await?;
            Ok((page.detector_ids, page.next_token))
        })
        .await?;
        let mut detectors = Vec::new();
        for id in ids {
            let detector: wire::GetDetectorResponse = self
                .guardduty
                .get(op::GET_DETECTOR, &format!("/detector/{}", encode(&id)), &[])
                .await?;
            detectors.push(DetectorState {
                enabled: detector.status.as_deref() == Some("ENABLED"),
                id,
            });
        }
        Ok(detectors)
    }

    async fn secrets(&self) -> Result<Vec<SecretRotation>, AwsError> {
        const OP: &str = op::LIST_SECRETS;
        all_pages(OP, |token| async move {
            let request = wire::ListSecretsRequest {
                max_results: 100,
                next_token: token.as_deref(),
            };
            let page: wire::ListSecretsResponse = self.secretsmanager.call(OP, &request).await?;
            let secrets = page.secret_list.into_iter().flatten();
            Ok((secrets.map(secret_rotation).collect(), page.next_token))
        })
        .await
    }

    async fn listed_items(
        &self,
        need: Need,
        account_id: &str,
        observed_at: Timestamp,
    ) -> Result<Vec<String>, AwsError> {
        Ok(match need {
            Need::ElastiCacheClusters => self.items(
                self.cache_clusters()
                    .await?
                    .iter()
                    .filter_map(cache_cluster_item),
                account_id,
                observed_at,
            ),
            Need::ElastiCacheReplicationGroups => self.items(
                self.replication_groups()
                    .await?
                    .iter()
                    .filter_map(replication_group_item),
                account_id,
                observed_at,
            ),
            Need::LogGroups => self.items(
                self.log_groups().await?.iter().filter_map(log_group_item),
                account_id,
                observed_at,
            ),
            _ => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ourside_core::{ConfigurationItem, Resource};
    use wire::{AdvancedEventSelector, AdvancedFieldSelector, EventSelector};

    fn api() -> AccountApi {
        let settings = Settings::local("eu-west-1", "http://127.0.0.1:9");
        AccountApi::new(&settings, &settings.sdk_config())
    }

    fn observed() -> Timestamp {
        Timestamp::parse("2026-06-01T12:00:00Z").unwrap()
    }

    /// The entry as the periodic runner will see it: item JSON, parsed, and its view.
    fn listed(entry: Option<ListedItem<'_>>) -> (ConfigurationItem, Resource) {
        let text = api().items(entry, "111122223333", observed()).remove(0);
        let item = ConfigurationItem::parse(&text).unwrap();
        let resource = Resource::from_item(&item).unwrap();
        (item, resource)
    }

    #[test]
    fn cache_cluster_items_read_as_the_core_views() {
        let cluster = aws_sdk_elasticache::types::CacheCluster::builder()
            .cache_cluster_id("acme-sessions-001")
            .arn("arn:aws:elasticache:eu-west-1:111122223333:cluster:acme-sessions-001")
            .engine("redis")
            .replication_group_id("acme-sessions")
            .snapshot_retention_limit(0)
            .auto_minor_version_upgrade(false)
            .cache_cluster_create_time(DateTime::from_secs(1_700_000_000))
            .build();
        let (item, resource) = listed(cache_cluster_item(&cluster));
        assert_eq!(item.account_id.as_deref(), Some("111122223333"));
        assert_eq!(item.region.as_deref(), Some("eu-west-1"));
        assert_eq!(item.capture_time, Some(observed()));
        assert_eq!(item.resource_creation_time, Timestamp::from_epoch(1.7e9));
        assert_eq!(
            item.arn.as_deref(),
            Some("arn:aws:elasticache:eu-west-1:111122223333:cluster:acme-sessions-001")
        );
        let Resource::ElastiCacheCacheCluster(c) = resource else {
            panic!("not a cache cluster: {resource:?}")
        };
        assert_eq!(c.id, "acme-sessions-001");
        assert_eq!(c.engine.as_deref(), Some("redis"));
        assert_eq!(c.replication_group_id.as_deref(), Some("acme-sessions"));
        assert_eq!(c.snapshot_retention_limit, Some(0));
        assert_eq!(c.auto_minor_version_upgrade, Some(false));
        let nameless = aws_sdk_elasticache::types::CacheCluster::builder().build();
        assert!(cache_cluster_item(&nameless).is_none());
    }

    #[test]
    fn replication_group_items_read_as_the_core_views() {
        let group = aws_sdk_elasticache::types::ReplicationGroup::builder()
            .replication_group_id("acme-carts")
            .engine("valkey")
            .snapshot_retention_limit(7)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(true)
            .transit_encryption_mode(aws_sdk_elasticache::types::TransitEncryptionMode::Preferred)
            .build();
        let (item, resource) = listed(replication_group_item(&group));
        assert_eq!(item.resource_id.as_deref(), Some("acme-carts"));
        assert_eq!(item.arn, None);
        let Resource::ElastiCacheReplicationGroup(g) = resource else {
            panic!("not a replication group: {resource:?}")
        };
        assert_eq!(g.id, "acme-carts");
        assert_eq!(g.engine.as_deref(), Some("valkey"));
        assert_eq!(g.snapshot_retention_limit, Some(7));
        assert_eq!(g.at_rest_encryption_enabled, Some(true));
        assert_eq!(g.transit_encryption_enabled, Some(true));
        assert_eq!(g.transit_encryption_mode.as_deref(), Some("preferred"));
    }

    #[test]
    fn log_group_items_read_as_the_core_views() {
        let group = |retention_in_days: Option<i32>| wire::LogGroup {
            log_group_name: Some("/aws/lambda/acme".into()),
            arn: Some("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/acme:*".into()),
            creation_time: Some(1_700_000_000_000),
            retention_in_days,
            ..wire::LogGroup::default()
        };
        let (item, resource) = listed(log_group_item(&group(Some(30))));
        assert_eq!(
            item.arn.as_deref(),
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/acme")
        );
        assert_eq!(item.resource_creation_time, Timestamp::from_epoch(1.7e9));
        let Resource::LogsLogGroup(g) = resource else {
            panic!("not a log group: {resource:?}")
        };
        assert_eq!(g.name, "/aws/lambda/acme");
        assert_eq!(g.retention_in_days, Some(30));
        let (_, resource) = listed(log_group_item(&group(None)));
        let Resource::LogsLogGroup(g) = resource else {
            panic!("not a log group: {resource:?}")
        };
        assert_eq!(g.retention_in_days, None);
    }

    #[test]
    fn absent_fields_are_left_out_not_null() {
        let value = object([
            ("a", json!(1)),
            ("b", Value::Null),
            ("c", json!(None::<i32>)),
        ]);
        assert_eq!(value, json!({"a": 1}));
    }

    #[test]
    fn partitions_follow_the_region() {
        assert_eq!(partition("eu-west-1"), "aws");
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(partition("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
    }

    #[test]
    fn only_the_root_user_arn_is_root() {
        assert!(is_root_arn("arn:aws:iam::111122223333:root"));
        assert!(!is_root_arn("arn:aws:iam::111122223333:user/root-admin"));
        assert!(!is_root_arn("arn:aws:iam::111122223333:user/rooted"));
    }

    #[test]
    fn management_events_from_basic_selectors() {
        let selector = |rw: Option<&str>, management: Option<bool>| EventSelector {
            read_write_type: rw.map(str::to_string),
            include_management_events: management,
        };
        assert!(basic_selectors_record_management(&[selector(
            Some("All"),
            Some(true)
        )]));
        assert!(basic_selectors_record_management(&[selector(None, None)]));
        assert!(!basic_selectors_record_management(&[selector(
            Some("WriteOnly"),
            Some(true)
        )]));
        assert!(!basic_selectors_record_management(&[selector(
            Some("All"),
            Some(false)
        )]));
        assert!(!basic_selectors_record_management(&[]));
    }

    #[test]
    fn management_events_from_advanced_selectors() {
        let field = |name: &str, value: &str| AdvancedFieldSelector {
            field: name.to_string(),
            equals: Some(vec![value.to_string()]),
        };
        let selector =
            |field_selectors: Vec<AdvancedFieldSelector>| AdvancedEventSelector { field_selectors };
        assert!(advanced_selectors_record_management(&[selector(vec![
            field("eventCategory", "Management")
        ])]));
        assert!(!advanced_selectors_record_management(&[selector(vec![
            field("eventCategory", "Management"),
            field("readOnly", "true"),
        ])]));
        assert!(!advanced_selectors_record_management(&[selector(vec![
            field("eventCategory", "Data"),
            field("resources.type", "AWS::S3::Object"),
        ])]));
    }

    #[test]
    fn secret_rotations_from_list_entries() {
        let page: wire::ListSecretsResponse = serde_json::from_str(
            r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
                "Name":"db","RotationEnabled":true,"LastRotatedDate":1780315200.123,
                "CreatedDate":1.7e9,"Tags":[{"Key":"team","Value":"data"},{"Value":"keyless"},
                {"Key":"empty"}]},{}]}"#,
        )
        .unwrap();
        let [db, bare] = page
            .secret_list
            .unwrap()
            .into_iter()
            .map(secret_rotation)
            .collect::<Vec<_>>()
            .try_into()
            .unwrap();
        assert_eq!(db.name, "db");
        assert_eq!(
            db.arn,
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf"
        );
        assert!(db.rotation_enabled);
        // As the SDK reads it: the nearest f64, its fraction truncated to nanoseconds (here
        // 122.99999 ms), within a microsecond of what was sent.
        let rotated = db.last_rotated.unwrap();
        assert_eq!(
            Some(rotated),
            timestamp(&DateTime::from_secs_f64(1_780_315_200.123))
        );
        let sent: i128 = 1_780_315_200_123_000_000;
        assert!((rotated.0.unix_timestamp_nanos() - sent).abs() < 1_000);
        assert_eq!(db.created, Timestamp::from_epoch(1.7e9));
        assert_eq!(
            db.tags,
            BTreeMap::from([
                ("team".to_string(), "data".to_string()),
                ("empty".to_string(), String::new())
            ])
        );
        assert_eq!(bare, SecretRotation::default());
    }

    #[test]
    fn sdk_times_keep_their_precision() {
        let t = DateTime::from_nanos(1_780_315_200_123_456_789).unwrap();
        assert_eq!(
            timestamp(&t).map(|t| t.0.unix_timestamp_nanos()),
            Some(1_780_315_200_123_456_789)
        );
    }
}
