//! Helpers shared by the end-to-end and conformance tests.

use std::path::PathBuf;

/// The shared directory beside the checkout (`../shared`), or `OURSIDE_SHARED_DIR`.
/// Missing is a hard failure: these tests must never pass by finding nothing to test.
pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("OURSIDE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    assert!(
        dir.join("corpus").is_dir(),
        "{}: the shared corpus is missing (expected ../shared beside the checkout, or set OURSIDE_SHARED_DIR)",
        dir.display()
    );
    dir
}

pub mod planted;
