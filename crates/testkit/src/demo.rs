//! Orders of the bundled demo catalog, placed through the terminal's store.

use std::path::Path;

use smartstore::store::Store;
use smartstore_domain::cart::Cart;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::Currency;
use smartstore_domain::order::{Fulfilment, OrderDraft, Payment};

/// GTINs of the bundled demo catalog, for building orders.
pub const DEMO_GTINS: [&str; 4] = [
    "6921000000019",
    "6921000000026",
    "6931003700045",
    "6941007400063",
];

/// A delivery order of `lines` demo products (1 to 4).
pub fn demo_draft(store: &Store, lines: usize) -> OrderDraft {
    let mut cart = Cart::new(Currency::CNY);
    for (i, g) in DEMO_GTINS.iter().take(lines.clamp(1, 4)).enumerate() {
        let gtin = Gtin::parse(g).expect("demo gtin");
        let item = store
            .item(gtin)
            .expect("lookup")
            .expect("demo item present");
        cart.add(&item, i as u32 + 1).expect("add");
    }
    OrderDraft::from_cart(
        &cart,
        Fulfilment::Deliver {
            address: "88 Century Avenue, Pudong, Shanghai".into(),
        },
        Payment::Cash,
    )
    .expect("draft")
}

pub fn open_demo(path: &Path) -> Store {
    Store::open(path).expect("open store")
}
