//! The terminal window (iced 0.14): counter, kiosk and setup modes, Chinese and English.
//! Each screen owns its Message and update; shop rules stay in `domain`; the database, the
//! camera and sync run off the UI thread.

pub mod app;
pub mod assist;
pub mod camera;
pub mod counter;
pub mod customer;
pub mod effect;
pub mod fulfil_desk;
pub mod kiosk;
pub mod mirror;
pub mod runtime;
pub mod services;
pub mod session;
pub mod setup;
pub mod shift_desk;
pub mod sound;
pub mod speech;
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
    // The client libraries the windowing layer opens at run time: one clear message naming
    // what is missing and its package, before anything could panic.
    #[cfg(target_os = "linux")]
    {
        let wayland = ["WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
            .iter()
            .any(|v| std::env::var_os(v).is_some());
        let missing = runtime::missing_libraries(wayland, &runtime::library_dirs());
        if !missing.is_empty() {
            anyhow::bail!("{}", runtime::missing_message(&missing));
        }
    }
    let services = services::Services::start(options.data_dir.clone(), store)?;
    let kiosk = options.mode == Mode::Kiosk && options.screenshot.is_none();
    // SMARTSTORE_WINDOW_SIZE=WxH opens the window at another size (screenshots of a given
    // screen size: docs/screenshots/make.sh).
    let asked_size = std::env::var("SMARTSTORE_WINDOW_SIZE").ok();
    let fill_monitor = asked_size.is_none() && options.screenshot.is_none();
    let size = asked_size
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
        fill_monitor,
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
    let daemon = iced::daemon(
        move || App::boot(boot_options.clone(), services.clone(), windows.clone()),
        App::update,
        App::window_view,
    )
    .title(App::window_title)
    .subscription(App::subscription)
    .theme(App::window_theme)
    .scale_factor(App::window_scale)
    // Fira Sans (bundled by iced) for Latin text; the CJK font is found by fallback.
    .font(FONT);
    // A panic inside the windowing layer (a library found but unusable) ends with a message,
    // not a backtrace: the library and its package when the panic names one.
    let told = std::sync::Arc::new(std::sync::Mutex::new(None::<String>));
    let keep = told.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if let Ok(mut t) = keep.lock() {
            *t = Some(format!(
                "{text} ({})",
                info.location().map(|l| l.to_string()).unwrap_or_default()
            ));
        }
    }));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| daemon.run()));
    std::panic::set_hook(previous);
    match result {
        Ok(r) => r.map_err(|e| anyhow::anyhow!("cannot open the window: {e}")),
        Err(_) => {
            let text = told.lock().ok().and_then(|t| t.clone()).unwrap_or_default();
            match runtime::library_in_panic(&text) {
                Some(m) => anyhow::bail!("{}", runtime::missing_message(&[m])),
                None => anyhow::bail!("the window stopped: {text}"),
            }
        }
    }
}
