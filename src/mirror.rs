//! Magic Mirror (issue 16): a consenting member's recommendations that this store holds in
//! stock, with price and shelf. The platform ranks the candidates from every store's purchases
//! (the recommendations pull); this terminal keeps only that list, and shows the first five it
//! has in stock (the domain's rule). Without consent in the member code: nothing.

use smartstore_domain::catalog::CatalogItem;
use smartstore_domain::gtin::Gtin;
use smartstore_domain::recommend::{SHOWN, in_stock};
use smartstore_domain::scan::{ScanKind, ShopperCodeKind, classify};
use smartstore_protocol::codes::{CodeRefusal, Member, ShopperCode, verify_at_store};

use crate::checkout::CodeContext;
use crate::store::{Store, StoreError};

/// One recommendation as the screens and `smartstore recommend` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommended {
    pub item: CatalogItem,
    /// Units on hand here (above zero).
    pub stock: i64,
}

impl Recommended {
    /// Where it is in the store, when the catalog says.
    pub fn shelf(&self) -> Option<&str> {
        shelf_of(&self.item)
    }
}

fn shelf_of(item: &CatalogItem) -> Option<&str> {
    item.shelf.as_deref().filter(|s| !s.trim().is_empty())
}

/// Why no recommendation is shown for a scanned code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MirrorRefusal {
    #[error(
        "member {member} has not agreed to Magic Mirror: no recommendation is shown (their member code carries no consent)"
    )]
    NoConsent { member: String },
    #[error("this is not a member code")]
    NotMemberCode { kind: Option<ShopperCodeKind> },
    #[error("{0}")]
    Code(CodeRefusal),
}

/// Why `recommend` failed: the code, or the database.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error(transparent)]
    Refused(#[from] MirrorRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Verifies a scanned member code offline, as a scan at the counter does.
pub fn member_of(text: &str, codes: &CodeContext) -> Result<Member, MirrorRefusal> {
    let text = match classify(text.trim(), None) {
        ScanKind::Shopper { text, .. } => text,
        _ => return Err(MirrorRefusal::NotMemberCode { kind: None }),
    };
    match verify_at_store(&text, &codes.keys, codes.now, &codes.store_id)
        .map_err(MirrorRefusal::Code)?
        .code
    {
        ShopperCode::Member(m) => Ok(m),
        other => Err(MirrorRefusal::NotMemberCode {
            kind: Some(other.kind()),
        }),
    }
}

/// Up to five recommendations for `member` that this store has in stock, best first; refused
/// without the member's consent. Empty when the platform sent no list yet.
pub fn recommend(store: &Store, member: &Member) -> Result<Vec<Recommended>, MirrorError> {
    if !member.consent {
        return Err(MirrorRefusal::NoConsent {
            member: member.member_id.clone(),
        }
        .into());
    }
    let Some(candidates) = store.recommendations(&member.member_id)? else {
        return Ok(Vec::new());
    };
    let mut items = std::collections::HashMap::new();
    for c in &candidates {
        if let Ok(gtin) = Gtin::parse(&c.gtin)
            && let Some(item) = store.item(gtin)?
        {
            items.insert(c.gtin.clone(), item);
        }
    }
    let shown = in_stock(&candidates, |g| items.get(g).and_then(|i| i.stock), SHOWN);
    Ok(shown
        .into_iter()
        .filter_map(|c| {
            let item = items.get(&c.gtin)?.clone();
            Some(Recommended {
                stock: item.stock.unwrap_or(0),
                item,
            })
        })
        .collect())
}

/// For the screens: the recommendations of a member just scanned, or nothing (no consent, or
/// a database that cannot say: a sale never waits on Magic Mirror).
pub fn for_scanned(store: &Store, member: &Member) -> Vec<Recommended> {
    if !member.consent {
        return Vec::new();
    }
    recommend(store, member).unwrap_or_else(|e| {
        tracing::warn!("Magic Mirror: {e}");
        Vec::new()
    })
}

/// Where to find it, in the shopper's language: the shelf, or that the catalog does not say.
pub fn shelf_text(r: &Recommended, lang: crate::i18n::Lang) -> String {
    match r.shelf() {
        Some(shelf) => crate::i18n::tr(lang, "mirror-shelf", &[("shelf", shelf.to_owned())]),
        None => crate::i18n::t(lang, "mirror-shelf-unknown"),
    }
}
