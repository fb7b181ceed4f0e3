//! One decoding path at every scale (issue 18): EAN-13, Code 128 and QR codes with modules of
//! 1.5 to 20 pixels, played through the live worker as a camera would show them, are read
//! exactly when `scan FILE` (a still) reads them.
//!
//! The source hands the worker a frame only after the worker reported the one before, so no
//! frame is dropped however fast the machine is; the budget is counted in decoder steps, not
//! time (a frame interval on a busy test machine is not a frame interval on a till).

use std::collections::BTreeSet;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use smartstore_domain::gtin::check_digit;
use smartstore_domain::scan::Symbology;
use smartstore_scan::{
    Decoder, Effort, FrameBudget, FrameSource, LumaFrame, ScanEvent, ScanWorker, SourceError,
    WorkerOptions,
};
use smartstore_testkit::scene::{Scene, draw};

/// Each frame is shown this many times in a row (a 1D read is trusted once two frames agree).
const HOLD: usize = 3;
/// Steps (scan lines, QR searches) the live worker may spend on a frame in this test: the most
/// a sweep frame takes is about 60.
const STEPS: u64 = 400;

/// Module sizes from 1.5 to 20 pixels: the cases (2.5, 6 and 10) among them.
const SIZES: [f32; 15] = [
    1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0,
];

fn ean13(module: f32) -> String {
    // The module size in the digits, so that every frame carries its own code.
    let body: Vec<u8> = format!("400638{:06}", (module * 10.0) as u32)
        .bytes()
        .map(|b| b - b'0')
        .collect();
    let mut text: String = body.iter().map(|d| char::from(b'0' + d)).collect();
    text.push(char::from(b'0' + check_digit(&body)));
    text
}

/// The sweep: every frame and the text it carries. 1D codes wider than a 1280-pixel frame get
/// a wider frame (at 20-pixel modules an EAN-13 is 1,900 pixels long).
fn sweep() -> Vec<(Symbology, String, f32, LumaFrame)> {
    let mut out = Vec::new();
    for (i, m) in SIZES.into_iter().enumerate() {
        for (symbology, text) in [
            (Symbology::Ean13, ean13(m)),
            (Symbology::Code128, format!("S{}", (m * 10.0) as u32)),
            (Symbology::Qr, format!("PU1:MODULE-{m}")),
        ] {
            let width = match symbology {
                Symbology::Qr => 1280,
                _ => 1280usize.max((m * 130.0) as usize),
            };
            let frame = draw(&Scene {
                symbology,
                text: text.clone(),
                module_px: m,
                // Square to the axes and turned a little, by turns.
                angle_deg: if i % 2 == 0 { 0.0 } else { 4.0 },
                width,
                height: 720,
                noise: 2.0,
                seed: (m * 10.0) as u64,
            })
            .expect("draw");
            out.push((symbology, text, m, frame));
        }
    }
    out
}

/// Frames on demand: one per token the test sends after the worker reported the last.
struct Paced {
    frames: Vec<LumaFrame>,
    next: usize,
    go: Receiver<()>,
}

impl FrameSource for Paced {
    fn describe(&self) -> String {
        "paced sweep".into()
    }

    fn next_frame(&mut self) -> Result<LumaFrame, SourceError> {
        if self.go.recv().is_err() || self.next >= self.frames.len() * HOLD {
            return Err(SourceError::Fatal("the sweep is over".into()));
        }
        let f = self.frames[self.next / HOLD].clone();
        self.next += 1;
        Ok(f)
    }
}

#[test]
fn live_reads_what_stills_read_at_every_module_size() {
    let sweep = sweep();
    assert_eq!(sweep.len(), 3 * SIZES.len(), "the sweep");
    let still = Decoder::new(Effort::Still);
    let stills: BTreeSet<String> = sweep
        .iter()
        .filter(|(_, text, _, frame)| still.decode(frame).iter().any(|d| d.text == *text))
        .map(|(_, text, _, _)| text.clone())
        .collect();

    let (go, go_rx) = channel();
    let frames: Vec<LumaFrame> = sweep.iter().map(|s| s.3.clone()).collect();
    let total = frames.len() * HOLD;
    let mut source = Some(Paced {
        frames,
        next: 0,
        go: go_rx,
    });
    let options = WorkerOptions {
        debounce_ms: 0,
        frame_budget: FrameBudget::Steps(STEPS),
        ..WorkerOptions::default()
    };
    let (worker, events) = ScanWorker::start(
        move || {
            source
                .take()
                .map(|s| Box::new(s) as Box<dyn FrameSource>)
                .ok_or_else(|| SourceError::Fatal("opened twice".into()))
        },
        options,
    )
    .expect("worker");
    let mut live = BTreeSet::new();
    let mut decoded = 0;
    let mut gave_up = 0;
    go.send(()).expect("first frame");
    while decoded < total {
        match events
            .recv_timeout(Duration::from_secs(600))
            .expect("the worker reports every frame")
        {
            ScanEvent::Frame { gave_up: g, .. } => {
                decoded += 1;
                gave_up += usize::from(g);
                let _ = go.send(());
            }
            ScanEvent::Scan(read) => {
                live.insert(read.text);
            }
            ScanEvent::Failed(why) => panic!("the worker stopped: {why}"),
            _ => {}
        }
    }
    worker.stop();

    assert_eq!(gave_up, 0, "no sweep frame needs more than {STEPS} steps");
    let only_still: Vec<_> = stills.difference(&live).collect();
    let only_live: Vec<_> = live.difference(&stills).collect();
    assert!(
        only_still.is_empty() && only_live.is_empty(),
        "stills only: {only_still:?}; live only: {only_live:?}"
    );
    // Not a vacuous pass: each symbology is read at every size.
    for symbology in [Symbology::Ean13, Symbology::Code128, Symbology::Qr] {
        let read = sweep
            .iter()
            .filter(|s| s.0 == symbology && live.contains(&s.1))
            .count();
        assert_eq!(read, SIZES.len(), "{symbology:?}: {read} sizes read");
    }
}

#[test]
fn a_spent_budget_gives_the_frame_up_and_keeps_what_was_read() {
    let (_, text, _, frame) = sweep()
        .into_iter()
        .find(|s| s.0 == Symbology::Ean13 && s.2 == 3.0)
        .expect("a 3-pixel EAN-13");
    let decoder = Decoder::new(Effort::Stream);
    let full = decoder.decode_within(&frame, smartstore_scan::Budget::unlimited());
    assert!(!full.gave_up && full.found.iter().any(|d| d.text == text));
    assert!(
        full.steps >= 2,
        "two lines at least read it: {}",
        full.steps
    );
    let none = decoder.decode_within(&frame, smartstore_scan::Budget::steps(0));
    assert!(none.gave_up && none.found.is_empty() && none.steps == 0);
    let short = decoder.decode_within(&frame, smartstore_scan::Budget::steps(full.steps - 1));
    assert!(short.gave_up, "one step short of the full decode");
    assert_eq!(short.steps, full.steps - 1);
    // The same budget again: the same result (the decoder keeps no state between frames).
    assert_eq!(
        decoder.decode_within(&frame, smartstore_scan::Budget::steps(full.steps)),
        full
    );
}
