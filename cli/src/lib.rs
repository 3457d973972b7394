//! The `ourside` command line, as a library so tests drive exactly what users run.

pub mod catalog;
pub mod render;
pub mod scan;
pub mod template;

/// The bundled example account (`examples/account/*.json`), scanned when no path is given.
pub mod examples {
    include!(concat!(env!("OUT_DIR"), "/examples.rs"));
}
