package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// MarkLogisticsDirty marks sellers whose fulfilment changed, for the
// logistics rules to look at.
func (tx *Tx) MarkLogisticsDirty(ctx context.Context, marketplaceID string, now time.Time, accountIDs ...string) error {
	for _, id := range accountIDs {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO logistics_dirty (marketplace_id, account_id, since) VALUES ($1, $2, $3)
			ON CONFLICT (marketplace_id, account_id) DO UPDATE SET since = excluded.since`, marketplaceID, id, micros(now)); err != nil {
			return err
		}
	}
	return nil
}

// LogisticsDirty returns up to limit sellers waiting for the logistics
// rules, least recently touched first.
func (c conn) LogisticsDirty(ctx context.Context, limit int) ([]DirtyAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, account_id, since FROM logistics_dirty ORDER BY since LIMIT $1`, limit)
	return collect(rows, err, scanDirty)
}

func scanDirty(rows *sql.Rows) (DirtyAccount, error) {
	var d DirtyAccount
	var since int64
	err := rows.Scan(&d.MarketplaceID, &d.AccountID, &since)
	d.Since = fromMicros(since)
	return d, err
}

// ClearLogisticsDirty drops a seller from the set unless touched again
// after since.
func (tx *Tx) ClearLogisticsDirty(ctx context.Context, d DirtyAccount) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM logistics_dirty WHERE marketplace_id = $1 AND account_id = $2 AND since <= $3`,
		d.MarketplaceID, d.AccountID, micros(d.Since))
	return err
}

// Fulfilment is a seller's order outcomes over a window: of the orders
// created in it, how many were cancelled, refunded, reported shipped late,
// and shipped without tracking; OrderIDs names the orders behind each
// count, as evidence.
type Fulfilment struct {
	Orders    int
	Late      []string
	Cancelled []string
	Refunded  []string
	Untracked []string
}

// Fulfilment counts a seller's fulfilment since a time (R-E5).
func (c conn) Fulfilment(ctx context.Context, marketplaceID, sellerID string, since time.Time) (Fulfilment, error) {
	var f Fulfilment
	type row struct {
		id                  string
		cancelled, refunded bool
	}
	rows, err := c.q.QueryContext(ctx, `SELECT id, cancelled_at IS NOT NULL, refunded_at IS NOT NULL FROM orders
		WHERE marketplace_id = $1 AND seller_id = $2 AND created_at > $3 ORDER BY created_at, id`, marketplaceID, sellerID, micros(since))
	orders, err := collect(rows, err, func(rows *sql.Rows) (row, error) {
		var r row
		err := rows.Scan(&r.id, &r.cancelled, &r.refunded)
		return r, err
	})
	if err != nil {
		return f, err
	}
	f.Orders = len(orders)
	for _, o := range orders {
		if o.cancelled {
			f.Cancelled = append(f.Cancelled, o.id)
		}
		if o.refunded {
			f.Refunded = append(f.Refunded, o.id)
		}
	}
	type shipping struct{ order, typ, payload string }
	rows, err = c.q.QueryContext(ctx, `SELECT e.subject_id, e.type, e.payload FROM orders o
		JOIN events e ON e.marketplace_id = o.marketplace_id AND e.subject_type = 'order' AND e.subject_id = o.id
		WHERE o.marketplace_id = $1 AND o.seller_id = $2 AND o.created_at > $3 AND e.type IN ('order.shipped', 'shipment.late')
		ORDER BY e.occurred_at, e.id`, marketplaceID, sellerID, micros(since))
	events, err := collect(rows, err, func(rows *sql.Rows) (shipping, error) {
		var s shipping
		err := rows.Scan(&s.order, &s.typ, &s.payload)
		return s, err
	})
	if err != nil {
		return f, err
	}
	late, untracked := map[string]bool{}, map[string]bool{}
	for _, e := range events {
		var p struct {
			TrackingNumber string `json:"tracking_number"`
			HasTracking    *bool  `json:"has_tracking"`
		}
		_ = json.Unmarshal([]byte(e.payload), &p) // validated on the way in
		if e.typ == "shipment.late" {
			if !late[e.order] {
				late[e.order] = true
				f.Late = append(f.Late, e.order)
			}
			if p.HasTracking == nil || *p.HasTracking {
				continue
			}
		} else if p.TrackingNumber != "" {
			continue
		}
		if !untracked[e.order] {
			untracked[e.order] = true
			f.Untracked = append(f.Untracked, e.order)
		}
	}
	return f, nil
}

// Crossing is a logistics rule a seller is over.
type Crossing struct {
	MarketplaceID, AccountID, RuleID string
	CrossedAt                        time.Time
	Value                            float64
	ActionID                         string
}

// Crossings returns a seller's crossed rules by rule id.
func (c conn) Crossings(ctx context.Context, marketplaceID, accountID string) (map[string]Crossing, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, account_id, rule_id, crossed_at, value, action_id FROM logistics_crossings
		WHERE marketplace_id = $1 AND account_id = $2`, marketplaceID, accountID)
	list, err := collect(rows, err, scanCrossing)
	out := map[string]Crossing{}
	for _, x := range list {
		out[x.RuleID] = x
	}
	return out, err
}

func scanCrossing(rows *sql.Rows) (Crossing, error) {
	var x Crossing
	var at int64
	err := rows.Scan(&x.MarketplaceID, &x.AccountID, &x.RuleID, &at, &x.Value, &x.ActionID)
	x.CrossedAt = fromMicros(at)
	return x, err
}

// ClaimCrossing records that a seller crossed a rule, and reports whether
// this call recorded it: when two processes see the crossing at once, one
// applies the rule.
func (tx *Tx) ClaimCrossing(ctx context.Context, x Crossing) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO logistics_crossings (marketplace_id, account_id, rule_id, crossed_at, value, action_id)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (marketplace_id, account_id, rule_id) DO NOTHING`,
		x.MarketplaceID, x.AccountID, x.RuleID, micros(x.CrossedAt), x.Value, x.ActionID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetCrossingAction names what crossing a rule did.
func (tx *Tx) SetCrossingAction(ctx context.Context, marketplaceID, accountID, ruleID, actionID string) error {
	_, err := tx.q.ExecContext(ctx, `UPDATE logistics_crossings SET action_id = $4 WHERE marketplace_id = $1 AND account_id = $2 AND rule_id = $3`,
		marketplaceID, accountID, ruleID, actionID)
	return err
}

// DeleteCrossing records that a seller is back under a rule.
func (tx *Tx) DeleteCrossing(ctx context.Context, marketplaceID, accountID, ruleID string) error {
	_, err := tx.q.ExecContext(ctx, `DELETE FROM logistics_crossings WHERE marketplace_id = $1 AND account_id = $2 AND rule_id = $3`,
		marketplaceID, accountID, ruleID)
	return err
}

// CrossedSellers returns sellers over some rule, so the rules can see them
// fall back under it as their window slides.
func (c conn) CrossedSellers(ctx context.Context, limit int) ([]DirtyAccount, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT marketplace_id, account_id, MIN(crossed_at) FROM logistics_crossings
		GROUP BY marketplace_id, account_id ORDER BY MIN(crossed_at) LIMIT $1`, limit)
	return collect(rows, err, scanDirty)
}
