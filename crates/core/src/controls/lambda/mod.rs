pub mod environment_secrets;
pub mod failure_destination;
pub mod policy_not_public;
pub mod supported_runtime;
