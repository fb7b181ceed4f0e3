-- Staff (pulled from the platform per store), the store's terminal keys (to verify receipts of
-- other terminals offline), and returns: taken back here, or reported by the platform from the
-- store's other terminals. Never edit this file once it has landed.

CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY,
    role     TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    name     TEXT,
    pin_hash TEXT NOT NULL,
    active   INTEGER NOT NULL,
    -- Failed PIN attempts and lockout (JSON of the domain's PinGuardState), kept across restarts.
    guard    TEXT
) STRICT;

CREATE TABLE device_keys (
    device_id  TEXT PRIMARY KEY,
    terminal   TEXT NOT NULL,
    public_key TEXT NOT NULL
) STRICT;

CREATE TABLE returns (
    return_id   TEXT PRIMARY KEY,
    reason      TEXT NOT NULL CHECK (reason IN ('return', 'void')),
    order_id    TEXT NOT NULL,
    receipt     TEXT NOT NULL,
    total_minor INTEGER NOT NULL CHECK (total_minor >= 0),
    currency    TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    -- 1: taken back on this terminal; 0: reported by the platform from another terminal.
    here        INTEGER NOT NULL
) STRICT;

CREATE INDEX returns_by_order ON returns (order_id);

CREATE TABLE return_lines (
    return_id TEXT NOT NULL REFERENCES returns (return_id),
    gtin      TEXT NOT NULL,
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    restock   INTEGER NOT NULL,
    PRIMARY KEY (return_id, gtin)
) STRICT;

-- A refund by code is owed until the platform confirms it (retried by the sync engine under
-- the reference RETURN-N, so it is made once).
CREATE TABLE refunds (
    return_id        TEXT NOT NULL REFERENCES returns (return_id),
    line_no          INTEGER NOT NULL,
    method           TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL CHECK (amount_minor > 0),
    tender_reference TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('done', 'owed', 'refused')),
    refund_id        TEXT,
    PRIMARY KEY (return_id, line_no)
) STRICT;

-- Every approval given at this terminal that leaves no event of its own (a sale voided before
-- it was placed, a cart cleared): who approved what, when. Returns and voids of placed sales
-- name their approver in their order.returned event.
CREATE TABLE approvals (
    at         TEXT NOT NULL,
    staff_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    attempt_id TEXT,
    detail     TEXT
) STRICT;
