//! The events a terminal queues in its outbox and the platform stores: one definition for the
//! writer (the terminal's store) and the reader (the hub). Each body repeats its envelope
//! (`event_id`, `seq`, `type`, `created_at`) so a stored body stands on its own.

use serde::{Deserialize, Serialize};
use smartstore_domain::checkout::Tender;
use smartstore_domain::order::{Fulfilment, Payment};

/// The `type` of each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "order.placed")]
    OrderPlaced,
    #[serde(rename = "pickup.collected")]
    PickupCollected,
    #[serde(rename = "order.returned")]
    OrderReturned,
    #[serde(rename = "shift.opened")]
    ShiftOpened,
    #[serde(rename = "shift.closed")]
    ShiftClosed,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::OrderPlaced,
        EventKind::PickupCollected,
        EventKind::OrderReturned,
        EventKind::ShiftOpened,
        EventKind::ShiftClosed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::OrderPlaced => "order.placed",
            EventKind::PickupCollected => "pickup.collected",
            EventKind::OrderReturned => "order.returned",
            EventKind::ShiftOpened => "shift.opened",
            EventKind::ShiftClosed => "shift.closed",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a placed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub gtin: String,
    pub name: String,
    pub quantity: u32,
    /// Minor units.
    pub unit_price: i64,
    /// A weighed package (quantity 1, `unit_price` its price): its net weight in grams. Absent
    /// for goods sold by the piece and from terminals older than weighed goods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_g: Option<u64>,
    /// Its price per kilogram in minor units, when the package's price was computed from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_kg: Option<i64>,
}

/// `order.placed`: an order committed on a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPlaced {
    pub event_id: String,
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub created_at: String,
    pub order_id: String,
    pub number: u64,
    pub receipt: String,
    pub store: String,
    pub terminal: String,
    pub fulfilment: Fulfilment,
    pub payment: Payment,
    pub member_id: Option<String>,
    pub coupon_id: Option<String>,
    #[serde(default)]
    pub coupon_single_use: bool,
    pub lines: Vec<OrderLine>,
    pub subtotal: i64,
    pub discount: i64,
    pub total: i64,
    pub currency: String,
    /// What paid for it, one entry per tender (cash, card, code); empty for orders of terminals
    /// older than split tender, whose `payment` says it all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenders: Vec<Tender>,
    /// The staff member who rang it up (per-staff totals); absent from older terminals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clerk: Option<String>,
}

/// One line handed over at a pickup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectedLine {
    pub gtin: String,
    pub quantity: u32,
}

/// `pickup.collected`: an online order handed over at a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupCollected {
    pub event_id: String,
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub created_at: String,
    pub order_id: String,
    pub store: String,
    pub terminal: String,
    pub lines: Vec<CollectedLine>,
}

/// `order.returned`: goods of a sale taken back (a return against its receipt, or a void of
/// the whole sale or one line in the same shift) and the refunds made for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReturned {
    pub event_id: String,
    pub seq: u64,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub created_at: String,
    pub return_id: String,
    /// `return` or `void`.
    pub reason: String,
    pub order_id: String,
    pub receipt: String,
    /// The store and terminal that took the goods back.
    pub store: String,
    pub terminal: String,
    pub lines: Vec<smartstore_domain::returns::ReturnedLine>,
    pub refunds: Vec<smartstore_domain::returns::Refund>,
    /// Minor units.
    pub total: i64,
    pub currency: String,
    /// The supervisor who approved it.
    pub approved_by: String,
}

impl OrderPlaced {
    /// The single-use coupon this order redeemed, if any.
    pub fn single_use_coupon(&self) -> Option<&str> {
        self.coupon_id.as_deref().filter(|_| self.coupon_single_use)
    }
}

/// The fields of an `order.placed` the platform checks and settles (its order and receipt, its
/// coupon), read without the rest of the order: the platform looks at them in every event of every batch, and the whole order (tagged enums, lines) costs
/// many times more to read. Same field names as [`OrderPlaced`] (a test holds them together).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlacedView {
    pub order_id: String,
    pub receipt: String,
    pub coupon_id: Option<String>,
    #[serde(default)]
    pub coupon_single_use: bool,
}

impl PlacedView {
    /// The single-use coupon this order redeemed, if any.
    pub fn single_use_coupon(&self) -> Option<&str> {
        self.coupon_id.as_deref().filter(|_| self.coupon_single_use)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_text_and_json() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).expect("json"),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!(EventKind::parse("order.deleted"), None);
    }

    #[test]
    fn a_weighed_line_carries_its_weight_and_older_lines_read_as_before() {
        let old = r#"{"gtin":"06921000000019","name":"Tea","quantity":2,"unit_price":350}"#;
        let line: OrderLine = serde_json::from_str(old).expect("a line without weight");
        assert_eq!((line.weight_g, line.per_kg), (None, None));
        assert_eq!(serde_json::to_string(&line).expect("json"), old);
        let weighed = OrderLine {
            gtin: "02200101000000".into(),
            name: "Pork belly".into(),
            quantity: 1,
            unit_price: 1585,
            weight_g: Some(532),
            per_kg: Some(2980),
        };
        let json = serde_json::to_string(&weighed).expect("json");
        assert!(
            json.ends_with(r#""unit_price":1585,"weight_g":532,"per_kg":2980}"#),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<OrderLine>(&json).expect("back"),
            weighed
        );
    }

    #[test]
    fn the_coupon_view_reads_what_the_order_wrote() {
        use smartstore_domain::order::{Fulfilment, Payment};
        let placed = OrderPlaced {
            event_id: "e".into(),
            seq: 1,
            kind: EventKind::OrderPlaced,
            created_at: "2026-11-30T00:00:00Z".into(),
            order_id: "o".into(),
            number: 1,
            receipt: "SH001-T01-000001".into(),
            store: "SH001".into(),
            terminal: "T01".into(),
            fulfilment: Fulfilment::Deliver {
                address: "x".into(),
            },
            payment: Payment::Cash,
            member_id: None,
            coupon_id: Some("CP-1".into()),
            coupon_single_use: true,
            lines: vec![],
            subtotal: 0,
            discount: 0,
            total: 0,
            currency: "CNY".into(),
            tenders: vec![],
            clerk: None,
        };
        let json = serde_json::to_string(&placed).expect("json");
        let view: PlacedView = serde_json::from_str(&json).expect("view");
        assert_eq!(
            (view.order_id.as_str(), view.receipt.as_str()),
            (placed.order_id.as_str(), placed.receipt.as_str())
        );
        assert_eq!(view.single_use_coupon(), placed.single_use_coupon());
        let whole: OrderPlaced = serde_json::from_str(&json).expect("whole");
        assert_eq!(whole, placed);
    }
}
