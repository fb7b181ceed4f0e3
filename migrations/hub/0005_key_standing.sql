-- Platform keys have a standing (issue 13): retired keys sign nothing new and verify only
-- codes issued before their retirement; revoked keys verify nothing. Unix seconds. Keys
-- already inactive count as retired from when this migration ran. Never edit once landed.
ALTER TABLE platform_keys ADD COLUMN retired_at INTEGER;
ALTER TABLE platform_keys ADD COLUMN revoked_at INTEGER;
UPDATE platform_keys SET retired_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE active = 0;
