//! Every refusal the terminal can meet, as a Fluent message: the one place where the typed
//! errors of the domain, the wire, the store and the sync engine become words. Each `match` is
//! exhaustive, so a new variant does not compile until it has its message; `tests/i18n.rs`
//! renders one example of every variant in both languages.

use smartstore_domain::cart::CartError;
use smartstore_domain::catalog::RowError;
use smartstore_domain::checkout::CheckoutError;
use smartstore_domain::coupon::CouponRefusal;
use smartstore_domain::gtin::GtinError;
use smartstore_domain::money::MoneyError;
use smartstore_domain::order::{OrderError, PaymentParseError};
use smartstore_domain::scan::{ShopperCodeKind, Unusable};
use smartstore_domain::variable_measure::Refusal;
use smartstore_domain::weighed::LabelRefusal;
use smartstore_protocol::catalog_csv::{CatalogRefusal, ProblemKind};
use smartstore_protocol::codes::CodeRefusal;
use smartstore_protocol::keys::KeyError;

use super::{Localize, Msg};
use crate::checkout::ScanRefusal;
use crate::returns::ReturnRefusal;
use crate::sale::SaleError;
use crate::shift::ShiftRefusal;
use crate::staff::ApprovalRefusal;
use crate::store::FulfilError;
use crate::store::StoreError;
use crate::sync::{PlatformStorage, Step, SyncError};
use smartstore_domain::fulfil::PickRefusal;
use smartstore_domain::returns::ReturnError;
use smartstore_protocol::online::Status;
use smartstore_protocol::receipt::ReceiptRefusal;

fn kind_id(kind: ShopperCodeKind) -> &'static str {
    match kind {
        ShopperCodeKind::Member => "member",
        ShopperCodeKind::Pickup => "pickup",
        ShopperCodeKind::Coupon => "coupon",
        ShopperCodeKind::Basket => "basket",
    }
}

/// A Unix time as the shopper reads it (UTC; the terminal's own clock zone is not known here).
pub fn utc(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| at.to_string())
}

/// An RFC 3339 time stored by the terminal, shown to the minute.
pub fn stored_time(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::parse(text, &Rfc3339)
        .map(|t| utc(t.unix_timestamp()))
        .unwrap_or_else(|_| text.chars().take(32).collect())
}

impl Localize for GtinError {
    fn msg(&self) -> Msg {
        match self {
            GtinError::Empty => Msg::new("gtin-empty"),
            GtinError::NotDigits { text, .. } => Msg::new("gtin-not-digits").arg("text", text),
            GtinError::BadLength { text, len } => Msg::new("gtin-bad-length")
                .arg("text", text)
                .arg("len", len),
            GtinError::BadCheckDigit { text, .. } => {
                Msg::new("gtin-bad-check-digit").arg("text", text)
            }
            GtinError::BadUpcE { text, .. } => Msg::new("gtin-bad-upce").arg("text", text),
            GtinError::NotDigitalLink { text } => {
                Msg::new("gtin-not-digital-link").arg("text", text)
            }
        }
    }
}

impl Localize for MoneyError {
    fn msg(&self) -> Msg {
        match self {
            MoneyError::BadCurrency(c) => Msg::new("money-bad-currency").arg("text", c),
            MoneyError::BadAmount(a) => Msg::new("money-bad-amount").arg("text", a),
            MoneyError::TooPrecise {
                text,
                digits,
                currency,
            } => Msg::new("money-too-precise")
                .arg("text", text)
                .arg("digits", digits)
                .arg("currency", currency),
            MoneyError::Overflow => Msg::new("money-overflow"),
            MoneyError::CurrencyMismatch(a, b) => {
                Msg::new("money-currency-mismatch").arg("a", a).arg("b", b)
            }
        }
    }
}

impl Localize for CouponRefusal {
    fn msg(&self) -> Msg {
        match self {
            CouponRefusal::NotYetValid => Msg::new("coupon-not-yet-valid"),
            CouponRefusal::Expired => Msg::new("coupon-expired"),
            CouponRefusal::WrongStore(s) => Msg::new("coupon-wrong-store").arg("store", s),
            CouponRefusal::BelowMinimum { min, subtotal } => Msg::new("coupon-below-minimum")
                .arg("min", min)
                .arg("subtotal", subtotal),
            CouponRefusal::AlreadyRedeemed => Msg::new("coupon-already-redeemed"),
            CouponRefusal::AlreadyApplied => Msg::new("coupon-already-applied"),
            CouponRefusal::OneCouponPerOrder => Msg::new("coupon-one-per-order"),
            CouponRefusal::WrongCurrency { coupon, cart } => Msg::new("coupon-wrong-currency")
                .arg("coupon", coupon)
                .arg("cart", cart),
            CouponRefusal::InvalidValue => Msg::new("coupon-invalid-value"),
        }
    }
}

impl Localize for CartError {
    fn msg(&self) -> Msg {
        match self {
            CartError::CurrencyMismatch { gtin, item, cart } => Msg::new("cart-currency-mismatch")
                .arg("gtin", gtin.display_form())
                .arg("item", item)
                .arg("cart", cart),
            CartError::QuantityOutOfRange(q) => Msg::new("cart-quantity-out-of-range")
                .arg("qty", q)
                .arg("max", smartstore_domain::cart::MAX_QUANTITY),
            CartError::NotInCart(g) => Msg::new("cart-not-in-cart").arg("gtin", g.display_form()),
            CartError::Package(g) => Msg::new("cart-package").arg("gtin", g.display_form()),
            CartError::LineGone(_) => Msg::new("cart-line-gone"),
            CartError::ByWeight(g) => Msg::new("cart-by-weight").arg("gtin", g.display_form()),
            CartError::TooManyLines => {
                Msg::new("cart-too-many-lines").arg("max", smartstore_domain::cart::MAX_LINES)
            }
            CartError::BadCatalogEntry { gtin, problem } => Msg::new("cart-bad-catalog-entry")
                .arg("gtin", gtin.display_form())
                .line(problem.msg()),
            CartError::Coupon(r) => r.msg(),
            CartError::Money(e) => e.msg(),
        }
    }
}

impl Localize for OrderError {
    fn msg(&self) -> Msg {
        match self {
            OrderError::EmptyCart => Msg::new("order-empty-cart"),
            OrderError::MissingAddress => Msg::new("order-missing-address"),
            OrderError::AddressTooLong => Msg::new("order-address-too-long")
                .arg("max", smartstore_domain::order::MAX_ADDRESS_LEN),
            OrderError::MissingCollectStore => Msg::new("order-missing-collect-store"),
            OrderError::MissingPickupTime => Msg::new("order-missing-pickup-time"),
            OrderError::MissingCardReference => Msg::new("order-missing-card-reference"),
            OrderError::Money(e) => e.msg(),
        }
    }
}

impl Localize for CheckoutError {
    fn msg(&self) -> Msg {
        match self {
            CheckoutError::Closed(_) => Msg::new("checkout-closed"),
            CheckoutError::CartLocked => Msg::new("checkout-cart-locked"),
            CheckoutError::EmptyCart => Msg::new("order-empty-cart"),
            CheckoutError::NothingDue => Msg::new("checkout-nothing-due"),
            CheckoutError::OverTender {
                method,
                amount,
                due,
            } => Msg::new("checkout-over-tender")
                .arg_msg("method", tender_method(method))
                .arg("amount", amount)
                .arg("due", due),
            CheckoutError::ZeroAmount => Msg::new("checkout-zero-amount"),
            CheckoutError::LaterMixed => Msg::new("checkout-later-mixed"),
            CheckoutError::PayNow => Msg::new("checkout-pay-now"),
            CheckoutError::AgeCheck => Msg::new("checkout-age-check"),
            CheckoutError::TooManyTenders => Msg::new("checkout-too-many-tenders")
                .arg("max", smartstore_domain::checkout::MAX_TENDERS),
            CheckoutError::UnknownTender(r) => {
                Msg::new("checkout-unknown-tender").arg("reference", r)
            }
            CheckoutError::TenderPending(r) => {
                Msg::new("checkout-tender-pending").arg("reference", r)
            }
            CheckoutError::NotPaid { due } => Msg::new("checkout-not-paid").arg("due", due),
            CheckoutError::NeedsApproval => Msg::new("checkout-needs-approval"),
            CheckoutError::Cart(e) => e.msg(),
            CheckoutError::Order(e) => e.msg(),
            CheckoutError::Money(e) => e.msg(),
        }
    }
}

/// A tender's method in the user's words.
fn tender_method(method: &str) -> Msg {
    match method {
        "cash" => Msg::new("pay-cash"),
        "card" => Msg::new("pay-card"),
        "later" => Msg::new("pay-later"),
        _ => Msg::new("pay-code").arg("digits", ""),
    }
}

impl Localize for ReturnRefusal {
    fn msg(&self) -> Msg {
        match self {
            ReturnRefusal::Receipt(r) => match r {
                ReceiptRefusal::NotAReceipt => Msg::new("return-not-a-receipt"),
                ReceiptRefusal::UnknownTerminal(_) => Msg::new("return-unknown-terminal"),
                ReceiptRefusal::Forged => Msg::new("return-forged-receipt"),
            },
            ReturnRefusal::NotFound(r) => Msg::new("return-not-found").arg("receipt", r),
            ReturnRefusal::OtherStore { store } => {
                Msg::new("return-other-store").arg("store", store)
            }
            ReturnRefusal::Plan(e) => match e {
                ReturnError::NoLines => Msg::new("return-no-lines"),
                ReturnError::NotOnReceipt { gtin } => {
                    Msg::new("return-not-on-receipt").arg("gtin", gtin.display_form())
                }
                ReturnError::MoreThanBought {
                    gtin,
                    bought,
                    returned,
                    asked,
                } => Msg::new("return-more-than-bought")
                    .arg("gtin", gtin.display_form())
                    .arg("bought", bought)
                    .arg("returned", returned)
                    .arg("asked", asked),
                ReturnError::TenderNotUsed { method } => {
                    Msg::new("return-tender-not-used").arg_msg("method", tender_method(method))
                }
                ReturnError::NothingPaid => Msg::new("return-nothing-paid"),
                ReturnError::Money(m) => m.msg(),
            },
            ReturnRefusal::VoidAfterShift { receipt } => {
                Msg::new("void-after-shift").arg("receipt", receipt)
            }
            ReturnRefusal::Approval(a) => a.msg(),
            ReturnRefusal::Store(e) => e.msg(),
        }
    }
}

impl Localize for ApprovalRefusal {
    fn msg(&self) -> Msg {
        match self {
            ApprovalRefusal::UnknownStaff(id) => Msg::new("staff-unknown").arg("id", id),
            ApprovalRefusal::Inactive(id) => Msg::new("staff-inactive").arg("id", id),
            ApprovalRefusal::WrongPin { attempts_left } => {
                Msg::new("staff-wrong-pin").arg("left", attempts_left)
            }
            ApprovalRefusal::Locked { seconds_left } => {
                Msg::new("staff-locked").arg("seconds", seconds_left)
            }
            ApprovalRefusal::NotSupervisor(id) => Msg::new("staff-not-supervisor").arg("id", id),
            ApprovalRefusal::Store(e) => e.msg(),
        }
    }
}

impl Localize for crate::assist::ApprovalError {
    fn msg(&self) -> Msg {
        use crate::assist::ApprovalError;
        match self {
            ApprovalError::NotThisCall => Msg::new("age-approval-not-this-call"),
            ApprovalError::UnknownDevice(d) => {
                Msg::new("age-approval-unknown-device").arg("device", d)
            }
            ApprovalError::Forged => Msg::new("age-approval-forged"),
        }
    }
}

impl Localize for SaleError {
    fn msg(&self) -> Msg {
        match self {
            SaleError::Checkout(e) => e.msg(),
            SaleError::Payment(e) => e.msg(),
            SaleError::Store(e) => e.msg(),
            SaleError::NotCommitted { store, given_back } => Msg::new("sale-not-committed")
                .line(store.msg())
                .line(Msg::new(if *given_back {
                    "sale-payment-given-back"
                } else {
                    "sale-payment-give-back-later"
                })),
        }
    }
}

impl Localize for ShiftRefusal {
    fn msg(&self) -> Msg {
        use smartstore_domain::shift::ShiftError;
        match self {
            ShiftRefusal::AlreadyOpen { since } => {
                Msg::new("shift-already-open").arg("since", since)
            }
            ShiftRefusal::NoneOpen => Msg::new("shift-none-open"),
            ShiftRefusal::Shift(e) => match e {
                ShiftError::BadDenomination(v) => {
                    Msg::new("shift-bad-denomination").arg("value", v)
                }
                ShiftError::OutOfRange(m) => Msg::new("shift-out-of-range").arg("amount", m),
                ShiftError::NoReason => Msg::new("shift-no-reason"),
                ShiftError::ZeroMove => Msg::new("shift-zero-move"),
                ShiftError::Money(m) => m.msg(),
            },
            ShiftRefusal::Store(e) => e.msg(),
        }
    }
}

impl Localize for crate::receipt::ReceiptRefusal {
    fn msg(&self) -> Msg {
        use crate::receipt::ReceiptRefusal;
        use smartstore_print::PrintError;
        match self {
            ReceiptRefusal::NotFound(r) => Msg::new("receipt-not-found").arg("receipt", r),
            ReceiptRefusal::NoPrinter => Msg::new("print-no-printer"),
            ReceiptRefusal::Config(d) => Msg::new("print-config").arg("detail", d),
            ReceiptRefusal::Print(e) => match e {
                PrintError::Unreachable { addr, reason } => Msg::new("print-unreachable")
                    .arg("addr", addr)
                    .arg("reason", reason),
                PrintError::Offline => Msg::new("print-offline"),
                PrintError::PaperOut => Msg::new("print-paper-out"),
                PrintError::CoverOpen => Msg::new("print-cover-open"),
                PrintError::Io(d) => Msg::new("print-io").arg("detail", d),
                PrintError::BadAddress(a) => Msg::new("print-bad-address").arg("addr", a),
            },
            ReceiptRefusal::Page(e) => Msg::new("print-page").arg("detail", e.to_string()),
            ReceiptRefusal::Store(e) => e.msg(),
        }
    }
}

impl Localize for PaymentParseError {
    fn msg(&self) -> Msg {
        match self {
            PaymentParseError::Unknown(t) => Msg::new("payment-unknown").arg("text", t),
            PaymentParseError::BadCardReference => Msg::new("payment-bad-card-reference")
                .arg("max", smartstore_domain::order::MAX_REFERENCE_LEN),
            PaymentParseError::BadCode(t) => Msg::new("payment-bad-code").arg("text", t),
        }
    }
}

impl Localize for Unusable {
    fn msg(&self) -> Msg {
        match self {
            Unusable::Nothing => Msg::new("scan-nothing-read"),
            Unusable::NotACode => Msg::new("scan-not-a-code"),
            Unusable::BadGtin(e) => e.msg(),
        }
    }
}

impl Localize for CodeRefusal {
    fn msg(&self) -> Msg {
        match self {
            CodeRefusal::Malformed(_) => Msg::new("code-malformed"),
            CodeRefusal::BadSignature => Msg::new("code-bad-signature"),
            CodeRefusal::UnknownKey(kid) => Msg::new("code-unknown-key").arg("kid", kid),
            CodeRefusal::KeyRevoked(kid) => Msg::new("code-key-revoked").arg("kid", kid),
            CodeRefusal::IssuedAfterRetirement {
                kid,
                issued,
                retired,
            } => Msg::new("code-issued-after-retirement")
                .arg("kid", kid)
                .arg("issued", utc(*issued))
                .arg("retired", utc(*retired)),
            CodeRefusal::Expired { kind, at } => Msg::new("code-expired")
                .arg("kind", kind_id(*kind))
                .arg("at", utc(*at)),
            CodeRefusal::NotYetValid { kind, from } => Msg::new("code-not-yet-valid")
                .arg("kind", kind_id(*kind))
                .arg("from", utc(*from)),
            CodeRefusal::WrongStore {
                kind,
                for_stores,
                here,
            } => Msg::new("code-wrong-store")
                .arg("kind", kind_id(*kind))
                .arg("stores", for_stores)
                .arg("here", here),
            CodeRefusal::AlreadyRedeemed(id) => Msg::new("code-already-redeemed").arg("coupon", id),
            CodeRefusal::AlreadyCollected(id) => {
                Msg::new("code-already-collected").arg("order", id)
            }
        }
    }
}

impl Localize for ScanRefusal {
    fn msg(&self) -> Msg {
        match self {
            ScanRefusal::NotInCatalog { gtin } => {
                Msg::new("scan-not-in-catalog").arg("gtin", gtin.display_form())
            }
            ScanRefusal::Unusable(u) => u.msg(),
            ScanRefusal::Code(r) => r.msg(),
            ScanRefusal::CouponWithdrawn { coupon_id } => {
                Msg::new("scan-coupon-withdrawn").arg("coupon", coupon_id)
            }
            ScanRefusal::BasketItemMissing { gtin } => {
                Msg::new("scan-basket-item-missing").arg("gtin", gtin.display_form())
            }
            ScanRefusal::AlreadyCollected { order_id, at } => Msg::new("scan-already-collected")
                .arg("order", order_id)
                .arg("at", stored_time(at)),
            ScanRefusal::Cart(e) => e.msg(),
            ScanRefusal::Basket(e) => Msg::new("scan-basket-refused").arg_msg("reason", e.msg()),
            ScanRefusal::Label(r) => r.msg(),
        }
    }
}

impl Localize for crate::mirror::MirrorRefusal {
    fn msg(&self) -> Msg {
        use crate::mirror::MirrorRefusal;
        match self {
            MirrorRefusal::NoConsent { member } => {
                Msg::new("mirror-no-consent").arg("member", member)
            }
            MirrorRefusal::NotMemberCode { kind: Some(kind) } => {
                Msg::new("mirror-not-member-code").arg("kind", kind_id(*kind))
            }
            MirrorRefusal::NotMemberCode { kind: None } => Msg::new("mirror-not-shopper-code"),
            MirrorRefusal::Code(r) => r.msg(),
        }
    }
}

impl Localize for LabelRefusal {
    fn msg(&self) -> Msg {
        match self {
            LabelRefusal::InStore(r) => match r {
                Refusal::CheckDigit { text, .. } => Msg::new("label-misread").arg("text", text),
                Refusal::ValueCheck { text, .. } => {
                    Msg::new("label-value-misread").arg("text", text)
                }
                Refusal::Zero(text) => Msg::new("label-zero").arg("text", text),
                Refusal::NotEan13(text)
                | Refusal::NotInStore(text)
                | Refusal::NoRule { text, .. } => Msg::new("label-not-scale").arg("text", text),
            },
            LabelRefusal::Gs1 { text, .. } => Msg::new("label-gs1-unreadable")
                .arg("text", text.replace(smartstore_domain::gs1::GS, " ")),
            LabelRefusal::Expired { gtin, expiry } => Msg::new("label-expired")
                .arg("gtin", gtin.display_form())
                .arg("date", expiry),
            LabelRefusal::UnknownItem {
                gtin,
                item_code: Some(item),
            } => Msg::new("label-unknown-item")
                .arg("item", item)
                .arg("gtin", gtin.display_form()),
            LabelRefusal::UnknownItem {
                gtin,
                item_code: None,
            } => Msg::new("scan-not-in-catalog").arg("gtin", gtin.display_form()),
            LabelRefusal::ZeroWeight { text } => {
                Msg::new("label-zero").arg("text", text.replace(smartstore_domain::gs1::GS, " "))
            }
            LabelRefusal::NotSoldByWeight { gtin } => {
                Msg::new("label-not-by-weight").arg("gtin", gtin.display_form())
            }
            LabelRefusal::PriceCurrency { numeric, currency } => Msg::new("label-price-currency")
                .arg("numeric", numeric)
                .arg("currency", currency),
            LabelRefusal::PricePrecision => Msg::new("label-price-precision"),
            LabelRefusal::Gtin(e) => e.msg(),
            LabelRefusal::Money(e) => e.msg(),
        }
    }
}

impl Localize for RowError {
    fn msg(&self) -> Msg {
        match self {
            RowError::MissingColumn(c) => Msg::new("row-missing-column").arg("column", c),
            RowError::DuplicateColumn(c) => Msg::new("row-duplicate-column").arg("column", c),
            RowError::FieldCount { expected, found } => Msg::new("row-field-count")
                .arg("expected", expected)
                .arg("found", found),
            RowError::Gtin(e) => e.msg(),
            RowError::Price { text, source } => Msg::new("row-price")
                .arg("text", text)
                .arg_msg("reason", source.msg()),
            RowError::NegativePrice(t) => Msg::new("row-negative-price").arg("text", t),
            RowError::Currency(e) => e.msg(),
            RowError::EmptyName => Msg::new("row-empty-name"),
            RowError::BadFlag(t) => Msg::new("row-bad-flag").arg("text", t),
            RowError::BadStock(t) => Msg::new("row-bad-stock").arg("text", t),
            RowError::TooLong { field, max, found } => Msg::new("row-too-long")
                .arg("field", *field)
                .arg("max", *max)
                .arg("found", *found),
        }
    }
}

impl Localize for ProblemKind {
    fn msg(&self) -> Msg {
        match self {
            ProblemKind::UnreadableHeader => Msg::new("import-unreadable-header"),
            ProblemKind::Header(e) | ProblemKind::Row(e) => e.msg(),
            ProblemKind::UnreadableRow => Msg::new("import-unreadable-row"),
            ProblemKind::DuplicateGtin { gtin, first_line } => Msg::new("import-duplicate-gtin")
                .arg("gtin", gtin.display_form())
                .arg("line", first_line),
            ProblemKind::NoRows => Msg::new("import-no-rows"),
        }
    }
}

impl Localize for CatalogRefusal {
    fn msg(&self) -> Msg {
        let mut lines = Msg::new("import-refused");
        for p in &self.problems {
            lines = lines.line(
                Msg::new("import-problem-line")
                    .arg("line", p.line)
                    .arg_msg("problem", p.kind.msg()),
            );
        }
        if self.total > self.problems.len() {
            lines = lines.line(
                Msg::new("import-more-problems").arg("count", self.total - self.problems.len()),
            );
        }
        lines
    }
}

impl Localize for KeyError {
    fn msg(&self) -> Msg {
        match self {
            KeyError::BadPkcs8 => Msg::new("key-bad-pkcs8"),
            KeyError::BadJwk { kid, .. } => Msg::new("key-bad-jwk").arg("kid", kid),
            KeyError::DuplicateKid(kid) => Msg::new("key-duplicate-kid").arg("kid", kid),
            KeyError::Random => Msg::new("key-random"),
            KeyError::Invalid { path } => Msg::new("key-invalid").arg("path", path.display()),
            KeyError::Missing { path } => Msg::new("key-missing").arg("path", path.display()),
            KeyError::TooOpen { path, mode } => Msg::new("key-too-open")
                .arg("path", path.display())
                .arg("mode", format!("{mode:o}")),
            KeyError::Io { path, .. } => Msg::new("key-io").arg("path", path.display()),
        }
    }
}

impl Localize for StoreError {
    fn msg(&self) -> Msg {
        match self {
            StoreError::Corrupt { path, .. } => {
                Msg::new("store-corrupt").arg("path", path.display())
            }
            StoreError::Damaged { path, problems } => Msg::new("store-damaged")
                .arg("path", path.display())
                .arg("problems", problems.len()),
            StoreError::ReadOnlyFilesystem { path } => {
                Msg::new("store-read-only-filesystem").arg("path", path.display())
            }
            StoreError::Unreadable { path, .. } => {
                Msg::new("store-unreadable").arg("path", path.display())
            }
            StoreError::ReadOnly { path, .. } => {
                Msg::new("store-read-only").arg("path", path.display())
            }
            StoreError::DiskFull { path } => {
                Msg::new("store-disk-full").arg("path", path.display())
            }
            StoreError::NewerSchema { path, found, known } => Msg::new("store-newer-schema")
                .arg("path", path.display())
                .arg("found", found)
                .arg("known", known),
            StoreError::Migration { name, .. } => Msg::new("store-migration").arg("name", name),
            StoreError::Busy { path } => Msg::new("store-busy").arg("path", path.display()),
            StoreError::UnknownGtin(g) => {
                Msg::new("scan-not-in-catalog").arg("gtin", g.display_form())
            }
            StoreError::CatalogRefused(r) => r.msg(),
            StoreError::Sqlite { path, .. } => Msg::new("store-sqlite").arg("path", path.display()),
            StoreError::CouponRedeemed(id) => Msg::new("code-already-redeemed").arg("coupon", id),
            StoreError::AlreadyCollected { order_id, at } => Msg::new("scan-already-collected")
                .arg("order", order_id)
                .arg("at", stored_time(at)),
            StoreError::Inconsistent(_) => Msg::new("store-inconsistent"),
        }
    }
}

fn step_id(step: &Step) -> &'static str {
    match step {
        Step::Enrolment => "enrolment",
        Step::Push => "push",
        Step::Pull(_) => "pull",
        Step::Payment => "payment",
        Step::Time => "time",
        Step::Claim => "claim",
        Step::Assist => "assist",
    }
}

impl Localize for SyncError {
    fn msg(&self) -> Msg {
        match self {
            SyncError::NotEnrolled => Msg::new("sync-not-enrolled"),
            SyncError::AlreadyEnrolled { device } => {
                Msg::new("sync-already-enrolled").arg("device", device)
            }
            SyncError::OrdersBeforeEnrolment { orders, path } => {
                Msg::new("sync-orders-before-enrolment")
                    .arg("orders", orders)
                    .arg("path", path.display())
            }
            SyncError::BadUrl { url } => Msg::new("sync-bad-url").arg("url", url),
            SyncError::ReEnrol { .. } => Msg::new("sync-re-enrol"),
            SyncError::Refused { step, status, .. } => Msg::new("sync-refused")
                .arg("step", step_id(step))
                .arg("status", status),
            SyncError::Unreachable { step, .. } => {
                Msg::new("sync-unreachable").arg("step", step_id(step))
            }
            SyncError::ServerError { step, status, .. } => Msg::new("sync-server-error")
                .arg("step", step_id(step))
                .arg("status", status),
            SyncError::PlatformStorage { step, fault, .. } => Msg::new("sync-platform-storage")
                .arg("step", step_id(step))
                .arg(
                    "fault",
                    match fault {
                        PlatformStorage::Unavailable => "unavailable",
                        PlatformStorage::ReadOnly => "read-only",
                        PlatformStorage::Full => "full",
                        PlatformStorage::Busy => "busy",
                    },
                ),
            SyncError::BadAnswer { step, .. } => {
                Msg::new("sync-bad-answer").arg("step", step_id(step))
            }
            SyncError::Stalled { held } => Msg::new("sync-stalled").arg("held", held),
            SyncError::SequenceConflict { seq } => {
                Msg::new("sync-sequence-conflict").arg("seq", seq)
            }
            SyncError::EventRefused { seq, .. } => Msg::new("sync-event-refused").arg("seq", seq),
            SyncError::ClockSkew { offset } => Msg::new(if *offset > 0 {
                "sync-clock-ahead"
            } else {
                "sync-clock-behind"
            })
            .arg("minutes", (offset.unsigned_abs() + 30) / 60)
            .arg("seconds", offset.unsigned_abs()),
            SyncError::WrongStore { .. } => Msg::new("sync-wrong-store"),
            SyncError::NothingToRecover => Msg::new("sync-nothing-to-recover"),
            SyncError::TokenExpired => Msg::new("sync-token-expired"),
            SyncError::PlainHttp { url } => Msg::new("sync-plain-http").arg("url", url),
            SyncError::NoPin { url } => Msg::new("sync-no-pin").arg("url", url),
            SyncError::Untrusted { step, .. } => {
                Msg::new("sync-untrusted").arg("step", step_id(step))
            }
            SyncError::BadFingerprint { text } => {
                Msg::new("sync-bad-fingerprint").arg("text", text)
            }
            SyncError::FingerprintMismatch => Msg::new("sync-fingerprint-mismatch"),
            SyncError::ForgedKeys { .. } => Msg::new("sync-forged-keys"),
            SyncError::NotTls { step } => Msg::new("sync-not-tls").arg("step", step_id(step)),
            SyncError::AlreadyClaimed {
                store,
                terminal,
                at,
            } => Msg::new("sync-already-claimed")
                .arg("store", store)
                .arg("terminal", terminal)
                .arg("at", at),
            SyncError::PaymentReferenceConflict => Msg::new("payment-reference-conflict"),
            SyncError::PaymentNeedsPlatform => Msg::new("payment-needs-platform"),
            SyncError::PaymentOffline => Msg::new("payment-offline"),
            SyncError::PaymentDeclined { .. } => Msg::new("payment-declined"),
            SyncError::PaymentAnswerLost => Msg::new("payment-answer-lost"),
            SyncError::PaymentVoided => Msg::new("payment-voided"),
            SyncError::PaymentUnknown => Msg::new("payment-unknown-reference"),
            SyncError::PaymentsUnreconciled { count } => {
                Msg::new("payments-unreconciled").arg("count", *count)
            }
            SyncError::Key(e) => e.msg(),
            SyncError::Store(e) => e.msg(),
        }
    }
}

/// An online order's status in words.
pub fn online_status(status: Status) -> Msg {
    Msg::new(match status {
        Status::Routed => "online-status-routed",
        Status::Accepted => "online-status-accepted",
        Status::Picked => "online-status-picked",
        Status::Packed => "online-status-packed",
        Status::Shipped => "online-status-shipped",
        Status::ReadyForPickup => "online-status-ready-for-pickup",
        Status::Collected => "online-status-collected",
        Status::Rejected => "online-status-rejected",
        Status::Unfillable => "online-status-unfillable",
    })
}

impl Localize for PickRefusal {
    fn msg(&self) -> Msg {
        match self {
            PickRefusal::NotInOrder { gtin } => {
                Msg::new("pick-not-in-order").arg("gtin", gtin.display_form())
            }
            PickRefusal::Extra { gtin, qty } => Msg::new("pick-extra")
                .arg("gtin", gtin.display_form())
                .arg("qty", qty),
        }
    }
}

impl Localize for FulfilError {
    fn msg(&self) -> Msg {
        match self {
            FulfilError::UnknownOrder(id) => Msg::new("fulfil-unknown-order").arg("order", id),
            FulfilError::WrongStatus {
                order,
                status,
                wanted,
            } => Msg::new("fulfil-wrong-status")
                .arg("order", order)
                .arg_msg("status", online_status(*status))
                .arg_msg("wanted", online_status(*wanted)),
            FulfilError::Pick(p) => p.msg(),
            FulfilError::NotAProduct(text) => Msg::new("pick-not-a-product").arg("text", text),
            FulfilError::NotPicked { order, missing } => Msg::new("fulfil-not-picked")
                .arg("order", order)
                .arg("missing", missing),
            FulfilError::WrongLabel { scanned, expected } => Msg::new("fulfil-wrong-label")
                .arg("scanned", scanned)
                .arg("expected", expected),
            FulfilError::BadReason => {
                Msg::new("fulfil-bad-reason").arg("max", crate::store::ONLINE_MAX_REASON)
            }
            FulfilError::Store(e) => e.msg(),
            FulfilError::Sql(e) => Msg::new("fulfil-database").arg("detail", e),
        }
    }
}
