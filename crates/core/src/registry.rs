//! The control catalog: one explicit list, sorted by id (service, then number; project ids last).

use crate::control::Control;
use crate::controls::*;

/// Every control, in id order.
pub static CONTROLS: &[&Control] = &[
    &apigateway::execution_logging::CONTROL,
    &apigateway::waf_associated::CONTROL,
    &cloudfront::default_root_object::CONTROL,
    &cloudfront::viewer_https::CONTROL,
    &cloudfront::access_logging::CONTROL,
    &cloudfront::waf_associated::CONTROL,
    &cloudtrail::kms_encryption::CONTROL,
    &cloudtrail::log_file_validation::CONTROL,
    &cloudtrail::cloudwatch_logs::CONTROL,
    &cloudwatch::log_retention::CONTROL,
    &dynamodb::point_in_time_recovery::CONTROL,
    &dynamodb::deletion_protection::CONTROL,
    &ec2::no_public_snapshots::CONTROL,
    &ec2::default_security_group_closed::CONTROL,
    &ec2::attached_volume_encrypted::CONTROL,
    &ec2::vpc_flow_logging::CONTROL,
    &ec2::ebs_encryption_by_default::CONTROL,
    &ec2::imdsv2_required::CONTROL,
    &ec2::no_public_ipv4::CONTROL,
    &ec2::restricted_ssh::CONTROL,
    &ec2::restricted_rdp::CONTROL,
    &ec2::authorized_world_ports::CONTROL,
    &ec2::restricted_high_risk_ports::CONTROL,
    &ec2::nacl_no_world_ssh_rdp::CONTROL,
    &ecr::scan_on_push::CONTROL,
    &ecr::tag_immutability::CONTROL,
    &ecs::non_privileged::CONTROL,
    &ecs::read_only_root::CONTROL,
    &ecs::no_environment_secrets::CONTROL,
    &eks::private_endpoint::CONTROL,
    &eks::supported_version::CONTROL,
    &eks::secrets_encrypted::CONTROL,
    &eks::audit_logging::CONTROL,
    &elasticache::automatic_backups::CONTROL,
    &elasticache::auto_minor_version_upgrade::CONTROL,
    &elasticache::encrypted_at_rest::CONTROL,
    &elasticache::encrypted_in_transit::CONTROL,
    &iam::no_full_admin_policy::CONTROL,
    &iam::users_without_policies::CONTROL,
    &iam::no_service_wildcard_actions::CONTROL,
    &iam::trust_policy_not_open::CONTROL,
    &kms::customer_policy_no_decrypt_all_keys::CONTROL,
    &kms::inline_policy_no_decrypt_all_keys::CONTROL,
    &kms::key_not_pending_deletion::CONTROL,
    &kms::key_rotation_enabled::CONTROL,
    &lambda::policy_not_public::CONTROL,
    &lambda::supported_runtime::CONTROL,
    &rds::not_publicly_accessible::CONTROL,
    &rds::storage_encrypted::CONTROL,
    &rds::deletion_protection::CONTROL,
    &rds::automatic_backups::CONTROL,
    &rds::auto_minor_version_upgrade::CONTROL,
    &route53::query_logging::CONTROL,
    &s3::account_public_access_block::CONTROL,
    &s3::public_read::CONTROL,
    &s3::public_write::CONTROL,
    &s3::default_encryption::CONTROL,
    &s3::tls_required::CONTROL,
    &s3::cross_account_actions::CONTROL,
    &s3::bucket_public_access_block::CONTROL,
    &s3::access_logging::CONTROL,
    &s3::versioning::CONTROL,
    &secretsmanager::rotation_enabled::CONTROL,
    &sns::kms_encryption::CONTROL,
    &sqs::encryption_at_rest::CONTROL,
    &ssm::patch_compliance::CONTROL,
];

/// Finds a control by id, case-insensitively.
pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}
