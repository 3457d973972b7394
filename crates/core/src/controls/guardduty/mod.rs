pub mod detector_enabled;
