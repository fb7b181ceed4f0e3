//! Turning a luma frame into the codes it shows.
//!
//! The passes, cheapest first (see docs/scanning.md):
//! 1. rxing on the whole frame (1D rows, then the QR detectors);
//! 2. further binarisers and scales when the first pass saw nothing.

use std::collections::HashSet;

use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHints, Luma8Source, MultiFormatReader,
    RXingResult, Reader,
};

use super::frame::LumaFrame;
use crate::domain::gtin::{Gtin, check_digit};
use crate::domain::scan::Symbology;

/// One code found in a frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub symbology: Symbology,
    /// The text as the symbol carries it (12 digits for UPC-A, 8 for UPC-E).
    pub text: String,
    /// Where it was seen (frame pixels, roughly its centre), when known.
    pub at: Option<(f32, f32)>,
}

/// How hard to look. A live stream uses `Stream` (a time budget per frame; the next frame is
/// another chance), still images use `Still`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    Stream,
    Still,
}

pub struct Decoder {
    effort: Effort,
    hints: DecodeHints,
}

fn formats() -> HashSet<BarcodeFormat> {
    [
        BarcodeFormat::EAN_13,
        BarcodeFormat::EAN_8,
        BarcodeFormat::UPC_A,
        BarcodeFormat::UPC_E,
        BarcodeFormat::CODE_128,
        BarcodeFormat::QR_CODE,
    ]
    .into_iter()
    .collect()
}

pub(crate) fn symbology_of(format: BarcodeFormat) -> Option<Symbology> {
    Some(match format {
        BarcodeFormat::EAN_13 => Symbology::Ean13,
        BarcodeFormat::EAN_8 => Symbology::Ean8,
        BarcodeFormat::UPC_A => Symbology::Upca,
        BarcodeFormat::UPC_E => Symbology::Upce,
        BarcodeFormat::CODE_128 => Symbology::Code128,
        BarcodeFormat::QR_CODE => Symbology::Qr,
        _ => return None,
    })
}

/// True when `text` is a well-formed payload for `symbology`: the right number of digits and a
/// valid check digit for the EAN/UPC family, something non-empty otherwise.
pub fn plausible(symbology: Symbology, text: &str) -> bool {
    let digits = |n: usize| text.len() == n && text.bytes().all(|b| b.is_ascii_digit());
    let check_ok = || {
        let d: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        d.split_last()
            .is_some_and(|(last, body)| check_digit(body) == *last)
    };
    match symbology {
        Symbology::Ean13 => digits(13) && check_ok(),
        Symbology::Ean8 => digits(8) && check_ok(),
        Symbology::Upca => digits(12) && check_ok(),
        Symbology::Upce => digits(8) && Gtin::from_upce(text).is_ok(),
        Symbology::Code128 | Symbology::Qr => !text.is_empty(),
    }
}

impl Decoder {
    pub fn new(effort: Effort) -> Decoder {
        let mut hints = DecodeHints {
            PossibleFormats: Some(formats()),
            ..DecodeHints::default()
        };
        if effort == Effort::Still {
            hints.TryHarder = Some(true);
        }
        Decoder { effort, hints }
    }

    pub fn effort(&self) -> Effort {
        self.effort
    }

    /// Every code found in `frame`, each once.
    pub fn decode(&self, frame: &LumaFrame) -> Vec<Detection> {
        let mut found = Vec::new();
        self.rxing_pass(frame, &mut found);
        found
    }

    fn rxing_pass(&self, frame: &LumaFrame, found: &mut Vec<Detection>) {
        let Ok(source) =
            Luma8Source::new_with_slice(frame.data(), frame.width() as u32, frame.height() as u32)
        else {
            return;
        };
        let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source.clone()));
        if self.try_reader(&mut bitmap, found) {
            return;
        }
        let mut bitmap = BinaryBitmap::new(GlobalHistogramBinarizer::new(source));
        self.try_reader(&mut bitmap, found);
    }

    fn try_reader<B: Binarizer>(
        &self,
        bitmap: &mut BinaryBitmap<B>,
        found: &mut Vec<Detection>,
    ) -> bool {
        let mut reader = MultiFormatReader::default();
        match reader.decode_with_hints(bitmap, &self.hints) {
            Ok(r) => push_result(&r, found),
            Err(_) => false,
        }
    }
}

fn centre(r: &RXingResult) -> Option<(f32, f32)> {
    let pts = r.getPoints();
    if pts.is_empty() {
        return None;
    }
    let n = pts.len() as f32;
    Some((
        pts.iter().map(|p| p.x).sum::<f32>() / n,
        pts.iter().map(|p| p.y).sum::<f32>() / n,
    ))
}

/// Adds `r` to `found` when it is one of our symbologies, plausible and new. True when added.
fn push_result(r: &RXingResult, found: &mut Vec<Detection>) -> bool {
    let Some(symbology) = symbology_of(*r.getBarcodeFormat()) else {
        return false;
    };
    let text = r.getText().to_owned();
    if !plausible(symbology, &text)
        || found
            .iter()
            .any(|d| d.symbology == symbology && d.text == text)
    {
        return false;
    }
    found.push(Detection {
        symbology,
        text,
        at: centre(r),
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausibility_table() {
        let cases = [
            (Symbology::Ean13, "4006381333931", true),
            (Symbology::Ean13, "4006381333932", false),
            (Symbology::Ean13, "400638133393", false),
            (Symbology::Ean8, "96385074", true),
            (Symbology::Ean8, "96385075", false),
            (Symbology::Upca, "036000291452", true),
            (Symbology::Upca, "036000291453", false),
            (Symbology::Upce, "01234565", true),
            (Symbology::Upce, "01234566", false),
            (Symbology::Code128, "SS1-ABC", true),
            (Symbology::Code128, "", false),
            (Symbology::Qr, "MB1:x", true),
        ];
        for (s, t, want) in cases {
            assert_eq!(plausible(s, t), want, "{s:?} {t}");
        }
    }

    #[test]
    fn blank_frames_hold_nothing() {
        let d = Decoder::new(Effort::Still);
        for level in [0, 128, 255] {
            assert!(d.decode(&LumaFrame::filled(640, 480, level)).is_empty());
        }
        assert!(d.decode(&LumaFrame::filled(1, 1, 0)).is_empty());
    }
}
