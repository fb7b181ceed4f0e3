//! A newcomer's first hour on a headless machine: the window, started where a runtime library
//! it needs is missing, ends with one message naming the library and its Debian package (exit
//! 1), never a panic. The library is hidden in a private mount namespace (an empty file bound
//! over it), so this needs `unshare` with mount rights: CI runs it (`--ignored`).

use std::process::Command;

fn hidden_library_run(library: &str) -> std::process::Output {
    let found = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"]
        .iter()
        .map(|d| std::path::Path::new(d).join(library))
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "{library} is not installed here: apt-get install xvfb (it brings the X libraries)"
            )
        });
    let data = tempfile::tempdir().expect("tempdir");
    let script = format!(
        "mount --bind /dev/null {lib} && exec {bin} ui --camera none",
        lib = found.display(),
        bin = env!("CARGO_BIN_EXE_smartstore"),
    );
    Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c", &script])
        .env("SMARTSTORE_DATA_DIR", data.path())
        .env("SMARTSTORE_LANG", "en")
        // A display is named (none is reached: the check comes first).
        .env("DISPLAY", ":97")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("unshare (util-linux)")
}

#[test]
#[ignore = "needs a private mount namespace (unshare --mount --map-root-user) and the X libraries; CI runs it with --ignored"]
fn a_missing_runtime_library_is_named_with_its_package_not_a_panic() {
    for (library, package) in [
        ("libXcursor.so.1", "libxcursor1"),
        ("libXi.so.6", "libxi6"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ] {
        let out = hidden_library_run(library);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("mount:") && !err.contains("unshare:"),
            "the namespace could not be made: {err}"
        );
        assert_eq!(out.status.code(), Some(1), "{library}: {err}");
        assert!(err.contains(library), "{library}: {err}");
        assert!(
            err.contains(&format!("apt-get install {package}")),
            "{library}: {err}"
        );
        assert!(!err.contains("panicked"), "{library}: {err}");
    }
}
