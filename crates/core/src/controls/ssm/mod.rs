pub mod managed_instance;
pub mod patch_compliance;
