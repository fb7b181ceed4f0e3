-- A plain counter sale (the shopper carries the goods out at once: fulfil 'now'), and the
-- clerk who rang each sale up (per-staff totals of the X and Z reports).
-- SQLite cannot change a CHECK constraint in place: the orders table is rebuilt, every row
-- copied, its index made again. Migrations run with foreign keys off, and commit only when
-- `PRAGMA foreign_key_check` finds every order line, outbox event, redemption and payment
-- intent still pointing at its order (smartstore_sqlite::migrate).
-- Never edit this file once it has landed.

CREATE TABLE orders_v8 (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE CHECK (number > 0),
    receipt        TEXT NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    fulfil         TEXT NOT NULL CHECK (fulfil IN ('deliver', 'collect', 'now')),
    address        TEXT,
    collect_store  TEXT,
    pickup_at      TEXT,
    payment        TEXT NOT NULL,
    member_id      TEXT,
    coupon_id      TEXT,
    subtotal_minor INTEGER NOT NULL,
    discount_minor INTEGER NOT NULL,
    total_minor    INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    line_count     INTEGER NOT NULL CHECK (line_count > 0),
    shift_id       TEXT,
    clerk          TEXT
) STRICT;

INSERT INTO orders_v8 (id, number, receipt, created_at, fulfil, address, collect_store, pickup_at,
                       payment, member_id, coupon_id, subtotal_minor, discount_minor, total_minor,
                       currency, line_count, shift_id, clerk)
SELECT o.id, o.number, o.receipt, o.created_at, o.fulfil, o.address, o.collect_store, o.pickup_at,
       o.payment, o.member_id, o.coupon_id, o.subtotal_minor, o.discount_minor, o.total_minor,
       o.currency, o.line_count, o.shift_id, s.opened_by
  FROM orders o LEFT JOIN shifts s ON s.shift_id = o.shift_id;

DROP TABLE orders;
ALTER TABLE orders_v8 RENAME TO orders;
CREATE INDEX orders_by_shift ON orders (shift_id);
