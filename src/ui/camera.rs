//! The live camera in the window: the scan worker (its own camera and decoder threads) as an
//! iced subscription, a preview, and a mark on each scan. With no webcam, the bundled demo
//! frames play as a replay camera, and the window says so.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use iced::futures::SinkExt;
use iced::widget::{column, container, image, text};
use iced::{Color, Element, Fill, Length, Subscription};

use crate::i18n::{Lang, t, tr};
use smartstore_domain::scan::Symbology;
use smartstore_scan::{
    CameraSpec, FrameSource, LumaFrame, Rearm, ScanEvent, ScanWorker, SourceError, WorkerOptions,
};

#[derive(Debug, Clone)]
pub enum CameraEvent {
    Started {
        description: String,
        demo: bool,
        /// Makes the worker forget the codes it has seen ([`View::rearm`]).
        rearm: Rearm,
    },
    Preview(Arc<LumaFrame>),
    Scan {
        text: String,
        symbology: Symbology,
    },
    Lost(String),
    Failed(String),
    /// The decoder skipped a frame it failed on.
    DecoderFault,
}

/// Where the bundled demo frames are: beside an installed binary, or in the source tree.
pub fn demo_frames_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SMARTSTORE_ASSETS") {
        return PathBuf::from(dir).join("demo-frames");
    }
    let installed = PathBuf::from("/usr/share/smartstore/demo-frames");
    if installed.is_dir() {
        return installed;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets")
        .join("demo-frames")
}

/// The camera spec that plays the bundled demo frames (`--camera demo`).
pub const DEMO_CAMERA: &str = "demo";

/// Opens the camera named by `spec` (`true`: the demo frames). `auto` with no usable webcam is
/// no camera: a counter with a USB scanner only must not add demo products by itself.
fn open(spec: &CameraSpec, demo: bool) -> Result<(Box<dyn FrameSource>, bool), SourceError> {
    if demo {
        let frames = CameraSpec::Replay {
            dir: demo_frames_dir(),
            fps: 10.0,
        };
        return smartstore_scan::source::open(&frames).map(|s| (s, true));
    }
    smartstore_scan::source::open(spec).map(|s| (s, false))
}

#[allow(clippy::ptr_arg)] // `Subscription::run_with` hands the key over as `&String`.
fn stream(spec: &String) -> impl iced::futures::Stream<Item = CameraEvent> + use<> {
    let spec = spec.clone();
    iced::stream::channel(
        64,
        async move |mut output: iced::futures::channel::mpsc::Sender<CameraEvent>| {
            let wants_demo = spec.trim() == DEMO_CAMERA;
            let parsed: CameraSpec = match if wants_demo {
                Ok(CameraSpec::Auto)
            } else {
                spec.parse()
            } {
                Ok(s) => s,
                Err(e) => {
                    let _ = output.send(CameraEvent::Failed(e)).await;
                    return;
                }
            };
            let demo = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let demo_flag = demo.clone();
            let opener = move || {
                let (source, is_demo) = open(&parsed, wants_demo)?;
                demo_flag.store(is_demo, std::sync::atomic::Ordering::SeqCst);
                Ok(source)
            };
            let options = WorkerOptions {
                preview_every_ms: Some(100),
                ..WorkerOptions::default()
            };
            let (worker, events) = match ScanWorker::start(opener, options) {
                Ok(w) => w,
                Err(e) => {
                    let _ = output.send(CameraEvent::Failed(e.to_string())).await;
                    return;
                }
            };
            // Hand the worker's events over from a plain thread; when the window drops this
            // subscription, sending fails, the thread ends and the worker stops.
            let mut forward = output.clone();
            let rearm = worker.rearm();
            let _ = std::thread::Builder::new()
                .name("camera-events".into())
                .spawn(move || {
                    let _worker = worker;
                    for ev in events.iter() {
                        let out = match ev {
                            ScanEvent::Started(d) => CameraEvent::Started {
                                description: d,
                                demo: demo.load(std::sync::atomic::Ordering::SeqCst),
                                rearm: rearm.clone(),
                            },
                            ScanEvent::Preview(f) => CameraEvent::Preview(f),
                            ScanEvent::Scan(r) => CameraEvent::Scan {
                                text: r.text,
                                symbology: r.symbology,
                            },
                            ScanEvent::Lost(w) => CameraEvent::Lost(w),
                            ScanEvent::Failed(w) => CameraEvent::Failed(w),
                            ScanEvent::DecoderFault { .. } => CameraEvent::DecoderFault,
                            ScanEvent::Frame { .. } => continue,
                        };
                        if !deliver(&mut forward, out) {
                            break;
                        }
                    }
                });
            std::future::pending::<()>().await;
        },
    )
}

/// Sends from a plain thread: previews are dropped when the window is behind, scans wait.
fn deliver(
    to: &mut iced::futures::channel::mpsc::Sender<CameraEvent>,
    mut ev: CameraEvent,
) -> bool {
    loop {
        match to.try_send(ev) {
            Ok(()) => return true,
            Err(e) if e.is_disconnected() => return false,
            Err(e) => {
                let back = e.into_inner();
                if matches!(back, CameraEvent::Preview(_)) {
                    return true;
                }
                ev = back;
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}

pub fn subscription(spec: &str) -> Subscription<CameraEvent> {
    if spec == "none" {
        return Subscription::none();
    }
    Subscription::run_with(spec.to_owned(), stream)
}

#[derive(Debug, Default)]
pub struct View {
    pub preview: Option<image::Handle>,
    pub description: Option<String>,
    pub demo: bool,
    pub error: Option<String>,
    pub last_scan: Option<(String, Instant)>,
    pub scans: u64,
    /// Frames the decoder failed on and skipped (a bug worth reporting; scanning goes on).
    pub decoder_faults: u64,
    /// `--camera none`: no camera on purpose (a USB scanner or typing only).
    pub off: bool,
    pub rearm: Option<Rearm>,
}

fn handle(frame: &LumaFrame) -> image::Handle {
    let mut rgba = Vec::with_capacity(frame.data().len() * 4);
    for &v in frame.data() {
        rgba.extend_from_slice(&[v, v, v, 255]);
    }
    image::Handle::from_rgba(frame.width() as u32, frame.height() as u32, rgba)
}

impl View {
    /// The live camera forgets the codes it has seen: one still in view counts again.
    pub fn rearm(&self) {
        if let Some(r) = &self.rearm {
            r.forget_seen();
        }
    }

    /// Takes a camera event; returns a scan to act on.
    pub fn update(&mut self, ev: CameraEvent) -> Option<(String, Option<Symbology>)> {
        match ev {
            CameraEvent::Started {
                description,
                demo,
                rearm,
            } => {
                self.description = Some(description);
                self.demo = demo;
                self.rearm = Some(rearm);
                self.error = None;
            }
            CameraEvent::Preview(f) => self.preview = Some(handle(&f)),
            CameraEvent::Scan { text, symbology } => {
                self.scans += 1;
                self.last_scan = Some((text.clone(), Instant::now()));
                return Some((text, Some(symbology)));
            }
            CameraEvent::Lost(w) | CameraEvent::Failed(w) => self.error = Some(w),
            CameraEvent::DecoderFault => self.decoder_faults += 1,
        }
        None
    }

    pub fn view<'a, M: 'a>(&'a self, lang: Lang, big: bool) -> Element<'a, M> {
        // The kiosk's picture takes what its column leaves (from 1024×600 up); the counter's is
        // a fixed strip above the scan box.
        let height = if big {
            Length::Fill
        } else {
            Length::Fixed(300.0)
        };
        // The scan mark: a green frame for a moment after each scan.
        let flash = self
            .last_scan
            .as_ref()
            .is_some_and(|(_, at)| at.elapsed() < Duration::from_millis(900));
        let picture: Element<'a, M> = match &self.preview {
            Some(h) => image(h.clone()).width(Fill).height(height).into(),
            None if self.off => container(text(t(lang, "camera-off")))
                .center(Fill)
                .height(height)
                .into(),
            None => container(text(t(lang, "camera-starting")))
                .center(Fill)
                .height(height)
                .into(),
        };
        let border = if flash {
            Color::from_rgb8(0x1b, 0xb0, 0x4b)
        } else {
            Color::from_rgb8(0x88, 0x88, 0x88)
        };
        let framed = container(picture)
            .padding(4)
            .style(move |_| container::Style {
                border: iced::Border {
                    color: border,
                    width: if flash { 6.0 } else { 1.0 },
                    radius: 6.0.into(),
                },
                ..container::Style::default()
            });
        let mut c = column![framed].spacing(4);
        if self.demo {
            c = c.push(text(t(lang, "camera-none")).size(14));
        } else if let Some(d) = &self.description {
            c = c.push(text(d.clone()).size(12));
        }
        if let Some(e) = &self.error {
            // The device's own words are English: shown in English only.
            let line = match lang {
                Lang::En => tr(lang, "camera-failed", &[("reason", e.clone())]),
                Lang::Zh => t(lang, "camera-failed-retrying"),
            };
            c = c.push(
                text(line)
                    .size(14)
                    .color(Color::from_rgb8(0xb3, 0x26, 0x1e)),
            );
        }
        if self.decoder_faults > 0 {
            c = c.push(
                text(tr(
                    lang,
                    "camera-decoder-fault",
                    &[("count", self.decoder_faults.to_string())],
                ))
                .size(12),
            );
        }
        if let Some((last, _)) = &self.last_scan {
            c = c.push(
                text(format!("▶ {}", last.chars().take(48).collect::<String>())).size(if big {
                    20
                } else {
                    14
                }),
            );
        }
        c.into()
    }
}
