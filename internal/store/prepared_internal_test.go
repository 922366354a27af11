package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestPreparedStatements: on SQLite a transaction's query runs unprepared
// the first time and is prepared after it; later transactions run it
// prepared with the same results; the cache stops at maxPrepared.
func TestPreparedStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const insert = `INSERT INTO t (k, v) VALUES ($1, $2)`
	for i := range 3 {
		if err := db.InTx(ctx, func(tx *Tx) error {
			_, err := tx.q.ExecContext(ctx, insert, fmt.Sprint("k", i), i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if db.prepared.get(insert) == nil {
			t.Fatalf("after transaction %d the insert is not prepared", i)
		}
	}
	var n, sum int
	if err := db.InTx(ctx, func(tx *Tx) error {
		return tx.q.QueryRowContext(ctx, `SELECT COUNT(*), SUM(v) FROM t`).Scan(&n, &sum)
	}); err != nil || n != 3 || sum != 3 {
		t.Fatalf("count %d, sum %d, %v; want 3 rows summing to 3", n, sum, err)
	}
	// A failed transaction changes nothing, prepared or not.
	if err := db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, insert, "k9", 9); err != nil {
			return err
		}
		return fmt.Errorf("abandon")
	}); err == nil {
		t.Fatal("the failing transaction succeeded")
	}
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after a rolled-back insert: %d rows, %v", n, err)
	}
	for i := range maxPrepared + 10 {
		db.prepared.prepare(ctx, []string{fmt.Sprintf("SELECT %d", i)})
	}
	if got := len(db.prepared.byQuery); got != maxPrepared {
		t.Fatalf("%d statements cached, want at most %d", got, maxPrepared)
	}
}
