//! Spoken prompts and totals for the kiosk (European Accessibility Act: a self-service terminal
//! speaks without the shopper plugging anything in). The speech engine is Debian's espeak-ng,
//! reached at run time as a program (no library at build time: the `tts` crate's Linux backend
//! needs speech-dispatcher's headers and libclang to build). Without it, the kiosk says once in
//! the log what to install and goes on silently.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::i18n::Lang;

/// The program that speaks.
pub const ENGINE: &str = "espeak-ng";

/// The longest text spoken at once (a prompt or a total, never a whole screen).
pub const MAX_CHARS: usize = 400;

/// Why nothing was said.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("no speech: {ENGINE} cannot be started ({0}); install Debian's espeak-ng")]
    NoEngine(std::io::Error),
    #[error("{ENGINE} failed: {0}")]
    Failed(String),
}

/// The espeak-ng voice of a language.
pub fn voice(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "cmn",
        Lang::En => "en",
    }
}

fn command(text: &str, lang: Lang, wav: Option<&Path>) -> Command {
    let mut cmd = Command::new(ENGINE);
    // A little slower than the default, for a noisy shop floor.
    cmd.args(["-v", voice(lang), "-s", "150"]);
    if let Some(path) = wav {
        cmd.arg("-w").arg(path);
    }
    cmd.arg("--")
        .arg(text.chars().take(MAX_CHARS).collect::<String>())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Renders `text` spoken in `lang` to a WAV file (the tests measure it; a technician can listen).
pub fn render_wav(text: &str, lang: Lang, path: &Path) -> Result<(), SpeechError> {
    let out = command(text, lang, Some(path))
        .output()
        .map_err(SpeechError::NoEngine)?;
    if !out.status.success() {
        return Err(SpeechError::Failed(
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        ));
    }
    Ok(())
}

/// Says `text` aloud without waiting; the window never blocks on speech. A missing engine is
/// logged once.
pub fn say(text: &str, lang: Lang) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    if text.trim().is_empty() {
        return;
    }
    // Nothing reads its messages (a machine without a sound card prints ALSA's): dropped.
    match command(text, lang, None).stderr(Stdio::null()).spawn() {
        Ok(mut child) => {
            // Reaped off the window's thread.
            let _ = std::thread::Builder::new()
                .name("speech".into())
                .spawn(move || {
                    let _ = child.wait();
                });
        }
        Err(e) => {
            if !WARNED.swap(true, Ordering::Relaxed) {
                tracing::warn!("{}", SpeechError::NoEngine(e));
            }
        }
    }
}
