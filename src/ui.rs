//! The terminal window (iced 0.14): counter, kiosk and setup modes, Chinese and English.
//! Each screen owns its Message and update; shop rules stay in `domain`; the database, the
//! camera and sync run off the UI thread.

pub mod app;
pub mod camera;
pub mod counter;
pub mod customer;
pub mod effect;
pub mod kiosk;
pub mod services;
pub mod session;
pub mod setup;
pub mod shift_desk;
pub mod sound;
pub mod style;
pub mod widgets;

pub use app::{App, Mode, Options, Windows};

/// The bundled CJK font (Droid Sans Fallback, Apache-2.0): Chinese renders without a system font.
pub const FONT: &[u8] = include_bytes!("../assets/fonts/DroidSansFallbackFull.ttf");

/// Opens the window and runs until it is closed.
pub fn run(
    options: Options,
    store: crate::store::Store,
    customer: Option<customer::Placement>,
) -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    if ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
        .iter()
        .all(|v| std::env::var_os(v).is_none())
    {
        anyhow::bail!(
            "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): \
             run it in a desktop session, under the cage kiosk compositor (the package's unit does), \
             or under Xvfb; the command-line tools need no display (smartstore --help)"
        );
    }
    let services = services::Services::start(options.data_dir.clone(), store)?;
    let kiosk = options.mode == Mode::Kiosk && options.screenshot.is_none();
    // SMARTSTORE_WINDOW_SIZE=WxH opens the window at another size (screenshots of a given
    // screen size: docs/screenshots/make.sh).
    let size = std::env::var("SMARTSTORE_WINDOW_SIZE")
        .ok()
        .and_then(|v| {
            let (w, h) = v.split_once('x')?;
            Some(iced::Size::new(w.parse().ok()?, h.parse().ok()?))
        })
        .unwrap_or(if options.mode == Mode::Kiosk {
            iced::Size::new(1280.0, 800.0)
        } else {
            iced::Size::new(1280.0, 760.0)
        });
    let boot_options = options.clone();
    let windows = Windows {
        main: iced::window::Settings {
            size,
            fullscreen: kiosk,
            exit_on_close_request: !kiosk,
            ..iced::window::Settings::default()
        },
        // The screenshot of the customer display is taken at the asked size.
        customer: customer.map(|p| {
            let mut w = p.window();
            if options.shoot_customer && p.monitor.is_none() {
                w.size = size;
            }
            w
        }),
    };
    // A daemon: the counter's window and, on a second monitor, the customer display's.
    iced::daemon(
        move || App::boot(boot_options.clone(), services.clone(), windows.clone()),
        App::update,
        App::window_view,
    )
    .title(App::window_title)
    .subscription(App::subscription)
    .theme(App::window_theme)
    // Fira Sans (bundled by iced) for Latin text; the CJK font is found by fallback.
    .font(FONT)
    .run()
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
