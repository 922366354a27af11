package store

import (
	"context"
	"database/sql"
)

// detachedTx is a group transaction's querier.
//
// A query whose context is already done fails without running, and a
// running one is never interrupted: on SQLite an interrupted write rolls
// back the whole transaction, which the group shares with other callers.
type detachedTx struct{ tx *sql.Tx }

// detach is the context a query runs under: ctx itself once it is done,
// so that the query fails at once, otherwise ctx without its cancellation.
func detach(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

func (p detachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.tx.ExecContext(detach(ctx), q, args...)
}

func (p detachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.tx.QueryContext(detach(ctx), q, args...)
}

func (p detachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.tx.QueryRowContext(detach(ctx), q, args...)
}
