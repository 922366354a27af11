package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// cached reports how many statements the connection behind c caches, and
// whether query is one of them.
func cached(t *testing.T, c *sql.Conn, query string) (n int, has bool) {
	t.Helper()
	if err := c.Raw(func(dc any) error {
		cc := dc.(*cachingConn)
		n, has = len(cc.byQuery), cc.byQuery[query] != nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n, has
}

// TestStatementCache: on SQLite a query is prepared once per connection
// and then reused with new arguments, in and out of transactions; the
// same query read twice at once still gives both results; a statement
// outlives a change of its table; a rolled-back write stays rolled back;
// the cache stops at maxCached.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteTemp(t)
	c, err := db.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { c.Close() }()
	if _, err := c.ExecContext(ctx, `CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	const insert = `INSERT INTO t (k, v) VALUES ($1, $2)`
	for i := range 3 {
		if _, err := c.ExecContext(ctx, insert, fmt.Sprint("k", i), i); err != nil {
			t.Fatal(err)
		}
		if _, has := cached(t, c, insert); !has {
			t.Fatalf("after insert %d the statement is not cached", i)
		}
	}
	if _, err := c.ExecContext(ctx, insert, "k0", 9); err == nil {
		t.Fatal("a duplicate key was inserted through the cached statement")
	}

	// Two reads of one query at once: the second cannot use the busy
	// statement and runs unprepared, with its own arguments.
	const byV = `SELECT k FROM t WHERE v >= $1 ORDER BY k`
	outer, err := c.QueryContext(ctx, byV, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var k string
		if err := outer.Scan(&k); err != nil {
			t.Fatal(err)
		}
		var inner []string
		rows, err := c.QueryContext(ctx, byV, 2)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k2 string
			rows.Scan(&k2)
			inner = append(inner, k2)
		}
		rows.Close()
		if fmt.Sprint(inner) != "[k2]" {
			t.Fatalf("inner read of the busy query: %v, want [k2]", inner)
		}
		got = append(got, k)
	}
	outer.Close()
	if fmt.Sprint(got) != "[k1 k2]" {
		t.Fatalf("outer read: %v, want [k1 k2]", got)
	}

	// The statement follows a change to its table.
	const all = `SELECT * FROM t ORDER BY k LIMIT 1`
	cols := func() int {
		rows, err := c.QueryContext(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		names, _ := rows.Columns()
		return len(names)
	}
	if n := cols(); n != 2 {
		t.Fatalf("%d columns, want 2", n)
	}
	if _, err := c.ExecContext(ctx, `ALTER TABLE t ADD COLUMN w TEXT`); err != nil {
		t.Fatal(err)
	}
	if n := cols(); n != 3 {
		t.Fatalf("after ALTER TABLE the cached statement gives %d columns, want 3", n)
	}

	// A failed group transaction changes nothing, through cached
	// statements or not. (The writer has one connection: c lets it go.)
	c.Close()
	for range 2 {
		if err := db.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.q.ExecContext(ctx, insert, "k9", 9); err != nil {
				return err
			}
			return fmt.Errorf("abandon")
		}); err == nil {
			t.Fatal("the failing transaction succeeded")
		}
	}
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("after rolled-back inserts: %d rows, %v", n, err)
	}

	if c, err = db.W.Conn(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range maxCached + 10 {
		var v int
		if err := c.QueryRowContext(ctx, fmt.Sprintf("SELECT %d", i)).Scan(&v); err != nil || v != i {
			t.Fatalf("SELECT %d: %d, %v", i, v, err)
		}
	}
	if n, has := cached(t, c, "SELECT 0"); n != maxCached || has {
		t.Fatalf("%d statements cached (the oldest among them: %v), want %d without the oldest", n, has, maxCached)
	}
}
