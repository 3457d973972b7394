mod credentials;
pub(in crate::controls) mod customer_policy;
mod root;

pub mod access_keys_rotated;
pub mod console_users_mfa;
pub mod no_full_admin_policy;
pub mod no_service_wildcard_actions;
pub mod root_hardware_mfa;
pub mod root_mfa;
pub mod root_no_access_keys;
pub mod strong_password_policy;
pub mod trust_policy_not_open;
pub mod unused_credentials;
pub mod users_without_policies;
