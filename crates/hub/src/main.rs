//! `smartstore-hub`: the reference platform (DESIGN.md §7, §8).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use smartstore_hub::db::valid_store_id;
use smartstore_hub::server::{Hub, ServeOptions, serve};
use smartstore_hub::store::Admin;

mod online_cli;

#[derive(Debug, Parser)]
#[command(
    name = "smartstore-hub",
    version,
    about = "The reference platform for smartstore terminals"
)]
struct Cli {
    /// The platform database: a SQLite file, or a PostgreSQL database as
    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DB (several hubs can serve one).
    #[arg(
        long,
        global = true,
        default_value = "smartstore-hub.db",
        env = "SMARTSTORE_HUB_DB"
    )]
    db: String,
    /// PostgreSQL: connections this hub keeps open at most.
    #[arg(
        long,
        global = true,
        default_value_t = 16,
        env = "SMARTSTORE_HUB_DB_CONNECTIONS"
    )]
    db_connections: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply the database's migrations (serve does too) and make the event partitions ahead.
    Migrate,
    /// Serve the sync protocol.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8480")]
        listen: SocketAddr,
        /// The server's certificate chain (PEM: its certificate, then the CA's), for HTTPS.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The server's private key (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Connections served at once; more are closed at once.
        #[arg(long, default_value_t = 4096)]
        max_connections: usize,
        /// The root's private key that signs the key document (default with --tls-cert: the
        /// `ca.key` beside it, as `cert init` writes it).
        #[arg(long, value_name = "FILE")]
        root_key: Option<PathBuf>,
        /// The stores' offset from UTC: e-receipt pages (`/r/…`) show times in it.
        #[arg(long, default_value = "+08:00", allow_hyphen_values = true)]
        utc_offset: String,
        /// Minutes between two rebuilds of the Magic Mirror recommendations (the first a
        /// minute after start); 0: only by `recommend build`.
        #[arg(long, value_name = "MINUTES", default_value_t = 30)]
        recommend_every: u64,
    },
    /// Magic Mirror: the recommendations of the members who consented.
    #[command(subcommand)]
    Recommend(RecommendCommand),
    /// Platform keys: rotate, retire or revoke one (with no action: print them).
    Keys {
        #[command(subcommand)]
        action: Option<KeysCommand>,
    },
    /// Revoke a coupon or a device.
    #[command(subcommand)]
    Revoke(RevokeCommand),
    /// Certificates for a pilot.
    #[command(subcommand)]
    Cert(CertCommand),
    /// Make one-time enrolment tokens: for one store, one a line; or for a list of stores
    /// (`--stores FILE.csv`), as a CSV a technician carries: store,token,created.
    EnrolmentToken {
        #[arg(long, required_unless_present = "stores", conflicts_with = "stores")]
        store: Option<String>,
        /// Tokens per store (for --stores: for rows without a count column).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        count: u32,
        /// A CSV with a header row and a `store` column (optional `count`; other columns are
        /// ignored); `-` reads it from standard input. Every token is made, or none.
        #[arg(long, value_name = "FILE.csv")]
        stores: Option<PathBuf>,
        /// Write the tokens' CSV here (a new file, readable by its owner only) instead of
        /// standard output.
        #[arg(long, value_name = "FILE.csv", requires = "stores")]
        out: Option<PathBuf>,
        /// How long the tokens stay valid: minutes, hours or days (30m, 12h, 7d).
        #[arg(long, default_value = "7d", value_parser = parse_validity)]
        valid: time::Duration,
    },
    /// The platform's catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Record an online order to be picked up at a store.
    Pickup {
        #[arg(long)]
        store: String,
        #[arg(long)]
        order: String,
        /// GTIN:QTY, repeated.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
    },
    /// Issue a signed shopper code: prints its text alone; `--png FILE` also writes its QR.
    #[command(subcommand)]
    Issue(IssueCommand),
    /// The stores' staff: clerks and supervisors with their own PINs.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// A store's day: the sum of the Z reports of the shifts its terminals closed that day
    /// (the store's local day: --utc-offset, +08:00 by default).
    Report {
        #[arg(long)]
        store: String,
        /// YYYY-MM-DD.
        #[arg(long)]
        day: String,
        #[arg(long, default_value = "+08:00", allow_hyphen_values = true)]
        utc_offset: String,
        #[arg(long)]
        json: bool,
    },
    /// Per order: sold, refunded by its returns, what stands (one JSON object per line with
    /// --json); an order refunded past its sale is marked unbalanced.
    Ledger {
        #[arg(long)]
        json: bool,
    },
    /// Every payment by shopper code: approved, declined, voided (one JSON object per line with
    /// --json).
    Payments {
        #[arg(long)]
        json: bool,
    },
    /// The stores and where they are (online orders go to the nearest that holds them).
    #[command(subcommand)]
    Store(online_cli::StoreCommand),
    /// The stores' stock: imported counts, less what their terminals sell, plus what comes
    /// back.
    #[command(subcommand)]
    Stock(online_cli::StockCommand),
    /// Bearer keys of the marketplaces that send online orders.
    #[command(subcommand)]
    MarketplaceKey(online_cli::MarketplaceKeyCommand),
    /// Online orders: taken, routed to a store, and followed.
    #[command(subcommand)]
    OnlineOrder(online_cli::OnlineOrderCommand),
    /// Every event the terminals sent.
    Events {
        #[arg(long)]
        json: bool,
        /// Only the events flagged as conflicts: a single-use coupon or a pickup used twice, a
        /// receipt number issued twice.
        #[arg(long)]
        conflicts: bool,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a member of staff to a store (or change their role, name or PIN): the PIN is read
    /// from standard input and stored only as its Argon2id hash; the store's terminals pull it.
    Add {
        #[arg(long)]
        store: String,
        #[arg(long)]
        id: String,
        /// clerk or supervisor (a supervisor approves voids, returns and refunds).
        #[arg(long, default_value = "clerk")]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum RecommendCommand {
    /// Rebuild every consenting member's list from every sale now (the server also does,
    /// every --recommend-every minutes).
    Build {
        #[arg(long)]
        json: bool,
    },
    /// The lists as terminals pull them: one JSON object per member.
    Show,
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// A new signing key; the current ones are retired (they verify what they signed before).
    Rotate,
    /// Retire a key: it signs nothing new; codes it issued before now still verify.
    Retire { kid: String },
    /// Revoke a key: nothing it signed verifies any more.
    Revoke { kid: String },
}

#[derive(Debug, Subcommand)]
enum RevokeCommand {
    /// A coupon: terminals refuse it after their next sync.
    Coupon {
        id: String,
        #[arg(long, default_value = "revoked by the platform")]
        reason: String,
    },
    /// A device: the platform refuses it from now on.
    Device { id: String },
}

#[derive(Debug, Subcommand)]
enum CertCommand {
    /// Make a private CA and a server certificate for `--host` (repeat for more names or IP
    /// addresses) in `--dir`; prints the CA's fingerprint (hex SHA-256 of its DER) that
    /// terminals pin. Never overwrites.
    Init {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long = "host", required = true)]
        hosts: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum IssueCommand {
    /// A coupon: amount (--off 10.00) or percent (--percent 15) off.
    Coupon {
        #[arg(long)]
        store: Vec<String>,
        #[arg(long, conflicts_with = "percent", required_unless_present = "percent")]
        off: Option<String>,
        #[arg(long)]
        percent: Option<u32>,
        /// Minimum spend, e.g. 50.00.
        #[arg(long)]
        min: Option<String>,
        #[arg(long)]
        single_use: bool,
        /// Days the coupon is valid from now.
        #[arg(long, default_value_t = 30)]
        days: i64,
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// The pickup code of an online order; also records the order for the store's terminals.
    Pickup {
        #[arg(long)]
        store: String,
        #[arg(long)]
        order: String,
        /// GTIN:QTY, repeated.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        #[arg(long, default_value_t = 14)]
        days: i64,
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// A member code with the shopper's delivery addresses.
    Member {
        #[arg(long)]
        member: String,
        #[arg(long)]
        name: String,
        #[arg(long = "address")]
        addresses: Vec<String>,
        /// The shopper agreed to Magic Mirror: recommendations from their purchases when the
        /// code is scanned. A code issued without it withdraws an earlier consent.
        #[arg(long)]
        consent: bool,
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// A basket built in the shopper's app.
    Basket {
        /// GTIN:QTY, repeated.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        #[arg(long, default_value_t = 1)]
        days: i64,
        #[arg(long)]
        png: Option<PathBuf>,
    },
}

fn issue(db: &mut Admin, cmd: IssueCommand) -> anyhow::Result<()> {
    use smartstore_domain::coupon::{Coupon, CouponValue};
    use smartstore_domain::money::{Currency, Money};
    use smartstore_protocol::codes::{Basket, Issuer, Member, Pickup, Stamp, write_qr_png};
    let key = db.platform_signing_key()?;
    let issuer = Issuer::from_pkcs8(key.pkcs8(), "smartstore-hub")?.with_kid(&key.kid);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let days = |d: i64| -> anyhow::Result<i64> {
        anyhow::ensure!((1..=3650).contains(&d), "--days must be between 1 and 3650");
        Ok(d * 86_400)
    };
    let lines_of = |lines: &[String]| -> anyhow::Result<Vec<(smartstore_domain::gtin::Gtin, u32)>> {
        lines
            .iter()
            .map(|l| {
                let p = parse_line(l)?;
                Ok((smartstore_domain::gtin::Gtin::parse(&p.gtin)?, p.quantity))
            })
            .collect()
    };
    let (text, png) = match cmd {
        IssueCommand::Coupon {
            store,
            off,
            percent,
            min,
            single_use,
            days: d,
            png,
        } => {
            let value = match (off, percent) {
                (Some(off), _) => CouponValue::AmountOff(Money::parse(&off, Currency::CNY)?),
                (None, Some(p)) => {
                    anyhow::ensure!((1..=100).contains(&p), "--percent must be 1 to 100");
                    CouponValue::PercentOff(p)
                }
                (None, None) => anyhow::bail!("give --off AMOUNT or --percent P"),
            };
            let coupon = Coupon {
                id: format!("CP-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]),
                value,
                min_spend: min.map(|m| Money::parse(&m, Currency::CNY)).transpose()?,
                single_use,
                stores: store,
                not_before: now,
                expires: now + days(d)?,
            };
            (
                issuer.issue_coupon(&coupon, &Stamp::fresh(now, days(d)?)?)?,
                png,
            )
        }
        IssueCommand::Pickup {
            store,
            order,
            lines,
            days: d,
            png,
        } => {
            let parsed = lines
                .iter()
                .map(|l| parse_line(l))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let pickup = Pickup {
                order_id: order.clone(),
                store: store.clone(),
                lines: lines_of(&lines)?,
            };
            let text = issuer.issue_pickup(&pickup, &Stamp::fresh(now, days(d)?)?)?;
            db.add_pickup(&order, &store, &parsed)?;
            (text, png)
        }
        IssueCommand::Member {
            member,
            name,
            addresses,
            consent,
            days: d,
            png,
        } => {
            let m = Member {
                member_id: member,
                name,
                addresses,
                consent,
            };
            let text = issuer.issue_member(&m, &Stamp::fresh(now, days(d)?)?)?;
            // Recorded once the code is made: a code refused for its contents changes nothing.
            db.set_member_consent(&m.member_id, consent)?;
            (text, png)
        }
        IssueCommand::Basket {
            lines,
            days: d,
            png,
        } => {
            let b = Basket {
                lines: lines_of(&lines)?,
            };
            (issuer.issue_basket(&b, &Stamp::fresh(now, days(d)?)?)?, png)
        }
    };
    if let Some(path) = png {
        write_qr_png(&text, &path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("{text}");
    Ok(())
}

#[derive(Debug, Subcommand)]
enum CatalogCommand {
    /// All rows or none, with the terminal's rules (catalog CSV, DESIGN §8).
    Import {
        file: PathBuf,
        /// The currency of rows that name none (ISO 4217).
        #[arg(long, default_value = "CNY")]
        currency: String,
    },
}

fn parse_line(text: &str) -> anyhow::Result<smartstore_protocol::wire::PickupLine> {
    let (g, q) = text
        .split_once(':')
        .ok_or_else(|| anyhow::anyhow!("--line '{text}' must be GTIN:QTY"))?;
    let gtin = smartstore_domain::gtin::Gtin::parse(g)?;
    let quantity: u32 = q
        .parse()
        .map_err(|_| anyhow::anyhow!("--line '{text}': quantity must be a whole number"))?;
    anyhow::ensure!(quantity > 0, "--line '{text}': quantity must be at least 1");
    Ok(smartstore_protocol::wire::PickupLine {
        gtin: gtin.as_str(),
        quantity,
    })
}

/// The most tokens one `--stores` run makes.
const MAX_FLEET_TOKENS: u64 = 100_000;

/// Reads a store list: a header row with a `store` column and an optional `count` column.
/// Every problem is reported with its line; any problem refuses the whole list.
fn read_store_list(path: &Path, default_count: u32) -> anyhow::Result<Vec<(String, u32)>> {
    // `-` is standard input: `sudo smartstore-hub-admin … --stores - < stores.csv` reads a file
    // the hub's user could not open itself.
    let input: Box<dyn std::io::Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?,
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::BufReader::new(input));
    let headers = reader
        .headers()
        .with_context(|| format!("{}: line 1", path.display()))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let store_col = column("store").ok_or_else(|| {
        anyhow::anyhow!(
            "{}: line 1 must be a header with a `store` column (and optionally `count`)",
            path.display()
        )
    })?;
    let count_col = column("count");
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::new();
    let mut total = 0u64;
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("  {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let store = record.get(store_col).unwrap_or("").to_owned();
        if !valid_store_id(&store) {
            problems.push(format!(
                "  line {line}: store id '{store}' must be 1-16 letters and digits"
            ));
            continue;
        }
        if !seen.insert(store.clone()) {
            problems.push(format!(
                "  line {line}: store {store} is listed twice (give it a count instead)"
            ));
            continue;
        }
        let count = match count_col
            .and_then(|c| record.get(c))
            .filter(|c| !c.is_empty())
        {
            None => default_count,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if (1..=1000).contains(&n) => n,
                _ => {
                    problems.push(format!(
                        "  line {line}: count '{text}' must be a whole number from 1 to 1000"
                    ));
                    continue;
                }
            },
        };
        total += u64::from(count);
        list.push((store, count));
    }
    if list.is_empty() && problems.is_empty() {
        problems.push("  the list names no store".to_owned());
    }
    if total > MAX_FLEET_TOKENS {
        problems.push(format!(
            "  {total} tokens asked for; at most {MAX_FLEET_TOKENS} in one run"
        ));
    }
    anyhow::ensure!(
        problems.is_empty(),
        "{}: no token was made:\n{}",
        path.display(),
        problems.join("\n")
    );
    Ok(list)
}

/// Tokens for a list of stores, as the CSV a technician carries.
fn fleet_tokens(
    db: &mut Admin,
    list: &Path,
    default_count: u32,
    out: Option<&Path>,
    valid: time::Duration,
) -> anyhow::Result<()> {
    let stores = read_store_list(list, default_count)?;
    // The output file is made before the tokens, so a token is never made and then lost.
    let mut sink: Box<dyn std::io::Write> = match out {
        Some(path) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            Box::new(opts.open(path).with_context(|| {
                format!(
                    "cannot create {} (it must not exist yet: tokens are never overwritten)",
                    path.display()
                )
            })?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let tokens = db.create_fleet_tokens(&stores, valid)?;
    let mut csv = csv::Writer::from_writer(&mut sink);
    for t in &tokens {
        csv.serialize(t)?;
    }
    csv.flush()?;
    drop(csv);
    sink.flush()?;
    if let Some(path) = out {
        eprintln!(
            "{} tokens for {} stores written to {}",
            tokens.len(),
            stores.len(),
            path.display()
        );
    }
    Ok(())
}

/// The serving hub's Magic Mirror rebuilds: a minute after start, then every `every`. A
/// failed rebuild is logged and tried again at the next turn; the lists held stay good.
async fn rebuild_recommendations(store: smartstore_hub::store::Store, every: std::time::Duration) {
    let mut next = tokio::time::Instant::now() + std::time::Duration::from_secs(60).min(every);
    loop {
        tokio::time::sleep_until(next).await;
        next += every;
        match store.build_recommendations().await {
            Ok(b) => tracing::info!(
                purchases = b.purchases,
                members = b.members,
                changed = b.changed,
                "Magic Mirror recommendations rebuilt"
            ),
            Err(e) => tracing::warn!("Magic Mirror recommendations not rebuilt: {e}"),
        }
    }
}

/// A `--db` as messages show it: a URL without its password.
fn shown(db: &str) -> String {
    match (db.split_once("://"), db.rfind('@')) {
        (Some((scheme, rest)), Some(at)) => {
            let user = rest[..at - scheme.len() - 3]
                .split(':')
                .next()
                .unwrap_or("");
            format!("{scheme}://{user}@{}", &db[at + 1..])
        }
        _ => db.to_owned(),
    }
}

/// This process's soft limit of open files (Linux: /proc/self/limits).
fn open_files_limit() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

/// A validity as `30m`, `12h` or `7d` (at most 90 days).
fn parse_validity(text: &str) -> Result<time::Duration, String> {
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .map_err(|_| format!("'{text}': a number and m, h or d, like 12h or 7d"))?;
    let d = match unit {
        "m" => time::Duration::minutes(n),
        "h" => time::Duration::hours(n),
        "d" => time::Duration::days(n),
        _ => return Err(format!("'{text}': the unit is m, h or d, like 12h or 7d")),
    };
    if n <= 0 || d > time::Duration::days(90) {
        return Err(format!("'{text}': from 1 minute to 90 days"));
    }
    Ok(d)
}

/// `--utc-offset`: `+08:00`.
fn parse_utc_offset(text: &str) -> anyhow::Result<time::UtcOffset> {
    time::UtcOffset::parse(
        text,
        time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
    )
    .map_err(|e| anyhow::anyhow!("--utc-offset '{text}' is like +08:00: {e}"))
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut db = Admin::open(&cli.db, cli.db_connections)?;
    match cli.command {
        Command::Migrate => println!("{}: the schema is up to date", shown(&cli.db)),
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            max_connections,
            root_key,
            utc_offset,
            recommend_every,
        } => {
            let utc_offset = parse_utc_offset(&utc_offset)?;
            let tls = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => Some(smartstore_hub::tls::server_config(cert, key)?),
                _ => {
                    if !listen.ip().is_loopback() {
                        eprintln!(
                            "warning: serving plain HTTP on {listen}: terminals refuse it except on loopback; \
                             give --tls-cert and --tls-key (smartstore-hub cert init makes them)"
                        );
                    }
                    None
                }
            };
            let scheme = if tls.is_some() { "https" } else { "http" };
            // Never more connections than descriptors: past the limit, accept() would fail for
            // everyone; under it, one more connection is closed at once and the rest go on.
            let max_connections = match open_files_limit() {
                Some(limit) if (limit as usize).saturating_sub(64) < max_connections => {
                    let capped = (limit as usize).saturating_sub(64).max(16);
                    eprintln!(
                        "warning: {limit} open files allowed (ulimit -n): serving at most {capped} connections instead of {max_connections}"
                    );
                    capped
                }
                _ => max_connections,
            };
            let options = ServeOptions {
                tls,
                max_connections,
                ..ServeOptions::default()
            };
            let root_key = root_key.or_else(|| {
                tls_cert
                    .as_ref()
                    .and_then(|c| c.parent())
                    .map(|d| d.join(smartstore_hub::tls::CA_KEY))
                    .filter(|p| p.exists())
            });
            let (store, rt) = db.into_serving()?;
            if recommend_every > 0 {
                let store = store.clone();
                rt.spawn(rebuild_recommendations(
                    store,
                    std::time::Duration::from_secs(recommend_every.saturating_mul(60)),
                ));
            }
            let mut hub = Hub::on(store).with_utc_offset(utc_offset);
            match &root_key {
                Some(path) => hub = hub.with_root_key(smartstore_hub::tls::read_root_key(path)?),
                None if options.tls.is_some() => eprintln!(
                    "warning: no root key (--root-key): the key document goes unsigned, and terminals that pinned the root refuse it"
                ),
                None => {}
            }
            rt.block_on(serve(hub, listen, options, |addr| {
                println!("listening on {scheme}://{addr}");
            }))
            .with_context(|| format!("cannot serve on {listen}"))?;
        }
        Command::Cert(CertCommand::Init { dir, hosts }) => {
            let made = smartstore_hub::tls::init(&dir, &hosts)?;
            for f in &made.files {
                eprintln!("wrote {}", f.display());
            }
            db.set_ca_fingerprint(&made.fingerprint)?;
            println!("{}", made.fingerprint);
        }
        Command::EnrolmentToken {
            store,
            count,
            stores,
            out,
            valid,
        } => match (store, stores) {
            (Some(store), _) => {
                for t in db.create_fleet_tokens(&[(store.trim().to_owned(), count)], valid)? {
                    println!("{}", t.token);
                }
            }
            (None, Some(list)) => fleet_tokens(&mut db, &list, count, out.as_deref(), valid)?,
            (None, None) => anyhow::bail!("give --store STORE or --stores FILE.csv"),
        },
        Command::Store(cmd) => online_cli::store(&mut db, cmd)?,
        Command::Stock(cmd) => online_cli::stock(&mut db, cmd)?,
        Command::MarketplaceKey(cmd) => online_cli::marketplace_key(&mut db, cmd)?,
        Command::OnlineOrder(cmd) => online_cli::online_order(&mut db, cmd)?,
        Command::Catalog(CatalogCommand::Import { file, currency }) => {
            let currency = smartstore_domain::money::Currency::parse(&currency)
                .with_context(|| format!("--currency {currency}"))?;
            let f = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = db
                .import_catalog_csv(std::io::BufReader::new(f), currency)
                .with_context(|| file.display().to_string())?;
            println!("imported {n} products");
        }
        Command::Keys { action } => match action {
            None => println!("{}", serde_json::to_string_pretty(&db.platform_keys()?)?),
            Some(KeysCommand::Rotate) => {
                let kid = db.rotate_keys()?;
                println!("{kid}");
                eprintln!(
                    "new signing key {kid}; the previous ones are retired (terminals learn it at their next sync)"
                );
            }
            Some(KeysCommand::Retire { kid }) => {
                db.set_key_standing(&kid, false)?;
                eprintln!(
                    "key {kid} retired: it signs nothing new; codes it issued before now still verify"
                );
            }
            Some(KeysCommand::Revoke { kid }) => {
                db.set_key_standing(&kid, true)?;
                eprintln!(
                    "key {kid} revoked: nothing it signed verifies after the terminals' next sync"
                );
            }
        },
        Command::Revoke(RevokeCommand::Coupon { id, reason }) => {
            db.revoke_coupon(&id, &reason)?;
            eprintln!("coupon {id} revoked: terminals refuse it after their next sync");
        }
        Command::Revoke(RevokeCommand::Device { id }) => {
            db.revoke_device(&id)?;
            eprintln!("device {id} revoked: the platform refuses it from now on");
        }
        Command::Pickup {
            store,
            order,
            lines,
        } => {
            let lines = lines
                .iter()
                .map(|l| parse_line(l))
                .collect::<anyhow::Result<Vec<_>>>()?;
            db.add_pickup(&order, &store, &lines)?;
            println!("pickup {order} recorded for store {store}");
        }
        Command::Issue(cmd) => issue(&mut db, cmd)?,
        Command::Staff(StaffCommand::Add {
            store,
            id,
            role,
            name,
        }) => {
            if !matches!(role.as_str(), "clerk" | "supervisor") {
                anyhow::bail!("--role is clerk or supervisor, not '{role}'");
            }
            if id.trim().is_empty() || id.len() > 64 || store.trim().is_empty() {
                anyhow::bail!("--store and --id are 1 to 64 characters");
            }
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            let pin = line.trim_end_matches(['\r', '\n']);
            if !smartstore_domain::kiosk::is_valid_staff_pin(pin) {
                anyhow::bail!(
                    "a staff PIN is {} to {} digits: type it on standard input followed by Enter",
                    smartstore_domain::kiosk::PIN_MIN_DIGITS,
                    smartstore_domain::kiosk::PIN_MAX_DIGITS
                );
            }
            let hash = smartstore_protocol::staff_pin::hash_pin(pin);
            db.add_staff(store.trim(), id.trim(), &role, name.as_deref(), &hash)?;
            println!("{role} {} of store {} added", id.trim(), store.trim());
        }
        Command::Report {
            store,
            day,
            utc_offset,
            json,
        } => {
            let day = time::Date::parse(
                &day,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|e| anyhow::anyhow!("--day '{day}' is YYYY-MM-DD: {e}"))?;
            let offset = parse_utc_offset(&utc_offset)?;
            let r = db.day_report(&store, day, offset)?;
            if json {
                println!("{}", serde_json::to_string(&r)?);
            } else {
                println!(
                    "{store} {day}: {} sales for {}, {} returns, {} voids, expected cash {}, counted {}, over/short {}",
                    r.sales_count,
                    r.sales,
                    r.returns_count,
                    r.voids_count,
                    r.expected_cash,
                    r.counted_cash.map_or("-".into(), |c| c.to_string()),
                    r.over_short.map_or("-".into(), |c| c.to_string())
                );
                for (m, a) in &r.tenders {
                    println!("  {m:6} {a:>12}");
                }
            }
        }
        Command::Ledger { json } => {
            for row in db.ledger()? {
                if json {
                    println!("{}", serde_json::to_string(&row)?);
                } else {
                    println!(
                        "{} {:>10} {:>10} {:>10} {}{}",
                        row.receipt,
                        row.sold,
                        row.refunded,
                        row.net,
                        row.currency,
                        if row.balanced { "" } else { "  UNBALANCED" }
                    );
                }
            }
        }
        Command::Payments { json } => {
            for p in db.payments()? {
                if json {
                    println!("{}", serde_json::to_string(&p)?);
                } else {
                    println!(
                        "{} {:>10} {:3} {:9} {} {}",
                        p.created_at,
                        smartstore_domain::money::Money::new(
                            p.amount,
                            smartstore_domain::money::Currency::parse(&p.currency)
                                .unwrap_or_default()
                        )
                        .to_decimal(),
                        p.currency,
                        p.status,
                        p.device,
                        p.reference
                    );
                }
            }
        }
        Command::Recommend(RecommendCommand::Build { json }) => {
            let b = db.build_recommendations()?;
            if json {
                println!("{}", serde_json::to_string(&b)?);
            } else {
                println!(
                    "{} members' recommendations from {} sales; {} changed",
                    b.members, b.purchases, b.changed
                );
            }
        }
        Command::Recommend(RecommendCommand::Show) => {
            let mut cursor = 0;
            loop {
                let (items, next) = db.recommendations_after(cursor, 500)?;
                for item in &items {
                    println!("{}", serde_json::to_string(item)?);
                }
                if items.is_empty() {
                    break;
                }
                cursor = next;
            }
        }
        Command::Events { json, conflicts } => {
            let events = if conflicts {
                db.conflicts()?
            } else {
                db.events()?
            };
            for e in events {
                if json {
                    let mut obj = serde_json::from_str::<serde_json::Value>(&e.body)
                        .unwrap_or(serde_json::Value::Null);
                    if let Some(map) = obj.as_object_mut() {
                        map.insert("device".into(), e.device.clone().into());
                        map.insert("seq".into(), e.seq.into());
                        map.insert("type".into(), e.kind.clone().into());
                        if let Some(o) = &e.order_id {
                            map.insert("order_id".into(), o.clone().into());
                        }
                        if let Some(f) = &e.flag {
                            map.insert("flag".into(), f.clone().into());
                        }
                    }
                    println!("{obj}");
                } else {
                    println!(
                        "{} {:>8} {:16} {}{}",
                        e.device,
                        e.seq,
                        e.kind,
                        e.order_id.unwrap_or_default(),
                        e.flag.map(|f| format!("  ! {f}")).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SMARTSTORE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
