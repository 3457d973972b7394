pub mod cloudwatch_logs;
pub mod kms_encryption;
pub mod log_file_validation;
pub mod multi_region_trail;
