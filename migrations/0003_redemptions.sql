-- Single-use coupons redeemed on this terminal (refused a second time here; the platform
-- settles redemptions across terminals).
CREATE TABLE coupon_redemptions (
    coupon_id   TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders (id),
    redeemed_at TEXT NOT NULL
) STRICT;
