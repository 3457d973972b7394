//! Embeds the example account (`examples/account/*.json`) so `ourside scan` works with no input.

use std::fs;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: a build directory shared between
    // clones may reuse this script's binary from another checkout.
    let manifest_dir =
        std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR set by cargo");
    let dir = Path::new(&manifest_dir).join("../examples/account");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("examples/account exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut code = String::from("/// The bundled example account: (path shown to users, contents).\npub static EXAMPLES: &[(&str, &str)] = &[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().expect("file name").to_string_lossy();
        let absolute = fs::canonicalize(&path).expect("canonical path");
        code.push_str(&format!(
            "    (\"examples/account/{name}\", include_str!({:?})),\n",
            absolute
        ));
    }
    code.push_str("];\n");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR set by cargo")).join("examples.rs");
    fs::write(out, code).expect("write examples.rs");
}
