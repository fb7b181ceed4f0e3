//! A code's text as a QR symbol: one alphanumeric-mode segment, error correction M, the smallest
//! version that holds it.

use std::path::Path;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::bits::Bits;
use qrcode::{EcLevel, QrCode, Version};

/// Pixels per QR module in the PNGs [`write_qr_png`] writes.
const MODULE_PX: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("'{0}' cannot go in a QR code's alphanumeric mode (only 0-9, A-Z, space and $%*+-./:)")]
    NotAlphanumeric(char),
    #[error("the text is too long for a QR code at error correction M")]
    TooLong,
    #[error("cannot make the QR code: {0}")]
    Qr(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: image::ImageError,
    },
}

fn is_alphanumeric(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)
}

/// The QR symbol of `text` in a single alphanumeric segment at error correction M.
pub fn qr_code(text: &str) -> Result<QrCode, QrError> {
    if let Some(c) = text.chars().find(|c| !is_alphanumeric(*c)) {
        return Err(QrError::NotAlphanumeric(c));
    }
    for v in 1..=40 {
        let mut bits = Bits::new(Version::Normal(v));
        if bits.push_alphanumeric_data(text.as_bytes()).is_ok()
            && bits.push_terminator(EcLevel::M).is_ok()
        {
            return QrCode::with_bits(bits, EcLevel::M).map_err(|e| QrError::Qr(e.to_string()));
        }
    }
    Err(QrError::TooLong)
}

/// The QR version (1 to 40) `text` needs.
pub fn qr_version(text: &str) -> Result<i16, QrError> {
    match qr_code(text)?.version() {
        Version::Normal(v) | Version::Micro(v) => Ok(v),
    }
}

/// The symbol as a black-on-white image, `module_px` pixels a module, with the quiet zone.
pub fn render_qr(text: &str, module_px: u32) -> Result<GrayImage, QrError> {
    Ok(qr_code(text)?
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px.max(1), module_px.max(1))
        .build())
}

/// Writes the code's QR symbol to `path` as a PNG, 8 pixels a module.
pub fn write_qr_png(text: &str, path: &Path) -> Result<(), QrError> {
    render_qr(text, MODULE_PX)?
        .save_with_format(path, ImageFormat::Png)
        .map_err(|source| QrError::Write {
            path: path.display().to_string(),
            source,
        })
}
