-- smartstore-hub (reference platform) database, first schema. Never edit once landed.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- The platform's signing keys (shopper codes); the newest active one signs.
CREATE TABLE platform_keys (
    kid        TEXT PRIMARY KEY,
    pkcs8      BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE enrolment_tokens (
    token      TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  TEXT
) STRICT;

CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    store_id    TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    public_key  BLOB NOT NULL,
    enrolled_at TEXT NOT NULL,
    held_seq    INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (store_id, terminal_id)
) STRICT;

CREATE TABLE events (
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         INTEGER NOT NULL,
    event_id    TEXT NOT NULL UNIQUE,
    type        TEXT NOT NULL,
    order_id    TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    flag        TEXT,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- Versions count every change, so a pull cursor is "the last version I have".
CREATE TABLE catalog_items (
    gtin           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    name_zh        TEXT,
    price_minor    INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    sku            TEXT,
    unit           TEXT,
    age_restricted INTEGER NOT NULL DEFAULT 0,
    stock          INTEGER,
    version        INTEGER NOT NULL
) STRICT;
CREATE INDEX catalog_version ON catalog_items (version);

CREATE TABLE pickups (
    order_id   TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL,
    lines      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
CREATE INDEX pickups_store_version ON pickups (store_id, version);

CREATE TABLE revocations (
    coupon_id TEXT PRIMARY KEY,
    reason    TEXT NOT NULL,
    version   INTEGER NOT NULL
) STRICT;

CREATE TABLE payments (
    reference  TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    code       TEXT NOT NULL,
    amount     INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('version', 0);
