//! "Call assistance" from a kiosk reaches the store's counters on the local network, online or
//! not: a small JSON datagram broadcast on UDP port [`PORT`]; a counter shows the call until a
//! clerk answers, and the answer goes back to the kiosk's socket. Calls of another store are
//! ignored. The format is in docs/sync-protocol.md ("Assistance on the local network").

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The UDP port counters listen on.
pub const PORT: u16 = 47808;

/// The largest datagram read or sent.
pub const MAX_DATAGRAM: usize = 512;

/// Where a kiosk sends its call when config.toml says nothing: every host of the local network.
pub fn default_target() -> SocketAddr {
    SocketAddr::from(([255, 255, 255, 255], PORT))
}

/// Where a counter listens when config.toml says nothing.
pub fn default_listen() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], PORT))
}

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

#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    #[error("the assistance call cannot be sent: {0}")]
    Io(#[from] std::io::Error),
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
    pub fn approval(
        &self,
        by_terminal: &str,
        staff: &str,
        key: &smartstore_protocol::keys::SigningKey,
    ) -> Call {
        let device = key.kid.clone();
        let sig = key.sign(&approval_message(&self.store, &self.call, staff, &device));
        Call {
            kind: Kind::Approve,
            staff: Some(staff.to_owned()),
            device: Some(device),
            sig: Some(smartstore_protocol::keys::b64(&sig)),
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
        let sig = smartstore_protocol::keys::unb64(sig).ok_or(ApprovalError::Forged)?;
        let message = approval_message(&self.store, &self.call, staff, device);
        if smartstore_protocol::keys::verify_ed25519(&public, &message, &sig) {
            Ok(staff.clone())
        } else {
            Err(ApprovalError::Forged)
        }
    }

    /// A datagram read from the network: `None` when it is not a call of this format, too
    /// long, or of another store.
    pub fn parse(bytes: &[u8], store: &str) -> Option<Call> {
        if bytes.len() > MAX_DATAGRAM {
            return None;
        }
        let call: Call = serde_json::from_slice(bytes).ok()?;
        let short = |s: &str| !s.is_empty() && s.len() <= 64;
        let optional = |s: &Option<String>, max: usize| {
            s.as_deref().is_none_or(|s| !s.is_empty() && s.len() <= max)
        };
        (call.v == 1
            && call.store == store
            && short(&call.terminal)
            && short(&call.call)
            && optional(&call.staff, 64)
            && optional(&call.device, 64)
            && optional(&call.sig, 128))
        .then_some(call)
    }

    fn bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Sends a call (broadcast allowed) from a new socket, and waits up to `wait` for its answer on
/// that socket: `Ok(Some(answer))` when a clerk answered.
pub fn call_and_wait(
    call: &Call,
    target: SocketAddr,
    wait: Duration,
) -> Result<Option<Call>, AssistError> {
    let socket = ephemeral(target)?;
    socket.set_broadcast(true)?;
    socket.send_to(&call.bytes(), target)?;
    let deadline = std::time::Instant::now() + wait;
    let mut buf = [0u8; MAX_DATAGRAM + 1];
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        socket.set_read_timeout(Some(left))?;
        match socket.recv_from(&mut buf) {
            Ok((n, _)) => {
                if let Some(a) = Call::parse(&buf[..n], &call.store)
                    && matches!(a.kind, Kind::Answer | Kind::Approve)
                    && a.call == call.call
                {
                    return Ok(Some(a));
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A socket on any port of this host, of the family of `peer`.
fn ephemeral(peer: SocketAddr) -> std::io::Result<UdpSocket> {
    UdpSocket::bind(if peer.is_ipv4() {
        SocketAddr::from(([0, 0, 0, 0], 0))
    } else {
        SocketAddr::from(([0u16; 8], 0))
    })
}

/// Sends an answer back to the socket a call came from.
pub fn answer(answer: &Call, to: SocketAddr) -> Result<(), AssistError> {
    let socket = ephemeral(to)?;
    socket.send_to(&answer.bytes(), to)?;
    Ok(())
}

/// A counter's listener: each help call of `store` with the address it came from. Blocking;
/// the window runs it on its own thread.
pub struct Listener {
    socket: UdpSocket,
    store: String,
}

impl Listener {
    pub fn bind(addr: SocketAddr, store: &str) -> Result<Listener, AssistError> {
        let socket = UdpSocket::bind(addr)?;
        Ok(Listener {
            socket,
            store: store.to_owned(),
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr, AssistError> {
        Ok(self.socket.local_addr()?)
    }

    /// The next help call, waiting at most `wait` (`Ok(None)`: none came).
    pub fn next(&self, wait: Duration) -> Result<Option<(Call, SocketAddr)>, AssistError> {
        self.socket.set_read_timeout(Some(wait))?;
        let mut buf = [0u8; MAX_DATAGRAM + 1];
        match self.socket.recv_from(&mut buf) {
            Ok((n, from)) => Ok(Call::parse(&buf[..n], &self.store)
                .filter(|c| matches!(c.kind, Kind::Help | Kind::AgeCheck))
                .map(|c| (c, from))),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_reaches_a_counter_and_its_answer_the_kiosk() {
        let listener =
            Listener::bind(SocketAddr::from(([127, 0, 0, 1], 0)), "SH001").expect("bind");
        let to = listener.local_addr().expect("addr");
        let call = Call::help("SH001", "K01");
        let counter = std::thread::spawn(move || {
            // Another store's call and garbage are ignored.
            let (got, from) = loop {
                if let Some(c) = listener.next(Duration::from_secs(5)).expect("recv") {
                    break c;
                }
            };
            answer(&got.answer("T01"), from).expect("answer");
            got
        });
        let noise = UdpSocket::bind("127.0.0.1:0").expect("noise");
        noise
            .send_to(&Call::help("SH999", "K09").bytes(), to)
            .expect("send");
        noise.send_to(b"not json", to).expect("send");
        let answered = call_and_wait(&call, to, Duration::from_secs(5)).expect("call");
        let got = counter.join().expect("counter");
        assert_eq!(got, call);
        let answered = answered.expect("answered");
        assert_eq!(
            (answered.kind, answered.terminal.as_str()),
            (Kind::Answer, "T01")
        );
        assert_eq!(answered.call, call.call);
    }

    #[test]
    fn datagrams_are_checked_before_use() {
        let call = Call::help("SH001", "K01");
        assert_eq!(Call::parse(&call.bytes(), "SH001"), Some(call.clone()));
        assert_eq!(Call::parse(&call.bytes(), "SH002"), None);
        assert_eq!(Call::parse(&vec![b' '; MAX_DATAGRAM + 1], "SH001"), None);
        let mut long = call.clone();
        long.terminal = "x".repeat(65);
        assert_eq!(Call::parse(&long.bytes(), "SH001"), None);
    }

    #[test]
    fn an_age_check_is_approved_from_a_counter_by_its_signed_answer_only() {
        use smartstore_protocol::keys::SigningKey;
        let counter_key = SigningKey::generate("dev-counter").expect("key");
        let other_key = SigningKey::generate("dev-counter").expect("key");
        let known = counter_key.public_key();
        let key_of = |d: &str| (d == "dev-counter").then_some(known);

        let listener =
            Listener::bind(SocketAddr::from(([127, 0, 0, 1], 0)), "SH001").expect("bind");
        let to = listener.local_addr().expect("addr");
        let asked = Call::age_check("SH001", "K01");
        let signer = SigningKey::from_pkcs8(counter_key.pkcs8(), "dev-counter").expect("key");
        let counter = std::thread::spawn(move || {
            let (got, from) = loop {
                if let Some(c) = listener.next(Duration::from_secs(5)).expect("recv") {
                    break c;
                }
            };
            assert_eq!(got.kind, Kind::AgeCheck);
            answer(&got.approval("T01", "s-li", &signer), from).expect("answer");
        });
        let approval = call_and_wait(&asked, to, Duration::from_secs(5))
            .expect("call")
            .expect("approved");
        counter.join().expect("counter");
        // Through the datagram and back: the kiosk takes it.
        assert_eq!(approval.verify_approval(&asked, key_of), Ok("s-li".into()));

        // Another member of staff written into a genuine approval: forged.
        let mut changed = approval.clone();
        changed.staff = Some("s-boss".into());
        assert_eq!(
            changed.verify_approval(&asked, key_of),
            Err(ApprovalError::Forged)
        );
        // Signed by a key the store does not know under that device id: forged.
        let foreign = asked.approval("T01", "s-li", &other_key);
        assert_eq!(
            foreign.verify_approval(&asked, key_of),
            Err(ApprovalError::Forged)
        );
        // A terminal the kiosk has never heard of.
        let stranger = SigningKey::generate("dev-elsewhere").expect("key");
        assert_eq!(
            asked
                .approval("T09", "s-li", &stranger)
                .verify_approval(&asked, key_of),
            Err(ApprovalError::UnknownDevice("dev-elsewhere".into()))
        );
        // Replayed for the next shopper's check (a new call id): not this call.
        let next = Call::age_check("SH001", "K01");
        assert_eq!(
            approval.verify_approval(&next, key_of),
            Err(ApprovalError::NotThisCall)
        );
        // A plain answer ("coming") approves nothing.
        assert_eq!(
            asked.answer("T01").verify_approval(&asked, key_of),
            Err(ApprovalError::NotThisCall)
        );
    }
}
