-- smartstore terminal database, first schema.
-- Never edit this file once it has landed: add 0002_*.sql instead.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE catalog_items (
    gtin           TEXT PRIMARY KEY CHECK (length(gtin) = 14),
    name           TEXT NOT NULL,
    name_zh        TEXT,
    price_minor    INTEGER NOT NULL CHECK (price_minor >= 0),
    currency       TEXT NOT NULL,
    sku            TEXT,
    unit           TEXT,
    age_restricted INTEGER NOT NULL DEFAULT 0,
    stock          INTEGER
) STRICT, WITHOUT ROWID;

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    number         INTEGER NOT NULL UNIQUE CHECK (number > 0),
    receipt        TEXT NOT NULL UNIQUE,
    created_at     TEXT NOT NULL,
    fulfil         TEXT NOT NULL CHECK (fulfil IN ('deliver', 'collect')),
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
    line_count     INTEGER NOT NULL CHECK (line_count > 0)
) STRICT;

CREATE TABLE order_lines (
    order_id         TEXT NOT NULL REFERENCES orders (id),
    line_no          INTEGER NOT NULL,
    gtin             TEXT NOT NULL,
    name             TEXT NOT NULL,
    name_zh          TEXT,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL,
    PRIMARY KEY (order_id, line_no)
) STRICT;

-- Every event the platform must receive, with a per-terminal gap-free sequence number.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    event_id   TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    order_id   TEXT REFERENCES orders (id),
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX outbox_order ON outbox (order_id);

-- The highest sequence number the platform has confirmed holding (contiguously).
CREATE TABLE sync_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    acked_seq  INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_ok_at TEXT
) STRICT;

INSERT INTO sync_state (id, acked_seq) VALUES (1, 0);
