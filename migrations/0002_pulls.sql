-- What the terminal pulls from the platform: online orders to hand over here, revoked coupons.

CREATE TABLE pickups (
    order_id     TEXT PRIMARY KEY,
    store_id     TEXT NOT NULL,
    lines        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    collected_at TEXT
) STRICT;

CREATE TABLE revoked_coupons (
    coupon_id  TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    revoked_at TEXT NOT NULL
) STRICT;
