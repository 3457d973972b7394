mod exposure;

pub mod public_read;
pub mod public_write;
