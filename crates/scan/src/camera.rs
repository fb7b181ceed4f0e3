//! Webcams: V4L2 on Linux through `linuxvideo` (pure Rust: nothing to bind at build time, no
//! libclang), nokhwa on macOS and Windows.
//!
//! The camera is asked for 1280x720 at 30 fps, else the closest it offers; frames are turned
//! into luma here (YUYV: the Y bytes; MJPEG: decoded as greyscale), so the decoder never sees
//! colour.

use crate::source::{CameraSpec, FrameSource, SourceError};

/// One camera the system offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraInfo {
    pub index: String,
    pub name: String,
    pub description: String,
    /// "1280x720 MJPEG 30fps", …; empty when the camera could not be asked.
    pub formats: Vec<String>,
}

#[cfg(all(feature = "camera", target_os = "linux"))]
mod v4l2;
#[cfg(all(feature = "camera", target_os = "linux"))]
use v4l2 as imp;

#[cfg(all(feature = "camera", not(target_os = "linux")))]
mod nokhwa;
#[cfg(all(feature = "camera", not(target_os = "linux")))]
use self::nokhwa as imp;

/// Opens the webcam `spec` names.
#[cfg(feature = "camera")]
pub fn open(spec: &CameraSpec) -> Result<Box<dyn FrameSource>, SourceError> {
    imp::open(spec)
}

/// The cameras the system offers, with their formats.
#[cfg(feature = "camera")]
pub fn list() -> Result<Vec<CameraInfo>, String> {
    imp::list()
}

#[cfg(not(feature = "camera"))]
pub fn open(_spec: &CameraSpec) -> Result<Box<dyn FrameSource>, SourceError> {
    Err(SourceError::Fatal(
        "this build has no camera support (built without the 'camera' feature); use --camera replay:DIR".into(),
    ))
}

#[cfg(not(feature = "camera"))]
pub fn list() -> Result<Vec<CameraInfo>, String> {
    Err("this build has no camera support (built without the 'camera' feature)".into())
}
