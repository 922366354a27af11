-- DSA notices (R-C1): a report may carry the notice's own fields — the
-- exact location, the explanation, the notifier's name and email, the
-- good-faith statement — as JSON.

-- +goose Up
ALTER TABLE reports ADD COLUMN notice TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE reports DROP COLUMN notice;
