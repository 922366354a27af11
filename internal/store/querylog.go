package store

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
)

// QueryLog records the distinct queries a DB runs, each with the arguments
// of its first run, so that a test can have every query of a workload
// explained by the database and find the ones that scan a table.
type QueryLog struct {
	mu     sync.Mutex
	args   map[string][]any
	counts map[string]int
	order  []string
}

// LoggedQuery is one query a QueryLog saw.
type LoggedQuery struct {
	SQL  string
	Args []any
	// Runs counts how many times it ran.
	Runs int
}

// LogQueries starts recording the queries db runs from now on, through
// the reader pool and in transactions, replacing any log started before.
// It is for tests and benchmarks.
func (db *DB) LogQueries() *QueryLog {
	l := &QueryLog{args: map[string][]any{}, counts: map[string]int{}}
	db.log.Store(l)
	return l
}

// Queries returns the queries seen so far, in the order first seen.
func (l *QueryLog) Queries() []LoggedQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LoggedQuery, len(l.order))
	for i, q := range l.order {
		out[i] = LoggedQuery{SQL: q, Args: slices.Clone(l.args[q]), Runs: l.counts[q]}
	}
	return out
}

// logSwitch holds a DB's query log, nil while none is recording.
type logSwitch = atomic.Pointer[QueryLog]

func (l *QueryLog) note(q string, args []any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[q]++
	if _, seen := l.args[q]; !seen {
		l.args[q] = slices.Clone(args)
		l.order = append(l.order, q)
	}
}

// loggingQuerier notes each query in the DB's log, if one is
// recording, before running it.
type loggingQuerier struct {
	q   querier
	log *logSwitch
}

func (lq loggingQuerier) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	lq.log.Load().note(q, args)
	return lq.q.ExecContext(ctx, q, args...)
}

func (lq loggingQuerier) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	lq.log.Load().note(q, args)
	return lq.q.QueryContext(ctx, q, args...)
}

func (lq loggingQuerier) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	lq.log.Load().note(q, args)
	return lq.q.QueryRowContext(ctx, q, args...)
}
