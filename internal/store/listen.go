package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangesChannel is the PostgreSQL notification channel of cached data's
// changes; payloads are "topic key" (package change).
const ChangesChannel = "vigil_changes"

// Notify sends payload on channel to every process listening on the
// PostgreSQL database, when tx commits; nothing on SQLite, which has one
// process.
func (tx *Tx) Notify(ctx context.Context, dialect Dialect, channel, payload string) error {
	if dialect != Postgres {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload)
	return err
}

// Listen delivers the payloads of PostgreSQL notifications on channel to
// fn until ctx ends, on a connection of its own. Notifications sent while
// it is not listening are lost, so every time it starts listening —
// first, and after reconnecting — it calls up(true) before any payload,
// and up(false) when the connection fails: a cache fed by it must then
// stop trusting itself. On SQLite, with one process, there is nothing to
// hear: up(true) is called and Listen returns.
func (db *DB) Listen(ctx context.Context, channel string, up func(bool), fn func(payload string)) {
	if db.Dialect != Postgres {
		up(true)
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, channel, up, fn)
		up(false)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, channel string, up func(bool), fn func(string)) error {
	c, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return err
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	up(true)
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
