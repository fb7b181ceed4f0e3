-- Online orders meet the shops (issue 16): stores with a location, each store's stock, the
-- marketplaces' keys, online orders routed to stores and their history. Never edit this file
-- once it has landed.

CREATE TABLE stores (
    store_id TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    lat      DOUBLE PRECISION NOT NULL,
    lon      DOUBLE PRECISION NOT NULL
);

-- On hand (imports, counts, sales and returns of the store's terminals, parcels shipped) and
-- reserved for online orders routed there.
CREATE TABLE store_stock (
    store_id TEXT NOT NULL,
    gtin     TEXT NOT NULL,
    on_hand  BIGINT NOT NULL,
    reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    version  BIGINT NOT NULL,
    PRIMARY KEY (store_id, gtin)
);

CREATE TABLE marketplace_keys (
    name       TEXT PRIMARY KEY,
    key_digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- One row per store's part of a marketplace order.
CREATE TABLE online_orders (
    order_id             TEXT PRIMARY KEY,
    marketplace          TEXT NOT NULL,
    marketplace_order_id TEXT NOT NULL,
    part                 INTEGER NOT NULL,
    parts                INTEGER NOT NULL,
    request_digest       TEXT NOT NULL,
    store_id             TEXT,
    destination          TEXT NOT NULL,
    lines                TEXT NOT NULL,
    status               TEXT NOT NULL,
    -- Stores that gave it back (JSON array): not routed there again.
    excluded             TEXT NOT NULL DEFAULT '[]',
    version              BIGINT NOT NULL,
    created_at           TEXT NOT NULL,
    UNIQUE (marketplace, marketplace_order_id, part)
);

CREATE INDEX online_orders_by_store ON online_orders (store_id, version);

CREATE TABLE online_order_history (
    n        BIGSERIAL PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES online_orders (order_id),
    status   TEXT NOT NULL,
    store_id TEXT,
    at       TEXT NOT NULL,
    device   TEXT,
    reason   TEXT
);

CREATE INDEX online_order_history_by_order ON online_order_history (order_id, n);
