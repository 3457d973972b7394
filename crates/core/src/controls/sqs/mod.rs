pub mod encryption_at_rest;
