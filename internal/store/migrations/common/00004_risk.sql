-- Fraud signals and the risk score (R-F1–R-F6): each account's
-- incrementally maintained signal state, its current score and the score's
-- history, accounts whose score needs refreshing, and confirmed links.

-- +goose Up
CREATE TABLE risk_states (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    state          TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id)
);

-- Accounts touched by events since their score was last computed.
CREATE TABLE risk_dirty (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    since          BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id)
);
CREATE INDEX risk_dirty_since ON risk_dirty (since);

-- The latest score of each account. own_score leaves out the linked peers'
-- share: it is what propagates to peers, so two linked accounts do not
-- feed each other's scores.
CREATE TABLE risk_scores (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    score          INTEGER NOT NULL,
    own_score      INTEGER NOT NULL,
    band           TEXT NOT NULL,
    explanation    TEXT NOT NULL,
    computed_at    BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id)
);
CREATE INDEX risk_scores_rank ON risk_scores (marketplace_id, score);

-- Every change of an account's score.
CREATE TABLE risk_history (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    score          INTEGER NOT NULL,
    band           TEXT NOT NULL,
    computed_at    BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id, computed_at)
);

-- Links a moderator confirmed (account_a < account_b). Inferred links are
-- computed from shared identifiers, not stored.
CREATE TABLE account_links (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_a      TEXT NOT NULL,
    account_b      TEXT NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    note           TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_a, account_b)
);
CREATE INDEX account_links_b ON account_links (marketplace_id, account_b);

CREATE INDEX decisions_account ON decisions (marketplace_id, account_id, created_at);
CREATE INDEX account_identifiers_seen ON account_identifiers (marketplace_id, kind, value, first_seen);

-- +goose Down
DROP INDEX account_identifiers_seen;
DROP INDEX decisions_account;
DROP TABLE account_links;
DROP TABLE risk_history;
DROP TABLE risk_scores;
DROP TABLE risk_dirty;
DROP TABLE risk_states;
