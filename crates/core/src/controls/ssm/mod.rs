pub mod patch_compliance;
