//! The window: routes messages to the screen of the current mode, runs their effects in the
//! background, and keeps the status bar current.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iced::widget::{column, container};
use iced::{Element, Fill, Subscription, Task, Theme};

use super::camera::{self, CameraEvent};
use super::counter::{self, Counter};
use super::effect::{Effect, Outcome, TerminalStatus};
use super::kiosk::{self, Kiosk};
use super::services::Services;
use super::setup::{self, Setup};
use super::widgets;
use crate::i18n::{Lang, t};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Counter,
    Kiosk,
    Setup,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "counter" => Some(Mode::Counter),
            "kiosk" => Some(Mode::Kiosk),
            "setup" => Some(Mode::Setup),
            _ => None,
        }
    }
}

/// Which screen an effect came from, so its outcome goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Counter,
    Kiosk,
    Setup,
    App,
}

#[derive(Debug, Clone)]
pub enum Message {
    Counter(counter::Message),
    Kiosk(kiosk::Message),
    Setup(setup::Message),
    Outcome(Target, Outcome),
    /// The clock: half a second apart, read from the window's monotonic clock.
    Tick,
    /// The clock at this many milliseconds since start (`Tick` sends the real time through
    /// it; tests send chosen times).
    TickAt(u64),
    Camera(CameraEvent),
    /// A key press anywhere in the window, for keyboard-wedge scanners; `captured` when a
    /// focused text field also took it.
    Key {
        key: smartstore_scan::wedge::Key,
        captured: bool,
    },
    /// A function key of the counter (it works from the keyboard alone).
    Shortcut(counter::Shortcut),
    Screenshot(iced::window::Screenshot),
    ScreenshotSaved(Result<(), String>),
    /// A window closed: the counter's (or kiosk's) ends the program.
    WindowClosed(iced::window::Id),
}

/// Everything the window starts with.
#[derive(Debug, Clone)]
pub struct Options {
    pub data_dir: PathBuf,
    pub mode: Mode,
    pub lang: Lang,
    pub camera: String,
    pub currency: smartstore_domain::money::Currency,
    pub store_id: String,
    pub pin_hash: String,
    /// The staff PIN guard kept from before a restart (a lockout runs on).
    pub pin_guard: smartstore_domain::kiosk::PinGuardState,
    /// Texts to scan at start (demos and screenshots).
    pub scans: Vec<String>,
    /// Save a screenshot of the window to this file after `screenshot_after`, then exit.
    pub screenshot: Option<PathBuf>,
    pub screenshot_after: Duration,
    /// Kiosk: open on the shopping screen instead of the attract screen.
    pub kiosk_shopping: bool,
    /// Setup: open on this step.
    pub setup_step: Option<setup::Step>,
    /// Counter: the delivery address to start with.
    pub address: Option<String>,
    /// Counter: place the order (cash) once the start scans are in (demos, screenshots).
    pub place: bool,
    /// Counter: open on the returns desk (the start scans are receipts) or on the void
    /// approval once the start scans are in (demos, screenshots).
    pub counter_opening: Option<counter::Opening>,
    /// The screenshot is of the customer display's window (docs/screenshots).
    pub shoot_customer: bool,
    /// The counter's quick keys (config.toml).
    pub quick_keys: Vec<crate::config::QuickKey>,
    /// Kiosk: open on the checkout once the start scans are in (screenshots).
    pub kiosk_checkout: bool,
}

/// The windows to open: the counter's (or kiosk's, or setup's), and the customer display's.
#[derive(Debug, Clone)]
pub struct Windows {
    pub main: iced::window::Settings,
    pub customer: Option<iced::window::Settings>,
    /// The main window takes its whole monitor once open: a kiosk under cage or on a bare X
    /// server has no window manager to make it full screen.
    pub fill_monitor: bool,
}

pub struct App {
    pub mode: Mode,
    pub lang: Lang,
    pub counter: Counter,
    pub kiosk: Kiosk,
    pub setup: Setup,
    pub status: TerminalStatus,
    pub camera: camera::View,
    services: Option<Services>,
    started: Instant,
    options: Options,
    shot_taken: bool,
    /// Start scans whose outcome has not come back yet.
    pending_scans: usize,
    /// Tells a USB scanner's keystrokes from a person's.
    wedge: smartstore_scan::wedge::WedgeDetector,
    last_rss_log: u64,
    last_refresh: u64,
    main_window: Option<iced::window::Id>,
    customer_window: Option<iced::window::Id>,
    /// The start screen's shift desk was opened (once).
    desk_opened: bool,
    /// The first online order was opened as a start screen (screenshots).
    fulfil_order_opened: bool,
    /// Where this counter listens for kiosks' calls for assistance (`None`: it does not).
    assist_listen: Option<std::net::SocketAddr>,
}

impl App {
    /// The window's state without background services (tests drive effects themselves).
    pub fn new(options: Options) -> App {
        let mut setup = Setup::default();
        if let Some(step) = options.setup_step {
            setup.step = step;
        }
        let mut kiosk = Kiosk::new(
            options.currency,
            &options.store_id,
            options.pin_hash.clone(),
            options.pin_guard,
        );
        if options.kiosk_shopping {
            kiosk.stage = kiosk::Stage::Shopping;
        }
        // Assistance on the local network (config.toml's assist_to and assist_listen).
        let config = crate::config::Config::load(&options.data_dir).unwrap_or_default();
        if let Some(to) = config.assist_to.as_deref().and_then(|a| a.parse().ok()) {
            kiosk.assist_to = to;
        }
        let assist_listen = match config.assist_listen.as_deref().map(str::trim) {
            Some("off") => None,
            Some(a) => a.parse().ok(),
            None => Some(crate::assist::default_listen()),
        };
        App {
            mode: options.mode,
            lang: options.lang,
            counter: Counter::new(options.currency, &options.store_id)
                .with_quick_keys(options.quick_keys.clone()),
            kiosk,
            setup,
            status: TerminalStatus {
                store_id: options.store_id.clone(),
                ..TerminalStatus::default()
            },
            camera: camera::View {
                off: options.camera == "none",
                ..camera::View::default()
            },
            services: None,
            started: Instant::now(),
            options,
            shot_taken: false,
            pending_scans: 0,
            wedge: smartstore_scan::wedge::WedgeDetector::new(
                smartstore_scan::wedge::WedgeOptions::default(),
            ),
            last_rss_log: 0,
            last_refresh: 0,
            main_window: None,
            customer_window: None,
            desk_opened: false,
            fulfil_order_opened: false,
            assist_listen,
        }
    }

    pub fn boot(options: Options, services: Services, windows: Windows) -> (App, Task<Message>) {
        let mut app = App::new(options);
        app.services = Some(services);
        let (main, opened) = iced::window::open(windows.main);
        app.main_window = Some(main);
        let opened = if windows.fill_monitor {
            opened
                .then(iced::window::monitor_size)
                .then(move |size| match size {
                    Some(size) => Task::batch([
                        iced::window::move_to(main, iced::Point::ORIGIN),
                        iced::window::resize(main, size),
                    ]),
                    None => Task::none(),
                })
        } else {
            opened.discard()
        };
        let mut tasks = vec![opened];
        if let Some(settings) = windows.customer {
            let (customer, opened) = iced::window::open(settings);
            app.customer_window = Some(customer);
            tasks.push(opened.discard());
        }
        tasks.extend([
            app.run(Target::App, Effect::Refresh),
            iced::widget::operation::focus(counter::SCAN_INPUT),
        ]);
        if app.mode == Mode::Setup && app.setup.step == setup::Step::Diagnostics {
            tasks.push(app.run(Target::Setup, Effect::Doctor));
        }
        if app.mode == Mode::Setup && app.setup.step == setup::Step::Camera {
            tasks.push(app.run(Target::Setup, Effect::ListCameras));
        }
        if let Some(a) = &app.options.address {
            app.counter.session.address.clone_from(a);
        }
        let returns = app.mode == Mode::Counter
            && app.options.counter_opening == Some(counter::Opening::Returns);
        if returns {
            app.counter.update(counter::Message::OpenReturns, app.lang);
        }
        if app.mode == Mode::Counter
            && app.options.counter_opening == Some(counter::Opening::AgeCall)
        {
            // A kiosk of the demo store asking for an age check, the form being filled in.
            let call = crate::assist::Call::age_check("DEMO", "K01");
            let id = call.call.clone();
            let from = std::net::SocketAddr::from(([127, 0, 0, 1], crate::assist::PORT));
            for m in [
                counter::Message::HelpCall(call, crate::assist::Via::Datagram(from)),
                counter::Message::AgeApproveOpen(id),
                counter::Message::AgeStaffId("C1".into()),
                counter::Message::AgePin("1357".into()),
            ] {
                app.counter.update(m, app.lang);
            }
        }
        for s in app.options.scans.clone() {
            if returns {
                tasks.push(app.run(Target::Counter, Effect::FindReceipt(s)));
                continue;
            }
            let target = app.target();
            app.pending_scans += 1;
            tasks.push(app.run(
                target,
                Effect::Resolve {
                    text: s,
                    symbology: None,
                },
            ));
        }
        (app, Task::batch(tasks))
    }

    fn target(&self) -> Target {
        match self.mode {
            Mode::Counter => Target::Counter,
            Mode::Kiosk => Target::Kiosk,
            Mode::Setup => Target::Setup,
        }
    }

    fn run(&self, target: Target, effect: Effect) -> Task<Message> {
        // Assistance waits on the network, never on (or holding) the store's thread.
        if let Some(services) = &self.services
            && matches!(
                effect,
                Effect::CallHelp(..) | Effect::AnswerHelp(..) | Effect::PollAssist(..)
            )
        {
            let platform = services.platform();
            return Task::perform(
                async move {
                    tokio::task::spawn_blocking(move || {
                        super::effect::assist(effect, platform.as_deref())
                    })
                    .await
                    .unwrap_or_else(|e| {
                        Outcome::Failed(
                            crate::i18n::Msg::new("assist-failed").arg("detail", e.to_string()),
                        )
                    })
                },
                move |o| Message::Outcome(target, o),
            );
        }
        match &self.services {
            Some(s) => s.run(effect).map(move |o| Message::Outcome(target, o)),
            None => Task::none(),
        }
    }

    pub fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    /// The effects an update asked for, with their target (tests run them with `execute`).
    pub fn update_effects(&mut self, message: Message) -> Vec<(Target, Effect)> {
        let was_attract = self.kiosk.stage == super::kiosk::Stage::Attract;
        let effects = self.handle(message);
        // Back on the attract screen, the camera forgets what it saw: a code the shopper still
        // holds up (or holds up before the screen came) starts the next sale.
        if self.mode == Mode::Kiosk
            && !was_attract
            && self.kiosk.stage == super::kiosk::Stage::Attract
        {
            self.camera.rearm();
        }
        // The kiosk reads its screen aloud when the shopper asked: each new line once.
        if self.mode == Mode::Kiosk && self.kiosk.speak {
            let line = self.kiosk.spoken_line(self.lang);
            if line.is_some() && line != self.kiosk.said {
                if let (Some(text), true) = (&line, self.services.is_some()) {
                    super::speech::say(text, self.lang);
                }
                self.kiosk.said = line;
            }
        }
        effects
    }

    fn handle(&mut self, message: Message) -> Vec<(Target, Effect)> {
        let lang = self.lang;
        match message {
            Message::Counter(m) => self
                .counter
                .update(m, lang)
                .into_iter()
                .map(|e| (Target::Counter, e))
                .collect(),
            Message::Kiosk(m) => {
                let (effects, event) = self.kiosk.update(m, lang);
                match event {
                    Some(kiosk::Event::LanguageChosen(l)) => self.lang = l,
                    Some(kiosk::Event::StaffExit) => self.mode = Mode::Setup,
                    None => {}
                }
                effects.into_iter().map(|e| (Target::Kiosk, e)).collect()
            }
            Message::Setup(m) => {
                let (effects, event) = self.setup.update(m);
                match event {
                    Some(setup::Event::LanguageChosen(l)) => self.lang = l,
                    Some(setup::Event::Finished) => self.mode = Mode::Counter,
                    Some(setup::Event::CameraChosen(spec)) => {
                        // The camera subscription is keyed by its spec: a new spec restarts it.
                        self.options.camera.clone_from(&spec);
                        self.camera = camera::View::default();
                        return effects
                            .into_iter()
                            .map(|e| (Target::Setup, e))
                            .chain([(Target::Setup, Effect::SaveCamera(spec))])
                            .collect();
                    }
                    None => {}
                }
                effects.into_iter().map(|e| (Target::Setup, e)).collect()
            }
            Message::Outcome(target, outcome) => {
                let mut more = Vec::new();
                match (target, outcome) {
                    (_, Outcome::Status(s)) => {
                        self.counter.shift_open = s.shift_open;
                        self.status = s;
                        self.counter.store_id.clone_from(&self.status.store_id);
                        self.kiosk.store_id.clone_from(&self.status.store_id);
                        self.counter
                            .terminal_id
                            .clone_from(&self.status.terminal_id);
                        self.kiosk.terminal_id.clone_from(&self.status.terminal_id);
                        // The shift desk as a start screen (screenshots): once the status says
                        // whether a shift is open, when no start scans come first.
                        let desk = matches!(
                            self.options.counter_opening,
                            Some(counter::Opening::ShiftDesk | counter::Opening::ShiftCount)
                        );
                        let fulfil = matches!(
                            self.options.counter_opening,
                            Some(counter::Opening::Fulfil | counter::Opening::FulfilOrder)
                        );
                        if fulfil
                            && self.mode == Mode::Counter
                            && self.counter.fulfil_desk.is_none()
                            && !self.desk_opened
                        {
                            self.desk_opened = true;
                            let effects = self.counter.update(counter::Message::OpenFulfil, lang);
                            more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                        }
                        if desk
                            && self.options.scans.is_empty()
                            && self.mode == Mode::Counter
                            && self.counter.shift_desk.is_none()
                            && !self.desk_opened
                        {
                            self.desk_opened = true;
                            let effects =
                                self.counter.update(counter::Message::OpenShiftDesk, lang);
                            more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                            if self.options.counter_opening == Some(counter::Opening::ShiftCount) {
                                self.counter.update(
                                    counter::Message::ShiftDesk(
                                        super::shift_desk::Message::StartClose,
                                    ),
                                    lang,
                                );
                            }
                        }
                    }
                    (Target::Counter, Outcome::ApprovalSigned(id, r)) => {
                        let effects = self.counter.approval_signed(&id, r, lang);
                        more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                    }
                    (Target::Counter, Outcome::Relayed(r)) => self.counter.relayed(r),
                    (Target::Counter, o) => {
                        let placed =
                            matches!(o, Outcome::Placed(Ok(_), _) | Outcome::Collected(Ok(_)));
                        let resolved = matches!(o, Outcome::Resolved { .. });
                        let shift_opened = matches!(o, Outcome::ShiftOpened(Ok(_)));
                        if let Outcome::Placed(Ok(p), _) = &o {
                            // On paper too when a printer is set; the sale does not wait.
                            more.push((
                                Target::Counter,
                                Effect::PrintReceipt {
                                    order_id: p.id.clone(),
                                    lang,
                                },
                            ));
                        }
                        self.counter.outcome(o, lang);
                        // The first order of the queue opened as a start screen (screenshots).
                        if self.options.counter_opening == Some(counter::Opening::FulfilOrder)
                            && !self.fulfil_order_opened
                            && let Some(first) =
                                self.counter
                                    .fulfil_desk
                                    .as_ref()
                                    .and_then(|d| match &d.stage {
                                        super::fulfil_desk::Stage::Queue(Some(list)) => {
                                            list.first().map(|o| o.order_id.clone())
                                        }
                                        _ => None,
                                    })
                        {
                            self.fulfil_order_opened = true;
                            let effects = self.counter.update(
                                counter::Message::FulfilDesk(super::fulfil_desk::Message::Open(
                                    first,
                                )),
                                lang,
                            );
                            more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                        }
                        if let Some(refusal) = self.counter.refused_aloud.take()
                            && self.services.is_some()
                        {
                            // A wrong or extra item at the online-order desk: said aloud, as
                            // the picker's eyes are on the shelf.
                            super::speech::say(&refusal.render(lang), lang);
                        }
                        if shift_opened {
                            // The sale that asked for the shift goes on.
                            let effects = self.counter.update(counter::Message::Checkout, lang);
                            more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                        }
                        if placed {
                            more.push((Target::App, Effect::Refresh));
                        }
                        if resolved && self.pending_scans > 0 {
                            self.pending_scans -= 1;
                            if self.pending_scans == 0 && self.options.place {
                                self.counter.session.pay = super::session::PayKind::Cash;
                                // Demos and screenshots: a shift with a zero float first.
                                let effects = if self.counter.shift_open {
                                    self.counter.update(counter::Message::Checkout, lang)
                                } else {
                                    vec![Effect::OpenShift(String::new())]
                                };
                                more.extend(effects.into_iter().map(|e| (Target::Counter, e)));
                            }
                            if self.pending_scans == 0 {
                                match self.options.counter_opening {
                                    Some(counter::Opening::VoidSale) => {
                                        self.counter.update(counter::Message::VoidSale, lang);
                                    }
                                    Some(counter::Opening::Shift) => {
                                        self.counter.update(counter::Message::Checkout, lang);
                                    }
                                    Some(
                                        counter::Opening::ShiftDesk | counter::Opening::ShiftCount,
                                    ) => {
                                        let effects = self
                                            .counter
                                            .update(counter::Message::OpenShiftDesk, lang);
                                        more.extend(
                                            effects.into_iter().map(|e| (Target::Counter, e)),
                                        );
                                        if self.options.counter_opening
                                            == Some(counter::Opening::ShiftCount)
                                        {
                                            self.counter.update(
                                                counter::Message::ShiftDesk(
                                                    super::shift_desk::Message::StartClose,
                                                ),
                                                lang,
                                            );
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                    (Target::Kiosk, o) => {
                        let placed = matches!(o, Outcome::Placed(Ok(_), _));
                        let resolved = matches!(o, Outcome::Resolved { .. });
                        more.extend(
                            self.kiosk
                                .outcome(o, lang)
                                .into_iter()
                                .map(|e| (Target::Kiosk, e)),
                        );
                        // Screenshots: the checkout once the start scans are in.
                        if resolved && self.pending_scans > 0 {
                            self.pending_scans -= 1;
                            if self.pending_scans == 0 && self.options.kiosk_checkout {
                                self.kiosk.update(kiosk::Message::ToCheckout, lang);
                            }
                        }
                        if placed {
                            more.push((Target::App, Effect::Refresh));
                        }
                    }
                    (Target::Setup, o) => {
                        let refresh = matches!(o, Outcome::Enrolled(Ok(_)) | Outcome::Synced(_));
                        if matches!(o, Outcome::Enrolled(Ok(_))) {
                            more.push((Target::Setup, Effect::ListCameras));
                        }
                        self.setup.outcome(o);
                        if refresh {
                            more.push((Target::App, Effect::Refresh));
                        }
                    }
                    (Target::App, _) => {}
                }
                more
            }
            Message::Tick => {
                let now = self.now_ms();
                self.update_effects(Message::TickAt(now))
            }
            Message::TickAt(now) => {
                self.kiosk.tick(now);
                if now / 10_000 != self.last_rss_log / 10_000 {
                    self.last_rss_log = now;
                    tracing::info!(target: "smartstore::perf", rss_kib = rss_kib(), window_ms = now, "memory");
                }
                // The status bar's figures count the outbox: every 2 s is fresh enough (orders
                // placed here refresh it at once).
                if now / 2_000 == self.last_refresh / 2_000 && self.last_refresh != 0 {
                    return vec![];
                }
                self.last_refresh = now.max(1);
                let mut effects = vec![(Target::App, Effect::Refresh)];
                // An enrolled counter hears kiosks on other network segments through the
                // platform.
                if self.mode == Mode::Counter
                    && self.status.enrolled
                    && let Some(e) = self.counter.poll_relay(now)
                {
                    effects.push((Target::Counter, e));
                }
                effects
            }
            Message::Camera(ev) => {
                if matches!(ev, CameraEvent::Preview(_)) && self.camera.preview.is_none() {
                    // Measured by benches/ui-startup.sh: process start to the first frame shown.
                    tracing::info!(
                        target: "smartstore::perf",
                        first_frame_unix_ms = unix_ms(),
                        since_window_ms = self.now_ms(),
                        rss_kib = rss_kib(),
                        "first camera frame"
                    );
                }
                let scan = self.camera.update(ev);
                if scan.is_some() && self.services.is_some() {
                    super::sound::beep();
                }
                match scan {
                    Some((text, sym)) => self.route_scan(text, sym),
                    None => vec![],
                }
            }
            Message::Shortcut(sc) => {
                if self.mode == Mode::Counter {
                    self.counter
                        .shortcut(sc, lang)
                        .into_iter()
                        .map(|e| (Target::Counter, e))
                        .collect()
                } else {
                    vec![]
                }
            }
            Message::Key { key, captured } => {
                let now = self.now_ms();
                let mut out = Vec::new();
                for ev in self.wedge.key(key, now) {
                    if let smartstore_scan::wedge::WedgeEvent::Scan(text) = ev {
                        out.extend(self.wedge_scan(text, captured));
                    }
                }
                out
            }
            Message::Screenshot(_) | Message::ScreenshotSaved(_) | Message::WindowClosed(_) => {
                vec![]
            }
        }
    }

    /// A scan typed by a keyboard-wedge scanner. When a text field had the focus it took the
    /// keys too: the counter's scan box submitted them already (nothing more to do); any other
    /// field (an address) gets them taken back out, and the scan goes to the cart.
    fn wedge_scan(&mut self, text: String, captured: bool) -> Vec<(Target, Effect)> {
        if self.services.is_some() {
            super::sound::beep();
        }
        if captured && self.mode == Mode::Counter && self.counter.take_submitted(&text) {
            return vec![];
        }
        if captured {
            let mut fields: Vec<&mut String> = vec![
                &mut self.counter.session.address,
                &mut self.counter.session.card_ref,
                &mut self.kiosk.session.address,
                &mut self.kiosk.session.card_ref,
                &mut self.setup.token,
            ];
            if let Some(f) = self.counter.shift_ask.as_mut() {
                fields.push(f);
            }
            if let Some(d) = self.counter.shift_desk.as_mut() {
                fields.extend([&mut d.amount, &mut d.reason, &mut d.counted]);
            }
            if let Some(f) = self.counter.age_form.as_mut() {
                fields.extend([&mut f.staff, &mut f.pin]);
            }
            for field in fields {
                if let Some(rest) = field.strip_suffix(text.as_str()) {
                    *field = rest.to_owned();
                }
            }
        }
        self.route_scan(text, None)
    }

    /// A scan, from the camera or a wedge scanner, to the screen of the current mode.
    fn route_scan(
        &mut self,
        text: String,
        sym: Option<smartstore_domain::scan::Symbology>,
    ) -> Vec<(Target, Effect)> {
        match self.mode {
            Mode::Counter => self
                .counter
                .scanned(text, sym)
                .into_iter()
                .map(|e| (Target::Counter, e))
                .collect(),
            Mode::Kiosk => self
                .kiosk
                .scanned(text, sym)
                .into_iter()
                .map(|e| (Target::Kiosk, e))
                .collect(),
            Mode::Setup => {
                self.setup.scanned(&text);
                vec![]
            }
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Screenshot(shot) => {
                let Some(path) = self.options.screenshot.clone() else {
                    return Task::none();
                };
                return Task::perform(
                    async move { save_png(&path, &shot) },
                    Message::ScreenshotSaved,
                );
            }
            Message::ScreenshotSaved(r) => {
                if let Err(e) = r {
                    eprintln!("error: screenshot: {e}");
                }
                return iced::exit();
            }
            Message::WindowClosed(id) => {
                if Some(id) == self.customer_window {
                    self.customer_window = None;
                    return Task::none();
                }
                return iced::exit();
            }
            Message::Tick
                if !self.shot_taken
                    && self.options.screenshot.is_some()
                    && self.started.elapsed() >= self.options.screenshot_after =>
            {
                self.shot_taken = true;
                let window = if self.options.shoot_customer {
                    self.customer_window
                } else {
                    self.main_window
                };
                return match window {
                    Some(id) => iced::window::screenshot(id).map(Message::Screenshot),
                    None => iced::window::latest()
                        .and_then(iced::window::screenshot)
                        .map(Message::Screenshot),
                };
            }
            _ => {}
        }
        let focus = match &message {
            Message::Shortcut(counter::Shortcut::Card) => Some(counter::CARD_INPUT),
            Message::Shortcut(counter::Shortcut::Address) => Some(counter::ADDRESS_INPUT),
            Message::Shortcut(_) => Some(counter::SCAN_INPUT),
            _ => None,
        };
        let effects = self.update_effects(message);
        if let Some(id) = focus.filter(|_| self.mode == Mode::Counter) {
            let tasks: Vec<Task<Message>> = effects
                .into_iter()
                .map(|(target, e)| self.run(target, e))
                .collect();
            return Task::batch(tasks).chain(iced::widget::operation::focus(id));
        }
        Task::batch(effects.into_iter().map(|(target, e)| self.run(target, e)))
    }

    pub fn subscription(&self) -> Subscription<Message> {
        Subscription::batch([
            iced::time::every(Duration::from_millis(500)).map(|_| Message::Tick),
            camera::subscription(&self.options.camera).map(Message::Camera),
            match (self.mode, self.assist_listen) {
                (Mode::Counter, Some(addr)) if !self.status.store_id.is_empty() => {
                    super::assist::subscription(addr, self.status.store_id.clone()).map(
                        |(call, from)| {
                            Message::Counter(counter::Message::HelpCall(
                                call,
                                crate::assist::Via::Datagram(from),
                            ))
                        },
                    )
                }
                _ => Subscription::none(),
            },
            iced::event::listen_with(key_event),
            iced::window::close_events().map(Message::WindowClosed),
        ])
    }

    /// The theme of a window: the customer display is always the high-contrast one; a kiosk
    /// shopper may switch to the inverted one.
    pub fn window_theme(&self, window: iced::window::Id) -> Theme {
        if Some(window) == self.customer_window {
            return super::style::high_contrast();
        }
        if self.mode == Mode::Kiosk && self.kiosk.contrast {
            return super::style::inverted();
        }
        self.theme()
    }

    /// The scale of a window: a kiosk shopper's large-text choice makes everything larger.
    pub fn window_scale(&self, window: iced::window::Id) -> f32 {
        if Some(window) != self.customer_window && self.mode == Mode::Kiosk && self.kiosk.large_text
        {
            1.35
        } else {
            1.0
        }
    }

    /// The title of a window.
    pub fn window_title(&self, window: iced::window::Id) -> String {
        if Some(window) == self.customer_window {
            return format!(
                "{} · {}",
                t(self.lang, "app-title"),
                t(self.lang, "customer-window")
            );
        }
        self.title()
    }

    /// What a window shows: the customer display, or the screen of the current mode.
    pub fn window_view(&self, window: iced::window::Id) -> Element<'_, Message> {
        if Some(window) == self.customer_window {
            return self.customer_view();
        }
        self.view()
    }

    /// The customer display: the sale the counter (or the kiosk) is ringing up.
    pub fn customer_view(&self) -> Element<'_, Message> {
        let (session, qr) = match self.mode {
            Mode::Kiosk => (&self.kiosk.session, None),
            _ => (&self.counter.session, self.counter.receipt_qr()),
        };
        super::customer::view(session, qr, &self.status.store_id, self.lang)
    }

    pub fn theme(&self) -> Theme {
        match self.mode {
            Mode::Kiosk => super::style::high_contrast(),
            _ => Theme::Light,
        }
    }

    pub fn title(&self) -> String {
        let mode = match self.mode {
            Mode::Counter => "mode-counter",
            Mode::Kiosk => "mode-kiosk",
            Mode::Setup => "mode-setup",
        };
        format!(
            "{} · {} · {}",
            t(self.lang, "app-title"),
            t(self.lang, mode),
            self.status.store_id
        )
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let big = self.mode == Mode::Kiosk;
        let body: Element<'_, Message> = match self.mode {
            Mode::Counter => self
                .counter
                .view(lang, self.camera.view(lang, big))
                .map(Message::Counter),
            Mode::Kiosk => self
                .kiosk
                .view(lang, self.camera.view(lang, big))
                .map(Message::Kiosk),
            Mode::Setup => self
                .setup
                .view(lang, self.camera.view(lang, big))
                .map(Message::Setup),
        };
        column![
            container(body).height(Fill),
            widgets::status_bar(&self.status, lang)
        ]
        .into()
    }
}

fn save_png(path: &std::path::Path, shot: &iced::window::Screenshot) -> Result<(), String> {
    let img = ::image::RgbaImage::from_raw(shot.size.width, shot.size.height, shot.rgba.to_vec())
        .ok_or_else(|| "the screenshot has the wrong size".to_owned())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    img.save(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Key presses for the wedge detector: characters and Enter, captured by a widget or not.
fn key_event(
    event: iced::Event,
    status: iced::event::Status,
    _: iced::window::Id,
) -> Option<Message> {
    use iced::keyboard::{Event, key::Named};
    use smartstore_scan::wedge::Key;
    let iced::Event::Keyboard(Event::KeyPressed { key, text, .. }) = event else {
        return None;
    };
    let shortcut = match &key {
        iced::keyboard::Key::Named(Named::F1) => Some(counter::Shortcut::Cash),
        iced::keyboard::Key::Named(Named::F2) => Some(counter::Shortcut::Card),
        iced::keyboard::Key::Named(Named::F3) => Some(counter::Shortcut::Later),
        iced::keyboard::Key::Named(Named::F4) => Some(counter::Shortcut::ToggleFulfil),
        iced::keyboard::Key::Named(Named::F5) => Some(counter::Shortcut::Address),
        iced::keyboard::Key::Named(Named::F7) => Some(counter::Shortcut::LessOfLast),
        iced::keyboard::Key::Named(Named::F8) => Some(counter::Shortcut::MoreOfLast),
        iced::keyboard::Key::Named(Named::F9) => Some(counter::Shortcut::RemoveLast),
        iced::keyboard::Key::Named(Named::F10) => Some(counter::Shortcut::HandOver),
        iced::keyboard::Key::Named(Named::F12) => Some(counter::Shortcut::PlaceOrder),
        iced::keyboard::Key::Named(Named::Escape) => Some(counter::Shortcut::Escape),
        _ => None,
    };
    if let Some(s) = shortcut {
        return Some(Message::Shortcut(s));
    }
    let key = match (&key, text.as_deref()) {
        (iced::keyboard::Key::Named(Named::Enter), _) => Key::Enter,
        (_, Some(t)) => {
            let mut chars = t.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !c.is_control() => Key::Char(c),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Message::Key {
        key,
        captured: status == iced::event::Status::Captured,
    })
}

fn unix_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Resident memory of this process (Linux), for the perf log.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}
