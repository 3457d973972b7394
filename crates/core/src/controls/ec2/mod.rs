mod world_ports;

pub mod attached_volume_encrypted;
pub mod default_security_group_closed;
pub mod restricted_ssh;
