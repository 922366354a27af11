package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrNoOnlineBackup is Backup's answer on PostgreSQL, whose own tools
// (pg_dump, pg_restore) back it up.
var ErrNoOnlineBackup = errors.New("online backup copies SQLite databases; back up PostgreSQL with pg_dump")

// DialectOf tells which database a dsn names, as Open reads it.
func DialectOf(dsn string) Dialect {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// SQLitePath returns the absolute file path of a SQLite dsn: a path,
// optionally prefixed with file: or sqlite:, its query ignored.
func SQLitePath(dsn string) (string, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if path == "" || strings.Contains(path, ":memory:") {
		return "", errors.New("a file path is required (the reader and writer pools share it)")
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return filepath.Abs(path)
}

// Backup writes a consistent copy of the SQLite database to path while it
// stays in use. VACUUM INTO reads in one transaction on a reader
// connection, so writers carry on (WAL) and the copy holds exactly the
// transactions committed when it began: the audit chains end at a head,
// and every state change has its audit entry and queued jobs.
//
// The copy is written beside path, synced, then moved into place, so path
// never holds half a backup. An existing path is an error wrapping
// fs.ErrExist unless replace is set. On PostgreSQL it returns
// ErrNoOnlineBackup.
func (db *DB) Backup(ctx context.Context, path string, replace bool) error {
	if db.Dialect != SQLite {
		return ErrNoOnlineBackup
	}
	dst, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	var src string
	if err := db.R.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&src); err != nil {
		return fmt.Errorf("backup: locate the database: %w", err)
	}
	if sameFile(src, dst) {
		return fmt.Errorf("backup: %s is the database itself", dst)
	}
	if _, err := os.Lstat(dst); err == nil && !replace {
		return fmt.Errorf("backup: %s: %w", dst, fs.ErrExist)
	}
	// VACUUM INTO writes into a file that is missing or empty.
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.partial")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := db.vacuumInto(ctx, tmp.Name()); err != nil {
		return err
	}
	if err := syncPath(tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if replace {
		err = os.Rename(tmp.Name(), dst)
	} else {
		// Link fails if dst appeared meanwhile: never overwrite it.
		err = os.Link(tmp.Name(), dst)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncPath(filepath.Dir(dst))
}

// vacuumInto runs VACUUM INTO on a reader connection, which is query-only
// (the pragma refuses VACUUM INTO even though it writes another file):
// the pragma is lifted for the statement and restored before the
// connection goes back to the pool, or the connection is discarded.
func (db *DB) vacuumInto(ctx context.Context, file string) error {
	c, err := db.R.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if _, rerr := c.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`); rerr != nil {
			c.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if _, err := c.ExecContext(ctx, `VACUUM INTO $1`, file); err != nil {
		return fmt.Errorf("backup: vacuum into %s: %w", file, err)
	}
	return nil
}

// sameFile reports whether a and b name one file (b may not exist yet).
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// syncPath flushes a file or directory to stable storage.
func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
