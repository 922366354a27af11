package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EnforcementState is an account's standing on the ladder. An account
// without a row is clear.
type EnforcementState struct {
	MarketplaceID     string
	AccountID         string
	Tier              string
	TierSince         time.Time
	Frozen            bool
	TerminationAt     time.Time
	TerminationAction string
	Version           int64
	UpdatedAt         time.Time
}

const enforcementCols = `marketplace_id, account_id, tier, tier_since, frozen, termination_at, termination_action, version, updated_at`

func scanEnforcement(rows *sql.Rows) (EnforcementState, error) {
	var s EnforcementState
	var since, updated int64
	var frozen int
	var term sql.NullInt64
	err := rows.Scan(&s.MarketplaceID, &s.AccountID, &s.Tier, &since, &frozen, &term, &s.TerminationAction, &s.Version, &updated)
	s.TierSince, s.Frozen, s.TerminationAt, s.UpdatedAt = fromMicros(since), frozen != 0, nullMicros(term), fromMicros(updated)
	return s, err
}

// EnforcementState loads an account's standing; ErrNotFound for an
// account that was never enforced on (clear).
func (c conn) EnforcementState(ctx context.Context, marketplaceID, accountID string) (EnforcementState, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+enforcementCols+` FROM enforcement_states WHERE marketplace_id = $1 AND account_id = $2`,
		marketplaceID, accountID)
	return one(rows, err, scanEnforcement, "enforcement state of "+accountID)
}

// LockEnforcement loads an account's standing for a change, creating the
// clear row if there is none, and on PostgreSQL locks it until the
// transaction ends, so concurrent decisions on one account serialise.
func (tx *Tx) LockEnforcement(ctx context.Context, dialect Dialect, marketplaceID, accountID string, now time.Time) (EnforcementState, error) {
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO enforcement_states (marketplace_id, account_id, tier, tier_since, version, updated_at)
		VALUES ($1, $2, 'clear', $3, 0, $3) ON CONFLICT (marketplace_id, account_id) DO NOTHING`, marketplaceID, accountID, micros(now)); err != nil {
		return EnforcementState{}, err
	}
	q := `SELECT ` + enforcementCols + ` FROM enforcement_states WHERE marketplace_id = $1 AND account_id = $2`
	if dialect == Postgres {
		q += " FOR UPDATE"
	}
	rows, err := tx.q.QueryContext(ctx, q, marketplaceID, accountID)
	return one(rows, err, scanEnforcement, "enforcement state of "+accountID)
}

// SaveEnforcementState writes a locked standing back, one version up.
func (tx *Tx) SaveEnforcementState(ctx context.Context, s EnforcementState) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE enforcement_states SET tier = $3, tier_since = $4, frozen = $5, termination_at = $6,
		termination_action = $7, version = $8, updated_at = $9 WHERE marketplace_id = $1 AND account_id = $2`,
		s.MarketplaceID, s.AccountID, s.Tier, micros(s.TierSince), boolInt(s.Frozen), optMicros(s.TerminationAt), s.TerminationAction,
		s.Version, micros(s.UpdatedAt))
	return err
}

// TerminationsDue returns standings whose scheduled termination is due.
func (c conn) TerminationsDue(ctx context.Context, now time.Time, limit int) ([]EnforcementState, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+enforcementCols+` FROM enforcement_states
		WHERE termination_at IS NOT NULL AND termination_at <= $1 ORDER BY termination_at LIMIT $2`, micros(now), limit)
	return collect(rows, err, scanEnforcement)
}

// FrozenAccounts returns which of the accounts have their orders frozen.
func (c conn) FrozenAccounts(ctx context.Context, marketplaceID string, accountIDs []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(accountIDs) == 0 {
		return out, nil
	}
	args := []any{marketplaceID}
	marks := make([]string, len(accountIDs))
	for i, id := range accountIDs {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT account_id FROM enforcement_states WHERE marketplace_id = $1 AND frozen = 1
		AND account_id IN (`+strings.Join(marks, ", ")+`)`, args...)
	ids, err := collect(rows, err, scanString)
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SanctionRow is a stored sanction.
type SanctionRow struct {
	MarketplaceID  string
	ID             string
	AccountID      string
	Kind           string
	Class          string
	Status         string // active, expired, lifted
	ImposedAt      time.Time
	ExpiresAt      time.Time // zero: permanent
	CommissionRate float64
	Remedial       string
	ActionID       string
	EndedAt        time.Time
}

const sanctionCols = `marketplace_id, id, account_id, kind, class, status, imposed_at, expires_at, commission_rate, remedial, action_id, ended_at`

func scanSanction(rows *sql.Rows) (SanctionRow, error) {
	var s SanctionRow
	var imposed int64
	var expires, ended sql.NullInt64
	err := rows.Scan(&s.MarketplaceID, &s.ID, &s.AccountID, &s.Kind, &s.Class, &s.Status, &imposed, &expires, &s.CommissionRate,
		&s.Remedial, &s.ActionID, &ended)
	s.ImposedAt, s.ExpiresAt, s.EndedAt = fromMicros(imposed), nullMicros(expires), nullMicros(ended)
	return s, err
}

// InsertSanction stores a new sanction.
func (tx *Tx) InsertSanction(ctx context.Context, s SanctionRow) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sanctions (`+sanctionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		s.MarketplaceID, s.ID, s.AccountID, s.Kind, s.Class, s.Status, micros(s.ImposedAt), optMicros(s.ExpiresAt), s.CommissionRate,
		s.Remedial, s.ActionID, optMicros(s.EndedAt))
	return err
}

// EndSanction marks an active sanction expired or lifted; it reports
// whether the sanction was still active (another process may have ended
// it first).
func (tx *Tx) EndSanction(ctx context.Context, marketplaceID, id, status string, at time.Time) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `UPDATE sanctions SET status = $3, ended_at = $4 WHERE marketplace_id = $1 AND id = $2 AND status = 'active'`,
		marketplaceID, id, status, micros(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ActiveSanctions returns an account's sanctions not yet ended, oldest
// first (some may have passed their expiry and wait for the expiry job).
func (c conn) ActiveSanctions(ctx context.Context, marketplaceID, accountID string) ([]SanctionRow, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+sanctionCols+` FROM sanctions WHERE marketplace_id = $1 AND account_id = $2
		AND status = 'active' ORDER BY imposed_at, id`, marketplaceID, accountID)
	return collect(rows, err, scanSanction)
}

// Sanction loads one sanction.
func (c conn) Sanction(ctx context.Context, marketplaceID, id string) (SanctionRow, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+sanctionCols+` FROM sanctions WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id)
	return one(rows, err, scanSanction, "sanction "+id)
}

// SanctionsDue returns active sanctions past their expiry, across
// marketplaces, soonest first.
func (c conn) SanctionsDue(ctx context.Context, now time.Time, limit int) ([]SanctionRow, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+sanctionCols+` FROM sanctions WHERE status = 'active' AND expires_at <= $1
		ORDER BY expires_at LIMIT $2`, micros(now), limit)
	return collect(rows, err, scanSanction)
}

// InFlightOrders returns the account's orders, as buyer or seller, whose
// status is one of statuses.
func (c conn) InFlightOrders(ctx context.Context, marketplaceID, accountID string, statuses []string) ([]string, error) {
	args := []any{marketplaceID, accountID}
	marks := make([]string, len(statuses))
	for i, s := range statuses {
		args = append(args, s)
		marks[i] = fmt.Sprintf("$%d", i+3)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT id FROM orders WHERE marketplace_id = $1 AND (buyer_id = $2 OR seller_id = $2)
		AND status IN (`+strings.Join(marks, ", ")+`) ORDER BY created_at, id`, args...)
	return collect(rows, err, scanString)
}

// FreezeOrders records orders as frozen for an account; already frozen
// ones are left as they are.
func (tx *Tx) FreezeOrders(ctx context.Context, marketplaceID, accountID string, orderIDs []string, at time.Time) error {
	for _, id := range orderIDs {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO frozen_orders (marketplace_id, account_id, order_id, frozen_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (marketplace_id, account_id, order_id) DO NOTHING`, marketplaceID, accountID, id, micros(at)); err != nil {
			return err
		}
	}
	return nil
}

// UnfreezeOrders releases orders of an account (all of them with no ids)
// and returns the ones released.
func (tx *Tx) UnfreezeOrders(ctx context.Context, marketplaceID, accountID string, orderIDs ...string) ([]string, error) {
	frozen, err := tx.FrozenOrders(ctx, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range frozen {
		if len(orderIDs) > 0 && !contains(orderIDs, id) {
			continue
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM frozen_orders WHERE marketplace_id = $1 AND account_id = $2 AND order_id = $3`,
			marketplaceID, accountID, id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FrozenOrders returns the account's frozen orders in the order frozen.
func (c conn) FrozenOrders(ctx context.Context, marketplaceID, accountID string) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT order_id FROM frozen_orders WHERE marketplace_id = $1 AND account_id = $2
		ORDER BY frozen_at, order_id`, marketplaceID, accountID)
	return collect(rows, err, scanString)
}

// EnforcementAction is one entry of an account's enforcement timeline.
type EnforcementAction struct {
	MarketplaceID string
	ID            string
	AccountID     string
	At            time.Time
	// Kind: tier, sanction, sanction_lifted, sanction_expired,
	// termination_scheduled, termination_cancelled, warning_repeated,
	// recommendation, recommendation_rejected.
	Kind         string
	FromTier     string
	ToTier       string
	SanctionID   string
	SanctionKind string
	Source       string
	SourceRef    string
	ActorType    string
	ActorID      string
	Reason       string
	Ground       string
	Automated    bool
	Evidence     json.RawMessage
	StatementID  string
	EffectiveAt  time.Time
}

const actionCols = `marketplace_id, id, account_id, at, kind, from_tier, to_tier, sanction_id, sanction_kind, source, source_ref,
	actor_type, actor_id, reason, ground, automated, evidence, statement_id, effective_at`

func scanAction(rows *sql.Rows) (EnforcementAction, error) {
	var a EnforcementAction
	var at, eff int64
	var auto int
	var ev string
	err := rows.Scan(&a.MarketplaceID, &a.ID, &a.AccountID, &at, &a.Kind, &a.FromTier, &a.ToTier, &a.SanctionID, &a.SanctionKind,
		&a.Source, &a.SourceRef, &a.ActorType, &a.ActorID, &a.Reason, &a.Ground, &auto, &ev, &a.StatementID, &eff)
	a.At, a.EffectiveAt, a.Automated, a.Evidence = fromMicros(at), fromMicros(eff), auto != 0, json.RawMessage(ev)
	return a, err
}

// AddEnforcementAction appends to an account's timeline.
func (tx *Tx) AddEnforcementAction(ctx context.Context, a EnforcementAction) error {
	ev := string(a.Evidence)
	if ev == "" {
		ev = "{}"
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO enforcement_actions (`+actionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		a.MarketplaceID, a.ID, a.AccountID, micros(a.At), a.Kind, a.FromTier, a.ToTier, a.SanctionID, a.SanctionKind, a.Source,
		a.SourceRef, a.ActorType, a.ActorID, a.Reason, a.Ground, boolInt(a.Automated), ev, a.StatementID, micros(a.EffectiveAt))
	return err
}

// EnforcementActions returns an account's timeline, newest first.
func (c conn) EnforcementActions(ctx context.Context, marketplaceID, accountID string, limit int) ([]EnforcementAction, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+actionCols+` FROM enforcement_actions WHERE marketplace_id = $1 AND account_id = $2
		ORDER BY at DESC, id DESC LIMIT $3`, marketplaceID, accountID, limit)
	return collect(rows, err, scanAction)
}

// EnforcementAction loads one timeline entry.
func (c conn) EnforcementAction(ctx context.Context, marketplaceID, id string) (EnforcementAction, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+actionCols+` FROM enforcement_actions WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id)
	return one(rows, err, scanAction, "enforcement action "+id)
}

// Recommendation is a tier or sanction recommended for a person to decide.
type Recommendation struct {
	MarketplaceID string
	ID            string
	AccountID     string
	Tier          string
	Sanction      string
	Duration      time.Duration
	Source        string
	SourceRef     string
	Reason        string
	Ground        string
	Evidence      json.RawMessage
	Status        string // pending, approved, rejected
	CreatedBy     string
	CreatedAt     time.Time
	DecidedBy     string
	DecidedAt     time.Time
	DecisionNote  string
	ActionID      string
}

const recommendationCols = `marketplace_id, id, account_id, tier, sanction, duration, source, source_ref, reason, ground, evidence, status,
	created_by, created_at, decided_by, decided_at, decision_note, action_id`

func scanRecommendation(rows *sql.Rows) (Recommendation, error) {
	var r Recommendation
	var dur, created int64
	var decided sql.NullInt64
	var ev string
	err := rows.Scan(&r.MarketplaceID, &r.ID, &r.AccountID, &r.Tier, &r.Sanction, &dur, &r.Source, &r.SourceRef, &r.Reason, &r.Ground,
		&ev, &r.Status, &r.CreatedBy, &created, &r.DecidedBy, &decided, &r.DecisionNote, &r.ActionID)
	r.Duration, r.Evidence, r.CreatedAt, r.DecidedAt = time.Duration(dur)*time.Microsecond, json.RawMessage(ev), fromMicros(created), nullMicros(decided)
	return r, err
}

// SaveRecommendation inserts or updates a recommendation.
func (tx *Tx) SaveRecommendation(ctx context.Context, r Recommendation) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO recommendations (`+recommendationCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (marketplace_id, id) DO UPDATE SET reason = excluded.reason, evidence = excluded.evidence, status = excluded.status,
			decided_by = excluded.decided_by, decided_at = excluded.decided_at, decision_note = excluded.decision_note, action_id = excluded.action_id`,
		r.MarketplaceID, r.ID, r.AccountID, r.Tier, r.Sanction, r.Duration.Microseconds(), r.Source, r.SourceRef, r.Reason, r.Ground,
		string(r.Evidence), r.Status, r.CreatedBy, micros(r.CreatedAt), r.DecidedBy, optMicros(r.DecidedAt), r.DecisionNote, r.ActionID)
	return err
}

// Recommendation loads one recommendation.
func (c conn) Recommendation(ctx context.Context, marketplaceID, id string) (Recommendation, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+recommendationCols+` FROM recommendations WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id)
	return one(rows, err, scanRecommendation, "recommendation "+id)
}

// PendingRecommendationFor loads the pending recommendation of the same
// tier or sanction for an account; ErrNotFound when there is none.
func (c conn) PendingRecommendationFor(ctx context.Context, marketplaceID, accountID, tier, sanction string) (Recommendation, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+recommendationCols+` FROM recommendations WHERE marketplace_id = $1 AND account_id = $2
		AND tier = $3 AND sanction = $4 AND status = 'pending'`, marketplaceID, accountID, tier, sanction)
	return one(rows, err, scanRecommendation, "pending recommendation")
}

// Recommendations lists a marketplace's recommendations, newest first:
// the pending ones (status "pending"), or an account's (accountID set).
func (c conn) Recommendations(ctx context.Context, marketplaceID, status, accountID string, limit int) ([]Recommendation, error) {
	where, args := "marketplace_id = $1", []any{marketplaceID}
	if status == "pending" {
		where += " AND status = 'pending'"
	} else if status != "" {
		args = append(args, status)
		where += fmt.Sprintf(" AND status = $%d", len(args))
	}
	if accountID != "" {
		args = append(args, accountID)
		where += fmt.Sprintf(" AND account_id = $%d", len(args))
	}
	args = append(args, limit)
	rows, err := c.q.QueryContext(ctx, `SELECT `+recommendationCols+` FROM recommendations WHERE `+where+
		fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT $%d`, len(args)), args...)
	return collect(rows, err, scanRecommendation)
}

// Statement is a statement of reasons as issued.
type Statement struct {
	MarketplaceID string
	ID            string
	AccountID     string
	ActionID      string
	CreatedAt     time.Time
	EffectiveAt   time.Time
	Content       json.RawMessage
}

const statementCols = `marketplace_id, id, account_id, action_id, created_at, effective_at, content`

func scanStatement(rows *sql.Rows) (Statement, error) {
	var s Statement
	var created, eff int64
	var content string
	err := rows.Scan(&s.MarketplaceID, &s.ID, &s.AccountID, &s.ActionID, &created, &eff, &content)
	s.CreatedAt, s.EffectiveAt, s.Content = fromMicros(created), fromMicros(eff), json.RawMessage(content)
	return s, err
}

// InsertStatement stores a statement of reasons.
func (tx *Tx) InsertStatement(ctx context.Context, s Statement) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO statements (`+statementCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		s.MarketplaceID, s.ID, s.AccountID, s.ActionID, micros(s.CreatedAt), micros(s.EffectiveAt), string(s.Content))
	return err
}

// Statement loads one statement of reasons.
func (c conn) Statement(ctx context.Context, marketplaceID, id string) (Statement, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+statementCols+` FROM statements WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id)
	return one(rows, err, scanStatement, "statement "+id)
}

// Statements lists an account's statements (all the marketplace's with
// no account), newest first.
func (c conn) Statements(ctx context.Context, marketplaceID, accountID string, limit int) ([]Statement, error) {
	where, args := "marketplace_id = $1", []any{marketplaceID, limit}
	if accountID != "" {
		where, args = where+" AND account_id = $3", append(args, accountID)
	}
	rows, err := c.q.QueryContext(ctx, `SELECT `+statementCols+` FROM statements WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT $2`, args...)
	return collect(rows, err, scanStatement)
}

// AccountEventIDs returns the ids of an account's events of one type that
// occurred after since, oldest first.
func (c conn) AccountEventIDs(ctx context.Context, marketplaceID, accountID, typ string, since time.Time) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id FROM events WHERE marketplace_id = $1 AND account_id = $2 AND type = $3 AND occurred_at > $4
		ORDER BY occurred_at, id`, marketplaceID, accountID, typ, micros(since))
	return collect(rows, err, scanString)
}

// StatementsPage lists a marketplace's statements issued in [from, to),
// oldest first, after the (createdAfter, idAfter) cursor.
func (c conn) StatementsPage(ctx context.Context, marketplaceID string, from, to, createdAfter time.Time, idAfter string, limit int) ([]Statement, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+statementCols+` FROM statements WHERE marketplace_id = $1 AND created_at >= $2 AND created_at < $3
		AND (created_at > $4 OR (created_at = $4 AND id > $5)) ORDER BY created_at, id LIMIT $6`,
		marketplaceID, micros(from), micros(to), micros(createdAfter), idAfter, limit)
	return collect(rows, err, scanStatement)
}
