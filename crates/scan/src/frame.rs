//! A grey (luma) picture: what every frame source produces and what the decoder reads.

use std::path::Path;

/// Frames larger than this many pixels are refused (a 40-megapixel photo is already far more
/// than a barcode needs; a crafted header could otherwise ask for gigabytes).
pub const MAX_PIXELS: u64 = 40_000_000;

/// An 8-bit luma picture, rows top to bottom, `width` bytes per row.
#[derive(Clone, PartialEq, Eq)]
pub struct LumaFrame {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl std::fmt::Debug for LumaFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LumaFrame({}x{})", self.width, self.height)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not an image this program can read ({why})")]
    Format { path: String, why: String },
    #[error("{path} is {width}x{height} pixels, more than the {max} megapixels allowed")]
    TooLarge {
        path: String,
        width: u32,
        height: u32,
        max: u64,
    },
    #[error("frame data has {got} bytes, {width}x{height} needs {want}")]
    BadSize {
        width: usize,
        height: usize,
        got: usize,
        want: usize,
    },
}

impl LumaFrame {
    pub fn new(width: usize, height: usize, data: Vec<u8>) -> Result<LumaFrame, FrameError> {
        let want = width.saturating_mul(height);
        if data.len() != want || width == 0 || height == 0 {
            return Err(FrameError::BadSize {
                width,
                height,
                got: data.len(),
                want,
            });
        }
        Ok(LumaFrame {
            width,
            height,
            data,
        })
    }

    /// A frame of one grey level.
    pub fn filled(width: usize, height: usize, level: u8) -> LumaFrame {
        LumaFrame {
            width: width.max(1),
            height: height.max(1),
            data: vec![level; width.max(1) * height.max(1)],
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    pub fn into_data(self) -> Vec<u8> {
        self.data
    }

    /// The part of the frame inside the box `[x0, y0, x1, y1]` (clipped to the frame), with its
    /// top left corner in this frame's pixels; None when nothing of the box is inside.
    pub fn crop(&self, b: [f32; 4]) -> Option<(LumaFrame, (f32, f32))> {
        let clip = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1) = (clip(b[0], self.width), clip(b[2].ceil(), self.width));
        let (y0, y1) = (clip(b[1], self.height), clip(b[3].ceil(), self.height));
        if x0 >= x1 || y0 >= y1 {
            return None;
        }
        let mut data = Vec::with_capacity((x1 - x0) * (y1 - y0));
        for y in y0..y1 {
            data.extend_from_slice(&self.data[y * self.width + x0..y * self.width + x1]);
        }
        let frame = LumaFrame {
            width: x1 - x0,
            height: y1 - y0,
            data,
        };
        Some((frame, (x0 as f32, y0 as f32)))
    }

    /// Paints the box `[x0, y0, x1, y1]` (clipped to the frame) in `level`.
    pub fn fill_rect(&mut self, b: [f32; 4], level: u8) {
        let clip = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        let (x0, x1) = (clip(b[0], self.width), clip(b[2].ceil(), self.width));
        let (y0, y1) = (clip(b[1], self.height), clip(b[3].ceil(), self.height));
        if x0 >= x1 {
            return;
        }
        for y in y0..y1 {
            self.data[y * self.width + x0..y * self.width + x1].fill(level);
        }
    }

    #[inline]
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }

    /// Decodes an encoded picture (PNG, JPEG, WebP, BMP, GIF) from memory into luma.
    /// `name` only appears in error messages.
    pub fn from_encoded(bytes: &[u8], name: &str) -> Result<LumaFrame, FrameError> {
        let format_err = |e: image::ImageError| FrameError::Format {
            path: name.to_owned(),
            why: e.to_string(),
        };
        let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| FrameError::Format {
                path: name.to_owned(),
                why: e.to_string(),
            })?;
        let mut reader = reader;
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        let (w, h) = reader.into_dimensions().map_err(format_err)?;
        if u64::from(w) * u64::from(h) > MAX_PIXELS {
            return Err(FrameError::TooLarge {
                path: name.to_owned(),
                width: w,
                height: h,
                max: MAX_PIXELS / 1_000_000,
            });
        }
        let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| FrameError::Format {
                path: name.to_owned(),
                why: e.to_string(),
            })?;
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_PIXELS * 8);
        reader.limits(limits);
        let img = reader.decode().map_err(format_err)?;
        let luma = img.into_luma8();
        let (w, h) = (luma.width() as usize, luma.height() as usize);
        LumaFrame::new(w, h, luma.into_raw())
    }

    /// Reads and decodes an image file.
    pub fn open(path: &Path) -> Result<LumaFrame, FrameError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| FrameError::Read {
            path: shown.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            return Err(FrameError::Format {
                path: shown,
                why: "it is a folder".to_owned(),
            });
        }
        // Compressed images are far smaller than their pixels; 512 MiB is no photo.
        if meta.len() > 512 * 1024 * 1024 {
            return Err(FrameError::Format {
                path: shown,
                why: format!("the file has {} bytes", meta.len()),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| FrameError::Read {
            path: shown.clone(),
            source: e,
        })?;
        LumaFrame::from_encoded(&bytes, &shown)
    }

    /// Half the size in each direction (2x2 box average).
    /// The frame sharpened against its four neighbours (`c + k (c - mean of the four)`, the
    /// border left as it is): blur that washed the edges of small modules towards grey is
    /// partly undone.
    pub fn sharpened(&self, k: i32) -> LumaFrame {
        let (w, h) = (self.width, self.height);
        let mut out = self.data.clone();
        if w >= 3 && h >= 3 {
            for y in 1..h - 1 {
                let (up, row, down) = (
                    &self.data[(y - 1) * w..][..w],
                    &self.data[y * w..][..w],
                    &self.data[(y + 1) * w..][..w],
                );
                let o = &mut out[y * w..][..w];
                for x in 1..w - 1 {
                    let c = i32::from(row[x]);
                    let n = i32::from(row[x - 1])
                        + i32::from(row[x + 1])
                        + i32::from(up[x])
                        + i32::from(down[x]);
                    o[x] = (c + k * (4 * c - n) / 4).clamp(0, 255) as u8;
                }
            }
        }
        LumaFrame {
            width: w,
            height: h,
            data: out,
        }
    }

    pub fn half(&self) -> LumaFrame {
        let (w, h) = ((self.width / 2).max(1), (self.height / 2).max(1));
        if self.width < 2 || self.height < 2 {
            return self.clone();
        }
        let mut out = vec![0u8; w * h];
        for y in 0..h {
            let r0 = &self.data[2 * y * self.width..][..self.width];
            let r1 = &self.data[(2 * y + 1) * self.width..][..self.width];
            let o = &mut out[y * w..][..w];
            for x in 0..w {
                let s = u16::from(r0[2 * x])
                    + u16::from(r0[2 * x + 1])
                    + u16::from(r1[2 * x])
                    + u16::from(r1[2 * x + 1]);
                o[x] = ((s + 2) / 4) as u8;
            }
        }
        LumaFrame {
            width: w,
            height: h,
            data: out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_bytes_are_refused_with_a_message() {
        for bytes in [
            &b""[..],
            b"not an image",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"\xff\xd8\xff\xe0\0\x10JFIF\0",
        ] {
            let err = LumaFrame::from_encoded(bytes, "x.png").expect_err("garbage");
            assert!(err.to_string().contains("x.png"), "{err}");
        }
    }

    #[test]
    fn new_checks_size() {
        assert!(LumaFrame::new(2, 2, vec![0; 3]).is_err());
        assert!(LumaFrame::new(0, 2, vec![]).is_err());
        let f = LumaFrame::new(4, 2, (0..8).collect()).expect("frame");
        assert_eq!(f.half().data(), &[3, 5]);
    }

    #[test]
    fn fill_rect_is_clipped_to_the_frame() {
        let mut f = LumaFrame::filled(4, 3, 0);
        f.fill_rect([2.0, -5.0, 9.0, 1.5], 9);
        assert_eq!(f.data(), &[0, 0, 9, 9, 0, 0, 9, 9, 0, 0, 0, 0]);
        f.fill_rect([f32::NAN, 0.0, -1.0, 3.0], 7);
        assert_eq!(f.data()[0], 0);
        let (c, at) = f.crop([1.0, 0.5, 3.0, 9.0]).expect("inside");
        assert_eq!((c.width(), c.height(), at), (2, 3, (1.0, 0.0)));
        assert_eq!(c.data(), &[0, 9, 0, 9, 0, 0]);
        assert!(f.crop([5.0, 0.0, 9.0, 2.0]).is_none());
    }
}
