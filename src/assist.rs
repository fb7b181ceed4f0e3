//! "Call assistance" from a kiosk reaches the store's counters on the local network, online or
//! not: a small JSON datagram broadcast on UDP port [`PORT`]; a counter shows the call until a
//! clerk answers, and the answer goes back to the kiosk's socket. Calls of another store are
//! ignored. When the terminals are enrolled the platform relays the same calls and answers too
//! ([`relay`], [`relayed_since`]): counters on another network segment than the kiosk hear it
//! there. The format is in docs/sync-protocol.md ("Assistance").

use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

pub use smartstore_protocol::assist::{ApprovalError, Call, Kind, MAX_DATAGRAM, approval_message};

use crate::sync::{Device, SyncError};

/// The UDP port counters listen on.
pub const PORT: u16 = 47808;

/// How long one request to the platform about assistance may take.
const PLATFORM_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a kiosk waiting for an answer, or a counter, asks the platform what it relayed.
pub const RELAY_POLL: Duration = Duration::from_secs(2);

/// Where a kiosk sends its call when config.toml says nothing: every host of the local network.
pub fn default_target() -> SocketAddr {
    SocketAddr::from(([255, 255, 255, 255], PORT))
}

/// Where a counter listens when config.toml says nothing.
pub fn default_listen() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], PORT))
}

/// Where a call came from, so where its answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A datagram on the local network, from this socket.
    Datagram(SocketAddr),
    /// Relayed by the platform.
    Platform,
}

#[derive(Debug, thiserror::Error)]
pub enum AssistError {
    #[error("the assistance call cannot be sent: {0}")]
    Io(#[from] std::io::Error),
    /// The platform did not relay it (and the local network could not carry it either).
    #[error("the platform did not relay the call: {0}")]
    Platform(#[from] SyncError),
}

/// Relays a call (or an answer) to the store's other terminals through the platform.
pub fn relay(device: &Device, call: &Call) -> Result<(), SyncError> {
    device
        .client(PLATFORM_TIMEOUT)?
        .relay_assist(&device.key, call)
}

/// The calls and answers of `store` the platform relayed after `cursor` (every page), with the
/// cursor after them. Only the last minutes' are kept there.
pub fn relayed_since(
    device: &Device,
    store: &str,
    cursor: u64,
) -> Result<(Vec<Call>, u64), SyncError> {
    let client = device.client(PLATFORM_TIMEOUT)?;
    let mut calls = Vec::new();
    let mut cursor = cursor;
    // A store's relays of ten minutes are a few pages at most; the bound keeps a misbehaving
    // platform from holding the caller.
    for _ in 0..16 {
        let page = client.pull::<Call>(
            &device.key,
            smartstore_protocol::assist::ASSIST_PULL,
            cursor,
        )?;
        cursor = page.cursor.max(cursor);
        calls.extend(
            page.items
                .into_iter()
                .filter(|c| c.store == store && c.is_well_formed()),
        );
        if !page.more {
            break;
        }
    }
    Ok((calls, cursor))
}

/// Sends a call (broadcast allowed) from a new socket, and through the platform when this
/// terminal is enrolled (`platform`); waits up to `wait` for its answer on that socket or at
/// the platform: `Ok(Some(answer))` when a clerk answered. It fails only when neither way
/// took the call.
pub fn call_and_wait(
    call: &Call,
    target: SocketAddr,
    wait: Duration,
    platform: Option<&Device>,
) -> Result<Option<Call>, AssistError> {
    let socket = ephemeral(target)?;
    socket.set_broadcast(true)?;
    let sent = socket.send_to(&call.bytes(), target);
    let relayed = platform.map(|d| relay(d, call));
    let platform = match (sent, relayed) {
        (Err(e), None) => return Err(e.into()),
        (Err(local), Some(Err(e))) => {
            tracing::warn!("assistance: the local network refused the call: {local}");
            return Err(e.into());
        }
        (Ok(_), Some(Err(e))) => {
            tracing::info!("assistance: the platform did not relay the call: {e}");
            None
        }
        (sent, Some(Ok(()))) => {
            if let Err(local) = sent {
                tracing::warn!("assistance: the local network refused the call: {local}");
            }
            platform
        }
        (Ok(_), None) => None,
    };
    let deadline = std::time::Instant::now() + wait;
    let mut buf = [0u8; MAX_DATAGRAM + 1];
    let mut cursor = 0;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        // With the platform relaying, the socket is read in slices and the platform asked
        // between them.
        let slice = match platform {
            Some(_) => left.min(RELAY_POLL),
            None => left,
        };
        socket.set_read_timeout(Some(slice))?;
        match socket.recv_from(&mut buf) {
            Ok((n, _)) => {
                if let Some(a) = Call::parse(&buf[..n], &call.store)
                    && a.answers(call)
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
                let Some(device) = platform else {
                    return Ok(None);
                };
                match relayed_since(device, &call.store, cursor) {
                    Ok((calls, next)) => {
                        cursor = next;
                        if let Some(a) = calls.into_iter().find(|a| a.answers(call)) {
                            return Ok(Some(a));
                        }
                    }
                    Err(e) => tracing::info!("assistance: no answer from the platform: {e}"),
                }
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

/// Sends an answer the way its call came, and through the platform too when this terminal is
/// enrolled (the other counters then let the call go: someone answered it).
pub fn send_answer(answer: &Call, via: Via, platform: Option<&Device>) -> Result<(), AssistError> {
    match via {
        Via::Datagram(to) => {
            self::answer(answer, to)?;
            if let Some(device) = platform
                && let Err(e) = relay(device, answer)
            {
                tracing::info!("assistance: the platform did not relay the answer: {e}");
            }
            Ok(())
        }
        Via::Platform => {
            let device = platform.ok_or(SyncError::NotEnrolled)?;
            Ok(relay(device, answer)?)
        }
    }
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
        let answered = call_and_wait(&call, to, Duration::from_secs(5), None).expect("call");
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
        let approval = call_and_wait(&asked, to, Duration::from_secs(5), None)
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
