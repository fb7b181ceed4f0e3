//! The cheap look at a frame: where is there bar-like or block-like texture, and at what angle?
//!
//! The frame is cut into square cells; in each, gradients are sampled on every second row and
//! column and summed into a structure tensor. Cells full of strong edges are candidates; when
//! their edges all point one way (high coherence) they look like 1D bars, else like a 2D code.
//! Neighbouring candidate cells that agree are joined into regions. A frame with no region is
//! reported empty without running any decoder: that is the fast "nothing here" path.

use super::frame::LumaFrame;

pub const CELL: usize = 32;
/// |gx| + |gy| above this is an edge, not sensor noise (tuned on synthetic webcam frames).
const STRONG_EDGE: i32 = 34;
/// A cell is textured when at least this share of its samples are edges.
const MIN_STRONG_FRACTION: f32 = 0.22;
const MIN_COHERENCE_1D: f32 = 0.55;

#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    sxx: f32,
    syy: f32,
    sxy: f32,
    strong: u32,
    n: u32,
}

impl Cell {
    fn coherence(&self) -> f32 {
        let tr = self.sxx + self.syy;
        if tr <= 0.0 {
            return 0.0;
        }
        ((self.sxx - self.syy).powi(2) + 4.0 * self.sxy * self.sxy).sqrt() / tr
    }

    /// Direction of the dominant gradient (across the bars), radians in (-pi/2, pi/2].
    fn angle(&self) -> f32 {
        0.5 * (2.0 * self.sxy).atan2(self.sxx - self.syy)
    }

    fn is_textured(&self) -> bool {
        self.n > 0 && self.strong as f32 >= MIN_STRONG_FRACTION * self.n as f32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    Bars,
    Blocks,
}

#[derive(Debug, Clone)]
pub struct Region {
    pub kind: RegionKind,
    pub cells: usize,
    /// Centre in frame pixels.
    pub cx: f32,
    pub cy: f32,
    /// Gradient direction (across the bars), radians.
    pub angle: f32,
    /// The same from Sobel gradients (bar regions; `angle` otherwise): truer for sharp bars
    /// turned away from the axes, whose `angle` is pulled towards them.
    pub slant: f32,
    /// Extent along the gradient direction and across it (pixels).
    pub along: f32,
    pub across: f32,
    /// Bounding box in pixels: x0, y0, x1, y1.
    pub bbox: (usize, usize, usize, usize),
}

fn angle_diff(a: f32, b: f32) -> f32 {
    let mut d = (a - b).abs() % std::f32::consts::PI;
    if d > std::f32::consts::FRAC_PI_2 {
        d = std::f32::consts::PI - d;
    }
    d
}

/// Finds the textured regions of `frame`, largest first.
pub fn find_regions(frame: &LumaFrame) -> Vec<Region> {
    let (w, h) = (frame.width(), frame.height());
    if w < CELL || h < CELL {
        return Vec::new();
    }
    let (cw, ch) = (w / CELL, h / CELL);
    let mut cells = vec![Cell::default(); cw * ch];
    let data = frame.data();
    for cy in 0..ch {
        for ry in (0..CELL).step_by(2) {
            let y = cy * CELL + ry;
            if y + 1 >= h {
                break;
            }
            let row = &data[y * w..(y + 1) * w];
            let next = &data[(y + 1) * w..(y + 2) * w];
            for (cx, cell) in cells[cy * cw..(cy + 1) * cw].iter_mut().enumerate() {
                let x0 = cx * CELL;
                let x1 = (x0 + CELL).min(w - 1);
                let (mut sxx, mut syy, mut sxy, mut strong, mut n) = (0i32, 0i32, 0i32, 0u32, 0u32);
                // Alternate the sampling phase row by row so bars of an even width are not missed.
                let mut x = x0 + (ry / 2) % 2;
                while x < x1 {
                    let p = i32::from(row[x]);
                    let gx = i32::from(row[x + 1]) - p;
                    let gy = i32::from(next[x]) - p;
                    sxx += gx * gx;
                    syy += gy * gy;
                    sxy += gx * gy;
                    strong += u32::from(gx.abs() + gy.abs() > STRONG_EDGE);
                    n += 1;
                    x += 2;
                }
                cell.sxx += sxx as f32;
                cell.syy += syy as f32;
                cell.sxy += sxy as f32;
                cell.strong += strong;
                cell.n += n;
            }
        }
    }
    // Label candidate cells into regions: bars join bars of a similar angle, blocks join blocks.
    let kind_of = |c: &Cell| {
        if !c.is_textured() {
            None
        } else if c.coherence() >= MIN_COHERENCE_1D {
            Some(RegionKind::Bars)
        } else {
            Some(RegionKind::Blocks)
        }
    };
    let kinds: Vec<Option<RegionKind>> = cells.iter().map(kind_of).collect();
    // The forward differences above see a sharp edge's slant only on the rows where it moves
    // by a pixel, which pulls the angle of turned bars towards the axes (bars turned 18° came
    // out at 9°, and lines at that angle run off a short symbol's bars). Bar cells also get a
    // tensor from Sobel gradients: a region's `slant`.
    let sobel: Vec<Cell> = cells
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let mut c = Cell::default();
            if kinds[i] == Some(RegionKind::Bars) {
                (c.sxx, c.syy, c.sxy) = sobel_tensor(frame, (i % cw) * CELL, (i / cw) * CELL);
            }
            c
        })
        .collect();
    let mut label = vec![usize::MAX; cells.len()];
    let mut regions = Vec::new();
    let mut stack = Vec::new();
    for start in 0..cells.len() {
        let Some(kind) = kinds[start] else { continue };
        if label[start] != usize::MAX {
            continue;
        }
        let id = regions.len();
        label[start] = id;
        stack.push(start);
        let mut members = Vec::new();
        let seed_angle = cells[start].angle();
        while let Some(i) = stack.pop() {
            members.push(i);
            let (x, y) = ((i % cw) as isize, (i / cw) as isize);
            for dy in -1..=1isize {
                for dx in -1..=1isize {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx < 0 || ny < 0 || nx >= cw as isize || ny >= ch as isize {
                        continue;
                    }
                    let j = ny as usize * cw + nx as usize;
                    if label[j] != usize::MAX {
                        continue;
                    }
                    let joins = match (kind, kinds[j]) {
                        (RegionKind::Bars, Some(RegionKind::Bars)) => {
                            angle_diff(cells[j].angle(), seed_angle) < 0.35
                        }
                        (RegionKind::Blocks, Some(RegionKind::Blocks)) => true,
                        (RegionKind::Blocks, Some(RegionKind::Bars)) => false,
                        (RegionKind::Bars, Some(RegionKind::Blocks)) => false,
                        (_, None) => false,
                    };
                    if joins {
                        label[j] = id;
                        stack.push(j);
                    }
                }
            }
        }
        let mut region = summarise(kind, &members, &cells, cw, w, h);
        if kind == RegionKind::Bars {
            let mut t = Cell::default();
            for &i in &members {
                t.sxx += sobel[i].sxx;
                t.syy += sobel[i].syy;
                t.sxy += sobel[i].sxy;
            }
            region.slant = t.angle();
        }
        regions.push(region);
    }
    regions.sort_by_key(|r| std::cmp::Reverse(r.cells));
    regions
}

/// The structure tensor (sxx, syy, sxy) of the cell whose top left corner is (x0, y0), from
/// Sobel gradients on every second row and column.
fn sobel_tensor(frame: &LumaFrame, x0: usize, y0: usize) -> (f32, f32, f32) {
    let (w, h) = (frame.width(), frame.height());
    let data = frame.data();
    let p = |x: usize, y: usize| i32::from(data[y * w + x]);
    let (mut sxx, mut syy, mut sxy) = (0i64, 0i64, 0i64);
    for y in (y0.max(1)..(y0 + CELL).min(h - 1)).step_by(2) {
        for x in (x0.max(1)..(x0 + CELL).min(w - 1)).step_by(2) {
            let gx = p(x + 1, y - 1) + 2 * p(x + 1, y) + p(x + 1, y + 1)
                - p(x - 1, y - 1)
                - 2 * p(x - 1, y)
                - p(x - 1, y + 1);
            let gy = p(x - 1, y + 1) + 2 * p(x, y + 1) + p(x + 1, y + 1)
                - p(x - 1, y - 1)
                - 2 * p(x, y - 1)
                - p(x + 1, y - 1);
            let (gx, gy) = (i64::from(gx), i64::from(gy));
            sxx += gx * gx;
            syy += gy * gy;
            sxy += gx * gy;
        }
    }
    (sxx as f32, syy as f32, sxy as f32)
}

/// How far (pixels) from `r`'s centre, along its gradient direction, bar texture of about
/// the same angle reaches within the band `r` lies in: one symbol that blur or wide spaces
/// split into several regions is spanned by a single scan line.
pub fn reach(regions: &[Region], r: &Region) -> f32 {
    let (ux, uy) = (r.angle.cos(), r.angle.sin());
    let mut reach = r.along / 2.0;
    for q in regions {
        if q.kind != RegionKind::Bars || angle_diff(q.angle, r.angle) > 0.2 {
            continue;
        }
        let (dx, dy) = (q.cx - r.cx, q.cy - r.cy);
        let (along, across) = (dx * ux + dy * uy, -dx * uy + dy * ux);
        if across.abs() <= (r.across + q.across) / 2.0 {
            reach = reach.max(along.abs() + q.along / 2.0);
        }
    }
    reach
}

fn summarise(
    kind: RegionKind,
    members: &[usize],
    cells: &[Cell],
    cw: usize,
    w: usize,
    h: usize,
) -> Region {
    let mut t = Cell::default();
    let (mut sx, mut sy) = (0.0f32, 0.0f32);
    let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
    for &i in members {
        let c = &cells[i];
        t.sxx += c.sxx;
        t.syy += c.syy;
        t.sxy += c.sxy;
        let (cx, cy) = (i % cw, i / cw);
        sx += (cx * CELL + CELL / 2) as f32;
        sy += (cy * CELL + CELL / 2) as f32;
        x0 = x0.min(cx * CELL);
        y0 = y0.min(cy * CELL);
        x1 = x1.max(((cx + 1) * CELL).min(w));
        y1 = y1.max(((cy + 1) * CELL).min(h));
    }
    let n = members.len() as f32;
    let (cx, cy) = (sx / n, sy / n);
    let angle = t.angle();
    let (ux, uy) = (angle.cos(), angle.sin());
    let (mut amin, mut amax, mut bmin, mut bmax) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for &i in members {
        let px = ((i % cw) * CELL + CELL / 2) as f32 - cx;
        let py = ((i / cw) * CELL + CELL / 2) as f32 - cy;
        let a = px * ux + py * uy;
        let b = -px * uy + py * ux;
        amin = amin.min(a);
        amax = amax.max(a);
        bmin = bmin.min(b);
        bmax = bmax.max(b);
    }
    Region {
        kind,
        cells: members.len(),
        cx,
        cy,
        angle,
        slant: angle,
        along: amax - amin + CELL as f32,
        across: bmax - bmin + CELL as f32,
        bbox: (x0, y0, x1, y1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(w: usize, h: usize, period: usize) -> LumaFrame {
        let mut f = LumaFrame::filled(w, h, 200);
        let (fw, data) = (f.width(), f.data_mut());
        for y in h / 4..3 * h / 4 {
            for x in w / 4..3 * w / 4 {
                if (x / period).is_multiple_of(2) {
                    data[y * fw + x] = 30;
                }
            }
        }
        f
    }

    #[test]
    fn flat_frames_have_no_regions() {
        assert!(find_regions(&LumaFrame::filled(1280, 720, 128)).is_empty());
        assert!(find_regions(&LumaFrame::filled(10, 10, 0)).is_empty());
    }

    #[test]
    fn vertical_bars_are_one_bar_region_across_x() {
        let r = find_regions(&bars(640, 480, 3));
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].kind, RegionKind::Bars);
        assert!(r[0].angle.abs() < 0.1, "{}", r[0].angle);
        assert!((r[0].cx - 320.0).abs() < 40.0);
    }
}
