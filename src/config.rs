//! Where the terminal keeps its data, and its TOML configuration.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use smartstore_domain::variable_measure::{Layout, Measure, Rule};

pub const DATABASE_FILE: &str = "smartstore.db";
pub const CONFIG_FILE: &str = "config.toml";

/// The data directory: `--data-dir`, else `SMARTSTORE_DATA_DIR` (both resolved by clap),
/// else the platform's data directory.
pub fn data_dir(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_owned());
    }
    directories::ProjectDirs::from("", "", "smartstore")
        .map(|d| d.data_dir().to_owned())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no home directory to keep data in: pass --data-dir DIR or set SMARTSTORE_DATA_DIR"
            )
        })
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `counter`, `kiosk` or `setup`.
    pub mode: Option<String>,
    /// Camera spec: `auto`, an index or path, or `replay:DIR[@FPS]`.
    pub camera: Option<String>,
    /// `zh-CN` or `en`.
    pub language: Option<String>,
    /// ISO 4217 code of the store's currency (CNY when absent).
    pub currency: Option<String>,
    /// The kiosk's staff PIN as `smartstore pin` prints it (Argon2id; older PBKDF2 hashes still
    /// verify); the demo PIN 2468 when absent on the demo store, none on an enrolled terminal.
    pub staff_pin_hash: Option<String>,
    /// The store's offset from UTC (`+08:00` when absent): its local day bounds what a void may
    /// reach until shifts open and close it.
    pub utc_offset: Option<String>,
    /// The tax included in prices, when the store's reports should show it (`tax_rate = "13%"`).
    pub tax_rate: Option<String>,
    /// The receipt printer: `tcp:HOST:PORT`, `/dev/usb/lp0` or `file:PATH` (none: no printing).
    pub printer: Option<String>,
    /// The printer's paper: `58` or `80` mm (80 when absent).
    pub printer_paper: Option<u32>,
    /// How Chinese text reaches the printer: `raster` (drawn as an image: every printer can,
    /// the default) or `gb18030` (the printer's own Chinese font).
    pub printer_text: Option<String>,
    /// Open the cash drawer (wired to the printer) after a sale paid in cash (true when absent).
    pub cash_drawer: Option<bool>,
    /// The customer-facing display: the monitor's name (`HDMI-2`), `on` (the second monitor),
    /// or `off`. Absent: on when a second monitor is found.
    pub customer_display: Option<String>,
    /// The counter's quick keys for products without a barcode (loose fruit, bread):
    /// `[[quick_keys]]` with `gtin`, `label` and `label_zh`.
    pub quick_keys: Option<Vec<QuickKey>>,
    /// Where a kiosk's assistance calls go (`255.255.255.255:47808`, the local network, when
    /// absent), and where a counter listens for them (`0.0.0.0:47808`; `off` not to).
    pub assist_to: Option<String>,
    pub assist_listen: Option<String>,
    /// How this store's scales print weighed and priced goods: in-store EAN-13 codes
    /// (`[[scale_codes]]`, one table per prefix). Absent: prefix 22 holds a weight in grams and
    /// 25 a price in fen, each after a 5-digit item code; `scale_codes = []`: no scales.
    pub scale_codes: Option<Vec<ScaleCode>>,
}

/// One prefix of the store's scale labels: 2 prefix digits, `item_digits` of item code, a
/// price/weight check digit when `value_check`, `value_digits` of weight or price, and the
/// EAN-13 check digit: 13 in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleCode {
    /// 20 to 29.
    pub prefix: u8,
    pub item_digits: u8,
    pub value_digits: u8,
    #[serde(default)]
    pub value_check: bool,
    /// The value is a weight in units of this many grams (1: grams, 10: tens of grams).
    pub weight_g: Option<u32>,
    /// The value is a price in units of this many fen (1: fen, 10: jiao).
    pub price_fen: Option<u32>,
}

/// A counter button that adds a product without scanning it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickKey {
    pub gtin: String,
    pub label: String,
    pub label_zh: Option<String>,
}

impl Config {
    /// Reads `DIR/config.toml`; a missing file is the default configuration.
    pub fn load(dir: &Path) -> anyhow::Result<Config> {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let config: Config = toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("{} is not valid configuration: {e}Fix the file or remove it to use the defaults", path.display()))?;
                // A scale layout that cannot read a label is found now, not at the first scan.
                config.scale_layout()?;
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    }

    /// Writes `DIR/config.toml` (through a temporary file beside the real one, so a crash never
    /// leaves half a file). When `config.toml` is a symlink (the package links it to
    /// `/etc/smartstore/config.toml`), the file it points at is replaced and the link stays.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        let link = dir.join(CONFIG_FILE);
        let path = match std::fs::canonicalize(&link) {
            Ok(real) => real,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::read_link(&link) {
                // A dangling link: write where it points.
                Ok(target) => dir.join(target),
                Err(_) => link,
            },
            Err(e) => return Err(anyhow::anyhow!("cannot read {}: {e}", link.display())),
        };
        let text = toml::to_string(self)?;
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        Ok(())
    }

    pub fn currency(&self) -> anyhow::Result<smartstore_domain::money::Currency> {
        match &self.currency {
            None => Ok(smartstore_domain::money::Currency::CNY),
            Some(c) => smartstore_domain::money::Currency::parse(c)
                .map_err(|e| anyhow::anyhow!("config.toml: {e}")),
        }
    }

    /// The tax rate in basis points (`tax_rate = "13%"` is 1300); none when not configured.
    pub fn tax_rate_bp(&self) -> anyhow::Result<Option<u32>> {
        let Some(text) = self.tax_rate.as_deref() else {
            return Ok(None);
        };
        let bad = || {
            anyhow::anyhow!(
                "config.toml: tax_rate '{text}' is not a rate such as \"13%\" (0 to 100 %, two decimals at most)"
            )
        };
        let digits = text.trim().trim_end_matches('%').trim();
        let m =
            smartstore_domain::money::Money::parse(digits, smartstore_domain::money::Currency::CNY)
                .map_err(|_| bad())?;
        if !(0..=10_000).contains(&m.minor) {
            return Err(bad());
        }
        Ok(Some(u32::try_from(m.minor).map_err(|_| bad())?))
    }

    /// The store's variable-measure layout (`[[scale_codes]]`), checked.
    pub fn scale_layout(&self) -> anyhow::Result<Layout> {
        let Some(codes) = &self.scale_codes else {
            return Ok(Layout::common());
        };
        let mut rules = Vec::with_capacity(codes.len());
        for c in codes {
            let measure = match (c.weight_g, c.price_fen) {
                (Some(unit_g), None) => Measure::Weight { unit_g },
                (None, Some(unit_fen)) => Measure::Price { unit_fen },
                _ => anyhow::bail!(
                    "config.toml: scale_codes prefix {}: give either weight_g or price_fen (the unit of its value)",
                    c.prefix
                ),
            };
            rules.push(Rule {
                prefix: c.prefix,
                item_digits: c.item_digits,
                value_digits: c.value_digits,
                value_check: c.value_check,
                measure,
            });
        }
        Layout::new(rules).map_err(|e| anyhow::anyhow!("config.toml: scale_codes: {e}"))
    }

    /// The store's UTC offset (`utc_offset = "+08:00"`; +08:00 when absent).
    pub fn utc_offset(&self) -> anyhow::Result<time::UtcOffset> {
        let text = self.utc_offset.as_deref().unwrap_or("+08:00");
        let format =
            time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
        time::UtcOffset::parse(text.trim(), &format).map_err(|e| {
            anyhow::anyhow!("config.toml: utc_offset '{text}' is not an offset such as +08:00: {e}")
        })
    }
}

/// Where a command or the window works: the data directory and its configuration.
#[derive(Debug, Clone)]
pub struct Context {
    pub data_dir: PathBuf,
    pub config: Config,
}

impl Context {
    pub fn new(data_dir: Option<&Path>) -> anyhow::Result<Context> {
        let data_dir = self::data_dir(data_dir)?;
        let config = Config::load(&data_dir)?;
        Ok(Context { data_dir, config })
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    pub fn open_store(&self) -> anyhow::Result<crate::store::Store> {
        Ok(crate::store::Store::open(&self.db_path())?)
    }

    /// Opens the database to read it: as [`Context::open_store`] when it can be written, else
    /// (damaged, read-only disk, no space) read-only, with the reason it could not be written.
    pub fn open_store_to_read(
        &self,
    ) -> anyhow::Result<(crate::store::Store, Option<crate::store::StoreError>)> {
        use crate::store::{Store, StoreError};
        let path = self.db_path();
        match Store::open(&path) {
            Ok(store) => Ok((store, None)),
            Err(
                e @ (StoreError::Damaged { .. }
                | StoreError::ReadOnlyFilesystem { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::DiskFull { .. }
                | StoreError::Corrupt { .. }),
            ) if path.exists() => match Store::open_blocked(&path, &e) {
                Ok(store) => Ok((store, Some(e))),
                Err(_) => Err(e.into()),
            },
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_codes_make_the_layout() {
        let layout = |toml_text: &str| {
            toml::from_str::<Config>(toml_text)
                .map_err(anyhow::Error::from)
                .and_then(|c| c.scale_layout())
        };
        assert_eq!(layout("").expect("default"), Layout::common());
        assert_eq!(layout("scale_codes = []").expect("none").rules(), []);
        let two = layout(
            "[[scale_codes]]\nprefix = 21\nitem_digits = 5\nvalue_digits = 4\nvalue_check = true\nweight_g = 10\n\
             [[scale_codes]]\nprefix = 26\nitem_digits = 6\nvalue_digits = 4\nprice_fen = 10\n",
        )
        .expect("two prefixes");
        assert_eq!(
            two.rules(),
            [
                Rule {
                    prefix: 21,
                    item_digits: 5,
                    value_digits: 4,
                    value_check: true,
                    measure: Measure::Weight { unit_g: 10 },
                },
                Rule {
                    prefix: 26,
                    item_digits: 6,
                    value_digits: 4,
                    value_check: false,
                    measure: Measure::Price { unit_fen: 10 },
                },
            ]
        );
        for (bad, says) in [
            (
                "[[scale_codes]]\nprefix = 22\nitem_digits = 5\nvalue_digits = 5\n",
                "either weight_g or price_fen",
            ),
            (
                "[[scale_codes]]\nprefix = 22\nitem_digits = 5\nvalue_digits = 5\nweight_g = 1\nprice_fen = 1\n",
                "either weight_g or price_fen",
            ),
            (
                "[[scale_codes]]\nprefix = 32\nitem_digits = 5\nvalue_digits = 5\nweight_g = 1\n",
                "not an in-store prefix",
            ),
            (
                "[[scale_codes]]\nprefix = 22\nitem_digits = 5\nvalue_digits = 4\nweight_g = 1\n",
                "not the 10",
            ),
        ] {
            let e = layout(bad).expect_err(bad);
            assert!(format!("{e:#}").contains(says), "{bad}: {e:#}");
        }
        // A misspelt key is refused, not ignored.
        assert!(
            toml::from_str::<Config>(
                "[[scale_codes]]\nprefix = 22\nitem_digit = 5\nvalue_digits = 5\nweight_g = 1\n"
            )
            .is_err()
        );
    }

    #[cfg(unix)]
    #[test]
    fn save_writes_through_the_link_to_etc() {
        let dir = tempfile::tempdir().expect("tempdir");
        let etc = dir.path().join("etc");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&etc).expect("etc");
        std::fs::create_dir_all(&data).expect("data");
        std::fs::write(etc.join(CONFIG_FILE), "language = \"en\"\n").expect("write");
        std::os::unix::fs::symlink(etc.join(CONFIG_FILE), data.join(CONFIG_FILE)).expect("link");
        let mut config = Config::load(&data).expect("load");
        config.camera = Some("none".into());
        config.save(&data).expect("save");
        assert!(
            std::fs::symlink_metadata(data.join(CONFIG_FILE))
                .expect("meta")
                .file_type()
                .is_symlink(),
            "the link stays"
        );
        let through = Config::load(&etc).expect("load /etc");
        assert_eq!(through.camera.as_deref(), Some("none"));
        assert_eq!(through.language.as_deref(), Some("en"));
    }
}
