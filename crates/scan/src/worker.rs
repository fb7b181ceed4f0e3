//! The scan worker: a camera thread and a decoder thread, handing over through a one-frame
//! slot (the newest frame wins, older ones are dropped), and reporting over a bounded channel.
//!
//! Closing the receiver stops both threads; so does [`ScanWorker::stop`] or dropping the worker.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::decode::{Budget, Decoder, Detection, Effort};
use super::frame::LumaFrame;
use super::source::{FrameSource, SourceError};
use smartstore_domain::scan::{Debouncer, ScanKind, Symbology, classify};

/// One accepted scan: confirmed across frames and not a repeat within the debounce window.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRead {
    pub symbology: Symbology,
    pub text: String,
    pub kind: ScanKind,
    pub frame: u64,
    /// Where it was in that frame (pixels: x0, y0, x1, y1), when known.
    pub bbox: Option<[f32; 4]>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScanEvent {
    /// The source is running (its description).
    Started(String),
    /// A frame was decoded (sequence number, decode time, codes seen before confirmation,
    /// whether the frame's budget ran out before every pass was tried).
    Frame {
        seq: u64,
        decode_us: u64,
        seen: usize,
        gave_up: bool,
    },
    Scan(ScanRead),
    /// A small copy of a frame for a live preview (only with `WorkerOptions::preview_every_ms`).
    Preview(Arc<LumaFrame>),
    /// The source failed and is being reopened.
    Lost(String),
    /// The decoder failed on frame `seq` (a bug): the frame was skipped, scanning goes on.
    DecoderFault {
        seq: u64,
    },
    /// The source cannot work; the worker has stopped.
    Failed(String),
}

/// A 1D read is trusted when it was seen in at least `need` of the last `window` frames; QR
/// codes carry error correction and are trusted at once.
#[derive(Debug)]
pub struct Confirmer {
    need: usize,
    window: usize,
    recent: VecDeque<Vec<(Symbology, String)>>,
}

impl Confirmer {
    pub fn new(need: usize, window: usize) -> Confirmer {
        Confirmer {
            need: need.max(1),
            window: window.max(1),
            recent: VecDeque::new(),
        }
    }

    /// Feeds one frame's detections; returns those now trusted.
    pub fn feed(&mut self, found: &[Detection]) -> Vec<Detection> {
        self.recent.push_back(
            found
                .iter()
                .map(|d| (d.symbology, d.text.clone()))
                .collect(),
        );
        while self.recent.len() > self.window {
            self.recent.pop_front();
        }
        found
            .iter()
            .filter(|d| {
                !d.symbology.is_linear()
                    || self
                        .recent
                        .iter()
                        .filter(|f| f.iter().any(|(s, t)| *s == d.symbology && *t == d.text))
                        .count()
                        >= self.need
            })
            .cloned()
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    pub debounce_ms: u64,
    pub confirm_frames: usize,
    pub confirm_window: usize,
    /// How long to wait before reopening a lost camera (doubles up to 8x).
    pub reconnect_after: Duration,
    /// Send a half-size preview of a decoded frame at most this often (None: no previews).
    pub preview_every_ms: Option<u64>,
    /// How much the decoder may spend on one frame.
    pub frame_budget: FrameBudget,
}

/// The live decoder's budget per frame: when it runs out, the frame is given up (what was
/// read so far is kept) and the newest frame is decoded next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBudget {
    /// One frame interval of the source ([`FrameSource::interval`]), else [`DEFAULT_INTERVAL`],
    /// and never more than `cap`.
    Interval {
        cap: Duration,
    },
    /// A fixed number of decoder steps (tests: no clock involved).
    Steps(u64),
    Unlimited,
}

/// An unoptimised (debug) build decodes several times slower than the release build the
/// budget is meant for; its budget is stretched as much, so that what a till reads in one
/// frame interval, a debug build (the tests of the terminal, run against the replay camera)
/// reads too.
const UNOPTIMISED: u32 = if cfg!(debug_assertions) { 10 } else { 1 };

/// The frame interval assumed for a source that does not say (30 frames a second).
pub const DEFAULT_INTERVAL: Duration = Duration::from_micros(33_333);

impl FrameBudget {
    /// The budget of a frame that arrived `interval` after the one before (when known).
    pub fn for_frame(self, interval: Option<Duration>) -> Budget {
        match self {
            FrameBudget::Interval { cap } => {
                Budget::within(interval.unwrap_or(DEFAULT_INTERVAL).min(cap) * UNOPTIMISED)
            }
            FrameBudget::Steps(n) => Budget::steps(n),
            FrameBudget::Unlimited => Budget::unlimited(),
        }
    }
}

impl Default for WorkerOptions {
    fn default() -> WorkerOptions {
        WorkerOptions {
            debounce_ms: 1500,
            confirm_frames: 2,
            confirm_window: 4,
            reconnect_after: Duration::from_millis(500),
            preview_every_ms: None,
            frame_budget: FrameBudget::Interval {
                cap: DEFAULT_INTERVAL,
            },
        }
    }
}

#[derive(Default)]
struct Slot {
    /// Sequence number, the frame, the source's frame interval.
    frame: Option<(u64, LumaFrame, Option<Duration>)>,
    closed: bool,
}

type Opener = Box<dyn FnMut() -> Result<Box<dyn FrameSource>, SourceError> + Send>;

pub struct ScanWorker {
    stop: Arc<AtomicBool>,
    slot: Arc<(Mutex<Slot>, Condvar)>,
    dropped: Arc<AtomicU64>,
    rearm: Rearm,
    threads: Vec<JoinHandle<()>>,
}

/// Makes the worker forget the codes it has seen, so that a code still in view counts once more
/// (a kiosk back on its attract screen must start a sale with the code a shopper already holds
/// up). Cheap to clone; the decoder looks at it before each frame.
#[derive(Debug, Clone, Default)]
pub struct Rearm(Arc<AtomicBool>);

impl Rearm {
    pub fn forget_seen(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Asked for and not yet done by the decoder.
    pub fn pending(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    fn take(&self) -> bool {
        self.0.swap(false, Ordering::SeqCst)
    }
}

impl ScanWorker {
    /// Starts the worker. `open` is called on the camera thread to (re)open the source.
    pub fn start(
        open: impl FnMut() -> Result<Box<dyn FrameSource>, SourceError> + Send + 'static,
        options: WorkerOptions,
    ) -> std::io::Result<(ScanWorker, Receiver<ScanEvent>)> {
        let (tx, rx) = sync_channel(64);
        let stop = Arc::new(AtomicBool::new(false));
        let slot = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let dropped = Arc::new(AtomicU64::new(0));
        let camera = {
            let (stop, slot, dropped, tx) =
                (stop.clone(), slot.clone(), dropped.clone(), tx.clone());
            let open: Opener = Box::new(open);
            let backoff = options.reconnect_after;
            std::thread::Builder::new()
                .name("scan-camera".into())
                .spawn(move || camera_loop(open, &stop, &slot, &dropped, &tx, backoff))?
        };
        let rearm = Rearm::default();
        let decoder = {
            let (stop, slot, rearm) = (stop.clone(), slot.clone(), rearm.clone());
            std::thread::Builder::new()
                .name("scan-decoder".into())
                .spawn(move || decoder_loop(&stop, &slot, &tx, &options, &rearm))?
        };
        Ok((
            ScanWorker {
                stop,
                slot,
                dropped,
                rearm,
                threads: vec![camera, decoder],
            },
            rx,
        ))
    }

    /// Frames the decoder never saw because a newer one replaced them.
    pub fn dropped_frames(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// The handle that makes this worker forget what it has seen ([`Rearm`]).
    pub fn rearm(&self) -> Rearm {
        self.rearm.clone()
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let (lock, cv) = &*self.slot;
        if let Ok(mut s) = lock.lock() {
            s.closed = true;
        }
        cv.notify_all();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for ScanWorker {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn close(slot: &(Mutex<Slot>, Condvar)) {
    if let Ok(mut s) = slot.0.lock() {
        s.closed = true;
    }
    slot.1.notify_all();
}

fn camera_loop(
    mut open: Opener,
    stop: &AtomicBool,
    slot: &(Mutex<Slot>, Condvar),
    dropped: &AtomicU64,
    tx: &SyncSender<ScanEvent>,
    backoff: Duration,
) {
    let mut seq = 0u64;
    let mut wait = backoff;
    'outer: while !stop.load(Ordering::SeqCst) {
        let mut source = match open() {
            Ok(s) => s,
            Err(SourceError::Fatal(m)) => {
                let _ = tx.send(ScanEvent::Failed(m));
                break;
            }
            Err(SourceError::Unavailable(m)) => {
                if tx.send(ScanEvent::Lost(m)).is_err() {
                    break;
                }
                sleep_unless_stopped(stop, wait);
                wait = (wait * 2).min(backoff * 8);
                continue;
            }
        };
        if tx.send(ScanEvent::Started(source.describe())).is_err() {
            break;
        }
        while !stop.load(Ordering::SeqCst) {
            match source.next_frame() {
                Ok(frame) => {
                    wait = backoff;
                    seq += 1;
                    let Ok(mut s) = slot.0.lock() else {
                        break 'outer;
                    };
                    if s.closed {
                        break 'outer;
                    }
                    if s.frame.replace((seq, frame, source.interval())).is_some() {
                        dropped.fetch_add(1, Ordering::Relaxed);
                    }
                    slot.1.notify_one();
                }
                Err(SourceError::Unavailable(m)) => {
                    if tx.send(ScanEvent::Lost(m)).is_err() {
                        break 'outer;
                    }
                    drop(source);
                    sleep_unless_stopped(stop, wait);
                    wait = (wait * 2).min(backoff * 8);
                    continue 'outer;
                }
                Err(SourceError::Fatal(m)) => {
                    let _ = tx.send(ScanEvent::Failed(m));
                    break 'outer;
                }
            }
        }
    }
    close(slot);
}

fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) {
    let until = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(
            Duration::from_millis(20).min(until.saturating_duration_since(Instant::now())),
        );
    }
}

fn decoder_loop(
    stop: &AtomicBool,
    slot: &(Mutex<Slot>, Condvar),
    tx: &SyncSender<ScanEvent>,
    options: &WorkerOptions,
    rearm: &Rearm,
) {
    let decoder = Decoder::new(Effort::Stream);
    let mut confirmer = Confirmer::new(options.confirm_frames, options.confirm_window);
    let mut debouncer = Debouncer::new(options.debounce_ms);
    let epoch = Instant::now();
    let mut last_preview: Option<u64> = None;
    loop {
        let (seq, frame, interval) = {
            let Ok(mut s) = slot.0.lock() else { break };
            loop {
                if let Some(f) = s.frame.take() {
                    break f;
                }
                if s.closed || stop.load(Ordering::SeqCst) {
                    return;
                }
                s = match slot.1.wait_timeout(s, Duration::from_millis(100)) {
                    Ok((g, _)) => g,
                    Err(_) => return,
                };
            }
        };
        if rearm.take() {
            confirmer = Confirmer::new(options.confirm_frames, options.confirm_window);
            debouncer = Debouncer::new(options.debounce_ms);
        }
        let started = Instant::now();
        let budget = options.frame_budget.for_frame(interval);
        // A decoder bug on one frame must not freeze scanning: the frame is skipped, said
        // once in the log and to the window, and the next frame is read as usual.
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            decoder.decode_within(&frame, budget)
        }));
        let (found, gave_up) = match decoded {
            Ok(d) => (d.found, d.gave_up),
            Err(_) => {
                tracing::error!(seq, "the decoder panicked on a frame; skipped it");
                let _ = tx.try_send(ScanEvent::DecoderFault { seq });
                continue;
            }
        };
        if let Some(every) = options.preview_every_ms {
            let now = u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
            if last_preview.is_none_or(|t| now.saturating_sub(t) >= every) {
                last_preview = Some(now);
                // Dropped when the UI is behind: a preview is never worth waiting for.
                let _ = tx.try_send(ScanEvent::Preview(Arc::new(frame.half())));
            }
        }
        let decode_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        let now_ms = u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut accepted = Vec::new();
        for d in confirmer.feed(&found) {
            if debouncer.accept(&d.text, now_ms) {
                accepted.push(d);
            }
        }
        // Keep confirmed codes that stay in view from counting again.
        for d in &found {
            if !accepted.iter().any(|a| a.text == d.text) && !d.symbology.is_linear() {
                debouncer.accept(&d.text, now_ms);
            }
        }
        match tx.try_send(ScanEvent::Frame {
            seq,
            decode_us,
            seen: found.len(),
            gave_up,
        }) {
            Err(TrySendError::Disconnected(_)) => break,
            Ok(()) | Err(TrySendError::Full(_)) => {}
        }
        for d in accepted {
            let kind = classify(&d.text, Some(d.symbology));
            let read = ScanRead {
                symbology: d.symbology,
                text: d.text,
                kind,
                frame: seq,
                bbox: d.bbox,
            };
            if tx.send(ScanEvent::Scan(read)).is_err() {
                stop.store(true, Ordering::SeqCst);
                close(slot);
                return;
            }
        }
    }
    stop.store(true, Ordering::SeqCst);
    close(slot);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(s: Symbology, t: &str) -> Detection {
        Detection {
            symbology: s,
            text: t.into(),
            at: None,
            bbox: None,
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn one_d_reads_need_two_frames_qr_does_not() {
        let mut c = Confirmer::new(2, 4);
        let ean = det(Symbology::Ean13, "4006381333931");
        let qr = det(Symbology::Qr, "MB1:x");
        let steps: Vec<(Vec<Detection>, Vec<&str>)> = vec![
            (vec![ean.clone(), qr.clone()], vec!["MB1:x"]),
            (vec![], vec![]),
            (vec![ean.clone()], vec!["4006381333931"]),
            (vec![det(Symbology::Upce, "01234565")], vec![]),
            (vec![], vec![]),
            (vec![], vec![]),
            (vec![], vec![]),
            (vec![det(Symbology::Upce, "01234565")], vec![]), // the first UPC-E read is out of the window
        ];
        for (i, (input, want)) in steps.into_iter().enumerate() {
            let got: Vec<String> = c.feed(&input).into_iter().map(|d| d.text).collect();
            assert_eq!(got, want, "step {i}");
        }
    }

    struct Failing;
    impl FrameSource for Failing {
        fn describe(&self) -> String {
            "failing".into()
        }
        fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
            Err(SourceError::Fatal("gone for good".into()))
        }
    }

    #[test]
    fn a_fatal_source_stops_the_worker_with_a_message() {
        let (w, rx) = ScanWorker::start(
            || Ok(Box::new(Failing) as Box<dyn FrameSource>),
            WorkerOptions::default(),
        )
        .expect("threads");
        let events: Vec<ScanEvent> = rx.iter().take(2).collect();
        assert_eq!(
            events,
            vec![
                ScanEvent::Started("failing".into()),
                ScanEvent::Failed("gone for good".into())
            ]
        );
        w.stop();
    }

    /// The same picture, over and over: a code held still in front of the lens.
    struct Still(LumaFrame);
    impl FrameSource for Still {
        fn describe(&self) -> String {
            "still".into()
        }
        fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
            std::thread::sleep(Duration::from_millis(5));
            Ok(self.0.clone())
        }
    }

    #[test]
    fn a_code_held_in_view_counts_once_until_the_worker_is_rearmed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/demo-frames/05-qr-digital-link.jpg");
        let frame = LumaFrame::open(&path).expect("the bundled demo frame");
        let opts = WorkerOptions {
            // Longer than the test: only a rearm may let the code count again.
            debounce_ms: 3_600_000,
            ..WorkerOptions::default()
        };
        let (w, rx) = ScanWorker::start(
            move || Ok(Box::new(Still(frame.clone())) as Box<dyn FrameSource>),
            opts,
        )
        .expect("threads");
        let next_scan = |frames_without: &mut u64| loop {
            match rx.recv_timeout(Duration::from_secs(60)).expect("an event") {
                ScanEvent::Scan(r) => return r.text,
                ScanEvent::Frame { .. } => *frames_without += 1,
                _ => {}
            }
        };
        let mut frames = 0;
        let first = next_scan(&mut frames);
        assert!(first.starts_with("https://"), "{first}");
        // Thirty more frames of the same code: none counts.
        frames = 0;
        let mut scans = 0;
        while frames < 30 {
            match rx.recv_timeout(Duration::from_secs(60)).expect("an event") {
                ScanEvent::Scan(_) => scans += 1,
                ScanEvent::Frame { .. } => frames += 1,
                _ => {}
            }
        }
        assert_eq!(scans, 0, "a code held still counted again");
        w.rearm().forget_seen();
        assert_eq!(next_scan(&mut frames), first);
        w.stop();
    }

    #[test]
    fn a_lost_camera_is_reopened() {
        let opened = Arc::new(AtomicU64::new(0));
        let o = opened.clone();
        let opts = WorkerOptions {
            reconnect_after: Duration::from_millis(5),
            ..WorkerOptions::default()
        };
        let (w, rx) = ScanWorker::start(
            move || {
                if o.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err(SourceError::Unavailable("unplugged".into()))
                } else {
                    Ok(Box::new(Failing) as Box<dyn FrameSource>)
                }
            },
            opts,
        )
        .expect("threads");
        let events: Vec<ScanEvent> = rx.iter().take(4).collect();
        assert_eq!(events[0], ScanEvent::Lost("unplugged".into()));
        assert_eq!(events[2], ScanEvent::Started("failing".into()));
        w.stop();
    }
}
