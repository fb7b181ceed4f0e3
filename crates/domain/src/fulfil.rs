//! Fulfilling an online order from the store's shelves (issue 16): the pick list in the order a
//! picker walks the floor, each scanned item checked against what is still to pick, and the
//! parcel's id for its label. Pure: the terminal keeps the picks and the statuses.

use std::cmp::Ordering;

use crate::gtin::Gtin;

/// One line of a pick list: what the order asks, what is picked so far, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickLine {
    pub gtin: Gtin,
    pub name: String,
    pub name_zh: Option<String>,
    pub shelf: Option<String>,
    pub qty: u32,
    pub picked: u32,
}

impl PickLine {
    /// The name in the reader's language, falling back to English.
    pub fn name_in(&self, chinese: bool) -> &str {
        match (&self.name_zh, chinese) {
            (Some(zh), true) if !zh.is_empty() => zh,
            _ => &self.name,
        }
    }

    pub fn done(&self) -> bool {
        self.picked >= self.qty
    }
}

/// Why a scanned item does not go into the order's tote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PickRefusal {
    /// The order does not ask for this product at all.
    #[error("{gtin} is not in this order")]
    NotInOrder { gtin: Gtin },
    /// Every one the order asks for is already picked: this one is extra.
    #[error("all {qty} of {gtin} are already picked")]
    Extra { gtin: Gtin, qty: u32 },
}

/// Checks one scanned item against the pick list; on success, the index of the line it fills.
pub fn pick(lines: &[PickLine], scanned: &Gtin) -> Result<usize, PickRefusal> {
    let Some(i) = lines.iter().position(|l| &l.gtin == scanned) else {
        return Err(PickRefusal::NotInOrder { gtin: *scanned });
    };
    if lines[i].done() {
        return Err(PickRefusal::Extra {
            gtin: *scanned,
            qty: lines[i].qty,
        });
    }
    Ok(i)
}

/// Every line picked in full.
pub fn all_picked(lines: &[PickLine]) -> bool {
    !lines.is_empty() && lines.iter().all(PickLine::done)
}

/// Sorts a pick list the way a picker walks: by shelf (aisle letters, then the number as a
/// number: A2 before A10), lines without a known shelf last, then by name.
pub fn walk_order(lines: &mut [PickLine]) {
    lines.sort_by(|a, b| match (&a.shelf, &b.shelf) {
        (Some(x), Some(y)) => shelf_cmp(x, y).then_with(|| a.name.cmp(&b.name)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.name.cmp(&b.name),
    });
}

/// Compares shelf labels with runs of digits as numbers ("A2" < "A10").
fn shelf_cmp(a: &str, b: &str) -> Ordering {
    fn parts(s: &str) -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.trim().chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    }
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(&pb) {
        let o = match (x.0, y.0) {
            (true, true) => {
                let (nx, ny) = (x.1.trim_start_matches('0'), y.1.trim_start_matches('0'));
                nx.len().cmp(&ny.len()).then_with(|| nx.cmp(ny))
            }
            _ => x.1.to_uppercase().cmp(&y.1.to_uppercase()),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

/// The id printed as the parcel's Code 128 and scanned at hand-over: the order and the store
/// that packed it (an order given back and packed by another store gets another parcel).
pub fn parcel_id(order_id: &str, store: &str) -> String {
    format!("{order_id}-{store}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(gtin: &str, name: &str, shelf: Option<&str>, qty: u32, picked: u32) -> PickLine {
        PickLine {
            gtin: Gtin::parse(gtin).expect("gtin"),
            name: name.into(),
            name_zh: None,
            shelf: shelf.map(str::to_owned),
            qty,
            picked,
        }
    }

    #[test]
    fn a_wrong_item_and_an_extra_one_are_refused() {
        let lines = vec![
            line("6901234567892", "Cola", Some("A2"), 2, 1),
            line("96385074", "Tea", None, 1, 1),
        ];
        assert_eq!(pick(&lines, &lines[0].gtin), Ok(0));
        let tea = lines[1].gtin;
        assert_eq!(
            pick(&lines, &tea),
            Err(PickRefusal::Extra { gtin: tea, qty: 1 })
        );
        let other = Gtin::parse("4006381333931").expect("gtin");
        assert_eq!(
            pick(&lines, &other),
            Err(PickRefusal::NotInOrder { gtin: other })
        );
        assert!(!all_picked(&lines));
        assert!(all_picked(&[line("96385074", "Tea", None, 1, 1)]));
        assert!(!all_picked(&[]));
    }

    #[test]
    fn the_pick_list_follows_the_shelves_numbers_as_numbers_unknown_last() {
        let mut lines = vec![
            line("96385074", "Tea", None, 1, 0),
            line("6901234567892", "Cola", Some("A10"), 1, 0),
            line("4006381333931", "Pens", Some("a2"), 1, 0),
            line("5901234123457", "Soap", Some("B1"), 1, 0),
            line("4006381333931", "Ink", Some("A2"), 1, 0),
        ];
        walk_order(&mut lines);
        let names: Vec<&str> = lines.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["Ink", "Pens", "Cola", "Soap", "Tea"]);
    }

    #[test]
    fn a_parcel_names_its_order_and_store() {
        assert_eq!(parcel_id("OL0000012", "A"), "OL0000012-A");
    }
}
