-- Events set aside (issue 12): the platform refused their content, or they are larger than it
-- accepts. The event stays in the outbox, untouched; the platform receives a small placeholder
-- in its place so the events behind it are not blocked. Never edit once landed.
CREATE TABLE quarantine (
    seq    INTEGER PRIMARY KEY REFERENCES outbox (seq),
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
) STRICT;
