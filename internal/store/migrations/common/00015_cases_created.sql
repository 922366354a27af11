-- The dashboard counts the cases opened in each hour or day, one indexed
-- query for the whole range.

-- +goose Up
CREATE INDEX cases_created ON cases (marketplace_id, created_at);

-- +goose Down
DROP INDEX cases_created;
