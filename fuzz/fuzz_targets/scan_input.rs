//! Random bytes into every outside-input path of scanning: image files, raw luma frames, the
//! decoder, camera specs, classification of read text, and keyboard-wedge timing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smartstore_domain::scan::classify;
use smartstore_scan::wedge::{Key, WedgeDetector};
use smartstore_scan::{CameraSpec, Decoder, Effort, LumaFrame};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 5 {
        0 => {
            if let Ok(frame) = LumaFrame::from_encoded(rest, "fuzz") {
                if frame.width() * frame.height() <= 1 << 20 {
                    let _ = Decoder::new(Effort::Still).decode(&frame);
                }
            }
        }
        1 => {
            // Raw luma: first byte picks the width.
            if let Some((&w, px)) = rest.split_first() {
                let w = usize::from(w).max(1);
                let h = px.len() / w;
                if h > 0 {
                    let frame = LumaFrame::new(w, h, px[..w * h].to_vec()).expect("sized");
                    let _ = Decoder::new(Effort::Stream).decode(&frame);
                    let _ = Decoder::new(Effort::Still).decode(&frame);
                }
            }
        }
        4 => {
            // A bit row straight into the EAN/UPC width reader.
            let mut bits = rxing::common::BitArray::with_size(rest.len() * 8);
            for (i, byte) in rest.iter().enumerate() {
                for b in 0..8 {
                    if byte & (1 << b) != 0 {
                        bits.set(i * 8 + b);
                    }
                }
            }
            let _ = smartstore_scan::upcean::read(&bits);
        }
        2 => {
            let text = String::from_utf8_lossy(rest);
            let _ = text.parse::<CameraSpec>();
            let _ = classify(&text, None);
        }
        _ => {
            let mut d = WedgeDetector::default();
            let mut t = 0u64;
            for pair in rest.chunks(2) {
                t += u64::from(pair[0]);
                let key = match pair.get(1) {
                    Some(b'\n') | None => Key::Enter,
                    Some(&c) => Key::Char(char::from(c)),
                };
                let _ = d.key(key, t);
            }
            let _ = d.idle(t + 1000);
        }
    }
});
