mod decrypt_all_keys;

pub mod customer_policy_no_decrypt_all_keys;
pub mod inline_policy_no_decrypt_all_keys;
pub mod key_not_pending_deletion;
pub mod key_rotation_enabled;
