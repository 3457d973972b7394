pub mod deletion_protection;
pub mod point_in_time_recovery;
