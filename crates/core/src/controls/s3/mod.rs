mod exposure;

pub mod public_read;
