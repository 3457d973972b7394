//! The account adapter against the local emulator (moto): each test seeds its own moto with the
//! SDK crates, then reads the account back through `AccountApi` (which calls CloudTrail,
//! GuardDuty, Secrets Manager and CloudWatch Logs without theirs).
//!
//! What moto cannot show is said where it matters: the root user cannot be given access keys or
//! an MFA device (checked in the adapter's unit tests and with the in-memory adapter),
//! `DescribeSnapshots` ignores its owner and restorable-by parameters, every trail moto lists
//! it can also describe, GuardDuty's `ListDetectors` answers in one page, and moto reads a JSON
//! 1.1 operation from its `X-Amz-Target` without checking the service's prefix. Those are
//! checked against a loopback server that records the requests and answers what it is given.
#![cfg(feature = "account")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;

use aws_config::SdkConfig;
use ourside_aws::account::AccountApi;
use ourside_aws::clients::Settings;
use ourside_aws::emulator::{Moto, ACCOUNT_ID, REGION};
use ourside_aws::ports::AccountReader;
use ourside_core::facts::{PasswordPolicy, TrailState};
use ourside_core::need::Need;
use ourside_core::resource::s3::PublicAccessBlock;
use ourside_core::{ConfigurationItem, Resource, Timestamp};

struct Emulator {
    moto: Moto,
    sdk: SdkConfig,
}

impl Emulator {
    fn start() -> Self {
        let moto = Moto::start().unwrap_or_else(|e| panic!("{e}"));
        let sdk = moto.settings().sdk_config();
        Emulator { moto, sdk }
    }

    fn api(&self) -> AccountApi {
        AccountApi::new(&self.moto.settings(), &self.sdk)
    }

    /// Creates an S3 bucket with a bare request: trails need one, and `aws-sdk-s3` is not a
    /// dependency. Moto does not check signatures; the credential scope routes it to S3.
    fn create_bucket(&self, name: &str) {
        let host = self.moto.endpoint().replace("http://", "");
        let mut stream = TcpStream::connect(&host).unwrap();
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: {host}\r\nAuthorization: AWS4-HMAC-SHA256 \
             Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, \
             Signature=0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    }
}

fn observed() -> Timestamp {
    Timestamp::parse("2026-06-01T12:00:00Z").unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn iam_users_credential_report_and_password_policy() {
    let emulator = Emulator::start();
    let iam = aws_sdk_iam::Client::new(&emulator.sdk);
    let api = emulator.api();

    assert_eq!(api.password_policy().await.unwrap(), None);

    // alice: console password, an access key and a virtual MFA device; bob: nothing.
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_login_profile()
        .user_name("alice")
        .password("Correct-Horse-Battery-1")
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice")
        .send()
        .await
        .unwrap();
    let serial = device.virtual_mfa_device().unwrap().serial_number();
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(serial)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .unwrap();
    iam.create_user().user_name("bob").send().await.unwrap();

    let users = api.users().await.unwrap();
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(users.iter().all(|u| !u.id.is_empty()));
    assert_eq!(
        users[0].arn,
        format!("arn:aws:iam::{ACCOUNT_ID}:user/alice")
    );

    // Moto answers `STARTED` to the first GenerateCredentialReport: the adapter polls.
    let report = api.credential_report().await.unwrap();
    assert_eq!(
        report.generated_at,
        Timestamp::parse("2015-02-02T20:02:02Z").unwrap()
    );
    let alice = report.rows.iter().find(|r| r.user == "alice").unwrap();
    assert!(alice.password_enabled && alice.mfa_active);
    assert!(alice.access_keys[0].active && alice.access_keys[0].last_rotated.is_some());
    assert!(!alice.access_keys[1].active);
    let bob = report.rows.iter().find(|r| r.user == "bob").unwrap();
    assert!(!bob.password_enabled && !bob.mfa_active);
    assert!(bob.access_keys.iter().all(|k| !k.active));

    // alice's device is assigned, but to her, not to the root user. Moto cannot assign a device
    // to the root user, nor give it access keys: the summary always reads 0 there.
    assert!(!api.root_virtual_mfa().await.unwrap());
    let summary = api.account_summary().await.unwrap();
    assert!(!summary.root_access_keys_present && !summary.root_mfa_enabled);

    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(false)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.password_policy().await.unwrap(),
        Some(PasswordPolicy {
            minimum_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: false,
            max_age_days: Some(90),
            reuse_prevention: Some(24),
        })
    );
}

#[tokio::test(flavor = "current_thread")]
async fn ebs_defaults_snapshots_and_vpc_flow_logs() {
    use aws_sdk_ec2::types::{
        FlowLogsResourceType, LogDestinationType, OperationType, SnapshotAttributeName, TrafficType,
    };
    let emulator = Emulator::start();
    let ec2 = aws_sdk_ec2::Client::new(&emulator.sdk);
    let api = emulator.api();

    assert!(!api.ebs_encryption_by_default().await.unwrap());
    ec2.enable_ebs_encryption_by_default().send().await.unwrap();
    assert!(api.ebs_encryption_by_default().await.unwrap());

    let volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(8)
        .send()
        .await
        .unwrap();
    let mut snapshots = Vec::new();
    for _ in 0..2 {
        let snapshot = ec2
            .create_snapshot()
            .volume_id(volume.volume_id().unwrap())
            .send()
            .await
            .unwrap();
        snapshots.push(snapshot.snapshot_id().unwrap().to_string());
    }
    ec2.modify_snapshot_attribute()
        .snapshot_id(&snapshots[0])
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .group_names("all")
        .send()
        .await
        .unwrap();
    // Moto ignores OwnerIds and RestorableByUserIds, so the private snapshot is listed too;
    // `the_snapshot_listing_asks_for_public_snapshots_only` checks what the adapter asks for.
    assert!(api
        .public_snapshots()
        .await
        .unwrap()
        .contains(&snapshots[0]));

    let mut vpc_ids = Vec::new();
    for cidr in ["10.1.0.0/16", "10.2.0.0/16"] {
        let vpc = ec2.create_vpc().cidr_block(cidr).send().await.unwrap();
        vpc_ids.push(vpc.vpc().unwrap().vpc_id().unwrap().to_string());
    }
    // Two logs of rejected traffic (to different groups) count once.
    for (i, traffic) in [TrafficType::Reject, TrafficType::All, TrafficType::Reject]
        .into_iter()
        .enumerate()
    {
        ec2.create_flow_logs()
            .resource_type(FlowLogsResourceType::Vpc)
            .resource_ids(&vpc_ids[0])
            .traffic_type(traffic)
            .log_destination_type(LogDestinationType::CloudWatchLogs)
            .log_group_name(format!("vpc-flows-{i}"))
            .deliver_logs_permission_arn(format!("arn:aws:iam::{ACCOUNT_ID}:role/flow-logs"))
            .send()
            .await
            .unwrap();
    }
    let vpcs = api.vpc_flow_logs().await.unwrap();
    let logged = vpcs.iter().find(|v| v.vpc_id == vpc_ids[0]).unwrap();
    assert_eq!(logged.active_traffic_types, ["ALL", "REJECT"]);
    assert_eq!(
        logged.arn.as_deref(),
        Some(format!("arn:aws:ec2:{REGION}:{ACCOUNT_ID}:vpc/{}", vpc_ids[0]).as_str())
    );
    let unlogged = vpcs.iter().find(|v| v.vpc_id == vpc_ids[1]).unwrap();
    assert!(unlogged.active_traffic_types.is_empty());
    // Moto's default VPC is there too, without flow logs.
    assert_eq!(vpcs.len(), 3, "{vpcs:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn account_public_access_block_set_and_absent() {
    use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
    let emulator = Emulator::start();
    let api = emulator.api();
    assert_eq!(
        api.account_public_access_block(ACCOUNT_ID).await.unwrap(),
        None
    );
    aws_sdk_s3control::Client::new(&emulator.sdk)
        .put_public_access_block()
        .account_id(ACCOUNT_ID)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.account_public_access_block(ACCOUNT_ID).await.unwrap(),
        Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: false,
        })
    );
}

#[tokio::test(flavor = "current_thread")]
async fn trails_with_status_and_event_selectors() {
    use aws_sdk_cloudtrail::types::{
        AdvancedEventSelector, AdvancedFieldSelector, EventSelector, ReadWriteType,
    };
    let emulator = Emulator::start();
    emulator.create_bucket("ourside-trail-logs");
    let cloudtrail = aws_sdk_cloudtrail::Client::new(&emulator.sdk);
    let field = |name: &str, value: &str| {
        AdvancedFieldSelector::builder()
            .field(name)
            .equals(value)
            .build()
            .unwrap()
    };
    for (name, multi_region) in [
        ("everything", true),
        ("writes-only", false),
        ("advanced", false),
        ("advanced-read-only", false),
    ] {
        cloudtrail
            .create_trail()
            .name(name)
            .s3_bucket_name("ourside-trail-logs")
            .is_multi_region_trail(multi_region)
            .send()
            .await
            .unwrap();
    }
    cloudtrail
        .start_logging()
        .name("everything")
        .send()
        .await
        .unwrap();
    for (trail, read_write) in [
        ("everything", ReadWriteType::All),
        ("writes-only", ReadWriteType::WriteOnly),
    ] {
        cloudtrail
            .put_event_selectors()
            .trail_name(trail)
            .event_selectors(
                EventSelector::builder()
                    .read_write_type(read_write)
                    .include_management_events(true)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    for (trail, fields) in [
        ("advanced", vec![field("eventCategory", "Management")]),
        (
            "advanced-read-only",
            vec![
                field("eventCategory", "Management"),
                field("readOnly", "true"),
            ],
        ),
    ] {
        cloudtrail
            .put_event_selectors()
            .trail_name(trail)
            .advanced_event_selectors(
                AdvancedEventSelector::builder()
                    .set_field_selectors(Some(fields))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
    }

    let mut trails = emulator.api().trails().await.unwrap();
    trails.sort_by(|a, b| a.name.cmp(&b.name));
    let arn = |name: &str| {
        Some(format!(
            "arn:aws:cloudtrail:{REGION}:{ACCOUNT_ID}:trail/{name}"
        ))
    };
    let trail = |name: &str, multi_region, logging, all_management_events| TrailState {
        name: name.to_string(),
        arn: arn(name),
        home_region: Some(REGION.to_string()),
        multi_region,
        logging,
        all_management_events,
    };
    assert_eq!(
        trails,
        [
            trail("advanced", false, false, true),
            trail("advanced-read-only", false, false, false),
            trail("everything", true, true, true),
            trail("writes-only", false, false, false),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_shadow_trail_is_read_in_its_home_region() {
    use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType};
    let emulator = Emulator::start();
    emulator.create_bucket("ourside-trail-logs");
    // A multi-region trail whose home is another region shows here as a shadow trail.
    let home = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&emulator.sdk)
            .region(aws_config::Region::new("us-east-1"))
            .build(),
    );
    home.create_trail()
        .name("from-virginia")
        .s3_bucket_name("ourside-trail-logs")
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    home.start_logging()
        .name("from-virginia")
        .send()
        .await
        .unwrap();
    home.put_event_selectors()
        .trail_name("from-virginia")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        emulator.api().trails().await.unwrap(),
        [TrailState {
            name: "from-virginia".into(),
            arn: Some(format!(
                "arn:aws:cloudtrail:us-east-1:{ACCOUNT_ID}:trail/from-virginia"
            )),
            home_region: Some("us-east-1".into()),
            multi_region: true,
            logging: true,
            all_management_events: true,
        }]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_trail_whose_status_cannot_be_read_fails_the_fact() {
    // Moto finds every trail it lists: the failure comes from a loopback server instead.
    let (endpoint, server) = answer_with(vec![
        (
            200,
            r#"{"trailList":[{"Name":"org","TrailARN":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/org","HomeRegion":"eu-west-1","IsMultiRegionTrail":true}]}"#,
        ),
        (
            400,
            r#"{"__type":"TrailNotFoundException","message":"Unknown trail"}"#,
        ),
    ]);
    let api = single_attempt(&endpoint);
    let err = api.trails().await.unwrap_err();
    assert_eq!(err.operation, "cloudtrail:GetTrailStatus", "{err}");
    assert!(err.is("TrailNotFoundException") && !err.retryable, "{err}");
    let requests = server.join().unwrap();
    assert!(requests[1].contains("arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"));
}

#[tokio::test(flavor = "current_thread")]
async fn config_recorders_and_their_status() {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
    let emulator = Emulator::start();
    let config = aws_sdk_config::Client::new(&emulator.sdk);
    let api = emulator.api();
    assert!(api.recorders().await.unwrap().is_empty());
    let role = format!("arn:aws:iam::{ACCOUNT_ID}:role/config-recorder");
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&role)
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let recorders = api.recorders().await.unwrap();
    assert_eq!(recorders.len(), 1);
    assert!(!recorders[0].recording);
    assert!(recorders[0].all_supported && recorders[0].include_global_resource_types);
    assert_eq!(recorders[0].role_arn.as_deref(), Some(role.as_str()));

    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("config-bucket")
                .build(),
        )
        .send()
        .await
        .unwrap();
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    let recorders = api.recorders().await.unwrap();
    assert!(recorders[0].recording);
    assert_eq!(recorders[0].last_status.as_deref(), Some("PENDING"));
}

#[tokio::test(flavor = "current_thread")]
async fn guardduty_detectors_enabled_and_suspended() {
    let emulator = Emulator::start();
    let guardduty = aws_sdk_guardduty::Client::new(&emulator.sdk);
    let api = emulator.api();
    assert!(api.detectors().await.unwrap().is_empty());
    let id = guardduty
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_string();
    let detectors = api.detectors().await.unwrap();
    assert_eq!(detectors.len(), 1);
    assert_eq!(detectors[0].id, id);
    assert!(detectors[0].enabled);
    guardduty
        .update_detector()
        .detector_id(&id)
        .enable(false)
        .send()
        .await
        .unwrap();
    assert!(!api.detectors().await.unwrap()[0].enabled);
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_with_and_without_rotation() {
    use aws_sdk_secretsmanager::types::{RotationRulesType, Tag};
    let emulator = Emulator::start();
    let secrets = aws_sdk_secretsmanager::Client::new(&emulator.sdk);
    for name in ["db/plain", "db/rotated"] {
        secrets
            .create_secret()
            .name(name)
            .secret_string("s3cr3t")
            .tags(Tag::builder().key("team").value("data").build())
            .send()
            .await
            .unwrap();
    }
    // No rotation function: moto marks the secret rotated without invoking one.
    secrets
        .rotate_secret()
        .secret_id("db/rotated")
        .rotation_rules(
            RotationRulesType::builder()
                .automatically_after_days(30)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut listed = emulator.api().secrets().await.unwrap();
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    let [plain, rotated] = listed.as_slice() else {
        panic!("two secrets expected: {listed:?}")
    };
    assert_eq!(plain.name, "db/plain");
    assert!(!plain.rotation_enabled && plain.last_rotated.is_none());
    assert!(plain.created.is_some());
    assert!(plain.arn.starts_with(&format!(
        "arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:db/plain-"
    )));
    assert_eq!(plain.tags.get("team").map(String::as_str), Some("data"));
    assert!(rotated.rotation_enabled && rotated.last_rotated.is_some());
}

/// Parses listed items the way the periodic runner will.
fn views(items: &[String]) -> Vec<(ConfigurationItem, Resource)> {
    items
        .iter()
        .map(|text| {
            let item = ConfigurationItem::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"));
            let resource = Resource::from_item(&item).unwrap_or_else(|e| panic!("{e}: {text}"));
            (item, resource)
        })
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn elasticache_clusters_and_replication_groups_as_items() {
    let emulator = Emulator::start();
    let elasticache = aws_sdk_elasticache::Client::new(&emulator.sdk);
    let api = emulator.api();
    elasticache
        .create_cache_cluster()
        .cache_cluster_id("acme-memcached")
        .engine("memcached")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .send()
        .await
        .unwrap();
    elasticache
        .create_cache_cluster()
        .cache_cluster_id("acme-redis")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .snapshot_retention_limit(5)
        .auto_minor_version_upgrade(false)
        .send()
        .await
        .unwrap();
    elasticache
        .create_replication_group()
        .replication_group_id("acme-carts")
        .replication_group_description("carts")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .at_rest_encryption_enabled(true)
        .transit_encryption_enabled(true)
        .send()
        .await
        .unwrap();

    let clusters = views(
        &api.listed_items(Need::ElastiCacheClusters, ACCOUNT_ID, observed())
            .await
            .unwrap(),
    );
    let cluster = |id: &str| {
        clusters
            .iter()
            .find_map(|(item, resource)| match resource {
                Resource::ElastiCacheCacheCluster(c) if c.id == id => Some((item, c)),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no cluster {id}: {clusters:?}"))
    };
    let (item, redis) = cluster("acme-redis");
    assert_eq!(item.account_id.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(item.region.as_deref(), Some(REGION));
    assert_eq!(item.capture_time, Some(observed()));
    assert!(item
        .arn
        .as_deref()
        .is_some_and(|a| a.ends_with(":acme-redis")));
    assert_eq!(redis.engine.as_deref(), Some("redis"));
    assert_eq!(redis.snapshot_retention_limit, Some(5));
    assert_eq!(redis.auto_minor_version_upgrade, Some(false));
    let (_, memcached) = cluster("acme-memcached");
    assert_eq!(memcached.engine.as_deref(), Some("memcached"));

    let groups = views(
        &api.listed_items(Need::ElastiCacheReplicationGroups, ACCOUNT_ID, observed())
            .await
            .unwrap(),
    );
    let [(item, Resource::ElastiCacheReplicationGroup(carts))] = groups.as_slice() else {
        panic!("one replication group expected: {groups:?}")
    };
    assert_eq!(item.resource_id.as_deref(), Some("acme-carts"));
    assert_eq!(carts.id, "acme-carts");
    assert_eq!(carts.at_rest_encryption_enabled, Some(true));
    assert_eq!(carts.transit_encryption_enabled, Some(true));

    assert!(api
        .listed_items(Need::VpcFlowLogs, ACCOUNT_ID, observed())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn log_groups_with_and_without_retention_over_several_pages() {
    let emulator = Emulator::start();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emulator.sdk);
    // More than one page of 50.
    let names: Vec<String> = (0..55)
        .map(|i| format!("/aws/lambda/acme-{i:02}"))
        .collect();
    for name in &names {
        logs.create_log_group()
            .log_group_name(name)
            .send()
            .await
            .unwrap();
    }
    logs.put_retention_policy()
        .log_group_name(&names[7])
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    let groups = views(
        &emulator
            .api()
            .listed_items(Need::LogGroups, ACCOUNT_ID, observed())
            .await
            .unwrap(),
    );
    assert_eq!(groups.len(), 55);
    for (item, resource) in &groups {
        let Resource::LogsLogGroup(group) = resource else {
            panic!("not a log group: {resource:?}")
        };
        assert_eq!(item.resource_id.as_deref(), Some(group.name.as_str()));
        assert_eq!(
            item.arn,
            Some(format!(
                "arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{}",
                group.name
            ))
        );
        let expected = (group.name == names[7]).then_some(30);
        assert_eq!(group.retention_in_days, expected, "{}", group.name);
    }
}

/// A loopback server that answers each request with the next (status, body) and hands back
/// the requests it read: for what moto cannot show.
fn answer_with(answers: Vec<(u16, &'static str)>) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let mut requests = Vec::new();
        for (status, body) in answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut request = String::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if let Some((name, value)) = line.split_once(':') {
                    if name.eq_ignore_ascii_case("content-length") {
                        length = value.trim().parse().unwrap();
                    }
                }
                request.push_str(&line);
                if line == "\r\n" || line.is_empty() {
                    break;
                }
            }
            let mut content = vec![0; length];
            reader.read_exact(&mut content).unwrap();
            request.push_str(&String::from_utf8_lossy(&content));
            requests.push(request);
            let content_type = if body.starts_with('{') {
                "application/x-amz-json-1.1"
            } else {
                "text/xml"
            };
            write!(
                reader.get_mut(),
                "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
        requests
    });
    (endpoint, server)
}

/// Clients for a loopback server that answers each request once.
fn single_attempt(endpoint: &str) -> AccountApi {
    let mut settings = Settings::local(REGION, endpoint);
    settings.max_attempts = 1;
    AccountApi::new(&settings, &settings.sdk_config())
}

#[tokio::test(flavor = "current_thread")]
async fn the_snapshot_listing_asks_for_public_snapshots_only() {
    const PAGE_1: &str = r#"<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId><snapshotSet><item><snapshotId>snap-1</snapshotId></item></snapshotSet><nextToken>page-2</nextToken></DescribeSnapshotsResponse>"#;
    const PAGE_2: &str = r#"<DescribeSnapshotsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>2</requestId><snapshotSet><item><snapshotId>snap-2</snapshotId></item></snapshotSet></DescribeSnapshotsResponse>"#;
    let (endpoint, server) = answer_with(vec![(200, PAGE_1), (200, PAGE_2)]);
    let api = single_attempt(&endpoint);
    assert_eq!(api.public_snapshots().await.unwrap(), ["snap-1", "snap-2"]);
    let requests = server.join().unwrap();
    for request in &requests {
        assert!(request.contains("Action=DescribeSnapshots"), "{request}");
        assert!(request.contains("Owner.1=self"), "{request}");
        assert!(request.contains("RestorableBy.1=all"), "{request}");
    }
    assert!(!requests[0].contains("NextToken"));
    assert!(requests[1].contains("NextToken=page-2"), "{}", requests[1]);
}

/// A header of a request `answer_with` read (any case), and its body.
fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    request.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

fn body(request: &str) -> &str {
    request.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// Checks a JSON 1.1 request: `POST /`, its content type, target, signing scope and body.
fn assert_json_call(request: &str, target: &str, scope: &str, expected_body: &str) {
    assert!(request.starts_with("POST / HTTP/1.1\r\n"), "{request}");
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-amz-json-1.1"),
        "{request}"
    );
    assert_eq!(header(request, "x-amz-target"), Some(target), "{request}");
    assert!(
        header(request, "authorization").is_some_and(|a| a.contains(scope)),
        "{request}"
    );
    assert_eq!(body(request), expected_body);
}

#[tokio::test(flavor = "current_thread")]
async fn a_shadow_trail_is_asked_after_in_its_home_region_as_the_model_says() {
    const TARGET: &str = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101";
    const ARN: &str = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org";
    let (endpoint, server) = answer_with(vec![
        (
            200,
            r#"{"trailList":[{"Name":"org","TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org","HomeRegion":"us-east-1","IsMultiRegionTrail":true,"IsOrganizationTrail":false}]}"#,
        ),
        (
            200,
            r#"{"IsLogging":true,"LatestDeliveryTime":1.780315200123E9,"TimeLoggingStarted":"2026-06-01T12:00:00Z"}"#,
        ),
        (
            200,
            r#"{"TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org","AdvancedEventSelectors":[{"Name":"m","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}]}"#,
        ),
    ]);
    let trails = single_attempt(&endpoint).trails().await.unwrap();
    assert_eq!(
        trails,
        [TrailState {
            name: "org".into(),
            arn: Some(ARN.into()),
            home_region: Some("us-east-1".into()),
            multi_region: true,
            logging: true,
            all_management_events: true,
        }]
    );
    let requests = server.join().unwrap();
    assert_json_call(
        &requests[0],
        &format!("{TARGET}.DescribeTrails"),
        &format!("/{REGION}/cloudtrail/aws4_request"),
        r#"{"includeShadowTrails":true}"#,
    );
    assert_json_call(
        &requests[1],
        &format!("{TARGET}.GetTrailStatus"),
        "/us-east-1/cloudtrail/aws4_request",
        &format!(r#"{{"Name":"{ARN}"}}"#),
    );
    assert_json_call(
        &requests[2],
        &format!("{TARGET}.GetEventSelectors"),
        "/us-east-1/cloudtrail/aws4_request",
        &format!(r#"{{"TrailName":"{ARN}"}}"#),
    );
}

#[tokio::test(flavor = "current_thread")]
async fn secrets_are_listed_page_by_page_as_the_model_says() {
    let (endpoint, server) = answer_with(vec![
        (
            200,
            r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-AbCdEf","Name":"a","CreatedDate":1.7E9}],"NextToken":"page+2/="}"#,
        ),
        (
            200,
            r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:b-AbCdEf","Name":"b","RotationEnabled":true,"LastRotatedDate":1780315200.5}]}"#,
        ),
    ]);
    let secrets = single_attempt(&endpoint).secrets().await.unwrap();
    let names: Vec<&str> = secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(secrets[0].created, Timestamp::from_epoch(1.7e9));
    assert!(secrets[1].rotation_enabled);
    assert_eq!(
        secrets[1].last_rotated,
        Timestamp::from_epoch(1_780_315_200.5)
    );
    let requests = server.join().unwrap();
    let scope = format!("/{REGION}/secretsmanager/aws4_request");
    assert_json_call(
        &requests[0],
        "secretsmanager.ListSecrets",
        &scope,
        r#"{"MaxResults":100}"#,
    );
    assert_json_call(
        &requests[1],
        "secretsmanager.ListSecrets",
        &scope,
        r#"{"MaxResults":100,"NextToken":"page+2/="}"#,
    );
}

#[tokio::test(flavor = "current_thread")]
async fn log_groups_are_listed_page_by_page_as_the_model_says() {
    let (endpoint, server) = answer_with(vec![
        (
            200,
            r#"{"logGroups":[{"logGroupName":"/a","arn":"arn:aws:logs:eu-west-1:111122223333:log-group:/a:*","creationTime":1700000000000,"retentionInDays":7}],"nextToken":"page-2"}"#,
        ),
        (
            200,
            r#"{"logGroups":[{"logGroupName":"/b","logGroupArn":"arn:aws:logs:eu-west-1:111122223333:log-group:/b","logGroupClass":"INFREQUENT_ACCESS"}]}"#,
        ),
    ]);
    let items = single_attempt(&endpoint)
        .listed_items(Need::LogGroups, ACCOUNT_ID, observed())
        .await
        .unwrap();
    let groups = views(&items);
    let arns: Vec<Option<&str>> = groups.iter().map(|(i, _)| i.arn.as_deref()).collect();
    assert_eq!(
        arns,
        [
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:/a"),
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:/b")
        ]
    );
    let Resource::LogsLogGroup(a) = &groups[0].1 else {
        panic!("not a log group: {:?}", groups[0].1)
    };
    assert_eq!(a.retention_in_days, Some(7));
    let requests = server.join().unwrap();
    let scope = format!("/{REGION}/logs/aws4_request");
    let target = "Logs_20140328.DescribeLogGroups";
    assert_json_call(&requests[0], target, &scope, r#"{"limit":50}"#);
    assert_json_call(
        &requests[1],
        target,
        &scope,
        r#"{"nextToken":"page-2","limit":50}"#,
    );
}

#[tokio::test(flavor = "current_thread")]
async fn detectors_are_listed_page_by_page_then_each_is_read() {
    let (endpoint, server) = answer_with(vec![
        (200, r#"{"detectorIds":["d1"],"nextToken":"page+2/="}"#),
        (200, r#"{"detectorIds":["d2"]}"#),
        (
            200,
            r#"{"serviceRole":"arn:aws:iam::111122223333:role/gd","status":"ENABLED","tags":{}}"#,
        ),
        (
            200,
            r#"{"serviceRole":"arn:aws:iam::111122223333:role/gd","status":"DISABLED"}"#,
        ),
    ]);
    let detectors = single_attempt(&endpoint).detectors().await.unwrap();
    let states: Vec<(&str, bool)> = detectors
        .iter()
        .map(|d| (d.id.as_str(), d.enabled))
        .collect();
    assert_eq!(states, [("d1", true), ("d2", false)]);
    let requests = server.join().unwrap();
    let lines: Vec<&str> = requests.iter().map(|r| r.lines().next().unwrap()).collect();
    assert_eq!(
        lines,
        [
            "GET /detector HTTP/1.1",
            "GET /detector?nextToken=page%2B2%2F%3D HTTP/1.1",
            "GET /detector/d1 HTTP/1.1",
            "GET /detector/d2 HTTP/1.1",
        ]
    );
    for request in &requests {
        assert!(
            header(request, "authorization")
                .is_some_and(|a| a.contains(&format!("/{REGION}/guardduty/aws4_request"))),
            "{request}"
        );
        assert_eq!(header(request, "x-amz-target"), None, "{request}");
        assert_eq!(body(request), "");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_detector_that_cannot_be_read_fails_the_fact() {
    let (endpoint, server) = answer_with(vec![
        (200, r#"{"detectorIds":["d1"]}"#),
        (
            400,
            r#"{"__type":"BadRequestException","message":"The request is rejected because the input detectorId is not owned by the current account."}"#,
        ),
    ]);
    let err = single_attempt(&endpoint).detectors().await.unwrap_err();
    assert_eq!(err.operation, "guardduty:GetDetector", "{err}");
    assert!(err.is("BadRequestException") && !err.retryable, "{err}");
    server.join().unwrap();
}
