//! Spoken prompts, checked by rendering them to WAV files with the kiosk's own speech path and
//! measuring them with sox: long enough to be the sentence, and not silence.

use smartstore::i18n::{Lang, t};
use smartstore::ui::speech::render_wav;

/// (seconds, RMS amplitude) of a WAV file, read by sox.
fn measure(path: &std::path::Path) -> (f64, f64) {
    let seconds = std::process::Command::new("soxi")
        .arg("-D")
        .arg(path)
        .output()
        .expect("soxi (Debian's sox)");
    let seconds: f64 = String::from_utf8_lossy(&seconds.stdout)
        .trim()
        .parse()
        .expect("a duration");
    let stat = std::process::Command::new("sox")
        .arg(path)
        .args(["-n", "stat"])
        .output()
        .expect("sox");
    // `sox … stat` reports on stderr: "RMS     amplitude:     0.061".
    let report = String::from_utf8_lossy(&stat.stderr);
    let rms = report
        .lines()
        .find(|l| l.starts_with("RMS     amplitude"))
        .and_then(|l| l.split(':').nth(1))
        .and_then(|v| v.trim().parse().ok())
        .expect("an RMS amplitude");
    (seconds, rms)
}

#[test]
#[ignore = "needs Debian's espeak-ng and sox (apt-get install espeak-ng sox); CI runs it with --ignored"]
fn the_kiosk_speaks_its_prompts_in_both_languages() {
    let dir = tempfile::tempdir().expect("tempdir");
    for lang in [Lang::Zh, Lang::En] {
        let path = dir.path().join(format!("{lang:?}.wav"));
        let prompt = format!(
            "{} {}",
            t(lang, "kiosk-scan-hint"),
            t(lang, "kiosk-say-idle")
        );
        render_wav(&prompt, lang, &path).expect("spoken");
        let (seconds, rms) = measure(&path);
        assert!(seconds > 2.0 && seconds < 30.0, "{lang:?}: {seconds} s");
        assert!(rms > 0.01, "{lang:?}: silence (RMS {rms})");
    }
    // A short word is short: the length follows the text.
    let word = dir.path().join("word.wav");
    render_wav("OK", Lang::En, &word).expect("spoken");
    assert!(measure(&word).0 < 1.5);
}
