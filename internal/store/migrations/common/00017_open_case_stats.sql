-- The dashboard's queue figures count every open case by reason group,
-- claim and SLA state: cases_open_stats holds all they read, so the count
-- reads the index alone, not each case's row (a third of the time with
-- 100,000 open cases). The transparency report counts a period's reports
-- by reason group and reporter type from reports_tally alone, in its
-- order, and the DSA notices among them from the small reports_notices.

-- +goose Up
CREATE INDEX cases_open_stats ON cases (marketplace_id, reason_group, assignee_id, claim_expires_at, breached_at, due_at, risk_from, created_at)
    WHERE status IN ('pending', 'reviewing');
CREATE INDEX reports_tally ON reports (marketplace_id, reason_group, reporter_type, created_at);
CREATE INDEX reports_notices ON reports (marketplace_id, created_at) WHERE notice <> '';

-- +goose Down
DROP INDEX reports_notices;
DROP INDEX reports_tally;
DROP INDEX cases_open_stats;
