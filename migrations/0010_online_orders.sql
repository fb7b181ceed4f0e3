-- Online orders fulfilled from this store's shelves (issue 16). Never edit this file once it
-- has landed.
--
-- Where a product is on the shop floor ("A3", "冷柜 2"): pick lists are sorted by it and
-- Magic Mirror shows it. NULL when not known.
ALTER TABLE catalog_items ADD COLUMN shelf TEXT CHECK (shelf IS NULL OR length(shelf) <= 32);

-- The online orders the platform routed to this store (the `online-orders` pull), and where
-- this store has got with each. `status` moves only forward here; every move is also an
-- outbox event (`online.accepted`, …) for the platform.
CREATE TABLE online_orders (
    order_id             TEXT PRIMARY KEY,
    marketplace          TEXT NOT NULL,
    marketplace_order_id TEXT NOT NULL,
    part                 INTEGER NOT NULL,
    parts                INTEGER NOT NULL,
    destination          TEXT NOT NULL,  -- JSON: smartstore_protocol::online::Destination
    lines                TEXT NOT NULL,  -- JSON: [{gtin, qty}]
    status               TEXT NOT NULL,
    parcel_id            TEXT UNIQUE,
    reason               TEXT,
    received_at          TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

-- What has been picked of an order so far (scanned off the shelf into its tote).
CREATE TABLE online_picks (
    order_id TEXT NOT NULL REFERENCES online_orders (order_id),
    gtin     TEXT NOT NULL CHECK (length(gtin) = 14),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, gtin)
) STRICT, WITHOUT ROWID;
