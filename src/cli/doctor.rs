use std::process::ExitCode;

use serde::Serialize;

use super::{Context, print_json};
use crate::store::{Store, StoreError};

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    /// What to do about it; empty when it passed.
    pub fix: String,
}

impl Check {
    fn pass(check: &'static str, detail: String) -> Check {
        Check {
            check,
            status: Status::Pass,
            detail,
            fix: String::new(),
        }
    }
    fn fail(check: &'static str, detail: String, fix: &str) -> Check {
        Check {
            check,
            status: Status::Fail,
            detail,
            fix: fix.to_owned(),
        }
    }
}

/// Free space below which new orders may fail to commit.
const MIN_FREE_BYTES: u64 = 200 * 1024 * 1024;

fn database_checks(ctx: &Context) -> Vec<Check> {
    let path = ctx.db_path();
    let store = match Store::open(&path) {
        Ok(s) => s,
        Err(e) => {
            let fix = match e {
                StoreError::Corrupt { .. } => {
                    "move the file aside (keep it for support) and run smartstore again to start a new database"
                }
                StoreError::DiskFull { .. } => "free disk space",
                _ => {
                    "check the data directory's permissions (the terminal's user must read and write it)"
                }
            };
            return vec![Check::fail("database", e.to_string(), fix)];
        }
    };
    let mut out = Vec::new();
    match store.quick_check() {
        Ok(rows) if rows == ["ok"] => match store.audit() {
            Ok(p) if p.is_empty() => out.push(Check::pass(
                "database",
                format!("{} passes quick_check and the order audit", path.display()),
            )),
            Ok(p) => out.push(Check::fail(
                "database",
                p.join("; "),
                "keep the file and contact support before placing more orders",
            )),
            Err(e) => out.push(Check::fail(
                "database",
                e.to_string(),
                "keep the file and contact support",
            )),
        },
        Ok(rows) => out.push(Check::fail(
            "database",
            format!("quick_check found: {}", rows.join("; ")),
            "stop selling on this terminal, keep the file and contact support",
        )),
        Err(e) => out.push(Check::fail(
            "database",
            e.to_string(),
            "move the file aside and contact support",
        )),
    }
    match fs4::available_space(&ctx.data_dir) {
        Ok(free) if free >= MIN_FREE_BYTES => out.push(Check::pass(
            "disk",
            format!("{} MiB free in {}", free >> 20, ctx.data_dir.display()),
        )),
        Ok(free) => out.push(Check::fail(
            "disk",
            format!("only {} MiB free in {}", free >> 20, ctx.data_dir.display()),
            "free at least 200 MiB (old logs, downloads) so orders can be stored",
        )),
        Err(e) => out.push(Check::fail(
            "disk",
            format!("cannot read free space: {e}"),
            "check the data directory exists",
        )),
    }
    match store.sync_status() {
        Ok(s) => out.push(unsynced_check(s.unsynced, s.oldest_unsynced_at.as_deref())),
        Err(e) => out.push(Check::fail("unsynced", e.to_string(), "check the database")),
    }
    out
}

pub fn run(ctx: &Context, args: &DoctorArgs) -> anyhow::Result<ExitCode> {
    let checks = database_checks(ctx);
    for c in &checks {
        if args.json {
            print_json(c)?;
        } else {
            let mark = match c.status {
                Status::Pass => "ok  ",
                Status::Warn => "warn",
                Status::Fail => "FAIL",
            };
            println!("[{mark}] {:10} {}", c.check, c.detail);
            if !c.fix.is_empty() {
                println!("       fix: {}", c.fix);
            }
        }
    }
    Ok(if checks.iter().any(|c| c.status == Status::Fail) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Unsynced orders are normal offline; a day-old backlog deserves a look.
fn unsynced_check(count: u64, oldest: Option<&str>) -> Check {
    use time::format_description::well_known::Rfc3339;
    let Some(at) = oldest else {
        return Check::pass("unsynced", "every event is on the platform".to_owned());
    };
    let age = time::OffsetDateTime::parse(at, &Rfc3339)
        .map(|t| time::OffsetDateTime::now_utc() - t)
        .ok();
    let hours = age.map_or(0, |a| a.whole_hours());
    let detail =
        format!("{count} events not yet on the platform, the oldest {hours} h old (from {at})");
    if hours >= 24 {
        Check {
            check: "unsynced",
            status: Status::Warn,
            detail,
            fix: "orders are safe here, but the platform has not seen them for a day: check the network and `smartstore sync --once`".to_owned(),
        }
    } else {
        Check::pass("unsynced", detail)
    }
}
