mod deny_scope;
mod exposure;

pub mod access_logging;
pub mod account_public_access_block;
pub mod bucket_public_access_block;
pub mod cross_account_actions;
pub mod default_encryption;
pub mod public_read;
pub mod public_write;
pub mod tls_required;
pub mod versioning;
