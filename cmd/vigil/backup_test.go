package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
)

// TestBackupWhileWriting backs up a SQLite database while another
// connection keeps ingesting, then opens the copy as a fresh database: its
// schema is current, its audit chains verify, it holds at least what was
// committed before the backup began, and it is one consistent moment —
// every stored event is accounted for by its batch's audit entry.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	live, copyPath := filepath.Join(dir, "live.db"), filepath.Join(dir, "backup.db")
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DB: live}, obs.NewLogger(io.Discard, slog.LevelError))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	mp, err := a.Tenants.CreateMarketplace(ctx, cliActor(), "Backup Co")
	if err != nil {
		t.Fatal(err)
	}
	mpID := mp.Marketplace.ID
	var batches atomic.Int64
	ingest := func() {
		n := batches.Add(1)
		evs := make([]event.Envelope, 50)
		for i := range evs {
			id := fmt.Sprintf("b%04d-%02d", n, i)
			evs[i] = event.Envelope{ID: id, Type: "account.upserted", OccurredAt: time.Now(),
				Data: json.RawMessage(fmt.Sprintf(`{"account_id":"acc-%s","kind":"private"}`, id))}
		}
		if _, err := a.Ingest.Ingest(ctx, mpID, audit.Actor{Type: audit.ActorAPIKey, ID: "test"}, evs, true); err != nil {
			t.Error(err)
		}
	}
	for range 40 {
		ingest()
	}

	// The writer keeps committing batches during the backup.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				ingest()
			}
		}
	})
	time.Sleep(50 * time.Millisecond)
	before := countEvents(t, a.DB, mpID)
	out, stderr, err := vigil(t, "", "backup", "--db", live, copyPath)
	after := countEvents(t, a.DB, mpID)
	close(stop)
	wg.Wait()
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("vigil backup: %v\n%s%s", err, out, stderr)
	}
	if after == before {
		t.Fatal("nothing was written during the backup; the test proves nothing")
	}

	// An existing file is kept unless --force.
	if _, _, err := vigil(t, "", "backup", "--db", live, copyPath); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a second backup to the same file: %v", err)
	}
	if _, _, err := vigil(t, "", "backup", "--db", live, live, "--force"); err == nil || !strings.Contains(err.Error(), "the database itself") {
		t.Fatalf("a backup onto the database itself: %v", err)
	}

	db, err := store.Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if cur, latest, err := db.MigrationStatus(ctx); err != nil || cur != latest {
		t.Fatalf("backup schema at %d, want %d (%v)", cur, latest, err)
	}
	got := countEvents(t, db, mpID)
	if got < before || got > after {
		t.Fatalf("backup holds %d events; %d were committed before it began, %d when it ended", got, before, after)
	}
	var audited int
	if err := db.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(CAST(json_extract(detail, '$.accepted') AS INTEGER)), 0) FROM audit_log
		WHERE chain = $1 AND action = 'events.ingested'`, mpID).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	var accounts int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts WHERE marketplace_id = $1`, mpID).Scan(&accounts); err != nil {
		t.Fatal(err)
	}
	if audited != got || accounts != got {
		t.Fatalf("backup holds %d events, %d accounts and audit entries for %d: not one moment", got, accounts, audited)
	}
	db.Close()
	if out, _, err := vigil(t, "", "audit", "verify", "--db", copyPath); err != nil || !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit verify on the backup: %v\n%s", err, out)
	}
	t.Logf("backup holds %d events: %d committed before it began, %d when it ended", got, before, after)

	// --force replaces the file with a newer copy.
	if _, _, err := vigil(t, "", "backup", "--force", copyPath, "--db", live); err != nil {
		t.Fatalf("backup --force: %v", err)
	}
	if db, err = store.Open(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countEvents(t, db, mpID); n < after {
		t.Fatalf("replaced backup holds %d events, want at least %d", n, after)
	}
}

// TestBackupRefusals: PostgreSQL is pointed to pg_dump and a missing
// SQLite file is not created, both with a non-zero exit.
func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.db")
	_, stderr, err := vigil(t, "", "backup", "--db", "postgres://vigil@localhost/vigil", out)
	if err == nil || exitCode(err) == 0 || !strings.Contains(stderr, "pg_dump") || !strings.Contains(stderr, "pg_restore") {
		t.Fatalf("backup of PostgreSQL: %v\n%s", err, stderr)
	}
	missing := filepath.Join(dir, "missing.db")
	if _, _, err := vigil(t, "", "backup", "--db", missing, out); err == nil {
		t.Fatal("backup of a missing database succeeded")
	}
	for _, p := range []string{out, missing} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s was created", p)
		}
	}
	if _, _, err := vigil(t, "", "backup", "--db", missing); exitCode(err) != 2 {
		t.Fatalf("backup without FILE: %v", err)
	}
}

func countEvents(t *testing.T, db *store.DB, mpID string) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM events WHERE marketplace_id = $1`, mpID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
