package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
)

// AppendAudit adds e to its chain inside the transaction. It fills in Seq,
// PrevHash and Hash. Taking the chain head with an upsert locks the head row
// until commit, so concurrent writers to one chain queue up instead of
// forking it.
func (tx *Tx) AppendAudit(ctx context.Context, e audit.Entry) (audit.Entry, error) {
	err := tx.q.QueryRowContext(ctx, `
		INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 1, '')
		ON CONFLICT (chain) DO UPDATE SET seq = audit_heads.seq + 1
		RETURNING seq, hash`, e.Chain).Scan(&e.Seq, &e.PrevHash)
	if err != nil {
		return e, fmt.Errorf("audit head %q: %w", e.Chain, err)
	}
	e.At = fromMicros(micros(e.At)) // the hash covers the stored precision
	e.Hash = audit.Hash(e)
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		auditArgs(e)...); err != nil {
		return e, fmt.Errorf("audit append: %w", err)
	}
	if _, err := tx.q.ExecContext(ctx, `UPDATE audit_heads SET hash = $1 WHERE chain = $2`, e.Hash, e.Chain); err != nil {
		return e, fmt.Errorf("audit head update: %w", err)
	}
	return e, nil
}

// auditCols are audit_log's columns in auditArgs' order.
const auditCols = "chain, seq, at, actor_type, actor_id, action, subject_type, subject_id, detail, prev_hash, hash"

func auditArgs(e audit.Entry) []any {
	return []any{e.Chain, e.Seq, micros(e.At), e.ActorType, e.ActorID, e.Action, e.SubjectType, e.SubjectID, e.Detail, e.PrevHash, e.Hash}
}

// AuditChains lists every chain that has entries.
func (c conn) AuditChains(ctx context.Context) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT chain FROM audit_heads ORDER BY chain`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ScanAudit calls fn for each entry of chain in sequence order, paging
// through the chain so that memory stays flat however long it is.
func (c conn) ScanAudit(ctx context.Context, chain string, fn func(audit.Entry) error) error {
	return c.ScanAuditQuery(ctx, AuditQuery{Chain: chain}, fn)
}

// ScanAuditQuery calls fn for each entry q selects (its Limit and Newest
// ignored) in sequence order, a page at a time.
func (c conn) ScanAuditQuery(ctx context.Context, q AuditQuery, fn func(audit.Entry) error) error {
	const page = 1000
	q.Limit, q.Newest = page, false
	for {
		entries, err := c.AuditEntries(ctx, q)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := fn(e); err != nil {
				return err
			}
			q.AfterSeq = e.Seq
		}
		if len(entries) < page {
			return nil
		}
	}
}

// AuditSpan returns the sequence numbers of a chain's first entry made at
// or after from and its last made before to; 0, 0 when none was. Entries
// are numbered as they commit, a little after their time is taken, so two
// made at almost the same moment may be numbered out of time order: the
// span, a contiguous stretch of the chain, is what a period's export
// holds, so that it verifies on its own.
func (c conn) AuditSpan(ctx context.Context, chain string, from, to time.Time) (first, last int64, err error) {
	err = c.q.QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE chain = $1 AND at >= $2 AND at < $3 ORDER BY at, seq LIMIT 1`,
		chain, micros(from), micros(to)).Scan(&first)
	if isNoRows(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	err = c.q.QueryRowContext(ctx, `SELECT seq FROM audit_log WHERE chain = $1 AND at >= $2 AND at < $3 ORDER BY at DESC, seq DESC LIMIT 1`,
		chain, micros(from), micros(to)).Scan(&last)
	return first, max(first, last), err
}

// AuditHead returns the chain's recorded head (0, "" for an empty chain).
func (c conn) AuditHead(ctx context.Context, chain string) (seq int64, hash string, err error) {
	err = c.q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_heads WHERE chain = $1`, chain).Scan(&seq, &hash)
	if isNoRows(err) {
		return 0, "", nil
	}
	return seq, hash, err
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	Chain string
	// SubjectType and SubjectID, when set, select one subject's trail.
	SubjectType, SubjectID string
	AfterSeq               int64
	// Through, when set, is the last sequence number selected.
	Through int64
	Limit   int
	// Newest orders newest first (for display); otherwise oldest first.
	Newest bool
}

// AuditEntries returns entries matching q.
func (c conn) AuditEntries(ctx context.Context, q AuditQuery) ([]audit.Entry, error) {
	sqlText := `SELECT ` + auditCols + ` FROM audit_log WHERE chain = $1 AND seq > $2`
	args := []any{q.Chain, q.AfterSeq}
	if q.SubjectType != "" {
		args = append(args, q.SubjectType, q.SubjectID)
		sqlText += fmt.Sprintf(` AND subject_type = $%d AND subject_id = $%d`, len(args)-1, len(args))
	}
	if q.Through > 0 {
		args = append(args, q.Through)
		sqlText += fmt.Sprintf(` AND seq <= $%d`, len(args))
	}
	if q.Newest {
		sqlText += ` ORDER BY seq DESC`
	} else {
		sqlText += ` ORDER BY seq`
	}
	sqlText += fmt.Sprintf(` LIMIT %d`, clampLimit(q.Limit, 1000))
	rows, err := c.q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("audit entries: %w", err)
	}
	return scanAudit(rows)
}

// scanAudit reads entries selected as auditCols.
func scanAudit(rows *sql.Rows) ([]audit.Entry, error) {
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Chain, &e.Seq, &at, &e.ActorType, &e.ActorID, &e.Action, &e.SubjectType, &e.SubjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func clampLimit(n, maxN int) int {
	if n <= 0 || n > maxN {
		return maxN
	}
	return n
}

// Audit appends an entry for a change made in this transaction; detail is
// marshalled to JSON.
func (tx *Tx) Audit(ctx context.Context, chain string, actor audit.Actor, action, subjectType, subjectID string, detail any, at time.Time) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	_, err = tx.AppendAudit(ctx, audit.Entry{Chain: chain, At: at, ActorType: actor.Type, ActorID: actor.ID,
		Action: action, SubjectType: subjectType, SubjectID: subjectID, Detail: string(b)})
	return err
}

// VerifyAuditChain checks one chain from its first entry to its recorded
// head. It returns the number of entries verified and, for a broken chain, an
// *audit.Break naming the first bad entry. A chain whose last entries were
// deleted is caught by comparing with the head row.
func (c conn) VerifyAuditChain(ctx context.Context, chain string) (int64, error) {
	v := audit.NewVerifier(chain)
	if err := c.ScanAudit(ctx, chain, v.Next); err != nil {
		return v.Count, err
	}
	headSeq, headHash, err := c.AuditHead(ctx, chain)
	if err != nil {
		return v.Count, err
	}
	if seq, hash := v.Head(); seq != headSeq || hash != headHash {
		return v.Count, &audit.Break{Chain: chain, Seq: seq + 1,
			Reason: fmt.Sprintf("chain ends at entry %d but its head records entry %d (entries removed)", seq, headSeq)}
	}
	return v.Count, nil
}
