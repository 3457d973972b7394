pub mod recorder_enabled;
