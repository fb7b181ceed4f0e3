//! The scan beep: a short tone, where the machine has audio (PulseAudio's `paplay` or ALSA's
//! `aplay`). Silent, and never in the way, where it has none.

use std::path::PathBuf;
use std::sync::{OnceLock, mpsc};

/// A 70 ms, 1.2 kHz tone as a 16-bit mono WAV.
fn wav() -> Vec<u8> {
    const RATE: u32 = 16_000;
    let n = RATE * 70 / 1000;
    let mut pcm = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let t = f64::from(i) / f64::from(RATE);
        // A short fade in and out keeps it from clicking.
        let env = (f64::from(i.min(n - i)) / 160.0).min(1.0);
        let v = (t * 1200.0 * std::f64::consts::TAU).sin() * env * 0.4 * f64::from(i16::MAX);
        pcm.extend_from_slice(&(v as i16).to_le_bytes());
    }
    let mut out = Vec::with_capacity(44 + pcm.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    out.extend_from_slice(&pcm);
    out
}

fn player() -> Option<(&'static str, PathBuf)> {
    static PLAYER: OnceLock<Option<(&'static str, PathBuf)>> = OnceLock::new();
    PLAYER
        .get_or_init(|| {
            let path = std::env::var_os("PATH")?;
            let program = ["paplay", "aplay"]
                .into_iter()
                .find(|p| std::env::split_paths(&path).any(|d| d.join(p).is_file()))?;
            let file =
                std::env::temp_dir().join(format!("smartstore-beep-{}.wav", std::process::id()));
            std::fs::write(&file, wav()).ok()?;
            Some((program, file))
        })
        .clone()
}

/// The beeper thread: plays one beep at a time and waits for each player process, so none is
/// left behind as a zombie. A beep asked for while one plays is dropped.
fn beeper() -> Option<&'static mpsc::SyncSender<()>> {
    static BEEPER: OnceLock<Option<mpsc::SyncSender<()>>> = OnceLock::new();
    BEEPER
        .get_or_init(|| {
            let (program, file) = player()?;
            let (tx, rx) = mpsc::sync_channel::<()>(1);
            std::thread::Builder::new()
                .name("beep".into())
                .spawn(move || {
                    for () in rx {
                        let played = std::process::Command::new(program)
                            .arg(&file)
                            .stdout(std::process::Stdio::null())
                            .stderr(std::process::Stdio::null())
                            .status();
                        if let Err(e) = played {
                            tracing::info!("no beep: {program}: {e}");
                        }
                    }
                })
                .ok()?;
            Some(tx)
        })
        .as_ref()
}

/// Plays the beep without waiting for it.
pub fn beep() {
    if let Some(tx) = beeper() {
        let _ = tx.try_send(());
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tone_is_a_wav() {
        let w = super::wav();
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(&w[8..16], b"WAVEfmt ");
        assert_eq!(w.len(), 44 + 16_000 * 70 / 1000 * 2);
    }
}
