pub mod rotation_enabled;
