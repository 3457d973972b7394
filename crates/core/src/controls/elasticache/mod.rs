pub mod auto_minor_version_upgrade;
pub mod automatic_backups;
pub mod encrypted_at_rest;
pub mod encrypted_in_transit;
