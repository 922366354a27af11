-- Automated checks: stored decisions, the review queue they feed, and each
-- marketplace's policy document.

-- +goose Up
-- '' until a check has decided; then pending_review, approved, rejected,
-- changes_requested (later also paused, expired).
ALTER TABLE listings ADD COLUMN status TEXT NOT NULL DEFAULT '';

CREATE TABLE policies (
    marketplace_id TEXT PRIMARY KEY REFERENCES marketplaces (id),
    document       TEXT NOT NULL,
    version        BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    updated_by     TEXT NOT NULL
);

-- Every synchronous decision with everything needed to explain it later.
CREATE TABLE decisions (
    id              TEXT PRIMARY KEY,
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    kind            TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    category        TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL,
    findings        TEXT NOT NULL,
    rule_hits       TEXT NOT NULL,
    reasons         TEXT NOT NULL,
    input           TEXT NOT NULL,
    masked_text     TEXT NOT NULL DEFAULT '',
    policy_version  BIGINT NOT NULL,
    idempotency_key TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX decisions_subject ON decisions (marketplace_id, subject_type, subject_id, created_at);
CREATE INDEX decisions_created ON decisions (marketplace_id, created_at);
CREATE UNIQUE INDEX decisions_idempotency ON decisions (marketplace_id, idempotency_key);

-- Items waiting for a person: held listings, messages and reviews. The
-- cases capability will consume them.
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

-- +goose Down
DROP TABLE review_items;
DROP TABLE decisions;
DROP TABLE policies;
ALTER TABLE listings DROP COLUMN status;
