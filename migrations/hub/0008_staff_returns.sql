-- Staff per store (PINs only as Argon2id hashes, pulled by the store's terminals), refunds to
-- payment codes, and the returns the terminals report. Never edit this file once it has landed.

CREATE TABLE staff (
    store_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    name     TEXT,
    pin_hash TEXT NOT NULL,
    active   INTEGER NOT NULL DEFAULT 1,
    version  INTEGER NOT NULL,
    PRIMARY KEY (store_id, staff_id)
) STRICT;

CREATE TABLE refunds (
    reference         TEXT PRIMARY KEY,
    payment_reference TEXT NOT NULL REFERENCES payments (reference),
    device_id         TEXT NOT NULL,
    refund_id         TEXT NOT NULL,
    amount            INTEGER NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;

CREATE INDEX refunds_by_payment ON refunds (payment_reference);

-- One row per order.returned event (a return or a void), pulled by the store's terminals.
CREATE TABLE returns (
    return_id TEXT PRIMARY KEY,
    store_id  TEXT NOT NULL,
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    order_id  TEXT NOT NULL,
    total     INTEGER NOT NULL,
    body      TEXT NOT NULL,
    version   INTEGER NOT NULL
) STRICT;

CREATE INDEX returns_by_order ON returns (order_id);
CREATE INDEX returns_by_store ON returns (store_id, version);
