pub mod audit_logging;
pub mod private_endpoint;
pub mod secrets_encrypted;
pub mod supported_version;
