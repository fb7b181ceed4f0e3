//! Magic Mirror's lists (issue 16): what the recommendations pull brought, per member who
//! consented; deleted when the platform says the consent was withdrawn.

use rusqlite::{OptionalExtension, params};
use smartstore_domain::recommend::{Candidate, MAX_CANDIDATES};
use smartstore_protocol::codes::MAX_ID_LEN;
use smartstore_protocol::wire::MemberRecommendations;

use super::pulls::json_column;
use super::{Store, StoreError, now_rfc3339};

impl Store {
    /// Applies a page of the recommendations pull and its cursor in one transaction.
    pub fn save_recommendations(
        &mut self,
        items: &[MemberRecommendations],
        cursor: u64,
    ) -> Result<(), StoreError> {
        self.save_page(smartstore_protocol::wire::RECOMMENDATIONS_PULL, cursor, |tx| {
            for r in items {
                if r.member_id.is_empty() || r.member_id.len() > MAX_ID_LEN {
                    tracing::warn!("a recommendation list with a member id out of bounds left out");
                    continue;
                }
                if !r.consent {
                    tx.execute(
                        "DELETE FROM recommendations WHERE member_id = ?1",
                        [&r.member_id],
                    )?;
                    continue;
                }
                // Only what can be shown: GTINs that read, at most the platform's bound.
                let list: Vec<Candidate> = r
                    .candidates
                    .iter()
                    .filter_map(|c| {
                        let gtin = smartstore_domain::gtin::Gtin::parse(&c.gtin).ok()?;
                        Some(Candidate {
                            gtin: gtin.as_str(),
                            score: if c.score.is_finite() { c.score } else { 0.0 },
                        })
                    })
                    .take(MAX_CANDIDATES)
                    .collect();
                tx.execute(
                    "INSERT INTO recommendations (member_id, candidates, received_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (member_id) DO UPDATE SET candidates = excluded.candidates, received_at = excluded.received_at",
                    params![r.member_id, json_column(&list)?, now_rfc3339()],
                )?;
            }
            Ok(())
        })
    }

    /// A member's candidates, best first; `None` when the platform sent none for them.
    pub fn recommendations(&self, member_id: &str) -> Result<Option<Vec<Candidate>>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT candidates FROM recommendations WHERE member_id = ?1",
                [member_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| {
                StoreError::Inconsistent(format!("a stored recommendation list does not read: {e}"))
            })
        })
        .transpose()
    }
}
