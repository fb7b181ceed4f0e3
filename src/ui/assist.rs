//! The counter's ear for kiosks' calls for assistance: a listener on the local network
//! ([`crate::assist`]) run on its own thread while the counter's window is open.

use std::net::SocketAddr;
use std::time::Duration;

use iced::Subscription;
use iced::futures::SinkExt;

use crate::assist::{Call, Listener};

/// Calls of `store` heard on `addr`, with where each came from.
pub fn subscription(addr: SocketAddr, store: String) -> Subscription<(Call, SocketAddr)> {
    Subscription::run_with((addr, store), stream)
}

fn stream(
    key: &(SocketAddr, String),
) -> impl iced::futures::Stream<Item = (Call, SocketAddr)> + use<> {
    let (addr, store) = key.clone();
    iced::stream::channel(
        16,
        async move |output: iced::futures::channel::mpsc::Sender<(Call, SocketAddr)>| {
            let listener = match Listener::bind(addr, &store) {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!("no assistance calls heard on {addr}: {e}");
                    return;
                }
            };
            let (tx, mut rx) = iced::futures::channel::mpsc::channel(16);
            // The socket blocks: a plain thread reads it; it ends when the window drops this.
            let _ = std::thread::Builder::new()
                .name("assist".into())
                .spawn(move || {
                    let mut tx = tx;
                    loop {
                        match listener.next(Duration::from_secs(1)) {
                            Ok(Some(call)) => {
                                // A full queue drops a repeat; a closed one ends the thread.
                                if let Err(e) = tx.try_send(call)
                                    && e.is_disconnected()
                                {
                                    return;
                                }
                            }
                            Ok(None) => {
                                if tx.is_closed() {
                                    return;
                                }
                            }
                            Err(e) => {
                                tracing::warn!("assistance listener: {e}");
                                std::thread::sleep(Duration::from_secs(1));
                            }
                        }
                    }
                });
            let mut output = output;
            while let Some(call) = iced::futures::StreamExt::next(&mut rx).await {
                if output.send(call).await.is_err() {
                    return;
                }
            }
        },
    )
}
