//! Test-only helpers shared by the integration tests and the benchmarks of every crate: demo
//! orders, the crash harness, the fault proxy, the scene renderer, the shopper-code vectors and
//! a throwaway PostgreSQL cluster.
//! Nothing in the product depends on this crate.

pub mod areas;
pub mod code_vectors;
#[cfg(feature = "terminal")]
pub mod crash;
pub mod live;
pub mod postgres;
pub mod printer;
pub mod proxy;
pub mod relay;
#[cfg(feature = "terminal")]
pub mod restore_clone;
pub mod scene;

#[cfg(feature = "terminal")]
mod demo;

/// The `smartstore-hub` binary of this build, for the terminal's tests that need a platform
/// process. Cargo names only a package's own binaries to its tests; `cargo test` at the top of
/// the workspace builds the hub's binary beside them.
pub fn hub_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // target/<profile>/deps/<test> → target/<profile>/smartstore-hub
    let dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("the test runs from target/<profile>/deps");
    let bin = dir.join(format!("smartstore-hub{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run the tests with `cargo test` at the top of the workspace, or build it first with `cargo build -p smartstore-hub`",
        bin.display()
    );
    bin
}
#[cfg(feature = "terminal")]
pub use demo::{DEMO_GTINS, demo_draft, open_demo};

/// The reference platform in this process on a free loopback port, on the database at `db`.
#[cfg(feature = "terminal")]
pub fn spawn_hub(db: &std::path::Path) -> std::net::SocketAddr {
    smartstore_hub::server::spawn(
        smartstore_hub::db::HubDb::open(db).expect("hub db"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .expect("hub")
}

/// A finished command's status, standard output and standard error, for an assertion message.
pub fn output_text(out: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
