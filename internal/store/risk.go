package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// RiskStates returns the stored signal states (JSON) of the given accounts;
// accounts without one are absent from the map.
func (c conn) RiskStates(ctx context.Context, marketplaceID string, accountIDs []string) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for start := 0; start < len(accountIDs); start += 500 {
		ids := accountIDs[start:min(start+500, len(accountIDs))]
		args := []any{marketplaceID}
		marks := make([]string, len(ids))
		for i, id := range ids {
			args = append(args, id)
			marks[i] = fmt.Sprintf("$%d", i+2)
		}
		rows, err := c.q.QueryContext(ctx, `SELECT account_id, state FROM risk_states WHERE marketplace_id = $1 AND account_id IN (`+
			strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, state string
			if err := rows.Scan(&id, &state); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = json.RawMessage(state)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SaveRiskState stores an account's signal state and marks the account's
// score for refreshing.
func (tx *Tx) SaveRiskState(ctx context.Context, marketplaceID, accountID string, state []byte, now time.Time) error {
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO risk_states (marketplace_id, account_id, state, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (marketplace_id, account_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
		marketplaceID, accountID, string(state), micros(now)); err != nil {
		return err
	}
	return tx.MarkDirty(ctx, marketplaceID, now, accountID)
}

// MarkDirty marks accounts' scores for refreshing.
func (tx *Tx) MarkDirty(ctx context.Context, marketplaceID string, now time.Time, accountIDs ...string) error {
	for _, id := range accountIDs {
		// since is the latest touch, so that a refresh running meanwhile
		// does not clear a change it did not see.
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO risk_dirty (marketplace_id, account_id, since) VALUES ($1, $2, $3)
			ON CONFLICT (marketplace_id, account_id) DO UPDATE SET since = excluded.since`, marketplaceID, id, micros(now)); err != nil {
			return err
		}
	}
	return nil
}

// DeleteRiskStates removes every signal state of a marketplace (a full
// recompute rebuilds them).
func (tx *Tx) DeleteRiskStates(ctx context.Context, marketplaceID string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM risk_states WHERE marketplace_id = $1`, marketplaceID)
	return err
}

// DirtyAccount is an account whose score waits for a refresh.
type DirtyAccount struct {
	MarketplaceID, AccountID string
	Since                    time.Time
}

// DirtyAccounts returns up to limit accounts waiting for a score refresh,
// least recently touched first.
func (c conn) DirtyAccounts(ctx context.Context, limit int) ([]DirtyAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, account_id, since FROM risk_dirty ORDER BY since LIMIT $1`, limit)
	return collect(rows, err, scanDirty)
}

// ClearDirty drops an account from the refresh set unless it was touched
// again after since.
func (tx *Tx) ClearDirty(ctx context.Context, d DirtyAccount) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM risk_dirty WHERE marketplace_id = $1 AND account_id = $2 AND since <= $3`,
		d.MarketplaceID, d.AccountID, micros(d.Since))
	return err
}

// RiskScore is an account's latest score with its explanation (JSON).
type RiskScore struct {
	AccountID string
	Score     int
	// Own is the score without linked peers' share.
	Own         int
	Band        string
	Explanation json.RawMessage
	ComputedAt  time.Time
}

// RiskScore returns an account's latest stored score.
func (c conn) RiskScore(ctx context.Context, marketplaceID, accountID string) (RiskScore, error) {
	r := RiskScore{AccountID: accountID}
	var expl string
	var at int64
	err := c.q.QueryRowContext(ctx, `SELECT score, own_score, band, explanation, computed_at FROM risk_scores WHERE marketplace_id = $1 AND account_id = $2`,
		marketplaceID, accountID).Scan(&r.Score, &r.Own, &r.Band, &expl, &at)
	if err == sql.ErrNoRows {
		return r, fmt.Errorf("risk score of %s: %w", accountID, ErrNotFound)
	}
	r.Explanation, r.ComputedAt = json.RawMessage(expl), fromMicros(at)
	return r, err
}

// SaveRiskScore stores an account's score, adding it to the history when
// the score or band changed.
func (tx *Tx) SaveRiskScore(ctx context.Context, marketplaceID string, r RiskScore, changed bool) error {
	if _, err := tx.q.ExecContext(ctx, `INSERT INTO risk_scores (marketplace_id, account_id, score, own_score, band, explanation, computed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (marketplace_id, account_id) DO UPDATE SET score = excluded.score,
		own_score = excluded.own_score, band = excluded.band, explanation = excluded.explanation, computed_at = excluded.computed_at`,
		marketplaceID, r.AccountID, r.Score, r.Own, r.Band, string(r.Explanation), micros(r.ComputedAt)); err != nil {
		return err
	}
	if !changed {
		return nil
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO risk_history (marketplace_id, account_id, score, band, computed_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (marketplace_id, account_id, computed_at) DO NOTHING`, marketplaceID, r.AccountID, r.Score, r.Band, micros(r.ComputedAt))
	return err
}

// RiskHistory returns an account's score changes, newest first.
func (c conn) RiskHistory(ctx context.Context, marketplaceID, accountID string, limit int) ([]RiskScore, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT score, band, computed_at FROM risk_history WHERE marketplace_id = $1 AND account_id = $2
		ORDER BY computed_at DESC LIMIT $3`, marketplaceID, accountID, clampLimit(limit, 1000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RiskScore
	for rows.Next() {
		r := RiskScore{AccountID: accountID}
		var at int64
		if err := rows.Scan(&r.Score, &r.Band, &at); err != nil {
			return nil, err
		}
		r.ComputedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// HighestRisk lists the accounts with the highest current scores.
func (c conn) HighestRisk(ctx context.Context, marketplaceID string, limit int) ([]RiskScore, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT account_id, score, band, computed_at FROM risk_scores WHERE marketplace_id = $1
		ORDER BY score DESC, account_id LIMIT $2`, marketplaceID, clampLimit(limit, 500))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RiskScore
	for rows.Next() {
		var r RiskScore
		var at int64
		if err := rows.Scan(&r.AccountID, &r.Score, &r.Band, &at); err != nil {
			return nil, err
		}
		r.ComputedAt = fromMicros(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// SharedIdentifier is an identifier an account shares with another.
type SharedIdentifier struct {
	AccountID string // the other account
	Kind      string
	Value     string
	// FirstSeen is when the other account was first seen with it.
	FirstSeen time.Time
}

// maxShared bounds the accounts one identifier links: a shared office or
// mobile-carrier IP may be behind thousands of honest accounts.
const maxShared = 200

// SharedIdentifiers returns the other accounts sharing any identifier with
// accountID (at most maxShared per identifier).
func (c conn) SharedIdentifiers(ctx context.Context, marketplaceID, accountID string) ([]SharedIdentifier, error) {
	mine, err := c.identifierRows(ctx, `SELECT kind, value, account_id, first_seen FROM account_identifiers WHERE marketplace_id = $1 AND account_id = $2`,
		marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	var out []SharedIdentifier
	for _, m := range mine {
		others, err := c.identifierRows(ctx, `SELECT kind, value, account_id, first_seen FROM account_identifiers
			WHERE marketplace_id = $1 AND kind = $2 AND value = $3 AND account_id <> $4 ORDER BY first_seen LIMIT $5`,
			marketplaceID, m.Kind, m.Value, accountID, maxShared)
		if err != nil {
			return nil, err
		}
		out = append(out, others...)
	}
	return out, nil
}

// IdentifierSightings returns, for each of the account's identifiers of
// kind, the accounts (the account itself included) first seen with it
// within window before or after the account was, oldest first.
func (c conn) IdentifierSightings(ctx context.Context, marketplaceID, accountID, kind string, window time.Duration) (map[string][]SharedIdentifier, error) {
	mine, err := c.identifierRows(ctx, `SELECT kind, value, account_id, first_seen FROM account_identifiers
		WHERE marketplace_id = $1 AND account_id = $2 AND kind = $3`, marketplaceID, accountID, kind)
	if err != nil {
		return nil, err
	}
	out := map[string][]SharedIdentifier{}
	for _, m := range mine {
		seen, err := c.identifierRows(ctx, `SELECT kind, value, account_id, first_seen FROM account_identifiers
			WHERE marketplace_id = $1 AND kind = $2 AND value = $3 AND first_seen >= $4 AND first_seen <= $5 ORDER BY first_seen LIMIT $6`,
			marketplaceID, kind, m.Value, micros(m.FirstSeen.Add(-window)), micros(m.FirstSeen.Add(window)), maxShared)
		if err != nil {
			return nil, err
		}
		out[m.Value] = seen
	}
	return out, nil
}

func (c conn) identifierRows(ctx context.Context, query string, args ...any) ([]SharedIdentifier, error) {
	rows, err := c.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SharedIdentifier
	for rows.Next() {
		var s SharedIdentifier
		var first int64
		if err := rows.Scan(&s.Kind, &s.Value, &s.AccountID, &first); err != nil {
			return nil, err
		}
		s.FirstSeen = fromMicros(first)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SharedBuyers returns the buyers of a seller who share a payment method
// or shipping address with another of the seller's buyers.
func (c conn) SharedBuyers(ctx context.Context, marketplaceID, sellerID string) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT DISTINCT i1.account_id FROM orders o1
		JOIN account_identifiers i1 ON i1.marketplace_id = o1.marketplace_id AND i1.account_id = o1.buyer_id AND i1.kind IN ('payment', 'address')
		JOIN account_identifiers i2 ON i2.marketplace_id = i1.marketplace_id AND i2.kind = i1.kind AND i2.value = i1.value AND i2.account_id <> i1.account_id
		JOIN orders o2 ON o2.marketplace_id = o1.marketplace_id AND o2.seller_id = o1.seller_id AND o2.buyer_id = i2.account_id
		WHERE o1.marketplace_id = $1 AND o1.seller_id = $2 ORDER BY i1.account_id LIMIT $3`, marketplaceID, sellerID, maxShared)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

// DecisionsWithFinding returns the ids of an account's decisions since a
// time whose findings include code.
func (c conn) DecisionsWithFinding(ctx context.Context, marketplaceID, accountID, code string, since time.Time) ([]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT id FROM decisions WHERE marketplace_id = $1 AND account_id = $2 AND created_at >= $3
		AND findings LIKE $4 ORDER BY created_at LIMIT $5`, marketplaceID, accountID, micros(since), `%"code":"`+code+`"%`, maxShared)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func scanStrings(rows *sql.Rows) ([]string, error) {
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

// AccountLink is a link a moderator confirmed between two accounts.
type AccountLink struct {
	AccountID  string // the other account
	Confidence float64
	Note       string
	CreatedBy  string
	CreatedAt  time.Time
}

// ConfirmLink stores (or updates) a confirmed link between a and b.
func (tx *Tx) ConfirmLink(ctx context.Context, marketplaceID, a, b string, l AccountLink) error {
	if a > b {
		a, b = b, a
	}
	_, err := tx.q.ExecContext(ctx, `INSERT INTO account_links (marketplace_id, account_a, account_b, confidence, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (marketplace_id, account_a, account_b) DO UPDATE SET confidence = excluded.confidence,
		note = excluded.note, created_by = excluded.created_by, created_at = excluded.created_at`,
		marketplaceID, a, b, l.Confidence, l.Note, l.CreatedBy, micros(l.CreatedAt))
	return err
}

// RemoveLink deletes a confirmed link; ErrNotFound if there was none.
func (tx *Tx) RemoveLink(ctx context.Context, marketplaceID, a, b string) error {
	if a > b {
		a, b = b, a
	}
	res, err := tx.q.ExecContext(ctx, `DELETE FROM account_links WHERE marketplace_id = $1 AND account_a = $2 AND account_b = $3`, marketplaceID, a, b)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("link %s–%s: %w", a, b, ErrNotFound)
	}
	return nil
}

// ConfirmedLinks returns an account's confirmed links.
func (c conn) ConfirmedLinks(ctx context.Context, marketplaceID, accountID string) ([]AccountLink, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT CASE WHEN account_a = $2 THEN account_b ELSE account_a END, confidence, note, created_by, created_at
		FROM account_links WHERE marketplace_id = $1 AND (account_a = $2 OR account_b = $2) ORDER BY created_at`, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountLink
	for rows.Next() {
		var l AccountLink
		var at int64
		if err := rows.Scan(&l.AccountID, &l.Confidence, &l.Note, &l.CreatedBy, &at); err != nil {
			return nil, err
		}
		l.CreatedAt = fromMicros(at)
		out = append(out, l)
	}
	return out, rows.Err()
}

// ScanEvents calls fn for every event of a marketplace in the order they
// happened (ties by id), reading in pages.
func (c conn) ScanEvents(ctx context.Context, marketplaceID string, fn func(StoredEvent) error) error {
	const page = 1000
	lastAt, lastID := int64(-1<<62), ""
	for {
		rows, err := c.q.QueryContext(ctx, `SELECT id, type, occurred_at, received_at, subject_type, subject_id, account_id, payload FROM events
			WHERE marketplace_id = $1 AND (occurred_at > $2 OR (occurred_at = $2 AND id > $3)) ORDER BY occurred_at, id LIMIT $4`,
			marketplaceID, lastAt, lastID, page)
		if err != nil {
			return err
		}
		var batch []StoredEvent
		for rows.Next() {
			var e StoredEvent
			var occ, rec int64
			var data string
			if err := rows.Scan(&e.ID, &e.Type, &occ, &rec, &e.SubjectType, &e.SubjectID, &e.AccountID, &data); err != nil {
				rows.Close()
				return err
			}
			e.OccurredAt, e.ReceivedAt, e.Data = fromMicros(occ), fromMicros(rec), json.RawMessage(data)
			lastAt, lastID = occ, e.ID
			batch = append(batch, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
	}
}
