//! The declared `rust-version` (MSRV) against what the build really needs. Only
//! one toolchain is available to CI, so the MSRV cannot be built; instead every
//! locked dependency built for this host must declare a `rust-version` no newer
//! than ours (clippy's `incompatible_msrv` covers our own use of std).

use std::process::Command;

/// "1.89" or "1.88.0" as comparable numbers; missing parts count as 0.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text
        .split('.')
        .map(|p| {
            p.parse()
                .unwrap_or_else(|_| panic!("not a version: {text}"))
        })
        .collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn versions_compare_numerically() {
    assert!(version("1.100") > version("1.89"));
    assert_eq!(version("1.89"), version("1.89.0"));
    assert!(version("1.88.1") < version("1.89"));
}

#[test]
fn no_dependency_needs_a_newer_rust_than_we_declare() {
    let ours = env!("CARGO_PKG_RUST_VERSION");
    assert!(!ours.is_empty(), "Cargo.toml declares no rust-version");
    // Dependencies of this host only: other platforms' crates are not downloaded.
    let rustc = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    let rustc = String::from_utf8_lossy(&rustc.stdout).into_owned();
    let host = rustc
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap_or_else(|| panic!("no host in rustc -vV: {rustc}"));
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", host])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    assert!(packages.len() > 50, "the whole dependency graph is listed");
    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > version(ours)).then(|| {
                format!(
                    "{} {} needs {needs}",
                    p["name"].as_str().unwrap_or("?"),
                    p["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        too_new.is_empty(),
        "rust-version is {ours}, but: {too_new:?} (raise rust-version, or keep the older dependency)"
    );
}
