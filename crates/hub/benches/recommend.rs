//! Magic Mirror's recommender measured offline (issue 16): a seeded synthetic purchase history
//! (members with preferences over categories, staples they buy again, anonymous baskets, time
//! ordered over 26 weeks), split in time (the first 80 % of days to learn from, the rest held
//! out), and per member with purchases on both sides: the five recommendations their home store
//! would show (the candidates filtered to its stock by the terminal's own rule), a hit when one
//! of them is among what the member bought in the held-out weeks. Against the most-popular
//! baseline, filtered the same way. Also the share of shown recommendations that were in stock,
//! checked against the stock table itself.
//!
//! `cargo bench -p smartstore-hub --bench recommend [-- --seed N --members N]`
//! (figures in docs/benchmarks.md).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use smartstore_domain::recommend::{Candidate, MAX_CANDIDATES, SHOWN, in_stock};
use smartstore_hub::recommend::{Model, Params, Purchase, PurchaseLine};

/// SplitMix64: a seeded generator small enough to hold here (the figures must be repeatable).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }
    /// An index drawn with the given weights.
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

const CATEGORIES: usize = 20;
const PER_CATEGORY: usize = 25;
const STORES: usize = 3;
const DAYS: u32 = 182;
const SPLIT_DAY: u32 = 146; // 80 % of the days

struct World {
    /// The products' GTINs, category-major.
    gtins: Vec<String>,
    /// Per store: GTIN → units on hand (a product the store does not carry is absent).
    stock: Vec<HashMap<String, i64>>,
    /// Each member's home store.
    home: BTreeMap<String, usize>,
    purchases: Vec<(u32, Purchase)>,
}

fn gtin(n: usize) -> String {
    // A GTIN-13 of the 690 prefix with its check digit (the hub stores GTIN-14 text; the
    // recommender treats them as names).
    let body = format!("690{:09}", n);
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("0{body}{}", (10 - sum % 10) % 10)
}

fn world(seed: u64, members: usize) -> World {
    let mut rng = Rng(seed);
    let gtins: Vec<String> = (0..CATEGORIES * PER_CATEGORY).map(gtin).collect();
    // Within a category a few products sell most (Zipf-like).
    let within: Vec<f64> = (0..PER_CATEGORY)
        .map(|r| 1.0 / ((r + 1) as f64).powf(0.9))
        .collect();
    // Some categories sell more than others.
    let category_weight: Vec<f64> = (0..CATEGORIES)
        .map(|c| 1.0 / ((c + 2) as f64).sqrt())
        .collect();
    let mut stock: Vec<HashMap<String, i64>> = Vec::with_capacity(STORES);
    for _ in 0..STORES {
        let mut held = HashMap::new();
        for g in &gtins {
            if rng.unit() < 0.6 {
                // One carried product in ten is sold out.
                let n = if rng.unit() < 0.1 {
                    0
                } else {
                    1 + rng.below(40) as i64
                };
                held.insert(g.clone(), n);
            }
        }
        stock.push(held);
    }
    let product = |rng: &mut Rng, cat: usize| cat * PER_CATEGORY + rng.pick(&within);
    let mut purchases = Vec::new();
    let mut home = BTreeMap::new();
    let mut order_no = 0u64;
    let mut push = |purchases: &mut Vec<(u32, Purchase)>,
                    day: u32,
                    member: Option<String>,
                    items: BTreeSet<usize>| {
        order_no += 1;
        let second = order_no % 86_400;
        purchases.push((
            day,
            Purchase {
                order_id: format!("o{order_no}"),
                created_at: format!(
                    "2026-{:03}T{:02}:{:02}:{:02}Z",
                    day,
                    second / 3600,
                    second / 60 % 60,
                    second % 60
                ),
                member_id: member,
                lines: items
                    .into_iter()
                    .map(|i| PurchaseLine {
                        gtin: gtins[i].clone(),
                    })
                    .collect(),
            },
        ));
    };
    for m in 0..members {
        let id = format!("M{m:05}");
        home.insert(id.clone(), rng.below(STORES));
        // Two or three favourite categories, with their own weights; a little of the rest.
        let mut taste = vec![0.02; CATEGORIES];
        for _ in 0..2 + rng.below(2) {
            let c = rng.pick(&category_weight);
            taste[c] += 0.5 + rng.unit();
        }
        // Staples: products of the favourite categories bought again and again.
        let staples: Vec<usize> = (0..3 + rng.below(4))
            .map(|_| {
                let c = rng.pick(&taste);
                product(&mut rng, c)
            })
            .collect();
        let visits = 4 + rng.below(30);
        for _ in 0..visits {
            let day = rng.below(DAYS as usize) as u32;
            let mut items = BTreeSet::new();
            for s in &staples {
                if rng.unit() < 0.35 {
                    items.insert(*s);
                }
            }
            for _ in 0..1 + rng.below(5) {
                let c = rng.pick(&taste);
                items.insert(product(&mut rng, c));
            }
            push(&mut purchases, day, Some(id.clone()), items);
        }
    }
    // Anonymous shoppers: a basket of one or two categories.
    for _ in 0..members * 3 {
        let day = rng.below(DAYS as usize) as u32;
        let cats = [rng.pick(&category_weight), rng.pick(&category_weight)];
        let mut items = BTreeSet::new();
        for _ in 0..1 + rng.below(4) {
            let c = cats[rng.below(2)];
            items.insert(product(&mut rng, c));
        }
        push(&mut purchases, day, None, items);
    }
    World {
        gtins,
        stock,
        home,
        purchases,
    }
}

#[derive(Default)]
struct Score {
    members: usize,
    hits: usize,
    new_hits: usize,
    /// Members with a held-out purchase of a product they had not bought before.
    new_members: usize,
    shown: usize,
    shown_in_stock: usize,
    distinct: BTreeSet<String>,
}

impl Score {
    fn add(
        &mut self,
        shown: &[&Candidate],
        stock: &HashMap<String, i64>,
        later: &BTreeSet<&str>,
        before: &BTreeSet<&str>,
    ) {
        self.members += 1;
        self.shown += shown.len();
        // Checked against the stock table itself, not through the filter that chose them.
        self.shown_in_stock += shown
            .iter()
            .filter(|c| stock.get(&c.gtin).is_some_and(|n| *n > 0))
            .count();
        self.distinct.extend(shown.iter().map(|c| c.gtin.clone()));
        if shown.iter().any(|c| later.contains(c.gtin.as_str())) {
            self.hits += 1;
        }
        let new: BTreeSet<&str> = later.difference(before).copied().collect();
        if !new.is_empty() {
            self.new_members += 1;
            if shown.iter().any(|c| new.contains(c.gtin.as_str())) {
                self.new_hits += 1;
            }
        }
    }

    fn row(&self, name: &str) -> String {
        let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
        format!(
            "| {name} | {:.1} % | {:.1} % | {:.2} | {:.1} % | {} |",
            pct(self.hits, self.members),
            pct(self.new_hits, self.new_members),
            self.shown as f64 / self.members.max(1) as f64,
            pct(self.shown_in_stock, self.shown),
            self.distinct.len()
        )
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let seed = arg("--seed", 16);
    let members = arg("--members", 3000) as usize;
    let made = Instant::now();
    let w = world(seed, members);
    let (train, test): (Vec<_>, Vec<_>) = w.purchases.iter().partition(|(d, _)| *d < SPLIT_DAY);
    let train: Vec<Purchase> = train.into_iter().map(|(_, p)| p.clone()).collect();
    let mut later: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (_, p) in &test {
        if let Some(m) = &p.member_id {
            later
                .entry(m)
                .or_default()
                .extend(p.lines.iter().map(|l| l.gtin.as_str()));
        }
    }
    let mut history: BTreeMap<&str, Vec<&Purchase>> = BTreeMap::new();
    for p in &train {
        if let Some(m) = &p.member_id {
            history.entry(m).or_default().push(p);
        }
    }
    println!(
        "seed {seed}: {} products in {CATEGORIES} categories, {STORES} stores, {members} members, {} orders ({} to learn from, days 0-{}; {} held out, days {SPLIT_DAY}-{}); made in {:.2?}",
        w.gtins.len(),
        w.purchases.len(),
        train.len(),
        SPLIT_DAY - 1,
        test.len(),
        DAYS - 1,
        made.elapsed()
    );
    let mut rows = Vec::new();
    for repeat in [true, false] {
        let params = Params {
            repeat,
            ..Params::default()
        };
        let trained = Instant::now();
        // Every synthetic member consents: their orders form one history each.
        let model = Model::train(&train, |_| true, &params);
        let train_time = trained.elapsed();
        let (mut rec, mut pop) = (Score::default(), Score::default());
        let ranked = Instant::now();
        for (member, later) in &later {
            let Some(orders) = history.get(member) else {
                continue;
            };
            let stock = &w.stock[w.home[*member]];
            let before: BTreeSet<&str> = orders
                .iter()
                .flat_map(|p| p.lines.iter().map(|l| l.gtin.as_str()))
                .collect();
            let of = |g: &str| stock.get(g).copied();
            let candidates = model.recommend(orders, MAX_CANDIDATES, &params);
            rec.add(&in_stock(&candidates, of, SHOWN), stock, later, &before);
            let popular = model.most_popular(orders, MAX_CANDIDATES, repeat);
            pop.add(&in_stock(&popular, of, SHOWN), stock, later, &before);
        }
        let rank_time = ranked.elapsed();
        let what = if repeat {
            "bought before may be shown"
        } else {
            "only products not bought before"
        };
        rows.push(rec.row(&format!("item-item cosine, {what}")));
        rows.push(pop.row(&format!("most popular, {what}")));
        println!(
            "{what}: learnt in {train_time:.2?}, {} members ranked (both ways) in {rank_time:.2?}",
            rec.members
        );
    }
    println!();
    println!(
        "| recommender | hit@5 | hit@5, new products only | shown per member | in stock | distinct products shown |"
    );
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
}
