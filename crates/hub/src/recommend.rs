//! Magic Mirror's recommender (issue 16): item-item co-occurrence with cosine similarity, learnt
//! from every store's `order.placed` events, and a most-popular baseline to measure it against
//! (`cargo bench -p smartstore-hub --bench recommend`, docs/benchmarks.md). Pure: the backends
//! read the events and store the lists; this only counts and ranks.
//!
//! What counts as one shopper's purchases: the orders of a member who consented are joined into
//! one history (that is what they agreed to); every other order (anonymous, or of a member who
//! did not consent) is a basket of its own, never joined to another. Both teach which products
//! go together; only consenting members get a list.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use smartstore_domain::recommend::{Candidate, MAX_CANDIDATES};

/// The parts of an `order.placed` the recommender reads (same field names as
/// [`smartstore_protocol::events::OrderPlaced`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Purchase {
    pub order_id: String,
    /// RFC 3339 on the terminal's clock: orders sort by it.
    pub created_at: String,
    #[serde(default)]
    pub member_id: Option<String>,
    pub lines: Vec<PurchaseLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PurchaseLine {
    pub gtin: String,
}

impl Purchase {
    /// Reads an `order.placed` body; `None` for one that is not readable (it teaches nothing).
    pub fn from_body(body: &str) -> Option<Purchase> {
        serde_json::from_str(body).ok()
    }
}

/// How the recommender ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Products the member bought before may be recommended (their own score: how often they
    /// were bought, as if similar to themselves). Measured both ways in docs/benchmarks.md.
    pub repeat: bool,
    /// A history's most recent distinct products that count.
    pub max_history: usize,
    /// The neighbours kept per product.
    pub neighbours: usize,
    /// Added to the cosine's denominator: a pair seen together once among rare products
    /// counts less than the same share among many purchases.
    pub shrink: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            repeat: true,
            max_history: 200,
            neighbours: 50,
            shrink: 5.0,
        }
    }
}

/// What the recommender learnt: per product its neighbours and their similarity, and the
/// products by popularity (how many histories or baskets hold them).
#[derive(Debug, Clone, Default)]
pub struct Model {
    gtins: Vec<String>,
    index: HashMap<String, u32>,
    neighbours: Vec<Vec<(u32, f64)>>,
    popular: Vec<(u32, f64)>,
}

/// A history: each product with the number of orders that held it, and its last order's rank
/// in time (higher is later).
type History = HashMap<u32, (u32, usize)>;

impl Model {
    fn id(&mut self, gtin: &str) -> u32 {
        if let Some(i) = self.index.get(gtin) {
            return *i;
        }
        let i = u32::try_from(self.gtins.len()).unwrap_or(u32::MAX);
        self.gtins.push(gtin.to_owned());
        self.index.insert(gtin.to_owned(), i);
        i
    }

    /// Learns from `purchases`; `profiled` says which members' orders form one history.
    pub fn train(
        purchases: &[Purchase],
        profiled: impl Fn(&str) -> bool,
        params: &Params,
    ) -> Model {
        let mut model = Model::default();
        let mut sorted: Vec<&Purchase> = purchases.iter().collect();
        sorted.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then(a.order_id.cmp(&b.order_id))
        });
        let mut members: BTreeMap<&str, History> = BTreeMap::new();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        for (rank, p) in sorted.iter().enumerate() {
            let ids: BTreeSet<u32> = p.lines.iter().map(|l| model.id(&l.gtin)).collect();
            match p.member_id.as_deref().filter(|m| profiled(m)) {
                Some(m) => {
                    let h = members.entry(m).or_default();
                    for i in ids {
                        let e = h.entry(i).or_insert((0, rank));
                        e.0 += 1;
                        e.1 = rank;
                    }
                }
                None => sets.push(ids.into_iter().collect()),
            }
        }
        for h in members.values() {
            sets.push(recent(h, params.max_history));
        }
        let n = model.gtins.len();
        let mut count = vec![0u32; n];
        let mut together: Vec<HashMap<u32, u32>> = vec![HashMap::new(); n];
        for set in &sets {
            for (k, &i) in set.iter().enumerate() {
                count[i as usize] += 1;
                for &j in &set[k + 1..] {
                    *together[i as usize].entry(j).or_insert(0) += 1;
                    *together[j as usize].entry(i).or_insert(0) += 1;
                }
            }
        }
        model.neighbours = together
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut sims: Vec<(u32, f64)> = row
                    .iter()
                    .map(|(&j, &c)| {
                        let norm = (f64::from(count[i]) * f64::from(count[j as usize])).sqrt();
                        (j, f64::from(c) / (norm + params.shrink))
                    })
                    .collect();
                sims.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                sims.truncate(params.neighbours);
                sims
            })
            .collect();
        let mut popular: Vec<(u32, f64)> = count
            .iter()
            .enumerate()
            .map(|(i, &c)| (u32::try_from(i).unwrap_or(u32::MAX), f64::from(c)))
            .collect();
        popular.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| model.gtins[a.0 as usize].cmp(&model.gtins[b.0 as usize]))
        });
        model.popular = popular;
        model
    }

    fn history_of(&self, purchases: &[&Purchase]) -> History {
        let mut h = History::new();
        for (rank, p) in purchases.iter().enumerate() {
            for l in &p.lines {
                if let Some(&i) = self.index.get(&l.gtin) {
                    let e = h.entry(i).or_insert((0, rank));
                    e.0 += 1;
                    e.1 = rank;
                }
            }
        }
        h
    }

    /// A member's ranked candidates from their orders (any order of them): the neighbours of
    /// what they bought, weighted by how often, then the most popular products to fill the
    /// list up to `n` (a member with little history still gets a list a store can filter).
    pub fn recommend(&self, orders: &[&Purchase], n: usize, params: &Params) -> Vec<Candidate> {
        let mut sorted = orders.to_vec();
        sorted.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then(a.order_id.cmp(&b.order_id))
        });
        let history = self.history_of(&sorted);
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for i in recent(&history, params.max_history) {
            let weight = f64::from(history[&i].0).ln_1p();
            for &(j, sim) in &self.neighbours[i as usize] {
                *scores.entry(j).or_insert(0.0) += weight * sim;
            }
            if params.repeat {
                *scores.entry(i).or_insert(0.0) += weight;
            }
        }
        if !params.repeat {
            scores.retain(|j, _| !history.contains_key(j));
        }
        let mut ranked: Vec<(u32, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.gtins[a.0 as usize].cmp(&self.gtins[b.0 as usize]))
        });
        ranked.truncate(n);
        // Filled with the most popular, scored below every neighbour.
        let floor = ranked.last().map_or(0.0, |r| r.1).min(0.0);
        let top = self.popular.first().map_or(1.0, |p| p.1.max(1.0));
        for &(i, pop) in &self.popular {
            if ranked.len() >= n {
                break;
            }
            if ranked.iter().any(|r| r.0 == i) || (!params.repeat && history.contains_key(&i)) {
                continue;
            }
            ranked.push((i, floor - 1.0 + pop / top));
        }
        self.candidates(ranked)
    }

    /// The baseline: the most popular products, the member's own left out unless `repeat`.
    pub fn most_popular(&self, orders: &[&Purchase], n: usize, repeat: bool) -> Vec<Candidate> {
        let history = self.history_of(orders);
        let ranked = self
            .popular
            .iter()
            .filter(|(i, _)| repeat || !history.contains_key(i))
            .take(n)
            .copied()
            .collect();
        self.candidates(ranked)
    }

    fn candidates(&self, ranked: Vec<(u32, f64)>) -> Vec<Candidate> {
        ranked
            .into_iter()
            .map(|(i, score)| Candidate {
                gtin: self.gtins[i as usize].clone(),
                // Rounded: a list rebuilt from the same purchases is byte for byte the same,
                // so an unchanged list is not sent again.
                score: (score * 10_000.0).round() / 10_000.0,
            })
            .collect()
    }
}

/// A history's most recent `max` products.
fn recent(h: &History, max: usize) -> Vec<u32> {
    let mut items: Vec<(u32, usize)> = h.iter().map(|(&i, &(_, last))| (i, last)).collect();
    items.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    items.truncate(max);
    let mut ids: Vec<u32> = items.into_iter().map(|(i, _)| i).collect();
    ids.sort_unstable();
    ids
}

/// Every consenting member's list, from every purchase: what `smartstore-hub recommend build`
/// and the serving hub's periodic rebuild store. A consenting member with no purchases yet gets
/// the most popular products.
pub fn build(
    purchases: &[Purchase],
    consenting: &BTreeSet<String>,
    params: &Params,
) -> BTreeMap<String, Vec<Candidate>> {
    let model = Model::train(purchases, |m| consenting.contains(m), params);
    let mut by_member: BTreeMap<&str, Vec<&Purchase>> = BTreeMap::new();
    for p in purchases {
        if let Some(m) = p.member_id.as_deref().filter(|m| consenting.contains(*m)) {
            by_member.entry(m).or_default().push(p);
        }
    }
    consenting
        .iter()
        .map(|m| {
            let orders = by_member.get(m.as_str()).map_or(&[][..], Vec::as_slice);
            (m.clone(), model.recommend(orders, MAX_CANDIDATES, params))
        })
        .collect()
}

/// What a build did, as `smartstore-hub recommend build --json` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MirrorBuild {
    /// Sales read.
    pub purchases: usize,
    /// Members who consent: each has a list.
    pub members: usize,
    /// Lists that changed (each pulled again by the terminals).
    pub changed: usize,
}

/// A list as the hub stores it.
pub fn to_json(list: &[Candidate]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

/// A stored list; one that does not read is the database's fault, said so.
pub fn from_json(text: &str) -> Result<Vec<Candidate>, crate::db::HubError> {
    serde_json::from_str(text).map_err(|e| crate::db::HubError::Db {
        path: "mirror_members".into(),
        detail: format!("a stored recommendation list does not read: {e}"),
    })
}

/// How often the serving hub rebuilds the lists (docs/decisions.md): purchases arrive all day,
/// a shopper's taste moves over weeks; a rebuild reads every sale.
pub const REBUILD_EVERY: std::time::Duration = std::time::Duration::from_secs(30 * 60);

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, at: u32, member: Option<&str>, gtins: &[&str]) -> Purchase {
        Purchase {
            order_id: id.into(),
            created_at: format!("2026-01-01T00:{:02}:{:02}Z", at / 60, at % 60),
            member_id: member.map(str::to_owned),
            lines: gtins
                .iter()
                .map(|g| PurchaseLine {
                    gtin: (*g).to_owned(),
                })
                .collect(),
        }
    }

    fn gtins(c: &[Candidate]) -> Vec<&str> {
        c.iter().map(|c| c.gtin.as_str()).collect()
    }

    /// Tea goes with biscuits, beer with crisps; milk is the best seller.
    fn shop() -> Vec<Purchase> {
        let mut p = Vec::new();
        for k in 0..6 {
            p.push(order(
                &format!("t{k}"),
                k,
                None,
                &["tea", "biscuits", "milk"],
            ));
            p.push(order(
                &format!("b{k}"),
                10 + k,
                None,
                &["beer", "crisps", "milk"],
            ));
            p.push(order(&format!("m{k}"), 20 + k, None, &["milk"]));
        }
        p
    }

    #[test]
    fn a_tea_drinker_is_offered_biscuits_before_the_best_seller() {
        let mut p = shop();
        p.push(order("a1", 40, Some("ann"), &["tea"]));
        let consenting: BTreeSet<String> = ["ann".to_owned()].into();
        let no_repeat = Params {
            repeat: false,
            ..Params::default()
        };
        let lists = build(&p, &consenting, &no_repeat);
        let ann = &lists["ann"];
        assert_eq!(ann[0].gtin, "biscuits", "{ann:?}");
        assert!(
            !gtins(ann).contains(&"tea"),
            "nothing bought again: {ann:?}"
        );
        // Filled up with the rest, the most popular first, each once.
        assert_eq!(ann.len(), 4, "{ann:?}");
        let set: BTreeSet<&str> = gtins(ann).into_iter().collect();
        assert_eq!(set.len(), ann.len());
        // The baseline knows only popularity.
        let model = Model::train(&p, |m| m == "ann", &no_repeat);
        let mine: Vec<&Purchase> = p.iter().filter(|o| o.order_id == "a1").collect();
        assert_eq!(gtins(&model.most_popular(&mine, 1, false)), ["milk"]);
    }

    #[test]
    fn with_repeats_what_a_member_keeps_buying_comes_first() {
        let mut p = shop();
        for k in 0..3 {
            p.push(order(&format!("c{k}"), 40 + k, Some("cho"), &["beer"]));
        }
        let lists = build(&p, &["cho".to_owned()].into(), &Params::default());
        assert_eq!(gtins(&lists["cho"])[..2], ["beer", "crisps"]);
    }

    #[test]
    fn only_consenting_members_get_a_list_and_a_newcomer_gets_the_best_sellers() {
        let mut p = shop();
        p.push(order("x", 50, Some("nina"), &["tea"]));
        let lists = build(&p, &["zoe".to_owned()].into(), &Params::default());
        assert_eq!(lists.keys().collect::<Vec<_>>(), ["zoe"]);
        assert_eq!(gtins(&lists["zoe"])[0], "milk");
        assert!(lists["zoe"].len() <= MAX_CANDIDATES);
    }

    #[test]
    fn a_non_consenting_members_orders_are_never_joined() {
        // Two orders of one member: joined, tea and beer would go together.
        let mut p = vec![
            order("1", 1, Some("nina"), &["tea"]),
            order("2", 2, Some("nina"), &["beer"]),
        ];
        p.push(order("3", 3, Some("ann"), &["tea"]));
        let lists = build(&p, &["ann".to_owned()].into(), &Params::default());
        let ann = &lists["ann"];
        let beer = ann.iter().find(|c| c.gtin == "beer").map(|c| c.score);
        let tea = ann.iter().find(|c| c.gtin == "tea").map(|c| c.score);
        // Beer comes only as filling (below zero), not as tea's neighbour.
        assert!(beer.is_some_and(|b| b < 0.0), "{ann:?}");
        assert!(tea.is_some_and(|t| t > 0.0), "{ann:?}");
    }

    #[test]
    fn the_same_purchases_give_the_same_lists() {
        let mut p = shop();
        p.push(order("a1", 40, Some("ann"), &["tea", "beer"]));
        let c: BTreeSet<String> = ["ann".to_owned()].into();
        let a = build(&p, &c, &Params::default());
        p.reverse();
        assert_eq!(a, build(&p, &c, &Params::default()));
    }
}
