//! Magic Mirror on PostgreSQL (issue 16): the same operations as on SQLite, the recommender
//! [`crate::recommend`]'s. A member's row is locked before it changes, so two hubs rebuilding
//! at once, or a rebuild and a withdrawal, never send a withdrawn member a list again.

use std::collections::{BTreeMap, BTreeSet};

use smartstore_domain::recommend::Candidate;
use smartstore_protocol::wire::MemberRecommendations;

use super::{PgHub, classify};
use crate::db::{HubError, now};
use crate::recommend::{MirrorBuild, Params, Purchase, build};

impl PgHub {
    pub async fn set_member_consent(&self, member_id: &str, consent: bool) -> Result<(), HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let held: Option<bool> = tx
            .query_opt(
                "SELECT consent FROM mirror_members WHERE member_id = $1 FOR UPDATE",
                &[&member_id],
            )
            .await
            .map_err(classify)?
            .map(|r| r.get(0));
        match (held, consent) {
            (Some(true), true) | (None | Some(false), false) => {}
            (_, true) => {
                tx.execute(
                    "INSERT INTO mirror_members (member_id, consent, candidates, changed_at, version)
                     VALUES ($1, TRUE, '[]', $2, 0)
                     ON CONFLICT (member_id) DO UPDATE SET consent = TRUE, changed_at = $2",
                    &[&member_id, &now()],
                )
                .await
                .map_err(classify)?;
            }
            (Some(true), false) => {
                let v = Self::next_version(&tx).await?;
                tx.execute(
                    "UPDATE mirror_members SET consent = FALSE, candidates = '[]', changed_at = $2, version = $3
                     WHERE member_id = $1",
                    &[&member_id, &now(), &v],
                )
                .await
                .map_err(classify)?;
            }
        }
        tx.commit().await.map_err(classify)
    }

    pub async fn mirror_inputs(&self) -> Result<(Vec<Purchase>, BTreeSet<String>), HubError> {
        let client = self.client().await?;
        let rows = client
            .query("SELECT body FROM events WHERE type = 'order.placed'", &[])
            .await
            .map_err(classify)?;
        let purchases = rows
            .iter()
            .filter_map(|r| Purchase::from_body(r.get::<_, &str>(0)))
            .collect();
        let members = client
            .query("SELECT member_id FROM mirror_members WHERE consent", &[])
            .await
            .map_err(classify)?
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect();
        Ok((purchases, members))
    }

    pub async fn store_recommendations(
        &self,
        lists: &BTreeMap<String, Vec<Candidate>>,
    ) -> Result<usize, HubError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(classify)?;
        let mut changed = 0;
        for (member, list) in lists {
            let json = crate::recommend::to_json(list);
            let held: Option<String> = tx
                .query_opt(
                    "SELECT candidates FROM mirror_members WHERE member_id = $1 AND consent FOR UPDATE",
                    &[member],
                )
                .await
                .map_err(classify)?
                .map(|r| r.get(0));
            if held.is_none_or(|h| h == json) {
                continue;
            }
            let v = Self::next_version(&tx).await?;
            tx.execute(
                "UPDATE mirror_members SET candidates = $2, changed_at = $3, version = $4
                 WHERE member_id = $1 AND consent",
                &[member, &json, &now(), &v],
            )
            .await
            .map_err(classify)?;
            changed += 1;
        }
        tx.commit().await.map_err(classify)?;
        Ok(changed)
    }

    pub async fn build_recommendations(&self) -> Result<MirrorBuild, HubError> {
        let (purchases, members) = self.mirror_inputs().await?;
        let lists = build(&purchases, &members, &Params::default());
        let changed = self.store_recommendations(&lists).await?;
        Ok(MirrorBuild {
            purchases: purchases.len(),
            members: members.len(),
            changed,
        })
    }

    pub async fn recommendations_after(
        &self,
        cursor: u64,
        limit: u32,
    ) -> Result<(Vec<MemberRecommendations>, u64), HubError> {
        let (rows, last) = self
            .page_of(
                "SELECT member_id, consent, candidates, version FROM mirror_members
                 WHERE version > $1 ORDER BY version LIMIT $2",
                None,
                cursor,
                limit,
                |r| {
                    (
                        r.get::<_, String>(0),
                        r.get::<_, bool>(1),
                        r.get::<_, String>(2),
                    )
                },
            )
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (member_id, consent, candidates) in rows {
            out.push(MemberRecommendations {
                member_id,
                consent,
                candidates: crate::recommend::from_json(&candidates)?,
            });
        }
        Ok((out, last))
    }
}
