//! Webcams through nokhwa: AVFoundation on macOS, Media Foundation on Windows.

use nokhwa::Camera;
use nokhwa::pixel_format::LumaFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};

use super::{CameraInfo, CameraSpec, FrameSource, SourceError};
use crate::frame::LumaFrame;

fn explain(e: &nokhwa::NokhwaError) -> String {
    let text = e.to_string();
    let lower = text.to_lowercase();
    if lower.contains("permission") || lower.contains("denied") {
        format!(
            "{text} (no permission to use the camera: on Linux add the user to the 'video' group)"
        )
    } else if lower.contains("busy") {
        format!("{text} (another program is using the camera)")
    } else {
        text
    }
}

fn index_of(spec: &CameraSpec) -> Result<CameraIndex, SourceError> {
    match spec {
        CameraSpec::Auto => {
            let list = nokhwa::query(ApiBackend::Auto)
                .map_err(|e| SourceError::Unavailable(explain(&e)))?;
            list.first().map(|c| c.index().clone()).ok_or_else(|| {
                SourceError::Unavailable(
                    "no camera found: plug one in, or use --camera replay:DIR".into(),
                )
            })
        }
        CameraSpec::Index(i) => Ok(CameraIndex::Index(*i)),
        CameraSpec::Path(p) => {
            let s = p.to_string_lossy();
            match s
                .strip_prefix("/dev/video")
                .and_then(|n| n.parse::<u32>().ok())
            {
                Some(n) => Ok(CameraIndex::Index(n)),
                None => Ok(CameraIndex::String(s.into_owned())),
            }
        }
        CameraSpec::Replay { .. } => {
            Err(SourceError::Fatal("a replay folder is not a camera".into()))
        }
    }
}

pub struct WebcamSource {
    camera: Camera,
    described: String,
}

pub fn open(spec: &CameraSpec) -> Result<Box<dyn FrameSource>, SourceError> {
    let index = index_of(spec)?;
    let wanted = CameraFormat::new(Resolution::new(1280, 720), FrameFormat::MJPEG, 30);
    let mut camera = Camera::new(
        index.clone(),
        RequestedFormat::new::<LumaFormat>(RequestedFormatType::Closest(wanted)),
    )
    .or_else(|_| {
        Camera::new(
            index.clone(),
            RequestedFormat::new::<LumaFormat>(RequestedFormatType::AbsoluteHighestFrameRate),
        )
    })
    .map_err(|e| SourceError::Unavailable(format!("camera {index}: {}", explain(&e))))?;
    camera
        .open_stream()
        .map_err(|e| SourceError::Unavailable(format!("camera {index}: {}", explain(&e))))?;
    let f = camera.camera_format();
    let described = format!(
        "camera {} ({}) {}x{} {} {}fps",
        index,
        camera.info().human_name(),
        f.width(),
        f.height(),
        f.format(),
        f.frame_rate()
    );
    Ok(Box::new(WebcamSource { camera, described }))
}

impl FrameSource for WebcamSource {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
        let buf = self
            .camera
            .frame()
            .map_err(|e| SourceError::Unavailable(format!("camera lost: {}", explain(&e))))?;
        let res = buf.resolution();
        let (w, h) = (res.width() as usize, res.height() as usize);
        let raw = buf.buffer();
        let frame = match buf.source_frame_format() {
            FrameFormat::YUYV if raw.len() >= w * h * 2 => {
                LumaFrame::new(w, h, raw.iter().step_by(2).take(w * h).copied().collect())
            }
            FrameFormat::GRAY | FrameFormat::NV12 if raw.len() >= w * h => {
                LumaFrame::new(w, h, raw[..w * h].to_vec())
            }
            FrameFormat::MJPEG => LumaFrame::from_encoded(raw, "camera frame"),
            _ => {
                let img = buf
                    .decode_image::<LumaFormat>()
                    .map_err(|e| SourceError::Unavailable(format!("camera frame: {e}")))?;
                LumaFrame::new(w, h, img.into_raw())
            }
        };
        frame.map_err(|e| SourceError::Unavailable(format!("bad camera frame: {e}")))
    }
}

pub fn list() -> Result<Vec<CameraInfo>, String> {
    let cams = nokhwa::query(ApiBackend::Auto).map_err(|e| explain(&e))?;
    Ok(cams
        .into_iter()
        .map(|c| {
            let formats = Camera::new(
                c.index().clone(),
                RequestedFormat::new::<LumaFormat>(RequestedFormatType::None),
            )
            .and_then(|mut cam| cam.compatible_camera_formats())
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        format!(
                            "{}x{} {} {}fps",
                            f.width(),
                            f.height(),
                            f.format(),
                            f.frame_rate()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
            CameraInfo {
                index: c.index().to_string(),
                name: c.human_name(),
                description: c.description().to_owned(),
                formats,
            }
        })
        .collect())
}
