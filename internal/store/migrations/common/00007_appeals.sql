-- Appeals and complaints (SPEC §7): a plan of action against a tier, a
-- sanction, a case's content decision or an automated decision, reviewed
-- by an appeals reviewer within its SLA.

-- +goose Up
CREATE TABLE appeals (
    id                  TEXT PRIMARY KEY,
    marketplace_id      TEXT NOT NULL REFERENCES marketplaces (id),
    account_id          TEXT NOT NULL,
    -- What is appealed: tier (subject_id: the enforcement action), sanction,
    -- case or decision.
    subject_type        TEXT NOT NULL,
    subject_id          TEXT NOT NULL,
    -- The tier whose SLA applies; '' for complaints about content.
    tier                TEXT NOT NULL DEFAULT '',
    -- Who took the appealed decision (a user id; '' for automation), and when.
    decided_by          TEXT NOT NULL DEFAULT '',
    decided_at          BIGINT NOT NULL,
    -- appeal (against an account restriction) or complaint (content, DSA/P2B).
    kind                TEXT NOT NULL,
    -- 1 for a business user (P2B statistics).
    business            INTEGER NOT NULL DEFAULT 0,
    root_cause          TEXT NOT NULL,
    corrective_action   TEXT NOT NULL,
    preventive_measures TEXT NOT NULL,
    -- open, escalated, decided
    status              TEXT NOT NULL,
    outcome             TEXT NOT NULL DEFAULT '',
    reply               TEXT NOT NULL DEFAULT '',
    reviewer_id         TEXT NOT NULL DEFAULT '',
    escalated_by        TEXT NOT NULL DEFAULT '',
    escalation_note     TEXT NOT NULL DEFAULT '',
    due_at              BIGINT NOT NULL,
    risk_from           BIGINT NOT NULL,
    at_risk_at          BIGINT,
    breached_at         BIGINT,
    idempotency_key     TEXT,
    created_at          BIGINT NOT NULL,
    resolved_at         BIGINT,
    -- The enforcement action the outcome took, if any.
    result_action_id    TEXT NOT NULL DEFAULT ''
);
-- One open appeal per decision (R-A1).
CREATE UNIQUE INDEX appeals_open_subject ON appeals (marketplace_id, subject_type, subject_id) WHERE status IN ('open', 'escalated');
CREATE UNIQUE INDEX appeals_key ON appeals (marketplace_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX appeals_queue ON appeals (marketplace_id, due_at, id) WHERE status IN ('open', 'escalated');
CREATE INDEX appeals_due ON appeals (status, due_at);
CREATE INDEX appeals_risk ON appeals (status, risk_from);
CREATE INDEX appeals_account ON appeals (marketplace_id, account_id, created_at);
CREATE INDEX appeals_created ON appeals (marketplace_id, created_at);

-- +goose Down
DROP TABLE appeals;
