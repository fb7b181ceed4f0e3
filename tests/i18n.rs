//! Every refusal the terminal can show, rendered in both languages: each variant of each typed
//! error has its message in both translation files, every argument the message needs is given,
//! and the Chinese text holds no English beyond the data it was given (codes, names, paths).
//!
//! The `variant` functions match exhaustively: a new variant does not compile here until it has
//! an example, so it cannot reach a screen without its words.

use std::path::{Path, PathBuf};

use smartstore::checkout::ScanRefusal;
use smartstore::i18n::{Arg, Lang, Localize, Msg, problems};
use smartstore::returns::ReturnRefusal;
use smartstore::sale::SaleError;
use smartstore::shift::ShiftRefusal;
use smartstore::staff::ApprovalRefusal;
use smartstore::store::{FulfilError, StoreError};
use smartstore::sync::{PlatformStorage, Step, SyncError};
use smartstore_domain::cart::CartError;
use smartstore_domain::catalog::RowError;
use smartstore_domain::checkout::{CheckoutError, CheckoutState};
use smartstore_domain::coupon::CouponRefusal;
use smartstore_domain::fulfil::PickRefusal;
use smartstore_domain::gs1::{Date, Gs1Error};
use smartstore_domain::gtin::{Gtin, GtinError};
use smartstore_domain::money::{Currency, Money, MoneyError};
use smartstore_domain::order::{OrderError, PaymentParseError};
use smartstore_domain::returns::ReturnError;
use smartstore_domain::scan::{ShopperCodeKind, Unusable};
use smartstore_domain::variable_measure::Refusal;
use smartstore_domain::weighed::LabelRefusal;
use smartstore_protocol::catalog_csv::{CatalogRefusal, Problem, ProblemKind};
use smartstore_protocol::codes::CodeRefusal;
use smartstore_protocol::keys::KeyError;
use smartstore_protocol::online::Status;
use smartstore_protocol::receipt::ReceiptRefusal;

fn gtin() -> Gtin {
    Gtin::parse("6921000000019").expect("gtin")
}

fn path() -> PathBuf {
    PathBuf::from("/var/lib/smartstore/smartstore.db")
}

fn gtin_errors() -> Vec<GtinError> {
    vec![
        GtinError::Empty,
        GtinError::NotDigits {
            text: "12a4".into(),
            bad: 'a',
        },
        GtinError::BadLength {
            text: "12345".into(),
            len: 5,
        },
        GtinError::BadCheckDigit {
            text: "6921000000018".into(),
            expected: 9,
            found: 8,
        },
        GtinError::BadUpcE {
            text: "91234567".into(),
            why: "number system",
        },
        GtinError::NotDigitalLink {
            text: "https://example.com/".into(),
        },
    ]
}

fn gtin_variant(e: &GtinError) -> usize {
    match e {
        GtinError::Empty => 0,
        GtinError::NotDigits { .. } => 1,
        GtinError::BadLength { .. } => 2,
        GtinError::BadCheckDigit { .. } => 3,
        GtinError::BadUpcE { .. } => 4,
        GtinError::NotDigitalLink { .. } => 5,
    }
}

fn money_errors() -> Vec<MoneyError> {
    vec![
        MoneyError::BadCurrency("XX".into()),
        MoneyError::BadAmount("1,5".into()),
        MoneyError::TooPrecise {
            text: "1.555".into(),
            digits: 2,
            currency: Currency::CNY,
        },
        MoneyError::Overflow,
        MoneyError::CurrencyMismatch(Currency::CNY, Currency::parse("EUR").expect("EUR")),
    ]
}

fn money_variant(e: &MoneyError) -> usize {
    match e {
        MoneyError::BadCurrency(_) => 0,
        MoneyError::BadAmount(_) => 1,
        MoneyError::TooPrecise { .. } => 2,
        MoneyError::Overflow => 3,
        MoneyError::CurrencyMismatch(..) => 4,
    }
}

fn coupon_refusals() -> Vec<CouponRefusal> {
    vec![
        CouponRefusal::NotYetValid,
        CouponRefusal::Expired,
        CouponRefusal::WrongStore("SH001".into()),
        CouponRefusal::BelowMinimum {
            min: Money::new(2000, Currency::CNY),
            subtotal: Money::new(1250, Currency::CNY),
        },
        CouponRefusal::AlreadyRedeemed,
        CouponRefusal::AlreadyApplied,
        CouponRefusal::OneCouponPerOrder,
        CouponRefusal::WrongCurrency {
            coupon: "EUR".into(),
            cart: "CNY".into(),
        },
        CouponRefusal::InvalidValue,
    ]
}

fn coupon_variant(e: &CouponRefusal) -> usize {
    match e {
        CouponRefusal::NotYetValid => 0,
        CouponRefusal::Expired => 1,
        CouponRefusal::WrongStore(_) => 2,
        CouponRefusal::BelowMinimum { .. } => 3,
        CouponRefusal::AlreadyRedeemed => 4,
        CouponRefusal::AlreadyApplied => 5,
        CouponRefusal::OneCouponPerOrder => 6,
        CouponRefusal::WrongCurrency { .. } => 7,
        CouponRefusal::InvalidValue => 8,
    }
}

fn cart_errors() -> Vec<CartError> {
    vec![
        CartError::CurrencyMismatch {
            gtin: gtin(),
            item: Currency::parse("EUR").expect("EUR"),
            cart: Currency::CNY,
        },
        CartError::QuantityOutOfRange(1000),
        CartError::NotInCart(gtin()),
        CartError::TooManyLines,
        CartError::Coupon(CouponRefusal::Expired),
        CartError::Money(MoneyError::Overflow),
        CartError::BadCatalogEntry {
            gtin: gtin(),
            problem: RowError::TooLong {
                field: "name",
                max: 200,
                found: 9_000_000,
            },
        },
        CartError::Package(gtin()),
        CartError::LineGone(3),
        CartError::ByWeight(gtin()),
    ]
}

fn cart_variant(e: &CartError) -> usize {
    match e {
        CartError::CurrencyMismatch { .. } => 0,
        CartError::QuantityOutOfRange(_) => 1,
        CartError::NotInCart(_) => 2,
        CartError::TooManyLines => 3,
        CartError::Coupon(_) => 4,
        CartError::Money(_) => 5,
        CartError::BadCatalogEntry { .. } => 6,
        CartError::Package(_) => 7,
        CartError::LineGone(_) => 8,
        CartError::ByWeight(_) => 9,
    }
}

fn label_refusals() -> Vec<LabelRefusal> {
    let text = "2200101005327";
    vec![
        LabelRefusal::InStore(Refusal::NotEan13("22001".into())),
        LabelRefusal::InStore(Refusal::CheckDigit {
            text: text.into(),
            expected: 7,
            found: 8,
        }),
        LabelRefusal::InStore(Refusal::NotInStore("6921000000019".into())),
        LabelRefusal::InStore(Refusal::NoRule {
            text: text.into(),
            prefix: 22,
        }),
        LabelRefusal::InStore(Refusal::ValueCheck {
            text: text.into(),
            expected: 3,
            found: 0,
        }),
        LabelRefusal::InStore(Refusal::Zero(text.into())),
        LabelRefusal::Gs1 {
            text: "(01)96921000100019(3103)05".into(),
            error: Gs1Error::TooShort {
                ai: "3103".into(),
                want: 6,
                got: 2,
            },
        },
        LabelRefusal::Expired {
            gtin: gtin(),
            expiry: Date::new(2026, 6, 14).expect("date"),
        },
        LabelRefusal::UnknownItem {
            gtin: gtin(),
            item_code: Some("00101".into()),
        },
        LabelRefusal::UnknownItem {
            gtin: gtin(),
            item_code: None,
        },
        LabelRefusal::ZeroWeight {
            text: "(01)96921000100019(3103)000000".into(),
        },
        LabelRefusal::NotSoldByWeight { gtin: gtin() },
        LabelRefusal::PriceCurrency {
            numeric: 840,
            currency: "CNY".into(),
        },
        LabelRefusal::PricePrecision,
        LabelRefusal::Gtin(GtinError::Empty),
        LabelRefusal::Money(MoneyError::Overflow),
    ]
}

fn label_variant(e: &LabelRefusal) -> usize {
    match e {
        LabelRefusal::InStore(Refusal::NotEan13(_)) => 0,
        LabelRefusal::InStore(Refusal::CheckDigit { .. }) => 1,
        LabelRefusal::InStore(Refusal::NotInStore(_)) => 2,
        LabelRefusal::InStore(Refusal::NoRule { .. }) => 3,
        LabelRefusal::InStore(Refusal::ValueCheck { .. }) => 4,
        LabelRefusal::InStore(Refusal::Zero(_)) => 5,
        LabelRefusal::Gs1 { .. } => 6,
        LabelRefusal::Expired { .. } => 7,
        LabelRefusal::UnknownItem {
            item_code: Some(_), ..
        } => 8,
        LabelRefusal::UnknownItem {
            item_code: None, ..
        } => 9,
        LabelRefusal::ZeroWeight { .. } => 10,
        LabelRefusal::NotSoldByWeight { .. } => 11,
        LabelRefusal::PriceCurrency { .. } => 12,
        LabelRefusal::PricePrecision => 13,
        LabelRefusal::Gtin(_) => 14,
        LabelRefusal::Money(_) => 15,
    }
}

fn order_errors() -> Vec<OrderError> {
    vec![
        OrderError::EmptyCart,
        OrderError::MissingAddress,
        OrderError::AddressTooLong,
        OrderError::MissingCollectStore,
        OrderError::MissingPickupTime,
        OrderError::MissingCardReference,
        OrderError::Money(MoneyError::Overflow),
    ]
}

fn order_variant(e: &OrderError) -> usize {
    match e {
        OrderError::EmptyCart => 0,
        OrderError::MissingAddress => 1,
        OrderError::AddressTooLong => 2,
        OrderError::MissingCollectStore => 3,
        OrderError::MissingPickupTime => 4,
        OrderError::MissingCardReference => 5,
        OrderError::Money(_) => 6,
    }
}

fn payment_errors() -> Vec<PaymentParseError> {
    vec![
        PaymentParseError::Unknown("bitcoin".into()),
        PaymentParseError::BadCardReference,
        PaymentParseError::BadCode("1234".into()),
    ]
}

fn payment_variant(e: &PaymentParseError) -> usize {
    match e {
        PaymentParseError::Unknown(_) => 0,
        PaymentParseError::BadCardReference => 1,
        PaymentParseError::BadCode(_) => 2,
    }
}

fn code_refusals() -> Vec<CodeRefusal> {
    vec![
        CodeRefusal::Malformed("it has no payload".into()),
        CodeRefusal::BadSignature,
        CodeRefusal::UnknownKey("kPrK_qmx".into()),
        CodeRefusal::Expired {
            kind: ShopperCodeKind::Coupon,
            at: 1_767_225_600,
        },
        CodeRefusal::NotYetValid {
            kind: ShopperCodeKind::Member,
            from: 1_767_225_600,
        },
        CodeRefusal::WrongStore {
            kind: ShopperCodeKind::Pickup,
            for_stores: "SH002".into(),
            here: "SH001".into(),
        },
        CodeRefusal::AlreadyRedeemed("CP-47d41e46405e".into()),
        CodeRefusal::AlreadyCollected("WEB-1001".into()),
        CodeRefusal::KeyRevoked("kPrK_qmx".into()),
        CodeRefusal::IssuedAfterRetirement {
            kid: "kPrK_qmx".into(),
            issued: 1_767_225_600,
            retired: 1_767_000_000,
        },
    ]
}

fn code_variant(e: &CodeRefusal) -> usize {
    match e {
        CodeRefusal::Malformed(_) => 0,
        CodeRefusal::BadSignature => 1,
        CodeRefusal::UnknownKey(_) => 2,
        CodeRefusal::Expired { .. } => 3,
        CodeRefusal::NotYetValid { .. } => 4,
        CodeRefusal::WrongStore { .. } => 5,
        CodeRefusal::AlreadyRedeemed(_) => 6,
        CodeRefusal::AlreadyCollected(_) => 7,
        CodeRefusal::KeyRevoked(_) => 8,
        CodeRefusal::IssuedAfterRetirement { .. } => 9,
    }
}

fn scan_refusals() -> Vec<ScanRefusal> {
    let mut out = vec![
        ScanRefusal::NotInCatalog { gtin: gtin() },
        ScanRefusal::CouponWithdrawn {
            coupon_id: "CP-47d41e46405e".into(),
        },
        ScanRefusal::BasketItemMissing { gtin: gtin() },
        ScanRefusal::AlreadyCollected {
            order_id: "WEB-1001".into(),
            at: "2026-11-30T09:15:02.123456789Z".into(),
        },
        ScanRefusal::Cart(CartError::TooManyLines),
        ScanRefusal::Basket(CartError::QuantityOutOfRange(1000)),
        ScanRefusal::Unusable(Unusable::Nothing),
        ScanRefusal::Unusable(Unusable::NotACode),
        ScanRefusal::Unusable(Unusable::BadGtin(GtinError::Empty)),
        ScanRefusal::Label(LabelRefusal::PricePrecision),
    ];
    out.extend(code_refusals().into_iter().map(ScanRefusal::Code));
    out
}

fn scan_variant(e: &ScanRefusal) -> usize {
    match e {
        ScanRefusal::NotInCatalog { .. } => 0,
        ScanRefusal::Unusable(Unusable::Nothing) => 1,
        ScanRefusal::Unusable(Unusable::NotACode) => 2,
        ScanRefusal::Unusable(Unusable::BadGtin(_)) => 3,
        ScanRefusal::Code(_) => 4,
        ScanRefusal::CouponWithdrawn { .. } => 5,
        ScanRefusal::BasketItemMissing { .. } => 6,
        ScanRefusal::AlreadyCollected { .. } => 7,
        ScanRefusal::Cart(_) => 8,
        ScanRefusal::Basket(_) => 9,
        ScanRefusal::Label(_) => 10,
    }
}

fn mirror_refusals() -> Vec<smartstore::mirror::MirrorRefusal> {
    use smartstore::mirror::MirrorRefusal;
    vec![
        MirrorRefusal::NoConsent {
            member: "M-1122".into(),
        },
        MirrorRefusal::NotMemberCode {
            kind: Some(smartstore_domain::scan::ShopperCodeKind::Coupon),
        },
        MirrorRefusal::NotMemberCode { kind: None },
        MirrorRefusal::Code(CodeRefusal::BadSignature),
    ]
}

fn mirror_variant(e: &smartstore::mirror::MirrorRefusal) -> usize {
    use smartstore::mirror::MirrorRefusal;
    match e {
        MirrorRefusal::NoConsent { .. } => 0,
        MirrorRefusal::NotMemberCode { .. } => 1,
        MirrorRefusal::Code(_) => 2,
    }
}

fn row_errors() -> Vec<RowError> {
    vec![
        RowError::MissingColumn("price"),
        RowError::DuplicateColumn("gtin".into()),
        RowError::FieldCount {
            expected: 3,
            found: 2,
        },
        RowError::Gtin(GtinError::Empty),
        RowError::Price {
            text: "abc".into(),
            source: MoneyError::BadAmount("abc".into()),
        },
        RowError::NegativePrice("-1.00".into()),
        RowError::Currency(MoneyError::BadCurrency("XX".into())),
        RowError::EmptyName,
        RowError::BadFlag("maybe".into()),
        RowError::BadStock("many".into()),
        RowError::TooLong {
            field: "name_zh",
            max: 200,
            found: 201,
        },
    ]
}

fn row_variant(e: &RowError) -> usize {
    match e {
        RowError::MissingColumn(_) => 0,
        RowError::DuplicateColumn(_) => 1,
        RowError::FieldCount { .. } => 2,
        RowError::Gtin(_) => 3,
        RowError::Price { .. } => 4,
        RowError::NegativePrice(_) => 5,
        RowError::Currency(_) => 6,
        RowError::EmptyName => 7,
        RowError::BadFlag(_) => 8,
        RowError::BadStock(_) => 9,
        RowError::TooLong { .. } => 10,
    }
}

fn problem_kinds() -> Vec<ProblemKind> {
    vec![
        ProblemKind::UnreadableHeader,
        ProblemKind::Header(RowError::MissingColumn("name")),
        ProblemKind::UnreadableRow,
        ProblemKind::Row(RowError::EmptyName),
        ProblemKind::DuplicateGtin {
            gtin: gtin(),
            first_line: 2,
        },
        ProblemKind::NoRows,
    ]
}

fn problem_variant(e: &ProblemKind) -> usize {
    match e {
        ProblemKind::UnreadableHeader => 0,
        ProblemKind::Header(_) => 1,
        ProblemKind::UnreadableRow => 2,
        ProblemKind::Row(_) => 3,
        ProblemKind::DuplicateGtin { .. } => 4,
        ProblemKind::NoRows => 5,
    }
}

fn catalog_refusal() -> CatalogRefusal {
    CatalogRefusal {
        problems: problem_kinds()
            .into_iter()
            .enumerate()
            .map(|(i, kind)| Problem {
                line: i as u64 + 1,
                kind,
            })
            .collect(),
        total: 30,
    }
}

fn key_errors() -> Vec<KeyError> {
    vec![
        KeyError::BadPkcs8,
        KeyError::BadJwk {
            kid: "pk-1".into(),
            why: "its x is not 32 bytes".into(),
        },
        KeyError::DuplicateKid("pk-1".into()),
        KeyError::Random,
        KeyError::Invalid { path: path() },
        KeyError::Missing { path: path() },
        KeyError::TooOpen {
            path: path(),
            mode: 0o644,
        },
        KeyError::Io {
            path: path(),
            kind: std::io::ErrorKind::PermissionDenied,
            detail: "Permission denied (os error 13)".into(),
        },
    ]
}

fn key_variant(e: &KeyError) -> usize {
    match e {
        KeyError::BadPkcs8 => 0,
        KeyError::BadJwk { .. } => 1,
        KeyError::DuplicateKid(_) => 2,
        KeyError::Random => 3,
        KeyError::Invalid { .. } => 4,
        KeyError::Missing { .. } => 5,
        KeyError::TooOpen { .. } => 6,
        KeyError::Io { .. } => 7,
    }
}

fn store_errors() -> Vec<StoreError> {
    vec![
        StoreError::Corrupt {
            path: path(),
            detail: "file is not a database".into(),
        },
        StoreError::Unreadable {
            path: path(),
            source: std::io::Error::other("denied"),
        },
        StoreError::ReadOnly {
            path: path(),
            detail: "attempt to write a readonly database".into(),
        },
        StoreError::DiskFull { path: path() },
        StoreError::NewerSchema {
            path: path(),
            found: 9,
            known: 3,
        },
        StoreError::Migration {
            name: "0003_redemptions",
            detail: "syntax error".into(),
        },
        StoreError::Busy { path: path() },
        StoreError::UnknownGtin(gtin()),
        StoreError::CatalogRefused(catalog_refusal()),
        StoreError::Sqlite {
            path: path(),
            source: rusqlite_error(),
        },
        StoreError::CouponRedeemed("CP-1".into()),
        StoreError::AlreadyCollected {
            order_id: "WEB-1001".into(),
            at: "2026-11-30T09:15:02Z".into(),
        },
        StoreError::Inconsistent("order 7 has no lines".into()),
        StoreError::ReadOnlyFilesystem { path: path() },
        StoreError::Damaged {
            path: path(),
            problems: vec!["row 12 missing from index orders_number".into()],
        },
    ]
}

fn rusqlite_error() -> rusqlite::Error {
    rusqlite::Error::InvalidQuery
}

fn store_variant(e: &StoreError) -> usize {
    match e {
        StoreError::Corrupt { .. } => 0,
        StoreError::Unreadable { .. } => 1,
        StoreError::ReadOnly { .. } => 2,
        StoreError::DiskFull { .. } => 3,
        StoreError::NewerSchema { .. } => 4,
        StoreError::Migration { .. } => 5,
        StoreError::Busy { .. } => 6,
        StoreError::UnknownGtin(_) => 7,
        StoreError::CatalogRefused(_) => 8,
        StoreError::Sqlite { .. } => 9,
        StoreError::CouponRedeemed(_) => 10,
        StoreError::AlreadyCollected { .. } => 11,
        StoreError::Inconsistent(_) => 12,
        StoreError::ReadOnlyFilesystem { .. } => 13,
        StoreError::Damaged { .. } => 14,
    }
}

fn sync_errors() -> Vec<SyncError> {
    let mut out = vec![
        SyncError::NotEnrolled,
        SyncError::PaymentAnswerLost,
        SyncError::PaymentVoided,
        SyncError::PaymentUnknown,
        SyncError::PaymentsUnreconciled { count: 3 },
        SyncError::SequenceConflict { seq: 6 },
        SyncError::EventRefused {
            seq: 7,
            reason: "too large".into(),
        },
        SyncError::ClockSkew { offset: 600 },
        SyncError::ClockSkew { offset: -600 },
        SyncError::WrongStore {
            message: "store BJ001".into(),
        },
        SyncError::NothingToRecover,
        SyncError::TokenExpired,
        SyncError::PaymentReferenceConflict,
        SyncError::PlainHttp {
            url: "http://hub.example".into(),
        },
        SyncError::NoPin {
            url: "https://hub.example".into(),
        },
        SyncError::Untrusted {
            step: Step::Push,
            detail: "invalid peer certificate: UnknownIssuer".into(),
        },
        SyncError::BadFingerprint { text: "abc".into() },
        SyncError::FingerprintMismatch,
        SyncError::ForgedKeys {
            detail: "it is not signed by the pinned root".into(),
        },
        SyncError::NotTls { step: Step::Push },
        SyncError::AlreadyClaimed {
            store: "SH001".into(),
            terminal: "T02".into(),
            at: "2026-11-30T10:00:00Z".into(),
        },
        SyncError::AlreadyEnrolled {
            device: "dev-1".into(),
        },
        SyncError::OrdersBeforeEnrolment {
            orders: 3,
            path: path(),
        },
        SyncError::BadUrl {
            url: "ftp://x".into(),
        },
        SyncError::ReEnrol {
            step: Step::Push,
            message: "unknown device".into(),
        },
        SyncError::Stalled { held: 41 },
        SyncError::PaymentNeedsPlatform,
        SyncError::PaymentOffline,
        SyncError::PaymentDeclined {
            reason: Some("insufficient funds".into()),
        },
        SyncError::Key(KeyError::Random),
        SyncError::Store(StoreError::DiskFull { path: path() }),
    ];
    for step in [
        Step::Enrolment,
        Step::Push,
        Step::Pull("catalog".into()),
        Step::Payment,
        Step::Time,
        Step::Claim,
    ] {
        out.push(SyncError::Refused {
            step: step.clone(),
            status: 413,
            message: "payload too large".into(),
        });
        out.push(SyncError::Unreachable {
            step: step.clone(),
            detail: "cannot connect".into(),
        });
        out.push(SyncError::ServerError {
            step: step.clone(),
            status: 503,
            message: "busy".into(),
        });
        out.push(SyncError::BadAnswer {
            step: step.clone(),
            detail: "expected value".into(),
        });
        for fault in [
            PlatformStorage::Unavailable,
            PlatformStorage::ReadOnly,
            PlatformStorage::Full,
            PlatformStorage::Busy,
        ] {
            out.push(SyncError::PlatformStorage {
                step: step.clone(),
                fault,
                message: "the platform's database is out of disk space; nothing was stored".into(),
            });
        }
    }
    out
}

fn sync_variant(e: &SyncError) -> usize {
    match e {
        SyncError::NotEnrolled => 0,
        SyncError::AlreadyEnrolled { .. } => 1,
        SyncError::OrdersBeforeEnrolment { .. } => 2,
        SyncError::BadUrl { .. } => 3,
        SyncError::ReEnrol { .. } => 4,
        SyncError::Refused { .. } => 5,
        SyncError::Unreachable { .. } => 6,
        SyncError::ServerError { .. } => 7,
        SyncError::BadAnswer { .. } => 8,
        SyncError::Stalled { .. } => 9,
        SyncError::PaymentNeedsPlatform => 10,
        SyncError::PaymentOffline => 11,
        SyncError::PaymentDeclined { .. } => 12,
        SyncError::Key(_) => 13,
        SyncError::Store(_) => 14,
        SyncError::SequenceConflict { .. } => 15,
        SyncError::EventRefused { .. } => 16,
        SyncError::ClockSkew { .. } => 17,
        SyncError::WrongStore { .. } => 18,
        SyncError::NothingToRecover => 19,
        SyncError::TokenExpired => 20,
        SyncError::PaymentReferenceConflict => 21,
        SyncError::PlainHttp { .. } => 22,
        SyncError::NoPin { .. } => 23,
        SyncError::Untrusted { .. } => 24,
        SyncError::BadFingerprint { .. } => 25,
        SyncError::FingerprintMismatch => 26,
        SyncError::ForgedKeys { .. } => 27,
        SyncError::AlreadyClaimed { .. } => 28,
        SyncError::NotTls { .. } => 29,
        SyncError::PaymentAnswerLost => 30,
        SyncError::PaymentVoided => 31,
        SyncError::PaymentUnknown => 32,
        SyncError::PaymentsUnreconciled { .. } => 33,
        SyncError::PlatformStorage { .. } => 34,
    }
}

fn checkout_errors() -> Vec<CheckoutError> {
    let cny = |m| Money::new(m, Currency::CNY);
    vec![
        CheckoutError::Closed(CheckoutState::Committed),
        CheckoutError::CartLocked,
        CheckoutError::EmptyCart,
        CheckoutError::NothingDue,
        CheckoutError::OverTender {
            method: "card",
            amount: cny(2500),
            due: cny(2000),
        },
        CheckoutError::ZeroAmount,
        CheckoutError::LaterMixed,
        CheckoutError::PayNow,
        CheckoutError::AgeCheck,
        CheckoutError::TooManyTenders,
        CheckoutError::UnknownTender("A-9".into()),
        CheckoutError::TenderPending("A-1".into()),
        CheckoutError::NotPaid { due: cny(1500) },
        CheckoutError::NeedsApproval,
        CheckoutError::Cart(CartError::TooManyLines),
        CheckoutError::Order(OrderError::MissingAddress),
        CheckoutError::Money(MoneyError::Overflow),
    ]
}

fn checkout_variant(e: &CheckoutError) -> usize {
    match e {
        CheckoutError::Closed(_) => 0,
        CheckoutError::CartLocked => 1,
        CheckoutError::EmptyCart => 2,
        CheckoutError::NothingDue => 3,
        CheckoutError::OverTender { .. } => 4,
        CheckoutError::ZeroAmount => 5,
        CheckoutError::LaterMixed => 6,
        CheckoutError::TooManyTenders => 7,
        CheckoutError::UnknownTender(_) => 8,
        CheckoutError::TenderPending(_) => 9,
        CheckoutError::NotPaid { .. } => 10,
        CheckoutError::NeedsApproval => 11,
        CheckoutError::Cart(_) => 12,
        CheckoutError::Order(_) => 13,
        CheckoutError::Money(_) => 14,
        CheckoutError::PayNow => 15,
        CheckoutError::AgeCheck => 16,
    }
}

fn sale_errors() -> Vec<SaleError> {
    let full = || StoreError::DiskFull {
        path: PathBuf::from("/var/lib/smartstore/smartstore.db"),
    };
    vec![
        SaleError::Checkout(CheckoutError::NeedsApproval),
        SaleError::Payment(SyncError::PaymentAnswerLost),
        SaleError::Store(full()),
        SaleError::NotCommitted {
            store: full(),
            given_back: true,
        },
        SaleError::NotCommitted {
            store: full(),
            given_back: false,
        },
    ]
}

fn return_refusals() -> Vec<ReturnRefusal> {
    let gtin = || Gtin::parse("6921000000019").expect("gtin");
    vec![
        ReturnRefusal::Receipt(ReceiptRefusal::NotAReceipt),
        ReturnRefusal::Receipt(ReceiptRefusal::UnknownTerminal("dev-9".into())),
        ReturnRefusal::Receipt(ReceiptRefusal::Forged),
        ReturnRefusal::NotFound("SH001-T09-000001".into()),
        ReturnRefusal::OtherStore {
            store: "BJ001".into(),
        },
        ReturnRefusal::Plan(ReturnError::NoLines),
        ReturnRefusal::Plan(ReturnError::NotOnReceipt { gtin: gtin() }),
        ReturnRefusal::Plan(ReturnError::MoreThanBought {
            gtin: gtin(),
            bought: 2,
            returned: 1,
            asked: 2,
        }),
        ReturnRefusal::Plan(ReturnError::TenderNotUsed {
            method: "card".into(),
        }),
        ReturnRefusal::Plan(ReturnError::TenderNotUsed {
            method: "code".into(),
        }),
        ReturnRefusal::Plan(ReturnError::NothingPaid),
        ReturnRefusal::Plan(ReturnError::Money(MoneyError::Overflow)),
        ReturnRefusal::VoidAfterShift {
            receipt: "SH001-T01-000001".into(),
        },
        ReturnRefusal::Approval(ApprovalRefusal::UnknownStaff("S9".into())),
        ReturnRefusal::Approval(ApprovalRefusal::Inactive("S2".into())),
        ReturnRefusal::Approval(ApprovalRefusal::WrongPin { attempts_left: 2 }),
        ReturnRefusal::Approval(ApprovalRefusal::Locked { seconds_left: 60 }),
        ReturnRefusal::Approval(ApprovalRefusal::NotSupervisor("C1".into())),
        ReturnRefusal::Store(StoreError::DiskFull {
            path: PathBuf::from("/var/lib/smartstore/smartstore.db"),
        }),
    ]
}

fn fulfil_refusals() -> Vec<FulfilError> {
    let gtin = || Gtin::parse("6921000000019").expect("gtin");
    vec![
        FulfilError::UnknownOrder("OL0000007".into()),
        FulfilError::WrongStatus {
            order: "OL0000007".into(),
            status: Status::ReadyForPickup,
            wanted: Status::Shipped,
        },
        FulfilError::Pick(PickRefusal::NotInOrder { gtin: gtin() }),
        FulfilError::Pick(PickRefusal::Extra {
            gtin: gtin(),
            qty: 2,
        }),
        FulfilError::NotAProduct("hello".into()),
        FulfilError::NotPicked {
            order: "OL0000007".into(),
            missing: 1,
        },
        FulfilError::WrongLabel {
            scanned: "OL0000008-A".into(),
            expected: "OL0000007-A".into(),
        },
        FulfilError::BadReason,
        FulfilError::Store(StoreError::DiskFull {
            path: PathBuf::from("/var/lib/smartstore/smartstore.db"),
        }),
        FulfilError::Sql(rusqlite::Error::QueryReturnedNoRows),
    ]
}

fn fulfil_variant(e: &FulfilError) -> usize {
    match e {
        FulfilError::UnknownOrder(_) => 0,
        FulfilError::WrongStatus { .. } => 1,
        FulfilError::Pick(_) => 2,
        FulfilError::NotAProduct(_) => 3,
        FulfilError::NotPicked { .. } => 4,
        FulfilError::WrongLabel { .. } => 5,
        FulfilError::BadReason => 6,
        FulfilError::Store(_) => 7,
        FulfilError::Sql(_) => 8,
    }
}

fn return_variant(e: &ReturnRefusal) -> usize {
    match e {
        ReturnRefusal::Receipt(_) => 0,
        ReturnRefusal::NotFound(_) => 1,
        ReturnRefusal::OtherStore { .. } => 2,
        ReturnRefusal::Plan(_) => 3,
        ReturnRefusal::VoidAfterShift { .. } => 4,
        ReturnRefusal::Approval(_) => 5,
        ReturnRefusal::Store(_) => 6,
    }
}

fn shift_refusals() -> Vec<ShiftRefusal> {
    use smartstore_domain::shift::ShiftError;
    vec![
        ShiftRefusal::AlreadyOpen {
            since: "2026-11-30T08:00:00Z".into(),
        },
        ShiftRefusal::NoneOpen,
        ShiftRefusal::Shift(ShiftError::BadDenomination(0)),
        ShiftRefusal::Shift(ShiftError::OutOfRange(Money::new(-1, Currency::CNY))),
        ShiftRefusal::Shift(ShiftError::NoReason),
        ShiftRefusal::Shift(ShiftError::ZeroMove),
        ShiftRefusal::Shift(ShiftError::Money(MoneyError::Overflow)),
        ShiftRefusal::Store(StoreError::DiskFull {
            path: PathBuf::from("/var/lib/smartstore/smartstore.db"),
        }),
    ]
}

fn shift_variant(e: &ShiftRefusal) -> usize {
    match e {
        ShiftRefusal::AlreadyOpen { .. } => 0,
        ShiftRefusal::NoneOpen => 1,
        ShiftRefusal::Shift(_) => 2,
        ShiftRefusal::Store(_) => 3,
    }
}

fn receipt_refusals() -> Vec<smartstore::receipt::ReceiptRefusal> {
    use smartstore::receipt::ReceiptRefusal;
    use smartstore_print::PrintError;
    vec![
        ReceiptRefusal::NotFound("SH001-T01-000099".into()),
        ReceiptRefusal::NoPrinter,
        ReceiptRefusal::Config("printer_paper 57: use 58 or 80".into()),
        ReceiptRefusal::Print(PrintError::Unreachable {
            addr: "tcp:10.0.0.9:9100".into(),
            reason: "connection refused".into(),
        }),
        ReceiptRefusal::Print(PrintError::Offline),
        ReceiptRefusal::Print(PrintError::PaperOut),
        ReceiptRefusal::Print(PrintError::CoverOpen),
        ReceiptRefusal::Print(PrintError::Io("broken pipe".into())),
        ReceiptRefusal::Print(PrintError::BadAddress("lpt1".into())),
        ReceiptRefusal::Page(smartstore_print::PageError::TooManyBlocks {
            blocks: 9000,
            max: 2000,
        }),
        ReceiptRefusal::Store(StoreError::DiskFull {
            path: PathBuf::from("/var/lib/smartstore/smartstore.db"),
        }),
    ]
}

fn receipt_variant(e: &smartstore::receipt::ReceiptRefusal) -> usize {
    use smartstore::receipt::ReceiptRefusal;
    match e {
        ReceiptRefusal::NotFound(_) => 0,
        ReceiptRefusal::NoPrinter => 1,
        ReceiptRefusal::Config(_) => 2,
        ReceiptRefusal::Print(_) => 3,
        ReceiptRefusal::Page(_) => 4,
        ReceiptRefusal::Store(_) => 5,
    }
}

fn sale_variant(e: &SaleError) -> usize {
    match e {
        SaleError::Checkout(_) => 0,
        SaleError::Payment(_) => 1,
        SaleError::Store(_) => 2,
        SaleError::NotCommitted { .. } => 3,
    }
}

/// Every variant index from 0 to `n - 1` has an example.
fn covers<T>(name: &str, examples: &[T], variant: fn(&T) -> usize, n: usize) {
    let mut seen = vec![false; n];
    for e in examples {
        seen[variant(e)] = true;
    }
    let missing: Vec<usize> = (0..n).filter(|i| !seen[*i]).collect();
    assert!(
        missing.is_empty(),
        "{name}: no example of variants {missing:?}"
    );
}

/// Every message of the terminal's refusals, with the enum it came from.
fn all_messages() -> Vec<(String, Msg)> {
    fn named<T: Localize + std::fmt::Debug>(items: Vec<T>) -> Vec<(String, Msg)> {
        items.iter().map(|e| (format!("{e:?}"), e.msg())).collect()
    }
    covers("GtinError", &gtin_errors(), gtin_variant, 6);
    covers("MoneyError", &money_errors(), money_variant, 5);
    covers("CouponRefusal", &coupon_refusals(), coupon_variant, 9);
    covers("CartError", &cart_errors(), cart_variant, 10);
    covers("LabelRefusal", &label_refusals(), label_variant, 16);
    covers("OrderError", &order_errors(), order_variant, 7);
    covers("PaymentParseError", &payment_errors(), payment_variant, 3);
    covers("CodeRefusal", &code_refusals(), code_variant, 10);
    covers("ScanRefusal", &scan_refusals(), scan_variant, 11);
    covers("RowError", &row_errors(), row_variant, 11);
    covers("ProblemKind", &problem_kinds(), problem_variant, 6);
    covers("KeyError", &key_errors(), key_variant, 8);
    covers("StoreError", &store_errors(), store_variant, 15);
    covers("SyncError", &sync_errors(), sync_variant, 35);
    covers("CheckoutError", &checkout_errors(), checkout_variant, 17);
    covers("ReceiptRefusal", &receipt_refusals(), receipt_variant, 6);
    covers("SaleError", &sale_errors(), sale_variant, 4);
    covers("ReturnRefusal", &return_refusals(), return_variant, 7);
    covers("ShiftRefusal", &shift_refusals(), shift_variant, 4);
    covers("FulfilError", &fulfil_refusals(), fulfil_variant, 9);
    covers("MirrorRefusal", &mirror_refusals(), mirror_variant, 3);
    let mut out = Vec::new();
    out.extend(named(gtin_errors()));
    out.extend(named(money_errors()));
    out.extend(named(coupon_refusals()));
    out.extend(named(cart_errors()));
    out.extend(named(order_errors()));
    out.extend(named(payment_errors()));
    out.extend(named(code_refusals()));
    out.extend(named(scan_refusals()));
    out.extend(named(label_refusals()));
    out.extend(named(row_errors()));
    out.extend(named(problem_kinds()));
    out.extend(named(vec![catalog_refusal()]));
    out.extend(named(key_errors()));
    out.extend(named(store_errors()));
    out.extend(named(sync_errors()));
    out.extend(named(checkout_errors()));
    out.extend(named(sale_errors()));
    out.extend(named(return_refusals()));
    out.extend(named(shift_refusals()));
    out.extend(named(fulfil_refusals()));
    out.extend(named(receipt_refusals()));
    out.extend(named(mirror_refusals()));
    for (e, m) in &mut out {
        // Through the stored form too, as the status bar reads the last sync error.
        let stored = Msg::from_stored(&m.to_stored());
        assert_eq!(&stored, m, "{e}: the stored form reads back");
    }
    out
}

/// The argument values of a message, nested ones included: data, not words of a language.
fn arg_values(m: &Msg, out: &mut Vec<String>) {
    for (_, a) in &m.args {
        match a {
            Arg::Text(t) => out.push(t.clone()),
            Arg::Msg(inner) => arg_values(inner, out),
        }
    }
    for l in &m.lines {
        arg_values(l, out);
    }
}

/// Latin words a Chinese message may hold: names of formats, protocols and CSV columns.
const LATIN_ALLOWED: &[&str] = &[
    "HTTP", "http", "https", "UTC", "CNY", "UPC", "UTF", "Ed", "gtin", "name", "price", "true",
    "false", "yes", "no", "kg",
];

#[test]
fn every_refusal_renders_in_both_languages_without_untranslated_text() {
    let mut failures = Vec::new();
    for (origin, msg) in all_messages() {
        for lang in [Lang::En, Lang::Zh] {
            for p in problems(lang, &msg) {
                failures.push(format!("{origin}: {p}"));
            }
            let text = msg.render(lang);
            if text.trim().is_empty() || text.contains(&msg.id) {
                failures.push(format!("{origin}: {}: '{text}'", lang.tag()));
            }
        }
        let mut zh = msg.render(Lang::Zh);
        let mut values = Vec::new();
        arg_values(&msg, &mut values);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for v in values.iter().filter(|v| !v.is_empty()) {
            zh = zh.replace(v.as_str(), " ");
        }
        let english: Vec<&str> = zh
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 2 && !LATIN_ALLOWED.contains(w))
            .collect();
        if !english.is_empty() {
            failures.push(format!(
                "{origin}: English in Chinese: {english:?} in '{zh}'"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_chinese_refusal_reads_as_chinese() {
    let msg = ScanRefusal::NotInCatalog { gtin: gtin() }.msg();
    assert_eq!(
        msg.render(Lang::Zh),
        "商品 6921000000019 不在商品目录中：请核对条码，或将该商品加入目录。"
    );
    assert!(
        msg.render(Lang::En)
            .starts_with("Product 6921000000019 is not in the catalog")
    );
    let expired = CodeRefusal::Expired {
        kind: ShopperCodeKind::Coupon,
        at: 1_767_225_600,
    }
    .msg();
    assert_eq!(
        expired.render(Lang::Zh),
        "此优惠券码已于 2026-01-01 00:00 UTC 过期。"
    );
    assert_eq!(
        expired.render(Lang::En),
        "This coupon code expired at 2026-01-01 00:00 UTC."
    );
}

#[test]
fn no_screen_message_shows_command_line_syntax() {
    for (origin, msg) in all_messages() {
        for lang in [Lang::En, Lang::Zh] {
            let text = msg.render(lang);
            let commands = [
                "smartstore enroll",
                "smartstore sync",
                "smartstore doctor",
                "smartstore catalog",
                "smartstore order",
                "smartstore pickup",
                "smartstore pin",
            ];
            for flag in ["--", "`"].iter().chain(commands.iter()) {
                assert!(
                    !text.contains(flag),
                    "{origin}: '{text}' shows command-line syntax ({flag})"
                );
            }
        }
    }
}

/// A message id given twice in one translation: the second silently replaced the first (the
/// online-order desk's title once showed where the sale's fulfilment choice was).
#[test]
fn no_message_is_given_twice_in_a_translation() {
    for file in ["en.ftl", "zh-CN.ftl"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/i18n")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("a translation");
        let mut seen = std::collections::HashSet::new();
        let mut ids = 0;
        for line in text.lines() {
            let Some((id, _)) = line.split_once(" = ") else {
                continue;
            };
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                continue;
            }
            ids += 1;
            assert!(seen.insert(id.to_owned()), "{file}: {id} is given twice");
        }
        assert!(ids > 100, "{file}: only {ids} messages read");
    }
}
