//! GS1 DataBar Omnidirectional (and Stacked Omnidirectional) on scan lines: our own reader of
//! its halves, pooled over every line of a decode.
//!
//! A DataBar Omnidirectional symbol (ISO/IEC 24724, "DataBar-14") is two halves side by side:
//! a guard, an outside data character (16 modules), a finder pattern (15 modules, one of 9), an
//! inside data character (15 modules); the right half is the left one mirrored, its colours
//! swapped. Read from its finder outwards, each half is the same: a finder whose first element
//! (beside the outside character) is a space on the left half and a bar on the right one. The
//! Stacked kind puts the left half on a top row and the right half on a bottom row: for a
//! reader of halves it is the same symbol.
//!
//! rxing's reader reads each half from the first finder-like pattern a row offers and rounds
//! pixel widths; its tally wants each half seen twice. This reader, like
//! [`ExpandedTally`](super::databar::ExpandedTally):
//! - looks for a finder at every element of the row (both ways), matched by its edge-to-edge
//!   widths (bar plus space, which ink spread does not change);
//! - measures the ink spread on the finder and takes it off the two characters beside it; a
//!   character is kept only when its modules fit exactly (16 or 15, the odd or even sum in
//!   range and even, no element wider than its group allows), and the element beyond the
//!   outside character must be the guard's module;
//! - pools the halves of every line of a decode, counting how often each was seen and where;
//!   a symbol is a left and a right half each seen twice (two lines, or two rules), lying near
//!   each other, whose checksum (mod 79, announced by the two finders) holds.

use rxing::common::BitArray;
use rxing::oned::rss::rss_utils::getRSSvalue;

use super::databar::{Run, char_modules, finder_like, match_finder, runs_of};

/// The 9 finder patterns, in modules, from the element beside the outside character.
const FINDERS: [[u8; 5]; 9] = [
    [3, 8, 2, 1, 1],
    [3, 5, 5, 1, 1],
    [3, 3, 7, 1, 1],
    [3, 1, 9, 1, 1],
    [2, 7, 4, 1, 1],
    [2, 5, 6, 1, 1],
    [2, 3, 8, 1, 1],
    [1, 5, 7, 1, 1],
    [1, 3, 9, 1, 1],
];

/// Outside characters (16 modules), by group of their odd sum (12, 10, 8, 6, 4): the widest
/// odd element, the number of even patterns, the values before the group; and the first value
/// past the group.
const OUT_ODD_WIDEST: [u32; 5] = [8, 6, 4, 3, 1];
const OUT_EVEN_TOTAL: [u32; 5] = [1, 10, 34, 70, 126];
const OUT_SUM: [u32; 6] = [0, 161, 961, 2015, 2715, 2841];
/// Inside characters (15 modules), by group of their even sum (10, 8, 6, 4).
const IN_ODD_WIDEST: [u32; 4] = [2, 4, 6, 8];
const IN_ODD_TOTAL: [u32; 4] = [4, 20, 48, 81];
const IN_SUM: [u32; 5] = [0, 336, 1036, 1516, 1597];

/// A half must have been seen this many times to make part of a symbol.
const MIN_SEEN: u32 = 2;
/// Distinct halves kept at most (the oldest seen once go first).
const MAX_KEPT: usize = 256;
/// The two halves of a symbol lie within this many half lengths of each other (centre to
/// centre: one half length side by side, less stacked).
const NEAR: f32 = 1.8;

/// One half as read: which, its finder, its two characters' value and checksum share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Half {
    right: bool,
    finder: u8,
    /// 1597 x outside + inside.
    value: u32,
    checksum: u32,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    half: Half,
    count: u32,
    /// Where it was last seen (frame pixels, its middle) and its length (pixels).
    at: (f32, f32),
    len: f32,
}

/// A symbol read: its 14 digits and the stretch of the row its halves read on this row cover
/// (bits, as `read` was given them).
#[derive(Debug, Clone, PartialEq)]
pub struct OmniHit {
    pub text: String,
    pub span: (usize, usize),
}

/// The halves of DataBar Omnidirectional symbols read on every line of one decode.
#[derive(Default)]
pub struct OmniTally {
    seen: Vec<Seen>,
    runs: Vec<Run>,
    likely: Vec<bool>,
    /// Halves read on the current row: the half, where it lies (bits), its middle and length
    /// (frame pixels).
    row: Vec<(Half, (usize, usize), (f32, f32), f32)>,
}

impl OmniTally {
    /// Reads the halves along `bits` (both ways) into the tally; `place` turns a bit of the
    /// row into frame pixels. When they complete a symbol, the symbol and the stretch its
    /// halves on this row cover.
    pub fn read(&mut self, bits: &BitArray, place: impl Fn(f32) -> (f32, f32)) -> Option<OmniHit> {
        let (mut runs, mut likely) = (
            std::mem::take(&mut self.runs),
            std::mem::take(&mut self.likely),
        );
        runs_of(bits, &mut runs);
        finder_like(&runs, &mut likely);
        let hit = self.read_runs(&runs, &likely, place);
        (self.runs, self.likely) = (runs, likely);
        hit
    }

    /// [`read`](Self::read) on a row's bars and spaces, and where finder-like patterns start
    /// (`finder_like`'s answer), as the DataBar Expanded reader found them.
    pub(crate) fn read_runs(
        &mut self,
        runs: &[Run],
        likely: &[bool],
        place: impl Fn(f32) -> (f32, f32),
    ) -> Option<OmniHit> {
        self.row.clear();
        if !likely.contains(&true) {
            return None;
        }
        let mut halves = Vec::new();
        for backwards in [false, true] {
            halves_along(runs, likely, backwards, &mut halves);
        }
        for (half, (a, b)) in halves {
            let (pa, pb) = (place(a as f32), place(b as f32));
            let mid = ((pa.0 + pb.0) / 2.0, (pa.1 + pb.1) / 2.0);
            let len = ((pb.0 - pa.0).powi(2) + (pb.1 - pa.1).powi(2)).sqrt();
            self.row.push((half, (a, b), mid, len));
        }
        if self.row.is_empty() {
            return None;
        }
        for &(half, _, at, len) in &self.row {
            match self.seen.iter_mut().find(|s| s.half == half) {
                Some(s) => {
                    s.count += 1;
                    s.at = at;
                    s.len = len;
                }
                None => {
                    if self.seen.len() >= MAX_KEPT {
                        match self.seen.iter().rposition(|s| s.count == 1) {
                            Some(once) => {
                                self.seen.remove(once);
                            }
                            None => continue,
                        }
                    }
                    self.seen.push(Seen {
                        half,
                        count: 1,
                        at,
                        len,
                    });
                }
            }
        }
        self.seen.sort_by_key(|s| std::cmp::Reverse(s.count));
        // A symbol a half of this row belongs to.
        for &(half, _, _, _) in &self.row {
            if !self.confirmed(&half) {
                continue;
            }
            let Some(mine) = self.seen.iter().find(|s| s.half == half) else {
                continue;
            };
            let partner = self.seen.iter().find(|s| {
                s.count >= MIN_SEEN
                    && s.half.right != half.right
                    && near(mine, s)
                    && if half.right {
                        checksum_ok(&s.half, &half)
                    } else {
                        checksum_ok(&half, &s.half)
                    }
            });
            let Some(partner) = partner else {
                continue;
            };
            let (left, right) = if half.right {
                (partner.half, half)
            } else {
                (half, partner.half)
            };
            let mut span: Option<(usize, usize)> = None;
            for (h, (a, b), _, _) in &self.row {
                if *h == left || *h == right {
                    span = Some(span.map_or((*a, *b), |(x, y)| (x.min(*a), y.max(*b))));
                }
            }
            let span = span?;
            return Some(OmniHit {
                text: text_of(left.value, right.value),
                span,
            });
        }
        None
    }

    /// Where the halves read by the last [`read`](Self::read) lie (bits).
    pub fn halves_read(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row.iter().map(|&(_, span, _, _)| span)
    }

    /// Where the halves read by the last [`read`](Self::read) that have been read on another
    /// line (or by another rule) too lie (bits).
    pub fn halves_confirmed(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row
            .iter()
            .filter(|(h, _, _, _)| self.confirmed(h))
            .map(|&(_, span, _, _)| span)
    }

    fn confirmed(&self, half: &Half) -> bool {
        self.seen
            .iter()
            .any(|s| s.half == *half && s.count >= MIN_SEEN)
    }
}

/// True when halves `a` and `b` lie near enough to be one symbol's.
fn near(a: &Seen, b: &Seen) -> bool {
    let d = ((a.at.0 - b.at.0).powi(2) + (a.at.1 - b.at.1).powi(2)).sqrt();
    let (short, long) = (a.len.min(b.len), a.len.max(b.len));
    // Halves of one symbol are of one length (a turned line crosses both alike).
    long <= 1.5 * short.max(1.0) && d <= NEAR * long
}

/// The mod 79 checksum of the left and right halves against the one their finders announce.
fn checksum_ok(left: &Half, right: &Half) -> bool {
    if left.right || !right.right {
        return false;
    }
    let sum = (left.checksum + 16 * right.checksum) % 79;
    let mut want = 9 * u32::from(left.finder) + u32::from(right.finder);
    if want > 72 {
        want -= 1;
    }
    if want > 8 {
        want -= 1;
    }
    sum == want
}

/// The GTIN-14 the two halves carry: 13 digits, and the check digit computed.
fn text_of(left: u32, right: u32) -> String {
    let value = 4_537_077u64 * u64::from(left) + u64::from(right);
    let body = format!("{value:013}");
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Every half along `runs` read in one direction, with the bits it covers (from the guard's
/// side of its outside character to the far end of its inside character).
fn halves_along(
    runs: &[Run],
    likely: &[bool],
    backwards: bool,
    out: &mut Vec<(Half, (usize, usize))>,
) {
    let n = runs.len();
    if n < 22 {
        return;
    }
    let at = |i: usize| if backwards { runs[n - 1 - i] } else { runs[i] };
    let width = |i: usize| at(i).len as f32;
    // The guard and the outside character before the finder, the inside character after it.
    for i in 9..n.saturating_sub(12) {
        let first = if backwards { n - 5 - i } else { i };
        if !likely.get(first).copied().unwrap_or(false) {
            continue;
        }
        let right = at(i).dark;
        let mut f = [0f32; 5];
        for (j, w) in f.iter_mut().enumerate() {
            *w = width(i + j);
        }
        let Some((finder, module, spread)) = finder_of(&f, right) else {
            continue;
        };
        // Bars lose the ink spread, spaces get it back.
        let fixed = |k: usize| width(k) - if at(k).dark { spread } else { -spread };
        // Both from their far end towards the finder.
        let outside: [f32; 8] = std::array::from_fn(|j| fixed(i - 8 + j));
        let inside: [f32; 8] = std::array::from_fn(|j| fixed(i + 12 - j));
        let guard = fixed(i - 9) / module;
        if !(0.4..=1.8).contains(&guard) {
            continue;
        }
        let Some((out_value, out_check)) = read_char(&outside, module, true) else {
            continue;
        };
        let Some((in_value, in_check)) = read_char(&inside, module, false) else {
            continue;
        };
        let (a, b) = (at(i - 8), at(i + 12));
        let span = if backwards {
            (b.start, a.start + a.len)
        } else {
            (a.start, b.start + b.len)
        };
        out.push((
            Half {
                right,
                finder,
                value: 1597 * out_value + in_value,
                checksum: out_check + 4 * in_check,
            },
            span,
        ));
    }
}

/// The finder pattern `f` (widths from the element beside the outside character; `first_dark`
/// on a right half): its index, the module width, and how much wider its bars are than they
/// should be (half the bar-space difference, bits).
fn finder_of(f: &[f32; 5], first_dark: bool) -> Option<(u8, f32, f32)> {
    match_finder(f, first_dark, &FINDERS, 8.5, 0.55)
}

/// A data character from its 8 widths (from its far end towards the finder), when its modules fit exactly: its value and its
/// share of the checksum.
fn read_char(w: &[f32; 8], finder_module: f32, outside: bool) -> Option<(u32, u32)> {
    let modules = if outside { 16 } else { 15 };
    let (odd, even) = char_modules(w, modules, finder_module)?;
    let odd_sum: u32 = odd.iter().sum();
    let even_sum: u32 = even.iter().sum();
    let value = if outside {
        if !odd_sum.is_multiple_of(2) || !(4..=12).contains(&odd_sum) {
            return None;
        }
        let group = ((12 - odd_sum) / 2) as usize;
        let odd_widest = OUT_ODD_WIDEST[group];
        let even_widest = 9 - odd_widest;
        if odd.iter().any(|&x| x > odd_widest) || even.iter().any(|&x| x > even_widest) {
            return None;
        }
        let v = getRSSvalue(&odd, odd_widest, false) * OUT_EVEN_TOTAL[group]
            + getRSSvalue(&even, even_widest, true)
            + OUT_SUM[group];
        (v < OUT_SUM[group + 1]).then_some(v)?
    } else {
        if !even_sum.is_multiple_of(2) || !(4..=10).contains(&even_sum) {
            return None;
        }
        let group = ((10 - even_sum) / 2) as usize;
        let odd_widest = IN_ODD_WIDEST[group];
        let even_widest = 9 - odd_widest;
        if odd.iter().any(|&x| x > odd_widest) || even.iter().any(|&x| x > even_widest) {
            return None;
        }
        let v = getRSSvalue(&even, even_widest, false) * IN_ODD_TOTAL[group]
            + getRSSvalue(&odd, odd_widest, true)
            + IN_SUM[group];
        (v < IN_SUM[group + 1]).then_some(v)?
    };
    let weigh = |x: &[u32; 4]| x.iter().rev().fold(0u32, |acc, &m| acc * 9 + m);
    Some((value, weigh(&odd) + 3 * weigh(&even)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::databar::tests::row_of;

    /// "09501101530003" as zxing-cpp's writer draws it, module by module, from the left
    /// guard's space.
    const OMNI: [u8; 46] = [
        1, 1, 5, 1, 1, 1, 5, 1, 1, 1, 3, 8, 2, 1, 1, 4, 1, 2, 1, 1, 1, 3, 2, 1, 3, 2, 1, 2, 1, 2,
        3, 1, 1, 6, 5, 2, 2, 3, 1, 2, 1, 3, 2, 2, 1, 1,
    ];
    /// The same symbol stacked: the top row (from a space), the bottom row (from a bar: a
    /// space of none first).
    const TOP: [u8; 25] = [
        1, 1, 5, 1, 1, 1, 5, 1, 1, 1, 3, 8, 2, 1, 1, 4, 1, 2, 1, 1, 1, 3, 2, 1, 1,
    ];
    const BOTTOM: [u8; 26] = [
        0, 1, 1, 1, 3, 2, 1, 2, 1, 2, 3, 1, 1, 6, 5, 2, 2, 3, 1, 2, 1, 3, 2, 2, 1, 1,
    ];
    const TEXT: &str = "09501101530003";

    fn on_row(y: f32) -> impl Fn(f32) -> (f32, f32) {
        move |b| (b, y)
    }

    #[test]
    fn a_symbol_is_read_from_two_lines_either_way() {
        let mut t = OmniTally::default();
        let bits = row_of(&OMNI, 3);
        assert_eq!(t.read(&bits, on_row(0.0)), None, "one line is not enough");
        let hit = t.read(&bits, on_row(4.0)).expect("read on the second line");
        assert_eq!(hit.text, TEXT);
        // From the first character to the last (the guards left out).
        assert_eq!(hit.span, (20 + 2 * 3, 20 + 94 * 3));
        let mut t = OmniTally::default();
        let mut back = row_of(&OMNI, 2);
        back.reverse();
        assert_eq!(t.read(&back, on_row(0.0)), None);
        assert_eq!(
            t.read(&back, on_row(3.0)).map(|h| h.text).as_deref(),
            Some(TEXT)
        );
    }

    #[test]
    fn ink_spread_is_taken_off() {
        let mut t = OmniTally::default();
        // Every bar one bit wider, every space one narrower, at 4 bits a module.
        let mut spread = row_of(&OMNI, 4);
        let size = spread.get_size();
        for i in 1..size {
            if spread.get(i) && !spread.get(i - 1) {
                spread.set(i - 1);
            }
        }
        assert_eq!(t.read(&spread, on_row(0.0)), None);
        assert_eq!(
            t.read(&spread, on_row(3.0)).map(|h| h.text).as_deref(),
            Some(TEXT)
        );
    }

    #[test]
    fn the_rows_of_a_stacked_symbol_make_one() {
        let mut t = OmniTally::default();
        let (top, bottom) = (row_of(&TOP, 3), row_of(&BOTTOM, 3));
        assert_eq!(t.read(&top, on_row(0.0)), None);
        assert_eq!(t.read(&top, on_row(10.0)), None);
        assert_eq!(t.read(&bottom, on_row(110.0)), None);
        let hit = t.read(&bottom, on_row(120.0)).expect("read");
        assert_eq!(hit.text, TEXT);
    }

    #[test]
    fn halves_far_apart_are_not_one_symbol() {
        let mut t = OmniTally::default();
        let (top, bottom) = (row_of(&TOP, 3), row_of(&BOTTOM, 3));
        for y in [0.0, 10.0] {
            assert_eq!(t.read(&top, on_row(y)), None);
        }
        for y in [600.0, 610.0] {
            assert_eq!(t.read(&bottom, on_row(y)), None);
        }
    }

    #[test]
    fn noise_reads_nothing() {
        let mut t = OmniTally::default();
        let mut state = 4321u32;
        for k in 0..400 {
            let runs: Vec<u8> = (0..120)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (1 + (state >> 16) % 8) as u8
                })
                .collect();
            assert_eq!(t.read(&row_of(&runs, 3), on_row((k % 7) as f32)), None);
        }
    }
}
