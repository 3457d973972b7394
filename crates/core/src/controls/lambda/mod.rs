pub mod policy_not_public;
pub mod supported_runtime;
