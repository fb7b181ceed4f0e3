//! Issue → PNG → the terminal's scan pipeline (`smartstore::scan`, the decoder the camera
//! uses) → verify → cart, for every type of code.

use std::collections::HashMap;
use std::path::Path;

use smartstore_domain::cart::Cart;
use smartstore_domain::catalog::CatalogItem;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::scan::{ScanKind, Symbology, classify};
use smartstore_protocol::codes::{
    CodeRefusal, Issuer, ShopperCode, TrustedKeys, qr_version, verify_at_store, write_qr_png,
};
use smartstore_testkit::code_vectors::{self as vectors, ISSUER, NOW};

/// The texts the terminal's decoder reads in a PNG, as `smartstore scan` does.
fn decode_png(path: &Path) -> Vec<String> {
    let frame = smartstore_scan::LumaFrame::open(path).expect("the PNG opens");
    smartstore_scan::Decoder::new(smartstore_scan::Effort::Still)
        .decode(&frame)
        .into_iter()
        .filter(|d| d.symbology == Symbology::Qr)
        .map(|d| d.text)
        .collect()
}

fn catalog() -> HashMap<Gtin, CatalogItem> {
    [
        ("6901234567892", "Oolong tea 250g", 3500),
        ("96385074", "Rice 5kg", 4990),
        ("4006381333931", "Fountain pen", 1250),
    ]
    .into_iter()
    .map(|(g, name, minor)| {
        let gtin = Gtin::parse(g).expect("gtin");
        let item = CatalogItem {
            gtin,
            name: name.to_owned(),
            name_zh: None,
            price: Money::new(minor, Currency::CNY),
            sku: None,
            unit: None,
            age_restricted: false,
            stock: None,
            shelf: None,
        };
        (gtin, item)
    })
    .collect()
}

fn load_lines(cart: &mut Cart, lines: &[(Gtin, u32)], catalog: &HashMap<Gtin, CatalogItem>) {
    let items: Vec<(&CatalogItem, u32)> = lines
        .iter()
        .map(|(g, q)| (catalog.get(g).expect("in the catalog"), *q))
        .collect();
    cart.add_all(items).expect("lines load");
}

#[test]
fn every_code_survives_a_real_image_and_lands_in_the_cart() {
    let issuer = Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("vector key");
    let keys = TrustedKeys::from_json(
        &serde_json::to_string(&serde_json::json!({ "keys": [issuer.public_jwk()] }))
            .expect("json"),
    )
    .expect("the JWK set loads");
    let catalog = catalog();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cart = Cart::new(Currency::CNY);

    // The basket first, so the coupon has something to discount.
    let mut all = vectors::vectors();
    all.sort_by_key(|v| v.name != "basket");
    for v in all {
        let text = issuer.issue(&v.code, &v.stamp).expect("issue");
        let png = dir.path().join(format!("{}.png", v.name));
        write_qr_png(&text, &png).expect("png");
        let read = decode_png(&png);
        assert_eq!(read, vec![text.clone()], "{}", v.name);
        assert!(qr_version(&text).expect("fits") <= 10, "{}", v.name);

        let ScanKind::Shopper {
            kind,
            text: scanned,
        } = classify(&read[0], Some(Symbology::Qr))
        else {
            panic!("{} was not classified as a shopper code", v.name);
        };
        let verified = verify_at_store(&scanned, &keys, NOW, "SH001").expect("verifies");
        assert_eq!(verified.code.kind(), kind);
        assert_eq!(verified.code, v.code, "{}", v.name);
        assert_eq!(verified.kid, issuer.kid());
        assert_eq!(verified.issuer, ISSUER);

        match verified.code {
            ShopperCode::Basket(b) => load_lines(&mut cart, &b.lines, &catalog),
            ShopperCode::Pickup(p) => {
                let mut handover = Cart::new(Currency::CNY);
                load_lines(&mut handover, &p.lines, &catalog);
                assert_eq!(handover.totals().map(|t| t.items), Ok(3));
            }
            ShopperCode::Coupon(c) => {
                let off = cart
                    .apply_coupon(c, NOW, "SH001", false)
                    .expect("coupon applies");
                assert_eq!(off, Money::new(1000, Currency::CNY));
            }
            ShopperCode::Member(m) => {
                assert_eq!(m.addresses, vec!["88 Century Ave, Shanghai".to_owned()]);
            }
        }
    }
    let totals = cart.totals().expect("totals");
    let subtotal = 2 * 3500 + 1250 + 3 * 4990;
    assert_eq!(totals.items, 6);
    assert_eq!(totals.subtotal, Money::new(subtotal, Currency::CNY));
    assert_eq!(totals.total, Money::new(subtotal - 1000, Currency::CNY));
}

#[test]
fn a_refused_code_changes_nothing_in_the_cart() {
    let issuer = Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("vector key");
    let mut keys = TrustedKeys::new();
    keys.insert(&issuer.public_jwk()).expect("jwk");
    let v = vectors::vectors();
    let coupon = issuer.issue(&v[2].code, &v[2].stamp).expect("issue");
    let mut cart = Cart::new(Currency::CNY);
    let before = cart.clone();
    let refused = verify_at_store(&coupon, &keys, NOW, "BJ002");
    assert!(matches!(refused, Err(CodeRefusal::WrongStore { .. })));
    assert_eq!(cart, before);
    // And the cart's own rule, below minimum spend, refuses without change too.
    let ShopperCode::Coupon(c) = verify_at_store(&coupon, &keys, NOW, "SH001")
        .expect("good")
        .code
    else {
        panic!("not a coupon");
    };
    assert!(cart.apply_coupon(c, NOW, "SH001", false).is_err());
    assert_eq!(cart, before);
}
