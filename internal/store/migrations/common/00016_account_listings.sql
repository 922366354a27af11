-- An account's page lists its listings most recently updated first: with
-- updated_at in the index that is a range of it, however many listings
-- the account has, rather than all of them sorted.

-- +goose Up
DROP INDEX listings_account;
CREATE INDEX listings_account ON listings (marketplace_id, account_id, updated_at);

-- +goose Down
DROP INDEX listings_account;
CREATE INDEX listings_account ON listings (marketplace_id, account_id);
