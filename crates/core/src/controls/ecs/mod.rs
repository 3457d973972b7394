mod revision;

pub mod no_environment_secrets;
pub mod non_privileged;
pub mod read_only_root;
