-- Single use across terminals (issue 13): a terminal online claims a single-use coupon or a
-- pickup before accepting it; the first claim wins. Pickups handed over offline are settled
-- like coupons: the first hand-over the platform receives wins, a later one is flagged.
-- Never edit once landed.
CREATE TABLE claims (
    kind       TEXT NOT NULL CHECK (kind IN ('coupon', 'pickup')),
    id         TEXT NOT NULL,
    device_id  TEXT NOT NULL REFERENCES devices (id),
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT;

CREATE TABLE pickup_collections (
    order_id  TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL
) STRICT;
