//! The way to a printer: a network printer (raw TCP, usually port 9100), a USB printer through
//! the kernel's line device (`/dev/usb/lp0`), or a file. Before printing on a network printer we
//! ask its status (`DLE EOT`) and refuse to print into a printer without paper or with its cover
//! open: the caller shows the error and the sale goes on.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::escpos::{STATUS_OFFLINE_CAUSE, STATUS_PAPER, STATUS_PRINTER};

/// Connecting to a network printer.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Waiting for one status byte.
pub const STATUS_TIMEOUT: Duration = Duration::from_secs(1);
/// Waiting for the printer to take our bytes (it may be busy printing the previous receipt).
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Waiting for the printer to close the connection after our last byte.
pub const CLOSE_TIMEOUT: Duration = Duration::from_secs(1);
/// Longest address we parse.
pub const MAX_ADDRESS_LEN: usize = 512;

/// Where a receipt goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterAddr {
    /// `tcp:HOST:PORT` (`tcp:[::1]:9100` for an IPv6 literal).
    Tcp { host: String, port: u16 },
    /// A character device such as `/dev/usb/lp0`.
    Device(PathBuf),
    /// `file:PATH`: the bytes are written to the file (created or truncated).
    File(PathBuf),
}

impl PrinterAddr {
    /// Parses `tcp:HOST:PORT`, a path under `/dev/`, or `file:PATH`.
    pub fn parse(text: &str) -> Result<PrinterAddr, PrintError> {
        let bad = || PrintError::BadAddress(text.chars().take(80).collect());
        let text = text.trim();
        if text.len() > MAX_ADDRESS_LEN || text.chars().any(char::is_control) {
            return Err(bad());
        }
        if let Some(rest) = text.strip_prefix("tcp:") {
            let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            let port: u16 = port.parse().map_err(|_| bad())?;
            if host.is_empty() || port == 0 || host.contains(char::is_whitespace) {
                return Err(bad());
            }
            return Ok(PrinterAddr::Tcp {
                host: host.to_string(),
                port,
            });
        }
        if text.starts_with("/dev/") && text.len() > "/dev/".len() {
            return Ok(PrinterAddr::Device(PathBuf::from(text)));
        }
        if let Some(path) = text.strip_prefix("file:")
            && !path.is_empty()
        {
            return Ok(PrinterAddr::File(PathBuf::from(path)));
        }
        Err(bad())
    }
}

impl std::str::FromStr for PrinterAddr {
    type Err = PrintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PrinterAddr::parse(s)
    }
}

impl std::fmt::Display for PrinterAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrinterAddr::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp:[{host}]:{port}")
            }
            PrinterAddr::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            PrinterAddr::Device(p) => write!(f, "{}", p.display()),
            PrinterAddr::File(p) => write!(f, "file:{}", p.display()),
        }
    }
}

/// What the printer said before it printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PrinterStatus {
    /// The printer answered the status queries (a file never does, a USB device may not).
    pub checked: bool,
    /// The roll is nearly used up: the receipt printed, the clerk should change the roll soon.
    pub paper_near_end: bool,
}

/// Why a receipt was not printed. Shown to the clerk; the sale does not wait for the printer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("the printer at {addr} cannot be reached: {reason}")]
    Unreachable { addr: String, reason: String },
    #[error("the printer is offline")]
    Offline,
    #[error("the printer is out of paper")]
    PaperOut,
    #[error("the printer's cover is open")]
    CoverOpen,
    #[error("printing failed: {0}")]
    Io(String),
    #[error("{0:?} is not a printer address (tcp:HOST:PORT, /dev/…, file:PATH)")]
    BadAddress(String),
}

/// Every real-time status byte reads `0xx1xx10` (bits 0 and 7 clear, bits 1 and 4 set).
pub fn is_status_byte(b: u8) -> bool {
    b & 0b1001_0011 == 0b0001_0010
}

/// `DLE EOT 1`, bit 3: the printer is offline.
pub const PRINTER_OFFLINE: u8 = 0x08;
/// `DLE EOT 2`, bit 2: the cover is open.
pub const CAUSE_COVER_OPEN: u8 = 0x04;
/// `DLE EOT 2`, bit 5: printing stopped at the paper's end.
pub const CAUSE_PAPER_END: u8 = 0x20;
/// `DLE EOT 4`, bits 2 and 3: the roll is near its end.
pub const PAPER_NEAR_END: u8 = 0x0c;
/// `DLE EOT 4`, bits 5 and 6: no paper.
pub const PAPER_END: u8 = 0x60;

/// What came of asking the printer its status.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    Answered(Result<PrinterStatus, PrintError>),
    /// No answer in time.
    Silent,
    /// A byte that is not a status byte.
    Garbled(u8),
}

/// Asks `DLE EOT 1` (online?), `DLE EOT 2` when offline (why: cover, paper) and `DLE EOT 4`
/// (paper roll) through `ask`, which sends a query and returns the answer byte, if any in time.
fn check_status(ask: &mut dyn FnMut([u8; 3]) -> io::Result<Option<u8>>) -> io::Result<Check> {
    let mut query = |q: [u8; 3]| -> io::Result<Result<u8, Check>> {
        Ok(match ask(q)? {
            None => Err(Check::Silent),
            Some(b) if !is_status_byte(b) => Err(Check::Garbled(b)),
            Some(b) => Ok(b),
        })
    };
    let printer = match query(STATUS_PRINTER)? {
        Ok(b) => b,
        Err(c) => return Ok(c),
    };
    if printer & PRINTER_OFFLINE != 0 {
        let cause = match query(STATUS_OFFLINE_CAUSE)? {
            Ok(b) => b,
            Err(_) => return Ok(Check::Answered(Err(PrintError::Offline))),
        };
        let error = if cause & CAUSE_COVER_OPEN != 0 {
            PrintError::CoverOpen
        } else if cause & CAUSE_PAPER_END != 0 {
            PrintError::PaperOut
        } else {
            match query(STATUS_PAPER)? {
                Ok(p) if p & PAPER_END == PAPER_END => PrintError::PaperOut,
                _ => PrintError::Offline,
            }
        };
        return Ok(Check::Answered(Err(error)));
    }
    let paper = match query(STATUS_PAPER)? {
        Ok(b) => b,
        Err(c) => return Ok(c),
    };
    if paper & PAPER_END == PAPER_END {
        return Ok(Check::Answered(Err(PrintError::PaperOut)));
    }
    Ok(Check::Answered(Ok(PrinterStatus {
        checked: true,
        paper_near_end: paper & PAPER_NEAR_END == PAPER_NEAR_END,
    })))
}

fn io_error(e: &io::Error) -> PrintError {
    PrintError::Io(e.to_string())
}

/// Sends the bytes of a receipt ([`crate::encode`]) to the printer at `addr`. A network printer is
/// asked its status first and nothing is printed when it is offline, out of paper or open; a
/// USB device is asked when it answers; a file is written.
pub fn send(addr: &PrinterAddr, bytes: &[u8]) -> Result<PrinterStatus, PrintError> {
    match addr {
        PrinterAddr::Tcp { host, port } => send_tcp(addr, host, *port, bytes),
        PrinterAddr::Device(path) => send_device(addr, path, bytes),
        PrinterAddr::File(path) => {
            let unreachable = |e: io::Error| PrintError::Unreachable {
                addr: addr.to_string(),
                reason: e.to_string(),
            };
            let mut file = std::fs::File::create(path).map_err(unreachable)?;
            file.write_all(bytes).map_err(|e| io_error(&e))?;
            file.flush().map_err(|e| io_error(&e))?;
            Ok(PrinterStatus::default())
        }
    }
}

fn send_tcp(
    addr: &PrinterAddr,
    host: &str,
    port: u16,
    bytes: &[u8],
) -> Result<PrinterStatus, PrintError> {
    let unreachable = |reason: String| PrintError::Unreachable {
        addr: addr.to_string(),
        reason,
    };
    let targets = (host, port)
        .to_socket_addrs()
        .map_err(|e| unreachable(e.to_string()))?;
    let mut last = String::from("the name has no address");
    let mut stream = None;
    for target in targets {
        match TcpStream::connect_timeout(&target, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = e.to_string(),
        }
    }
    let mut stream = stream.ok_or_else(|| unreachable(last))?;
    let setup = |s: &TcpStream| -> io::Result<()> {
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(STATUS_TIMEOUT))?;
        s.set_write_timeout(Some(WRITE_TIMEOUT))
    };
    setup(&stream).map_err(|e| io_error(&e))?;

    let mut ask = |q: [u8; 3]| -> io::Result<Option<u8>> {
        stream.write_all(&q)?;
        stream.flush()?;
        let mut b = [0u8; 1];
        match stream.read_exact(&mut b) {
            Ok(()) => Ok(Some(b[0])),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::UnexpectedEof
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    };
    let status = match check_status(&mut ask).map_err(|e| io_error(&e))? {
        Check::Answered(r) => r?,
        Check::Silent => return Err(PrintError::Offline),
        Check::Garbled(b) => {
            return Err(PrintError::Io(format!(
                "the printer answered {b:#04x} to a status query, not an ESC/POS status byte"
            )));
        }
    };

    stream.write_all(bytes).map_err(|e| io_error(&e))?;
    stream.flush().map_err(|e| io_error(&e))?;
    stream.shutdown(Shutdown::Write).map_err(|e| io_error(&e))?;
    // Closing a socket that still holds unread bytes resets it and may drop what is not yet sent:
    // wait a moment for the printer to close its side, reading what it says.
    let deadline = Instant::now() + CLOSE_TIMEOUT;
    let mut sink = [0u8; 256];
    while Instant::now() < deadline {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Ok(status)
}

fn send_device(addr: &PrinterAddr, path: &Path, bytes: &[u8]) -> Result<PrinterStatus, PrintError> {
    let status = device_status(path)?;
    let mut device = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| PrintError::Unreachable {
            addr: addr.to_string(),
            reason: e.to_string(),
        })?;
    device.write_all(bytes).map_err(|e| io_error(&e))?;
    device.flush().map_err(|e| io_error(&e))?;
    Ok(status)
}

/// Asks a USB line device its status without blocking: a printer that cannot answer
/// (one-directional, or a driver without reads) prints unchecked.
#[cfg(unix)]
fn device_status(path: &Path) -> Result<PrinterStatus, PrintError> {
    use std::os::unix::fs::OpenOptionsExt;
    let Ok(mut device) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    else {
        return Ok(PrinterStatus::default());
    };
    match check_status(&mut |q| poll_answer(&mut device, q, STATUS_TIMEOUT / 2)) {
        Ok(Check::Answered(r)) => r,
        Ok(Check::Silent | Check::Garbled(_)) | Err(_) => Ok(PrinterStatus::default()),
    }
}

#[cfg(not(unix))]
fn device_status(_path: &Path) -> Result<PrinterStatus, PrintError> {
    Ok(PrinterStatus::default())
}

/// Writes a query to a non-blocking device and polls for one byte until `wait` has passed.
fn poll_answer<D: Read + Write>(
    device: &mut D,
    query: [u8; 3],
    wait: Duration,
) -> io::Result<Option<u8>> {
    device.write_all(&query)?;
    let deadline = Instant::now() + wait;
    let mut b = [0u8; 1];
    loop {
        match device.read(&mut b) {
            Ok(1) => return Ok(Some(b[0])),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse() {
        let ok: &[(&str, PrinterAddr)] = &[
            (
                "tcp:192.168.1.50:9100",
                PrinterAddr::Tcp {
                    host: "192.168.1.50".into(),
                    port: 9100,
                },
            ),
            (
                "tcp:printer.local:9100",
                PrinterAddr::Tcp {
                    host: "printer.local".into(),
                    port: 9100,
                },
            ),
            (
                "tcp:[::1]:9100",
                PrinterAddr::Tcp {
                    host: "::1".into(),
                    port: 9100,
                },
            ),
            (" /dev/usb/lp0 ", PrinterAddr::Device("/dev/usb/lp0".into())),
            ("file:/tmp/r.bin", PrinterAddr::File("/tmp/r.bin".into())),
        ];
        for (text, want) in ok {
            let got = PrinterAddr::parse(text).expect(text);
            assert_eq!(&got, want, "{text}");
            assert_eq!(PrinterAddr::parse(&got.to_string()).as_ref(), Ok(want));
        }
        for bad in [
            "",
            "tcp:",
            "tcp:host",
            "tcp::9100",
            "tcp:host:0",
            "tcp:host:99999",
            "tcp:host:port",
            "tcp:a b:9100",
            "/dev/",
            "/tmp/x",
            "file:",
            "usb:1",
            "lpt1",
            "file:/tmp/a\nb",
        ] {
            assert!(
                matches!(PrinterAddr::parse(bad), Err(PrintError::BadAddress(_))),
                "{bad:?}"
            );
        }
        assert!(PrinterAddr::parse(&format!("file:/{}", "a".repeat(600))).is_err());
    }

    fn answers(bytes: &[(u8, Option<u8>)]) -> impl FnMut([u8; 3]) -> io::Result<Option<u8>> {
        let table = bytes.to_vec();
        move |q: [u8; 3]| Ok(table.iter().find(|(n, _)| *n == q[2]).and_then(|(_, a)| *a))
    }

    #[test]
    fn status_bits_decide() {
        let cases: &[(&str, &[(u8, Option<u8>)], Check)] = &[
            (
                "ready",
                &[(1, Some(0x12)), (2, Some(0x12)), (4, Some(0x12))],
                Check::Answered(Ok(PrinterStatus {
                    checked: true,
                    paper_near_end: false,
                })),
            ),
            (
                "near end",
                &[(1, Some(0x16)), (4, Some(0x1e))],
                Check::Answered(Ok(PrinterStatus {
                    checked: true,
                    paper_near_end: true,
                })),
            ),
            (
                "paper out",
                &[(1, Some(0x1a)), (2, Some(0x32)), (4, Some(0x72))],
                Check::Answered(Err(PrintError::PaperOut)),
            ),
            (
                "paper out, cause silent on paper",
                &[(1, Some(0x1a)), (2, Some(0x12)), (4, Some(0x7e))],
                Check::Answered(Err(PrintError::PaperOut)),
            ),
            (
                "online but paper end sensor",
                &[(1, Some(0x12)), (4, Some(0x72))],
                Check::Answered(Err(PrintError::PaperOut)),
            ),
            (
                "cover open",
                &[(1, Some(0x1a)), (2, Some(0x16)), (4, Some(0x12))],
                Check::Answered(Err(PrintError::CoverOpen)),
            ),
            (
                "offline, no cause",
                &[(1, Some(0x1a)), (2, Some(0x12)), (4, Some(0x12))],
                Check::Answered(Err(PrintError::Offline)),
            ),
            ("silent", &[], Check::Silent),
            ("garbled", &[(1, Some(0xff))], Check::Garbled(0xff)),
        ];
        for (name, table, want) in cases {
            let got = check_status(&mut answers(table)).expect(name);
            assert_eq!(&got, want, "{name}");
        }
    }

    #[test]
    fn status_byte_pattern() {
        assert!(is_status_byte(0x12));
        assert!(is_status_byte(0x7e));
        assert!(!is_status_byte(0x00));
        assert!(!is_status_byte(0x13));
        assert!(!is_status_byte(0x92));
    }

    /// A device that is silent for a few reads, then answers.
    struct SlowDevice {
        written: Vec<u8>,
        silent_reads: usize,
    }

    impl Read for SlowDevice {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.silent_reads > 0 {
                self.silent_reads -= 1;
                return Err(io::ErrorKind::WouldBlock.into());
            }
            buf[0] = 0x12;
            Ok(1)
        }
    }

    impl Write for SlowDevice {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.extend(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn device_polls_for_its_answer() {
        let mut d = SlowDevice {
            written: Vec::new(),
            silent_reads: 3,
        };
        let got = poll_answer(&mut d, STATUS_PRINTER, Duration::from_millis(500)).expect("poll");
        assert_eq!(got, Some(0x12));
        assert_eq!(d.written, STATUS_PRINTER);
        let mut d = SlowDevice {
            written: Vec::new(),
            silent_reads: usize::MAX,
        };
        let got = poll_answer(&mut d, STATUS_PAPER, Duration::from_millis(30)).expect("poll");
        assert_eq!(got, None);
    }

    #[test]
    fn file_and_missing_device() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("receipt.bin");
        let addr = PrinterAddr::parse(&format!("file:{}", path.display())).expect("addr");
        std::fs::write(&path, b"old and longer").expect("write");
        assert_eq!(send(&addr, b"\x1b@hi"), Ok(PrinterStatus::default()));
        assert_eq!(std::fs::read(&path).expect("read"), b"\x1b@hi");

        let missing = PrinterAddr::parse("file:/nonexistent-dir/receipt.bin").expect("addr");
        assert!(matches!(
            send(&missing, b"x"),
            Err(PrintError::Unreachable { .. })
        ));
        let device = PrinterAddr::parse("/dev/usb/lp-smartstore-test-none").expect("addr");
        assert!(matches!(
            send(&device, b"x"),
            Err(PrintError::Unreachable { .. })
        ));
    }

    #[test]
    fn refused_connection_is_unreachable() {
        // A port that was just free: nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let addr = PrinterAddr::Tcp {
            host: "127.0.0.1".into(),
            port,
        };
        match send(&addr, b"x") {
            Err(PrintError::Unreachable { addr, .. }) => {
                assert_eq!(addr, format!("tcp:127.0.0.1:{port}"))
            }
            other => panic!("{other:?}"),
        }
    }
}
