//! Magic Mirror on SQLite (issue 16): members' consent, the lists the recommender built
//! ([`crate::recommend`]), and the `recommendations` pull with its tombstones.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use smartstore_domain::recommend::Candidate;
use smartstore_protocol::wire::MemberRecommendations;

use super::{HubDb, HubError, now, sqlite_error};
use crate::recommend::{MirrorBuild, Params, Purchase, build};

impl HubDb {
    /// Records what a member code issued now says: consent given, or (for a member who had
    /// given it) withdrawn, with a tombstone the terminals pull.
    pub fn set_member_consent(&mut self, member_id: &str, consent: bool) -> Result<(), HubError> {
        let path = self.path.clone();
        let err = |e| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let held: Option<i64> = tx
            .query_row(
                "SELECT consent FROM mirror_members WHERE member_id = ?1",
                [member_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        match (held, consent) {
            (Some(1), true) | (None | Some(0), false) => {}
            (_, true) => {
                // The list comes with the next build; a version now would send nothing new.
                tx.execute(
                    "INSERT INTO mirror_members (member_id, consent, candidates, changed_at, version)
                     VALUES (?1, 1, '[]', ?2, 0)
                     ON CONFLICT (member_id) DO UPDATE SET consent = 1, changed_at = ?2",
                    params![member_id, now()],
                )
                .map_err(err)?;
            }
            (Some(_), false) => {
                let v = Self::next_version(&tx).map_err(err)?;
                tx.execute(
                    "UPDATE mirror_members SET consent = 0, candidates = '[]', changed_at = ?2, version = ?3
                     WHERE member_id = ?1",
                    params![member_id, now(), v],
                )
                .map_err(err)?;
            }
        }
        tx.commit().map_err(err)
    }

    /// What the recommender reads: every sale, and the members who consent.
    pub fn mirror_inputs(&self) -> Result<(Vec<Purchase>, BTreeSet<String>), HubError> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM events WHERE type = 'order.placed'")
            .map_err(self.err())?;
        let bodies = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.err())?;
        let mut purchases = Vec::new();
        for b in bodies {
            purchases.extend(Purchase::from_body(&b.map_err(self.err())?));
        }
        let mut stmt = self
            .conn
            .prepare("SELECT member_id FROM mirror_members WHERE consent = 1")
            .map_err(self.err())?;
        let members = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.err())?
            .collect::<Result<_, _>>()
            .map_err(self.err())?;
        Ok((purchases, members))
    }

    /// Stores the lists that changed, each with a new version; a member who withdrew consent
    /// since the lists were built keeps their tombstone. Returns how many changed.
    pub fn store_recommendations(
        &mut self,
        lists: &BTreeMap<String, Vec<Candidate>>,
    ) -> Result<usize, HubError> {
        let path = self.path.clone();
        let err = |e| sqlite_error(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let mut changed = 0;
        for (member, list) in lists {
            let json = crate::recommend::to_json(list);
            let held: Option<String> = tx
                .query_row(
                    "SELECT candidates FROM mirror_members WHERE member_id = ?1 AND consent = 1",
                    [member],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            if held.is_none_or(|h| h == json) {
                continue;
            }
            let v = Self::next_version(&tx).map_err(err)?;
            tx.execute(
                "UPDATE mirror_members SET candidates = ?2, changed_at = ?3, version = ?4
                 WHERE member_id = ?1 AND consent = 1",
                params![member, json, now(), v],
            )
            .map_err(err)?;
            changed += 1;
        }
        tx.commit().map_err(err)?;
        Ok(changed)
    }

    /// `smartstore-hub recommend build`: reads, builds, stores.
    pub fn build_recommendations(&mut self) -> Result<MirrorBuild, HubError> {
        let (purchases, members) = self.mirror_inputs()?;
        let lists = build(&purchases, &members, &Params::default());
        let changed = self.store_recommendations(&lists)?;
        Ok(MirrorBuild {
            purchases: purchases.len(),
            members: members.len(),
            changed,
        })
    }

    /// The `recommendations` pull: lists and tombstones changed after `cursor`.
    pub fn recommendations_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<MemberRecommendations>, u64), HubError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT member_id, consent, candidates, version FROM mirror_members
                 WHERE version > ?1 ORDER BY version LIMIT ?2",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map(params![cursor, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u64>(3)?,
                ))
            })
            .map_err(self.err())?;
        let mut out = Vec::new();
        let mut last = cursor;
        for row in rows {
            let (member_id, consent, candidates, v) = row.map_err(self.err())?;
            last = v;
            out.push(MemberRecommendations {
                member_id,
                consent: consent == 1,
                candidates: crate::recommend::from_json(&candidates)?,
            });
        }
        Ok((out, last))
    }
}
