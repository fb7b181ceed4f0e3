-- Calls for assistance and age checks, and the counters' answers and approvals, relayed by the
-- platform between a store's terminals (kept a few minutes; counters on another network
-- segment than the kiosk). Never edit this file once it has landed.

CREATE TABLE assist_calls (
    n        BIGSERIAL PRIMARY KEY,
    store_id TEXT NOT NULL,
    call_id  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('help', 'answer', 'age_check', 'approve')),
    terminal TEXT NOT NULL,
    body     TEXT NOT NULL,
    at_ms    BIGINT NOT NULL,
    -- A kiosk sends its call again every 20 s: relayed once.
    UNIQUE (store_id, call_id, kind, terminal)
);

CREATE INDEX assist_calls_by_store ON assist_calls (store_id, n);
CREATE INDEX assist_calls_by_age ON assist_calls (at_ms);
