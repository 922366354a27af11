package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// ListingMove is one entry of a listing's status history.
type ListingMove struct {
	MarketplaceID string
	ID            string
	ListingID     string
	At            time.Time
	From, To      string
	Actor         string // check, follow_up, moderator, owner, freshness, appeal
	ActorID       string
	Reason        string
	Clause        string
	Fields        []string
	Ref           string
}

// MoveListing sets a listing's status and records the move, in one place
// so that no status changes without its history.
func (tx *Tx) MoveListing(ctx context.Context, m ListingMove) error {
	if err := tx.SetListingStatus(ctx, m.MarketplaceID, m.ListingID, m.To); err != nil {
		return err
	}
	fields, err := json.Marshal(m.Fields)
	if err != nil {
		return err
	}
	if m.Fields == nil {
		fields = []byte("[]")
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO listing_history (marketplace_id, id, listing_id, at, from_status, to_status, actor, actor_id,
		reason, clause, fields, ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		m.MarketplaceID, m.ID, m.ListingID, micros(m.At), m.From, m.To, m.Actor, m.ActorID, m.Reason, m.Clause, string(fields), m.Ref)
	return err
}

func scanMove(rows *sql.Rows) (ListingMove, error) {
	var m ListingMove
	var at int64
	var fields string
	err := rows.Scan(&m.MarketplaceID, &m.ID, &m.ListingID, &at, &m.From, &m.To, &m.Actor, &m.ActorID, &m.Reason, &m.Clause, &fields, &m.Ref)
	m.At = fromMicros(at)
	_ = json.Unmarshal([]byte(fields), &m.Fields)
	return m, err
}

// ListingHistory returns a listing's status moves, newest first.
func (c conn) ListingHistory(ctx context.Context, marketplaceID, listingID string, limit int) ([]ListingMove, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, id, listing_id, at, from_status, to_status, actor, actor_id, reason, clause, fields, ref
		FROM listing_history WHERE marketplace_id = $1 AND listing_id = $2 ORDER BY at DESC, id DESC LIMIT $3`, marketplaceID, listingID, limit)
	return collect(rows, err, scanMove)
}

// ListingTrust is what the public trust view of a listing is made of.
type ListingTrust struct {
	MarketplaceID   string
	ListingID       string
	AccountID       string
	Status          string
	Data            json.RawMessage
	UpdatedAt       time.Time
	ConfirmedAt     time.Time
	RemindedAt      time.Time
	PropertyChecked time.Time
}

func scanTrust(rows *sql.Rows) (ListingTrust, error) {
	var l ListingTrust
	var updated int64
	var confirmed, reminded, checked sql.NullInt64
	var data string
	err := rows.Scan(&l.MarketplaceID, &l.ListingID, &l.AccountID, &l.Status, &data, &updated, &confirmed, &reminded, &checked)
	l.Data, l.UpdatedAt = json.RawMessage(data), fromMicros(updated)
	l.ConfirmedAt, l.RemindedAt, l.PropertyChecked = nullMicros(confirmed), nullMicros(reminded), nullMicros(checked)
	return l, err
}

const trustCols = `marketplace_id, id, account_id, status, data, updated_at, confirmed_at, reminded_at, property_checked_at`

// ListingTrust loads a listing's trust facts.
func (c conn) ListingTrust(ctx context.Context, marketplaceID, listingID string) (ListingTrust, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+trustCols+` FROM listings WHERE marketplace_id = $1 AND id = $2`, marketplaceID, listingID)
	return one(rows, err, scanTrust, "listing "+listingID)
}

// StaleListings returns, across marketplaces, live listings whose last
// update and last confirmation are both before cutoff, oldest first.
func (c conn) StaleListings(ctx context.Context, cutoff time.Time, limit int) ([]ListingTrust, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT `+trustCols+` FROM listings
		WHERE status = 'approved' AND updated_at < $1 AND COALESCE(confirmed_at, 0) < $1 ORDER BY updated_at LIMIT $2`, micros(cutoff), limit)
	return collect(rows, err, scanTrust)
}

// SetReminded records that the owner was reminded to reconfirm.
func (tx *Tx) SetReminded(ctx context.Context, marketplaceID, listingID string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE listings SET reminded_at = $3 WHERE marketplace_id = $1 AND id = $2`, marketplaceID, listingID, micros(at))
	return err
}

// SetPropertyChecked records (or, with a zero time, withdraws) a
// moderator's property check.
func (tx *Tx) SetPropertyChecked(ctx context.Context, marketplaceID, listingID, by string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE listings SET property_checked_at = $3, property_checked_by = $4 WHERE marketplace_id = $1 AND id = $2`,
		marketplaceID, listingID, optMicros(at), by)
	return err
}

// Recheck is a business registration verified long enough ago to need its
// yearly re-check (R-E7).
type Recheck struct {
	MarketplaceID, AccountID string
	VerifiedAt               time.Time
}

// RechecksDue returns, across marketplaces, business verifications last
// updated before cutoff whose re-check was not asked for since.
func (c conn) RechecksDue(ctx context.Context, cutoff time.Time, limit int) ([]Recheck, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, account_id, updated_at FROM account_verifications
		WHERE kind = 'business' AND status = 'verified' AND updated_at < $1
		AND (recheck_reminded_at IS NULL OR recheck_reminded_at < updated_at) ORDER BY updated_at LIMIT $2`, micros(cutoff), limit)
	return collect(rows, err, func(rows *sql.Rows) (Recheck, error) {
		var r Recheck
		var at int64
		err := rows.Scan(&r.MarketplaceID, &r.AccountID, &at)
		r.VerifiedAt = fromMicros(at)
		return r, err
	})
}

// SetRecheckReminded records that a business re-check was asked for.
func (tx *Tx) SetRecheckReminded(ctx context.Context, marketplaceID, accountID string, at time.Time) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE account_verifications SET recheck_reminded_at = $3
		WHERE marketplace_id = $1 AND account_id = $2 AND kind = 'business'`, marketplaceID, accountID, micros(at))
	return err
}
