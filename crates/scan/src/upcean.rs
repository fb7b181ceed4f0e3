//! EAN-13, UPC-A and EAN-8 read from the widths of a bit row's bars and spaces.
//!
//! rxing's row reader (a port of ZXing's) matches every digit's four widths against the
//! patterns with a variance limit, and wants a quiet zone as wide as the guard on both sides.
//! Blur and ink spread push narrow bars past that limit, and a tight crop or a neighbouring
//! print leaves a short quiet zone. This reader, used when rxing's found nothing, measures
//! each digit by its *edge-to-similar-edge* distances (a bar plus the space beside it), which a
//! uniform growth or shrinking of the bars leaves alone, and only falls back to the bar widths
//! to tell apart the two digit pairs those distances cannot (1/7 and 2/8). Check digits are
//! verified by the caller (`decode::plausible`) and 1D reads still need several agreeing lines.

use rxing::common::BitArray;

use smartstore_domain::scan::Symbology;

/// Widths (in modules) of the set-A ("L") patterns, in the order they appear: space, bar,
/// space, bar. Set C ("R") has the same widths starting with a bar; set B ("G") is set C
/// read backwards.
const WIDTHS: [[u8; 4]; 10] = [
    [3, 2, 1, 1],
    [2, 2, 2, 1],
    [2, 1, 2, 2],
    [1, 4, 1, 1],
    [1, 1, 3, 2],
    [1, 2, 3, 1],
    [1, 1, 1, 4],
    [1, 3, 1, 2],
    [1, 2, 1, 3],
    [3, 1, 1, 2],
];

/// EAN-13's leading digit, told by which of the six left digits use set B (bit 5 = the first).
const PARITY: [u8; 10] = [
    0b000000, 0b001011, 0b001101, 0b001110, 0b010011, 0b011001, 0b011100, 0b010101, 0b010110,
    0b011010,
];

/// Quiet zones shorter than this many modules are not accepted on either side ...
const MIN_QUIET: f32 = 2.5;
/// ... and at least one side must show this much (a neighbouring print may crowd the other).
const FULL_QUIET: f32 = 5.0;

/// Runs of equal bits: `widths[i]` long, starting at `starts[i]`; the first run is light.
struct Runs {
    widths: Vec<f32>,
    starts: Vec<usize>,
}

fn runs(bits: &BitArray) -> Runs {
    let n = bits.get_size();
    let mut widths = Vec::new();
    let mut starts = Vec::new();
    let mut current = false;
    let mut start = 0usize;
    if n > 0 && bits.get(0) {
        // Make the first run light (of width 0) so that even indexes are always light.
        widths.push(0.0);
        starts.push(0);
        current = true;
    }
    for i in 1..=n {
        if i == n || bits.get(i) != current {
            widths.push((i - start) as f32);
            starts.push(start);
            start = i;
            current = !current;
        }
    }
    Runs { widths, starts }
}

/// Which patterns a digit may use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    /// Left half of EAN-13: set A or set B (reversed widths).
    LeftAB,
    /// Left half of EAN-8: set A only.
    LeftA,
    /// Right half: set C, whose widths read like set A's.
    Right,
}

/// Decodes one digit from its four element widths. The first element is a space in the left
/// half and a bar in the right half; `spread` is how much wider than nominal each bar prints
/// (pixels, measured on the guards). Returns the digit and whether it used set B.
fn digit(e: &[f32], half: Half, spread: f32) -> Option<(u8, bool)> {
    let total: f32 = e.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let scale = 7.0 / total;
    let t1 = ((e[0] + e[1]) * scale).round() as i32;
    let t2 = ((e[1] + e[2]) * scale).round() as i32;
    // Bars are elements 1 and 3 in the left half, 0 and 2 in the right half.
    let bar_at = if half == Half::Right { 0 } else { 1 };
    let bars = (e[bar_at] + e[bar_at + 2] - 2.0 * spread) * scale;
    let mut best: Option<(u8, bool, f32)> = None;
    for (d, w) in WIDTHS.iter().enumerate() {
        for reversed in [false, true] {
            if reversed && half != Half::LeftAB {
                continue;
            }
            let p: [i32; 4] = if reversed {
                [w[3], w[2], w[1], w[0]].map(i32::from)
            } else {
                w.map(i32::from)
            };
            if p[0] + p[1] != t1 || p[1] + p[2] != t2 {
                continue;
            }
            let miss = (bars - (p[bar_at] + p[bar_at + 2]) as f32).abs();
            if best.is_none_or(|b| miss < b.2) {
                best = Some((d as u8, reversed, miss));
            }
        }
    }
    best.map(|(d, g, _)| (d, g))
}

/// True when each of `e` is a plausible single module of width `m`.
fn guard_ok(e: &[f32], m: f32) -> bool {
    e.iter().all(|&w| w > 0.3 * m && w < 2.2 * m)
}

/// [`guard_ok`], and each bar with the space beside it two modules (edge to similar edge: what
/// ink spread leaves alone). The widths alone let a Code 128 whose 2-module bars sit where the
/// guards would pass for an EAN-8.
fn guard_pairs_ok(e: &[f32], m: f32) -> bool {
    guard_ok(e, m)
        && e.windows(2)
            .all(|p| ((p[0] + p[1]) / m - 2.0).abs() <= GUARD_PAIR_SLACK)
}

/// How far (modules) a guard's bar and space together may be from two modules.
const GUARD_PAIR_SLACK: f32 = 0.55;

/// True when the EAN-8 from `span.0` to `span.1` (bits, its first bar to the
/// end of its last) has its three guards where they belong, by [`guard_ok`]: a check of what
/// another reader (rxing's) decoded, whose own tolerance let a Code 128 of as many bars pass
/// for an EAN-8.
pub fn guards_ok(bits: &BitArray, span: Span, symbology: Symbology) -> bool {
    // EAN-8 only: its 43 bars and spaces are as many as a Code 128 of six characters has
    // (6 a character, 7 for the stop); EAN-13's 59 are not a Code 128's count, and a curved
    // label's EAN-13 guards can be far from the mean module.
    let half_digits = match symbology {
        Symbology::Ean8 => 4,
        _ => return true,
    };
    let (a, b) = super::lines::span_bits(bits, span);
    let w = super::lines::run_widths(bits, a, b);
    let count = 3 + 4 * half_digits + 5 + 4 * half_digits + 3;
    if w.len() < 6 {
        return false;
    }
    let m = w.iter().sum::<f32>() / (11 + 14 * half_digits) as f32;
    let ends = guard_pairs_ok(&w[..3], m) && guard_pairs_ok(&w[w.len() - 3..], m);
    // Blur can merge or split a run inside where the digits were still read: the middle
    // guard is found by counting runs, so it is judged only when the count is right.
    let middle = 3 + 4 * half_digits;
    ends && (w.len() != count || guard_pairs_ok(&w[middle..middle + 5], m))
}

/// Where a symbol lies along a bit row: from its first bar to the end of its last (bits).
pub type Span = (f32, f32);

/// Tries an EAN-13 (or UPC-A) or EAN-8 starting with the guard bar at run `s`.
fn symbol_at(r: &Runs, s: usize, digits: usize) -> Option<(Symbology, String, Span)> {
    let half_digits = digits / 2;
    let count = 3 + 4 * half_digits + 5 + 4 * half_digits + 3;
    let modules = (3 + 7 * half_digits + 5 + 7 * half_digits + 3) as f32;
    let w = &r.widths;
    if s == 0 || s + count >= w.len() {
        return None;
    }
    let body = &w[s..s + count];
    let m = body.iter().sum::<f32>() / modules;
    if m < 0.8 {
        return None;
    }
    let (quiet_before, quiet_after) = (w[s - 1] / m, w[s + count] / m);
    if quiet_before.min(quiet_after) < MIN_QUIET || quiet_before.max(quiet_after) < FULL_QUIET {
        return None;
    }
    let middle = 3 + 4 * half_digits;
    if !guard_ok(&body[..3], m)
        || !guard_ok(&body[middle..middle + 5], m)
        || !guard_ok(&body[count - 3..], m)
    {
        return None;
    }
    // Guard bars and spaces are one module each: their difference is the ink spread.
    let guard_bars = [0, 2, middle + 1, middle + 3, count - 3, count - 1];
    let guard_spaces = [1, middle, middle + 2, middle + 4, count - 2];
    let mean = |at: &[usize]| at.iter().map(|&i| body[i]).sum::<f32>() / at.len() as f32;
    let spread = (mean(&guard_bars) - mean(&guard_spaces)) / 2.0;
    let mut out = String::with_capacity(digits);
    let mut parity = 0u8;
    for k in 0..digits {
        let at = if k < half_digits {
            3 + 4 * k
        } else {
            middle + 5 + 4 * (k - half_digits)
        };
        let e = &body[at..at + 4];
        // A digit is 7 modules; far off means the runs do not line up with digits.
        let width: f32 = e.iter().sum();
        if !(4.9 * m..=9.1 * m).contains(&width) {
            return None;
        }
        let half = match (k < half_digits, digits) {
            (false, _) => Half::Right,
            (true, 12) => Half::LeftAB,
            (true, _) => Half::LeftA,
        };
        let (d, set_b) = digit(e, half, spread)?;
        if set_b {
            parity |= 1 << (half_digits - 1 - k);
        }
        out.push(char::from(b'0' + d));
    }
    let span = (r.starts[s] as f32, r.starts[s + count] as f32);
    if digits == 8 {
        return Some((Symbology::Ean8, out, span));
    }
    let first = PARITY.iter().position(|&p| p == parity)?;
    if first == 0 {
        // An EAN-13 starting with 0 is a UPC-A.
        return Some((Symbology::Upca, out, span));
    }
    Some((
        Symbology::Ean13,
        format!("{}{out}", char::from(b'0' + first as u8)),
        span,
    ))
}

/// The first EAN-13 / UPC-A / EAN-8 found along `bits` (left to right), with where it lies in
/// bit coordinates. The check digit is not verified here.
pub fn read(bits: &BitArray) -> Option<(Symbology, String, Span)> {
    let r = runs(bits);
    for s in (1..r.widths.len()).step_by(2) {
        for digits in [12, 8] {
            if let Some(found) = symbol_at(&r, s, digits) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Module widths of an EAN-13 (13 digits) or EAN-8 (8 digits), quiet zones excluded.
    fn modules(code: &str) -> Vec<u8> {
        let d: Vec<usize> = code.bytes().map(|b| usize::from(b - b'0')).collect();
        let (first, body) = if d.len() == 13 {
            (d[0], &d[1..])
        } else {
            (0, &d[..])
        };
        let half = body.len() / 2;
        let mut out = vec![1, 1, 1];
        for (k, &digit) in body[..half].iter().enumerate() {
            let w = WIDTHS[digit];
            let set_b = d.len() == 13 && PARITY[first] & (1 << (half - 1 - k)) != 0;
            out.extend(if set_b { [w[3], w[2], w[1], w[0]] } else { w });
        }
        out.extend([1, 1, 1, 1, 1]);
        for &digit in &body[half..] {
            out.extend(WIDTHS[digit]);
        }
        out.extend([1, 1, 1]);
        out
    }

    /// A bit row: `quiet` light modules, the symbol with bars grown by `spread` pixels,
    /// `quiet_after` light modules; `px` pixels per module.
    fn row(code: &str, px: f32, spread: f32, quiet: f32, quiet_after: f32) -> BitArray {
        let m = modules(code);
        let total: f32 = m.iter().map(|&x| f32::from(x)).sum::<f32>() + quiet + quiet_after;
        let mut bits = BitArray::with_size((total * px).ceil() as usize + 2);
        let mut x = quiet * px;
        for (i, &w) in m.iter().enumerate() {
            let end = x + f32::from(w) * px;
            if i % 2 == 0 {
                let (a, b) = ((x - spread / 2.0).round(), (end + spread / 2.0).round());
                for p in a as usize..b as usize {
                    bits.set(p);
                }
            }
            x = end;
        }
        bits
    }

    #[test]
    fn reads_clean_rows_of_each_kind() {
        let cases = [
            ("4006381333931", Symbology::Ean13, "4006381333931"),
            ("0036000291452", Symbology::Upca, "036000291452"),
            ("96385074", Symbology::Ean8, "96385074"),
            ("9780201752847", Symbology::Ean13, "9780201752847"),
        ];
        for (code, sym, text) in cases {
            for px in [2.0f32, 2.7, 4.0] {
                let bits = row(code, px, 0.0, 10.0, 10.0);
                let got = read(&bits).map(|(s, t, _)| (s, t));
                assert_eq!(got, Some((sym, text.to_owned())), "{code} at {px} px");
            }
        }
    }

    #[test]
    fn ink_spread_does_not_change_the_digits() {
        for spread in [-1.2f32, -0.6, 0.6, 1.2, 1.6] {
            let bits = row("5000213002834", 3.0, spread, 10.0, 10.0);
            let got = read(&bits).map(|(_, t, _)| t);
            assert_eq!(got.as_deref(), Some("5000213002834"), "spread {spread}");
        }
    }

    #[test]
    fn a_short_quiet_zone_on_one_side_is_accepted_but_not_on_both() {
        let one = row("8886316200561", 3.0, 0.0, 10.0, 2.7);
        assert_eq!(
            read(&one).map(|(_, t, _)| t).as_deref(),
            Some("8886316200561")
        );
        let both = row("8886316200561", 3.0, 0.0, 3.0, 3.0);
        assert_eq!(read(&both), None);
        let none = row("8886316200561", 3.0, 0.0, 10.0, 1.0);
        assert_eq!(read(&none), None);
    }

    #[test]
    fn backwards_and_noise_rows_give_nothing_here() {
        let mut bits = row("4006381333931", 3.0, 0.0, 10.0, 10.0);
        bits.reverse();
        // A backwards EAN-13 does not parse as one (the caller reverses the row itself).
        assert!(read(&bits).is_none_or(|(_, t, _)| t != "4006381333931"));
        let mut noise = BitArray::with_size(600);
        let mut state = 12345u32;
        for i in 0..600 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            if (state >> 16).is_multiple_of(3) {
                noise.set(i);
            }
        }
        assert!(read(&noise).is_none_or(|(s, t, _)| !super::super::decode::plausible(s, &t)));
    }

    #[test]
    fn the_span_is_reported_in_bit_coordinates() {
        let bits = row("4006381333931", 2.0, 0.0, 10.0, 10.0);
        let (_, _, (start, end)) = read(&bits).expect("read");
        assert!((start - 20.0).abs() < 1.5, "{start}");
        assert!((end - 210.0).abs() < 1.5, "{end}");
    }
}
