pub mod auto_minor_version_upgrade;
pub mod automatic_backups;
pub mod deletion_protection;
pub mod not_publicly_accessible;
pub mod storage_encrypted;
