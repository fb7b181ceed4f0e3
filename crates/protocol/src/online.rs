//! Online orders at the stores (issue 16), as the platform and the store's terminals both
//! see them: an online order routed to a store (the `online-orders` pull), its statuses and
//! the events a terminal sends to move it (`online.accepted`, …), and a shelf count
//! (`stock.counted`). The platform's routing is the hub's.

use serde::{Deserialize, Serialize};
use smartstore_domain::gtin::Gtin;

/// A line as kept: the 14-digit GTIN and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub gtin: String,
    pub qty: u32,
}

/// Where an order goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Destination {
    Deliver { address: String, lat: f64, lon: f64 },
    Pickup { store: String },
}

/// The statuses of an online order at the platform, in the order they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Routed to a store, not yet seen there.
    Routed,
    /// The store's terminal listed it.
    Accepted,
    Picked,
    Packed,
    Shipped,
    ReadyForPickup,
    Collected,
    /// The store could not fill it (routed again, or unfillable).
    Rejected,
    /// No store can fill it any more.
    Unfillable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Routed => "routed",
            Status::Accepted => "accepted",
            Status::Picked => "picked",
            Status::Packed => "packed",
            Status::Shipped => "shipped",
            Status::ReadyForPickup => "ready_for_pickup",
            Status::Collected => "collected",
            Status::Rejected => "rejected",
            Status::Unfillable => "unfillable",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Routed,
            Status::Accepted,
            Status::Picked,
            Status::Packed,
            Status::Shipped,
            Status::ReadyForPickup,
            Status::Collected,
            Status::Rejected,
            Status::Unfillable,
        ]
        .into_iter()
        .find(|s| s.name() == text)
    }

    /// Done with at this store: nothing moves it on.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Shipped | Status::Collected | Status::Rejected | Status::Unfillable
        )
    }

    /// Whether a store's terminal may move an order of this destination from `self` to `next`.
    /// The same status again is not a move (it is kept once); a step may be skipped (a
    /// terminal offline sends `picked` and `packed` together, in order).
    pub fn may_move_to(self, next: Status, pickup: bool) -> bool {
        let rank = |s: Status| match s {
            Status::Routed => Some(0),
            Status::Accepted => Some(1),
            Status::Picked => Some(2),
            Status::Packed => Some(3),
            Status::Shipped if !pickup => Some(4),
            Status::ReadyForPickup if pickup => Some(4),
            Status::Collected if pickup => Some(5),
            _ => None,
        };
        if self.is_final() {
            return false;
        }
        if next == Status::Rejected {
            // Until the parcel has left (or been handed over), a store may give the order back.
            return true;
        }
        matches!((rank(self), rank(next)), (Some(a), Some(b)) if b > a)
    }
}

/// The event a store's terminal sends for a status (`online.accepted`, …): the order's id, and
/// a reason for a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    pub online_order_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The prefix of the events that move an online order (`online.picked`).
pub const EVENT_PREFIX: &str = "online.";

/// The status an event type names, if it is one a terminal may send.
pub fn status_of_event(kind: &str) -> Option<Status> {
    let s = Status::parse(kind.strip_prefix(EVENT_PREFIX)?)?;
    (!matches!(s, Status::Routed | Status::Unfillable)).then_some(s)
}

/// `stock.counted`: a terminal's count of one product on its store's shelves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockCounted {
    pub gtin: String,
    pub qty: i64,
}

/// The event type of a shelf count.
pub const STOCK_COUNTED: &str = "stock.counted";

/// One step of an online order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub status: Status,
    pub store: Option<String>,
    pub at: String,
    /// The terminal's device that moved it (none for the platform's own steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An online order (one store's part of a marketplace order), as `online-order show` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnlineOrder {
    pub order_id: String,
    pub marketplace: String,
    pub marketplace_order_id: String,
    /// This part's number, and how many parts the marketplace order was split into.
    pub part: u32,
    pub parts: u32,
    pub store: Option<String>,
    pub status: Status,
    pub destination: Destination,
    pub lines: Vec<Line>,
    pub history: Vec<Step>,
}

/// How a terminal's event changes its store's stock (at the platform, and at the terminal for what it has not sent yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockMove {
    /// Sold (negative) or taken back into stock (positive).
    By { gtin: String, delta: i64 },
    /// Counted on the shelf (`stock.counted`).
    Counted { gtin: String, qty: i64 },
}

/// The stock moves of an event of a store's terminal: a sale takes its lines out, a return
/// puts back the lines marked to restock, a count sets the figure. Other events move nothing;
/// a body that does not parse moves nothing either (the event is kept as sent).
pub fn stock_moves(kind: &str, body: &str) -> Vec<StockMove> {
    #[derive(Deserialize)]
    struct Sold {
        gtin: String,
        quantity: u32,
    }
    #[derive(Deserialize)]
    struct Placed {
        lines: Vec<Sold>,
    }
    #[derive(Deserialize)]
    struct Back {
        gtin: String,
        quantity: u32,
        #[serde(default)]
        restock: bool,
    }
    #[derive(Deserialize)]
    struct Returned {
        lines: Vec<Back>,
    }
    let gtin = |g: &str| Gtin::parse(g).ok().map(|g| g.as_str());
    match kind {
        "order.placed" => serde_json::from_str::<Placed>(body)
            .map(|p| {
                p.lines
                    .iter()
                    .filter_map(|l| {
                        Some(StockMove::By {
                            gtin: gtin(&l.gtin)?,
                            delta: -i64::from(l.quantity),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        "order.returned" => serde_json::from_str::<Returned>(body)
            .map(|r| {
                r.lines
                    .iter()
                    .filter(|l| l.restock)
                    .filter_map(|l| {
                        Some(StockMove::By {
                            gtin: gtin(&l.gtin)?,
                            delta: i64::from(l.quantity),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
        STOCK_COUNTED => serde_json::from_str::<StockCounted>(body)
            .ok()
            .and_then(|c| {
                Some(StockMove::Counted {
                    gtin: gtin(&c.gtin)?,
                    qty: c.qty.clamp(0, 1_000_000_000),
                })
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The name of the pull that brings a store's stock figures to its terminals.
pub const STOCK_PULL: &str = "stock";

/// A store's stock of one product at the platform (the `stock` pull): on the shelf, and how
/// many of those are promised to online orders not yet shipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockFigure {
    pub gtin: String,
    pub on_hand: i64,
    pub reserved: i64,
}
