//! Webcams through V4L2 with `linuxvideo`: the ioctls in plain Rust, nothing bound at build
//! time. The picture is streamed through mmap buffers and turned into luma here.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use linuxvideo::format::{FrameIntervals, FrameSizes, PixFormat, PixelFormat};
use linuxvideo::stream::ReadStream;
use linuxvideo::{BufType, CapabilityFlags, Device, Fract};

use super::{CameraInfo, CameraSpec, FrameSource, SourceError};
use crate::frame::LumaFrame;

const WANTED_SIZE: (u32, u32) = (1280, 720);
const WANTED_FPS: u32 = 30;
/// A camera that sends nothing for this long counts as lost (the worker then reopens it).
const FRAME_TIMEOUT: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(4);
/// Corrupt frames (a USB hiccup, a torn JPEG) are skipped, up to this many in a row.
const MAX_BAD_FRAMES: usize = 10;
/// `list` shows at most this many modes per camera.
const MAX_LISTED: usize = 24;
const NO_CAMERA: &str = "no camera found: plug one in, or use --camera replay:DIR";

/// The picture formats read here, best first: YUYV and GREY give luma without any work, NV12's
/// Y plane nearly so, JPEG needs decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pixels {
    Yuyv,
    Grey,
    Nv12,
    Mjpeg,
    Jpeg,
}

impl Pixels {
    fn from_fourcc(format: PixelFormat) -> Option<Pixels> {
        match &format.as_fourcc() {
            b"YUYV" => Some(Pixels::Yuyv),
            b"GREY" => Some(Pixels::Grey),
            b"NV12" => Some(Pixels::Nv12),
            b"MJPG" => Some(Pixels::Mjpeg),
            b"JPEG" => Some(Pixels::Jpeg),
            _ => None,
        }
    }

    fn fourcc(self) -> PixelFormat {
        PixelFormat::from_fourcc(*match self {
            Pixels::Yuyv => b"YUYV",
            Pixels::Grey => b"GREY",
            Pixels::Nv12 => b"NV12",
            Pixels::Mjpeg => b"MJPG",
            Pixels::Jpeg => b"JPEG",
        })
    }

    fn name(self) -> &'static str {
        match self {
            Pixels::Yuyv => "YUYV",
            Pixels::Grey => "GREY",
            Pixels::Nv12 => "NV12",
            Pixels::Mjpeg => "MJPEG",
            Pixels::Jpeg => "JPEG",
        }
    }
}

fn format_name(format: PixelFormat) -> String {
    Pixels::from_fourcc(format).map_or_else(
        || format.to_string().trim_end().to_owned(),
        |p| p.name().to_owned(),
    )
}

/// The frame sizes a driver offers for one format.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sizes {
    Discrete(Vec<(u32, u32)>),
    /// Any size from `min` to `max` in steps of `step` (continuous ranges step by 1).
    Range {
        min: (u32, u32),
        max: (u32, u32),
        step: (u32, u32),
    },
    /// The driver does not say: ask for the wanted size and take what it sets.
    Unknown,
}

impl Sizes {
    fn of(device: &Device, format: PixelFormat) -> Sizes {
        match device.frame_sizes(format) {
            Ok(FrameSizes::Discrete(sizes)) => {
                Sizes::Discrete(sizes.iter().map(|s| (s.width(), s.height())).collect())
            }
            Ok(FrameSizes::Stepwise(s) | FrameSizes::Continuous(s)) => Sizes::Range {
                min: (s.min_width(), s.min_height()),
                max: (s.max_width(), s.max_height()),
                step: (s.step_width(), s.step_height()),
            },
            Err(_) => Sizes::Unknown,
        }
    }
}

/// Distance from 1280x720 (width and height apart, summed); on a tie the larger size wins.
fn size_key((width, height): (u32, u32)) -> (u64, Reverse<u64>) {
    let off = u64::from(width.abs_diff(WANTED_SIZE.0)) + u64::from(height.abs_diff(WANTED_SIZE.1));
    (off, Reverse(u64::from(width) * u64::from(height)))
}

/// The offered size closest to 1280x720.
fn closest_size(sizes: &Sizes) -> Option<(u32, u32)> {
    match sizes {
        Sizes::Discrete(list) => list
            .iter()
            .copied()
            .filter(|&(w, h)| w > 0 && h > 0)
            .min_by_key(|&s| size_key(s)),
        Sizes::Range { min, max, step } => Some((
            snap(WANTED_SIZE.0, min.0, max.0, step.0),
            snap(WANTED_SIZE.1, min.1, max.1, step.1),
        )),
        Sizes::Unknown => Some(WANTED_SIZE),
    }
}

/// The value of `lo, lo + step, …, hi` nearest `target`.
fn snap(target: u32, lo: u32, hi: u32, step: u32) -> u32 {
    if hi <= lo {
        return lo;
    }
    let (lo64, hi64, step) = (u64::from(lo), u64::from(hi), u64::from(step.max(1)));
    let offset = u64::from(target.clamp(lo, hi)) - lo64;
    let mut value = lo64 + (offset + step / 2) / step * step;
    if value > hi64 {
        value -= step;
    }
    u32::try_from(value).unwrap_or(lo)
}

/// Frames per second of a frame interval, rounded (1001/30000 s is 30).
fn fps(interval: &Fract) -> Option<u32> {
    let (num, den) = (
        u64::from(interval.numerator()),
        u64::from(interval.denominator()),
    );
    if num == 0 {
        return None;
    }
    u32::try_from((den + num / 2) / num).ok().filter(|&f| f > 0)
}

/// The highest rate the driver offers for a format at a size, if it says.
fn max_rate(device: &Device, format: PixelFormat, width: u32, height: u32) -> Option<u32> {
    match device.frame_intervals(format, width, height).ok()? {
        FrameIntervals::Discrete(list) => list.iter().filter_map(|i| fps(i.fract())).max(),
        FrameIntervals::Stepwise(range) | FrameIntervals::Continuous(range) => fps(range.min()),
    }
}

/// What is asked of the camera.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mode {
    pixels: Pixels,
    width: u32,
    height: u32,
    /// The best rate offered at that size; `None` when the driver does not say.
    fps: Option<u32>,
}

/// Per readable format the size closest to 1280x720; across formats the closest size, then the
/// one that reaches 30 fps (or comes nearest), then YUYV, GREY, NV12, MJPEG in that order. So a
/// USB 2 webcam offering 720p YUYV at 10 fps and 720p MJPEG at 30 fps streams MJPEG.
fn choose_mode(
    offers: &[(PixelFormat, Sizes)],
    mut rate_at: impl FnMut(PixelFormat, u32, u32) -> Option<u32>,
) -> Option<Mode> {
    offers
        .iter()
        .filter_map(|(format, sizes)| {
            let pixels = Pixels::from_fourcc(*format)?;
            let (width, height) = closest_size(sizes)?;
            Some(Mode {
                pixels,
                width,
                height,
                fps: rate_at(*format, width, height),
            })
        })
        .min_by_key(|m| {
            (
                size_key((m.width, m.height)),
                m.fps.map_or(0, |f| WANTED_FPS.saturating_sub(f)),
                m.pixels,
            )
        })
}

/// The rows of a picture `row_len` bytes wide, `stride` bytes apart (a stride below the row
/// length, as some drivers report for packed formats, means packed).
fn rows(
    data: &[u8],
    row_len: usize,
    height: usize,
    stride: usize,
) -> Option<impl Iterator<Item = &[u8]>> {
    let stride = stride.max(row_len);
    let needed = stride
        .checked_mul(height.checked_sub(1)?)?
        .checked_add(row_len)?;
    if row_len == 0 || data.len() < needed {
        return None;
    }
    Some(
        data.chunks(stride)
            .take(height)
            .map(move |row| &row[..row_len]),
    )
}

/// The luma of packed YUYV: every other byte of each row.
fn yuyv_luma(data: &[u8], width: usize, height: usize, stride: usize) -> Option<Vec<u8>> {
    let mut luma = Vec::with_capacity(width.checked_mul(height)?);
    for row in rows(data, width.checked_mul(2)?, height, stride)? {
        luma.extend(row.iter().step_by(2));
    }
    Some(luma)
}

/// The first plane of GREY or NV12 (its Y plane; the chroma plane after it is not read).
fn plane_luma(data: &[u8], width: usize, height: usize, stride: usize) -> Option<Vec<u8>> {
    let mut luma = Vec::with_capacity(width.checked_mul(height)?);
    for row in rows(data, width, height, stride)? {
        luma.extend_from_slice(row);
    }
    Some(luma)
}

/// The Huffman tables of JPEG Annex K.3 as one DHT segment: the tables MJPEG frames are
/// encoded with when they carry none.
#[rustfmt::skip]
const MJPEG_DHT: [u8; 420] = [
    0xFF, 0xC4, 0x01, 0xA2, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
    0x0B, 0x01, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x00,
    0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00, 0x01, 0x7D, 0x01,
    0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22,
    0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0, 0x24,
    0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A,
    0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A,
    0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A,
    0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8,
    0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6,
    0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2, 0xE3,
    0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9,
    0xFA, 0x11, 0x00, 0x02, 0x01, 0x02, 0x04, 0x04, 0x03, 0x04, 0x07, 0x05, 0x04, 0x04, 0x00, 0x01,
    0x02, 0x77, 0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07,
    0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xA1, 0xB1, 0xC1, 0x09, 0x23, 0x33,
    0x52, 0xF0, 0x15, 0x62, 0x72, 0xD1, 0x0A, 0x16, 0x24, 0x34, 0xE1, 0x25, 0xF1, 0x17, 0x18, 0x19,
    0x1A, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46,
    0x47, 0x48, 0x49, 0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66,
    0x67, 0x68, 0x69, 0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x82, 0x83, 0x84, 0x85,
    0x86, 0x87, 0x88, 0x89, 0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3,
    0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA,
    0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8,
    0xD9, 0xDA, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
    0xF7, 0xF8, 0xF9, 0xFA,
];

/// An MJPEG frame as a JPEG any decoder reads: many UVC cameras leave the Huffman tables out
/// (they are fixed by the format), so the standard ones go in before the scan.
fn with_huffman_tables(jpeg: &[u8]) -> Cow<'_, [u8]> {
    let mut at = 2;
    while let (Some(&0xFF), Some(&marker)) = (jpeg.get(at), jpeg.get(at + 1)) {
        match marker {
            0xC4 => break,
            0xDA => {
                let mut out = Vec::with_capacity(jpeg.len() + MJPEG_DHT.len());
                out.extend_from_slice(&jpeg[..at]);
                out.extend_from_slice(&MJPEG_DHT);
                out.extend_from_slice(&jpeg[at..]);
                return Cow::Owned(out);
            }
            0xFF => at += 1,
            0x01 | 0xD0..=0xD7 => at += 2,
            _ => match (jpeg.get(at + 2), jpeg.get(at + 3)) {
                (Some(&hi), Some(&lo)) => at += 2 + usize::from(u16::from_be_bytes([hi, lo])),
                _ => break,
            },
        }
    }
    Cow::Borrowed(jpeg)
}

/// How the bytes of a captured buffer are laid out.
#[derive(Debug, Clone, Copy)]
struct Layout {
    pixels: Pixels,
    width: usize,
    height: usize,
    /// Bytes from one row to the next (`bytesperline`); unused for JPEG.
    stride: usize,
}

impl Layout {
    fn luma(&self, data: &[u8]) -> Result<LumaFrame, String> {
        let Layout {
            pixels,
            width,
            height,
            stride,
        } = *self;
        let luma = match pixels {
            Pixels::Mjpeg | Pixels::Jpeg => {
                return LumaFrame::from_encoded(&with_huffman_tables(data), "camera frame")
                    .map_err(|e| e.to_string());
            }
            Pixels::Yuyv => yuyv_luma(data, width, height, stride),
            Pixels::Grey | Pixels::Nv12 => plane_luma(data, width, height, stride),
        }
        .ok_or_else(|| {
            format!(
                "{} bytes are too few for {width}x{height} {} with {stride} bytes a row",
                data.len(),
                pixels.name()
            )
        })?;
        LumaFrame::new(width, height, luma).map_err(|e| e.to_string())
    }
}

/// Linux's errno for an ioctl the file does not know: the node is no V4L2 device.
const ENOTTY: i32 = 25;

fn explain(path: &Path, e: &io::Error) -> String {
    let path = path.display();
    match e.kind() {
        io::ErrorKind::PermissionDenied => {
            format!("{path}: no permission to use the camera (add the user to the 'video' group)")
        }
        io::ErrorKind::ResourceBusy => {
            format!("{path} is busy: another program is using the camera")
        }
        io::ErrorKind::NotFound => format!("{path} does not exist (is the camera plugged in?)"),
        _ if e.raw_os_error() == Some(ENOTTY) => format!("{path} is not a video device"),
        _ => format!("{path}: {e}"),
    }
}

/// `/dev/video*`, in number order.
fn video_nodes() -> io::Result<Vec<PathBuf>> {
    let mut nodes: Vec<(u32, PathBuf)> = fs::read_dir("/dev")?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let number = name.to_str()?.strip_prefix("video")?;
            if !number.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some((number.parse().ok()?, entry.path()))
        })
        .collect();
    nodes.sort();
    Ok(nodes.into_iter().map(|(_, path)| path).collect())
}

/// The name sysfs gives the device. `VIDIOC_QUERYCAP` has the same name, but cut at 31 bytes,
/// maybe inside a UTF-8 character, and `linuxvideo` panics on that.
fn sysfs_name(path: &Path) -> Option<String> {
    let node = fs::canonicalize(path).ok()?;
    let file = Path::new("/sys/class/video4linux")
        .join(node.file_name()?)
        .join("name");
    let name = String::from_utf8_lossy(&fs::read(file).ok()?)
        .trim()
        .to_owned();
    (!name.is_empty()).then_some(name)
}

/// An opened device and what it offers.
struct Probe {
    path: PathBuf,
    device: Device,
    caps: CapabilityFlags,
    name: String,
    description: String,
    /// Every capture format, readable here or not, with its sizes.
    formats: Vec<(PixelFormat, Sizes)>,
}

impl Probe {
    fn open(path: &Path) -> io::Result<Probe> {
        let device = Device::open(path)?;
        let caps = device.capabilities()?;
        let flags = caps.device_capabilities();
        let formats = if flags.contains(CapabilityFlags::VIDEO_CAPTURE) {
            device
                .formats(BufType::VIDEO_CAPTURE)
                .filter_map(Result::ok)
                .map(|f| (f.pixel_format(), Sizes::of(&device, f.pixel_format())))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Probe {
            path: path.to_owned(),
            name: sysfs_name(path).unwrap_or_else(|| caps.driver().to_owned()),
            description: format!("{}, {}", caps.driver(), caps.bus_info()),
            caps: flags,
            formats,
            device,
        })
    }

    /// Metadata nodes (a UVC webcam's second `/dev/video*`) cannot capture pictures.
    fn can_capture(&self) -> bool {
        self.caps.contains(CapabilityFlags::VIDEO_CAPTURE)
    }

    fn readable(&self) -> bool {
        self.formats
            .iter()
            .any(|(f, _)| Pixels::from_fourcc(*f).is_some())
    }

    /// "1280x720 MJPEG 30fps", … in the driver's order.
    fn modes(&self) -> Vec<String> {
        let rate = |format, (w, h)| {
            max_rate(&self.device, format, w, h).map_or_else(String::new, |f| format!(" {f}fps"))
        };
        let mut modes = Vec::new();
        for (format, sizes) in &self.formats {
            let name = format_name(*format);
            match sizes {
                Sizes::Discrete(list) => modes.extend(
                    list.iter()
                        .map(|&(w, h)| format!("{w}x{h} {name}{}", rate(*format, (w, h)))),
                ),
                Sizes::Range { min, max, .. } => {
                    // The rate shown is the one at the size `open` would choose.
                    let at = closest_size(sizes).map_or_else(String::new, |s| rate(*format, s));
                    modes.push(format!(
                        "{}x{} to {}x{} {name}{at}",
                        min.0, min.1, max.0, max.1
                    ));
                }
                Sizes::Unknown => modes.push(name),
            }
        }
        if modes.len() > MAX_LISTED {
            let more = modes.len() - (MAX_LISTED - 1);
            modes.truncate(MAX_LISTED - 1);
            modes.push(format!("… and {more} more"));
        }
        modes
    }
}

fn first_camera() -> Result<Probe, SourceError> {
    let nodes =
        video_nodes().map_err(|e| SourceError::Unavailable(format!("cannot read /dev: {e}")))?;
    let mut first_error = None;
    for path in nodes {
        match Probe::open(&path) {
            Ok(probe) if probe.can_capture() && probe.readable() => return Ok(probe),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                first_error.get_or_insert_with(|| explain(&path, &e));
            }
        }
    }
    Err(SourceError::Unavailable(
        first_error.unwrap_or_else(|| NO_CAMERA.to_owned()),
    ))
}

fn named_camera(path: &Path) -> Result<Probe, SourceError> {
    let probe = Probe::open(path).map_err(|e| SourceError::Unavailable(explain(path, &e)))?;
    if !probe.can_capture() {
        return Err(SourceError::Fatal(format!(
            "{} cannot capture pictures (a webcam's second node only carries metadata: try the one before it)",
            path.display()
        )));
    }
    Ok(probe)
}

pub fn open(spec: &CameraSpec) -> Result<Box<dyn FrameSource>, SourceError> {
    let probe = match spec {
        CameraSpec::Auto => first_camera()?,
        CameraSpec::Index(n) => named_camera(Path::new(&format!("/dev/video{n}")))?,
        CameraSpec::Path(path) => named_camera(path)?,
        CameraSpec::Replay { .. } => {
            return Err(SourceError::Fatal("a replay folder is not a camera".into()));
        }
    };
    Ok(Box::new(V4l2Source::start(probe)?))
}

pub struct V4l2Source {
    stream: ReadStream,
    layout: Layout,
    path: PathBuf,
    described: String,
}

impl V4l2Source {
    fn start(probe: Probe) -> Result<V4l2Source, SourceError> {
        let Probe {
            path,
            device,
            caps,
            name,
            formats,
            ..
        } = probe;
        let shown = path.display();
        let unavailable = |e: io::Error| SourceError::Unavailable(explain(&path, &e));
        let Some(mode) = choose_mode(&formats, |f, w, h| max_rate(&device, f, w, h)) else {
            let offered: Vec<String> = formats.iter().map(|(f, _)| format_name(*f)).collect();
            return Err(SourceError::Fatal(format!(
                "{shown} offers no picture format this program reads (it has {}; YUYV, GREY, NV12 or MJPEG would do)",
                if offered.is_empty() {
                    "none".to_owned()
                } else {
                    offered.join(", ")
                }
            )));
        };
        if !caps.contains(CapabilityFlags::STREAMING) {
            return Err(SourceError::Fatal(format!(
                "{shown} cannot stream (its driver offers no mmap streaming)"
            )));
        }
        let capture = device
            .video_capture(PixFormat::new(
                mode.width,
                mode.height,
                mode.pixels.fourcc(),
            ))
            .map_err(unavailable)?;
        let format = capture.format();
        let Some(pixels) = Pixels::from_fourcc(format.pixel_format()) else {
            return Err(SourceError::Fatal(format!(
                "{shown} was asked for {} and set {} instead",
                mode.pixels.name(),
                format_name(format.pixel_format())
            )));
        };
        let (width, height) = (format.width(), format.height());
        let layout = Layout {
            pixels,
            width: width as usize,
            height: height as usize,
            stride: format.bytes_per_line() as usize,
        };
        // Drivers that cannot set the rate run at their own.
        let rate = capture
            .set_frame_interval(Fract::new(1, WANTED_FPS))
            .ok()
            .and_then(|interval| fps(&interval));
        let stream = capture.into_stream().map_err(unavailable)?;
        let described = format!(
            "{shown} ({name}) {width}x{height} {}{}",
            pixels.name(),
            rate.map_or_else(String::new, |f| format!(" {f}fps"))
        );
        Ok(V4l2Source {
            stream,
            layout,
            path,
            described,
        })
    }

    fn lost(&self, e: &io::Error) -> SourceError {
        SourceError::Unavailable(format!("camera lost: {}", explain(&self.path, e)))
    }

    /// Waits for a filled buffer. Polled rather than left to a blocking `VIDIOC_DQBUF`: a stalled
    /// camera would hold this thread forever, and the worker joins it to stop.
    fn wait_for_frame(&self, deadline: Instant) -> Result<(), SourceError> {
        loop {
            match self.stream.will_block() {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.lost(&e)),
            }
            if Instant::now() >= deadline {
                return Err(SourceError::Unavailable(format!(
                    "camera lost: {} sent no picture for {} s",
                    self.path.display(),
                    FRAME_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(POLL);
        }
    }
}

impl FrameSource for V4l2Source {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
        let deadline = Instant::now() + FRAME_TIMEOUT;
        let mut why = String::new();
        for _ in 0..MAX_BAD_FRAMES {
            self.wait_for_frame(deadline)?;
            let layout = self.layout;
            let frame = self.stream.dequeue(|buf| {
                Ok(if buf.is_error() {
                    Err("the driver marked it corrupt".to_owned())
                } else {
                    layout.luma(&buf)
                })
            });
            match frame {
                Ok(Ok(frame)) => return Ok(frame),
                Ok(Err(e)) => why = e,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.lost(&e)),
            }
        }
        Err(SourceError::Unavailable(format!(
            "{}: {MAX_BAD_FRAMES} bad frames in a row ({why})",
            self.path.display()
        )))
    }
}

pub fn list() -> Result<Vec<CameraInfo>, String> {
    let nodes = video_nodes().map_err(|e| format!("cannot read /dev: {e}"))?;
    let mut cameras = Vec::new();
    let mut first_error = None;
    for path in nodes {
        match Probe::open(&path) {
            Ok(probe) if probe.can_capture() => cameras.push(CameraInfo {
                index: path.display().to_string(),
                formats: probe.modes(),
                name: probe.name,
                description: probe.description,
            }),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                let why = explain(&path, &e);
                tracing::debug!("camera list: {why}");
                first_error.get_or_insert(why);
            }
        }
    }
    match first_error {
        Some(why) if cameras.is_empty() => Err(why),
        _ => Ok(cameras),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fourcc(code: &[u8; 4]) -> PixelFormat {
        PixelFormat::from_fourcc(*code)
    }

    #[test]
    fn yuyv_luma_takes_every_other_byte_and_skips_row_padding() {
        // 3x2 pixels (6 bytes a row) in rows of 8: two bytes of padding after each.
        let data = [
            10, 1, 11, 2, 12, 3, 99, 99, //
            20, 4, 21, 5, 22, 6, 99, 99,
        ];
        assert_eq!(
            yuyv_luma(&data, 3, 2, 8),
            Some(vec![10, 11, 12, 20, 21, 22])
        );
        // The last row may end without its padding.
        assert_eq!(
            yuyv_luma(&data[..14], 3, 2, 8),
            Some(vec![10, 11, 12, 20, 21, 22])
        );
        assert_eq!(yuyv_luma(&data[..13], 3, 2, 8), None);
        // Packed: a stride of 0 (or below width x 2) means width x 2.
        let packed = [1, 0, 2, 0, 3, 0, 4, 0];
        assert_eq!(yuyv_luma(&packed, 2, 2, 0), Some(vec![1, 2, 3, 4]));
        assert_eq!(yuyv_luma(&packed, 2, 2, 3), Some(vec![1, 2, 3, 4]));
        assert_eq!(yuyv_luma(&packed, 2, 0, 4), None);
    }

    #[test]
    fn grey_and_nv12_read_the_first_plane_by_stride() {
        // GREY 3x2 in rows of 4.
        let grey = [1, 2, 3, 0, 4, 5, 6, 0];
        assert_eq!(plane_luma(&grey, 3, 2, 4), Some(vec![1, 2, 3, 4, 5, 6]));
        assert_eq!(plane_luma(&grey, 3, 2, 3), Some(vec![1, 2, 3, 0, 4, 5]));
        assert_eq!(plane_luma(&grey, 3, 3, 4), None);
        // NV12 4x2 in rows of 6: the Y plane, then one row of interleaved UV that is not luma.
        let nv12 = [
            1, 2, 3, 4, 0, 0, //
            5, 6, 7, 8, 0, 0, //
            128, 128, 128, 128, 0, 0,
        ];
        let layout = Layout {
            pixels: Pixels::Nv12,
            width: 4,
            height: 2,
            stride: 6,
        };
        let frame = layout.luma(&nv12).unwrap();
        assert_eq!(frame.data(), &[1, 2, 3, 4, 5, 6, 7, 8]);
        let short = layout.luma(&nv12[..9]).unwrap_err();
        assert!(short.contains("9 bytes"), "{short}");
    }

    #[test]
    fn the_size_closest_to_720p_wins() {
        let discrete = |sizes: &[(u32, u32)]| closest_size(&Sizes::Discrete(sizes.to_vec()));
        assert_eq!(
            discrete(&[(640, 480), (1280, 720), (1920, 1080)]),
            Some((1280, 720))
        );
        assert_eq!(
            discrete(&[(640, 480), (800, 600), (1920, 1080)]),
            Some((800, 600))
        );
        assert_eq!(discrete(&[(1280, 660), (1280, 780)]), Some((1280, 780)));
        assert_eq!(discrete(&[(0, 0), (320, 240)]), Some((320, 240)));
        assert_eq!(discrete(&[]), None);
        let range = |min, max, step| closest_size(&Sizes::Range { min, max, step });
        assert_eq!(range((160, 120), (1920, 1080), (16, 8)), Some((1280, 720)));
        assert_eq!(
            range((100, 100), (2000, 2000), (100, 100)),
            Some((1300, 700))
        );
        assert_eq!(range((160, 120), (640, 480), (1, 1)), Some((640, 480)));
        assert_eq!(range((1, 1), (4096, 4096), (0, 0)), Some((1280, 720)));
        assert_eq!(range((2000, 2000), (100, 100), (1, 1)), Some((2000, 2000)));
        assert_eq!(closest_size(&Sizes::Unknown), Some((1280, 720)));
    }

    #[test]
    fn snap_stays_on_the_grid_and_in_range() {
        assert_eq!(snap(1280, 0, 1000, 300), 900);
        assert_eq!(snap(1280, 0, 2000, 300), 1200);
        assert_eq!(snap(1400, 0, 2000, 300), 1500);
        assert_eq!(snap(5, 10, 20, 4), 10);
        assert_eq!(snap(u32::MAX, 0, u32::MAX, u32::MAX), u32::MAX);
    }

    #[test]
    fn format_choice() {
        let common = Sizes::Discrete(vec![(640, 480), (1280, 720)]);
        let big = Sizes::Discrete(vec![(640, 480), (1280, 720), (1920, 1080)]);
        let at_30 = |_: PixelFormat, _: u32, _: u32| Some(30);
        let mode = |pixels, width, height, fps| Mode {
            pixels,
            width,
            height,
            fps,
        };

        // Same size and rate: YUYV before GREY before NV12 before MJPEG.
        let offers = vec![
            (fourcc(b"MJPG"), big.clone()),
            (fourcc(b"NV12"), common.clone()),
            (fourcc(b"GREY"), common.clone()),
            (fourcc(b"YUYV"), common.clone()),
        ];
        assert_eq!(
            choose_mode(&offers, at_30),
            Some(mode(Pixels::Yuyv, 1280, 720, Some(30)))
        );
        assert_eq!(
            choose_mode(&offers[..3], at_30),
            Some(mode(Pixels::Grey, 1280, 720, Some(30)))
        );
        assert_eq!(
            choose_mode(&offers[..2], at_30),
            Some(mode(Pixels::Nv12, 1280, 720, Some(30)))
        );

        // The size comes first: YUYV only up to 640x480 loses to 720p MJPEG.
        let offers = vec![
            (
                fourcc(b"YUYV"),
                Sizes::Discrete(vec![(320, 240), (640, 480)]),
            ),
            (fourcc(b"MJPG"), big.clone()),
        ];
        assert_eq!(
            choose_mode(&offers, at_30),
            Some(mode(Pixels::Mjpeg, 1280, 720, Some(30)))
        );

        // A typical USB 2 webcam: 720p YUYV only at 10 fps, 720p MJPEG at 30.
        let offers = vec![
            (fourcc(b"YUYV"), common.clone()),
            (fourcc(b"MJPG"), big.clone()),
        ];
        let usb2 = |f: PixelFormat, w: u32, _: u32| {
            Some(if f == fourcc(b"YUYV") && w > 640 {
                10
            } else {
                30
            })
        };
        assert_eq!(
            choose_mode(&offers, usb2),
            Some(mode(Pixels::Mjpeg, 1280, 720, Some(30)))
        );
        // Faster than 30 earns nothing, and an unknown rate costs nothing.
        let fast_mjpeg = |f: PixelFormat, _: u32, _: u32| (f == fourcc(b"MJPG")).then_some(60);
        assert_eq!(
            choose_mode(&offers, fast_mjpeg),
            Some(mode(Pixels::Yuyv, 1280, 720, None))
        );

        // Formats not read here are passed over, whatever their sizes.
        let offers = vec![
            (fourcc(b"H264"), big.clone()),
            (fourcc(b"BA81"), big.clone()),
            (fourcc(b"JPEG"), Sizes::Unknown),
        ];
        assert_eq!(
            choose_mode(&offers, |_, _, _| None),
            Some(mode(Pixels::Jpeg, 1280, 720, None))
        );
        assert_eq!(choose_mode(&offers[..2], at_30), None);
        assert_eq!(choose_mode(&[], at_30), None);
    }

    #[test]
    fn frame_rates_from_intervals() {
        assert_eq!(fps(&Fract::new(1, 30)), Some(30));
        assert_eq!(fps(&Fract::new(1001, 30000)), Some(30));
        assert_eq!(fps(&Fract::new(333_333, 10_000_000)), Some(30));
        assert_eq!(fps(&Fract::new(2, 15)), Some(8));
        assert_eq!(fps(&Fract::new(0, 1)), None);
        assert_eq!(fps(&Fract::new(10, 1)), None);
    }

    #[test]
    fn format_names() {
        for p in [
            Pixels::Yuyv,
            Pixels::Grey,
            Pixels::Nv12,
            Pixels::Mjpeg,
            Pixels::Jpeg,
        ] {
            assert_eq!(Pixels::from_fourcc(p.fourcc()), Some(p));
        }
        assert_eq!(format_name(fourcc(b"MJPG")), "MJPEG");
        assert_eq!(format_name(fourcc(b"H264")), "H264");
        assert_eq!(format_name(fourcc(b"Y10 ")), "Y10");
    }

    fn jpeg(img: image::DynamicImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut out))
            .unwrap();
        out
    }

    /// The JPEG without its DHT segments, as many UVC cameras send it.
    fn without_huffman_tables(jpeg: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        let mut at = 2;
        while jpeg[at + 1] != 0xDA {
            let end = at + 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
            if jpeg[at + 1] != 0xC4 {
                out.extend_from_slice(&jpeg[at..end]);
            }
            at = end;
        }
        out.extend_from_slice(&jpeg[at..]);
        out
    }

    #[test]
    fn mjpeg_frames_decode_to_grey_with_or_without_huffman_tables() {
        let grey = image::GrayImage::from_fn(32, 16, |x, y| image::Luma([(x * 7 + y * 3) as u8]));
        let colour = image::RgbImage::from_fn(32, 16, |x, y| {
            image::Rgb([(x * 8) as u8, (y * 16) as u8, 90])
        });
        let layout = Layout {
            pixels: Pixels::Mjpeg,
            width: 32,
            height: 16,
            stride: 0,
        };
        for encoded in [jpeg(grey.into()), jpeg(colour.into())] {
            let bare = without_huffman_tables(&encoded);
            assert!(bare.len() < encoded.len());
            let want = layout.luma(&encoded).unwrap();
            assert_eq!((want.width(), want.height()), (32, 16));
            assert!(matches!(with_huffman_tables(&encoded), Cow::Borrowed(_)));
            assert_eq!(layout.luma(&bare).unwrap(), want);
        }
        assert!(layout.luma(b"not a jpeg").is_err());
        assert!(layout.luma(&[0xFF, 0xD8, 0xFF]).is_err());
    }

    #[test]
    fn specs_that_name_no_usable_camera_are_errors_not_panics() {
        assert_eq!(
            open(&CameraSpec::Replay {
                dir: "frames".into(),
                fps: 10.0
            })
            .err(),
            Some(SourceError::Fatal("a replay folder is not a camera".into()))
        );
        match open(&CameraSpec::Index(4_000_000_000)).err() {
            Some(SourceError::Unavailable(m)) => {
                assert!(m.contains("/dev/video4000000000"), "{m}")
            }
            other => panic!("{other:?}"),
        }
        match open(&CameraSpec::Path("/dev/null".into())).err() {
            Some(SourceError::Unavailable(m)) => {
                assert_eq!(m, "/dev/null is not a video device")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn device_errors_say_what_to_do() {
        let path = Path::new("/dev/video0");
        let said = |e: io::Error| explain(path, &e);
        for denied in [
            io::Error::from_raw_os_error(13),
            io::Error::from_raw_os_error(1),
        ] {
            let m = said(denied);
            assert!(
                m.starts_with("/dev/video0: ") && m.contains("'video' group"),
                "{m}"
            );
        }
        assert_eq!(
            said(io::Error::from_raw_os_error(16)),
            "/dev/video0 is busy: another program is using the camera"
        );
        assert!(said(io::Error::from_raw_os_error(2)).contains("does not exist"));
        assert_eq!(
            said(io::Error::from_raw_os_error(19)),
            "/dev/video0: No such device (os error 19)"
        );
    }

    #[test]
    fn with_no_camera_the_list_is_empty_and_auto_says_so() {
        // Only meaningful where there is no camera (as in CI); elsewhere there is nothing to check.
        if list().is_ok_and(|cameras| cameras.is_empty()) {
            assert_eq!(
                open(&CameraSpec::Auto).err(),
                Some(SourceError::Unavailable(NO_CAMERA.into()))
            );
        }
    }
}
