-- Reports, cases and the moderation queue (SPEC §5). Cases take over from
-- review_items: what a check or the risk score holds for a person opens a
-- proactive case through the same workflow as a report (R-R8).

-- +goose Up
CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    marketplace_id   TEXT NOT NULL REFERENCES marketplaces (id),
    target_type      TEXT NOT NULL,
    target_id        TEXT NOT NULL,
    -- The account behind the target (the target itself for accounts); ''
    -- when not known.
    account_id       TEXT NOT NULL DEFAULT '',
    -- pending, reviewing, resolved, dismissed
    status           TEXT NOT NULL,
    -- What opened it: report, detector, rule, risk.
    source           TEXT NOT NULL,
    reason_group     TEXT NOT NULL,
    priority         DOUBLE PRECISION NOT NULL,
    -- JSON: the parts of the priority and their points.
    priority_detail  TEXT NOT NULL,
    report_count     INTEGER NOT NULL DEFAULT 0,
    spike_at         BIGINT,
    assignee_id      TEXT,
    claim_expires_at BIGINT,
    -- 1 when escalated to a senior moderator.
    escalated        INTEGER NOT NULL DEFAULT 0,
    due_at           BIGINT NOT NULL,
    -- From when the case counts as at risk of missing due_at (policy
    -- reports.at_risk of its SLA left); at_risk_at is when that was alerted.
    risk_from        BIGINT NOT NULL,
    at_risk_at       BIGINT,
    breached_at      BIGINT,
    -- The decision that held the target (proactive cases).
    decision_id      TEXT,
    outcome          TEXT NOT NULL DEFAULT '',
    resolution       TEXT NOT NULL DEFAULT '',
    resolved_by      TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    resolved_at      BIGINT
);
-- One open case per target: reports and holds on it cluster there (R-R2).
CREATE UNIQUE INDEX cases_open_target ON cases (marketplace_id, target_type, target_id) WHERE status IN ('pending', 'reviewing');
-- The open queue's first page, highest priority (or oldest) first, at any
-- size: partial indexes on the open cases, which queries name with the
-- same literal condition so both databases use them.
CREATE INDEX cases_queue ON cases (marketplace_id, priority DESC, created_at, id) WHERE status IN ('pending', 'reviewing');
CREATE INDEX cases_queue_age ON cases (marketplace_id, created_at, id) WHERE status IN ('pending', 'reviewing');
-- Closed and single-status listings.
CREATE INDEX cases_status ON cases (marketplace_id, status, priority DESC, created_at, id);
CREATE INDEX cases_due ON cases (status, due_at);
CREATE INDEX cases_risk ON cases (status, risk_from);
CREATE INDEX cases_claims ON cases (status, claim_expires_at);
CREATE INDEX cases_assignee ON cases (marketplace_id, assignee_id, status);
CREATE INDEX cases_account ON cases (marketplace_id, account_id, created_at);
CREATE INDEX cases_resolved ON cases (marketplace_id, resolved_at);

CREATE TABLE reports (
    id              TEXT PRIMARY KEY,
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    reference       TEXT NOT NULL UNIQUE,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    target_type     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    account_id      TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL,
    reason_group    TEXT NOT NULL,
    details         TEXT NOT NULL DEFAULT '',
    reporter_id     TEXT NOT NULL,
    reporter_type   TEXT NOT NULL,
    -- The reporter's weight when the report arrived (type × track record;
    -- 0 while their reporting is suspended for misuse).
    weight          DOUBLE PRECISION NOT NULL,
    idempotency_key TEXT,
    -- The request's canonical JSON, so a retry with other content is told.
    fingerprint     TEXT NOT NULL,
    -- open, closed
    status          TEXT NOT NULL,
    -- upheld, dismissed, unfounded once closed
    outcome         TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    closed_at       BIGINT
);
CREATE UNIQUE INDEX reports_idempotency ON reports (marketplace_id, idempotency_key);
CREATE INDEX reports_case ON reports (case_id, created_at);
CREATE INDEX reports_target ON reports (marketplace_id, target_type, target_id, created_at);
CREATE INDEX reports_account ON reports (marketplace_id, account_id, created_at);
CREATE INDEX reports_reporter ON reports (marketplace_id, reporter_id, closed_at);

-- A reporter's track record and misuse state (R-R4, R-R10).
CREATE TABLE reporters (
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    reporter_id     TEXT NOT NULL,
    upheld          INTEGER NOT NULL DEFAULT 0,
    dismissed       INTEGER NOT NULL DEFAULT 0,
    unfounded       INTEGER NOT NULL DEFAULT 0,
    warned_at       BIGINT,
    suspended_until BIGINT,
    PRIMARY KEY (marketplace_id, reporter_id)
);

-- Who did what when, per case.
CREATE TABLE case_events (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    case_id        TEXT NOT NULL REFERENCES cases (id),
    at             BIGINT NOT NULL,
    actor_type     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);

-- Alerts for the console's banner: spikes, SLAs at risk and breached.
CREATE TABLE alerts (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    kind           TEXT NOT NULL,
    case_id        TEXT NOT NULL REFERENCES cases (id),
    detail         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_open ON alerts (marketplace_id, acknowledged_at, created_at);

-- Moderators' last activity in the console, for workload balancing.
ALTER TABLE users ADD COLUMN last_seen_at BIGINT;

-- Items held before cases existed become proactive cases, due 48h after
-- they were held; their priority is recomputed on the first change.
INSERT INTO cases (id, marketplace_id, target_type, target_id, account_id, status, source, reason_group, priority, priority_detail,
    due_at, risk_from, decision_id, created_at, updated_at)
SELECT r.id, r.marketplace_id, r.subject_type, r.subject_id, COALESCE(d.account_id, ''), 'pending', 'detector', 'content', 20,
    '{"parts":[{"part":"severity","points":20,"detail":"Held by an automated check before cases existed."}]}',
    r.created_at + 172800000000, r.created_at + 129600000000, r.decision_id, r.created_at, r.created_at
FROM review_items r LEFT JOIN decisions d ON d.id = r.decision_id
WHERE r.status = 'pending'
  AND r.id = (SELECT MIN(r2.id) FROM review_items r2 WHERE r2.marketplace_id = r.marketplace_id AND r2.subject_type = r.subject_type
              AND r2.subject_id = r.subject_id AND r2.status = 'pending');
DROP TABLE review_items;

-- +goose Down
CREATE TABLE review_items (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    decision_id    TEXT NOT NULL REFERENCES decisions (id),
    subject_type   TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    resolved_at    BIGINT
);
CREATE INDEX review_items_open ON review_items (marketplace_id, status, created_at);
ALTER TABLE users DROP COLUMN last_seen_at;
DROP TABLE alerts;
DROP TABLE case_events;
DROP TABLE reporters;
DROP TABLE reports;
DROP TABLE cases;
