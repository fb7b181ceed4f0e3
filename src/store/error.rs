use std::path::PathBuf;

use rusqlite::ErrorCode;

use smartstore_domain::gtin::Gtin;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{path} is not a readable smartstore database ({detail}). It was left untouched. \
         Move it aside (keep it: support may recover orders from it) and start again, \
         or point --data-dir at another folder"
    )]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "cannot open {path}: {source}. Check that the folder exists and this user may read and write it"
    )]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot write to {path}: {detail}. Check the file's permissions and that the disk is not read-only"
    )]
    ReadOnly { path: PathBuf, detail: String },
    #[error("the disk holding {path} is full: nothing was stored. Free some space and try again")]
    DiskFull { path: PathBuf },
    #[error(
        "{path} is on a read-only filesystem: nothing can be stored. Remount it read-write \
         (or check the disk for errors: Linux remounts a failing disk read-only)"
    )]
    ReadOnlyFilesystem { path: PathBuf },
    #[error(
        "{path} is damaged ({}): nothing more is written to it. Keep the file; \
         `smartstore salvage --to NEW_DIR` copies every readable order into a new data folder",
        problems.join("; ")
    )]
    Damaged {
        path: PathBuf,
        problems: Vec<String>,
    },
    #[error(
        "{path} was written by a newer smartstore (schema {found}, this program knows {known}). Install the newer version; the file was left untouched"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("migration {name} failed: {detail}")]
    Migration { name: &'static str, detail: String },
    #[error("the database {path} is busy (another smartstore holds it); try again")]
    Busy { path: PathBuf },
    #[error(
        "product {0} is not in the catalog: import it with `smartstore catalog import` or check the code"
    )]
    UnknownGtin(Gtin),
    #[error("{0}")]
    CatalogRefused(smartstore_protocol::catalog_csv::CatalogRefusal),
    #[error("database error on {path}: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("coupon {0} was already redeemed on this terminal; nothing was stored")]
    CouponRedeemed(String),
    #[error("order {order_id} was already handed over at {at}")]
    AlreadyCollected { order_id: String, at: String },
    #[error("stored data is inconsistent: {0}")]
    Inconsistent(String),
}

impl StoreError {
    pub(crate) fn from_sqlite(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        let path = path.to_owned();
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let detail = msg.clone().unwrap_or_else(|| f.to_string());
            match f.code {
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    return StoreError::Corrupt { path, detail };
                }
                ErrorCode::DiskFull => return StoreError::DiskFull { path },
                ErrorCode::ReadOnly | ErrorCode::PermissionDenied => {
                    if super::durability::on_read_only_filesystem(&path) {
                        return StoreError::ReadOnlyFilesystem { path };
                    }
                    return StoreError::ReadOnly { path, detail };
                }
                ErrorCode::CannotOpen => {
                    if super::durability::on_read_only_filesystem(&path) {
                        return StoreError::ReadOnlyFilesystem { path };
                    }
                    return StoreError::Unreadable {
                        path,
                        source: std::io::Error::other(detail),
                    };
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return StoreError::Busy { path };
                }
                _ => {}
            }
        }
        StoreError::Sqlite { path, source: e }
    }
}
