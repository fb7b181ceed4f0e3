//! The QR versions of typical codes (docs/shopper-codes.md §5). `cargo test --test codes_sizes
//! -- --nocapture` prints the table.

use smartstore_domain::coupon::{Coupon, CouponValue};
use smartstore_domain::gtin::{Gtin, check_digit};
use smartstore_domain::money::{Currency, Money};
use smartstore_protocol::codes::{Basket, Issuer, Member, Pickup, ShopperCode, Stamp, qr_version};
use smartstore_testkit::code_vectors::{self as vectors, ISSUED_AT, ISSUER};

/// `n` distinct EAN-13s of the China prefix 690.
fn lines(n: u32) -> Vec<(Gtin, u32)> {
    (0..n)
        .map(|i| {
            let body: Vec<u8> = format!("690123456{:03}", 100 + i)
                .bytes()
                .map(|b| b - b'0')
                .collect();
            let digits: String = body
                .iter()
                .chain([check_digit(&body)].iter())
                .map(|d| char::from(b'0' + d))
                .collect();
            (Gtin::from_digits(&digits).expect("valid"), 1 + i % 3)
        })
        .collect()
}

fn member(addresses: &[&str]) -> ShopperCode {
    ShopperCode::Member(Member {
        member_id: "M1024".into(),
        name: "Li Wei".into(),
        addresses: addresses.iter().map(|a| (*a).to_owned()).collect(),
        consent: false,
    })
}

fn coupon(value: CouponValue, min: Option<i64>, single_use: bool, stores: &[&str]) -> ShopperCode {
    ShopperCode::Coupon(Coupon {
        id: "CPN-7Q2K".into(),
        value,
        min_spend: min.map(|m| Money::new(m, Currency::CNY)),
        single_use,
        stores: stores.iter().map(|s| (*s).to_owned()).collect(),
        not_before: ISSUED_AT,
        expires: ISSUED_AT + 31 * 86_400,
    })
}

#[test]
fn typical_codes_fit_small_qr_versions() {
    let issuer = Issuer::from_pkcs8(&vectors::pkcs8(), ISSUER).expect("key");
    let stamp = Stamp {
        issued_at: ISSUED_AT,
        not_before: None,
        expires: ISSUED_AT + 86_400,
        token_id: vec![7; 8],
    };
    let pickup = |n| {
        ShopperCode::Pickup(Pickup {
            order_id: "W260101-0042".into(),
            store: "SH001".into(),
            lines: lines(n),
        })
    };
    let cny = |m| CouponValue::AmountOff(Money::new(m, Currency::CNY));
    let cases: Vec<(&str, ShopperCode, i16)> = vec![
        ("member, no address", member(&[]), 8),
        (
            "member, 1 address (24 ASCII bytes)",
            member(&["88 Century Ave, Shanghai"]),
            9,
        ),
        (
            "member, 1 address (14 Chinese characters)",
            member(&["上海市浦东新区世纪大道88号"]),
            10,
        ),
        (
            "member, 2 addresses",
            member(&["88 Century Ave, Shanghai", "上海市浦东新区世纪大道88号"]),
            10,
        ),
        ("pickup, 1 line", pickup(1), 9),
        ("pickup, 2 lines", pickup(2), 9),
        ("pickup, 5 lines", pickup(5), 10),
        (
            "coupon, 10% off, every store",
            coupon(CouponValue::PercentOff(10), None, false, &[]),
            8,
        ),
        (
            "coupon, ¥10 off ¥50, single use, 1 store",
            coupon(cny(1000), Some(5000), true, &["SH001"]),
            9,
        ),
        (
            "coupon, ¥10 off ¥50, single use, 3 stores",
            coupon(cny(1000), Some(5000), true, &["SH001", "SH002", "BJ001"]),
            10,
        ),
        (
            "basket, 1 line",
            ShopperCode::Basket(Basket { lines: lines(1) }),
            8,
        ),
        (
            "basket, 3 lines",
            ShopperCode::Basket(Basket { lines: lines(3) }),
            9,
        ),
        (
            "basket, 5 lines",
            ShopperCode::Basket(Basket { lines: lines(5) }),
            9,
        ),
        (
            "basket, 10 lines",
            ShopperCode::Basket(Basket { lines: lines(10) }),
            11,
        ),
        (
            "basket, 20 lines",
            ShopperCode::Basket(Basket { lines: lines(20) }),
            13,
        ),
    ];
    println!("| code | characters | QR version (EC M) |\n|---|---|---|");
    let mut over = Vec::new();
    for (name, code, at_most) in cases {
        let text = issuer.issue(&code, &stamp).expect("issue");
        let version = qr_version(&text).expect("fits a QR code");
        println!("| {name} | {} | {version} |", text.len());
        if version > at_most {
            over.push(format!("{name}: version {version} > {at_most}"));
        }
    }
    assert!(over.is_empty(), "codes grew: {over:?}");
}
