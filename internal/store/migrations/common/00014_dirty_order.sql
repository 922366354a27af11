-- The logistics sweep takes the sellers that waited longest; without an
-- index on the time it read the whole set and sorted it on every round
-- (found by TestQueriesUseIndexes).

-- +goose Up
CREATE INDEX logistics_dirty_since ON logistics_dirty (since);

-- +goose Down
DROP INDEX logistics_dirty_since;
