//! Keyboard-wedge scanners: USB barcode scanners that "type" the code and press Enter.
//!
//! They type far faster and far more evenly than a person: every key follows the previous one
//! within a few milliseconds. `WedgeDetector` watches the timing of key presses and splits them
//! into scans and ordinary typing. Pure logic: feed it keys and times, wherever they come from
//! (the GUI forwards every key press whatever widget has focus).

/// A key press as the detector sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeEvent {
    /// A complete scan (without the Enter).
    Scan(String),
    /// Keys a person typed; hand them back to the focused widget.
    Typed(String),
}

#[derive(Debug, Clone, Copy)]
pub struct WedgeOptions {
    /// The longest gap between two keys of one scan.
    pub max_gap_ms: u64,
    /// The fewest characters a scan has (EAN-8 is the shortest product code).
    pub min_len: usize,
}

impl Default for WedgeOptions {
    fn default() -> WedgeOptions {
        WedgeOptions {
            max_gap_ms: 35,
            min_len: 4,
        }
    }
}

#[derive(Debug)]
pub struct WedgeDetector {
    options: WedgeOptions,
    buf: String,
    last_ms: Option<u64>,
}

impl WedgeDetector {
    pub fn new(options: WedgeOptions) -> WedgeDetector {
        WedgeDetector {
            options,
            buf: String::new(),
            last_ms: None,
        }
    }

    /// Feeds one key pressed at `t_ms` (any monotonic clock). Returns what became certain.
    pub fn key(&mut self, key: Key, t_ms: u64) -> Vec<WedgeEvent> {
        let mut out = Vec::new();
        let slow = self
            .last_ms
            .is_some_and(|last| t_ms.saturating_sub(last) > self.options.max_gap_ms);
        if slow && !self.buf.is_empty() {
            // Too slow for a scanner: what we held was typed by a person.
            out.push(WedgeEvent::Typed(std::mem::take(&mut self.buf)));
        }
        match key {
            Key::Char(c) => {
                self.buf.push(c);
                self.last_ms = Some(t_ms);
            }
            Key::Enter => {
                let text = std::mem::take(&mut self.buf);
                if text.chars().count() >= self.options.min_len {
                    out.push(WedgeEvent::Scan(text));
                } else {
                    out.push(WedgeEvent::Typed(text + "\n"));
                }
                self.last_ms = None;
            }
        }
        out
    }

    /// Called now and then without a key: a lone burst that never got its Enter is typing.
    pub fn idle(&mut self, t_ms: u64) -> Vec<WedgeEvent> {
        match self.last_ms {
            Some(last)
                if t_ms.saturating_sub(last) > self.options.max_gap_ms && !self.buf.is_empty() =>
            {
                self.last_ms = None;
                vec![WedgeEvent::Typed(std::mem::take(&mut self.buf))]
            }
            _ => Vec::new(),
        }
    }
}

impl Default for WedgeDetector {
    fn default() -> WedgeDetector {
        WedgeDetector::new(WedgeOptions::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `text` with the given gaps (ms) before each key; `\n` is Enter.
    fn run(keys: &[(char, u64)]) -> Vec<WedgeEvent> {
        let mut d = WedgeDetector::default();
        let mut t = 1000;
        let mut out = Vec::new();
        for &(c, gap) in keys {
            t += gap;
            let key = if c == '\n' { Key::Enter } else { Key::Char(c) };
            out.extend(d.key(key, t));
        }
        out.extend(d.idle(t + 1000));
        out
    }

    fn typed(text: &str, gap: u64) -> Vec<(char, u64)> {
        text.chars().map(|c| (c, gap)).collect()
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn timing_table() {
        let scan = |s: &str| WedgeEvent::Scan(s.into());
        let person = |s: &str| WedgeEvent::Typed(s.into());
        let cases: Vec<(&str, Vec<(char, u64)>, Vec<WedgeEvent>)> = vec![
            (
                "scanner at 8 ms a key",
                typed("4006381333931\n", 8),
                vec![scan("4006381333931")],
            ),
            (
                "scanner at 30 ms a key",
                typed("96385074\n", 30),
                vec![scan("96385074")],
            ),
            (
                "person at 150 ms a key",
                typed("4006381333931\n", 150),
                vec![
                    person("4"),
                    person("0"),
                    person("0"),
                    person("6"),
                    person("3"),
                    person("8"),
                    person("1"),
                    person("3"),
                    person("3"),
                    person("3"),
                    person("9"),
                    person("3"),
                    person("1"),
                    person("\n"),
                ],
            ),
            (
                "too short to be a code",
                typed("12\n", 5),
                vec![person("12\n")],
            ),
            (
                "burst without Enter is typing",
                typed("abcdef", 5),
                vec![person("abcdef")],
            ),
            (
                "person, then a scan",
                {
                    let mut k = typed("ab", 200);
                    k.extend(typed("PU1:XYZ\n", 6));
                    k[2].1 = 400;
                    k
                },
                vec![person("a"), person("b"), scan("PU1:XYZ")],
            ),
            (
                "a scan with one stall keeps the tail",
                {
                    let mut k = typed("1234567890\n", 5);
                    k[5].1 = 200;
                    k
                },
                vec![person("12345"), scan("67890")],
            ),
        ];
        for (name, keys, want) in cases {
            assert_eq!(run(&keys), want, "{name}");
        }
    }
}
