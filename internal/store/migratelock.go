package store

import (
	"context"
	"fmt"
)

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations: several serve processes starting at once on a database
// behind their binary's schema would otherwise apply the same migration
// together, and all but one would fail.
const migrationLockKey int64 = 0x76_69_67_69_6c_6d_67 // "vigilmg"

// lockMigrations waits for the migration lock on a connection of its own
// and returns the function that releases it. Another process holding it
// is migrating; once it is done, the pending migrations are none.
func (db *DB) lockMigrations(ctx context.Context) (func(), error) {
	c, err := db.W.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		c.Close()
		return nil, fmt.Errorf("wait for the migration lock: %w", err)
	}
	return func() {
		// Closing the session would release the lock too; unlocking
		// first returns the connection to the pool clean.
		c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
		c.Close()
	}, nil
}
