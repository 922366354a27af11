package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Decision is a stored automated decision. Findings, RuleHits, Reasons and
// Input are JSON documents written by the checks service.
type Decision struct {
	ID             string
	MarketplaceID  string
	Kind           string // listing, message, review
	SubjectType    string
	SubjectID      string
	AccountID      string
	Category       string
	Outcome        string
	Findings       json.RawMessage
	RuleHits       json.RawMessage
	Reasons        json.RawMessage
	Input          json.RawMessage
	MaskedText     string // a message's text as delivered, when masked
	PolicyVersion  int64
	IdempotencyKey string
	CreatedAt      time.Time
}

// CreateDecision stores d; a reused idempotency key is ErrConflict.
func (tx *Tx) CreateDecision(ctx context.Context, d Decision) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO decisions (id, marketplace_id, kind, subject_type, subject_id, account_id, category, outcome,
		findings, rule_hits, reasons, input, masked_text, policy_version, idempotency_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		d.ID, d.MarketplaceID, d.Kind, d.SubjectType, d.SubjectID, d.AccountID, d.Category, d.Outcome,
		string(d.Findings), string(d.RuleHits), string(d.Reasons), string(d.Input), d.MaskedText, d.PolicyVersion,
		sql.NullString{String: d.IdempotencyKey, Valid: d.IdempotencyKey != ""}, micros(d.CreatedAt))
	if isUniqueViolation(err) {
		return fmt.Errorf("decision idempotency key %q: %w", d.IdempotencyKey, ErrConflict)
	}
	return err
}

// decisionCols are the columns scanDecision reads, in its order.
const decisionCols = `id, marketplace_id, kind, subject_type, subject_id, account_id, category, outcome,
	findings, rule_hits, reasons, input, masked_text, policy_version, COALESCE(idempotency_key, ''), created_at`

const decisionSelect = `SELECT ` + decisionCols + ` FROM decisions`

// scanDecision reads a row of decisionCols, then extra columns into
// extra's destinations.
func scanDecision(rows *sql.Rows, extra ...any) (Decision, error) {
	var d Decision
	var findings, hits, reasons, input string
	var created int64
	if err := rows.Scan(append([]any{&d.ID, &d.MarketplaceID, &d.Kind, &d.SubjectType, &d.SubjectID, &d.AccountID, &d.Category, &d.Outcome,
		&findings, &hits, &reasons, &input, &d.MaskedText, &d.PolicyVersion, &d.IdempotencyKey, &created}, extra...)...); err != nil {
		return d, err
	}
	d.Findings, d.RuleHits, d.Reasons, d.Input = json.RawMessage(findings), json.RawMessage(hits), json.RawMessage(reasons), json.RawMessage(input)
	d.CreatedAt = fromMicros(created)
	return d, nil
}

func scanDecisions(rows *sql.Rows) ([]Decision, error) {
	return collect(rows, nil, func(rows *sql.Rows) (Decision, error) { return scanDecision(rows) })
}

func (c conn) oneDecision(ctx context.Context, what, where string, args ...any) (Decision, error) {
	rows, err := c.q.QueryContext(ctx, decisionSelect+" WHERE "+where, args...)
	if err != nil {
		return Decision{}, err
	}
	ds, err := scanDecisions(rows)
	if err != nil {
		return Decision{}, err
	}
	if len(ds) == 0 {
		return Decision{}, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return ds[0], nil
}

// Decision loads one of a marketplace's decisions.
func (c conn) Decision(ctx context.Context, marketplaceID, id string) (Decision, error) {
	return c.oneDecision(ctx, "decision "+id, "marketplace_id = $1 AND id = $2", marketplaceID, id)
}

// DecisionByIdempotencyKey finds the decision a retried request made.
func (c conn) DecisionByIdempotencyKey(ctx context.Context, marketplaceID, key string) (Decision, error) {
	return c.oneDecision(ctx, "decision for key "+key, "marketplace_id = $1 AND idempotency_key = $2", marketplaceID, key)
}

// DecisionsQuery selects decisions, newest first.
type DecisionsQuery struct {
	MarketplaceID          string
	SubjectType, SubjectID string
	Limit                  int
}

// Decisions lists decisions, newest first.
func (c conn) Decisions(ctx context.Context, q DecisionsQuery) ([]Decision, error) {
	where, args := "marketplace_id = $1", []any{q.MarketplaceID}
	if q.SubjectType != "" {
		where += " AND subject_type = $2 AND subject_id = $3"
		args = append(args, q.SubjectType, q.SubjectID)
	}
	rows, err := c.q.QueryContext(ctx, decisionSelect+" WHERE "+where+fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT %d", clampLimit(q.Limit, 500)), args...)
	if err != nil {
		return nil, err
	}
	return scanDecisions(rows)
}

// SetListingStatus records a listing's status after a decision.
func (tx *Tx) SetListingStatus(ctx context.Context, marketplaceID, listingID, status string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE listings SET status = $1 WHERE marketplace_id = $2 AND id = $3`, status, marketplaceID, listingID)
	return err
}

// PolicyDocument is a marketplace's stored policy (YAML overrides).
type PolicyDocument struct {
	MarketplaceID string
	Document      string
	Version       int64
	UpdatedAt     time.Time
	UpdatedBy     string
}

// PolicyDocument loads a marketplace's policy; ErrNotFound when it has none
// (the built-in defaults apply).
func (c conn) PolicyDocument(ctx context.Context, marketplaceID string) (PolicyDocument, error) {
	p := PolicyDocument{MarketplaceID: marketplaceID}
	var updated int64
	err := c.q.QueryRowContext(ctx, `SELECT document, version, updated_at, updated_by FROM policies WHERE marketplace_id = $1`, marketplaceID).
		Scan(&p.Document, &p.Version, &updated, &p.UpdatedBy)
	if err != nil {
		return p, notFound(err, "policy of "+marketplaceID)
	}
	p.UpdatedAt = fromMicros(updated)
	return p, nil
}

// SavePolicyDocument stores a new version of a marketplace's policy and
// returns its number. With expectVersion ≥ 0 the save succeeds only if the
// stored version is that one (0: none yet), else ErrConflict, so two editors
// never silently overwrite each other; the check and the write are one
// statement, so it holds across processes too.
func (tx *Tx) SavePolicyDocument(ctx context.Context, p PolicyDocument, expectVersion int64) (int64, error) {
	var q string
	args := []any{p.MarketplaceID, p.Document, micros(p.UpdatedAt), p.UpdatedBy}
	switch {
	case expectVersion < 0:
		q = `INSERT INTO policies (marketplace_id, document, version, updated_at, updated_by) VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (marketplace_id) DO UPDATE SET document = excluded.document, version = policies.version + 1,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by RETURNING version`
	case expectVersion == 0:
		q = `INSERT INTO policies (marketplace_id, document, version, updated_at, updated_by) VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (marketplace_id) DO NOTHING RETURNING version`
	default:
		q = `UPDATE policies SET document = $2, version = version + 1, updated_at = $3, updated_by = $4
			WHERE marketplace_id = $1 AND version = $5 RETURNING version`
		args = append(args, expectVersion)
	}
	var v int64
	err := tx.q.QueryRowContext(ctx, q, args...).Scan(&v)
	if isNoRows(err) {
		return 0, fmt.Errorf("policy changed since version %d: %w", expectVersion, ErrConflict)
	}
	return v, err
}
