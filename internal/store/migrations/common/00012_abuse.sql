-- Abuse limits and secrets: console login failures per username, for the
-- lockout with backoff; reports by reporter and time, for the per-reporter
-- rate; a webhook subscription's previous secret, still signed with until
-- the rotation's overlap ends.

-- +goose Up
-- A row per username (known or not, so a lockout reveals nothing) with
-- failed attempts since the last success.
CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    last_at      BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
CREATE INDEX reports_reporter_created ON reports (marketplace_id, reporter_id, created_at);
ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE webhook_subscriptions ADD COLUMN previous_until BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE webhook_subscriptions DROP COLUMN previous_until;
ALTER TABLE webhook_subscriptions DROP COLUMN previous_secret;
DROP INDEX reports_reporter_created;
DROP TABLE login_failures;
