//! The technician's first-run wizard: language, enrolment (or the demo store), camera test,
//! connection test and sync, diagnostics.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Alignment, Color, Element, Fill};

use super::effect::{CheckLine, Effect, Outcome};
use crate::i18n::Msg;
use crate::i18n::{Lang, t, tr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Language,
    Enrol,
    Camera,
    Connection,
    Diagnostics,
}

#[derive(Debug, Clone)]
pub enum Message {
    Language(Lang),
    Url(String),
    Token(String),
    Enrol,
    Demo,
    Next,
    Back,
    SyncNow,
    RunDoctor,
    Finish,
    PickCamera(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    LanguageChosen(Lang),
    /// The wizard is done: go to the selling screen.
    Finished,
    /// Use this camera from now on (the window restarts the camera and saves the choice).
    CameraChosen(String),
}

pub struct Setup {
    pub step: Step,
    pub url: String,
    pub token: String,
    pub enrolled: Option<Result<String, Msg>>,
    pub demo: bool,
    pub last_read: Option<String>,
    pub connection: Option<Result<Msg, Msg>>,
    pub checks: Vec<CheckLine>,
    pub busy: bool,
    /// (spec, label) of the cameras to choose from.
    pub cameras: Vec<(String, String)>,
    /// The camera chosen here, if any.
    pub camera: Option<String>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            step: Step::Language,
            url: "http://127.0.0.1:8480".into(),
            token: String::new(),
            enrolled: None,
            demo: false,
            last_read: None,
            connection: None,
            checks: Vec::new(),
            busy: false,
            cameras: Vec::new(),
            camera: None,
        }
    }
}

impl Setup {
    /// The camera test shows what was read.
    pub fn scanned(&mut self, text: &str) {
        self.last_read = Some(text.chars().take(60).collect());
    }

    pub fn update(&mut self, msg: Message) -> (Vec<Effect>, Option<Event>) {
        match msg {
            Message::Language(l) => {
                self.step = Step::Enrol;
                return (vec![], Some(Event::LanguageChosen(l)));
            }
            Message::Url(u) => self.url = u,
            Message::Token(tk) => self.token = tk,
            Message::Enrol => {
                self.busy = true;
                return (
                    vec![Effect::Enroll {
                        url: self.url.trim().to_owned(),
                        token: self.token.trim().to_owned(),
                    }],
                    None,
                );
            }
            Message::Demo => {
                self.demo = true;
                self.step = Step::Camera;
                return (vec![Effect::ListCameras], None);
            }
            Message::PickCamera(spec) => {
                self.camera = Some(spec.clone());
                self.last_read = None;
                return (vec![], Some(Event::CameraChosen(spec)));
            }
            Message::Next => {
                self.step = match self.step {
                    Step::Language => Step::Enrol,
                    Step::Enrol => Step::Camera,
                    Step::Camera => Step::Connection,
                    Step::Connection => Step::Diagnostics,
                    Step::Diagnostics => Step::Diagnostics,
                };
                if self.step == Step::Diagnostics {
                    self.busy = true;
                    return (vec![Effect::Doctor], None);
                }
                if self.step == Step::Camera {
                    return (vec![Effect::ListCameras], None);
                }
            }
            Message::Back => {
                self.step = match self.step {
                    Step::Language | Step::Enrol => Step::Language,
                    Step::Camera => Step::Enrol,
                    Step::Connection => Step::Camera,
                    Step::Diagnostics => Step::Connection,
                }
            }
            Message::SyncNow => {
                self.busy = true;
                return (vec![Effect::SyncNow], None);
            }
            Message::RunDoctor => {
                self.busy = true;
                return (vec![Effect::Doctor], None);
            }
            Message::Finish => return (vec![], Some(Event::Finished)),
        }
        (vec![], None)
    }

    pub fn outcome(&mut self, outcome: Outcome) {
        self.busy = false;
        match outcome {
            Outcome::Enrolled(r) => {
                if r.is_ok() {
                    self.step = Step::Camera;
                }
                self.enrolled = Some(r);
            }
            Outcome::Synced(r) => self.connection = Some(r),
            Outcome::Doctor(c) => self.checks = c,
            Outcome::Cameras(c) => self.cameras = c,
            Outcome::Failed(e) => self.connection = Some(Err(e)),
            _ => {}
        }
    }

    /// One button per camera the system offers, and the demo frames.
    fn camera_choice<'a>(&'a self, lang: Lang) -> Element<'a, Message> {
        let mut r = row![text(t(lang, "setup-camera-choose"))]
            .spacing(10)
            .align_y(Alignment::Center);
        for (spec, label) in &self.cameras {
            let chosen = self.camera.as_deref() == Some(spec.as_str());
            // The demo frames come without a label: their name is in the user's language.
            let label = if label.is_empty() {
                t(lang, "camera-demo-frames")
            } else {
                label.clone()
            };
            let b = button(text(label))
                .on_press(Message::PickCamera(spec.clone()))
                .padding(8);
            r = r.push(if chosen {
                b.style(button::success)
            } else {
                b.style(button::secondary)
            });
        }
        r.into()
    }

    pub fn view<'a>(&'a self, lang: Lang, camera: Element<'a, Message>) -> Element<'a, Message> {
        let nav = |back: bool| {
            let mut r = row![].spacing(12);
            if back {
                r = r.push(
                    button(text(t(lang, "back")))
                        .on_press(Message::Back)
                        .padding(10),
                );
            }
            r.push(
                button(text(t(lang, "next")))
                    .on_press(Message::Next)
                    .padding(10),
            )
        };
        let red = Color::from_rgb8(0xb3, 0x26, 0x1e);
        let green = Color::from_rgb8(0x1b, 0x7f, 0x3b);
        let body: Element<'a, Message> = match self.step {
            Step::Language => column![
                text(t(lang, "setup-language")).size(26),
                row![
                    button(text(Lang::Zh.native_name()).size(24))
                        .on_press(Message::Language(Lang::Zh))
                        .padding(16),
                    button(text(Lang::En.native_name()).size(24))
                        .on_press(Message::Language(Lang::En))
                        .padding(16),
                ]
                .spacing(20),
            ]
            .spacing(20)
            .into(),
            Step::Enrol => {
                let mut c = column![
                    text(t(lang, "setup-enrol")).size(26),
                    text(t(lang, "setup-platform")),
                    text_input("https://…", &self.url)
                        .on_input(Message::Url)
                        .padding(8),
                    text(t(lang, "setup-token")),
                    text_input("et1-…", &self.token)
                        .on_input(Message::Token)
                        .padding(8),
                    row![
                        button(text(t(lang, "setup-enrol-button")))
                            .on_press_maybe((!self.busy).then_some(Message::Enrol))
                            .padding(10)
                            .style(button::success),
                        button(text(t(lang, "setup-demo")))
                            .on_press(Message::Demo)
                            .padding(10),
                    ]
                    .spacing(12),
                ]
                .spacing(10);
                match &self.enrolled {
                    Some(Ok(d)) => {
                        c = c.push(
                            text(tr(lang, "setup-enrolled", &[("detail", d.clone())])).color(green),
                        )
                    }
                    Some(Err(e)) => c = c.push(text(e.render(lang)).color(red)),
                    None => {}
                }
                c.push(nav(true)).into()
            }
            Step::Camera => column![
                text(t(lang, "setup-camera")).size(26),
                self.camera_choice(lang),
                text(t(lang, "setup-camera-hint")),
                camera,
                text(tr(
                    lang,
                    "setup-last-read",
                    &[("text", self.last_read.clone().unwrap_or_else(|| "—".into()))]
                ))
                .size(20),
                nav(true),
            ]
            .spacing(10)
            .into(),
            Step::Connection => {
                let mut c = column![
                    text(t(lang, "setup-connection")).size(26),
                    button(text(t(lang, "setup-sync-now")))
                        .on_press_maybe((!self.busy).then_some(Message::SyncNow))
                        .padding(10),
                ]
                .spacing(10);
                match &self.connection {
                    Some(Ok(d)) => {
                        c = c.push(
                            text(tr(lang, "setup-sync-ok", &[("detail", d.render(lang))]))
                                .color(green),
                        )
                    }
                    Some(Err(e)) => {
                        c = c.push(
                            text(tr(lang, "setup-sync-failed", &[("error", e.render(lang))]))
                                .color(red),
                        )
                    }
                    None => {}
                }
                c.push(nav(true)).into()
            }
            Step::Diagnostics => {
                let mut list = column![].spacing(6);
                for c in &self.checks {
                    let color = match c.status.as_str() {
                        "pass" => green,
                        "warn" | "skipped" => Color::from_rgb8(0x9a, 0x67, 0x00),
                        _ => red,
                    };
                    // Each check, its outcome and what to do, in the user's language. The
                    // technician's details (paths, figures, commands) are the command line's.
                    let args = [("check", c.check.clone()), ("status", c.status.clone())];
                    let summary = if c.status == "skipped" {
                        t(lang, "doctor-skipped")
                    } else {
                        tr(lang, "doctor-summary", &args)
                    };
                    let item = row![
                        text(format!(
                            "[{}] {}",
                            tr(lang, "doctor-status", &args),
                            tr(lang, "doctor-check", &args)
                        ))
                        .color(color)
                        .width(200),
                        text(summary)
                    ]
                    .spacing(10);
                    list = list.push(item);
                }
                column![
                    text(t(lang, "setup-diagnostics")).size(26),
                    button(text(t(lang, "setup-run-doctor")))
                        .on_press_maybe((!self.busy).then_some(Message::RunDoctor))
                        .padding(10),
                    scrollable(list).height(Fill),
                    row![
                        button(text(t(lang, "back")))
                            .on_press(Message::Back)
                            .padding(10),
                        button(text(t(lang, "setup-finish")))
                            .on_press(Message::Finish)
                            .padding(10)
                            .style(button::success)
                    ]
                    .spacing(12),
                ]
                .spacing(10)
                .into()
            }
        };
        container(
            column![text(t(lang, "setup-title")).size(32), body]
                .spacing(18)
                .align_x(Alignment::Start),
        )
        .padding(24)
        .width(Fill)
        .height(Fill)
        .into()
    }
}
