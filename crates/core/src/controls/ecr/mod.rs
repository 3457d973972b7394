pub mod scan_on_push;
pub mod tag_immutability;
