//! The control catalog: one explicit list, sorted by id (service, then number; project ids last).

use crate::control::Control;
use crate::controls::*;

/// Every control, in id order.
pub static CONTROLS: &[&Control] = &[
    &cloudtrail::kms_encryption::CONTROL,
    &cloudtrail::log_file_validation::CONTROL,
    &cloudtrail::cloudwatch_logs::CONTROL,
    &dynamodb::point_in_time_recovery::CONTROL,
    &dynamodb::deletion_protection::CONTROL,
    &ec2::restricted_ssh::CONTROL,
    &elasticache::automatic_backups::CONTROL,
    &elasticache::auto_minor_version_upgrade::CONTROL,
    &elasticache::encrypted_at_rest::CONTROL,
    &elasticache::encrypted_in_transit::CONTROL,
    &rds::not_publicly_accessible::CONTROL,
    &rds::storage_encrypted::CONTROL,
    &rds::deletion_protection::CONTROL,
    &rds::automatic_backups::CONTROL,
    &rds::auto_minor_version_upgrade::CONTROL,
    &s3::public_read::CONTROL,
    &secretsmanager::rotation_enabled::CONTROL,
];

/// Finds a control by id, case-insensitively.
pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}
