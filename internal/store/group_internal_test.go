package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestGroupCommit: concurrent writers on SQLite share transactions, yet
// each keeps its own outcome: a failing one rolls back only its own rows,
// a panicking one panics in its own goroutine, one whose context is done
// writes nothing, and the others' rows are all durable after they return.
func TestGroupCommit(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTemp(t)
	if err := db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	const writers = 200
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		ok       = map[string]bool{}
		afters   = map[string]int{}
		panicked = map[string]bool{}
	)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := fmt.Sprint("k", i)
			wctx := ctx
			if i%10 == 3 {
				wctx = cancelled
			}
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					panicked[k] = p == "boom "+k
					mu.Unlock()
				}
			}()
			err := db.InTx(wctx, func(tx *Tx) error {
				tx.AfterCommit(func() {
					mu.Lock()
					afters[k]++
					mu.Unlock()
				})
				// Two rows, so that a half-kept use case would show.
				for _, s := range []string{"a", "b"} {
					if _, err := tx.q.ExecContext(wctx, `INSERT INTO t (k) VALUES ($1)`, k+s); err != nil {
						return err
					}
				}
				switch i % 10 {
				case 1:
					return errors.New("refused")
				case 2:
					panic("boom " + k)
				case 4:
					// A constraint error the use case returns.
					_, err := tx.q.ExecContext(wctx, `INSERT INTO t (k) VALUES ($1)`, k+"a")
					return err
				}
				return nil
			})
			mu.Lock()
			ok[k] = err == nil
			mu.Unlock()
		}()
	}
	wg.Wait()
	rows := map[string]bool{}
	r, err := db.R.QueryContext(ctx, `SELECT k FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var k string
		r.Scan(&k)
		rows[k] = true
	}
	r.Close()
	for i := range writers {
		k := fmt.Sprint("k", i)
		want := i%10 != 1 && i%10 != 2 && i%10 != 3 && i%10 != 4
		if ok[k] != want && i%10 != 2 {
			t.Errorf("%s: succeeded %v, want %v", k, ok[k], want)
		}
		if i%10 == 2 && !panicked[k] {
			t.Errorf("%s: its panic did not reach its own caller", k)
		}
		if rows[k+"a"] != want || rows[k+"b"] != want {
			t.Errorf("%s: rows a=%v b=%v stored, want %v", k, rows[k+"a"], rows[k+"b"], want)
		}
		if wantAfter := map[bool]int{true: 1}[want]; afters[k] != wantAfter {
			t.Errorf("%s: after-commit ran %d times, want %d", k, afters[k], wantAfter)
		}
	}
	// The writer is free again.
	if err := db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO t (k) VALUES ('last')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkGroupCommit measures small fsynced write transactions from
// parallel writers, beside the same transactions issued one at a time.
func BenchmarkGroupCommit(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "g.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `CREATE TABLE t (k INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)`)
		return err
	})
	write := func(tx *Tx) error {
		_, err := tx.q.ExecContext(ctx, `INSERT INTO t (v) VALUES ('x')`)
		return err
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if err := db.InTx(ctx, write); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel-8", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := db.InTx(ctx, write); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// openSQLiteTemp opens a new SQLite database in a temporary directory,
// closed when the test ends.
func openSQLiteTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
