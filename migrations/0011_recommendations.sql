-- Magic Mirror (issue 16): per member who consented, the ranked candidates the platform built
-- from every store's purchases (the recommendations pull). Nothing else of a member's history
-- is kept; a member whose consent was withdrawn is deleted when the pull says so. Never edit
-- this file once it has landed.

CREATE TABLE recommendations (
    member_id   TEXT PRIMARY KEY,
    -- JSON: [{"gtin": "…", "score": 1.5}, …], best first.
    candidates  TEXT NOT NULL,
    received_at TEXT NOT NULL
) STRICT;
