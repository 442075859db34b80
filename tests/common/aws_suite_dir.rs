//! The package's build script (Cargo.toml `build`), there for the tests: the
//! library reads nothing it sets. It finds the AWS signing test suite shipped
//! by the aws-sigv4 version pinned in Cargo.lock and gives its directory to
//! the tests as `AWS_SIGNING_SUITE_DIR`. A build script rather than a lookup
//! at run time, because tests/wasm.rs runs in Node and in a browser, where no
//! file can be read: it embeds the suite's files when it is compiled.
//!
//! The rule, the same as the JS tests' (tests/js/support/aws-suite.mjs): the
//! `version` of the one `[[package]] name = "aws-sigv4"` in Cargo.lock, then
//! `$CARGO_HOME/registry/src/*/aws-sigv4-<version>/aws-signing-test-suite`
//! (`CARGO_HOME` defaults to `~/.cargo`), never the newest version there.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=CARGO_HOME");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock = std::fs::read_to_string(Path::new(&manifest_dir).join("Cargo.lock")).unwrap_or_default();
    // Not found: the library still builds, and the tests that need the suite fail to compile, saying why.
    if let Some(dir) = pinned_version(&lock).and_then(|version| suite_dir(&version)) {
        println!("cargo:rustc-env=AWS_SIGNING_SUITE_DIR={}", dir.display());
    }
}

/// The version of aws-sigv4 in Cargo.lock, if it pins exactly one.
fn pinned_version(lock: &str) -> Option<String> {
    let mut versions = lock.split("[[package]]").filter_map(|package| {
        let value = |key: &str| {
            package.lines().find_map(|line| {
                let rest = line.trim().strip_prefix(key)?.trim_start().strip_prefix('=')?;
                Some(rest.trim().trim_matches('"').to_owned())
            })
        };
        (value("name").as_deref() == Some("aws-sigv4")).then(|| value("version")).flatten()
    });
    let version = versions.next()?;
    versions.next().is_none().then_some(version)
}

fn suite_dir(version: &str) -> Option<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))?;
    let mut registries: Vec<PathBuf> = std::fs::read_dir(cargo_home.join("registry/src"))
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    registries.sort();
    registries
        .into_iter()
        .map(|registry| registry.join(format!("aws-sigv4-{version}/aws-signing-test-suite")))
        .find(|dir| dir.is_dir())
}
