// Package store owns Vigil's persistence: the connection pools for SQLite and
// PostgreSQL, the embedded per-dialect migrations, and the portable SQL behind
// every read and write. Domain packages call it; it calls no domain package
// except the pure audit hashing.
//
// Times are stored as BIGINT microseconds since the Unix epoch (UTC) on both
// databases, so comparisons, ordering and the audit hash are identical on
// each. JSON documents are stored as TEXT exactly as received.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing/fstest"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"modernc.org/sqlite"
)

//go:embed migrations
var migrations embed.FS

// Dialect names the SQL database behind a DB.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Sentinel errors returned by store operations; check them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// DB is an open Vigil database. Writes go through W inside transactions
// (InTx); reads that need no transaction go through the reader pool.
//
// On SQLite, W holds a single connection: SQLite admits one writer at a time,
// and serialising writers in Go avoids SQLITE_BUSY errors under load. Reads use
// a separate read-only pool so they never wait for a writer (WAL mode).
type DB struct {
	conn
	Dialect Dialect
	// W is the writer pool; River uses it too.
	W *sql.DB
	// R is the reader pool (the same pool as W on PostgreSQL).
	R *sql.DB
	// dsn is the PostgreSQL URL, for the notification listener's own
	// connection.
	dsn string
	// group commits concurrent writers together on SQLite; nil on
	// PostgreSQL.
	group *group
	// log records queries for index checks (LogQueries).
	log *logSwitch
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn carries the read queries shared by DB (reader pool) and Tx.
type conn struct{ q querier }

// Tx is one transaction of a use case: the state change, its audit entry and
// its queued jobs commit together or not at all.
type Tx struct {
	conn
	// Tx is the underlying transaction, for River's InsertTx.
	Tx *sql.Tx
	// after runs once the transaction has committed.
	after []func()
	// jobs are the jobs QueueJob queued, inserted just before the commit.
	jobs queuedJobs
}

// JobBatcher inserts jobs inside a transaction, many in one call; River's
// Client is one.
type JobBatcher interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// queuedJobs are jobs waiting for their transaction's commit, by the
// batcher that inserts them.
type queuedJobs map[JobBatcher][]river.InsertManyParams

// QueueJob queues a job with the transaction's other writes: it is
// inserted with b just before the commit, in one call with every other job
// queued for the same commit (on SQLite, every use case sharing it), and
// only if the use case that queued it succeeds. A job inserted one at a
// time cost a quarter of a listing decision on SQLite.
func (tx *Tx) QueueJob(b JobBatcher, args river.JobArgs, opts *river.InsertOpts) {
	if tx.jobs == nil {
		tx.jobs = queuedJobs{}
	}
	tx.jobs[b] = append(tx.jobs[b], river.InsertManyParams{Args: args, InsertOpts: opts})
}

// add moves more's jobs into q, which it returns.
func (q queuedJobs) add(more queuedJobs) queuedJobs {
	if len(more) == 0 {
		return q
	}
	if q == nil {
		q = queuedJobs{}
	}
	for b, params := range more {
		q[b] = append(q[b], params...)
	}
	return q
}

// MergeableJob is a job that can take in another job queued for the same
// commit, so that the commit inserts one job where it would insert many.
type MergeableJob interface {
	river.JobArgs
	// Merge returns the job doing both its own work and other's, and
	// true; or false when it cannot take other in.
	Merge(other river.JobArgs) (river.JobArgs, bool)
}

// merge folds each mergeable job, queued with its own insert options, into
// the first earlier one that takes it in.
func merge(params []river.InsertManyParams) []river.InsertManyParams {
	out := make([]river.InsertManyParams, 0, len(params))
next:
	for _, p := range params {
		if _, ok := p.Args.(MergeableJob); ok && p.InsertOpts == nil {
			for i, prev := range out {
				m, ok := prev.Args.(MergeableJob)
				if !ok || prev.InsertOpts != nil {
					continue
				}
				if args, ok := m.Merge(p.Args); ok {
					out[i].Args = args
					continue next
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// insert inserts the queued jobs into tx, merged where they can be.
func (q queuedJobs) insert(tx *sql.Tx) error {
	for b, params := range q {
		params = merge(params)
		if _, err := b.InsertManyTx(detach(context.Background()), tx, params); err != nil {
			return fmt.Errorf("queue %d jobs: %w", len(params), err)
		}
	}
	return nil
}

// AfterCommit runs fn once the transaction has committed, and never if it
// rolls back: for in-memory state that must not see uncommitted changes.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Detach is the context for a statement run directly on tx.Tx, such as a
// job inserted with River: on SQLite the transaction is shared, and a
// cancelled statement would roll it back for every use case in it.
func (tx *Tx) Detach(ctx context.Context) context.Context { return detach(ctx) }

// Open connects to dsn, which is either a PostgreSQL URL (postgres:// or
// postgresql://) or a SQLite file path (optionally prefixed with file: or
// sqlite:). It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if DialectOf(dsn) == Postgres {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect postgres: %w", err)
	}
	log := new(logSwitch)
	return &DB{conn: conn{q: loggingQuerier{q: db, log: log}}, Dialect: Postgres, W: db, R: db, dsn: dsn, log: log}, nil
}

func openSQLite(ctx context.Context, dsn string) (*DB, error) {
	abs, err := SQLitePath(dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// synchronous(FULL): an acknowledged write survives power loss, not just
	// a crash of the process (R-P4).
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)"
	u := "file:" + (&url.URL{Path: abs}).EscapedPath()
	w := sql.OpenDB(cachingConnector{dsn: u + "?" + common + "&_txlock=immediate", d: &sqlite.Driver{}})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", abs, err)
	}
	r := sql.OpenDB(cachingConnector{dsn: u + "?" + common + "&_pragma=query_only(1)", d: &sqlite.Driver{}})
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	log := new(logSwitch)
	return &DB{conn: conn{q: loggingQuerier{q: r, log: log}}, Dialect: SQLite, W: w, R: r, log: log,
		group: &group{w: w, log: log}}, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		err = errors.Join(err, db.R.Close())
	}
	return err
}

// InTx runs fn in one writer transaction and commits it if fn returns nil.
//
// On SQLite, concurrent calls share one transaction, each fn in its own
// savepoint, one after another (see group); fn's failure rolls back only
// its own changes. Statements that fn runs directly on tx.Tx should use
// tx.Detach(ctx).
func (db *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	if db.group != nil {
		return db.group.do(ctx, fn)
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	t := &Tx{conn: conn{q: loggingQuerier{q: tx, log: db.log}}, Tx: tx}
	if err := fn(t); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
		}
		return err
	}
	if err := t.jobs.insert(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

func (db *DB) goose() (*goose.Provider, error) {
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	fsys, err := migrationFS(db.Dialect)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db.W, fsys)
}

// migrationFS merges the portable migrations with the dialect's own into one
// flat folder for goose. A version present in both is a packaging error.
func migrationFS(d Dialect) (fs.FS, error) {
	merged := fstest.MapFS{}
	for _, dir := range []string{"migrations/common", "migrations/" + string(d)} {
		entries, err := fs.ReadDir(migrations, dir)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			if _, dup := merged[e.Name()]; dup {
				return nil, fmt.Errorf("migration %s exists twice", e.Name())
			}
			b, err := fs.ReadFile(migrations, dir+"/"+e.Name())
			if err != nil {
				return nil, err
			}
			merged[e.Name()] = &fstest.MapFile{Data: b}
		}
	}
	return merged, nil
}

// Migrate applies Vigil's pending migrations and River's job-queue
// migrations. It is safe to run on every start, by several processes at
// once on PostgreSQL: they take turns.
func (db *DB) Migrate(ctx context.Context) error {
	if db.Dialect == Postgres {
		unlock, err := db.lockMigrations(ctx)
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		defer unlock()
	}
	p, err := db.goose()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := db.migrateRiver(ctx); err != nil {
		return fmt.Errorf("migrate job queue: %w", err)
	}
	return nil
}

func (db *DB) migrateRiver(ctx context.Context) error {
	if db.Dialect == SQLite {
		m, err := rivermigrate.New(riversqlite.New(db.W), nil)
		if err != nil {
			return err
		}
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return err
	}
	m, err := rivermigrate.New(riverdatabasesql.New(db.W), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// MigrationStatus reports the schema version applied and the newest one this
// binary embeds; readiness requires them equal.
func (db *DB) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, err := db.goose()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, s := range p.ListSources() {
		latest = max(latest, s.Version)
	}
	return current, latest, nil
}

// micros converts t to the stored representation.
func micros(t time.Time) int64 { return t.UTC().UnixMicro() }

// fromMicros converts a stored time back; zero stays the zero time.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// nullMicros converts an optional stored time.
func nullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// optMicros stores the zero time as NULL.
func optMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: micros(t), Valid: true}
}
