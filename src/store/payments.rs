//! Payment intents: a charge by shopper code is written here before the platform is called,
//! settled with the platform's answer, and marked committed in the order's own transaction.

use rusqlite::params;
use serde::Serialize;

use super::orders::now_rfc3339;
use super::{Store, StoreError};
use smartstore_domain::money::Money;

/// Where an intent stands. `Pending`: asked, no answer kept (lost, or the process died).
/// `Approved`: charged, order not committed yet. The other three are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    Pending,
    Approved,
    Declined,
    Voided,
    Committed,
}

impl IntentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentStatus::Pending => "pending",
            IntentStatus::Approved => "approved",
            IntentStatus::Declined => "declined",
            IntentStatus::Voided => "voided",
            IntentStatus::Committed => "committed",
        }
    }

    fn parse(text: &str) -> IntentStatus {
        match text {
            "approved" => IntentStatus::Approved,
            "declined" => IntentStatus::Declined,
            "voided" => IntentStatus::Voided,
            "committed" => IntentStatus::Committed,
            _ => IntentStatus::Pending,
        }
    }

    /// Still to resolve: neither final nor part of a committed order.
    pub fn unresolved(self) -> bool {
        matches!(self, IntentStatus::Pending | IntentStatus::Approved)
    }
}

/// One charge by shopper code, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentIntent {
    pub reference: String,
    pub attempt_id: String,
    /// The process that took it ("pid:start-time").
    pub owner: String,
    /// The payment code, all but its last four digits hidden (what a screen or a log shows).
    pub code: String,
    pub amount: i64,
    pub currency: String,
    pub status: IntentStatus,
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A payment code with all but its last four digits hidden.
pub fn masked(code: &str) -> String {
    let n = code.chars().count();
    code.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n { '*' } else { c })
        .collect()
}

impl Store {
    /// Stores the intent to charge `code` for `amount` under `reference` before the platform is
    /// called. The same reference again (a retry) keeps the first intent. Refused, before
    /// anything is charged, when the database cannot take writes.
    pub fn record_intent(
        &self,
        attempt_id: &str,
        reference: &str,
        owner: &str,
        code: &str,
        amount: Money,
    ) -> Result<(), StoreError> {
        self.writable()?;
        let at = now_rfc3339();
        self.conn
            .execute(
                "INSERT INTO payment_intents (reference, attempt_id, owner, code, amount_minor, currency, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?7)
                 ON CONFLICT (reference) DO UPDATE SET owner = excluded.owner
                 WHERE payment_intents.status IN ('pending', 'approved')",
                params![reference, attempt_id, owner, code, amount.minor, amount.currency.code(), at],
            )
            .map(|_| ())
            .map_err(|e| self.after_write_error(StoreError::from_sqlite(&self.path, e)))
    }

    /// Records the platform's answer for an unresolved intent (a final one keeps its state).
    /// Not refused on a low disk: what happened to money is always written if SQLite can.
    pub fn settle_intent(
        &self,
        reference: &str,
        status: IntentStatus,
        payment_id: Option<&str>,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE payment_intents
                 SET status = ?2, payment_id = COALESCE(?3, payment_id), reason = COALESCE(?4, reason), updated_at = ?5
                 WHERE reference = ?1 AND status IN ('pending', 'approved')",
                params![reference, status.as_str(), payment_id, reason, now_rfc3339()],
            )
            .map(|_| ())
            .map_err(|e| self.after_write_error(StoreError::from_sqlite(&self.path, e)))
    }

    /// Intents, oldest first; `unresolved_only`: pending or approved without an order.
    pub fn payment_intents(&self, unresolved_only: bool) -> Result<Vec<PaymentIntent>, StoreError> {
        let sql = if unresolved_only {
            "SELECT reference, attempt_id, owner, code, amount_minor, currency, status, payment_id, order_id, reason, created_at, updated_at
             FROM payment_intents WHERE status IN ('pending', 'approved') ORDER BY created_at, reference"
        } else {
            "SELECT reference, attempt_id, owner, code, amount_minor, currency, status, payment_id, order_id, reason, created_at, updated_at
             FROM payment_intents ORDER BY created_at, reference"
        };
        let mut stmt = self.conn.prepare(sql).map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| {
                let code: String = r.get(3)?;
                let status: String = r.get(6)?;
                Ok(PaymentIntent {
                    reference: r.get(0)?,
                    attempt_id: r.get(1)?,
                    owner: r.get(2)?,
                    code: masked(&code),
                    amount: r.get(4)?,
                    currency: r.get(5)?,
                    status: IntentStatus::parse(&status),
                    payment_id: r.get(7)?,
                    order_id: r.get(8)?,
                    reason: r.get(9)?,
                    created_at: r.get(10)?,
                    updated_at: r.get(11)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_masked_but_their_end() {
        assert_eq!(masked("281234567890123456"), "**************3456");
        assert_eq!(masked("123"), "123");
    }
}
