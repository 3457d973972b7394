pub(in crate::controls) mod customer_policy;

pub mod no_full_admin_policy;
pub mod no_service_wildcard_actions;
pub mod trust_policy_not_open;
pub mod users_without_policies;
