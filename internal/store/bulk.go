package store

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"github.com/vigil-ts/vigil/internal/audit"
)

// Bulk writes load large volumes — the benchmark's data generator — with
// multi-row INSERTs inside one transaction. They take rows the services'
// own code derived and store them exactly as the single-row writers do
// (the same columns and arguments, the same audit hashing), only in far
// fewer statements.

// maxBulkParams bounds one statement's parameters, under SQLite's limit
// (32,766) and PostgreSQL's (65,535).
const maxBulkParams = 32000

// BulkTx is a transaction for bulk writes.
type BulkTx struct {
	*Tx
	dialect Dialect
}

// Bulk runs fn in one writer transaction for bulk writes and commits it if
// fn returns nil.
func (db *DB) Bulk(ctx context.Context, fn func(*BulkTx) error) error {
	return db.InTx(ctx, func(tx *Tx) error { return fn(&BulkTx{Tx: tx, dialect: db.Dialect}) })
}

// insertMany runs head VALUES (…), (…) tail over rows, all of one width,
// in as few statements as the parameter limit allows. Statements hold a
// full chunk or a power of two of rows, so that only a handful of distinct
// statements reach the SQLite writer's statement cache however many rows
// come. SQLite gets anonymous ? parameters: it looks each $N up by name
// in a list, which for thousands of them costs more than the insert.
func (tx *BulkTx) insertMany(ctx context.Context, head, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, maxBulkParams/width)
	for len(rows) > 0 {
		n := per
		if len(rows) < per {
			n = 1 << (bits.Len(uint(len(rows))) - 1)
		}
		var b strings.Builder
		args := make([]any, 0, n*width)
		b.WriteString(head)
		b.WriteString(" VALUES ")
		for i, r := range rows[:n] {
			if len(r) != width {
				return fmt.Errorf("bulk insert: row %d has %d values, want %d", i, len(r), width)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				if tx.dialect == SQLite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+j+1)
				}
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		b.WriteString(tail)
		if _, err := tx.q.ExecContext(ctx, b.String(), args...); err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("%s: %w", head, ErrConflict)
			}
			return fmt.Errorf("%s: %w", head, err)
		}
		rows = rows[n:]
	}
	return nil
}

// PutCases inserts new cases and updates those already stored, in bulk:
// each row ends as CreateCase followed by UpdateCase would leave it. A
// case may appear once per call.
func (tx *BulkTx) PutCases(ctx context.Context, cs []Case) error {
	rows := make([][]any, len(cs))
	for i, c := range cs {
		rows[i] = c.caseArgs()
	}
	var set []string
	for _, col := range strings.Split(caseCols, ",") {
		col = strings.TrimSpace(col)
		switch col {
		case "id", "marketplace_id", "target_type", "target_id", "created_at":
			continue // never change
		}
		set = append(set, col+" = excluded."+col)
	}
	return tx.insertMany(ctx, "INSERT INTO cases ("+caseCols+")", " ON CONFLICT (id) DO UPDATE SET "+strings.Join(set, ", "), rows)
}

// InsertReports stores new reports in bulk, as CreateReport does one by
// one.
func (tx *BulkTx) InsertReports(ctx context.Context, rs []Report) error {
	rows := make([][]any, len(rs))
	for i, r := range rs {
		rows[i] = r.args()
	}
	return tx.insertMany(ctx, "INSERT INTO reports ("+reportInsertCols+")", "", rows)
}

// AddCaseEvents appends case history steps in bulk, as AddCaseEvent does
// one by one.
func (tx *BulkTx) AddCaseEvents(ctx context.Context, es []CaseEvent) error {
	rows := make([][]any, len(es))
	for i, e := range es {
		rows[i] = e.args()
	}
	return tx.insertMany(ctx, "INSERT INTO case_events ("+caseEventCols+")", "", rows)
}

// CreateAlerts stores alerts in bulk, as CreateAlert does one by one.
func (tx *BulkTx) CreateAlerts(ctx context.Context, as []Alert) error {
	rows := make([][]any, len(as))
	for i, a := range as {
		rows[i] = a.args()
	}
	return tx.insertMany(ctx, "INSERT INTO alerts ("+alertInsertCols+")", "", rows)
}

// AppendAudits adds entries, all of one chain, to the end of that chain
// in order, filling in Seq, PrevHash and Hash exactly as AppendAudit one
// after the other would, and moves the chain's head once. Like
// AppendAudit it locks the head row until commit.
func (tx *BulkTx) AppendAudits(ctx context.Context, entries []audit.Entry) ([]audit.Entry, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	chain := entries[0].Chain
	var last int64
	var prev string
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, $2, '')
		ON CONFLICT (chain) DO UPDATE SET seq = audit_heads.seq + $2
		RETURNING seq, hash`, chain, int64(len(entries))).Scan(&last, &prev)
	if err != nil {
		return nil, fmt.Errorf("audit head %q: %w", chain, err)
	}
	out := make([]audit.Entry, len(entries))
	rows := make([][]any, len(entries))
	for i, e := range entries {
		if e.Chain != chain {
			return nil, fmt.Errorf("audit entries of chains %q and %q in one bulk append", chain, e.Chain)
		}
		e.Seq, e.PrevHash = last-int64(len(entries))+int64(i)+1, prev
		e.At = fromMicros(micros(e.At)) // the hash covers the stored precision
		e.Hash = audit.Hash(e)
		prev = e.Hash
		out[i], rows[i] = e, auditArgs(e)
	}
	if err := tx.insertMany(ctx, "INSERT INTO audit_log ("+auditCols+")", "", rows); err != nil {
		return nil, err
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE audit_heads SET hash = $1 WHERE chain = $2`, prev, chain); err != nil {
		return nil, fmt.Errorf("audit head update: %w", err)
	}
	return out, nil
}

// ErrNotEmpty is a bulk load refused because the marketplace already
// holds data the load assumes absent.
var ErrNotEmpty = errors.New("marketplace not empty")

// HasCases reports whether a marketplace has any case or report.
func (c conn) HasCases(ctx context.Context, marketplaceID string) (bool, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM cases WHERE marketplace_id = $1 LIMIT 1) a)
		+ (SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE marketplace_id = $1 LIMIT 1) b)`, marketplaceID).Scan(&n)
	return n > 0, err
}

// Analyze refreshes the query planner's statistics, as PostgreSQL's
// autovacuum does by itself after a large load and a SQLite operator
// would (PRAGMA optimize): without them a table that grew by a million
// rows in minutes can be read with a plan chosen for an empty one.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.W.ExecContext(ctx, "ANALYZE")
	return err
}
