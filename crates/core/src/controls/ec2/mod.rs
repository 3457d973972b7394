mod instances;
mod world_ports;

pub mod attached_volume_encrypted;
pub mod authorized_world_ports;
pub mod default_security_group_closed;
pub mod ebs_encryption_by_default;
pub mod imdsv2_required;
pub mod nacl_no_world_ssh_rdp;
pub mod no_public_ipv4;
pub mod no_public_snapshots;
pub mod restricted_high_risk_ports;
pub mod restricted_rdp;
pub mod restricted_ssh;
pub mod vpc_flow_logging;
