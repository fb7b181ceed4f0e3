-- Magic Mirror (issue 16): the members who consented (a claim in their member code) and, for
-- each, the ranked candidates the recommender built from every store's purchases. A member
-- whose code was re-issued without consent keeps a row with consent 0 and no candidates: the
-- tombstone the recommendations pull carries, so terminals drop what they held. Versions come
-- from the counters' 'version', as every pull's. Never edit this file once it has landed.

CREATE TABLE mirror_members (
    member_id  TEXT PRIMARY KEY,
    consent    INTEGER NOT NULL CHECK (consent IN (0, 1)),
    -- JSON: [{"gtin": "...", "score": 1.5}, ...], best first.
    candidates TEXT NOT NULL DEFAULT '[]',
    changed_at TEXT NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

CREATE INDEX mirror_members_version ON mirror_members (version);
