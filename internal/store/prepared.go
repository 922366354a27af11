package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxPrepared bounds the statement cache: queries built at run time (a
// filter set, an IN list) must not grow it without end.
const maxPrepared = 512

// statements caches the SQLite writer's prepared statements by query
// text, so that a transaction's queries are parsed once per process rather
// than on every call: parsing was a quarter of the CPU of filing a report.
// PostgreSQL needs none: pgx caches prepared statements per connection.
type statements struct {
	w *sql.DB
	// mu guards byQuery; a statement once stored stays until Close.
	mu      sync.RWMutex
	byQuery map[string]*sql.Stmt
}

func newStatements(w *sql.DB) *statements {
	return &statements{w: w, byQuery: map[string]*sql.Stmt{}}
}

func (s *statements) get(q string) *sql.Stmt {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byQuery[q]
}

// prepare prepares the queries a transaction ran unprepared. It runs after
// the transaction, when the writer's only connection is free again; a
// query that fails to prepare simply stays unprepared.
func (s *statements) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		s.mu.RLock()
		_, done := s.byQuery[q]
		full := len(s.byQuery) >= maxPrepared
		s.mu.RUnlock()
		if done || full {
			continue
		}
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		s.mu.Lock()
		if _, done := s.byQuery[q]; done || len(s.byQuery) >= maxPrepared {
			st.Close()
		} else {
			s.byQuery[q] = st
		}
		s.mu.Unlock()
	}
}

// Close closes every cached statement.
func (s *statements) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for q, st := range s.byQuery {
		st.Close()
		delete(s.byQuery, q)
	}
	return nil
}

// preparedTx is a transaction's querier that runs each query through its
// cached statement, and notes the queries it had to run unprepared.
//
// A query whose context is already done fails without running, and a
// running one is never interrupted: on SQLite an interrupted write rolls
// back the whole transaction, which the group shares with other callers.
type preparedTx struct {
	tx     *sql.Tx
	cache  *statements
	missed *[]string
}

func (p preparedTx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st := p.cache.get(q); st != nil {
		return p.tx.StmtContext(ctx, st)
	}
	*p.missed = append(*p.missed, q)
	return nil
}

// detach is the context a query runs under: ctx itself once it is done,
// so that the query fails at once, otherwise ctx without its cancellation.
func detach(ctx context.Context) context.Context {
	if ctx.Err() != nil {
		return ctx
	}
	return context.WithoutCancel(ctx)
}

func (p preparedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	ctx = detach(ctx)
	if st := p.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, q, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	ctx = detach(ctx)
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.tx.QueryContext(ctx, q, args...)
}

func (p preparedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	ctx = detach(ctx)
	if st := p.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.tx.QueryRowContext(ctx, q, args...)
}
