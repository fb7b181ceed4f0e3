-- Enrolment tokens expire (issue 13). The token column now holds "sha256:" and the hex digest
-- of the token, never the token itself (tokens made before are digested at the hub's first
-- open after this migration). Never edit once landed.
ALTER TABLE enrolment_tokens ADD COLUMN expires_at TEXT;
