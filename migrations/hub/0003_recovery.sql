-- Sequence reuse, recovery and content limits (issue 12). Never edit once landed.

-- A recovered terminal's new identity names the one it replaces.
ALTER TABLE devices ADD COLUMN replaces TEXT;

-- Receipt numbers of order.placed events, to flag one issued twice (a restored or cloned
-- terminal prints receipts before the platform can tell it).
ALTER TABLE events ADD COLUMN receipt TEXT;
CREATE INDEX events_receipt ON events (receipt) WHERE receipt IS NOT NULL;

-- A recovered device re-sends every event it holds under its new identity: an event the
-- platform already stores (same event_id, under the earlier identity) is not stored twice;
-- its new sequence number points at it here, so the device's mark can move over it.
CREATE TABLE event_aliases (
    device_id TEXT NOT NULL REFERENCES devices (id),
    seq       INTEGER NOT NULL,
    event_id  TEXT NOT NULL REFERENCES events (event_id),
    PRIMARY KEY (device_id, seq)
) STRICT;
