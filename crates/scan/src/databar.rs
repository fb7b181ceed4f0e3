//! GS1 DataBar Expanded (and Expanded Stacked) on scan lines: our own reader of its pairs.
//!
//! A DataBar Expanded symbol is a row of pairs (ISO/IEC 24724): a data character, a finder
//! pattern, another data character, the finders alternately laid out left to right and right
//! to left, the first pair's left character being the symbol's check character. rxing's row
//! reader decodes a row only when every pair of it is read, in order, from the first finder
//! pattern it meets; on a blurred or noisy line one pair misread loses the whole row, and it
//! reads characters from pixel widths, which ink spread and the threshold shift.
//!
//! This reader instead:
//! - looks for a finder pattern at every element of the row, and matches it by its
//!   edge-to-edge widths (bar plus space, which ink spread does not change);
//! - measures how much wider bars are than spaces on that finder (its widths are known once
//!   it is recognised) and takes that off the two characters beside it before rounding them
//!   to modules; a character is kept only when its modules fit exactly (17 modules, the odd
//!   and even sums in range and of the right parity, no element wider than its group allows);
//! - keeps every pair read, from every line of a decode (a [`ExpandedTally`]) and in both
//!   directions, counting how often each was seen; a symbol is the sequence of finders its
//!   check character announces, filled with the pairs seen most often, whose checksum holds.
//!   The rows of a stacked symbol are pairs like any other, so Expanded Stacked is read the
//!   same way.
//!
//! Against misreads: every pair of a symbol must have been read on two lines (or twice by two
//! rules on one line), on top of the exact fit of every character and the checksum (mod 211).
//! Only the decoding of the bits into GS1 element strings is rxing's.

use rxing::common::BitArray;
use rxing::oned::rss::expanded::decoders::abstract_expanded_decoder::createDecoder;
use rxing::oned::rss::rss_utils::getRSSvalue;

/// Finder patterns A to F, left to right, in modules (the fifth element is always 1).
const FINDERS: [[u8; 5]; 6] = [
    [1, 8, 4, 1, 1],
    [3, 6, 4, 1, 1],
    [3, 4, 6, 1, 1],
    [3, 2, 8, 1, 1],
    [2, 6, 5, 1, 1],
    [2, 2, 9, 1, 1],
];

/// The finders of a symbol of 2 to 11 pairs, pair by pair (A = 0 ... F = 5); pairs at even
/// positions are laid out left to right, the others right to left.
const SEQUENCES: [&[u8]; 10] = [
    &[0, 0],
    &[0, 1, 1],
    &[0, 2, 1, 3],
    &[0, 4, 1, 3, 2],
    &[0, 4, 1, 3, 3, 5],
    &[0, 4, 1, 3, 4, 5, 5],
    &[0, 0, 1, 1, 2, 2, 3, 3],
    &[0, 0, 1, 1, 2, 2, 3, 4, 4],
    &[0, 0, 1, 1, 2, 2, 3, 4, 5, 5],
    &[0, 0, 1, 1, 2, 3, 3, 4, 4, 5, 5],
];

/// Checksum weights of the data characters (ISO/IEC 24724, table 14), by character position:
/// row `4 * finder + 2 * (right to left) + (right character) - 1`.
const WEIGHTS: [[u16; 8]; 23] = [
    [1, 3, 9, 27, 81, 32, 96, 77],
    [20, 60, 180, 118, 143, 7, 21, 63],
    [189, 145, 13, 39, 117, 140, 209, 205],
    [193, 157, 49, 147, 19, 57, 171, 91],
    [62, 186, 136, 197, 169, 85, 44, 132],
    [185, 133, 188, 142, 4, 12, 36, 108],
    [113, 128, 173, 97, 80, 29, 87, 50],
    [150, 28, 84, 41, 123, 158, 52, 156],
    [46, 138, 203, 187, 139, 206, 196, 166],
    [76, 17, 51, 153, 37, 111, 122, 155],
    [43, 129, 176, 106, 107, 110, 119, 146],
    [16, 48, 144, 10, 30, 90, 59, 177],
    [109, 116, 137, 200, 178, 112, 125, 164],
    [70, 210, 208, 202, 184, 130, 179, 115],
    [134, 191, 151, 31, 93, 68, 204, 190],
    [148, 22, 66, 198, 172, 94, 71, 2],
    [6, 18, 54, 162, 64, 192, 154, 40],
    [120, 149, 25, 75, 14, 42, 126, 167],
    [79, 26, 78, 23, 69, 207, 199, 175],
    [103, 98, 83, 38, 114, 131, 182, 124],
    [161, 61, 183, 127, 170, 88, 53, 159],
    [55, 165, 73, 8, 24, 72, 5, 15],
    [45, 135, 194, 160, 58, 174, 100, 89],
];

/// The widest odd element, and the values before the group, by group of the odd sum.
const ODD_WIDEST: [u32; 5] = [7, 5, 4, 3, 1];
const EVEN_TOTAL: [u32; 5] = [4, 20, 52, 104, 204];
const GROUP_SUM: [u32; 5] = [0, 348, 1388, 2948, 3988];

/// A pair must have been seen this many times to make part of a symbol.
const MIN_SEEN: u32 = 2;
/// The pairs tried at each position of a sequence: the most often seen first.
const TRIED: usize = 3;
/// Distinct pairs kept at most (the oldest seen once go first).
const MAX_KEPT: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Char {
    value: u16,
    checksum: u16,
}

/// One pair as read: its finder (0..6), its layout, its characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pair {
    finder: u8,
    left_to_right: bool,
    left: Char,
    right: Option<Char>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    pair: Pair,
    count: u32,
}

/// A bar or a space of a bit row: first bit, width in bits, dark or not.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) dark: bool,
}

/// A symbol read: its text (GS1 element string in brackets) and the stretch of the row its
/// pairs read on this row cover (bits, as `read` was given them).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandedHit {
    pub text: String,
    pub span: (usize, usize),
}

/// The pairs of DataBar Expanded symbols read on every line of one decode.
#[derive(Default)]
pub struct ExpandedTally {
    seen: Vec<Seen>,
    runs: Vec<Run>,
    /// Whether the five runs from each run on could be a finder pattern (either way round).
    likely: Vec<bool>,
    /// Pairs read on the current row, with where they lie (bits).
    row: Vec<(Pair, (usize, usize))>,
}

impl ExpandedTally {
    /// Reads the pairs along `bits` (both ways) into the tally; when they complete a symbol,
    /// the symbol and the stretch its pairs on this row cover.
    pub fn read(&mut self, bits: &BitArray) -> Option<ExpandedHit> {
        runs_of(bits, &mut self.runs);
        self.row.clear();
        finder_like(&self.runs, &mut self.likely);
        if !self.likely.contains(&true) {
            return None;
        }
        for backwards in [false, true] {
            pairs_along(&self.runs, &self.likely, backwards, &mut self.row);
        }
        if self.row.is_empty() {
            return None;
        }
        for &(pair, _) in &self.row {
            match self.seen.iter_mut().find(|s| s.pair == pair) {
                Some(s) => s.count += 1,
                None => {
                    if self.seen.len() >= MAX_KEPT {
                        // Full: the last pair seen once makes room (the list is kept most
                        // seen first).
                        match self.seen.iter().rposition(|s| s.count == 1) {
                            Some(once) => {
                                self.seen.remove(once);
                            }
                            None => continue,
                        }
                    }
                    self.seen.push(Seen { pair, count: 1 });
                }
            }
        }
        self.seen.sort_by_key(|s| std::cmp::Reverse(s.count));
        // A symbol some pair of this row belongs to.
        let firsts: Vec<Pair> = self
            .seen
            .iter()
            .filter(|s| s.count >= MIN_SEEN && s.pair.finder == 0 && s.pair.left_to_right)
            .map(|s| s.pair)
            .collect();
        for first in firsts {
            let Some(pairs) = self.sequence(first) else {
                continue;
            };
            let mut span: Option<(usize, usize)> = None;
            for (p, (a, b)) in &self.row {
                if pairs.contains(p) {
                    span = Some(span.map_or((*a, *b), |(x, y)| (x.min(*a), y.max(*b))));
                }
            }
            let Some(span) = span else {
                continue;
            };
            if let Some(text) = text_of(&pairs) {
                return Some(ExpandedHit { text, span });
            }
        }
        None
    }

    /// The bars and spaces of the row the last [`read`](Self::read) was given, and for each
    /// whether it starts a finder-like pattern (see `finder_like`): DataBar Omnidirectional's
    /// reader shares them.
    pub(crate) fn last_row(&self) -> (&[Run], &[bool]) {
        (&self.runs, &self.likely)
    }

    /// Where the pairs read by the last [`read`](Self::read) that have been read on another
    /// line (or by another rule) too lie (bits).
    pub fn pairs_confirmed(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row.iter().filter_map(|(p, span)| {
            self.seen
                .iter()
                .any(|s| s.pair == *p && s.count >= MIN_SEEN)
                .then_some(*span)
        })
    }

    /// Where the pairs read by the last [`read`](Self::read) lie (bits): a stretch of DataBar
    /// that another row reader took for a symbol of its own is not one.
    pub fn pairs_read(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.row.iter().map(|&(_, span)| span)
    }

    /// The pairs of the symbol whose first pair is `first`, when the tally holds them all and
    /// their checksum holds.
    fn sequence(&self, first: Pair) -> Option<Vec<Pair>> {
        // Characters in the symbol, the check character included.
        let chars = usize::from(first.left.value / 211) + 4;
        let n_pairs = chars.div_ceil(2);
        let finders = SEQUENCES.get(n_pairs.checked_sub(2)?)?;
        first.right?;
        let mut stack = vec![first];
        self.fill(finders, chars, &mut stack).then_some(stack)
    }

    /// Fills `stack` (the first pairs of a symbol of `chars` characters) with candidates, the
    /// most seen first, until the checksum holds.
    fn fill(&self, finders: &[u8], chars: usize, stack: &mut Vec<Pair>) -> bool {
        let k = stack.len();
        if k == finders.len() {
            return checksum_ok(stack);
        }
        let half = 2 * k + 1 >= chars;
        let candidates = self
            .seen
            .iter()
            .filter(|s| {
                s.count >= MIN_SEEN
                    && s.pair.finder == finders[k]
                    && s.pair.left_to_right == k.is_multiple_of(2)
                    && s.pair.right.is_none() == half
            })
            .take(TRIED);
        for s in candidates {
            stack.push(s.pair);
            if self.fill(finders, chars, stack) {
                return true;
            }
            stack.pop();
        }
        false
    }
}

/// The bars and spaces of `bits`.
pub(crate) fn runs_of(bits: &BitArray, out: &mut Vec<Run>) {
    out.clear();
    let size = bits.get_size();
    let mut i = 0;
    while i < size {
        let dark = bits.get(i);
        let next = if dark {
            bits.getNextUnset(i)
        } else {
            bits.getNextSet(i)
        }
        .min(size);
        out.push(Run {
            start: i,
            len: next - i,
            dark,
        });
        i = next;
    }
}

/// For each run, whether it and the four after it are shaped like a finder pattern, laid out
/// either way: two wide elements (8 to 11 of its 15 modules) beside each other and two
/// narrow ones at one end. Most of a row fails this cheap test.
pub(crate) fn finder_like(runs: &[Run], out: &mut Vec<bool>) {
    out.clear();
    out.extend(runs.windows(5).map(|w| {
        let w: [usize; 5] = std::array::from_fn(|j| w[j].len);
        let total: usize = w.iter().sum();
        // A module of 1.2 bits at least.
        total >= 18
            && ((15 * (w[1] + w[2]) >= 8 * total && 150 * (w[3] + w[4]) <= 32 * total)
                || (15 * (w[2] + w[3]) >= 8 * total && 150 * (w[0] + w[1]) <= 32 * total))
    }));
}

/// Every pair along `runs` read in one direction, with the bits it covers; `likely` is
/// [`finder_like`]'s answer for `runs`.
fn pairs_along(
    runs: &[Run],
    likely: &[bool],
    backwards: bool,
    out: &mut Vec<(Pair, (usize, usize))>,
) {
    let n = runs.len();
    let at = |i: usize| if backwards { runs[n - 1 - i] } else { runs[i] };
    let width = |i: usize| at(i).len as f32;
    if n < 13 {
        return;
    }
    // A finder needs its left character before it.
    for i in 8..n.saturating_sub(5) {
        let first = if backwards { n - 5 - i } else { i };
        if !likely.get(first).copied().unwrap_or(false) {
            continue;
        }
        let left_to_right = !at(i).dark;
        let mut f = [0f32; 5];
        for (j, w) in f.iter_mut().enumerate() {
            *w = width(i + j);
        }
        if !left_to_right {
            f.reverse();
        }
        let Some((finder, module, spread)) = finder_of(&f, !left_to_right) else {
            continue;
        };
        // The left character in reading order, the right one from its far end inwards.
        let char_at = |from: usize, reversed: bool| -> Option<[f32; 8]> {
            let mut w = [0f32; 8];
            for (j, x) in w.iter_mut().enumerate() {
                let k = if reversed { from + 7 - j } else { from + j };
                if k >= n {
                    return None;
                }
                // Bars lose the ink spread, spaces get it back.
                *x = width(k) - if at(k).dark { spread } else { -spread };
            }
            Some(w)
        };
        let Some(left) =
            char_at(i - 8, false).and_then(|w| read_char(&w, module, finder, left_to_right, true))
        else {
            continue;
        };
        if finder == 0 && left_to_right {
            // The check character: a guard bar before it and a symbol length it can announce.
            let guard = (i >= 9 && at(i - 9).dark).then(|| width(i - 9) / module);
            if !guard.is_some_and(|g| (0.5..=1.6).contains(&g)) {
                continue;
            }
            if usize::from(left.value / 211) + 4 > 22 {
                continue;
            }
        }
        let right =
            char_at(i + 5, true).and_then(|w| read_char(&w, module, finder, left_to_right, false));
        let end = match right {
            Some(_) => i + 12,
            None => {
                // A half pair ends the symbol: the right guard's bar of one module, after a
                // space of one when the finder ends on a bar (laid out right to left), then
                // light (or the row's end).
                let bar = if left_to_right { i + 5 } else { i + 6 };
                let module_wide = |k: usize| k < n && (0.5..=1.6).contains(&(width(k) / module));
                let ends = (left_to_right || module_wide(i + 5))
                    && module_wide(bar)
                    && (bar + 1 >= n || width(bar + 1) / module >= 3.0);
                if !ends {
                    continue;
                }
                i + 4
            }
        };
        let (first, last) = (at(i - 8), at(end.min(n - 1)));
        let (a, b) = if backwards {
            (last.start, first.start + first.len)
        } else {
            (first.start, last.start + last.len)
        };
        out.push((
            Pair {
                finder,
                left_to_right,
                left,
                right,
            },
            (a, b),
        ));
    }
}

/// The finder pattern `f` (widths in the order of its left-to-right layout; `first_dark`:
/// whether its first element there is a bar, as when it was laid out right to left) is: its
/// index, the module width, and how much wider its bars are than they should be (half the
/// bar-space difference, bits).
fn finder_of(f: &[f32; 5], first_dark: bool) -> Option<(u8, f32, f32)> {
    // The two last elements are one module each, the middle two wide.
    match_finder(f, first_dark, &FINDERS, 8.0, 0.6)
}

/// Which of `finders` (module widths of their five elements) the widths `f` are, edge to
/// edge, when the middle two are at least `wide` modules together and no edge-to-edge
/// distance is off by more than `max_err` modules: its index, the module width, and the ink
/// spread (how much wider its bars are than they should be) measured on it. Shared by the
/// Expanded and the Omnidirectional readers, whose finders differ.
pub(crate) fn match_finder(
    f: &[f32; 5],
    first_dark: bool,
    finders: &[[u8; 5]],
    wide: f32,
    max_err: f32,
) -> Option<(u8, f32, f32)> {
    let total: f32 = f.iter().sum();
    let module = total / 15.0;
    if module < 1.2 {
        return None;
    }
    if f[1] + f[2] < wide * module || f[3] + f[4] > 3.2 * module {
        return None;
    }
    let e2e = [f[0] + f[1], f[1] + f[2], f[2] + f[3], f[3] + f[4]].map(|x| x / module);
    let mut best: Option<(u8, f32)> = None;
    for (k, p) in finders.iter().enumerate() {
        let err = (0..4)
            .map(|j| (e2e[j] - f32::from(p[j] + p[j + 1])).abs())
            .fold(0f32, f32::max);
        if best.is_none_or(|(_, e)| err < e) {
            best = Some((k as u8, err));
        }
    }
    let (k, err) = best?;
    if err > max_err {
        return None;
    }
    let p = finders[usize::from(k)];
    let mut spread = 0.0;
    for (j, &w) in f.iter().enumerate() {
        let off = w - f32::from(p[j]) * module;
        let dark = (j % 2 == 0) == first_dark;
        spread += if dark { off } else { -off };
    }
    spread /= 5.0;
    let spread = spread.clamp(-0.45 * module, 0.45 * module);
    Some((k, module, spread))
}

/// A data character's 8 widths as whole modules, odd (bars of its first element) and even
/// elements apart, when they fit `modules` exactly at a module width within a quarter of the
/// finder's. Shared by the Expanded and the Omnidirectional readers.
pub(crate) fn char_modules(
    w: &[f32; 8],
    modules: u32,
    finder_module: f32,
) -> Option<([u32; 4], [u32; 4])> {
    let total: f32 = w.iter().sum();
    let module = total / modules as f32;
    if (module - finder_module).abs() > 0.25 * finder_module {
        return None;
    }
    let mut odd = [0u32; 4];
    let mut even = [0u32; 4];
    for (j, &x) in w.iter().enumerate() {
        let m = (x / module).round();
        if !(1.0..=8.0).contains(&m) {
            return None;
        }
        if j % 2 == 0 {
            odd[j / 2] = m as u32;
        } else {
            even[j / 2] = m as u32;
        }
    }
    (odd.iter().sum::<u32>() + even.iter().sum::<u32>() == modules).then_some((odd, even))
}

/// A data character from its 8 widths (first the element beside the previous character or
/// guard for a left character; for a right character, its far end first), when its modules
/// fit exactly.
fn read_char(
    w: &[f32; 8],
    finder_module: f32,
    finder: u8,
    left_to_right: bool,
    left: bool,
) -> Option<Char> {
    let (odd, even) = char_modules(w, 17, finder_module)?;
    let odd_sum: u32 = odd.iter().sum();
    if !odd_sum.is_multiple_of(2) || !(4..=12).contains(&odd_sum) {
        return None;
    }
    let group = ((13 - odd_sum) / 2) as usize;
    let odd_widest = ODD_WIDEST[group];
    let even_widest = 9 - odd_widest;
    if odd.iter().any(|&x| x > odd_widest) || even.iter().any(|&x| x > even_widest) {
        return None;
    }
    let value = getRSSvalue(&odd, odd_widest, true) * EVEN_TOTAL[group]
        + getRSSvalue(&even, even_widest, false)
        + GROUP_SUM[group];
    let value = u16::try_from(value).ok().filter(|&v| v < 4096)?;
    let check_char = finder == 0 && left_to_right && left;
    let checksum = if check_char {
        0
    } else {
        let row = 4 * usize::from(finder) + if left_to_right { 0 } else { 2 } + usize::from(!left);
        let weights = WEIGHTS.get(row.checked_sub(1)?)?;
        let sum: u32 = (0..4)
            .map(|j| odd[j] * u32::from(weights[2 * j]) + even[j] * u32::from(weights[2 * j + 1]))
            .sum();
        (sum % 211) as u16
    };
    Some(Char { value, checksum })
}

/// True when the data characters' checksum is the one the check character carries.
fn checksum_ok(pairs: &[Pair]) -> bool {
    let Some(first) = pairs.first() else {
        return false;
    };
    let mut sum = 0u32;
    let mut chars = 1u32;
    for (k, p) in pairs.iter().enumerate() {
        // The first pair's left character is the check character itself.
        let left = (k > 0).then_some(p.left);
        for c in left.into_iter().chain(p.right) {
            sum += u32::from(c.checksum);
            chars += 1;
        }
    }
    let Some(announced) = chars.checked_sub(4) else {
        return false;
    };
    u32::from(first.left.value) == 211 * announced + sum % 211
}

/// The element string the pairs carry (12 bits a data character), as rxing's GS1 decoder
/// gives it.
fn text_of(pairs: &[Pair]) -> Option<String> {
    let values: Vec<u16> = pairs
        .iter()
        .enumerate()
        .flat_map(|(k, p)| (k > 0).then_some(p.left).into_iter().chain(p.right))
        .map(|c| c.value)
        .collect();
    let mut bits = BitArray::with_size(12 * values.len());
    for (i, v) in values.iter().enumerate() {
        for b in 0..12 {
            if v & (1 << (11 - b)) != 0 {
                bits.set(12 * i + b);
            }
        }
    }
    let text = std::panic::catch_unwind(|| createDecoder(&bits).ok()?.parseInformation().ok())
        .ok()
        .flatten()?;
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A bit row of the module widths `runs` (the first a space), `px` bits a module, with
    /// light around it.
    pub(crate) fn row_of(runs: &[u8], px: usize) -> BitArray {
        let total: usize = runs.iter().map(|&r| usize::from(r)).sum::<usize>() * px + 40;
        let mut bits = BitArray::with_size(total);
        let mut x = 20;
        for (i, &r) in runs.iter().enumerate() {
            let w = usize::from(r) * px;
            if i % 2 == 1 {
                for b in x..x + w {
                    bits.set(b);
                }
            }
            x += w;
        }
        bits
    }

    /// "(01)05636859984496(3103)002533" as zxing-cpp's writer draws it, module by module:
    /// left guard (space, bar), then the pairs.
    const SYMBOL: [u8; 88] = [
        1, 1, 2, 1, 3, 2, 4, 2, 1, 2, 1, 8, 4, 1, 1, 3, 2, 1, 4, 2, 1, 1, 3, 1, 2, 2, 4, 1, 4, 2,
        1, 1, 1, 6, 4, 3, 5, 2, 3, 1, 2, 1, 1, 2, 3, 1, 1, 5, 1, 2, 3, 1, 3, 6, 4, 1, 1, 1, 2, 1,
        1, 2, 3, 3, 4, 1, 4, 1, 4, 2, 2, 2, 1, 1, 1, 8, 2, 3, 1, 4, 2, 1, 3, 3, 1, 2, 1, 1,
    ];
    const TEXT: &str = "(01)05636859984496(3103)002533";

    #[test]
    fn a_symbol_is_read_from_two_lines() {
        let mut t = ExpandedTally::default();
        let bits = row_of(&SYMBOL, 3);
        assert_eq!(t.read(&bits), None, "one line is not enough");
        let hit = t.read(&bits).expect("read on the second line");
        assert_eq!(hit.text, TEXT);
        // From the check character to the last data character (the guards left out).
        assert_eq!(hit.span, (20 + 2 * 3, 20 + 198 * 3));
    }

    #[test]
    fn a_symbol_is_read_backwards_and_with_ink_spread() {
        let mut t = ExpandedTally::default();
        let mut bits = row_of(&SYMBOL, 4);
        bits.reverse();
        assert_eq!(t.read(&bits), None);
        // Every bar one bit wider, every space one narrower.
        let mut spread = row_of(&SYMBOL, 4);
        let size = spread.get_size();
        for i in 1..size {
            if spread.get(i) && !spread.get(i - 1) {
                spread.set(i - 1);
            }
        }
        assert_eq!(t.read(&spread).map(|h| h.text).as_deref(), Some(TEXT));
    }

    #[test]
    fn a_symbol_ending_in_half_a_pair_is_read() {
        // "(01)05636859984496(3103)002533(17)270822": 11 characters, the last pair laid out
        // right to left without its right character.
        const HALF: [u8; 122] = [
            1, 1, 1, 1, 2, 1, 1, 4, 4, 3, 1, 8, 4, 1, 1, 5, 4, 2, 1, 1, 2, 1, 1, 1, 2, 2, 4, 1, 4,
            2, 1, 1, 1, 5, 6, 2, 5, 2, 3, 1, 2, 1, 1, 2, 3, 1, 1, 5, 1, 2, 3, 1, 3, 6, 4, 1, 1, 1,
            2, 1, 1, 2, 3, 3, 4, 1, 4, 1, 4, 2, 2, 2, 1, 1, 1, 8, 2, 3, 1, 4, 2, 1, 3, 3, 1, 2, 1,
            3, 2, 1, 3, 2, 2, 3, 3, 2, 8, 1, 1, 1, 1, 4, 3, 1, 2, 3, 2, 1, 1, 1, 1, 4, 1, 6, 2, 1,
            1, 9, 2, 2, 1, 1,
        ];
        let mut t = ExpandedTally::default();
        let bits = row_of(&HALF, 3);
        assert_eq!(t.read(&bits), None);
        let hit = t.read(&bits).expect("read");
        assert_eq!(hit.text, "(01)05636859984496(3103)002533(17)270822");
    }

    #[test]
    fn pairs_of_several_lines_make_a_symbol() {
        // Each line has a different pair spoilt; together they hold every pair twice.
        let spoil = |at: usize| {
            let mut runs = SYMBOL;
            runs[at] += 2;
            row_of(&runs, 3)
        };
        let mut t = ExpandedTally::default();
        let mut read = None;
        for at in [5, 27, 48, 70, 5, 27] {
            read = read.or(t.read(&spoil(at)));
        }
        assert_eq!(read.map(|h| h.text).as_deref(), Some(TEXT));
    }

    #[test]
    fn noise_reads_nothing() {
        let mut t = ExpandedTally::default();
        let mut state = 12345u32;
        for _ in 0..200 {
            let runs: Vec<u8> = (0..120)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (1 + (state >> 16) % 8) as u8
                })
                .collect();
            assert_eq!(t.read(&row_of(&runs, 3)), None);
        }
    }
}
