//! The terminal window in the iced_test simulator (no display): the real screens drawn by
//! `App::view`, clicked and typed into, their messages fed to `App::update_effects`, and the
//! effects run with `ui::effect::execute` against a real SQLite database in a tempdir — the same
//! function the store thread runs in the window.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use iced::keyboard::key::Named;
use iced_test::selector::{Candidate, Target as Found};
use iced_test::{Simulator, core::Settings};
use smartstore::i18n::{Lang, Localize as _, t, tr};
use smartstore::store::Store;
use smartstore::ui::app::{Message, Target};
use smartstore::ui::camera::CameraEvent;
use smartstore::ui::effect::{Effect, execute};
use smartstore::ui::session::{FulfilKind, PayKind};
use smartstore::ui::{App, Mode, Options, counter, kiosk};
use smartstore_domain::catalog::CatalogItem;
use smartstore_domain::coupon::{Coupon, CouponRefusal, CouponValue};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::{Currency, Money};
use smartstore_domain::scan::Symbology;
use smartstore_protocol::codes::{Issuer, JwkSet, Pickup, ShopperCode, Stamp, generate_key_pair};

const PIN: &str = "2468";
/// PBKDF2 is slow on purpose: hash once for every test.
static PIN_HASH: LazyLock<String> = LazyLock::new(|| smartstore_protocol::staff_pin::hash_pin(PIN));

const TEA: &str = "6921000000019";
const OOLONG: &str = "6931003700045";
const EN: Lang = Lang::En;
/// From the bottom of the counter's "Payment" heading past the column's 8 px spacing to the
/// middle of the radio row below it (16 px text, 16 px radios).
const PAY_ROW_DY: f32 = 8.0 + 10.0;

/// A terminal window without a display: the app, its database and its data directory.
struct Term {
    app: App,
    store: Store,
    dir: tempfile::TempDir,
}

/// The window's options on a test database, as `smartstore` gives them: the staff PIN, and the
/// PIN guard the database kept.
fn options(dir: &tempfile::TempDir, store: &Store, mode: Mode) -> Options {
    Options {
        data_dir: dir.path().to_owned(),
        mode,
        lang: EN,
        camera: "none".into(),
        currency: Currency::CNY,
        store_id: store.receipt_prefix().expect("store id").0,
        pin_hash: PIN_HASH.clone(),
        pin_guard: store.kept_pin_guard().expect("kept guard"),
        scans: vec![],
        screenshot: None,
        screenshot_after: Duration::ZERO,
        kiosk_shopping: false,
        setup_step: None,
        address: None,
        place: false,
        counter_opening: None,
        shoot_customer: false,
        quick_keys: Vec::new(),
        kiosk_checkout: false,
    }
}

impl Term {
    fn new(mode: Mode) -> Term {
        Term::with(mode, |_| {})
    }

    /// `prepare` runs on the fresh database (demo catalog loaded) before the window opens, with
    /// a shift open (a float of zero) as the counter sells only in one.
    fn with(mode: Mode, prepare: impl FnOnce(&Store)) -> Term {
        Term::build(mode, prepare, true)
    }

    /// A window on a database without an open shift.
    fn without_shift(mode: Mode) -> Term {
        Term::build(mode, |_| {}, false)
    }

    fn build(mode: Mode, prepare: impl FnOnce(&Store), shift: bool) -> Term {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("smartstore.db")).expect("open the store");
        prepare(&store);
        if shift {
            store
                .start_shift("test", Money::new(0, Currency::CNY), None)
                .expect("open a shift");
        }
        let app = App::new(options(&dir, &store, mode));
        let mut term = Term { app, store, dir };
        // As `App::boot` does: the status bar's first figures.
        term.run(vec![(Target::App, Effect::Refresh)]);
        term
    }

    fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The window closed and opened again on the same database (a restart, a pulled plug), as
    /// `smartstore` opens it: with the staff PIN guard it kept.
    fn restart(self) -> Term {
        let Term { app, store, dir } = self;
        let mode = app.mode;
        drop(app);
        let app = App::new(options(&dir, &store, mode));
        let mut term = Term { app, store, dir };
        term.run(vec![(Target::App, Effect::Refresh)]);
        term
    }

    /// Sends a message and runs every effect it leads to, feeding each outcome back.
    fn send(&mut self, message: Message) {
        let effects = self.app.update_effects(message);
        self.run(effects);
    }

    /// Sends a message; returns its effects without running them.
    fn send_held(&mut self, message: Message) -> Vec<(Target, Effect)> {
        self.app.update_effects(message)
    }

    fn run(&mut self, effects: Vec<(Target, Effect)>) {
        for (target, effect) in effects {
            let dir = self.dir.path().to_owned();
            let outcome = execute(&mut self.store, &dir, effect);
            self.send(Message::Outcome(target, outcome));
        }
    }

    /// Interacts with the window as drawn now; returns the messages the widgets produced.
    fn interact(&self, act: impl FnOnce(&mut Simulator<'_, Message>)) -> Vec<Message> {
        let mut ui = Simulator::with_size(
            Settings::default(),
            iced::Size::new(1280.0, 800.0),
            self.app.view(),
        );
        act(&mut ui);
        ui.into_messages().collect()
    }

    /// Clicks the widget showing exactly `label` and handles what it sent.
    fn click(&mut self, label: &str) {
        let messages = self.interact(|ui| {
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
        });
        assert!(!messages.is_empty(), "clicking {label:?} did nothing");
        for m in messages {
            self.send(m);
        }
    }

    /// Clicks the widget showing `label`; returns the effects asked for, without running them.
    fn click_held(&mut self, label: &str) -> Vec<(Target, Effect)> {
        let messages = self.interact(|ui| {
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e}"));
        });
        assert!(!messages.is_empty(), "clicking {label:?} did nothing");
        messages
            .into_iter()
            .flat_map(|m| self.send_held(m))
            .collect()
    }

    /// Clicks `dx` right of the left edge of the text `label` and `dy` below its bottom: for
    /// widgets whose own label the selectors cannot see (iced's radio draws its label itself).
    fn click_near(&mut self, label: &str, dx: f32, dy: f32) {
        let messages = self.interact(|ui| {
            let at = ui
                .find(label)
                .unwrap_or_else(|e| panic!("cannot find {label:?}: {e}"))
                .bounds();
            ui.point_at(iced::Point::new(at.x + dx, at.y + at.height + dy));
            ui.simulate(iced_test::simulator::click());
        });
        assert!(!messages.is_empty(), "clicking near {label:?} did nothing");
        for m in messages {
            self.send(m);
        }
    }

    /// Whether the window shows exactly this text (a label, a line, or a text input's value).
    fn sees(&self, text: &str) -> bool {
        let text = text.to_owned();
        let mut found = false;
        self.interact(|ui| found = ui.find(text).is_ok());
        found
    }

    #[track_caller]
    fn assert_sees(&self, text: &str) {
        assert!(self.sees(text), "the window does not show {text:?}");
    }

    /// Whether the customer display shows exactly this text.
    fn customer_sees(&self, text: &str) -> bool {
        let text = text.to_owned();
        let mut ui = Simulator::with_size(
            Settings::default(),
            iced::Size::new(1024.0, 600.0),
            self.app.customer_view(),
        );
        ui.find(text).is_ok()
    }

    #[track_caller]
    fn assert_not_sees(&self, text: &str) {
        assert!(!self.sees(text), "the window shows {text:?}");
    }

    /// A barcode read by the camera.
    fn camera_scan(&mut self, text: &str, symbology: Symbology) {
        self.send(Message::Camera(CameraEvent::Scan {
            text: text.to_owned(),
            symbology,
        }));
    }

    fn item(&self, gtin: &str) -> CatalogItem {
        self.store
            .item(Gtin::parse(gtin).expect("gtin"))
            .expect("read the catalog")
            .expect("in the demo catalog")
    }
}

/// The first text input that is not the scan box (the counter's address or card reference).
fn other_input(c: Candidate<'_>) -> Option<Found> {
    let scan = iced::widget::Id::new(counter::SCAN_INPUT);
    (matches!(c, Candidate::TextInput { .. }) && c.id() != Some(&scan)).then(|| Found::from(c))
}

fn added(item: &CatalogItem, qty: u32) -> String {
    tr(
        EN,
        "added",
        &[("name", item.name.clone()), ("qty", qty.to_string())],
    )
}

fn items(count: u32) -> String {
    tr(EN, "cart-items", &[("count", count.to_string())])
}

#[test]
fn a_scan_adds_a_cart_line() {
    let mut term = Term::new(Mode::Counter);
    let tea = term.item(TEA);
    term.assert_sees(&t(EN, "cart-empty"));
    term.assert_not_sees(&tea.name);

    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&tea.name);
    term.assert_sees(&added(&tea, 1));
    term.assert_sees(&items(1));
    term.assert_not_sees(&t(EN, "cart-empty"));
    term.assert_sees(&tea.price.to_string());

    // The same product again: the line's quantity, not a second line.
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&added(&tea, 2));
    term.assert_sees(&items(2));
    term.assert_sees(&tea.price.checked_mul(2).expect("money").to_string());
    assert_eq!(term.app.counter.session.cart().lines().len(), 1);

    // A keyboard-wedge scanner (or the clerk) types into the scan box and presses Enter.
    let oolong = term.item(OOLONG);
    let messages = term.interact(|ui| {
        ui.click(iced::widget::Id::new(counter::SCAN_INPUT))
            .expect("the scan box");
        ui.typewrite(OOLONG);
        ui.tap_key(Named::Enter);
    });
    for m in messages {
        term.send(m);
    }
    term.assert_sees(&oolong.name);
    term.assert_sees(&added(&oolong, 1));
    term.assert_sees(&items(3));
    assert_eq!(term.app.counter.session.cart().lines().len(), 2);
    // The box is empty again for the next scan.
    assert_eq!(term.app.counter.input, "");
}

#[test]
fn a_deliver_order_goes_from_scan_to_committed_order() {
    let mut term = Term::new(Mode::Counter);
    let tea = term.item(TEA);
    term.camera_scan(TEA, Symbology::Ean13);
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&items(2));

    // A plain sale carried out is the counter's default: choose delivery, then type the
    // address into its box.
    assert_eq!(term.app.counter.session.fulfil, FulfilKind::Now);
    term.send(Message::Counter(counter::Message::Fulfil(
        FulfilKind::Deliver,
    )));
    assert_eq!(term.app.counter.session.fulfil, FulfilKind::Deliver);
    let address = "88 Nanjing Road, Shanghai";
    let messages = term.interact(|ui| {
        ui.click(other_input).expect("the address box");
        ui.typewrite(address);
    });
    for m in messages {
        term.send(m);
    }
    term.assert_sees(address);
    // Cash is the first radio of the row under the "Payment" heading.
    assert_eq!(term.app.counter.session.pay, PayKind::Cash);
    term.click_near(&t(EN, "pay-title"), 8.0, PAY_ROW_DY);
    assert_eq!(term.app.counter.session.pay, PayKind::Cash);

    // Placing: the effect is asked for, but nothing is confirmed before the commit.
    let held = term.click_held(&t(EN, "checkout"));
    assert!(
        matches!(held.as_slice(), [(Target::Counter, Effect::Place(_))]),
        "{held:?}"
    );
    term.assert_sees(&t(EN, "placing"));
    term.assert_not_sees(&t(EN, "placed-title"));
    assert!(term.store.orders(false, 10).expect("orders").is_empty());
    // A second press while the order is being placed asks for nothing.
    assert!(
        term.send_held(Message::Counter(counter::Message::Checkout))
            .is_empty()
    );

    term.run(held);
    let orders = term.store.orders(false, 10).expect("orders");
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order = &orders[0];
    let total = tea.price.checked_mul(2).expect("money");
    assert_eq!(order.fulfil, "deliver");
    assert_eq!(order.total, total.minor);
    assert!(!order.synced);

    term.assert_sees(&t(EN, "placed-title"));
    term.assert_sees(&tr(
        EN,
        "placed-receipt",
        &[("receipt", order.receipt.clone())],
    ));
    term.assert_sees(&tr(EN, "placed-total", &[("total", total.to_string())]));
    term.assert_sees(&t(EN, "placed-ereceipt"));
    // The status bar counts the order (and the shift's opening) as waiting for the platform.
    term.assert_sees(&tr(EN, "status-unsynced", &[("count", "2".into())]));

    // What was committed: the address typed and cash.
    let events = term.store.outbox_after(0, 10).expect("outbox");
    let placed = events
        .iter()
        .find(|e| e.kind == "order.placed")
        .expect("an order.placed event");
    assert_eq!(placed.order_id.as_deref(), Some(order.id.as_str()));
    let doc: serde_json::Value = serde_json::from_str(&placed.payload).expect("json");
    assert_eq!(doc["fulfilment"]["kind"], "deliver");
    assert_eq!(doc["fulfilment"]["address"], address);
    assert_eq!(doc["payment"]["method"], "cash");
    assert_eq!(doc["receipt"], order.receipt.as_str());

    // "New order" empties the counter for the next shopper.
    term.click(&t(EN, "new-order"));
    term.assert_sees(&t(EN, "cart-empty"));
    term.assert_not_sees(&t(EN, "placed-title"));
}

/// A platform key the terminal trusts, and the terminal's store.
fn trusted_issuer(store: &Store, store_id: &str) -> Issuer {
    let (pkcs8, _) = generate_key_pair().expect("key pair");
    let issuer = Issuer::from_pkcs8(&pkcs8, "platform").expect("issuer");
    let keys = JwkSet {
        keys: vec![issuer.public_jwk()],
    };
    store
        .set_meta(
            "platform_keys",
            &serde_json::to_string(&keys).expect("json"),
        )
        .expect("pin the platform keys");
    store.set_meta("store_id", store_id).expect("store id");
    issuer
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[test]
fn a_pickup_is_handed_over() {
    let mut issuer = None;
    // A hand-over is not a sale: no shift is needed.
    let mut term = Term::build(
        Mode::Counter,
        |store| {
            issuer = Some(trusted_issuer(store, "SH001"));
        },
        false,
    );
    let issuer = issuer.expect("issuer");
    let pickup = Pickup {
        order_id: "WEB-20260501-0042".into(),
        store: "SH001".into(),
        lines: vec![
            (Gtin::parse(TEA).expect("gtin"), 2),
            (Gtin::parse(OOLONG).expect("gtin"), 1),
        ],
    };
    let code = issuer
        .issue(
            &ShopperCode::Pickup(pickup.clone()),
            &Stamp::fresh(now(), 3600).expect("stamp"),
        )
        .expect("issue");
    assert!(code.starts_with("PU1:"), "{code}");

    term.camera_scan(&code, Symbology::Qr);
    let title = tr(EN, "pickup-title", &[("order", pickup.order_id.clone())]);
    term.assert_sees(&title);
    term.assert_sees(&t(EN, "pickup-from-code"));
    for (gtin, qty) in &pickup.lines {
        let name = term
            .store
            .item(*gtin)
            .expect("lookup")
            .expect("in the demo catalog")
            .name;
        term.assert_sees(&format!("{qty} × {}  {name}", gtin.display_form()));
    }
    // A pickup is not a sale: the cart stays empty.
    assert!(term.app.counter.session.cart().is_empty());
    assert!(term.store.outbox_after(0, 10).expect("outbox").is_empty());

    term.click(&t(EN, "pickup-confirm"));
    term.assert_sees(&tr(
        EN,
        "pickup-done",
        &[("order", pickup.order_id.clone())],
    ));
    term.assert_not_sees(&t(EN, "pickup-confirm"));
    let events = term.store.outbox_after(0, 10).expect("outbox");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].kind, "pickup.collected");
    let doc: serde_json::Value = serde_json::from_str(&events[0].payload).expect("json");
    // The platform's order id is in the event (the outbox column points at local orders only).
    assert_eq!(doc["order_id"], pickup.order_id.as_str());
    assert_eq!(doc["store"], "SH001");
    let tea_gtin = Gtin::parse(TEA).expect("gtin").as_str();
    assert_eq!(doc["lines"][0]["gtin"], tea_gtin.as_str());
    assert_eq!(doc["lines"][0]["quantity"], 2);
    term.assert_sees(&tr(EN, "status-unsynced", &[("count", "1".into())]));

    // The same code again is refused, with the reason on screen.
    term.camera_scan(&code, Symbology::Qr);
    term.assert_not_sees(&t(EN, "pickup-confirm"));
    let notice = &term.app.counter.session.notice.clone().expect("a notice");
    assert!(!notice.ok);
    assert!(notice.text.contains("already collected"), "{notice:?}");
    term.assert_sees(&notice.text);
    assert_eq!(term.store.outbox_after(0, 10).expect("outbox").len(), 1);
}

/// A member code signed by `issuer`, with or without Magic Mirror consent.
fn member_code(issuer: &Issuer, id: &str, consent: bool) -> String {
    issuer
        .issue(
            &ShopperCode::Member(smartstore_protocol::codes::Member {
                member_id: id.into(),
                name: "Li Wei".into(),
                addresses: vec![],
                consent,
            }),
            &Stamp::fresh(now(), 3600).expect("stamp"),
        )
        .expect("issue")
}

#[test]
fn magic_mirror_shows_in_stock_recommendations_only_for_a_consenting_member() {
    use smartstore_domain::recommend::Candidate;
    use smartstore_protocol::wire::MemberRecommendations;
    const WATER: &str = "6951011100095";
    for mode in [Mode::Counter, Mode::Kiosk] {
        let mut issuer = None;
        let mut term = Term::with(mode, |store| {
            issuer = Some(trusted_issuer(store, "SH001"));
        });
        let issuer = issuer.expect("issuer");
        let g14 = |g: &str| Gtin::parse(g).expect("gtin").as_str();
        let list = |gtins: &[String]| {
            gtins
                .iter()
                .enumerate()
                .map(|(i, g)| Candidate {
                    gtin: g.clone(),
                    score: 10.0 - i as f64,
                })
                .collect::<Vec<_>>()
        };
        // Oolong first, then a product this store does not carry, tea, water.
        let pulled = [
            MemberRecommendations {
                member_id: "ANN".into(),
                consent: true,
                candidates: list(&[g14(OOLONG), "09999999999994".into(), g14(TEA), g14(WATER)]),
            },
            MemberRecommendations {
                member_id: "BO".into(),
                consent: true,
                candidates: list(&[g14(TEA)]),
            },
        ];
        term.store
            .save_recommendations(&pulled, 7)
            .expect("pull saved");
        if mode == Mode::Kiosk {
            term.click(Lang::En.native_name());
        }
        let title = tr(EN, "mirror-title-member", &[("name", "Li Wei".into())]);
        let names: Vec<String> = [OOLONG, TEA, WATER]
            .iter()
            .map(|g| term.item(g).name)
            .collect();

        term.camera_scan(&member_code(&issuer, "ANN", true), Symbology::Qr);
        term.assert_sees(&title);
        for name in &names {
            term.assert_sees(name);
        }
        term.assert_sees(&term.item(OOLONG).price.to_string());
        // The demo catalog says where each product is.
        let shelf = term.item(OOLONG).shelf.expect("a shelf");
        term.assert_sees(&tr(EN, "mirror-shelf", &[("shelf", shelf)]));
        let session = match mode {
            Mode::Kiosk => &term.app.kiosk.session,
            _ => &term.app.counter.session,
        };
        let shown: Vec<String> = session
            .mirror
            .iter()
            .map(|r| r.item.gtin.as_str())
            .collect();
        assert_eq!(shown, [g14(OOLONG), g14(TEA), g14(WATER)]);

        // Bo's code carries no consent: the terminal holds a list for him, and shows none.
        term.camera_scan(&member_code(&issuer, "BO", false), Symbology::Qr);
        term.assert_not_sees(&title);
        for name in &names {
            term.assert_not_sees(name);
        }
    }
}

fn coupon(id: &str, stores: &[&str], min_spend: Option<Money>) -> Coupon {
    Coupon {
        id: id.into(),
        value: CouponValue::AmountOff(Money::new(500, Currency::CNY)),
        min_spend,
        single_use: false,
        stores: stores.iter().map(|s| (*s).to_owned()).collect(),
        not_before: now() - 60,
        expires: now() + 3600,
    }
}

#[test]
fn a_refused_coupon_shows_its_reason() {
    let mut issuer = None;
    let mut term = Term::with(Mode::Counter, |store| {
        issuer = Some(trusted_issuer(store, "SH001"));
    });
    let issuer = issuer.expect("issuer");
    let stamp = Stamp::fresh(now(), 3600).expect("stamp");
    let tea = term.item(TEA);
    term.camera_scan(TEA, Symbology::Ean13);

    // Below its minimum spend: ¥50 needed, the cart holds one tea.
    let min = Money::new(5000, Currency::CNY);
    let big = issuer
        .issue_coupon(&coupon("SPRING50", &[], Some(min)), &stamp)
        .expect("issue");
    term.camera_scan(&big, Symbology::Qr);
    let reason = CouponRefusal::BelowMinimum {
        min,
        subtotal: tea.price,
    }
    .render(EN);
    term.assert_sees(&tr(EN, "refused", &[("reason", reason)]));
    assert!(term.app.counter.session.cart().coupon().is_none());
    term.assert_not_sees(&tr(
        EN,
        "coupon-line",
        &[("what", "¥5.00 off over ¥50.00".into())],
    ));

    // For another store: refused when verified, before it reaches the cart.
    let other = issuer
        .issue_coupon(&coupon("PUDONG5", &["SH002"], None), &stamp)
        .expect("issue");
    term.camera_scan(&other, Symbology::Qr);
    let notice = term.app.counter.session.notice.clone().expect("a notice");
    assert!(!notice.ok);
    assert!(
        notice.text.contains("SH002") && notice.text.contains("SH001"),
        "{notice:?}"
    );
    assert!(notice.text.starts_with("Not added: "), "{notice:?}");
    term.assert_sees(&notice.text);
    assert!(term.app.counter.session.cart().coupon().is_none());

    // A good coupon for this store is applied, so the refusals were the coupons' own.
    let good = issuer
        .issue_coupon(&coupon("HELLO5", &["SH001"], None), &stamp)
        .expect("issue");
    term.camera_scan(TEA, Symbology::Ean13);
    term.camera_scan(&good, Symbology::Qr);
    // Shown as what it gives, never as its id.
    term.assert_sees(&tr(EN, "coupon-line", &[("what", "¥5.00 off".into())]));
    assert!(!term.sees("HELLO5"));
    let good_coupon = coupon("HELLO5", &["SH001"], None);
    assert_eq!(
        smartstore::ui::widgets::coupon_words(&good_coupon, Lang::Zh),
        "立减¥5.00"
    );
    let ten = Coupon {
        value: CouponValue::PercentOff(15),
        min_spend: Some(Money::new(2000, Currency::CNY)),
        ..good_coupon
    };
    assert_eq!(
        smartstore::ui::widgets::coupon_words(&ten, Lang::Zh),
        "满¥20.00打8.5折"
    );
    assert_eq!(
        smartstore::ui::widgets::coupon_words(&ten, EN),
        "15% off over ¥20.00"
    );
    term.assert_sees(&tr(
        EN,
        "coupon-applied",
        &[("discount", Money::new(500, Currency::CNY).to_string())],
    ));
}

#[test]
fn the_kiosk_warns_when_idle_then_resets() {
    let mut term = Term::new(Mode::Kiosk);
    let tea = term.item(TEA);
    let rearm = smartstore_scan::Rearm::default();
    term.send(Message::Camera(CameraEvent::Started {
        description: "replay".into(),
        demo: false,
        rearm: rearm.clone(),
    }));
    term.assert_sees(&t(EN, "kiosk-welcome"));
    term.send(Message::TickAt(1_000));
    term.click(Lang::En.native_name());
    term.assert_sees(&t(EN, "kiosk-scan-hint"));
    term.camera_scan(TEA, Symbology::Ean13);
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&tea.name);
    term.assert_sees(&items(2));

    // The last touch was at 1 s; the warning comes 60 s later and counts down to the reset at 75 s.
    let idle = smartstore_domain::kiosk::IdlePolicy::default();
    term.send(Message::TickAt(1_000 + idle.warn_after_ms - 1));
    term.assert_not_sees(&tr(EN, "kiosk-idle", &[("seconds", "16".into())]));
    term.assert_not_sees(&t(EN, "kiosk-continue"));
    term.send(Message::TickAt(1_000 + idle.warn_after_ms));
    term.assert_sees(&tr(EN, "kiosk-idle", &[("seconds", "15".into())]));
    term.send(Message::TickAt(1_000 + idle.warn_after_ms + 5_000));
    term.assert_sees(&tr(EN, "kiosk-idle", &[("seconds", "10".into())]));

    // "Continue" keeps the shopper's cart and starts the wait again.
    term.click(&t(EN, "kiosk-continue"));
    let touched = 1_000 + idle.warn_after_ms + 5_000;
    term.assert_not_sees(&t(EN, "kiosk-continue"));
    term.assert_sees(&items(2));

    term.send(Message::TickAt(touched + idle.warn_after_ms + 1_000));
    term.assert_sees(&tr(EN, "kiosk-idle", &[("seconds", "14".into())]));
    term.assert_sees(&items(2));
    assert!(!rearm.pending());
    term.send(Message::TickAt(touched + idle.reset_after_ms));
    // Reset: the attract screen, no warning, and the next shopper finds an empty cart; the
    // camera forgets what it saw, so a code held up now starts the next sale.
    assert!(
        rearm.pending(),
        "the camera was not rearmed on the attract screen"
    );
    term.assert_sees(&t(EN, "kiosk-welcome"));
    term.assert_sees(&t(EN, "kiosk-touch"));
    term.assert_not_sees(&t(EN, "kiosk-continue"));
    assert_eq!(term.app.kiosk.stage, kiosk::Stage::Attract);
    assert!(term.app.kiosk.session.cart().is_empty());
    // A touch anywhere on the attract screen starts, not only the language buttons.
    term.click(&t(EN, "kiosk-welcome"));
    assert_eq!(term.app.kiosk.stage, kiosk::Stage::Shopping);
    term.assert_sees(&t(EN, "cart-empty"));
    term.assert_not_sees(&tea.name);
    // Nothing was ordered.
    assert!(term.store.orders(false, 10).expect("orders").is_empty());
}

impl Term {
    /// Types a PIN on the kiosk's pad and presses OK.
    fn enter_pin(&mut self, pin: &str) {
        for d in pin.chars() {
            self.click(&d.to_string());
        }
        self.assert_sees(&"•".repeat(pin.len()));
        self.click("OK");
    }
}

#[test]
fn three_wrong_pins_lock_the_staff_exit() {
    let mut term = Term::new(Mode::Kiosk);
    term.send(Message::TickAt(10_000));
    term.click(&t(EN, "kiosk-exit"));
    term.assert_sees(&t(EN, "pin-title"));

    term.enter_pin("1357");
    term.assert_sees(&tr(EN, "pin-wrong", &[("left", "2".into())]));
    term.enter_pin("0000");
    term.assert_sees(&tr(EN, "pin-wrong", &[("left", "1".into())]));
    term.enter_pin("9999");
    let lockout = smartstore_domain::kiosk::PIN_LOCKOUT_MS;
    term.assert_sees(&tr(
        EN,
        "pin-locked",
        &[("seconds", (lockout / 1000).to_string())],
    ));

    // Locked: even the right PIN is refused, and the kiosk stays a kiosk.
    term.send(Message::TickAt(10_000 + lockout / 2));
    term.enter_pin(PIN);
    term.assert_sees(&tr(
        EN,
        "pin-locked",
        &[("seconds", (lockout / 2000).to_string())],
    ));
    assert_eq!(term.app.mode, Mode::Kiosk);
    term.send(Message::TickAt(10_000 + lockout - 1));
    term.enter_pin(PIN);
    term.assert_sees(&tr(EN, "pin-locked", &[("seconds", "1".into())]));
    assert_eq!(term.app.mode, Mode::Kiosk);

    // Once the time has passed, the right PIN leaves kiosk mode.
    term.send(Message::TickAt(10_000 + lockout));
    term.enter_pin(PIN);
    assert_eq!(term.app.mode, Mode::Setup);
    term.assert_sees(&t(EN, "setup-title"));
    term.assert_not_sees(&t(EN, "pin-title"));
}

#[test]
fn a_staff_pin_lockout_survives_a_restart() {
    let mut term = Term::new(Mode::Kiosk);
    term.send(Message::TickAt(10_000));
    term.click(&t(EN, "kiosk-exit"));
    for wrong in ["1357", "0000", "9999"] {
        term.enter_pin(wrong);
    }
    let kept = term.store.kept_pin_guard().expect("kept");
    let lockout = smartstore_domain::kiosk::PIN_LOCKOUT_MS;
    assert!(kept.locked_for_ms > lockout / 2, "{kept:?}");

    // The plug is pulled and the kiosk starts again: still locked, even for the right PIN.
    let mut term = term.restart();
    term.send(Message::TickAt(1_000));
    term.click(&t(EN, "kiosk-exit"));
    term.enter_pin(PIN);
    assert_eq!(term.app.mode, Mode::Kiosk);
    // After the lock's time the right PIN opens it, and the kept guard is cleared.
    term.send(Message::TickAt(1_000 + lockout));
    term.enter_pin(PIN);
    assert_eq!(term.app.mode, Mode::Setup);
    assert_eq!(
        term.store.kept_pin_guard().expect("kept"),
        smartstore_domain::kiosk::PinGuardState::default()
    );
}

#[test]
fn the_setup_wizard_with_the_demo_store_ends_on_the_counter() {
    let mut term = Term::new(Mode::Setup);
    term.assert_sees(&t(EN, "setup-title"));
    term.assert_sees(&t(EN, "setup-language"));
    term.click(Lang::En.native_name());

    term.assert_sees(&t(EN, "setup-enrol"));
    term.click(&t(EN, "setup-demo"));
    assert!(term.app.setup.demo);

    // The camera test shows what the camera read.
    term.assert_sees(&t(EN, "setup-camera"));
    term.assert_sees(&tr(EN, "setup-last-read", &[("text", "—".into())]));
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&tr(EN, "setup-last-read", &[("text", TEA.into())]));
    // The camera can be chosen: the demo frames are always offered; the choice is saved.
    term.click(&t(EN, "camera-demo-frames"));
    let camera = term.app.setup.camera.clone().expect("a camera was chosen");
    assert!(camera.starts_with("replay:"), "{camera}");
    let config = smartstore::config::Config::load(term.data_dir()).expect("config");
    assert_eq!(config.camera.as_deref(), Some(camera.as_str()));
    // A scan in setup is a test: nothing goes into a cart.
    assert!(term.app.counter.session.cart().is_empty());
    term.click(&t(EN, "next"));

    term.assert_sees(&t(EN, "setup-connection"));

    // Diagnostics: arriving runs the checks; they are listed once they have run.
    let held = term.click_held(&t(EN, "next"));
    assert!(
        matches!(held.as_slice(), [(Target::Setup, Effect::Doctor)]),
        "{held:?}"
    );
    term.assert_sees(&t(EN, "setup-diagnostics"));
    assert!(term.app.setup.checks.is_empty());
    term.assert_not_sees(&format!(
        "[{}] {}",
        tr(EN, "doctor-status", &[("status", "warn".into())]),
        tr(EN, "doctor-check", &[("check", "enrolment".into())])
    ));
    term.run(held);
    assert!(!term.app.setup.checks.is_empty());
    // "Run checks" runs them again.
    let held = term.click_held(&t(EN, "setup-run-doctor"));
    assert!(
        matches!(held.as_slice(), [(Target::Setup, Effect::Doctor)]),
        "{held:?}"
    );
    term.run(held);
    let checks = term.app.setup.checks.clone();
    assert!(checks.len() >= 4, "{checks:?}");
    for c in &checks {
        let args = [("check", c.check.clone()), ("status", c.status.clone())];
        term.assert_sees(&format!(
            "[{}] {}",
            tr(EN, "doctor-status", &args),
            tr(EN, "doctor-check", &args)
        ));
        if c.status == "skipped" {
            term.assert_sees(&t(EN, "doctor-skipped"));
        } else {
            term.assert_sees(&tr(EN, "doctor-summary", &args));
        }
        // The technician's details (paths, commands) are the command line's, not the screen's.
        term.assert_not_sees(&c.detail);
    }
    // The demo store is not enrolled, and says so with what to do.
    let enrolment = checks
        .iter()
        .find(|c| c.check == "enrolment")
        .expect("an enrolment check");
    assert_eq!(enrolment.status, "warn");
    assert!(enrolment.detail.contains("demo store"), "{enrolment:?}");
    let database = checks
        .iter()
        .find(|c| c.check == "database")
        .expect("a database check");
    assert_eq!(database.status, "pass", "{database:?}");
    term.assert_sees(&t(EN, "setup-finish"));

    term.click(&t(EN, "setup-finish"));
    assert_eq!(term.app.mode, Mode::Counter);
    term.assert_sees(&t(EN, "cart-title"));
    term.assert_sees(&t(EN, "cart-empty"));
    term.assert_sees(&t(EN, "status-demo"));
    // The counter sells straight away.
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees(&items(1));
    assert!(term.data_dir().join("smartstore.db").exists());
}

#[test]
fn a_usb_scanner_adds_to_the_cart_whatever_has_the_focus() {
    use smartstore_scan::wedge::Key;
    let mut term = Term::new(Mode::Counter);
    let tea = term.item("6921000000019");
    let type_fast = |term: &mut Term, text: &str, captured: bool| {
        // A scanner types every key within a few milliseconds, then Enter.
        for c in text.chars() {
            term.send(Message::Key {
                key: Key::Char(c),
                captured,
            });
        }
        term.send(Message::Key {
            key: Key::Enter,
            captured,
        });
    };
    // Nothing focused: the keys reach no widget, the wedge detector makes them a scan.
    type_fast(&mut term, "6921000000019", false);
    term.assert_sees(&added(&tea, 1));
    // The address field had the focus and took the digits too: they come back out of it.
    term.app.counter.session.address = "88 Century Ave6921000000019".into();
    type_fast(&mut term, "6921000000019", true);
    term.assert_sees(&added(&tea, 2));
    assert_eq!(term.app.counter.session.address, "88 Century Ave");
    // The scan box had the focus and submitted the code itself: counted once.
    term.app.counter.input = "6921000000019".into();
    term.send(Message::Counter(smartstore::ui::counter::Message::Submit));
    type_fast(&mut term, "6921000000019", true);
    term.assert_sees(&added(&tea, 3));
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 3);
    // The card reference field: the scanner's digits never stay there (nor reach the
    // platform as a card reference).
    term.app.counter.session.card_ref = "AUTH-77".into();
    term.app.counter.session.card_ref.push_str("6921000000019");
    type_fast(&mut term, "6921000000019", true);
    assert_eq!(term.app.counter.session.card_ref, "AUTH-77");
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 4);
}

#[test]
fn a_quantity_typed_before_the_code_and_quick_keys_add_products() {
    use smartstore::ui::counter::quantity_prefix;
    assert_eq!(
        quantity_prefix("3*6921000000019"),
        Some((3, "6921000000019"))
    );
    assert_eq!(
        quantity_prefix(" 12 x 6921000000019 "),
        Some((12, "6921000000019"))
    );
    assert_eq!(quantity_prefix("2×69000171"), Some((2, "69000171")));
    assert_eq!(quantity_prefix("0*6921000000019"), None);
    assert_eq!(quantity_prefix("1000*6921000000019"), None);
    assert_eq!(
        quantity_prefix("3*PU1:ABC"),
        None,
        "a shopper code is never split"
    );
    assert_eq!(quantity_prefix("6921000000019"), None);
    let mut term = Term::new(Mode::Counter);
    let tea = term.item(TEA);
    term.app.counter.input = format!("3*{TEA}");
    term.send(Message::Counter(counter::Message::Submit));
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 3);
    term.assert_sees(&added(&tea, 3));
    // The next scan adds one again.
    term.camera_scan(TEA, Symbology::Ean13);
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 4);

    // Quick keys from config.toml, labelled in the window's language.
    let mut term = Term::new(Mode::Counter);
    term.app.counter = counter::Counter::new(Currency::CNY, "DEMO").with_quick_keys(vec![
        smartstore::config::QuickKey {
            gtin: TEA.into(),
            label: "Green tea".into(),
            label_zh: Some("绿茶".into()),
        },
    ]);
    term.click("Green tea");
    assert_eq!(
        term.app.counter.session.cart().lines()[0]
            .gtin
            .as_str()
            .trim_start_matches('0'),
        TEA.trim_start_matches('0')
    );
}

/// Issue 18: a scale's label at the counter is a line of its own with its weight and the price
/// per kilogram (two packages, two lines), a GS1 DataBar Expanded label too, and a label past
/// its expiry date is refused on screen in both languages.
#[test]
fn weighed_goods_show_their_weight_and_price_per_kg_and_expired_ones_are_refused() {
    use smartstore_domain::gs1::Date;
    use smartstore_domain::weighed::LabelRefusal;
    let mut term = Term::new(Mode::Counter);
    let pork = term.item("2200101000000");
    // 532 g of pork belly at ¥29.80/kg.
    term.camera_scan("2200101005326", Symbology::Ean13);
    term.assert_sees(&pork.name);
    term.assert_sees("0.532 kg × ¥29.80/kg");
    term.assert_sees("¥15.85");
    assert!(
        term.customer_sees("0.532 kg × ¥29.80/kg"),
        "the customer display shows the weight"
    );
    term.assert_sees(&tr(
        EN,
        "added-package",
        &[("name", pork.name.clone()), ("price", "¥15.85".into())],
    ));
    // The same label again: a second package, not a quantity of 2.
    term.camera_scan("2200101005326", Symbology::Ean13);
    assert_eq!(term.app.counter.session.cart().lines().len(), 2);
    term.assert_sees(&items(2));
    term.assert_sees("¥31.70");
    // A package has no quantity to count up (F-key or the keyboard's + on the last line).
    term.send(Message::Shortcut(counter::Shortcut::MoreOfLast));
    assert_eq!(term.app.counter.session.cart().lines()[1].quantity, 1);
    term.assert_sees(&smartstore_domain::cart::CartError::Package(pork.gtin).render(EN));

    // GS1 DataBar Expanded as the reader returns it: 01 + 3103 + 17.
    let salmon = term.item("96921000100019");
    term.camera_scan(
        "(01)96921000100019(3103)000532(17)991231",
        Symbology::DataBarExpanded,
    );
    term.assert_sees(&salmon.name);
    term.assert_sees("0.532 kg × ¥168.00/kg");
    term.assert_sees("¥89.38");
    assert_eq!(term.app.counter.session.cart().lines().len(), 3);

    // Past its expiry date: refused, with the reason, in English and in Chinese.
    let refusal = LabelRefusal::Expired {
        gtin: salmon.gtin,
        expiry: Date::new(2020, 1, 1).expect("date"),
    };
    term.camera_scan(
        "(01)96921000100019(3103)000400(17)200101",
        Symbology::DataBarExpanded,
    );
    term.assert_sees(&tr(EN, "refused", &[("reason", refusal.render(EN))]));
    term.app.lang = Lang::Zh;
    term.camera_scan(
        "(01)96921000100019(3103)000400(17)200101",
        Symbology::DataBarExpanded,
    );
    let zh = tr(Lang::Zh, "refused", &[("reason", refusal.render(Lang::Zh))]);
    assert!(zh.contains("已于 2020-01-01 过期"), "{zh}");
    term.assert_sees(&zh);
    assert_eq!(term.app.counter.session.cart().lines().len(), 3);
    // The lines in Chinese: the weight and the price per kilogram in its words.
    term.assert_sees("0.532 千克 × ¥29.80/千克");
    term.assert_not_sees("0.532 kg × ¥29.80/kg");

    // Removing one package leaves the other.
    term.app.lang = EN;
    term.send(Message::Counter(counter::Message::Cart(
        smartstore::ui::widgets::CartAction::Remove(0),
    )));
    let lines = term.app.counter.session.cart().lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0].gtin, lines[0].package.and_then(|p| p.weight_g)),
        (pork.gtin, Some(532))
    );
}

#[test]
fn the_counter_works_from_the_keyboard_alone() {
    use smartstore::ui::counter::Shortcut;
    use smartstore_scan::wedge::Key;
    let mut term = Term::new(Mode::Counter);
    term.assert_sees(&t(EN, "counter-keys"));
    for c in "6921000000019".chars() {
        term.send(Message::Key {
            key: Key::Char(c),
            captured: false,
        });
    }
    term.send(Message::Key {
        key: Key::Enter,
        captured: false,
    });
    term.send(Message::Shortcut(Shortcut::MoreOfLast));
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 2);
    // Carried out → delivered → collected.
    term.send(Message::Shortcut(Shortcut::ToggleFulfil));
    term.send(Message::Shortcut(Shortcut::ToggleFulfil));
    term.send(Message::Shortcut(Shortcut::Cash));
    term.send(Message::Shortcut(Shortcut::PlaceOrder));
    let orders = term.store.orders(false, 10).expect("orders");
    assert_eq!(orders.len(), 1, "F12 placed the order");
    assert_eq!(
        (orders[0].fulfil.as_str(), orders[0].total),
        ("collect", 700)
    );
    term.assert_sees(&tr(
        EN,
        "placed-receipt",
        &[("receipt", orders[0].receipt.clone())],
    ));
    term.send(Message::Shortcut(Shortcut::Escape));
    assert!(
        term.app.counter.session.placed.is_none() && term.app.counter.session.cart().is_empty()
    );
}

/// Staff of the demo store: supervisor S1 (the test PIN) and clerk C1 (1357).
fn with_staff(term: &mut Term) {
    use smartstore_protocol::wire::StaffMember;
    let member = |id: &str, role: &str, hash: String| StaffMember {
        staff_id: id.into(),
        role: role.into(),
        name: None,
        pin_hash: hash,
        active: true,
    };
    term.store
        .save_staff(
            &[
                member("S1", "supervisor", PIN_HASH.clone()),
                member(
                    "C1",
                    "clerk",
                    smartstore_protocol::staff_pin::hash_pin("1357"),
                ),
            ],
            1,
        )
        .expect("staff");
}

fn approve(term: &mut Term, staff: &str, pin: &str) {
    term.send(Message::Counter(counter::Message::StaffId(staff.into())));
    term.send(Message::Counter(counter::Message::StaffPin(pin.into())));
    term.click(&t(EN, "approve"));
}

fn place_cash_sale(term: &mut Term) -> String {
    term.camera_scan(TEA, Symbology::Ean13);
    term.camera_scan(TEA, Symbology::Ean13);
    term.send(Message::Counter(counter::Message::Address("1 Road".into())));
    term.send(Message::Counter(counter::Message::Pay(PayKind::Cash)));
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "placed-title"));
    term.store.orders(false, 1).expect("orders")[0]
        .receipt
        .clone()
}

#[test]
fn the_counter_voids_sales_and_takes_returns_with_a_supervisors_pin() {
    let mut term = Term::new(Mode::Counter);
    with_staff(&mut term);

    // The sale in progress: voiding it asks a supervisor; a clerk is refused.
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "void-sale"));
    term.assert_sees(&t(EN, "approve-void-sale"));
    approve(&mut term, "C1", "1357");
    term.assert_sees(&tr(EN, "staff-not-supervisor", &[("id", "C1".into())]));
    assert_eq!(
        term.app.counter.session.cart().lines().len(),
        1,
        "nothing voided"
    );
    term.click(&t(EN, "void-sale"));
    approve(&mut term, "S1", "0000");
    term.assert_sees(&tr(EN, "staff-wrong-pin", &[("left", "2".into())]));
    term.click(&t(EN, "void-sale"));
    approve(&mut term, "S1", PIN);
    term.assert_sees(&t(EN, "sale-voided"));
    assert!(term.app.counter.session.cart().is_empty());
    let approvals = term.store.approvals().expect("approvals");
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert_eq!(
        (approvals[0].1.as_str(), approvals[0].2.as_str()),
        ("S1", "void_sale")
    );

    // A sale placed, then voided from its confirmation.
    let receipt = place_cash_sale(&mut term);
    term.click(&t(EN, "void-placed"));
    approve(&mut term, "S1", PIN);
    term.assert_sees(&t(EN, "cart-empty"));
    let outbox = term.store.outbox_after(0, 10).expect("outbox");
    let voided = outbox
        .iter()
        .find(|e| e.kind == "order.returned")
        .expect("a void event");
    let doc: serde_json::Value = serde_json::from_str(&voided.payload).expect("json");
    assert_eq!(doc["reason"], "void");
    assert_eq!(doc["receipt"], receipt.as_str());
    assert_eq!(doc["approved_by"], "S1");
    assert_eq!(doc["total"], 700);

    // Another sale, and one tea brought back at the returns desk.
    let receipt = place_cash_sale(&mut term);
    term.click(&t(EN, "new-order"));
    term.click(&t(EN, "returns-open"));
    term.assert_sees(&t(EN, "returns-title"));
    term.send(Message::Counter(counter::Message::ReturnReceipt(
        receipt.clone(),
    )));
    term.click(&t(EN, "returns-find"));
    term.assert_sees(&tr(
        EN,
        "returns-line",
        &[
            ("bought", "2".into()),
            ("left", "2".into()),
            ("price", Money::new(350, Currency::CNY).to_string()),
        ],
    ));
    term.click("+");
    term.click(&t(EN, "returns-damaged"));
    term.click(&t(EN, "returns-take"));
    approve(&mut term, "S1", PIN);
    let returned = term
        .store
        .outbox_after(0, 20)
        .expect("outbox")
        .into_iter()
        .rfind(|e| e.kind == "order.returned")
        .expect("the return's event");
    let doc: serde_json::Value = serde_json::from_str(&returned.payload).expect("json");
    assert_eq!(doc["reason"], "return");
    assert_eq!(doc["lines"][0]["quantity"], 1);
    assert_eq!(doc["lines"][0]["restock"], false, "marked damaged");
    let done = smartstore::i18n::Msg::new("return-done")
        .arg("receipt", &receipt)
        .arg("total", Money::new(350, Currency::CNY))
        .line(
            smartstore::i18n::Msg::new("refund-line-cash")
                .arg("amount", Money::new(350, Currency::CNY)),
        );
    assert_eq!(
        term.app
            .counter
            .session
            .notice
            .as_ref()
            .map(|n| n.text.clone()),
        Some(done.render(EN))
    );
    // The same receipt again: one tea may still come back.
    term.click(&t(EN, "returns-open"));
    term.send(Message::Counter(counter::Message::ReturnReceipt(receipt)));
    term.click(&t(EN, "returns-find"));
    term.assert_sees(&tr(
        EN,
        "returns-line",
        &[
            ("bought", "2".into()),
            ("left", "1".into()),
            ("price", Money::new(350, Currency::CNY).to_string()),
        ],
    ));
}

#[test]
fn the_demo_store_has_a_demo_supervisor_and_an_enrolled_one_does_not() {
    let mut term = Term::new(Mode::Counter);
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "void-sale"));
    approve(&mut term, "demo", PIN);
    term.assert_sees(&t(EN, "sale-voided"));
    term.store.set_meta("device_id", "dev-1").expect("enrolled");
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "void-sale"));
    approve(&mut term, "demo", PIN);
    term.assert_sees(&tr(EN, "staff-unknown", &[("id", "demo".into())]));
}

#[test]
fn a_counter_sale_without_an_open_shift_asks_for_the_float_first() {
    let mut term = Term::without_shift(Mode::Counter);
    term.camera_scan(TEA, Symbology::Ean13);
    term.send(Message::Counter(counter::Message::Address("1 Road".into())));
    term.send(Message::Counter(counter::Message::Pay(PayKind::Cash)));
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "shift-open-title"));
    assert!(term.store.orders(false, 1).expect("orders").is_empty());
    term.send(Message::Counter(counter::Message::ShiftFloat("abc".into())));
    term.click(&t(EN, "shift-open"));
    assert!(
        term.store.open_shift().expect("shift").is_none(),
        "not a float"
    );
    term.send(Message::Counter(counter::Message::ShiftFloat(
        "200.00".into(),
    )));
    term.click(&t(EN, "shift-open"));
    // The shift opens with its float and the sale that asked for it goes on.
    let shift = term.store.open_shift().expect("shift").expect("opened");
    assert_eq!(shift.float, Money::new(20_000, Currency::CNY));
    term.assert_sees(&t(EN, "placed-title"));
    assert_eq!(term.store.orders(false, 1).expect("orders").len(), 1);
}

#[test]
fn the_shift_desk_shows_the_x_report_moves_cash_and_closes_blind() {
    use smartstore::ui::shift_desk::{self, Stage};
    let mut term = Term::new(Mode::Counter);
    // A plain counter sale is the default: carried out, paid in cash, no address asked.
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "placed-title"));
    assert_eq!(
        term.store.orders(false, 1).expect("orders")[0].fulfil,
        "now"
    );
    term.send(Message::Counter(counter::Message::NewOrder));
    term.click(&t(EN, "shift-desk-open"));
    term.assert_sees(&t(EN, "shift-x-title"));
    term.assert_sees(&t(EN, "shift-r-expected"));
    let desk = |term: &Term| {
        term.app
            .counter
            .shift_desk
            .clone()
            .expect("the desk is open")
    };
    let Stage::Report(Some(x)) = desk(&term).stage else {
        panic!("no X report: {:?}", desk(&term).stage)
    };
    assert_eq!(x.sales_count, 1);
    // Cash out without a reason is refused, with one it is recorded.
    let sd = |m| Message::Counter(counter::Message::ShiftDesk(m));
    term.send(sd(shift_desk::Message::Amount("5.00".into())));
    term.click(&t(EN, "shift-cash-record"));
    assert!(matches!(desk(&term).notice, Some((false, _))));
    term.send(sd(shift_desk::Message::Reason("bank".into())));
    term.click(&t(EN, "shift-cash-record"));
    term.assert_sees(&t(EN, "shift-cash-moved"));
    let Stage::Report(Some(x)) = desk(&term).stage else {
        panic!("no X report")
    };
    assert_eq!(x.cash_out, 500);
    let expected = x.expected_cash;
    // The blind close: counting shows nothing the shift expects.
    term.click(&t(EN, "shift-close"));
    term.assert_sees(&t(EN, "shift-count-title"));
    assert!(!term.sees(&t(EN, "shift-r-expected")));
    // An X report that comes back late does not show the expected figure while counting.
    term.run(vec![(Target::Counter, Effect::ShiftReport)]);
    term.assert_sees(&t(EN, "shift-count-title"));
    assert!(!term.sees(&t(EN, "shift-r-expected")));
    term.send(sd(shift_desk::Message::Counted("1.00".into())));
    term.click(&t(EN, "shift-close-confirm"));
    term.assert_sees(&t(EN, "shift-z-title"));
    let Stage::Closed(z) = desk(&term).stage else {
        panic!("no Z report")
    };
    assert_eq!(z.counted_cash, Some(100));
    assert_eq!(z.over_short, Some(100 - expected));
    assert!(term.store.open_shift().expect("shift").is_none());
    term.click(&t(EN, "shift-desk-done"));
    assert!(term.app.counter.shift_desk.is_none());
    // The next sale asks for a new shift's float.
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "shift-open-title"));
}

#[test]
fn the_customer_display_follows_the_sale_from_welcome_to_thanks() {
    let mut term = Term::new(Mode::Counter);
    assert!(term.customer_sees(&t(EN, "customer-welcome")));
    let tea = term.item(TEA);
    term.camera_scan(TEA, Symbology::Ean13);
    term.camera_scan(TEA, Symbology::Ean13);
    assert!(!term.customer_sees(&t(EN, "customer-welcome")));
    assert!(term.customer_sees(&tea.name));
    assert!(term.customer_sees(&format!("2 × {}", tea.price)));
    let total = tea.price.checked_mul(2).expect("total").to_string();
    assert!(term.customer_sees(&tr(EN, "customer-total", &[("total", total.clone())])));
    // Nothing on it can be pressed: it only shows the counter's sale.
    assert!(!term.customer_sees(&t(EN, "cart-remove")));
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "placed-title"));
    assert!(term.customer_sees(&t(EN, "customer-thanks")));
    assert!(term.customer_sees(&tr(EN, "placed-total", &[("total", total)])));
    term.send(Message::Counter(counter::Message::NewOrder));
    assert!(term.customer_sees(&t(EN, "customer-welcome")));
}

#[test]
fn the_counter_prints_the_receipt_and_a_printer_out_of_paper_does_not_hold_the_sale() {
    use smartstore_testkit::printer::{Item, PrinterState, TestPrinter, parse};
    let mut term = Term::new(Mode::Counter);
    let printer = TestPrinter::start(PrinterState::PaperOut);
    std::fs::write(
        term.data_dir().join("config.toml"),
        format!("printer = \"{}\"\nprinter_paper = 58\n", printer.address()),
    )
    .expect("config");
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "checkout"));
    // The sale is placed; the clerk is told about the paper, in words, on the same screen.
    term.assert_sees(&t(EN, "placed-title"));
    assert_eq!(term.store.orders(false, 10).expect("orders").len(), 1);
    term.assert_sees(&t(EN, "print-paper-out"));
    printer.set_state(PrinterState::Ready);
    term.send(Message::Counter(counter::Message::NewOrder));
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "checkout"));
    term.assert_not_sees(&t(EN, "print-paper-out"));
    let jobs = printer.wait_for_jobs(2, Duration::from_secs(10));
    let items = parse(&jobs.last().expect("a job").bytes).expect("ESC/POS");
    let receipt = term.store.orders(false, 1).expect("orders")[0]
        .receipt
        .clone();
    assert!(
        smartstore_testkit::printer::text_lines(&items)
            .iter()
            .any(|l| l.contains(&receipt)),
        "{items:?}"
    );
    // Paid in cash: the drawer opens.
    assert!(items.iter().any(|i| matches!(i, Item::DrawerKick { .. })));
}

const BEER: &str = "6961170200949";

#[test]
fn age_restricted_products_wait_for_an_age_check_at_the_counter_and_the_kiosk() {
    // The counter: no sale until the clerk ticks that the shopper showed an ID.
    let mut term = Term::new(Mode::Counter);
    term.camera_scan(BEER, Symbology::Ean13);
    term.assert_sees(&t(EN, "counter-age-checked"));
    term.click(&t(EN, "checkout"));
    assert!(term.store.orders(false, 10).expect("orders").is_empty());
    term.assert_sees(&smartstore_domain::checkout::CheckoutError::AgeCheck.render(EN));
    term.send(Message::Counter(counter::Message::AgeChecked));
    term.click(&t(EN, "checkout"));
    term.assert_sees(&t(EN, "placed-title"));
    assert_eq!(term.store.orders(false, 10).expect("orders").len(), 1);

    // The kiosk: no payment screen until staff confirm with their PIN.
    let mut term = Term::new(Mode::Kiosk);
    term.app.kiosk.stage = kiosk::Stage::Shopping;
    term.camera_scan(BEER, Symbology::Ean13);
    term.click(&t(EN, "kiosk-checkout"));
    term.assert_sees(&t(EN, "kiosk-age-title"));
    term.assert_not_sees(&t(EN, "kiosk-pay-hint"));
    term.click(&t(EN, "kiosk-age-staff"));
    for d in PIN.chars() {
        term.send(Message::Kiosk(kiosk::Message::PinDigit(d)));
    }
    term.send(Message::Kiosk(kiosk::Message::PinSubmit));
    assert_eq!(
        term.app.kiosk.stage,
        kiosk::Stage::Checkout,
        "no staff exit"
    );
    term.assert_sees(&t(EN, "kiosk-pay-hint"));
    term.assert_sees(&t(EN, "kiosk-age-confirmed"));
}

#[test]
fn a_kiosk_shopper_can_ask_for_more_time_larger_text_and_more_contrast() {
    use smartstore_domain::kiosk::{EXTENSION_MS, IdlePolicy};
    let mut term = Term::new(Mode::Kiosk);
    term.send(Message::TickAt(1_000));
    term.click(Lang::En.native_name());
    term.camera_scan(TEA, Symbology::Ean13);
    let idle = IdlePolicy::default();
    let mut now = 1_000;
    // More time, ten times over: each warning offers it and the cart stays.
    for round in 0..10u64 {
        now += idle.warn_after_ms + round * EXTENSION_MS;
        term.send(Message::TickAt(now));
        term.assert_sees(&t(EN, "kiosk-more-time"));
        term.click(&t(EN, "kiosk-more-time"));
        term.assert_not_sees(&t(EN, "kiosk-more-time"));
        assert_eq!(
            term.app.kiosk.session.cart().lines().len(),
            1,
            "round {round}"
        );
    }
    assert_eq!(term.app.kiosk.extensions, 10);
    // After the tenth, the wait is ten extensions longer than the default.
    term.send(Message::TickAt(
        now + idle.reset_after_ms + 9 * EXTENSION_MS,
    ));
    assert_eq!(term.app.kiosk.stage, kiosk::Stage::Shopping);

    // Larger text and the inverted theme, for this shopper only.
    let main = iced::window::Id::unique();
    assert_eq!(term.app.window_scale(main), 1.0);
    term.click(&t(EN, "kiosk-large-text"));
    assert!(term.app.window_scale(main) > 1.2);
    term.click(&t(EN, "kiosk-contrast"));
    assert_eq!(
        term.app.window_theme(main).palette().background,
        iced::Color::BLACK
    );
    term.send(Message::TickAt(
        now + 100 * idle.reset_after_ms + 100 * EXTENSION_MS,
    ));
    assert_eq!(term.app.kiosk.stage, kiosk::Stage::Attract);
    assert_eq!(
        term.app.window_scale(main),
        1.0,
        "the next shopper starts plain"
    );
    assert_eq!(
        term.app.window_theme(main).palette().background,
        iced::Color::WHITE
    );
}

#[test]
fn a_kiosk_shopper_can_have_the_screen_read_aloud() {
    let mut term = Term::new(Mode::Kiosk);
    let tea = term.item(TEA);
    term.click(Lang::En.native_name());
    assert_eq!(term.app.kiosk.said, None, "silent until asked");
    term.click(&t(EN, "kiosk-speech"));
    assert_eq!(term.app.kiosk.said, Some(t(EN, "kiosk-scan-hint")));
    term.camera_scan(TEA, Symbology::Ean13);
    let said = term.app.kiosk.said.clone().expect("said");
    assert!(said.contains(&tea.name), "{said}");
    assert!(
        said.contains(&tr(
            EN,
            "customer-total",
            &[("total", tea.price.to_string())]
        )),
        "{said}"
    );
    term.click(&t(EN, "kiosk-checkout"));
    let said = term.app.kiosk.said.clone().expect("said");
    assert!(said.contains(&t(EN, "kiosk-pay-hint")), "{said}");
}

#[test]
fn the_counter_finds_products_by_name_and_pinyin_as_the_clerk_types() {
    let mut term = Term::new(Mode::Counter);
    let tea = term.item(TEA);
    // Pinyin initials of 茉莉绿茶: the results appear as the clerk types.
    for typed in ["m", "ml", "mll", "mllc"] {
        term.send(Message::Counter(counter::Message::Input(typed.into())));
    }
    let found: Vec<String> = term
        .app
        .counter
        .found
        .iter()
        .map(|i| i.name.clone())
        .collect();
    assert!(found.contains(&tea.name), "{found:?}");
    // A late answer for an older query is dropped.
    term.run(vec![(Target::Counter, Effect::Search("milk".into()))]);
    assert!(term.app.counter.found.iter().any(|i| i.name == tea.name));
    // Picking a result adds it and clears the box.
    let label = tea.name.clone();
    term.click(&label);
    assert_eq!(term.app.counter.session.cart().lines().len(), 1);
    assert!(term.app.counter.input.is_empty() && term.app.counter.found.is_empty());
    // Enter on a search with one result adds it; the Chinese name finds it too.
    term.send(Message::Counter(counter::Message::Input(
        "茉莉绿茶 500".into(),
    )));
    assert_eq!(
        term.app.counter.found.len(),
        1,
        "{:?}",
        term.app.counter.found
    );
    term.send(Message::Counter(counter::Message::Submit));
    assert_eq!(term.app.counter.session.cart().lines()[0].quantity, 2);
    // Digits stay a code: no search.
    term.send(Message::Counter(counter::Message::Input("692100".into())));
    assert!(term.app.counter.found.is_empty());
}

#[test]
fn the_kiosk_makes_collect_orders_and_types_addresses_on_screen() {
    // Delivery, with the address typed on the on-screen keyboard.
    let mut term = Term::new(Mode::Kiosk);
    term.click(Lang::En.native_name());
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "kiosk-checkout"));
    // Digits go in from the keyboard's top row like any key (sent, as a text "8" may also be
    // on screen elsewhere); letters, space and delete are clicked.
    for k in "88".chars() {
        term.send(Message::Kiosk(kiosk::Message::Key(k)));
    }
    term.assert_sees("0");
    for k in " CENTURY AVE".chars() {
        let label = if k == ' ' {
            t(EN, "kiosk-key-space")
        } else {
            k.to_string()
        };
        term.click(&label);
    }
    term.click(&t(EN, "kiosk-key-delete"));
    assert_eq!(term.app.kiosk.session.address, "88 CENTURY AV");
    term.click(&t(EN, "checkout"));
    let orders = term.store.orders(false, 10).expect("orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].fulfil, "deliver");

    // Collect here later: no address asked, ready at this store.
    let mut term = Term::new(Mode::Kiosk);
    term.click(Lang::En.native_name());
    term.camera_scan(TEA, Symbology::Ean13);
    term.click(&t(EN, "kiosk-checkout"));
    term.click(&t(EN, "kiosk-choose-collect"));
    term.assert_not_sees(&t(EN, "kiosk-deliver-hint"));
    term.click(&t(EN, "checkout"));
    let orders = term.store.orders(false, 10).expect("orders");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].fulfil, "collect");
}

/// A kiosk's call, sent: the kiosk waits for the answer on its own thread, as the window does,
/// and the counter's ear hears it (the call and where it came from).
fn sent_and_heard(
    effects: &[(Target, Effect)],
    listener: &smartstore::assist::Listener,
) -> (
    Target,
    std::thread::JoinHandle<smartstore::ui::effect::Outcome>,
    smartstore::assist::Call,
    std::net::SocketAddr,
) {
    let [(target, effect)] = effects else {
        panic!("one effect: {effects:?}")
    };
    let effect = effect.clone();
    let waiting = std::thread::spawn(move || smartstore::ui::effect::assist(effect, None));
    let (call, from) = loop {
        if let Some(c) = listener.next(Duration::from_secs(5)).expect("hear") {
            break c;
        }
    };
    (*target, waiting, call, from)
}

#[test]
fn a_kiosks_call_for_assistance_reaches_the_counter_and_its_answer_comes_back() {
    use smartstore::assist::Listener;
    // The counter's ear, on loopback (the window binds 0.0.0.0:47808 and hears broadcasts).
    let listener = Listener::bind("127.0.0.1:0".parse().expect("addr"), "DEMO").expect("listen");
    let ear = listener.local_addr().expect("addr");
    let mut kiosk = Term::new(Mode::Kiosk);
    kiosk.app.kiosk.assist_to = ear;
    kiosk.click(Lang::En.native_name());
    let effects = kiosk.click_held(&t(EN, "kiosk-help"));
    kiosk.assert_sees(&t(EN, "kiosk-help-called"));
    let (target, waiting, call, from) = sent_and_heard(&effects, &listener);
    assert_eq!(call.terminal, "T01");
    // The counter shows the call until a clerk answers it.
    let mut counter = Term::new(Mode::Counter);
    counter.send(Message::Counter(counter::Message::HelpCall(
        call.clone(),
        smartstore::assist::Via::Datagram(from),
    )));
    counter.assert_sees(&tr(EN, "assist-call", &[("kiosk", "T01".into())]));
    counter.click(&t(EN, "assist-coming"));
    counter.assert_not_sees(&tr(EN, "assist-call", &[("kiosk", "T01".into())]));
    let outcome = waiting.join().expect("kiosk");
    kiosk.send(Message::Outcome(target, outcome));
    kiosk.assert_sees(&tr(EN, "kiosk-help-answered", &[("counter", "T01".into())]));
}

#[test]
fn a_kiosks_age_check_is_approved_from_the_counter_with_a_pin_and_a_signed_answer() {
    use smartstore::assist::{Kind, Listener};
    use smartstore_protocol::keys::{SigningKey, b64};
    use smartstore_protocol::wire::{DeviceKey, StaffMember};
    // The counter: enrolled (its device key on disk), with a clerk who has a PIN.
    let mut counter = Term::new(Mode::Counter);
    let key = SigningKey::generate("dev-counter-1").expect("key");
    key.save(&smartstore::sync::key_path(counter.dir.path()))
        .expect("save the key");
    counter
        .store
        .set_meta("device_id", "dev-counter-1")
        .expect("meta");
    counter
        .store
        .set_meta("platform_url", "http://127.0.0.1:9")
        .expect("meta");
    counter
        .store
        .save_staff(
            &[StaffMember {
                staff_id: "C1".into(),
                role: "clerk".into(),
                name: None,
                pin_hash: smartstore_protocol::staff_pin::hash_pin("1357"),
                active: true,
            }],
            1,
        )
        .expect("staff");
    // The kiosk knows the store's terminals' keys (the platform's `devices` pull).
    let mut kiosk = Term::new(Mode::Kiosk);
    kiosk
        .store
        .save_device_keys(
            &[DeviceKey {
                device_id: "dev-counter-1".into(),
                terminal: "T02".into(),
                public_key: b64(&key.public_key()),
            }],
            1,
        )
        .expect("device keys");
    let listener = Listener::bind("127.0.0.1:0".parse().expect("addr"), "DEMO").expect("listen");
    kiosk.app.kiosk.assist_to = listener.local_addr().expect("addr");
    kiosk.app.kiosk.stage = kiosk::Stage::Shopping;
    kiosk.camera_scan(BEER, Symbology::Ean13);
    kiosk.click(&t(EN, "kiosk-checkout"));
    kiosk.assert_sees(&t(EN, "kiosk-age-title"));
    let effects = kiosk.click_held(&t(EN, "kiosk-age-ask"));
    kiosk.assert_sees(&t(EN, "kiosk-age-asked"));
    let (target, waiting, call, from) = sent_and_heard(&effects, &listener);
    assert_eq!(call.kind, Kind::AgeCheck);

    // The counter shows the age check; a clerk approves with a wrong PIN first: nothing sent.
    counter.send(Message::Counter(counter::Message::HelpCall(
        call.clone(),
        smartstore::assist::Via::Datagram(from),
    )));
    let asks = tr(EN, "assist-age-call", &[("kiosk", "T01".into())]);
    counter.assert_sees(&asks);
    counter.click(&t(EN, "assist-age-approve"));
    counter.send(Message::Counter(counter::Message::AgeStaffId("C1".into())));
    counter.send(Message::Counter(counter::Message::AgePin("0000".into())));
    counter.click(&t(EN, "assist-age-send"));
    counter.assert_sees(&tr(EN, "staff-wrong-pin", &[("left", "2".into())]));
    counter.assert_sees(&asks);
    // The right PIN: the signed approval goes back and the call leaves the counter's list.
    counter.click(&t(EN, "assist-age-approve"));
    counter.send(Message::Counter(counter::Message::AgeStaffId("C1".into())));
    counter.send(Message::Counter(counter::Message::AgePin("1357".into())));
    counter.click(&t(EN, "assist-age-send"));
    counter.assert_not_sees(&asks);
    let approvals = counter.store.approvals().expect("approvals");
    assert_eq!(
        (approvals[0].1.as_str(), approvals[0].2.as_str()),
        ("C1", "age_check")
    );

    let outcome = waiting.join().expect("kiosk");
    let smartstore::ui::effect::Outcome::Helped(asked, Ok(Some(answer))) = &outcome else {
        panic!("an approval: {outcome:?}")
    };
    assert_eq!(answer.kind, Kind::Approve);
    // A forged copy (another member of staff written in) is refused and changes nothing.
    let mut forged = answer.clone();
    forged.staff = Some("S-BOSS".into());
    kiosk.send(Message::Outcome(
        target,
        smartstore::ui::effect::Outcome::Helped(asked.clone(), Ok(Some(forged))),
    ));
    kiosk.assert_sees(&smartstore::assist::ApprovalError::Forged.render(EN));
    kiosk.assert_not_sees(&t(EN, "kiosk-pay-hint"));
    // The genuine one: the kiosk may take payment now.
    kiosk.send(Message::Outcome(target, outcome));
    kiosk.assert_sees(&t(EN, "kiosk-age-confirmed"));
    kiosk.assert_sees(&t(EN, "kiosk-pay-hint"));
    assert!(!kiosk.app.kiosk.session.checkout.needs_age_check());
}

/// A terminal of the demo catalog enrolled at the hub on `url` for store SH001, its status bar
/// refreshed (enrolled, the store's id).
fn enrolled(mode: Mode, hub_db: &Path, url: &str) -> Term {
    let mut term = Term::new(mode);
    let token = smartstore_hub::db::HubDb::open(hub_db)
        .expect("hub db")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let client = smartstore::sync::client::PlatformClient::new(url, Duration::from_secs(10))
        .expect("client");
    let dir = term.dir.path().to_owned();
    smartstore::sync::enroll(&mut term.store, &dir, &client, &token).expect("enrol");
    term.run(vec![(Target::App, Effect::Refresh)]);
    assert!(term.app.status.enrolled);
    term
}

#[test]
fn a_kiosks_age_check_reaches_counters_on_another_network_through_the_platform() {
    use smartstore::assist::Kind;
    use smartstore::ui::effect::Outcome;
    use smartstore_protocol::wire::StaffMember;
    let hub_dir = tempfile::tempdir().expect("tempdir");
    let hub_db = hub_dir.path().join("hub.db");
    // The platform's catalog (an enrolled terminal sells what the platform lists).
    smartstore_hub::db::HubDb::open(&hub_db)
        .expect("hub db")
        .import_catalog_csv(
            smartstore::store::DEMO_CATALOG_CSV.as_bytes(),
            Currency::CNY,
        )
        .expect("catalog");
    let url = format!("http://{}", smartstore_testkit::spawn_hub(&hub_db));
    let mut counter = enrolled(Mode::Counter, &hub_db, &url);
    let mut other_counter = enrolled(Mode::Counter, &hub_db, &url);
    let mut kiosk = enrolled(Mode::Kiosk, &hub_db, &url);
    counter
        .store
        .save_staff(
            &[StaffMember {
                staff_id: "C1".into(),
                role: "clerk".into(),
                name: None,
                pin_hash: PIN_HASH.clone(),
                active: true,
            }],
            1,
        )
        .expect("staff");
    // The kiosk knows the store's terminals' keys and the catalog from the platform.
    let device = smartstore::sync::Device::load(&kiosk.store, kiosk.dir.path()).expect("device");
    let client = device.client(Duration::from_secs(10)).expect("client");
    smartstore::sync::sync_once(&mut kiosk.store, &client, &device.key, 100).expect("sync");

    // The kiosk's datagrams go to a socket nobody reads: the counters are on another segment.
    let elsewhere = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    kiosk.app.kiosk.assist_to = elsewhere.local_addr().expect("addr");
    kiosk.app.kiosk.stage = kiosk::Stage::Shopping;
    kiosk.camera_scan(BEER, Symbology::Ean13);
    kiosk.click(&t(EN, "kiosk-checkout"));
    let effects = kiosk.click_held(&t(EN, "kiosk-age-ask"));
    let [(target, Effect::CallHelp(call, to))] = effects.as_slice() else {
        panic!("one call: {effects:?}")
    };
    assert_eq!(call.kind, Kind::AgeCheck);
    // The kiosk waits for an answer on its own thread, as the window does (the local network
    // and the platform both).
    let effect = Effect::CallHelp(call.clone(), *to);
    let target = *target;
    let waiting = std::thread::spawn(move || smartstore::ui::effect::assist(effect, Some(&device)));

    // Both counters ask the platform every 2 s (the window's clock, here pushed on by hand)
    // until the kiosk's call is there.
    let asks = tr(
        EN,
        "assist-age-call",
        &[("kiosk", kiosk.app.status.terminal_id.clone())],
    );
    let mut now = 10_000;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !(counter.sees(&asks) && other_counter.sees(&asks)) {
        assert!(
            std::time::Instant::now() < deadline,
            "the call never reached the counters"
        );
        now += 2_000;
        counter.send(Message::TickAt(now));
        other_counter.send(Message::TickAt(now));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(matches!(
        counter.app.counter.help_calls.as_slice(),
        [(c, smartstore::assist::Via::Platform)] if c.call == call.call
    ));

    // A clerk approves at the first counter with the PIN: the signed approval goes back
    // through the platform, the call leaves this counter's list.
    counter.click(&t(EN, "assist-age-approve"));
    counter.send(Message::Counter(counter::Message::AgeStaffId("C1".into())));
    counter.send(Message::Counter(counter::Message::AgePin(PIN.into())));
    counter.click(&t(EN, "assist-age-send"));
    counter.assert_not_sees(&asks);

    // The kiosk gets it through the platform, checks the counter's signature, and may take
    // payment.
    let outcome = waiting.join().expect("kiosk");
    let Outcome::Helped(_, Ok(Some(answer))) = &outcome else {
        panic!("an approval: {outcome:?}")
    };
    assert_eq!(answer.kind, Kind::Approve);
    assert_eq!(answer.terminal, counter.app.status.terminal_id);
    kiosk.send(Message::Outcome(target, outcome));
    kiosk.assert_sees(&t(EN, "kiosk-age-confirmed"));
    kiosk.assert_sees(&t(EN, "kiosk-pay-hint"));
    assert!(!kiosk.app.kiosk.session.checkout.needs_age_check());

    // The other counter hears that someone answered: the call leaves its list too.
    now += 2_000;
    other_counter.send(Message::TickAt(now));
    other_counter.assert_not_sees(&asks);
    assert!(other_counter.app.counter.help_calls.is_empty());
}

/// The smallest kiosk screen we support, 1024x600 on a 10.1-inch panel (117.5 pixels per
/// inch): 9 mm is 41.6 pixels there (36 on a 15.6-inch 1366x768 or a 21.5-inch 1920x1080).
const NINE_MM_AT_1024X600: u32 = 42;

/// The buttons on a rendering of the window: solid areas of the theme's button colours, as
/// (colour name, x, y, width, height).
fn button_areas(term: &Term, size: iced::Size, dir: &Path) -> Vec<(String, u32, u32, u32, u32)> {
    let theme = term.app.window_theme(iced::window::Id::unique());
    let p = theme.extended_palette();
    let colours = [
        ("primary", p.primary.base.color),
        ("secondary", p.secondary.base.color),
        ("success", p.success.base.color),
        ("danger", p.danger.base.color),
    ];
    let mut ui = Simulator::with_size(Settings::default(), size, term.app.view());
    // A snapshot writes its PNG (named after the renderer) when the file is not there yet.
    let shot = tempfile::tempdir_in(dir).expect("tempdir");
    assert!(
        ui.snapshot(&theme)
            .expect("render")
            .matches_image(shot.path().join("render.png"))
            .expect("write the rendering")
    );
    let png = std::fs::read_dir(shot.path())
        .expect("the rendering's folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("the rendering");
    let img = image::open(&png).expect("the rendering").to_rgba8();
    if std::env::var_os("KEEP_RENDERINGS").is_some() {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let _ = std::fs::copy(&png, format!("/tmp/render-{}-{n}.png", img.width()));
    }
    // The rendering may be at a higher scale than the window's logical pixels.
    let scale = img.width() as f32 / size.width;
    let logical = |v: u32| (v as f32 / scale).round() as u32;
    let mut found = Vec::new();
    for (name, colour) in colours {
        let want = colour.into_rgba8();
        let areas = smartstore_testkit::areas::solid_areas(
            &img,
            |px| px.iter().zip(want).all(|(a, b)| a.abs_diff(b) <= 2),
            200,
        );
        // The counters of glyphs inside a button (the middle of 中) are not buttons.
        for a in areas.iter().filter(|a| !areas.iter().any(|b| a.inside(b))) {
            found.push((
                name.to_owned(),
                logical(a.x),
                logical(a.y),
                logical(a.width),
                logical(a.height),
            ));
        }
    }
    found
}

#[test]
fn every_kiosk_touch_target_is_at_least_9_mm_on_the_smallest_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let size = iced::Size::new(1024.0, 600.0);
    let mut term = Term::new(Mode::Kiosk);
    let mut screens: Vec<(&str, Vec<(String, u32, u32, u32, u32)>)> = Vec::new();
    screens.push(("attract", button_areas(&term, size, dir.path())));
    term.click(Lang::En.native_name());
    term.camera_scan(TEA, Symbology::Ean13);
    screens.push(("shopping", button_areas(&term, size, dir.path())));
    term.click(&t(EN, "kiosk-checkout"));
    screens.push(("checkout", button_areas(&term, size, dir.path())));
    // Its actions are on the screen, not pushed below it by the form.
    for action in [t(EN, "back"), t(EN, "checkout")] {
        let mut ui = Simulator::with_size(Settings::default(), size, term.app.view());
        let at = ui.find(action.as_str()).expect("the action").bounds();
        assert!(
            at.y + at.height <= size.height && at.x + at.width <= size.width,
            "{action:?} is off a 1024x600 screen: {at:?}"
        );
    }
    term.click(&t(EN, "kiosk-choose-collect"));
    screens.push(("collect", button_areas(&term, size, dir.path())));
    term.click(&t(EN, "back"));
    term.camera_scan(BEER, Symbology::Ean13);
    term.click(&t(EN, "kiosk-checkout"));
    screens.push(("age check", button_areas(&term, size, dir.path())));
    term.click(&t(EN, "kiosk-age-staff"));
    screens.push(("PIN pad", button_areas(&term, size, dir.path())));
    term.send(Message::Kiosk(kiosk::Message::PinCancel));
    let idle = smartstore_domain::kiosk::IdlePolicy::default();
    term.send(Message::TickAt(idle.warn_after_ms + 120_000));
    screens.push(("idle warning", button_areas(&term, size, dir.path())));
    for (screen, areas) in &screens {
        assert!(
            areas.len() >= 2,
            "{screen}: no buttons found on the rendering: {areas:?}"
        );
        for (colour, x, y, w, h) in areas {
            assert!(
                (*w).min(*h) >= NINE_MM_AT_1024X600,
                "{screen}: a {colour} button at ({x}, {y}) is {w}x{h} px, under 9 mm"
            );
        }
    }
}

/// The counter's online-order desk (issue 16): the queue lists an order routed here (listing
/// accepts it), its pick list follows the shelves, a scan of a wrong item is refused and picks
/// nothing, the right ones complete it, packing draws the label (no printer: a PNG in the data
/// folder) and a scan of that label ships the parcel. Every step is an outbox event.
#[test]
fn the_counter_fills_an_online_order_by_scanning_packing_and_scanning_the_label() {
    use smartstore_protocol::online::{Destination, Line, OnlineOrder, Status};
    const TEA: &str = "6921000000019";
    const OTHER: &str = "6921000000033";
    let mut term = Term::new(Mode::Counter);
    let order = OnlineOrder {
        order_id: "OL0000042".into(),
        marketplace: "tmall".into(),
        marketplace_order_id: "TM-42".into(),
        part: 1,
        parts: 1,
        store: Some("DEMO".into()),
        status: Status::Routed,
        destination: Destination::Deliver {
            address: "88 Century Ave".into(),
            lat: 31.2,
            lon: 121.5,
        },
        lines: vec![Line {
            gtin: format!("{TEA:0>14}"),
            qty: 2,
        }],
        history: vec![],
    };
    term.store
        .save_online_orders(&[order], 1)
        .expect("an order routed here");
    let stock_before = term.item(TEA).stock.expect("a stock");

    term.click(&t(EN, "fulfil-open"));
    term.assert_sees(&t(EN, "online-desk-title"));
    term.assert_sees("OL0000042");
    term.assert_sees(&t(EN, "online-status-accepted"));
    term.click("OL0000042");
    term.assert_sees(&t(EN, "fulfil-hint-pick"));
    term.assert_sees("A1");
    term.assert_sees("0/2");

    // A wrong item: refused in words, nothing picked.
    term.camera_scan(OTHER, Symbology::Ean13);
    let refusal = smartstore_domain::fulfil::PickRefusal::NotInOrder {
        gtin: Gtin::parse(OTHER).expect("gtin"),
    }
    .msg()
    .render(EN);
    term.assert_sees(&refusal);
    term.assert_sees("0/2");
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees("1/2");
    term.camera_scan(TEA, Symbology::Ean13);
    term.assert_sees("✓ 2/2");
    term.assert_sees(&t(EN, "fulfil-hint-pack"));

    // Packed: no printer set, so the label is a PNG in the data folder.
    term.click(&t(EN, "fulfil-pack"));
    term.assert_sees(&t(EN, "fulfil-hint-ship"));
    let label = smartstore::fulfil::label_path(term.data_dir(), "OL0000042");
    assert!(label.is_file(), "no label at {}", label.display());
    // A scan that is not this parcel's label ships nothing; the label's own does.
    term.camera_scan("OL0000041-DEMO", Symbology::Code128);
    term.assert_sees(&t(EN, "fulfil-hint-ship"));
    term.camera_scan("OL0000042-DEMO", Symbology::Code128);
    term.assert_sees(&t(EN, "fulfil-shipped"));
    assert_eq!(term.item(TEA).stock, Some(stock_before - 2));
    let kinds: Vec<String> = term
        .store
        .outbox_after(0, 100)
        .expect("outbox")
        .into_iter()
        .map(|e| e.kind)
        .filter(|k| k.starts_with("online."))
        .collect();
    assert_eq!(
        kinds,
        [
            "online.accepted",
            "online.picked",
            "online.packed",
            "online.shipped"
        ]
    );
    // Back to the queue: nothing left to fill.
    term.click(&t(EN, "fulfil-back"));
    term.assert_sees(&t(EN, "fulfil-empty"));
}
