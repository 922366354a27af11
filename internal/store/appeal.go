package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Appeal is a plan of action against a decision, or a complaint.
type Appeal struct {
	ID                 string
	MarketplaceID      string
	AccountID          string
	SubjectType        string // tier, sanction, case, decision
	SubjectID          string
	Tier               string
	DecidedBy          string
	DecidedAt          time.Time
	Kind               string // appeal, complaint
	Business           bool
	RootCause          string
	CorrectiveAction   string
	PreventiveMeasures string
	Status             string // open, escalated, decided
	Outcome            string
	Reply              string
	ReviewerID         string
	EscalatedBy        string
	EscalationNote     string
	DueAt              time.Time
	RiskFrom           time.Time
	AtRiskAt           time.Time
	BreachedAt         time.Time
	IdempotencyKey     string
	CreatedAt          time.Time
	ResolvedAt         time.Time
	ResultActionID     string
}

// Open reports whether the appeal waits for a decision.
func (a Appeal) Open() bool { return a.Status == "open" || a.Status == "escalated" }

const appealCols = `id, marketplace_id, account_id, subject_type, subject_id, tier, decided_by, decided_at, kind, business, root_cause,
	corrective_action, preventive_measures, status, outcome, reply, reviewer_id, escalated_by, escalation_note, due_at, risk_from,
	at_risk_at, breached_at, idempotency_key, created_at, resolved_at, result_action_id`

func scanAppeal(rows *sql.Rows) (Appeal, error) {
	var a Appeal
	var decided, due, risk, created int64
	var business int
	var atRisk, breached, resolved sql.NullInt64
	var key sql.NullString
	err := rows.Scan(&a.ID, &a.MarketplaceID, &a.AccountID, &a.SubjectType, &a.SubjectID, &a.Tier, &a.DecidedBy, &decided, &a.Kind, &business,
		&a.RootCause, &a.CorrectiveAction, &a.PreventiveMeasures, &a.Status, &a.Outcome, &a.Reply, &a.ReviewerID, &a.EscalatedBy,
		&a.EscalationNote, &due, &risk, &atRisk, &breached, &key, &created, &resolved, &a.ResultActionID)
	a.DecidedAt, a.DueAt, a.RiskFrom, a.CreatedAt = fromMicros(decided), fromMicros(due), fromMicros(risk), fromMicros(created)
	a.AtRiskAt, a.BreachedAt, a.ResolvedAt = nullMicros(atRisk), nullMicros(breached), nullMicros(resolved)
	a.Business, a.IdempotencyKey = business != 0, key.String
	return a, err
}

// InsertAppeal stores a new appeal: ErrConflict when the decision already
// has an open appeal or the idempotency key was used.
func (tx *Tx) InsertAppeal(ctx context.Context, a Appeal) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO appeals (`+appealCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
		$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`,
		a.ID, a.MarketplaceID, a.AccountID, a.SubjectType, a.SubjectID, a.Tier, a.DecidedBy, micros(a.DecidedAt), a.Kind, boolInt(a.Business),
		a.RootCause, a.CorrectiveAction, a.PreventiveMeasures, a.Status, a.Outcome, a.Reply, a.ReviewerID, a.EscalatedBy, a.EscalationNote,
		micros(a.DueAt), micros(a.RiskFrom), optMicros(a.AtRiskAt), optMicros(a.BreachedAt), nullString(a.IdempotencyKey), micros(a.CreatedAt),
		optMicros(a.ResolvedAt), a.ResultActionID)
	if isUniqueViolation(err) {
		return fmt.Errorf("appeal: %w", ErrConflict)
	}
	return err
}

// UpdateAppeal writes an appeal's workflow fields back.
func (tx *Tx) UpdateAppeal(ctx context.Context, a Appeal) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE appeals SET status = $3, outcome = $4, reply = $5, reviewer_id = $6, escalated_by = $7,
		escalation_note = $8, at_risk_at = $9, breached_at = $10, resolved_at = $11, result_action_id = $12
		WHERE marketplace_id = $1 AND id = $2`, a.MarketplaceID, a.ID, a.Status, a.Outcome, a.Reply, a.ReviewerID, a.EscalatedBy,
		a.EscalationNote, optMicros(a.AtRiskAt), optMicros(a.BreachedAt), optMicros(a.ResolvedAt), a.ResultActionID)
	return err
}

func (c conn) appeals(ctx context.Context, where string, args ...any) ([]Appeal, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+appealCols+" FROM appeals WHERE "+where, args...)
	return collect(rows, err, scanAppeal)
}

// Appeal loads one of a marketplace's appeals.
func (c conn) Appeal(ctx context.Context, marketplaceID, id string) (Appeal, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+appealCols+" FROM appeals WHERE marketplace_id = $1 AND id = $2", marketplaceID, id)
	return one(rows, err, scanAppeal, "appeal "+id)
}

// LockAppeal loads an appeal for a change, locking it on PostgreSQL.
func (tx *Tx) LockAppeal(ctx context.Context, dialect Dialect, marketplaceID, id string) (Appeal, error) {
	q := "SELECT " + appealCols + " FROM appeals WHERE marketplace_id = $1 AND id = $2"
	if dialect == Postgres {
		q += " FOR UPDATE"
	}
	rows, err := tx.q.QueryContext(ctx, q, marketplaceID, id)
	return one(rows, err, scanAppeal, "appeal "+id)
}

// AppealByKey loads the appeal filed with an idempotency key.
func (c conn) AppealByKey(ctx context.Context, marketplaceID, key string) (Appeal, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+appealCols+" FROM appeals WHERE marketplace_id = $1 AND idempotency_key = $2", marketplaceID, key)
	return one(rows, err, scanAppeal, "appeal with key "+key)
}

// OpenAppealFor loads the open appeal of a decision; ErrNotFound if none.
func (c conn) OpenAppealFor(ctx context.Context, marketplaceID, subjectType, subjectID string) (Appeal, error) {
	rows, err := c.q.QueryContext(ctx, "SELECT "+appealCols+` FROM appeals WHERE marketplace_id = $1 AND subject_type = $2 AND subject_id = $3
		AND status IN ('open', 'escalated')`, marketplaceID, subjectType, subjectID)
	return one(rows, err, scanAppeal, "open appeal")
}

// AppealQuery selects appeals: the open queue by due time (Statuses
// empty), or the given statuses newest first; AccountID narrows.
type AppealQuery struct {
	MarketplaceID string
	Statuses      []string
	AccountID     string
	Limit         int
}

// Appeals lists appeals.
func (c conn) Appeals(ctx context.Context, q AppealQuery) ([]Appeal, error) {
	where, args := "marketplace_id = $1", []any{q.MarketplaceID}
	order := "due_at, id"
	if len(q.Statuses) == 0 {
		where += " AND status IN ('open', 'escalated')"
	} else {
		marks := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			args = append(args, s)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		where += " AND status IN (" + strings.Join(marks, ", ") + ")"
		order = "created_at DESC, id DESC"
	}
	if q.AccountID != "" {
		args = append(args, q.AccountID)
		where += fmt.Sprintf(" AND account_id = $%d", len(args))
	}
	args = append(args, q.Limit)
	return c.appeals(ctx, where+fmt.Sprintf(" ORDER BY %s LIMIT $%d", order, len(args)), args...)
}

// AppealsDue returns open appeals across marketplaces whose at-risk time or
// due time has come without being alerted.
func (c conn) AppealsDue(ctx context.Context, now time.Time, limit int) ([]Appeal, error) {
	return c.appeals(ctx, `status IN ('open', 'escalated') AND ((risk_from <= $1 AND at_risk_at IS NULL) OR (due_at <= $1 AND breached_at IS NULL))
		ORDER BY due_at LIMIT $2`, micros(now), limit)
}

// AppealsFiled returns a marketplace's appeals filed in [from, to).
func (c conn) AppealsFiled(ctx context.Context, marketplaceID string, from, to time.Time) ([]Appeal, error) {
	return c.appeals(ctx, `marketplace_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at`, marketplaceID, micros(from), micros(to))
}
