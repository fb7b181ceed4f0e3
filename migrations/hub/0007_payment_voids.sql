-- Payments a terminal cancelled: an approval whose order was never committed, or a reference
-- voided before its charge arrived (then the row is a tombstone: a late charge with that
-- reference is never approved). Never edit this file once it has landed.

ALTER TABLE payments ADD COLUMN voided_at TEXT;
