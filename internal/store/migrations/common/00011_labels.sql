-- The feedback loop (R-C6): the labelled-data export and the rules'
-- precision read the judgements people made since a period began —
-- moderators' listing moves and decided appeals — by time.

-- +goose Up
CREATE INDEX listing_history_at ON listing_history (marketplace_id, at);
CREATE INDEX appeals_resolved ON appeals (marketplace_id, resolved_at);

-- +goose Down
DROP INDEX appeals_resolved;
DROP INDEX listing_history_at;
