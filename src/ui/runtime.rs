//! What the window needs from the system at run time: the X11 or Wayland client libraries that
//! the windowing layer opens with `dlopen` when it starts. Checked before the window opens, so a
//! missing one ends with one clear message naming the library and its Debian package (exit 1),
//! never a panic from deep inside the toolkit.

use std::path::{Path, PathBuf};

/// (library, Debian package) the X11 backend opens.
pub const X11_LIBRARIES: &[(&str, &str)] = &[
    ("libX11.so.6", "libx11-6"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libXcursor.so.1", "libxcursor1"),
    ("libXrandr.so.2", "libxrandr2"),
    ("libXi.so.6", "libxi6"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
];

/// (library, Debian package) the Wayland backend opens.
pub const WAYLAND_LIBRARIES: &[(&str, &str)] = &[
    ("libwayland-client.so.0", "libwayland-client0"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
];

/// A runtime library the window cannot do without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub library: &'static str,
    pub package: &'static str,
}

/// The folders the dynamic loader searches: `LD_LIBRARY_PATH`, the folders of
/// `/etc/ld.so.conf` (and its includes), then the default ones.
pub fn library_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    conf_dirs(Path::new("/etc/ld.so.conf"), &mut dirs, 0);
    for d in [
        "/lib/x86_64-linux-gnu",
        "/usr/lib/x86_64-linux-gnu",
        "/lib/aarch64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/lib64",
        "/usr/lib64",
        "/lib",
        "/usr/lib",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

fn conf_dirs(file: &Path, dirs: &mut Vec<PathBuf>, depth: u32) {
    if depth > 4 {
        return;
    }
    let Ok(text) = std::fs::read_to_string(file) else {
        return;
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(pattern) = line.strip_prefix("include") {
            // `include /etc/ld.so.conf.d/*.conf`: the files of that folder ending so.
            let pattern = pattern.trim();
            let (dir, suffix) = match pattern.rsplit_once("/*") {
                Some((d, s)) => (PathBuf::from(d), s.to_owned()),
                None => {
                    conf_dirs(Path::new(pattern), dirs, depth + 1);
                    continue;
                }
            };
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.to_string_lossy().ends_with(&suffix))
                .collect();
            files.sort();
            for f in files {
                conf_dirs(&f, dirs, depth + 1);
            }
        } else {
            dirs.push(PathBuf::from(line));
        }
    }
}

/// Whether `library` is in one of `dirs` as a loadable file (an ELF shared object, not an
/// empty file or a dangling link).
pub fn loadable(library: &str, dirs: &[PathBuf]) -> bool {
    dirs.iter().any(|d| {
        let mut head = [0u8; 4];
        std::fs::File::open(d.join(library))
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
            .is_ok_and(|()| head == *b"\x7fELF")
    })
}

/// The libraries missing for the backend the session offers (Wayland when `WAYLAND_DISPLAY`
/// is set, else X11).
pub fn missing_libraries(wayland: bool, dirs: &[PathBuf]) -> Vec<Missing> {
    let wanted = if wayland {
        WAYLAND_LIBRARIES
    } else {
        X11_LIBRARIES
    };
    wanted
        .iter()
        .filter(|(lib, _)| !loadable(lib, dirs))
        .map(|(library, package)| Missing { library, package })
        .collect()
}

/// The message for missing libraries: each one with its package, and the one command that
/// installs them all.
pub fn missing_message(missing: &[Missing]) -> String {
    let mut packages: Vec<&str> = missing.iter().map(|m| m.package).collect();
    packages.dedup();
    format!(
        "the window cannot open: {} missing; install with: sudo apt-get install {} \
         (the command-line tools need none of them: smartstore --help)",
        missing
            .iter()
            .map(|m| format!("{} (package {})", m.library, m.package))
            .collect::<Vec<_>>()
            .join(", "),
        packages.join(" ")
    )
}

/// A panic from the windowing layer that names a shared library: the library and its package,
/// when we know it.
pub fn library_in_panic(message: &str) -> Option<Missing> {
    // The longest name that matches: libxkbcommon-x11 before libxkbcommon.
    X11_LIBRARIES
        .iter()
        .chain(WAYLAND_LIBRARIES)
        .map(|(lib, package)| (lib.split(".so").next().unwrap_or(lib), *lib, *package))
        .filter(|(stem, _, _)| message.contains(stem))
        .max_by_key(|(stem, _, _)| stem.len())
        .map(|(_, library, package)| Missing { library, package })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_library_is_loadable_only_as_a_real_shared_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dirs = vec![dir.path().to_owned()];
        assert!(!loadable("libXcursor.so.1", &dirs));
        std::fs::write(dir.path().join("libXcursor.so.1"), b"").expect("empty");
        assert!(!loadable("libXcursor.so.1", &dirs), "an empty file");
        std::fs::write(dir.path().join("libXcursor.so.1"), b"\x7fELF\x02\x01").expect("elf");
        assert!(loadable("libXcursor.so.1", &dirs));
        let missing = missing_libraries(false, &dirs);
        assert!(missing.iter().all(|m| m.library != "libXcursor.so.1"));
        assert!(missing.iter().any(|m| m.package == "libxi6"));
        let text = missing_message(&missing);
        assert!(text.contains("libXi.so.6 (package libxi6)"), "{text}");
        assert!(text.contains("sudo apt-get install libx11-6"), "{text}");
    }

    #[test]
    fn a_panic_naming_a_library_is_told_with_its_package() {
        let m = library_in_panic(
            "Failed to initialize any backend! X11 error: libXcursor.so.1: cannot open shared object file",
        )
        .expect("found");
        assert_eq!(m.package, "libxcursor1");
        assert_eq!(
            library_in_panic("Library libxkbcommon.so could not be loaded.").map(|m| m.package),
            Some("libxkbcommon0")
        );
        assert_eq!(
            library_in_panic("libxkbcommon-x11.so.0: cannot open").map(|m| m.package),
            Some("libxkbcommon-x11-0")
        );
        assert_eq!(library_in_panic("index out of bounds"), None);
    }
}
