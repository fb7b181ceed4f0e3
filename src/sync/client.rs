//! The platform client: HTTP with rustls on ring, blocking (the engine has its own thread).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::pin::{self, Trust};
use super::{PlatformStorage, Step, SyncError};
use smartstore_domain::sync::{StatusAction, action_for_status};
use smartstore_protocol::jws::jws_sign;
use smartstore_protocol::keydoc::{KEYS_PATH, KeysAnswer};
use smartstore_protocol::keys::{JwkSet, SigningKey};
use smartstore_protocol::wire::{
    BATCH_PATH, BEARER_AUDIENCE, BEARER_TYP, BatchAck, BearerClaims, ENROL_PATH, EnrolRequest,
    EnrolResponse, ErrorBody, PAYMENT_PATH, PULL_PATH, PaymentRequest, PaymentResponse,
    PullResponse, TIME_PATH, TimeResponse, error_code,
};
use smartstore_protocol::wire::{
    CLAIM_PATH, CONFLICTS_PATH, ClaimAnswer, ClaimKind, ClaimRequest, ConflictCount,
};

/// The refusals a terminal acts on, by the platform's error code.
fn known_refusal(body: &ErrorBody) -> Option<SyncError> {
    Some(match (body.error.as_str(), body.seq, body.now) {
        (error_code::SEQUENCE_CONFLICT, Some(seq), _) => SyncError::SequenceConflict { seq },
        (error_code::EVENT_REFUSED, Some(seq), _) => SyncError::EventRefused {
            seq,
            reason: body.message.chars().take(500).collect(),
        },
        (error_code::CLOCK_SKEW, _, Some(platform_now)) => SyncError::ClockSkew {
            offset: time::OffsetDateTime::now_utc().unix_timestamp() - platform_now,
        },
        (error_code::WRONG_STORE, _, _) => SyncError::WrongStore {
            message: body.message.chars().take(200).collect(),
        },
        (error_code::TOKEN_EXPIRED, _, _) => SyncError::TokenExpired,
        (error_code::ALREADY_CLAIMED, _, _) => {
            let by = body.claimed_by.clone()?;
            SyncError::AlreadyClaimed {
                store: by.store,
                terminal: by.terminal,
                at: by.at,
            }
        }
        (error_code::REFERENCE_CONFLICT, _, _) => SyncError::PaymentReferenceConflict,
        (error_code::UNKNOWN_PAYMENT, _, _) => SyncError::PaymentUnknown,
        _ => return None,
    })
}

pub struct PlatformClient {
    http: reqwest::blocking::Client,
    base: String,
    trust: Trust,
    learned: Arc<Mutex<Option<Vec<u8>>>>,
}

/// rustls needs a process-wide crypto provider; ours is ring.
fn install_ring() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl PlatformClient {
    /// A client with nothing pinned: plain HTTP to this machine only.
    pub fn new(base_url: &str, timeout: Duration) -> Result<PlatformClient, SyncError> {
        Self::with_trust(base_url, timeout, Trust::None)
    }

    /// A client that trusts the platform by `trust` (a fingerprint at enrolment, the kept CA
    /// afterwards). Plain HTTP is refused except to loopback; HTTPS needs a pin.
    pub fn with_trust(
        base_url: &str,
        timeout: Duration,
        trust: Trust,
    ) -> Result<PlatformClient, SyncError> {
        install_ring();
        let base = base_url.trim_end_matches('/').to_owned();
        let bad = || SyncError::BadUrl {
            url: base_url.to_owned(),
        };
        let url = reqwest::Url::parse(&base).map_err(|_| bad())?;
        let host = url.host_str().ok_or_else(bad)?.to_owned();
        match url.scheme() {
            "http" if pin::is_loopback(&host) => {}
            "http" => return Err(SyncError::PlainHttp { url: base }),
            "https" if trust == Trust::None => return Err(SyncError::NoPin { url: base }),
            "https" => {}
            _ => return Err(bad()),
        }
        let learned = Arc::new(Mutex::new(None));
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("smartstore/", env!("CARGO_PKG_VERSION")))
            // A fresh connection per request: after the platform restarts or a proxy resets,
            // no stale pooled connection turns into a spurious error.
            .pool_max_idle_per_host(0)
            // Never follow a redirect: it could lead to plain HTTP or another host.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(config) =
            pin::client_config(&trust, learned.clone()).map_err(|e| SyncError::Unreachable {
                step: Step::Enrolment,
                detail: format!("the kept platform certificate is unusable: {e}"),
            })?
        {
            builder = builder.use_preconfigured_tls(config);
        }
        let http = builder.build().map_err(|e| SyncError::Unreachable {
            step: Step::Enrolment,
            detail: format!("cannot make an HTTP client: {e}"),
        })?;
        Ok(PlatformClient {
            http,
            base,
            trust,
            learned,
        })
    }

    /// The CA certificate (DER) a fingerprint was found for, once a connection was made.
    pub fn pinned_ca(&self) -> Option<Vec<u8>> {
        self.learned.lock().ok().and_then(|l| l.clone())
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn answer<T: DeserializeOwned>(
        step: Step,
        resp: reqwest::Result<reqwest::blocking::Response>,
    ) -> Result<T, SyncError> {
        let resp = match resp {
            Ok(r) => r,
            Err(e) if pin::is_certificate_refusal(&e) => {
                return Err(SyncError::Untrusted {
                    step,
                    detail: describe(&e),
                });
            }
            Err(e) if pin::is_plain_answer(&e) => return Err(SyncError::NotTls { step }),
            Err(e) => {
                return Err(SyncError::Unreachable {
                    step,
                    detail: describe(&e),
                });
            }
        };
        let status = resp.status().as_u16();
        let body = match resp.bytes() {
            Ok(b) => b,
            Err(e) => {
                return Err(SyncError::Unreachable {
                    step,
                    detail: format!("the answer broke off: {}", describe(&e)),
                });
            }
        };
        match action_for_status(status) {
            StatusAction::Ok => serde_json::from_slice(&body).map_err(|e| SyncError::BadAnswer {
                step,
                detail: e.to_string(),
            }),
            action => {
                let parsed = serde_json::from_slice::<ErrorBody>(&body).ok();
                if let Some(e) = parsed.as_ref().and_then(known_refusal) {
                    return Err(e);
                }
                if let Some((fault, body)) = parsed
                    .as_ref()
                    .filter(|_| status == 503)
                    .and_then(|b| Some((PlatformStorage::from_code(&b.error)?, b)))
                {
                    return Err(SyncError::PlatformStorage {
                        step,
                        fault,
                        message: body.message.chars().take(200).collect(),
                    });
                }
                let message = parsed
                    .map(|b| b.message)
                    .unwrap_or_else(|| String::from_utf8_lossy(&body).chars().take(200).collect());
                Err(match action {
                    StatusAction::ReEnrol => SyncError::ReEnrol { step, message },
                    StatusAction::Stop => SyncError::Refused {
                        step,
                        status,
                        message,
                    },
                    _ => SyncError::ServerError {
                        step,
                        status,
                        message,
                    },
                })
            }
        }
    }

    pub fn enrol(&self, req: &EnrolRequest) -> Result<EnrolResponse, SyncError> {
        Self::answer(
            Step::Enrolment,
            self.http
                .post(format!("{}{ENROL_PATH}", self.base))
                .json(req)
                .send(),
        )
    }

    pub fn push(&self, key: &SigningKey, jws: String) -> Result<BatchAck, SyncError> {
        Self::answer(
            Step::Push,
            self.http
                .post(format!("{}{BATCH_PATH}", self.base))
                // The platform reads a batch only after the bearer token names the device.
                .bearer_auth(Self::bearer(key))
                .header("content-type", "application/jose")
                .body(jws)
                .send(),
        )
    }

    /// A bearer token for `key` (two minutes), as every authenticated request carries.
    pub fn bearer(key: &SigningKey) -> String {
        let iat = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = BearerClaims {
            sub: key.kid.clone(),
            aud: BEARER_AUDIENCE.into(),
            iat,
            exp: iat + 120,
        };
        jws_sign(
            key,
            Some(BEARER_TYP),
            &serde_json::to_vec(&claims).unwrap_or_default(),
        )
    }

    pub fn pull<T: DeserializeOwned>(
        &self,
        key: &SigningKey,
        kind: &str,
        cursor: u64,
    ) -> Result<PullResponse<T>, SyncError> {
        Self::answer(
            Step::Pull(kind.to_owned()),
            self.http
                .get(format!("{}{PULL_PATH}/{kind}?cursor={cursor}", self.base))
                .bearer_auth(Self::bearer(key))
                .send(),
        )
    }

    pub fn pay(
        &self,
        key: &SigningKey,
        req: &PaymentRequest,
    ) -> Result<PaymentResponse, SyncError> {
        let sent = self
            .http
            .post(format!("{}{PAYMENT_PATH}", self.base))
            .bearer_auth(Self::bearer(key))
            .json(req)
            .send();
        // No connection, so no byte of the charge left the terminal: the platform is offline,
        // which is not an answer lost.
        if let Err(e) = &sent
            && e.is_connect()
            && !pin::is_certificate_refusal(e)
        {
            tracing::warn!("payment by code: {}", describe(e));
            return Err(SyncError::PaymentOffline);
        }
        Self::answer(Step::Payment, sent)
    }

    /// What became of one of this device's payments: `None` when the charge never arrived.
    pub fn payment_status(
        &self,
        key: &SigningKey,
        reference: &str,
    ) -> Result<Option<PaymentResponse>, SyncError> {
        let url = format!("{}{PAYMENT_PATH}/{reference}", self.base);
        match Self::answer(
            Step::Payment,
            self.http.get(url).bearer_auth(Self::bearer(key)).send(),
        ) {
            Ok(r) => Ok(Some(r)),
            Err(SyncError::PaymentUnknown) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Voids one of this device's payments (an approval given back, or a reference closed
    /// before its charge arrived). Idempotent.
    pub fn void_payment(
        &self,
        key: &SigningKey,
        reference: &str,
    ) -> Result<PaymentResponse, SyncError> {
        Self::answer(
            Step::Payment,
            self.http
                .post(format!("{}{PAYMENT_PATH}/{reference}/void", self.base))
                .bearer_auth(Self::bearer(key))
                .send(),
        )
    }

    /// Refunds part of a payment by code (a return), once per refund reference.
    pub fn refund(
        &self,
        key: &SigningKey,
        req: &smartstore_protocol::wire::RefundRequest,
    ) -> Result<smartstore_protocol::wire::RefundResponse, SyncError> {
        Self::answer(
            Step::Payment,
            self.http
                .post(format!(
                    "{}{}",
                    self.base,
                    smartstore_protocol::wire::REFUND_PATH
                ))
                .bearer_auth(Self::bearer(key))
                .json(req)
                .send(),
        )
    }

    /// The platform keys with their standing. Over a pinned connection only from the document
    /// the pinned root signed; a forged, unsigned or altered document is refused and nothing
    /// of it is used. Without a pin (plain HTTP on loopback: demos and tests) as the platform
    /// gives them.
    pub fn keys(&self) -> Result<JwkSet, SyncError> {
        let step = || Step::Pull("keys".into());
        let answer: KeysAnswer = Self::answer(
            step(),
            self.http.get(format!("{}{KEYS_PATH}", self.base)).send(),
        )?;
        let root = match (&self.trust, self.pinned_ca()) {
            (Trust::Ca(ca), _) => Some(ca.clone()),
            (Trust::Fingerprint(_), learned) => learned,
            (Trust::None, _) => None,
        };
        match (root, answer.document, answer.keys) {
            (Some(ca), Some(doc), _) => {
                pin::verify_document(&ca, &doc)
                    .map(|d| d.keys)
                    .map_err(|e| SyncError::ForgedKeys {
                        detail: e.to_string(),
                    })
            }
            (Some(_), None, _) => Err(SyncError::ForgedKeys {
                detail: "the platform sent keys without the root's signature".into(),
            }),
            (None, Some(doc), _) => smartstore_protocol::keydoc::open(&doc)
                .map(|u| u.document.keys)
                .map_err(|e| SyncError::BadAnswer {
                    step: step(),
                    detail: e.to_string(),
                }),
            (None, None, Some(keys)) => Ok(keys),
            (None, None, None) => Err(SyncError::BadAnswer {
                step: step(),
                detail: "no keys in the answer".into(),
            }),
        }
    }

    /// How many events of this terminal's store the platform flagged.
    pub fn conflicts(&self, key: &SigningKey) -> Result<u64, SyncError> {
        Self::answer::<ConflictCount>(
            Step::Pull("conflicts".into()),
            self.http
                .get(format!("{}{CONFLICTS_PATH}", self.base))
                .bearer_auth(Self::bearer(key))
                .send(),
        )
        .map(|c| c.count)
    }

    /// Claims a single-use coupon or a pickup for this device before it is accepted.
    pub fn claim(
        &self,
        key: &SigningKey,
        kind: ClaimKind,
        id: &str,
    ) -> Result<ClaimAnswer, SyncError> {
        Self::answer(
            Step::Claim,
            self.http
                .post(format!("{}{CLAIM_PATH}", self.base))
                .bearer_auth(Self::bearer(key))
                .json(&ClaimRequest {
                    kind,
                    id: id.to_owned(),
                })
                .send(),
        )
    }

    /// Relays a call for assistance (or an answer to one) to the store's other terminals
    /// through the platform.
    pub fn relay_assist(
        &self,
        key: &SigningKey,
        call: &smartstore_protocol::assist::Call,
    ) -> Result<(), SyncError> {
        Self::answer::<serde::de::IgnoredAny>(
            Step::Assist,
            self.http
                .post(format!(
                    "{}{}",
                    self.base,
                    smartstore_protocol::wire::ASSIST_PATH
                ))
                .bearer_auth(Self::bearer(key))
                .json(call)
                .send(),
        )
        .map(|_| ())
    }

    /// The platform's clock, Unix milliseconds.
    pub fn time(&self) -> Result<i64, SyncError> {
        Self::answer::<TimeResponse>(
            Step::Time,
            self.http.get(format!("{}{TIME_PATH}", self.base)).send(),
        )
        .map(|t| t.now_ms)
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "no answer in time".into()
    } else if e.is_connect() {
        "cannot connect (offline, or the platform is down)".into()
    } else {
        let mut s = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(inner) = src {
            s.push_str(": ");
            s.push_str(&inner.to_string());
            src = inner.source();
        }
        s
    }
}
