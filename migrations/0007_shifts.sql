-- Shifts: opened with a counted float, cash moved in and out with reasons, closed blind with
-- the drawer counted; every sale and return belongs to the shift open when it was stored.
-- Never edit this file once it has landed.

CREATE TABLE shifts (
    shift_id      TEXT PRIMARY KEY,
    opened_at     TEXT NOT NULL,
    opened_by     TEXT NOT NULL,
    float_minor   INTEGER NOT NULL CHECK (float_minor >= 0),
    float_counts  TEXT,
    currency      TEXT NOT NULL,
    closed_at     TEXT,
    counted_minor INTEGER,
    report        TEXT
) STRICT;

-- At most one open shift per terminal.
CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at IS NULL)) WHERE closed_at IS NULL;

CREATE TABLE cash_moves (
    shift_id     TEXT NOT NULL REFERENCES shifts (shift_id),
    at           TEXT NOT NULL,
    direction    TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    reason       TEXT NOT NULL
) STRICT;

ALTER TABLE orders ADD COLUMN shift_id TEXT;
ALTER TABLE returns ADD COLUMN shift_id TEXT;
CREATE INDEX orders_by_shift ON orders (shift_id);
CREATE INDEX returns_by_shift ON returns (shift_id);
