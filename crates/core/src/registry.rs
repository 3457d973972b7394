//! The control catalog: one explicit list, sorted by id (service, then number; project ids last).

use crate::control::Control;
use crate::controls::*;

/// Every control, in id order.
pub static CONTROLS: &[&Control] = &[
    &ec2::default_security_group_closed::CONTROL,
    &ec2::attached_volume_encrypted::CONTROL,
    &ec2::imdsv2_required::CONTROL,
    &ec2::no_public_ipv4::CONTROL,
    &ec2::restricted_ssh::CONTROL,
    &ec2::restricted_rdp::CONTROL,
    &ec2::authorized_world_ports::CONTROL,
    &ec2::restricted_high_risk_ports::CONTROL,
    &ec2::nacl_no_world_ssh_rdp::CONTROL,
    &s3::public_read::CONTROL,
    &ssm::patch_compliance::CONTROL,
];

/// Finds a control by id, case-insensitively.
pub fn find(id: &str) -> Option<&'static Control> {
    CONTROLS
        .iter()
        .copied()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}
