package store

import (
	"context"
	"database/sql"
	"time"
)

// DecisionSpan is a decision with when its subject was decided again: a
// decision speaks for its subject (a listing's version, a message, a
// review) until the subject's next decision.
type DecisionSpan struct {
	Decision
	// Superseded is when the subject's next decision was made; zero while
	// this decision is its latest.
	Superseded time.Time
}

// ScanDecisionSpans calls fn with each of a marketplace's decisions made
// in [from, to), oldest first. It reads them a page at a time, so no
// connection is held while fn works.
func (c conn) ScanDecisionSpans(ctx context.Context, marketplaceID string, from, to time.Time, fn func(DecisionSpan) error) error {
	const page = 500
	after, afterID := micros(from), ""
	for {
		rows, err := c.q.QueryContext(ctx, `SELECT `+decisionCols+`, (SELECT MIN(n.created_at) FROM decisions n
			WHERE n.marketplace_id = d.marketplace_id AND n.subject_type = d.subject_type AND n.subject_id = d.subject_id
			AND n.created_at > d.created_at)
			FROM decisions d WHERE d.marketplace_id = $1 AND d.created_at >= $3 AND d.created_at < $2 AND (d.created_at > $3 OR d.id > $4)
			ORDER BY d.created_at, d.id LIMIT 500`, marketplaceID, micros(to), after, afterID)
		spans, err := collect(rows, err, func(rows *sql.Rows) (DecisionSpan, error) {
			var next sql.NullInt64
			d, err := scanDecision(rows, &next)
			return DecisionSpan{Decision: d, Superseded: nullMicros(next)}, err
		})
		if err != nil {
			return err
		}
		for _, d := range spans {
			if err := fn(d); err != nil {
				return err
			}
			after, afterID = micros(d.CreatedAt), d.ID
		}
		if len(spans) < page {
			return nil
		}
	}
}

// Where a Judgement comes from.
const (
	// JudgedByCase is a case a moderator closed.
	JudgedByCase = "case"
	// JudgedByListingMove is a moderator's move of a listing outside a
	// case (the console's and the API's listing forms).
	JudgedByListingMove = "listing_move"
	// JudgedByAppeal is an appeal decided against a case's content
	// decision or an automated decision.
	JudgedByAppeal = "appeal"
)

// Judgement is a person's judgement of content or of a decision about
// it.
type Judgement struct {
	// Source is JudgedByCase, JudgedByListingMove or JudgedByAppeal.
	Source string
	// ID is the case's, the listing move's or the appeal's.
	ID string
	// TargetType and TargetID are what was judged: the case's target or
	// the listing moved; for an appeal, "case" or "decision" and its id.
	TargetType, TargetID string
	// Outcome is the case's outcome, the listing's new status or the
	// appeal's outcome.
	Outcome string
	At      time.Time
}

// Judgements returns a marketplace's judgements made at or after since,
// oldest first: the cases moderators closed, their listing moves outside
// cases (those in a case are the case's), and the appeals decided against
// cases and decisions.
func (c conn) Judgements(ctx context.Context, marketplaceID string, since time.Time) ([]Judgement, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT 'case', id, target_type, target_id, outcome, resolved_at FROM cases
		WHERE marketplace_id = $1 AND resolved_at >= $2 AND resolved_by <> ''
		UNION ALL
		SELECT 'listing_move', id, 'listing', listing_id, to_status, at FROM listing_history
		WHERE marketplace_id = $1 AND at >= $2 AND actor = 'moderator' AND ref = ''
		UNION ALL
		SELECT 'appeal', id, subject_type, subject_id, outcome, resolved_at FROM appeals
		WHERE marketplace_id = $1 AND resolved_at >= $2 AND status = 'decided' AND subject_type IN ('case', 'decision')
		ORDER BY 6, 1, 2`, marketplaceID, micros(since))
	return collect(rows, err, func(rows *sql.Rows) (Judgement, error) {
		var j Judgement
		var at int64
		err := rows.Scan(&j.Source, &j.ID, &j.TargetType, &j.TargetID, &j.Outcome, &at)
		j.At = fromMicros(at)
		return j, err
	})
}
