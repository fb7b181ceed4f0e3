//! A kiosk's call for assistance or for an age check, and a counter's answer or signed approval:
//! one format for the datagram on the store's local network and for the platform's relay
//! ([`ASSIST_PULL`], [`crate::wire::ASSIST_PATH`]) when the counters are elsewhere. The terminal
//! sends and hears them (`smartstore::assist`); the hub keeps them a few minutes for the store's
//! terminals (docs/sync-protocol.md, "Assistance").

use serde::{Deserialize, Serialize};

/// The largest datagram (or relayed call) read or sent.
pub const MAX_DATAGRAM: usize = 512;

/// The name of the pull a terminal reads its store's calls and answers from.
pub const ASSIST_PULL: &str = "assist";

/// How long the platform relays a call or an answer (ms): a kiosk resends its call every 20 s
/// for five minutes, so nothing older is of use to anyone.
pub const RELAY_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A shopper at a kiosk asked for help.
    Help,
    /// A clerk is coming.
    Answer,
    /// A kiosk holds age-restricted goods: a member of staff must check the shopper's age.
    AgeCheck,
    /// A member of staff approved the age check from a counter: signed by that counter's
    /// device key, which the kiosk knows from the platform's list of the store's terminals.
    Approve,
}

impl Kind {
    /// The kind as the JSON says it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Help => "help",
            Kind::Answer => "answer",
            Kind::AgeCheck => "age_check",
            Kind::Approve => "approve",
        }
    }
}

/// One datagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    /// Format version (1).
    pub v: u8,
    pub kind: Kind,
    pub store: String,
    /// The terminal that sent it (the kiosk for a call, the counter for an answer).
    pub terminal: String,
    /// The call's id (an answer repeats it).
    pub call: String,
    /// An approval: the member of staff who approved (their PIN checked at the counter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// An approval: the counter's device id, whose key signed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// An approval: the Ed25519 signature (base64url) of [`approval_message`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// Why a kiosk did not take an approval that came back from a counter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    #[error("the answer is not an approval of this kiosk's age check")]
    NotThisCall,
    #[error("terminal {0} is not one of this store's terminals the kiosk knows: sync the kiosk")]
    UnknownDevice(String),
    #[error("the approval's signature is not genuine")]
    Forged,
}

/// What a counter signs to approve an age check: the store, the kiosk's call (a fresh id each
/// time, so an approval cannot be replayed for another sale), the member of staff and the
/// counter's device.
pub fn approval_message(store: &str, call: &str, staff: &str, device: &str) -> Vec<u8> {
    format!("smartstore-age-approval/1\n{store}\n{call}\n{staff}\n{device}").into_bytes()
}

impl Call {
    pub fn help(store: &str, terminal: &str) -> Call {
        Call {
            v: 1,
            kind: Kind::Help,
            store: store.to_owned(),
            terminal: terminal.to_owned(),
            call: uuid::Uuid::now_v7().to_string(),
            staff: None,
            device: None,
            sig: None,
        }
    }

    /// A kiosk asks the counters for an age check.
    pub fn age_check(store: &str, terminal: &str) -> Call {
        Call {
            kind: Kind::AgeCheck,
            ..Call::help(store, terminal)
        }
    }

    pub fn answer(&self, by_terminal: &str) -> Call {
        Call {
            v: 1,
            kind: Kind::Answer,
            store: self.store.clone(),
            terminal: by_terminal.to_owned(),
            call: self.call.clone(),
            staff: None,
            device: None,
            sig: None,
        }
    }

    /// A counter's approval of this age check by `staff` (whose PIN the counter checked),
    /// signed with the counter's device key.
    pub fn approval(&self, by_terminal: &str, staff: &str, key: &crate::keys::SigningKey) -> Call {
        let device = key.kid.clone();
        let sig = key.sign(&approval_message(&self.store, &self.call, staff, &device));
        Call {
            kind: Kind::Approve,
            staff: Some(staff.to_owned()),
            device: Some(device),
            sig: Some(crate::keys::b64(&sig)),
            ..self.answer(by_terminal)
        }
    }

    /// Checks an approval that came back for `asked` (this kiosk's age check): the member of
    /// staff who approved, when the counter's signature is genuine. `key_of` finds a terminal
    /// of the store by device id.
    pub fn verify_approval(
        &self,
        asked: &Call,
        key_of: impl FnOnce(&str) -> Option<[u8; 32]>,
    ) -> Result<String, ApprovalError> {
        let (Kind::Approve, Kind::AgeCheck, Some(staff), Some(device), Some(sig)) =
            (self.kind, asked.kind, &self.staff, &self.device, &self.sig)
        else {
            return Err(ApprovalError::NotThisCall);
        };
        if self.call != asked.call || self.store != asked.store {
            return Err(ApprovalError::NotThisCall);
        }
        let public = key_of(device).ok_or_else(|| ApprovalError::UnknownDevice(device.clone()))?;
        let sig = crate::keys::unb64(sig).ok_or(ApprovalError::Forged)?;
        let message = approval_message(&self.store, &self.call, staff, device);
        if crate::keys::verify_ed25519(&public, &message, &sig) {
            Ok(staff.clone())
        } else {
            Err(ApprovalError::Forged)
        }
    }

    /// A datagram read from the network (or a call relayed by the platform): `None` when it is
    /// not a call of this format, too long, or of another store.
    pub fn parse(bytes: &[u8], store: &str) -> Option<Call> {
        if bytes.len() > MAX_DATAGRAM {
            return None;
        }
        let call: Call = serde_json::from_slice(bytes).ok()?;
        (call.store == store && call.is_well_formed()).then_some(call)
    }

    /// Version 1, ids of 1 to 64 bytes, a signature of at most 128: what is read is bounded
    /// before it is shown or kept.
    pub fn is_well_formed(&self) -> bool {
        let short = |s: &str| !s.is_empty() && s.len() <= 64;
        let optional = |s: &Option<String>, max: usize| {
            s.as_deref().is_none_or(|s| !s.is_empty() && s.len() <= max)
        };
        self.v == 1
            && short(&self.store)
            && short(&self.terminal)
            && short(&self.call)
            && optional(&self.staff, 64)
            && optional(&self.device, 64)
            && optional(&self.sig, 128)
    }

    /// An answer (or approval) to `asked`.
    pub fn answers(&self, asked: &Call) -> bool {
        matches!(self.kind, Kind::Answer | Kind::Approve)
            && self.call == asked.call
            && self.store == asked.store
    }

    /// A call a kiosk makes (help, an age check), as opposed to a counter's answer.
    pub fn is_call(&self) -> bool {
        matches!(self.kind, Kind::Help | Kind::AgeCheck)
    }

    /// The JSON of the call, as sent.
    pub fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}
