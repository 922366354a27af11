-- Enforcement (SPEC §6): each account's tier, its sanctions, the orders
-- frozen while it is suspended, its enforcement timeline, recommendations
-- waiting for a person, statements of reasons, and the logistics rules'
-- state.

-- +goose Up
-- An account's standing; no row means clear with no sanctions.
CREATE TABLE enforcement_states (
    marketplace_id     TEXT NOT NULL REFERENCES marketplaces (id),
    account_id         TEXT NOT NULL,
    tier               TEXT NOT NULL,
    tier_since         BIGINT NOT NULL,
    -- 1 while the account's in-flight orders are frozen.
    frozen             INTEGER NOT NULL DEFAULT 0,
    -- A business user's termination scheduled after the notice period.
    termination_at     BIGINT,
    termination_action TEXT NOT NULL DEFAULT '',
    version            BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id)
);
CREATE INDEX enforcement_states_tier ON enforcement_states (marketplace_id, tier);
CREATE INDEX enforcement_states_termination ON enforcement_states (termination_at) WHERE termination_at IS NOT NULL;

CREATE TABLE sanctions (
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    id              TEXT NOT NULL,
    account_id      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    -- logistics or behavioural
    class           TEXT NOT NULL,
    -- active, expired, lifted
    status          TEXT NOT NULL,
    imposed_at      BIGINT NOT NULL,
    -- NULL for a permanent ban.
    expires_at      BIGINT,
    commission_rate DOUBLE PRECISION NOT NULL DEFAULT 0,
    remedial        TEXT NOT NULL DEFAULT '',
    action_id       TEXT NOT NULL,
    ended_at        BIGINT,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX sanctions_account ON sanctions (marketplace_id, account_id) WHERE status = 'active';
CREATE INDEX sanctions_expiry ON sanctions (expires_at) WHERE status = 'active';

CREATE TABLE frozen_orders (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    order_id       TEXT NOT NULL,
    frozen_at      BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id, order_id)
);

-- The enforcement timeline: every tier move, sanction, lift, expiry,
-- scheduled termination and recommendation decision, with its reason,
-- ground, evidence, actor and source (R-E1, R-P6).
CREATE TABLE enforcement_actions (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    at             BIGINT NOT NULL,
    kind           TEXT NOT NULL,
    from_tier      TEXT NOT NULL DEFAULT '',
    to_tier        TEXT NOT NULL DEFAULT '',
    sanction_id    TEXT NOT NULL DEFAULT '',
    sanction_kind  TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL,
    source_ref     TEXT NOT NULL DEFAULT '',
    actor_type     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    reason         TEXT NOT NULL,
    ground         TEXT NOT NULL DEFAULT '',
    -- 1 when automation decided it.
    automated      INTEGER NOT NULL DEFAULT 0,
    -- JSON: what the decision rests on.
    evidence       TEXT NOT NULL,
    statement_id   TEXT NOT NULL DEFAULT '',
    effective_at   BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX enforcement_actions_account ON enforcement_actions (marketplace_id, account_id, at);

-- Tiers and sanctions automation or a moderator recommends, for a person
-- allowed to decide (R-P2).
CREATE TABLE recommendations (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    tier           TEXT NOT NULL DEFAULT '',
    sanction       TEXT NOT NULL DEFAULT '',
    duration       BIGINT NOT NULL DEFAULT 0,
    source         TEXT NOT NULL,
    source_ref     TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL,
    ground         TEXT NOT NULL DEFAULT '',
    evidence       TEXT NOT NULL,
    -- pending, approved, rejected
    status         TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     BIGINT,
    decision_note  TEXT NOT NULL DEFAULT '',
    action_id      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX recommendations_pending ON recommendations (marketplace_id, created_at) WHERE status = 'pending';
CREATE INDEX recommendations_account ON recommendations (marketplace_id, account_id, created_at);

-- Statements of reasons, as issued (R-E6, R-C2).
CREATE TABLE statements (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    action_id      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    effective_at   BIGINT NOT NULL,
    content        TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX statements_created ON statements (marketplace_id, created_at);
CREATE INDEX statements_account ON statements (marketplace_id, account_id, created_at);

-- Sellers whose fulfilment changed since the logistics rules last looked.
CREATE TABLE logistics_dirty (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    since          BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id)
);

-- Logistics rules a seller is over: a rule applies once per crossing and
-- may apply again after the seller fell back under it.
CREATE TABLE logistics_crossings (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    rule_id        TEXT NOT NULL,
    crossed_at     BIGINT NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    action_id      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (marketplace_id, account_id, rule_id)
);
CREATE INDEX logistics_crossings_at ON logistics_crossings (crossed_at);

-- +goose Down
DROP TABLE logistics_crossings;
DROP TABLE logistics_dirty;
DROP TABLE statements;
DROP TABLE recommendations;
DROP TABLE enforcement_actions;
DROP TABLE frozen_orders;
DROP TABLE sanctions;
DROP TABLE enforcement_states;
