//! Magic Mirror (issue 16): which of a member's recommended products a store can show. The
//! platform ranks candidates from every store's purchases; a store shows only what it holds,
//! and this rule is the one the terminal, the platform's tests and the benchmark share.

use serde::{Deserialize, Serialize};

/// The most recommendations shown at once.
pub const SHOWN: usize = 5;

/// The most candidates the platform sends a member: enough that a store holding a fraction of
/// the range still has five to show.
pub const MAX_CANDIDATES: usize = 30;

/// One ranked candidate: a product (GTIN-14) and its score, higher first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub gtin: String,
    pub score: f64,
}

/// The first `n` candidates, in their order, whose stock `stock_of` knows and is above zero;
/// each product once. A product whose stock is unknown is not shown: "in stock" is a count.
pub fn in_stock<S>(candidates: &[Candidate], mut stock_of: S, n: usize) -> Vec<&Candidate>
where
    S: FnMut(&str) -> Option<i64>,
{
    let mut out: Vec<&Candidate> = Vec::with_capacity(n);
    for c in candidates {
        if out.len() == n {
            break;
        }
        if out.iter().any(|o| o.gtin == c.gtin) {
            continue;
        }
        if stock_of(&c.gtin).is_some_and(|s| s > 0) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(gtin: &str, score: f64) -> Candidate {
        Candidate {
            gtin: gtin.into(),
            score,
        }
    }

    #[test]
    fn only_what_the_store_holds_in_rank_order_at_most_n() {
        let list = [
            c("a", 9.0),
            c("b", 8.0),
            c("c", 7.0),
            c("a", 6.0),
            c("d", 5.0),
        ];
        let stock = |g: &str| match g {
            "a" => Some(3),
            "b" => Some(0),
            "c" => None,
            "d" => Some(1),
            _ => Some(100),
        };
        let shown: Vec<&str> = in_stock(&list, stock, 5)
            .iter()
            .map(|c| c.gtin.as_str())
            .collect();
        assert_eq!(shown, ["a", "d"]);
        assert_eq!(in_stock(&list, |_| Some(1), 2).len(), 2);
        assert!(in_stock(&list, |_| Some(-4), 5).is_empty());
    }
}
