//! Solid areas of one colour on a rendering or a screenshot: how tests find buttons by the
//! theme's colours (their size for touch targets, their place to click them).

/// A solid area: its bounding box and how many of its pixels matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub pixels: usize,
}

impl Area {
    /// Whether this area lies inside `other` (the counter of a glyph inside a button).
    pub fn inside(&self, other: &Area) -> bool {
        self != other
            && self.x >= other.x
            && self.y >= other.y
            && self.x + self.width <= other.x + other.width
            && self.y + self.height <= other.y + other.height
    }
}

/// The 4-connected areas of `image` whose pixels `matches`, at least `min_pixels` large and
/// at least 3 px thick and filling at least 60 % of their box (a filled button, not text or a
/// thin rule).
pub fn solid_areas(
    image: &image::RgbaImage,
    matches: impl Fn([u8; 4]) -> bool,
    min_pixels: usize,
) -> Vec<Area> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let on = |i: usize| matches(image.get_pixel((i % w) as u32, (i / w) as u32).0);
    let mut seen = vec![false; w * h];
    let mut found = Vec::new();
    for start in 0..w * h {
        if seen[start] || !on(start) {
            continue;
        }
        let (mut x0, mut y0, mut x1, mut y1, mut pixels) = (w, h, 0, 0, 0usize);
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            pixels += 1;
            let neighbours = [
                (x > 0).then(|| i - 1),
                (x + 1 < w).then(|| i + 1),
                (y > 0).then(|| i - w),
                (y + 1 < h).then(|| i + w),
            ];
            for j in neighbours.into_iter().flatten() {
                if !seen[j] && on(j) {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
        let (bw, bh) = (x1 - x0 + 1, y1 - y0 + 1);
        if pixels >= min_pixels && bw >= 3 && bh >= 3 && pixels * 10 >= bw * bh * 6 {
            found.push(Area {
                x: x0 as u32,
                y: y0 as u32,
                width: bw as u32,
                height: bh as u32,
                pixels,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_box_is_found_and_a_line_or_a_glyph_hole_is_not() {
        let mut img = image::RgbaImage::from_pixel(100, 60, image::Rgba([255, 255, 255, 255]));
        let blue = image::Rgba([0, 61, 165, 255]);
        for y in 10..40 {
            for x in 5..55 {
                img.put_pixel(x, y, blue);
            }
        }
        // A white stroke inside the box cuts a small blue hole out.
        for y in 20..30 {
            img.put_pixel(20, y, image::Rgba([255, 255, 255, 255]));
            img.put_pixel(26, y, image::Rgba([255, 255, 255, 255]));
        }
        for x in 20..27 {
            img.put_pixel(x, 20, image::Rgba([255, 255, 255, 255]));
            img.put_pixel(x, 29, image::Rgba([255, 255, 255, 255]));
        }
        // A one-pixel rule.
        for x in 60..99 {
            img.put_pixel(x, 50, blue);
        }
        let areas = solid_areas(&img, |p| p == blue.0, 10);
        let outer: Vec<&Area> = areas
            .iter()
            .filter(|a| !areas.iter().any(|b| a.inside(b)))
            .collect();
        assert_eq!(outer.len(), 1, "{areas:?}");
        assert_eq!(
            (outer[0].x, outer[0].y, outer[0].width, outer[0].height),
            (5, 10, 50, 30)
        );
        assert!(
            areas.iter().any(|a| a.width == 5 && a.height == 8),
            "{areas:?}"
        );
    }
}
