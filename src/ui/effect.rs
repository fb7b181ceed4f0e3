//! What screens ask of the rest of the terminal, and what comes back. Screens return
//! [`Effect`]s from `update`; the app runs them on the store thread ([`super::services`]) and
//! feeds the [`Outcome`] back as a message. Tests run [`execute`] directly: the same code.

use std::path::Path;

use crate::checkout::{CodeContext, Resolution, resolve};
use crate::i18n::{Localize as _, Msg};
use crate::store::{Store, SyncStatus};
use smartstore_domain::checkout::Checkout;
use smartstore_domain::scan::Symbology;
use smartstore_protocol::codes::Pickup;

#[derive(Debug, Clone)]
pub enum Effect {
    /// Look a scanned text up.
    Resolve {
        text: String,
        symbology: Option<Symbology>,
    },
    /// Place a sale (payment by code is charged online first, under the checkout's reference).
    Place(Box<PlaceRequest>),
    /// Hand an online order over.
    Collect(Pickup),
    /// Read the status bar's figures.
    Refresh,
    Enroll {
        url: String,
        token: String,
    },
    SyncNow,
    Doctor,
    /// The cameras the system offers, for the setup screen's camera choice.
    ListCameras,
    /// Remember the chosen camera in config.toml.
    SaveCamera(String),
    /// Keep the kiosk's staff PIN guard (failures, lockout) across a restart.
    KeepPinGuard(smartstore_domain::kiosk::PinGuardState),
    /// Void the sale in progress with a supervisor's approval, giving back what it took.
    VoidSale {
        checkout: Box<Checkout>,
        staff: String,
        pin: String,
    },
    /// Open the shift with the float counted in the drawer (as typed).
    OpenShift(String),
    /// The open shift's X report.
    ShiftReport,
    /// Cash put in or taken out of the drawer (amount as typed), with its reason.
    MoveCash {
        cash_in: bool,
        amount: String,
        reason: String,
    },
    /// Close the shift blind with the drawer counted (as typed): its Z report.
    CloseShift(String),
    /// Products whose name or pinyin matches what the clerk typed.
    Search(String),
    /// The online orders to fill here (listing accepts the new ones).
    FulfilQueue,
    /// One online order and its pick list.
    FulfilOpen(String),
    /// A scanned item picked into an online order.
    FulfilPick {
        order: String,
        text: String,
    },
    /// Pack an online order and put its label out (printer, or a PNG in the data folder).
    FulfilPack {
        order: String,
        lang: crate::i18n::Lang,
    },
    /// Hand a packed parcel over against a scan of its label.
    FulfilHandOver {
        order: String,
        label: String,
    },
    /// Give an online order back to the platform, with the reason.
    FulfilReject {
        order: String,
        reason: String,
    },
    /// A kiosk's call for assistance, sent on the local network and through the platform when
    /// enrolled; waits for a clerk's answer (run on its own thread, never the store's).
    CallHelp(Box<crate::assist::Call>, std::net::SocketAddr),
    /// A clerk answers a call: back to the kiosk that sent it, the way it came.
    AnswerHelp(Box<crate::assist::Call>, crate::assist::Via),
    /// A counter asks the platform for the calls of its store (this id) relayed after this
    /// cursor (kiosks on another network segment); run on its own thread.
    PollAssist(String, u64),
    /// A member of staff approves a kiosk's age check from this counter with their PIN: the
    /// approval, signed by this terminal's key, is then sent back to the kiosk
    /// ([`Outcome::ApprovalSigned`]).
    ApproveAge {
        call: Box<crate::assist::Call>,
        by_terminal: String,
        staff: String,
        pin: String,
    },
    /// The kiosk checks an approval that came back for its age check (the counter's key).
    CheckApproval {
        asked: Box<crate::assist::Call>,
        answer: Box<crate::assist::Call>,
    },
    /// Print the receipt of the sale just placed, when a printer is set (in this language).
    PrintReceipt {
        order_id: String,
        lang: crate::i18n::Lang,
    },
    /// Find the sale a scanned or typed receipt names, for a return.
    FindReceipt(String),
    /// Take goods back (a return, or a void of a sale of today) with a supervisor's approval.
    TakeBack(Box<TakeBack>),
}

/// A sale to place: the checkout (its attempt and the tenders already taken), how it is paid
/// and fulfilled.
#[derive(Debug, Clone)]
pub struct PlaceRequest {
    pub checkout: Checkout,
    pub tender: smartstore_domain::checkout::TenderKind,
    pub fulfilment: smartstore_domain::order::Fulfilment,
    pub member_id: Option<String>,
    /// The kiosk's sales: one shift a day, which it opens (and closes the day after) itself.
    pub daily_shift: bool,
}

/// A return or a void the counter asks for.
#[derive(Debug, Clone)]
pub struct TakeBack {
    /// The receipt as scanned or typed.
    pub receipt: String,
    /// (GTIN, quantity, back on the shelf); empty with `void`: the whole sale.
    pub lines: Vec<(smartstore_domain::gtin::Gtin, u32, bool)>,
    pub refund: smartstore_domain::returns::RefundTo,
    pub void: bool,
    pub staff: String,
    pub pin: String,
}

/// A line of a sale found for a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub gtin: smartstore_domain::gtin::Gtin,
    pub name: String,
    pub name_zh: Option<String>,
    pub bought: u32,
    /// What may still come back (bought, less every return known).
    pub left: u32,
    /// The unit price, shown.
    pub price: String,
}

/// A sale found for a return: its lines with what may still come back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptView {
    pub text: String,
    pub receipt: String,
    pub total: String,
    pub lines: Vec<ReceiptLine>,
    /// The methods the sale was paid by (cash, card, code, later).
    pub methods: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub id: String,
    pub receipt: String,
    pub total: String,
    /// What the receipt's QR carries (the signed receipt link); `None` on the demo store.
    pub receipt_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TerminalStatus {
    pub sync: Option<SyncStatus>,
    /// Why new orders are refused, when they are (a damaged database, a read-only or full disk).
    pub problem: Option<Msg>,
    pub enrolled: bool,
    pub store_id: String,
    /// This terminal's id in its store (an assistance call says which kiosk).
    pub terminal_id: String,
    pub online: bool,
    /// A shift is open (counter sales need one).
    pub shift_open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub check: String,
    /// `pass`, `warn` or `fail`; `skipped` for a warning that means "not checked".
    pub status: String,
    pub detail: String,
    pub fix: String,
}

#[derive(Debug, Clone)]
pub enum Outcome {
    Resolved {
        text: String,
        resolution: Resolution,
        codes: CodeContext,
        /// A member's scan: their Magic Mirror recommendations in stock here (empty without
        /// consent); `None` for other scans.
        mirror: Option<Vec<crate::mirror::Recommended>>,
    },
    /// The sale placed, or why not; with the checkout as it now stands (its tenders keep their
    /// references for a retry).
    Placed(Result<Placed, Msg>, Box<Checkout>),
    Collected(Result<String, Msg>),
    Status(TerminalStatus),
    Enrolled(Result<String, Msg>),
    Synced(Result<Msg, Msg>),
    Doctor(Vec<CheckLine>),
    /// (spec, label) of each camera; the demo frames come first, with an empty label.
    Cameras(Vec<(String, String)>),
    Saved(Result<String, Msg>),
    SaleVoided(Result<(), Msg>),
    /// The shift opened, with its float shown; or why not.
    ShiftOpened(Result<String, Msg>),
    /// The open shift's X report (after cash was moved: `true`), or why not.
    ShiftReported(
        Result<Box<smartstore_domain::shift::ShiftReport>, Msg>,
        bool,
    ),
    /// The shift closed: its Z report, or why not.
    ShiftClosed(Result<Box<smartstore_domain::shift::ShiftReport>, Msg>),
    /// The online-order desk's queue or order, or why a step was refused.
    Fulfil(FulfilOutcome),
    /// A call for assistance or an age check (the call sent): answered by a clerk (`Some`), or
    /// not yet (sent again); or why it could not be sent.
    Helped(
        crate::assist::Call,
        Result<Option<crate::assist::Call>, Msg>,
    ),
    /// A counter's approval of the kiosk's age check, checked: the member of staff, or why not.
    AgeApproved(Result<String, Msg>),
    /// The answer to a call went back to its kiosk (the call's id), or why not.
    Answered(String, Result<(), Msg>),
    /// A member of staff approved an age check here (the call's id): the signed approval to
    /// send back, or why not (a wrong PIN, a terminal not enrolled).
    ApprovalSigned(String, Result<Box<crate::assist::Call>, Msg>),
    /// The calls and answers the platform relayed since the counter last asked, with the
    /// cursor after them; or why it could not be asked.
    Relayed(Result<(Vec<crate::assist::Call>, u64), Msg>),
    /// The products found for a typed query (the query, to drop an answer that came late).
    Found(String, Vec<smartstore_domain::catalog::CatalogItem>),
    /// The receipt printed (`true`), no printer is set (`false`), or why it did not print.
    Printed(Result<bool, Msg>),
    Receipt(Result<ReceiptView, Msg>),
    /// A return or void done: its message (what was refunded, how), or why not.
    TakenBack(Result<Msg, Msg>),
    /// The store thread failed; the message is for the status line.
    Failed(Msg),
}

/// The status bar's short words for why new orders are refused (the refusal itself, shown
/// when a sale is tried, says all of it).
fn status_problem(e: &crate::store::StoreError) -> Msg {
    use crate::store::StoreError;
    match e {
        StoreError::Damaged { .. } | StoreError::Corrupt { .. } => Msg::new("status-store-damaged"),
        StoreError::ReadOnlyFilesystem { .. } | StoreError::ReadOnly { .. } => {
            Msg::new("status-store-read-only")
        }
        StoreError::DiskFull { .. } => Msg::new("status-store-disk-full"),
        other => other.msg(),
    }
}

fn online(status: &SyncStatus) -> bool {
    use time::format_description::well_known::Rfc3339;
    status.last_error.is_none()
        && status
            .last_ok_at
            .as_deref()
            .and_then(|t| time::OffsetDateTime::parse(t, &Rfc3339).ok())
            .is_some_and(|t| time::OffsetDateTime::now_utc() - t < time::Duration::seconds(60))
}

/// What the setup screen shows of a sync pass.
pub fn synced(result: Result<crate::sync::SyncReport, crate::sync::SyncError>) -> Result<Msg, Msg> {
    result
        .map(|r| {
            Msg::new("sync-report")
                .arg("sent", r.pushed)
                .arg("catalog", r.catalog)
                .arg("pickups", r.pickups)
        })
        .map_err(|e| e.msg())
}

/// A configuration file that cannot be read or written (its own error is for the log).
fn config_failed(data_dir: &Path, e: &anyhow::Error) -> Msg {
    tracing::error!("configuration: {e:#}");
    Msg::new("config-failed").arg("path", data_dir.join(crate::config::CONFIG_FILE).display())
}

/// An assistance call or answer that could not be sent or received.
fn assist_failed(e: crate::assist::AssistError) -> Msg {
    match e {
        crate::assist::AssistError::Platform(e) => e.msg(),
        e => Msg::new("assist-failed").arg("detail", e.to_string()),
    }
}

/// The network side of assistance (no store): a kiosk's call waits for its answer, a counter's
/// answer goes back, a counter asks the platform what it relayed. `platform`: this terminal,
/// when enrolled. The window runs it on a blocking thread of its own.
pub fn assist(effect: Effect, platform: Option<&crate::sync::Device>) -> Outcome {
    match effect {
        Effect::CallHelp(call, to) => {
            let answer =
                crate::assist::call_and_wait(&call, to, HELP_WAIT, platform).map_err(assist_failed);
            Outcome::Helped(*call, answer)
        }
        Effect::AnswerHelp(answer, via) => Outcome::Answered(
            answer.call.clone(),
            crate::assist::send_answer(&answer, via, platform).map_err(assist_failed),
        ),
        Effect::PollAssist(store, cursor) => Outcome::Relayed(match platform {
            Some(device) => {
                crate::assist::relayed_since(device, &store, cursor).map_err(|e| e.msg())
            }
            None => Err(crate::sync::SyncError::NotEnrolled.msg()),
        }),
        _ => Outcome::Failed(Msg::new("assist-failed").arg("detail", "not an assistance effect")),
    }
}

/// How long a kiosk waits for a clerk's answer before calling again.
pub const HELP_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs one effect against the store. Blocking; never on the UI thread.
pub fn execute(store: &mut Store, data_dir: &Path, effect: Effect) -> Outcome {
    let result: Result<Outcome, Msg> = (|| {
        Ok(match effect {
            Effect::Resolve { text, symbology } => {
                let labels = crate::config::Config::load(data_dir)
                    .and_then(|c| crate::checkout::LabelRules::of(&c))
                    .map_err(|e| config_failed(data_dir, &e))?;
                let codes = CodeContext::load(store, labels).map_err(|e| e.msg())?;
                let resolution = resolve(store, &text, symbology, &codes).map_err(|e| e.msg())?;
                let mirror = match &resolution {
                    Resolution::Member(m) => Some(crate::mirror::for_scanned(store, m)),
                    _ => None,
                };
                Outcome::Resolved {
                    text,
                    resolution,
                    codes,
                    mirror,
                }
            }
            Effect::Place(request) => {
                let mut request = *request;
                if request.daily_shift {
                    let config = crate::config::Config::load(data_dir)
                        .map_err(|e| config_failed(data_dir, &e))?;
                    let offset = config
                        .utc_offset()
                        .map_err(|e| config_failed(data_dir, &e))?;
                    let tax = config
                        .tax_rate_bp()
                        .map_err(|e| config_failed(data_dir, &e))?;
                    crate::shift::ensure_today(
                        store,
                        request.checkout.cart().currency(),
                        offset,
                        tax,
                    )
                    .map_err(|e| e.msg())?;
                }
                let result = crate::sale::place_paid_by(
                    store,
                    data_dir,
                    &mut request.checkout,
                    request.tender,
                    request.fulfilment,
                    request.member_id,
                )
                .map(|p| Placed {
                    receipt_code: crate::sale::receipt_code(store, data_dir, &p.id.to_string())
                        .unwrap_or_else(|e| {
                            tracing::warn!("no receipt code: {e}");
                            None
                        }),
                    id: p.id.to_string(),
                    receipt: p.receipt,
                    total: p.total.to_string(),
                })
                .map_err(|e| e.msg());
                Outcome::Placed(result, Box::new(request.checkout))
            }
            Effect::Collect(p) => {
                if let Err(e) = crate::sync::claim_single_use(
                    store,
                    data_dir,
                    smartstore_protocol::wire::ClaimKind::Pickup,
                    &p.order_id,
                ) {
                    return Ok(Outcome::Collected(Err(e.msg())));
                }
                let lines: Vec<(String, u32)> =
                    p.lines.iter().map(|(g, q)| (g.as_str(), *q)).collect();
                Outcome::Collected(
                    store
                        .collect_pickup(&p.order_id, &p.store, &lines)
                        .map(|_| p.order_id.clone())
                        .map_err(|e| e.msg()),
                )
            }
            Effect::Refresh => {
                let sync = store.sync_status().map_err(|e| e.msg())?;
                let (store_id, terminal_id) = store.receipt_prefix().map_err(|e| e.msg())?;
                Outcome::Status(TerminalStatus {
                    problem: store.write_problem().map(|e| status_problem(&e)),
                    online: online(&sync),
                    enrolled: store.meta("device_id").map_err(|e| e.msg())?.is_some(),
                    store_id,
                    terminal_id,
                    shift_open: store.open_shift().map_err(|e| e.msg())?.is_some(),
                    sync: Some(sync),
                })
            }
            Effect::Enroll { url, token } => Outcome::Enrolled((|| {
                let client = crate::sync::PlatformClient::with_trust(
                    &url,
                    std::time::Duration::from_secs(15),
                    crate::sync::enrolment_trust(&token, None).map_err(|e| e.msg())?,
                )
                .map_err(|e| e.msg())?;
                let e =
                    crate::sync::enroll(store, data_dir, &client, &token).map_err(|e| e.msg())?;
                Ok(format!("{} {}", e.store_id, e.terminal_id))
            })()),
            Effect::SyncNow => {
                let mut engine =
                    crate::sync::engine::Engine::new(&mut *store, data_dir, Default::default());
                Outcome::Synced(synced(engine.pass().result))
            }
            Effect::ListCameras => {
                let demo = super::camera::demo_frames_dir();
                // No label: the screen names the demo frames in its language.
                let mut out = vec![(format!("replay:{}", demo.display()), String::new())];
                match smartstore_scan::camera::list() {
                    Ok(cams) => out.extend(
                        cams.into_iter()
                            .map(|c| (c.index.clone(), format!("{} {}", c.index, c.name))),
                    ),
                    Err(e) => tracing::info!("no cameras listed: {e}"),
                }
                Outcome::Cameras(out)
            }
            Effect::SaveCamera(spec) => Outcome::Saved((|| {
                let mut config = crate::config::Config::load(data_dir)
                    .map_err(|e| config_failed(data_dir, &e))?;
                config.camera = Some(spec.clone());
                config
                    .save(data_dir)
                    .map_err(|e| config_failed(data_dir, &e))?;
                Ok(spec)
            })()),
            Effect::VoidSale {
                checkout,
                staff,
                pin,
            } => Outcome::SaleVoided(void_sale(store, data_dir, *checkout, &staff, &pin)),
            Effect::FindReceipt(text) => Outcome::Receipt(find_receipt(store, &text)),
            Effect::OpenShift(float) => Outcome::ShiftOpened(open_shift(store, data_dir, &float)),
            Effect::ShiftReport => {
                Outcome::ShiftReported(x_report(store, data_dir).map(Box::new), false)
            }
            Effect::FulfilQueue => Outcome::Fulfil(FulfilOutcome::Queue(
                store.fulfil_queue().map_err(|e| e.msg()),
            )),
            Effect::FulfilOpen(id) => fulfil_order(store, &id, Ok(None)),
            Effect::FulfilPick { order, text } => {
                let picked = crate::fulfil::pick_scanned(store, &order, &text)
                    .map(|_| Some(Msg::new("fulfil-picked")))
                    .map_err(|e| e.msg());
                fulfil_order(store, &order, picked)
            }
            Effect::FulfilPack { order, lang } => {
                let packed = crate::fulfil::pack_and_label(store, data_dir, &order, lang)
                    .map(|(_, said)| Some(said));
                fulfil_order(store, &order, packed)
            }
            Effect::FulfilHandOver { order, label } => {
                let done = store
                    .hand_over_online(&order, &label)
                    .map(|o| {
                        Some(Msg::new(if o.is_pickup() {
                            "fulfil-collected"
                        } else {
                            "fulfil-shipped"
                        }))
                    })
                    .map_err(|e| e.msg());
                fulfil_order(store, &order, done)
            }
            Effect::FulfilReject { order, reason } => {
                let done = store
                    .reject_online(&order, &reason)
                    .map(|_| Some(Msg::new("fulfil-rejected")))
                    .map_err(|e| e.msg());
                fulfil_order(store, &order, done)
            }
            Effect::MoveCash {
                cash_in,
                amount,
                reason,
            } => Outcome::ShiftReported(
                move_cash(store, data_dir, cash_in, &amount, &reason)
                    .and_then(|()| x_report(store, data_dir))
                    .map(Box::new),
                true,
            ),
            e @ (Effect::CallHelp(..) | Effect::AnswerHelp(..) | Effect::PollAssist(..)) => {
                let platform = crate::sync::Device::load(store, data_dir).ok();
                assist(e, platform.as_ref())
            }
            Effect::ApproveAge {
                call,
                by_terminal,
                staff,
                pin,
            } => Outcome::ApprovalSigned(
                call.call.clone(),
                approve_age(store, data_dir, &call, &by_terminal, &staff, &pin).map(Box::new),
            ),
            Effect::CheckApproval { asked, answer } => {
                let key = match answer.device.as_deref() {
                    Some(d) => store.device_key(d).map_err(|e| e.msg())?,
                    None => None,
                };
                Outcome::AgeApproved(answer.verify_approval(&asked, |_| key).map_err(|e| e.msg()))
            }
            Effect::Search(query) => {
                let items = store
                    .all_items(crate::search::MAX_CATALOG)
                    .map_err(|e| e.msg())?;
                let found = crate::search::search(&items, &query, crate::search::MAX_RESULTS);
                Outcome::Found(query, found)
            }
            Effect::PrintReceipt { order_id, lang } => Outcome::Printed(
                crate::receipt_page::print_after_sale(store, data_dir, &order_id, lang)
                    .map(|s| s.is_some())
                    .map_err(|e| e.msg()),
            ),
            Effect::CloseShift(counted) => {
                Outcome::ShiftClosed(close_shift(store, data_dir, &counted).map(Box::new))
            }
            Effect::TakeBack(t) => Outcome::TakenBack(take_back(store, data_dir, &t)),
            Effect::KeepPinGuard(state) => {
                store.keep_pin_guard(&state).map_err(|e| e.msg())?;
                Outcome::Saved(Ok(String::new()))
            }
            Effect::Doctor => {
                let ctx = crate::config::Context::new(Some(data_dir))
                    .map_err(|e| config_failed(data_dir, &e))?;
                let checks = crate::diagnostics::run_checks(&ctx, None);
                Outcome::Doctor(
                    checks
                        .into_iter()
                        .map(|c| CheckLine {
                            check: c.check.to_owned(),
                            status: if c.skipped {
                                "skipped".to_owned()
                            } else {
                                format!("{:?}", c.status).to_lowercase()
                            },
                            detail: c.detail,
                            fix: c.fix,
                        })
                        .collect(),
                )
            }
        })
    })();
    result.unwrap_or_else(Outcome::Failed)
}

/// Voids the sale in progress: a supervisor approves (unless nothing is in it), and what its
/// tenders took is given back.
fn void_sale(
    store: &mut Store,
    data_dir: &Path,
    mut checkout: Checkout,
    staff: &str,
    pin: &str,
) -> Result<(), Msg> {
    let empty = checkout.cart().is_empty() && checkout.tenders().is_empty();
    let approval = if empty {
        None
    } else {
        Some(crate::staff::approve(store, staff, pin, true).map_err(|e| e.msg())?)
    };
    let back = checkout.void(approval.clone()).map_err(|e| e.msg())?;
    if let Some(a) = &approval {
        let total = checkout.total().map(|t| t.to_string()).unwrap_or_default();
        store
            .record_approval(
                &a.staff_id,
                "void_sale",
                Some(checkout.attempt()),
                Some(&total),
            )
            .map_err(|e| e.msg())?;
    }
    crate::sale::give_back(store, data_dir, &mut checkout, &back).map_err(|e| e.msg())?;
    Ok(())
}

/// A member of staff approves a kiosk's age check here: their PIN is checked as for any
/// approval (lockout included), the approval is kept in the audit trail and signed by this
/// terminal's key, to go back to the kiosk.
fn approve_age(
    store: &mut Store,
    data_dir: &Path,
    call: &crate::assist::Call,
    by_terminal: &str,
    staff: &str,
    pin: &str,
) -> Result<crate::assist::Call, Msg> {
    let approval = crate::staff::approve(store, staff, pin, false).map_err(|e| e.msg())?;
    let device = match crate::sync::Device::load(store, data_dir) {
        Ok(d) => d,
        Err(crate::sync::SyncError::NotEnrolled) => {
            return Err(Msg::new("age-approval-not-enrolled"));
        }
        Err(e) => return Err(e.msg()),
    };
    store
        .record_approval(&approval.staff_id, "age_check", None, Some(&call.terminal))
        .map_err(|e| e.msg())?;
    Ok(call.approval(by_terminal, &approval.staff_id, &device.key))
}

fn find_receipt(store: &Store, text: &str) -> Result<ReceiptView, Msg> {
    let code = crate::returns::find_sale(store, text).map_err(|e| e.msg())?;
    let before = store.returned_before(&code.order_id).map_err(|e| e.msg())?;
    let currency =
        smartstore_domain::money::Currency::parse(&code.currency).map_err(|e| e.msg())?;
    let money = |m| smartstore_domain::money::Money::new(m, currency).to_string();
    let mut lines = Vec::new();
    for (gtin, bought, unit) in &code.lines {
        let Ok(g) = smartstore_domain::gtin::Gtin::parse(gtin) else {
            continue;
        };
        let item = store.item(g).map_err(|e| e.msg())?;
        let back = before.quantities.get(&g).copied().unwrap_or(0);
        lines.push(ReceiptLine {
            gtin: g,
            name: item
                .as_ref()
                .map_or_else(|| g.display_form(), |i| i.name.clone()),
            name_zh: item.and_then(|i| i.name_zh),
            bought: *bought,
            left: bought.saturating_sub(back),
            price: money(*unit),
        });
    }
    let mut methods: Vec<String> = code.tenders.iter().map(|t| t.0.clone()).collect();
    methods.dedup();
    Ok(ReceiptView {
        text: text.trim().to_owned(),
        receipt: code.receipt,
        total: money(code.total),
        lines,
        methods,
    })
}

fn take_back(store: &mut Store, data_dir: &Path, t: &TakeBack) -> Result<Msg, Msg> {
    let offset = crate::config::Config::load(data_dir)
        .and_then(|c| c.utc_offset())
        .map_err(|e| config_failed(data_dir, &e))?;
    let approval = crate::staff::approve(store, &t.staff, &t.pin, true).map_err(|e| e.msg())?;
    let wanted: Vec<smartstore_domain::returns::Wanted> = t
        .lines
        .iter()
        .filter(|(_, q, _)| *q > 0)
        .map(
            |(gtin, quantity, restock)| smartstore_domain::returns::Wanted {
                gtin: *gtin,
                quantity: *quantity,
                restock: *restock,
            },
        )
        .collect();
    let done = crate::returns::take_back(
        store,
        data_dir,
        &t.receipt,
        &wanted,
        t.refund,
        &approval,
        if t.void {
            crate::returns::Reason::Void
        } else {
            crate::returns::Reason::Return
        },
        offset,
    )
    .map_err(|e| e.msg())?;
    let currency = smartstore_domain::money::Currency::parse(&done.currency).unwrap_or_default();
    let money = |m| smartstore_domain::money::Money::new(m, currency).to_string();
    let mut msg = Msg::new(if t.void { "void-done" } else { "return-done" })
        .arg("receipt", &done.receipt)
        .arg("total", money(done.total));
    for r in &done.refunds {
        let key = match (r.method.as_str(), r.status.as_str()) {
            ("code", "owed") => "refund-line-code-owed",
            ("code", "refused") => "refund-line-code-refused",
            ("code", _) => "refund-line-code",
            ("card", _) => "refund-line-card",
            _ => "refund-line-cash",
        };
        msg = msg.line(Msg::new(key).arg("amount", money(r.amount)));
    }
    Ok(msg)
}

/// The store's configuration the shift desk needs: currency and tax rate.
fn shift_config(data_dir: &Path) -> Result<(smartstore_domain::money::Currency, Option<u32>), Msg> {
    let config = crate::config::Config::load(data_dir).map_err(|e| config_failed(data_dir, &e))?;
    let currency = config.currency().map_err(|e| config_failed(data_dir, &e))?;
    let tax = config
        .tax_rate_bp()
        .map_err(|e| config_failed(data_dir, &e))?;
    Ok((currency, tax))
}

/// What came back from the store for the counter's online-order desk.
#[derive(Debug, Clone)]
pub enum FulfilOutcome {
    Queue(Result<Vec<crate::store::StoreOnlineOrder>, Msg>),
    /// The order as it now stands with its pick list, and what to say about the step (a
    /// label printed, a parcel handed over); or why the step was refused.
    Order(
        Result<
            Box<(
                crate::store::StoreOnlineOrder,
                Vec<smartstore_domain::fulfil::PickLine>,
                Option<Msg>,
            )>,
            Msg,
        >,
    ),
}

/// The order after a step: as it now stands with what to say, or the step's refusal.
fn fulfil_order(store: &Store, order: &str, step: Result<Option<Msg>, Msg>) -> Outcome {
    Outcome::Fulfil(FulfilOutcome::Order(step.and_then(|said| {
        store
            .online_order(order)
            .map(|(o, lines)| Box::new((o, lines, said)))
            .map_err(|e| e.msg())
    })))
}

fn x_report(store: &Store, data_dir: &Path) -> Result<smartstore_domain::shift::ShiftReport, Msg> {
    let (_, tax) = shift_config(data_dir)?;
    crate::shift::x_report(store, tax).map_err(|e| e.msg())
}

fn move_cash(
    store: &Store,
    data_dir: &Path,
    cash_in: bool,
    amount: &str,
    reason: &str,
) -> Result<(), Msg> {
    let (currency, _) = shift_config(data_dir)?;
    let m = smartstore_domain::money::Money::parse(amount, currency).map_err(|e| e.msg())?;
    crate::shift::move_cash(store, cash_in, m, reason).map_err(|e| e.msg())
}

/// A blind close: the drawer as counted (an empty count is refused: count it first).
fn close_shift(
    store: &mut Store,
    data_dir: &Path,
    counted: &str,
) -> Result<smartstore_domain::shift::ShiftReport, Msg> {
    let (currency, tax) = shift_config(data_dir)?;
    let m = smartstore_domain::money::Money::parse(counted, currency).map_err(|e| e.msg())?;
    let m = smartstore_domain::shift::check_cash(m)
        .map_err(|e| crate::shift::ShiftRefusal::from(e).msg())?;
    store
        .close_shift(m, tax)
        .map_err(|e| e.msg())?
        .ok_or_else(|| crate::shift::ShiftRefusal::NoneOpen.msg())
}

/// Opens the shift with the float typed at the counter (a shift opened meanwhile elsewhere is
/// kept: the counter goes on in it).
fn open_shift(store: &mut Store, data_dir: &Path, float: &str) -> Result<String, Msg> {
    let currency = crate::config::Config::load(data_dir)
        .and_then(|c| c.currency())
        .map_err(|e| config_failed(data_dir, &e))?;
    let text = if float.trim().is_empty() {
        "0"
    } else {
        float.trim()
    };
    let m = smartstore_domain::money::Money::parse(text, currency).map_err(|e| e.msg())?;
    let m = smartstore_domain::shift::check_cash(m)
        .map_err(|e| crate::shift::ShiftRefusal::from(e).msg())?;
    store.start_shift("counter", m, None).map_err(|e| e.msg())?;
    Ok(m.to_string())
}
