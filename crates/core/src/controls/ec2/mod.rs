mod world_ports;

pub mod restricted_ssh;
