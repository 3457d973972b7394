pub mod kms_encryption;
