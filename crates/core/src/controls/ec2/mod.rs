mod world_ports;

pub mod default_security_group_closed;
pub mod restricted_ssh;
