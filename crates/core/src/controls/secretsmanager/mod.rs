pub mod rotated_recently;
pub mod rotation_enabled;
