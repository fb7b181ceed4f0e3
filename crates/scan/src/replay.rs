//! `replay:DIR[@FPS]`: the images of a folder, in name order, in a loop, as if from a camera.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::frame::LumaFrame;
use super::source::{FrameSource, SourceError};

const EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "webp", "bmp", "gif", "pgm"];
/// Each image is shown for this many frames in a row, like a product held up to a camera (a
/// live 1D read is only trusted once two frames agree).
pub const HOLD_FRAMES: usize = 3;
/// Decoded frames are kept (so a loop does not decode JPEGs again) up to this many bytes.
const CACHE_BYTES: usize = 256 * 1024 * 1024;

pub struct ReplaySource {
    dir: PathBuf,
    files: Vec<PathBuf>,
    cache: Vec<Option<LumaFrame>>,
    cached_bytes: usize,
    next: usize,
    shown: usize,
    period: Duration,
    due: Option<Instant>,
    bad_in_a_row: usize,
}

impl ReplaySource {
    pub fn open(dir: &Path, fps: f32) -> Result<ReplaySource, SourceError> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            SourceError::Fatal(format!("cannot read replay folder {}: {e}", dir.display()))
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension()
                        .and_then(|e| e.to_str())
                        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(SourceError::Fatal(format!(
                "replay folder {} has no images ({})",
                dir.display(),
                EXTENSIONS.join(", ")
            )));
        }
        let fps = if fps.is_finite() && fps > 0.0 {
            fps
        } else {
            super::source::DEFAULT_REPLAY_FPS
        };
        Ok(ReplaySource {
            dir: dir.to_owned(),
            cache: vec![None; files.len()],
            files,
            cached_bytes: 0,
            next: 0,
            shown: 0,
            period: Duration::from_secs_f32(1.0 / fps),
            due: None,
            bad_in_a_row: 0,
        })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl FrameSource for ReplaySource {
    fn describe(&self) -> String {
        format!(
            "replay:{} ({} images)",
            self.dir.display(),
            self.files.len()
        )
    }

    fn interval(&self) -> Option<Duration> {
        Some(self.period)
    }

    fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
        loop {
            let now = Instant::now();
            match self.due {
                Some(due) if due > now => std::thread::sleep(due - now),
                _ => {}
            }
            self.due = Some(self.due.map_or(now, |d| d.max(now - self.period)) + self.period);
            let i = self.next;
            self.shown += 1;
            if self.shown >= HOLD_FRAMES {
                self.shown = 0;
                self.next = (self.next + 1) % self.files.len();
            }
            if let Some(f) = &self.cache[i] {
                self.bad_in_a_row = 0;
                return Ok(f.clone());
            }
            match LumaFrame::open(&self.files[i]) {
                Ok(f) => {
                    self.bad_in_a_row = 0;
                    if self.cached_bytes + f.data().len() <= CACHE_BYTES {
                        self.cached_bytes += f.data().len();
                        self.cache[i] = Some(f.clone());
                    }
                    return Ok(f);
                }
                Err(e) => {
                    self.shown = 0;
                    self.next = (i + 1) % self.files.len();
                    tracing::warn!("replay: skipping {}: {e}", self.files[i].display());
                    self.bad_in_a_row += 1;
                    if self.bad_in_a_row >= self.files.len() {
                        return Err(SourceError::Fatal(format!(
                            "no image in replay folder {} could be read",
                            self.dir.display()
                        )));
                    }
                }
            }
        }
    }
}
