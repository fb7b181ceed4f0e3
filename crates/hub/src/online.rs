//! Online orders meet the shops (issue 16): a marketplace's order is checked, routed to the
//! nearest store that holds every line (or split across stores, and said so), its stock
//! reserved there; the store's terminals move it through its statuses. The rules are here,
//! pure (no IO): both storage backends call them.

use serde::{Deserialize, Serialize};
use smartstore_domain::gtin::Gtin;

pub use smartstore_protocol::online::{
    Destination, EVENT_PREFIX, Line, OnlineOrder, STOCK_COUNTED, Status, StatusEvent, Step,
    StockCounted, StockFigure, StockMove, status_of_event, stock_moves,
};

/// The most lines an online order may have.
pub const MAX_LINES: usize = 100;
/// The most of one item a line may ask for.
pub const MAX_QTY: u32 = 999;
/// The longest delivery address, in characters.
pub const MAX_ADDRESS: usize = 200;
/// The longest marketplace order id or store id, in bytes.
pub const MAX_ID: usize = 64;

/// What a marketplace sends (`POST /v1/online-orders`) or `online-order create` builds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub marketplace_order_id: String,
    pub lines: Vec<RequestLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_to: Option<DeliverTo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_store: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestLine {
    pub gtin: String,
    pub qty: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliverTo {
    pub address: String,
    pub lat: f64,
    pub lon: f64,
}

/// An intake request that passed its checks: lines merged by GTIN (in first-seen order).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub marketplace_order_id: String,
    pub lines: Vec<Line>,
    pub destination: Destination,
}

/// Why an online order is refused or cannot move on; each is a 4xx answer with its own code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OnlineRefusal {
    #[error("the order is malformed: {0}")]
    Malformed(String),
    #[error("product {0} is not in the platform's catalog")]
    UnknownProduct(String),
    #[error("no store {0}")]
    UnknownStore(String),
    #[error("no store can fill this order: {0}")]
    Unfillable(String),
    #[error("store {store} does not hold {what} for pickup")]
    NotAtPickupStore { store: String, what: String },
    #[error(
        "marketplace order {0} was already received with other lines or destination; \
         nothing was changed"
    )]
    Conflict(String),
    #[error("no online order {0}")]
    UnknownOrder(String),
    #[error("the marketplace key is unknown")]
    BadKey,
}

fn id_ok(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_ID && s.chars().all(|c| c.is_ascii_graphic())
}

impl IntakeRequest {
    /// Checks every limit before anything is stored.
    pub fn check(&self) -> Result<Checked, OnlineRefusal> {
        let bad = |m: String| OnlineRefusal::Malformed(m);
        if !id_ok(&self.marketplace_order_id) {
            return Err(bad(format!(
                "marketplace_order_id is 1 to {MAX_ID} printable ASCII characters"
            )));
        }
        if self.lines.is_empty() || self.lines.len() > MAX_LINES {
            return Err(bad(format!("an order has 1 to {MAX_LINES} lines")));
        }
        let mut lines: Vec<Line> = Vec::new();
        for l in &self.lines {
            let gtin = Gtin::parse(l.gtin.trim())
                .map_err(|e| bad(format!("line {:?}: {e}", l.gtin)))?
                .as_str();
            if l.qty == 0 || l.qty > MAX_QTY {
                return Err(bad(format!(
                    "line {}: a quantity is 1 to {MAX_QTY}",
                    l.gtin
                )));
            }
            match lines.iter_mut().find(|x| x.gtin == gtin) {
                Some(x) => {
                    x.qty = x.qty.saturating_add(l.qty);
                    if x.qty > MAX_QTY {
                        return Err(bad(format!(
                            "line {}: a quantity is 1 to {MAX_QTY}",
                            l.gtin
                        )));
                    }
                }
                None => lines.push(Line { gtin, qty: l.qty }),
            }
        }
        let destination = match (&self.deliver_to, &self.pickup_store) {
            (Some(d), None) => {
                let address = d.address.trim();
                if address.is_empty() || address.chars().count() > MAX_ADDRESS {
                    return Err(bad(format!("an address is 1 to {MAX_ADDRESS} characters")));
                }
                if address.chars().any(char::is_control) {
                    return Err(bad("an address has no control characters".into()));
                }
                if !(-90.0..=90.0).contains(&d.lat) || !(-180.0..=180.0).contains(&d.lon) {
                    return Err(bad("lat is -90 to 90 and lon -180 to 180".into()));
                }
                Destination::Deliver {
                    address: address.to_owned(),
                    lat: d.lat,
                    lon: d.lon,
                }
            }
            (None, Some(store)) if id_ok(store) => Destination::Pickup {
                store: store.clone(),
            },
            (None, Some(_)) => return Err(bad("pickup_store is a store id".into())),
            _ => {
                return Err(bad("an order has either deliver_to or pickup_store".into()));
            }
        };
        Ok(Checked {
            marketplace_order_id: self.marketplace_order_id.clone(),
            lines,
            destination,
        })
    }
}

/// A store to add: an id, a name of 1 to 200 characters and a place on Earth.
pub fn check_store(id: &str, name: &str, lat: f64, lon: f64) -> Result<(), OnlineRefusal> {
    if !crate::db::valid_store_id(id)
        || name.trim().is_empty()
        || name.chars().count() > 200
        || !(-90.0..=90.0).contains(&lat)
        || !(-180.0..=180.0).contains(&lon)
    {
        return Err(OnlineRefusal::Malformed(
            "a store has an id, a name of 1 to 200 characters and LAT,LON on Earth".into(),
        ));
    }
    Ok(())
}

/// A new bearer key for marketplace `name` (1 to 64 letters, digits, '-' or '_'), and the
/// digest the platform keeps of it.
pub fn new_marketplace_key(name: &str) -> Result<(String, String), OnlineRefusal> {
    if !crate::db::valid_store_id(name) {
        return Err(OnlineRefusal::Malformed(
            "a marketplace name is 1 to 64 letters, digits, '-' or '_'".into(),
        ));
    }
    let rng = ring::rand::SystemRandom::new();
    let bytes: [u8; 32] = ring::rand::generate(&rng)
        .map_err(|_| OnlineRefusal::Malformed("no randomness for a key".into()))?
        .expose();
    let key = format!("mk1-{}", smartstore_protocol::keys::b64(&bytes));
    let digest = crate::db::token_digest(&key);
    Ok((key, digest))
}

/// A store as routing sees it: where it is, and what it can sell now (on hand less reserved)
/// of the order's GTINs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub store: String,
    pub lat: f64,
    pub lon: f64,
    /// (GTIN, available) for the order's GTINs; a GTIN not listed is not held.
    pub available: Vec<(String, i64)>,
}

impl Candidate {
    fn holds(&self, line: &Line) -> bool {
        self.available
            .iter()
            .any(|(g, n)| *g == line.gtin && *n >= i64::from(line.qty))
    }
}

/// Great-circle distance in km (haversine, mean Earth radius).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

/// One store's part of a routed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub store: String,
    pub lines: Vec<Line>,
}

/// Routes an order: to the nearest store (of `stores`, less `excluded`) that holds every line;
/// else split: each line to the nearest store that holds all of it (parts in the order of
/// their stores' distance). A pickup goes to its store only, which must hold everything.
pub fn route(
    lines: &[Line],
    destination: &Destination,
    stores: &[Candidate],
    excluded: &[String],
) -> Result<Vec<Part>, OnlineRefusal> {
    let open: Vec<&Candidate> = stores
        .iter()
        .filter(|s| !excluded.contains(&s.store))
        .collect();
    let missing = |held: &dyn Fn(&Line) -> bool| {
        lines
            .iter()
            .filter(|l| !held(l))
            .map(|l| format!("{}×{}", l.gtin, l.qty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (lat, lon) = match destination {
        Destination::Pickup { store } => {
            let Some(s) = open.iter().find(|s| s.store == *store) else {
                return Err(OnlineRefusal::UnknownStore(store.clone()));
            };
            if lines.iter().all(|l| s.holds(l)) {
                return Ok(vec![Part {
                    store: store.clone(),
                    lines: lines.to_vec(),
                }]);
            }
            return Err(OnlineRefusal::NotAtPickupStore {
                store: store.clone(),
                what: missing(&|l| s.holds(l)),
            });
        }
        Destination::Deliver { lat, lon, .. } => (*lat, *lon),
    };
    let mut near: Vec<(f64, &Candidate)> = open
        .iter()
        .map(|s| (distance_km(lat, lon, s.lat, s.lon), *s))
        .collect();
    // Nearest first; equal distances by store id, so a route is the same every time.
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.store.cmp(&b.1.store)));
    if let Some((_, s)) = near.iter().find(|(_, s)| lines.iter().all(|l| s.holds(l))) {
        return Ok(vec![Part {
            store: s.store.clone(),
            lines: lines.to_vec(),
        }]);
    }
    let mut parts: Vec<Part> = Vec::new();
    for line in lines {
        let Some((_, s)) = near.iter().find(|(_, s)| s.holds(line)) else {
            return Err(OnlineRefusal::Unfillable(missing(&|l| {
                near.iter().any(|(_, s)| s.holds(l))
            })));
        };
        match parts.iter_mut().find(|p| p.store == s.store) {
            Some(p) => p.lines.push(line.clone()),
            None => parts.push(Part {
                store: s.store.clone(),
                lines: vec![line.clone()],
            }),
        }
    }
    let rank = |store: &str| near.iter().position(|(_, s)| s.store == store);
    parts.sort_by_key(|p| rank(&p.store));
    Ok(parts)
}

/// What intake answers: the order's parts (one unless split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeAnswer {
    pub marketplace_order_id: String,
    pub split: bool,
    pub orders: Vec<OnlineOrder>,
}

/// A digest of what an order asks (its lines and destination): the same marketplace order id
/// sent again with the same content is the same order; with another, a conflict.
pub fn request_digest(checked: &Checked) -> String {
    let text = serde_json::json!({
        "lines": checked.lines,
        "destination": checked.destination,
    })
    .to_string();
    crate::db::token_digest(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(gtin: &str, qty: u32) -> Line {
        Line {
            gtin: Gtin::parse(gtin).expect("gtin").as_str(),
            qty,
        }
    }

    fn store(id: &str, lat: f64, lon: f64, stock: &[(&str, i64)]) -> Candidate {
        Candidate {
            store: id.into(),
            lat,
            lon,
            available: stock
                .iter()
                .map(|(g, n)| (Gtin::parse(g).expect("gtin").as_str(), *n))
                .collect(),
        }
    }

    const COLA: &str = "6921000000019";
    const WATER: &str = "6921000000026";

    fn deliver(lat: f64, lon: f64) -> Destination {
        Destination::Deliver {
            address: "1 Nanjing Rd".into(),
            lat,
            lon,
        }
    }

    #[test]
    fn an_order_goes_to_the_nearest_store_that_holds_every_line() {
        // A near People's Square, B in Pudong, C far out.
        let stores = [
            store("A", 31.2304, 121.4737, &[(COLA, 5)]),
            store("B", 31.2397, 121.4998, &[(COLA, 10), (WATER, 3)]),
            store("C", 31.0, 121.0, &[(COLA, 10), (WATER, 10)]),
        ];
        let here = deliver(31.2310, 121.4740);
        assert_eq!(
            route(&[line(COLA, 2)], &here, &stores, &[]).expect("route"),
            vec![Part {
                store: "A".into(),
                lines: vec![line(COLA, 2)]
            }]
        );
        // A lacks water: B holds both.
        let both = [line(COLA, 2), line(WATER, 1)];
        assert_eq!(
            route(&both, &here, &stores, &[]).expect("route")[0].store,
            "B"
        );
        // More cola than A has: B.
        assert_eq!(
            route(&[line(COLA, 6)], &here, &stores, &[]).expect("route")[0].store,
            "B"
        );
        // B rejected it: C.
        assert_eq!(
            route(&both, &here, &stores, &["B".into()]).expect("route")[0].store,
            "C"
        );
        // Nobody has 11 colas.
        assert!(matches!(
            route(&[line(COLA, 11)], &here, &stores, &[]),
            Err(OnlineRefusal::Unfillable(_))
        ));
    }

    #[test]
    fn an_order_no_store_holds_whole_is_split_line_by_line_nearest_first() {
        let stores = [
            store("A", 31.2304, 121.4737, &[(COLA, 5)]),
            store("B", 31.2397, 121.4998, &[(WATER, 3)]),
        ];
        let parts = route(
            &[line(WATER, 2), line(COLA, 1)],
            &deliver(31.2310, 121.4740),
            &stores,
            &[],
        )
        .expect("route");
        assert_eq!(
            parts,
            vec![
                Part {
                    store: "A".into(),
                    lines: vec![line(COLA, 1)]
                },
                Part {
                    store: "B".into(),
                    lines: vec![line(WATER, 2)]
                },
            ]
        );
    }

    #[test]
    fn a_pickup_goes_to_its_store_or_is_refused_with_what_it_lacks() {
        let stores = [
            store("A", 31.2304, 121.4737, &[(COLA, 5)]),
            store("B", 31.2397, 121.4998, &[(COLA, 10), (WATER, 3)]),
        ];
        let at_a = Destination::Pickup { store: "A".into() };
        assert_eq!(
            route(&[line(COLA, 5)], &at_a, &stores, &[]).expect("route")[0].store,
            "A"
        );
        assert_eq!(
            route(&[line(WATER, 1)], &at_a, &stores, &[]),
            Err(OnlineRefusal::NotAtPickupStore {
                store: "A".into(),
                what: format!("0{WATER}×1")
            })
        );
        assert_eq!(
            route(
                &[line(COLA, 1)],
                &Destination::Pickup { store: "Z".into() },
                &stores,
                &[]
            ),
            Err(OnlineRefusal::UnknownStore("Z".into()))
        );
    }

    #[test]
    fn intake_is_checked_before_anything_is_stored() {
        let ok = IntakeRequest {
            marketplace_order_id: "TM-1".into(),
            lines: vec![
                RequestLine {
                    gtin: COLA.into(),
                    qty: 2,
                },
                RequestLine {
                    gtin: format!("0{COLA}"),
                    qty: 1,
                },
            ],
            deliver_to: Some(DeliverTo {
                address: "1 Nanjing Rd".into(),
                lat: 31.2,
                lon: 121.4,
            }),
            pickup_store: None,
        };
        // The same product twice is one line.
        assert_eq!(ok.check().expect("ok").lines, vec![line(COLA, 3)]);
        let refused = |f: &dyn Fn(&mut IntakeRequest)| {
            let mut r = ok.clone();
            f(&mut r);
            matches!(r.check(), Err(OnlineRefusal::Malformed(_)))
        };
        assert!(refused(&|r| r.marketplace_order_id.clear()));
        assert!(refused(&|r| r.marketplace_order_id = "x".repeat(65)));
        assert!(refused(&|r| r.lines.clear()));
        assert!(refused(&|r| r.lines[0].gtin = "6921000000018".into()));
        assert!(refused(&|r| r.lines[0].qty = 0));
        assert!(refused(&|r| r.lines[0].qty = 1000));
        assert!(refused(&|r| r.lines[1].qty = 998));
        assert!(refused(&|r| r.lines = vec![r.lines[0].clone(); 101]));
        assert!(refused(&|r| r.pickup_store = Some("A".into())));
        assert!(refused(&|r| r.deliver_to = None));
        assert!(refused(&|r| {
            r.deliver_to = Some(DeliverTo {
                address: "x".repeat(201),
                lat: 0.0,
                lon: 0.0,
            })
        }));
        assert!(refused(&|r| {
            r.deliver_to = Some(DeliverTo {
                address: "somewhere".into(),
                lat: 91.0,
                lon: 0.0,
            })
        }));
        assert!(refused(&|r| {
            r.deliver_to = Some(DeliverTo {
                address: "line\nbreak".into(),
                lat: 0.0,
                lon: 0.0,
            })
        }));
    }

    #[test]
    fn statuses_only_move_forward_and_each_way_has_its_own() {
        use Status::*;
        assert!(Routed.may_move_to(Accepted, false));
        assert!(Accepted.may_move_to(Packed, false));
        assert!(Packed.may_move_to(Shipped, false));
        assert!(!Packed.may_move_to(Picked, false));
        assert!(!Picked.may_move_to(Picked, false));
        assert!(!Packed.may_move_to(ReadyForPickup, false));
        assert!(Packed.may_move_to(ReadyForPickup, true));
        assert!(ReadyForPickup.may_move_to(Collected, true));
        assert!(!Packed.may_move_to(Shipped, true));
        assert!(Picked.may_move_to(Rejected, false));
        assert!(!Shipped.may_move_to(Rejected, false));
        assert!(!Collected.may_move_to(Rejected, true));
        assert_eq!(status_of_event("online.picked"), Some(Picked));
        assert_eq!(status_of_event("online.routed"), None);
        assert_eq!(status_of_event("order.placed"), None);
    }

    #[test]
    fn distances_are_great_circle_kilometres() {
        // Shanghai to Beijing is about 1,067 km.
        let d = distance_km(31.2304, 121.4737, 39.9042, 116.4074);
        assert!((1050.0..1090.0).contains(&d), "{d}");
        assert_eq!(distance_km(31.0, 121.0, 31.0, 121.0), 0.0);
    }
}
