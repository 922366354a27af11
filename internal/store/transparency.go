package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Tally is one group of a count: its keys and how many.
type Tally struct {
	Keys  []string
	Count int
}

// tallies runs a GROUP BY query whose last column is the count.
func (c conn) tallies(ctx context.Context, keys int, q string, args ...any) ([]Tally, error) {
	rows, err := c.q.QueryContext(ctx, q, args...)
	return collect(rows, err, func(rows *sql.Rows) (Tally, error) {
		t := Tally{Keys: make([]string, keys)}
		dst := make([]any, keys+1)
		for i := range t.Keys {
			dst[i] = &t.Keys[i]
		}
		dst[keys] = &t.Count
		err := rows.Scan(dst...)
		return t, err
	})
}

// ReportTallies counts a marketplace's reports filed in [from, to) by
// reason group, reporter type and whether they were DSA notices, ordered
// by those keys. It counts all reports from the index reports_tally
// alone, which is in the order of the groups, and the few notices from
// the partial index reports_notices, and subtracts: grouping the rows by
// the notice column instead would read and sort every report of the
// period (a year of 140,000 took seven times as long).
func (c conn) ReportTallies(ctx context.Context, marketplaceID string, from, to time.Time) ([]Tally, error) {
	const q = `SELECT reason_group, reporter_type, COUNT(*) FROM reports WHERE marketplace_id = $1 AND created_at >= $2 AND created_at < $3%s
		GROUP BY 1, 2 ORDER BY 1, 2`
	all, err := c.tallies(ctx, 2, fmt.Sprintf(q, ""), marketplaceID, micros(from), micros(to))
	if err != nil {
		return nil, err
	}
	notices, err := c.tallies(ctx, 2, fmt.Sprintf(q, " AND notice <> ''"), marketplaceID, micros(from), micros(to))
	if err != nil {
		return nil, err
	}
	noticed := make(map[[2]string]int, len(notices))
	for _, t := range notices {
		noticed[[2]string{t.Keys[0], t.Keys[1]}] = t.Count
	}
	var out []Tally
	for _, t := range all {
		n := noticed[[2]string{t.Keys[0], t.Keys[1]}]
		if n > 0 {
			out = append(out, Tally{Keys: []string{t.Keys[0], t.Keys[1], "notice"}, Count: n})
		}
		if t.Count > n {
			out = append(out, Tally{Keys: []string{t.Keys[0], t.Keys[1], "report"}, Count: t.Count - n})
		}
	}
	return out, nil
}

// CaseTallies counts the cases closed in [from, to) by outcome and source.
func (c conn) CaseTallies(ctx context.Context, marketplaceID string, from, to time.Time) ([]Tally, error) {
	return c.tallies(ctx, 2, `SELECT outcome, source, COUNT(*) FROM cases WHERE marketplace_id = $1 AND resolved_at >= $2 AND resolved_at < $3
		GROUP BY 1, 2 ORDER BY 1, 2`, marketplaceID, micros(from), micros(to))
}

// CaseHandlingTimes returns how long each case closed in [from, to) took
// from opening to its decision.
func (c conn) CaseHandlingTimes(ctx context.Context, marketplaceID string, from, to time.Time) ([]time.Duration, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT resolved_at - created_at FROM cases WHERE marketplace_id = $1 AND resolved_at >= $2 AND resolved_at < $3`,
		marketplaceID, micros(from), micros(to))
	return collect(rows, err, func(rows *sql.Rows) (time.Duration, error) {
		var us int64
		err := rows.Scan(&us)
		return time.Duration(us) * time.Microsecond, err
	})
}

// EnforcementTallies counts the enforcement steps taken in [from, to) by
// what they did (tier:TO for a tier move, sanction:KIND for a sanction,
// the step's kind for the rest), ground and whether automation took them.
// Rejected recommendations are not steps and are left out.
func (c conn) EnforcementTallies(ctx context.Context, marketplaceID string, from, to time.Time) ([]Tally, error) {
	return c.tallies(ctx, 3, `SELECT CASE kind WHEN 'tier' THEN 'tier:' || to_tier WHEN 'sanction' THEN 'sanction:' || sanction_kind ELSE kind END,
		ground, CASE WHEN automated = 1 THEN 'automated' ELSE 'manual' END, COUNT(*) FROM enforcement_actions
		WHERE marketplace_id = $1 AND at >= $2 AND at < $3 AND kind <> 'recommendation_rejected' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
		marketplaceID, micros(from), micros(to))
}

// DecisionTallies counts the automated checks' decisions in [from, to) by
// kind and outcome.
func (c conn) DecisionTallies(ctx context.Context, marketplaceID string, from, to time.Time) ([]Tally, error) {
	return c.tallies(ctx, 2, `SELECT kind, outcome, COUNT(*) FROM decisions WHERE marketplace_id = $1 AND created_at >= $2 AND created_at < $3
		GROUP BY 1, 2 ORDER BY 1, 2`, marketplaceID, micros(from), micros(to))
}

// AuditCount counts a chain's audit entries of one action in [from, to).
func (c conn) AuditCount(ctx context.Context, chain, action string, from, to time.Time) (int, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE chain = $1 AND action = $2 AND at >= $3 AND at < $4`,
		chain, action, micros(from), micros(to)).Scan(&n)
	return n, err
}
