-- smartstore-hub on PostgreSQL (issue 17): the schema SQLite reached with hub/0001..0008, in
-- PostgreSQL's types, with the events partitioned by the time the platform received them.
-- Applied by `smartstore-hub --db postgres://… migrate` (and at every start) under an advisory
-- lock, so several hubs starting at once apply it once. Never edit once landed: add a file.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The platform's signing keys (shopper codes); the newest active one signs. `n` orders them
-- (SQLite's rowid).
CREATE TABLE platform_keys (
    n          BIGINT GENERATED ALWAYS AS IDENTITY,
    kid        TEXT PRIMARY KEY,
    pkcs8      BYTEA NOT NULL,
    public_key BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    retired_at BIGINT,
    revoked_at BIGINT
);

-- `token` is "sha256:" and the hex digest of the token, never the token.
CREATE TABLE enrolment_tokens (
    token      TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  TEXT
);

-- `n` is the devices pull's cursor (keyset); `held_seq` the contiguous high-water mark, moved
-- in the same transaction as the events it covers.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    n           BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    store_id    TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    public_key  BYTEA NOT NULL,
    enrolled_at TEXT NOT NULL,
    held_seq    BIGINT NOT NULL DEFAULT 0,
    revoked     BOOLEAN NOT NULL DEFAULT FALSE,
    replaces    TEXT,
    UNIQUE (store_id, terminal_id)
);
CREATE INDEX devices_store_n ON devices (store_id, n);

-- Exactly once: every event's (device, seq) and event id, unique across the whole platform.
-- A partitioned table's unique keys must hold its partition key, so these two cannot live on
-- `events`: this narrow table holds them, and an event is written to `events` only when its
-- row here was inserted, in the same transaction.
CREATE TABLE event_keys (
    device_id   TEXT NOT NULL REFERENCES devices (id),
    seq         BIGINT NOT NULL,
    event_id    TEXT NOT NULL UNIQUE,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (device_id, seq)
);

-- The events themselves, partitioned by month of reception (the hub makes this month's and
-- the next two months' partitions at start and every few hours; the default partition takes
-- anything outside them). Old months can be detached and archived whole.
CREATE TABLE events (
    device_id   TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    event_id    TEXT NOT NULL,
    type        TEXT NOT NULL,
    order_id    TEXT,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    receipt     TEXT,
    flag        TEXT,
    PRIMARY KEY (device_id, seq, received_at)
) PARTITION BY RANGE (received_at);
CREATE TABLE events_default PARTITION OF events DEFAULT;
-- A receipt number issued twice; the e-receipt page.
CREATE INDEX events_receipt ON events (receipt) WHERE receipt IS NOT NULL;
-- A return's sale, the ledger, the day report (shift.closed by device).
CREATE INDEX events_type_order ON events (type, order_id);
CREATE INDEX events_type_device ON events (type, device_id, seq);
-- Conflicts per store.
CREATE INDEX events_flagged ON events (device_id) WHERE flag IS NOT NULL;

-- A recovered device re-sends events the platform holds under its earlier identity: its new
-- sequence number points at the event here, so its mark can move over it.
CREATE TABLE event_aliases (
    device_id TEXT NOT NULL REFERENCES devices (id),
    seq       BIGINT NOT NULL,
    event_id  TEXT NOT NULL REFERENCES event_keys (event_id),
    PRIMARY KEY (device_id, seq)
);

-- Versions count every change, so a pull cursor is "the last version I have". The counter is
-- one row, taken with a row lock until commit: versions become visible in their order, and a
-- keyset pull never skips a change committed late.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('version', 0);

CREATE TABLE catalog_items (
    gtin           TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    name_zh        TEXT,
    price_minor    BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    sku            TEXT,
    unit           TEXT,
    age_restricted BOOLEAN NOT NULL DEFAULT FALSE,
    stock          BIGINT,
    version        BIGINT NOT NULL
);
CREATE INDEX catalog_version ON catalog_items (version);

CREATE TABLE pickups (
    order_id   TEXT PRIMARY KEY,
    store_id   TEXT NOT NULL,
    lines      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version    BIGINT NOT NULL
);
CREATE INDEX pickups_store_version ON pickups (store_id, version);

CREATE TABLE revocations (
    coupon_id TEXT PRIMARY KEY,
    reason    TEXT NOT NULL,
    version   BIGINT NOT NULL
);
CREATE INDEX revocations_version ON revocations (version);

CREATE TABLE payments (
    reference  TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    code       TEXT NOT NULL,
    amount     BIGINT NOT NULL,
    currency   TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    created_at TEXT NOT NULL,
    voided_at  TEXT
);

-- Single-use coupon redemptions as the platform settles them: the first accepted wins.
CREATE TABLE coupon_redemptions (
    coupon_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    order_id  TEXT
);

CREATE TABLE claims (
    kind       TEXT NOT NULL CHECK (kind IN ('coupon', 'pickup')),
    id         TEXT NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE pickup_collections (
    order_id  TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq       BIGINT NOT NULL
);

CREATE TABLE staff (
    store_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    role     TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor')),
    name     TEXT,
    pin_hash TEXT NOT NULL,
    active   BOOLEAN NOT NULL DEFAULT TRUE,
    version  BIGINT NOT NULL,
    PRIMARY KEY (store_id, staff_id)
);
CREATE INDEX staff_store_version ON staff (store_id, version);

CREATE TABLE refunds (
    reference         TEXT PRIMARY KEY,
    payment_reference TEXT NOT NULL REFERENCES payments (reference),
    device_id         TEXT NOT NULL,
    refund_id         TEXT NOT NULL,
    amount            BIGINT NOT NULL CHECK (amount > 0),
    currency          TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_reference);

-- One row per order.returned event (a return or a void), pulled by the store's terminals.
CREATE TABLE returns (
    return_id TEXT PRIMARY KEY,
    store_id  TEXT NOT NULL,
    device_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    order_id  TEXT NOT NULL,
    total     BIGINT NOT NULL,
    body      TEXT NOT NULL,
    version   BIGINT NOT NULL
);
CREATE INDEX returns_by_order ON returns (order_id);
CREATE INDEX returns_by_store ON returns (store_id, version);
