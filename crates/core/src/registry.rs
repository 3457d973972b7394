//! The control catalog: one explicit list, sorted by id (service, then number; project ids last).

use crate::control::Control;
use crate::controls::*;

/// Every control, in id order.
pub static CONTROLS: &[&Control] = &[
    &ec2::restricted_ssh::CONTROL,
    &ecr::scan_on_push::CONTROL,
    &ecr::tag_immutability::CONTROL,
    &ecs::non_privileged::CONTROL,
    &ecs::read_only_root::CONTROL,
    &ecs::no_environment_secrets::CONTROL,
    &eks::private_endpoint::CONTROL,
    &eks::supported_version::CONTROL,
    &eks::secrets_encrypted::CONTROL,
    &eks::audit_logging::CONTROL,
    &lambda::policy_not_public::CONTROL,
    &lambda::supported_runtime::CONTROL,
    &s3::public_read::CONTROL,
];

/// Finds a control by id, case-insensitively.
pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}
