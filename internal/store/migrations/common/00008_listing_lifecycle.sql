-- The listing lifecycle (R-L6–R-L9): every status move with who made it
-- and why, the freshness reminder, and the property check.

-- +goose Up
CREATE TABLE listing_history (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    listing_id     TEXT NOT NULL,
    at             BIGINT NOT NULL,
    from_status    TEXT NOT NULL,
    to_status      TEXT NOT NULL,
    -- check, follow_up, moderator, owner, freshness, appeal
    actor          TEXT NOT NULL,
    actor_id       TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    clause         TEXT NOT NULL DEFAULT '',
    -- JSON list of the fields to change, for changes_requested.
    fields         TEXT NOT NULL DEFAULT '[]',
    -- The decision, case or appeal behind the move.
    ref            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX listing_history_listing ON listing_history (marketplace_id, listing_id, at);

-- When the owner was last reminded to reconfirm; cleared by a
-- reconfirmation or an update.
ALTER TABLE listings ADD COLUMN reminded_at BIGINT;
-- A moderator's acceptance of evidence of the relationship to the property.
ALTER TABLE listings ADD COLUMN property_checked_at BIGINT;
ALTER TABLE listings ADD COLUMN property_checked_by TEXT NOT NULL DEFAULT '';
CREATE INDEX listings_freshness ON listings (status, updated_at);
-- When a business registration's yearly re-check was last asked for (R-E7).
ALTER TABLE account_verifications ADD COLUMN recheck_reminded_at BIGINT;
CREATE INDEX account_verifications_recheck ON account_verifications (kind, status, updated_at);

-- +goose Down
DROP INDEX account_verifications_recheck;
ALTER TABLE account_verifications DROP COLUMN recheck_reminded_at;
DROP INDEX listings_freshness;
ALTER TABLE listings DROP COLUMN property_checked_by;
ALTER TABLE listings DROP COLUMN property_checked_at;
ALTER TABLE listings DROP COLUMN reminded_at;
DROP TABLE listing_history;
