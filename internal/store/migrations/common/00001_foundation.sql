-- Portable schema shared by SQLite and PostgreSQL. Times are BIGINT
-- microseconds since the Unix epoch (UTC); JSON documents are TEXT.

-- +goose Up
CREATE TABLE marketplaces (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    name           TEXT NOT NULL,
    prefix         TEXT NOT NULL,
    hash           TEXT NOT NULL UNIQUE,
    created_at     BIGINT NOT NULL,
    revoked_at     BIGINT
);
CREATE INDEX api_keys_marketplace ON api_keys (marketplace_id);

-- Every accepted event, exactly once per (marketplace, client id).
CREATE TABLE events (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    type           TEXT NOT NULL,
    occurred_at    BIGINT NOT NULL,
    received_at    BIGINT NOT NULL,
    subject_type   TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    payload        TEXT NOT NULL,
    payload_hash   TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX events_subject ON events (marketplace_id, subject_type, subject_id, occurred_at);
CREATE INDEX events_account ON events (marketplace_id, account_id, type, occurred_at);
CREATE INDEX events_received ON events (marketplace_id, received_at);

CREATE TABLE accounts (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    country        TEXT NOT NULL DEFAULT '',
    registered_at  BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    data           TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);

-- Contact points, devices, IPs and payment fingerprints seen per account:
-- the raw material of duplicate-account detection and account links.
CREATE TABLE account_identifiers (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    first_seen     BIGINT NOT NULL,
    last_seen      BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, kind, value, account_id)
);
CREATE INDEX account_identifiers_account ON account_identifiers (marketplace_id, account_id);

CREATE TABLE account_verifications (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    account_id     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, account_id, kind)
);

CREATE TABLE listings (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    price_amount   BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    category       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    confirmed_at   BIGINT,
    data           TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX listings_account ON listings (marketplace_id, account_id);
CREATE INDEX listings_category ON listings (marketplace_id, category, updated_at);

CREATE TABLE messages (
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    id              TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    sender_id       TEXT NOT NULL,
    recipient_id    TEXT NOT NULL,
    text            TEXT NOT NULL,
    sent_at         BIGINT NOT NULL,
    data            TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX messages_conversation ON messages (marketplace_id, conversation_id, sent_at);
CREATE INDEX messages_sender ON messages (marketplace_id, sender_id, sent_at);

CREATE TABLE reviews (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    order_id       TEXT NOT NULL,
    author_id      TEXT NOT NULL,
    subject_id     TEXT NOT NULL,
    rating         INTEGER NOT NULL,
    text           TEXT NOT NULL,
    submitted_at   BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    data           TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX reviews_subject ON reviews (marketplace_id, subject_id, submitted_at);
CREATE INDEX reviews_author ON reviews (marketplace_id, author_id, submitted_at);

CREATE TABLE orders (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    buyer_id       TEXT NOT NULL,
    seller_id      TEXT NOT NULL,
    listing_id     TEXT NOT NULL DEFAULT '',
    amount         BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    paid_at        BIGINT,
    shipped_at     BIGINT,
    delivered_at   BIGINT,
    cancelled_at   BIGINT,
    refunded_at    BIGINT,
    disputed_at    BIGINT,
    data           TEXT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);
CREATE INDEX orders_buyer ON orders (marketplace_id, buyer_id, created_at);
CREATE INDEX orders_seller ON orders (marketplace_id, seller_id, created_at);

-- Append-only, hash-chained audit log: one chain per marketplace, and the
-- chain '' for operator actions that belong to no marketplace.
CREATE TABLE audit_log (
    chain        TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    actor_type   TEXT NOT NULL,
    actor_id     TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX audit_log_subject ON audit_log (chain, subject_type, subject_id, seq);

-- The head of each chain. Appending locks this row, which serialises
-- appends to one chain across processes on PostgreSQL.
CREATE TABLE audit_heads (
    chain TEXT PRIMARY KEY,
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    marketplace_id TEXT REFERENCES marketplaces (id),
    username       TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    disabled_at    BIGINT
);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE webhook_subscriptions (
    id              TEXT PRIMARY KEY,
    marketplace_id  TEXT NOT NULL REFERENCES marketplaces (id),
    url             TEXT NOT NULL,
    secret          TEXT NOT NULL,
    event_types     TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    disabled_at     BIGINT,
    disabled_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_subscriptions_marketplace ON webhook_subscriptions (marketplace_id);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    marketplace_id   TEXT NOT NULL REFERENCES marketplaces (id),
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    last_attempt_at  BIGINT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    delivered_at     BIGINT
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);
CREATE INDEX webhook_deliveries_marketplace ON webhook_deliveries (marketplace_id, created_at);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE audit_heads;
DROP TABLE audit_log;
DROP TABLE orders;
DROP TABLE reviews;
DROP TABLE messages;
DROP TABLE listings;
DROP TABLE account_verifications;
DROP TABLE account_identifiers;
DROP TABLE accounts;
DROP TABLE events;
DROP TABLE api_keys;
DROP TABLE marketplaces;
