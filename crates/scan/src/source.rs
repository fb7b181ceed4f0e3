//! Where frames come from: one trait for the webcam and the image-folder replay.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::frame::LumaFrame;

/// A camera-like producer of luma frames. `next_frame` blocks until a frame is ready (at the
/// source's own pace). Not `Send`: a source is opened and used on the camera thread only.
pub trait FrameSource {
    /// A short name for messages ("replay:demo (12 images)", "/dev/video0 1280x720 MJPEG").
    fn describe(&self) -> String;
    fn next_frame(&mut self) -> Result<LumaFrame, SourceError>;
    /// The time between two frames, when the source knows it (the live decoder spends at
    /// most this on a frame).
    fn interval(&self) -> Option<Duration> {
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Worth retrying: the camera was unplugged, is busy, or a frame was lost.
    #[error("{0}")]
    Unavailable(String),
    /// Retrying will not help (no camera support built in, an empty replay folder, …).
    #[error("{0}")]
    Fatal(String),
}

/// What `--camera SPEC` names: `auto`, a device index, a device path, or `replay:DIR[@FPS]`.
#[derive(Debug, Clone, PartialEq)]
pub enum CameraSpec {
    Auto,
    Index(u32),
    Path(PathBuf),
    Replay { dir: PathBuf, fps: f32 },
}

pub const DEFAULT_REPLAY_FPS: f32 = 10.0;

impl FromStr for CameraSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<CameraSpec, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err(
                "empty camera spec: use auto, a device index, a device path or replay:DIR[@FPS]"
                    .into(),
            );
        }
        if s == "auto" {
            return Ok(CameraSpec::Auto);
        }
        if let Some(rest) = s.strip_prefix("replay:") {
            let (dir, fps) = match rest.rsplit_once('@') {
                Some((d, f)) => {
                    let fps: f32 = f
                        .parse()
                        .map_err(|_| format!("'{f}' in '{s}' is not a frame rate"))?;
                    if !(fps > 0.0 && fps <= 1000.0) {
                        return Err(format!(
                            "frame rate {f} in '{s}' must be between 0 and 1000"
                        ));
                    }
                    (d, fps)
                }
                None => (rest, DEFAULT_REPLAY_FPS),
            };
            if dir.is_empty() {
                return Err(format!("'{s}' names no folder: use replay:DIR[@FPS]"));
            }
            return Ok(CameraSpec::Replay {
                dir: PathBuf::from(dir),
                fps,
            });
        }
        if let Ok(i) = s.parse::<u32>() {
            return Ok(CameraSpec::Index(i));
        }
        Ok(CameraSpec::Path(PathBuf::from(s)))
    }
}

/// Opens the source `spec` names.
pub fn open(spec: &CameraSpec) -> Result<Box<dyn FrameSource>, SourceError> {
    match spec {
        CameraSpec::Replay { dir, fps } => {
            Ok(Box::new(super::replay::ReplaySource::open(dir, *fps)?))
        }
        other => super::camera::open(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table() {
        let ok = [
            ("auto", CameraSpec::Auto),
            ("0", CameraSpec::Index(0)),
            ("2", CameraSpec::Index(2)),
            ("/dev/video1", CameraSpec::Path("/dev/video1".into())),
            (
                "replay:assets/demo-frames",
                CameraSpec::Replay {
                    dir: "assets/demo-frames".into(),
                    fps: DEFAULT_REPLAY_FPS,
                },
            ),
            (
                "replay:frames@30",
                CameraSpec::Replay {
                    dir: "frames".into(),
                    fps: 30.0,
                },
            ),
            (
                "replay:a@b@2.5",
                CameraSpec::Replay {
                    dir: "a@b".into(),
                    fps: 2.5,
                },
            ),
        ];
        for (s, want) in ok {
            assert_eq!(s.parse::<CameraSpec>(), Ok(want), "{s}");
        }
        for bad in [
            "",
            "replay:",
            "replay:x@fast",
            "replay:x@0",
            "replay:x@-3",
            "replay:x@NaN",
            "replay:@5",
        ] {
            assert!(bad.parse::<CameraSpec>().is_err(), "{bad}");
        }
    }
}
