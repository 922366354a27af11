package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
)

// The reads behind the console's item pages: an item's audit trail, and
// the listings, cases and appeals of an account that its page links to.
// Each is a range of an index, so a page costs what it shows however
// large the marketplace grows.

// AuditSubject is one subject of an audit trail: the entries about
// Type ID, or, with Key set, only those whose JSON detail holds Key set to
// the string Value — such as the entries about an account that name one
// appeal ("appeal_id").
type AuditSubject struct {
	Type, ID   string
	Key, Value string
}

// AuditTrailQuery selects the entries of one chain about any of
// Subjects, newest first.
type AuditTrailQuery struct {
	Chain    string
	Subjects []AuditSubject
	// Before, when set, selects only entries numbered below it: the next
	// page of a trail.
	Before int64
	// Limit is at most 1000; 0 means 1000.
	Limit int
}

// AuditTrail returns the newest entries q selects, newest first. Each
// subject is read as its own range of the audit_log_subject index (chain,
// subject_type, subject_id, seq) from its newest entry down, and the
// ranges are merged, so the query reads the entries it returns (and, for
// a subject with a Key, the subject's entries it passes over) whatever
// the chain's length.
//
// A Key is matched on the stored text: replace() removing "key":value
// changes the detail exactly when the detail holds them, on SQLite and
// PostgreSQL alike and case-sensitively (LIKE is not, on SQLite). Tx.Audit
// writes compact JSON, in which a quote inside a string is escaped, so the
// text cannot match inside a string value; it does match a key of a
// nested object, which names the value too.
func (c conn) AuditTrail(ctx context.Context, q AuditTrailQuery) ([]audit.Entry, error) {
	if len(q.Subjects) == 0 {
		return nil, nil
	}
	limit := clampLimit(q.Limit, 1000)
	args := []any{q.Chain}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	before := ""
	if q.Before > 0 {
		before = " AND seq < " + arg(q.Before)
	}
	parts := make([]string, len(q.Subjects))
	for i, s := range q.Subjects {
		where := "chain = $1 AND subject_type = " + arg(s.Type) + " AND subject_id = " + arg(s.ID) + before
		if s.Key != "" {
			where += " AND replace(detail, " + arg(detailNeedle(s.Key, s.Value)) + ", '') <> detail"
		}
		parts[i] = fmt.Sprintf("SELECT * FROM (SELECT %s FROM audit_log WHERE %s ORDER BY seq DESC LIMIT %d) AS s%d", auditCols, where, limit, i)
	}
	// UNION, not UNION ALL: two subjects with the same type and id but
	// different keys may select the same entry.
	rows, err := c.q.QueryContext(ctx, strings.Join(parts, " UNION ")+fmt.Sprintf(" ORDER BY seq DESC LIMIT %d", limit), args...)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	return scanAudit(rows)
}

// detailNeedle is key: value as Tx.Audit writes them into a detail
// (encoding/json, no spaces, escaping as it does).
func detailNeedle(key, value string) string {
	k, _ := json.Marshal(key) // a string always marshals
	v, _ := json.Marshal(value)
	return string(k) + ":" + string(v)
}

// AccountListing is a listing as its account's page lists it.
type AccountListing struct {
	ID, Title, Status string
	UpdatedAt         time.Time
}

// AccountListings returns an account's listings, the most recently
// updated first (index listings_account, which ends in updated_at).
func (c conn) AccountListings(ctx context.Context, marketplaceID, accountID string, limit int) ([]AccountListing, error) {
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT id, title, status, updated_at FROM listings WHERE marketplace_id = $1 AND account_id = $2
		ORDER BY updated_at DESC, id DESC LIMIT %d`, clampLimit(limit, 500)), marketplaceID, accountID)
	return collect(rows, err, func(rows *sql.Rows) (AccountListing, error) {
		var l AccountListing
		var updated int64
		err := rows.Scan(&l.ID, &l.Title, &l.Status, &updated)
		l.UpdatedAt = fromMicros(updated)
		return l, err
	})
}

// AccountCases returns an account's open cases, or its closed ones, newest
// first (index cases_account).
func (c conn) AccountCases(ctx context.Context, marketplaceID, accountID string, open bool, limit int) ([]Case, error) {
	status := "status IN ('resolved', 'dismissed')"
	if open {
		status = openCases
	}
	return c.accountCases(ctx, status, limit, marketplaceID, accountID)
}

// TargetCases returns the cases, open and closed, on one target of
// accountID's, newest first. It reads the account's cases (index
// cases_account) rather than all cases, since no index covers a target's
// closed cases; a case filed before the marketplace named the target's
// account carries none and is not found.
func (c conn) TargetCases(ctx context.Context, marketplaceID, accountID, targetType, targetID string, limit int) ([]Case, error) {
	return c.accountCases(ctx, "target_type = $3 AND target_id = $4", limit, marketplaceID, accountID, targetType, targetID)
}

// accountCases returns the cases of account args[1] in marketplace
// args[0] that meet cond, newest first. The order has no tie-break on id,
// which cases_account does not hold: with one, SQLite walks the whole
// open queue's age index (cases_queue_age, which does) for the open ones.
func (c conn) accountCases(ctx context.Context, cond string, limit int, args ...any) ([]Case, error) {
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM cases WHERE marketplace_id = $1 AND account_id = $2 AND %s
		ORDER BY created_at DESC LIMIT %d`, caseCols, cond, clampLimit(limit, 500)), args...)
	return collect(rows, err, scanCase)
}

// DecisionAppeals returns the appeals, open and decided, against one
// decision of accountID's (subjectType case, decision, tier or sanction),
// newest first. An appeal is always its account's, so the account's
// appeals (index appeals_account) hold them all.
func (c conn) DecisionAppeals(ctx context.Context, marketplaceID, accountID, subjectType, subjectID string, limit int) ([]Appeal, error) {
	return c.appeals(ctx, fmt.Sprintf(`marketplace_id = $1 AND account_id = $2 AND subject_type = $3 AND subject_id = $4
		ORDER BY created_at DESC, id DESC LIMIT %d`, clampLimit(limit, 500)), marketplaceID, accountID, subjectType, subjectID)
}
