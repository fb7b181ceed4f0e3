-- Single-use coupon redemptions as the platform settles them: the first accepted wins.
CREATE TABLE coupon_redemptions (
    coupon_id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    order_id  TEXT
) STRICT;
