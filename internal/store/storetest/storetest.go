// Package storetest gives tests a real, migrated database of each dialect:
// SQLite in a temp file always, and PostgreSQL whenever a server can be had —
// VIGIL_TEST_PG (a URL of a server whose user may create databases) or a
// throwaway PostgreSQL 15 cluster started from the machine's binaries as the
// postgres user. With VIGIL_REQUIRE_PG=1 (CI) a missing PostgreSQL fails the
// test instead of skipping it.
//
// A package whose tests use PostgreSQL stops the cluster at exit by calling
// Main from its TestMain.
package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
)

// Main runs the package's tests and then stops the PostgreSQL cluster if
// one was started.
func Main(m interface{ Run() int }) {
	code := m.Run()
	cluster.stop()
	os.Exit(code)
}

// Each runs fn as a subtest per dialect, each with a fresh migrated database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated database of dialect d, closed when the test
// ends. For PostgreSQL it skips (or fails under VIGIL_REQUIRE_PG) when no
// server can be had.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if d == store.SQLite {
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// DSN returns the address of a fresh database of dialect d: a temp file for
// SQLite (not migrated), a new database cloned from a migrated template for
// PostgreSQL.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "vigil.db")
	}
	admin, err := cluster.adminURL()
	if err != nil {
		if os.Getenv("VIGIL_REQUIRE_PG") == "1" {
			t.Fatalf("PostgreSQL required (VIGIL_REQUIRE_PG=1) but unavailable: %v", err)
		}
		t.Skipf("SKIPPED: PostgreSQL unavailable (%v); set VIGIL_TEST_PG or install postgresql-15", err)
	}
	dsn, err := cluster.newDatabase(admin)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	return dsn
}

// cluster is the one PostgreSQL server of this test process.
var cluster pgCluster

type pgCluster struct {
	once     sync.Once
	url      string
	err      error
	dir      string
	cmd      *exec.Cmd
	tmplOnce sync.Once
	tmplErr  error
	n        atomic.Int64
}

func (c *pgCluster) adminURL() (string, error) {
	c.once.Do(func() {
		if u := os.Getenv("VIGIL_TEST_PG"); u != "" {
			c.url = u
			return
		}
		c.url, c.err = c.start()
	})
	return c.url, c.err
}

// start runs initdb and postgres as the postgres user in a temp dir,
// listening only on a unix socket there, with durability off for speed.
func (c *pgCluster) start() (string, error) {
	bin, err := pgBinDir()
	if err != nil {
		return "", err
	}
	cred, uid, gid, err := postgresCredential()
	if err != nil {
		return "", err
	}
	c.dir, err = os.MkdirTemp("", "vigil-pg-")
	if err != nil {
		return "", err
	}
	data := filepath.Join(c.dir, "data")
	if err := os.Chmod(c.dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Mkdir(data, 0o700); err != nil {
		return "", err
	}
	if err := os.Chown(data, uid, gid); err != nil {
		return "", err
	}
	if err := os.Chown(c.dir, uid, gid); err != nil {
		return "", err
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return "", fmt.Errorf("initdb: %v: %s", err, out)
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-k", c.dir, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300")
	// Pdeathsig stops the server (immediate shutdown) if this test process
	// dies without running Main's cleanup.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	logf, err := os.Create(filepath.Join(c.dir, "server.log"))
	if err != nil {
		return "", err
	}
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		return "", fmt.Errorf("start postgres: %w", err)
	}
	u := "postgres://postgres@/postgres?sslmode=disable&host=" + url.QueryEscape(c.dir)
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", u)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return u, nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
			return "", fmt.Errorf("postgres did not start: %v: %s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *pgCluster) stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGQUIT)
		c.cmd.Wait()
	}
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

// newDatabase creates a database from the migrated template.
func (c *pgCluster) newDatabase(admin string) (string, error) {
	ctx := context.Background()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return "", err
	}
	defer db.Close()
	tmpl := fmt.Sprintf("vigil_tmpl_%d", os.Getpid())
	c.tmplOnce.Do(func() { c.tmplErr = makeTemplate(ctx, db, admin, tmpl) })
	if c.tmplErr != nil {
		return "", c.tmplErr
	}
	name := fmt.Sprintf("vigil_t%d_%d", os.Getpid(), c.n.Add(1))
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+tmpl); err != nil {
		return "", err
	}
	return withDatabase(admin, name)
}

func makeTemplate(ctx context.Context, db *sql.DB, admin, name string) error {
	db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name)
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return err
	}
	dsn, err := withDatabase(admin, name)
	if err != nil {
		return err
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Migrate(ctx)
}

func withDatabase(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// pgBinDir finds PostgreSQL's server binaries, preferring version 15.
func pgBinDir() (string, error) {
	for _, dir := range []string{"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"} {
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("no PostgreSQL server binaries (postgresql-15 not installed)")
}

// postgresCredential returns who runs the server: the postgres user when we
// are root (PostgreSQL refuses to run as root), ourselves otherwise.
func postgresCredential() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, os.Getuid(), os.Getgid(), nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("running as root and no postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid, gid, nil
}
