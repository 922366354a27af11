package store_test

import (
	"context"
	"testing"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// TestConcurrentMigrate starts several processes' worth of Vigil at once
// on an empty PostgreSQL database, as a fresh deployment (or a rolling
// one with a new migration) does: each migrates on start, and every one
// must succeed with the schema current.
func TestConcurrentMigrate(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	ctx := context.Background()
	empty, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	if _, err := empty.W.ExecContext(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	const processes = 4
	dbs := make([]*store.DB, processes)
	for i := range dbs {
		if dbs[i], err = store.Open(ctx, dsn); err != nil {
			t.Fatal(err)
		}
		defer dbs[i].Close()
	}
	errs := make([]error, processes)
	start := make(chan struct{})
	done := make(chan int)
	for i, db := range dbs {
		go func() {
			<-start
			errs[i] = db.Migrate(ctx)
			done <- i
		}()
	}
	close(start)
	for range dbs {
		<-done
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i+1, err)
		}
	}
	cur, latest, err := dbs[0].MigrationStatus(ctx)
	if err != nil || cur != latest {
		t.Fatalf("schema at %d, want %d (%v)", cur, latest, err)
	}
}
