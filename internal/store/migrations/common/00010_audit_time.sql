-- Audit exports for a period (R-C5) select a chain's entries by time.

-- +goose Up
CREATE INDEX audit_log_at ON audit_log (chain, at, seq);

-- +goose Down
DROP INDEX audit_log_at;
