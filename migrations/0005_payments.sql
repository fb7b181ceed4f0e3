-- Money: every charge by shopper code is an intent stored before the platform is called, and
-- every order keeps the tenders that paid for it. Never edit this file once it has landed.

-- One charge at the platform. `reference` is the charge's idempotency key (ATTEMPT-N, from the
-- checkout attempt), the same for every retry. `owner` names the process that took it
-- ("pid:start-time"): an intent whose owner is gone and whose order was never committed is
-- reconciled with the platform (voided there) before anything else is charged.
CREATE TABLE payment_intents (
    reference    TEXT PRIMARY KEY,
    attempt_id   TEXT NOT NULL,
    owner        TEXT NOT NULL,
    code         TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL
                 CHECK (status IN ('pending', 'approved', 'declined', 'voided', 'committed')),
    payment_id   TEXT,
    order_id     TEXT,
    reason       TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX payment_intents_unresolved ON payment_intents (status)
    WHERE status IN ('pending', 'approved');

CREATE TABLE order_tenders (
    order_id       TEXT NOT NULL REFERENCES orders (id),
    line_no        INTEGER NOT NULL,
    method         TEXT NOT NULL,
    amount_minor   INTEGER NOT NULL CHECK (amount_minor > 0),
    tendered_minor INTEGER NOT NULL,
    reference      TEXT NOT NULL,
    payment_id     TEXT,
    PRIMARY KEY (order_id, line_no)
) STRICT;
