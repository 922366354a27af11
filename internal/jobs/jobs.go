// Package jobs wires Vigil's background work to River, on SQLite or
// PostgreSQL through database/sql, so that a job is inserted in the same
// transaction as the state change that needs it and is never lost or run
// for a change that rolled back.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/vigil-ts/vigil/internal/store"
)

// Config tunes the runner.
type Config struct {
	// Work starts workers; without it the client only inserts jobs (the
	// CLI's one-off commands).
	Work bool
	// Workers is the number of concurrent jobs per process.
	Workers int
	// PollInterval is how often idle workers look for new jobs.
	PollInterval time.Duration
	// JobTimeout is the longest a job may run before its context is
	// cancelled (default a minute, unless its worker sets its own). A job
	// left running by a process that died is retried RescueMargin after
	// its timeout.
	JobTimeout time.Duration
	// Periodic jobs run on one process at a time (River's leader).
	Periodic []*river.PeriodicJob
	Log      *slog.Logger
}

// RescueMargin is how long after its timeout a job still marked running
// is taken for orphaned (its process died) and retried: time for a job
// that did stop at its timeout to record that.
const RescueMargin = 10 * time.Second

// Inserter queues jobs inside a transaction (with store.Tx.QueueJob);
// River's Client is one. Services take this rather than the client, which
// needs their workers first.
type Inserter = store.JobBatcher

// Client is the River client over database/sql transactions.
type Client = river.Client[*sql.Tx]

// New builds a River client for db's dialect with the given workers.
func New(db *store.DB, workers *river.Workers, cfg Config) (*Client, error) {
	var driver riverdriver.Driver[*sql.Tx]
	if db.Dialect == store.SQLite {
		driver = riversqlite.New(db.W)
	} else {
		driver = riverdatabasesql.New(db.W)
	}
	timeout := cfg.JobTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	rc := &river.Config{
		Logger:                      cfg.Log,
		FetchPollInterval:           cfg.PollInterval,
		FetchCooldown:               min(cfg.PollInterval, 100*time.Millisecond),
		CompletedJobRetentionPeriod: 7 * 24 * time.Hour,
		// No LISTEN/NOTIFY through database/sql: workers poll.
		PollOnly: true,
		// River's default leaves a job that was running when its process
		// was killed stuck for an hour; no job outlives its timeout, so
		// one still running a little after it is orphaned.
		JobTimeout:           timeout,
		RescueStuckJobsAfter: timeout + RescueMargin,
	}
	if cfg.Work {
		n := max(cfg.Workers, 1)
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: n}}
		rc.PeriodicJobs = cfg.Periodic
	}
	c, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("job client: %w", err)
	}
	return c, nil
}

// QueueDepth counts jobs waiting to run (available, scheduled or retrying).
func QueueDepth(ctx context.Context, db *store.DB) (int64, error) {
	var n int64
	err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable')`).Scan(&n)
	return n, err
}
