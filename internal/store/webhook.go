package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// WebhookSubscription is a marketplace's endpoint for Vigil's webhooks.
type WebhookSubscription struct {
	ID            string
	MarketplaceID string
	URL           string
	Secret        string
	// PreviousSecret is the secret a rotation replaced; deliveries are
	// signed with it too until PreviousUntil.
	PreviousSecret string
	PreviousUntil  time.Time
	EventTypes     []string // empty means every type
	Description    string
	CreatedAt      time.Time
	DisabledAt     time.Time
	DisabledReason string
}

// Wants reports whether the subscription receives eventType.
func (s WebhookSubscription) Wants(eventType string) bool {
	if !s.DisabledAt.IsZero() {
		return false
	}
	if len(s.EventTypes) == 0 {
		return true
	}
	for _, t := range s.EventTypes {
		if t == eventType {
			return true
		}
	}
	return false
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // gave up after the last attempt or a permanent error
)

// WebhookDelivery is one message to one subscription and its attempts.
type WebhookDelivery struct {
	ID             string // the webhook-id header: stable across retries
	SubscriptionID string
	MarketplaceID  string
	EventType      string
	Payload        string
	Status         string
	Attempts       int
	CreatedAt      time.Time
	LastAttemptAt  time.Time
	LastStatusCode int
	LastError      string
	DeliveredAt    time.Time
}

// CreateWebhookSubscription inserts s.
func (tx *Tx) CreateWebhookSubscription(ctx context.Context, s WebhookSubscription) error {
	types, err := json.Marshal(nonNil(s.EventTypes))
	if err != nil {
		return err
	}
	_, err = tx.q.ExecContext(ctx, `INSERT INTO webhook_subscriptions (id, marketplace_id, url, secret, event_types, description, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, s.ID, s.MarketplaceID, s.URL, s.Secret, string(types), s.Description, micros(s.CreatedAt))
	return err
}

// Secrets are the secrets a delivery at now is signed with: the current
// one, and the previous one while the rotation's overlap lasts.
func (s WebhookSubscription) Secrets(now time.Time) []string {
	if s.PreviousSecret != "" && now.Before(s.PreviousUntil) {
		return []string{s.Secret, s.PreviousSecret}
	}
	return []string{s.Secret}
}

// RotateWebhookSecret makes secret a live subscription's secret and keeps
// the one it replaces until until.
func (tx *Tx) RotateWebhookSecret(ctx context.Context, marketplaceID, id, secret string, until time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE webhook_subscriptions SET previous_secret = secret, previous_until = $1, secret = $2
		WHERE id = $3 AND marketplace_id = $4 AND disabled_at IS NULL`, micros(until), secret, id, marketplaceID)
	if err != nil {
		return err
	}
	return mustAffect(res, "webhook subscription "+id)
}

// DisableWebhookSubscription stops deliveries to a subscription.
func (tx *Tx) DisableWebhookSubscription(ctx context.Context, marketplaceID, id, reason string, at time.Time) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE webhook_subscriptions SET disabled_at = $1, disabled_reason = $2
		WHERE id = $3 AND marketplace_id = $4 AND disabled_at IS NULL`, micros(at), reason, id, marketplaceID)
	if err != nil {
		return err
	}
	return mustAffect(res, "webhook subscription "+id)
}

const subscriptionSelect = `SELECT id, marketplace_id, url, secret, event_types, description, created_at, disabled_at, disabled_reason,
	previous_secret, previous_until FROM webhook_subscriptions`

func scanSubscriptions(rows *sql.Rows) ([]WebhookSubscription, error) {
	defer rows.Close()
	var out []WebhookSubscription
	for rows.Next() {
		var s WebhookSubscription
		var types string
		var created, previousUntil int64
		var disabled sql.NullInt64
		if err := rows.Scan(&s.ID, &s.MarketplaceID, &s.URL, &s.Secret, &types, &s.Description, &created, &disabled, &s.DisabledReason,
			&s.PreviousSecret, &previousUntil); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(types), &s.EventTypes); err != nil {
			return nil, fmt.Errorf("subscription %s event types: %w", s.ID, err)
		}
		s.CreatedAt, s.DisabledAt, s.PreviousUntil = fromMicros(created), nullMicros(disabled), fromMicros(previousUntil)
		out = append(out, s)
	}
	return out, rows.Err()
}

// WebhookSubscriptions lists a marketplace's subscriptions, newest first.
func (c conn) WebhookSubscriptions(ctx context.Context, marketplaceID string) ([]WebhookSubscription, error) {
	rows, err := c.q.QueryContext(ctx, subscriptionSelect+` WHERE marketplace_id = $1 ORDER BY created_at DESC, id`, marketplaceID)
	if err != nil {
		return nil, err
	}
	return scanSubscriptions(rows)
}

// WebhookSubscription loads one of a marketplace's subscriptions.
func (c conn) WebhookSubscription(ctx context.Context, marketplaceID, id string) (WebhookSubscription, error) {
	rows, err := c.q.QueryContext(ctx, subscriptionSelect+` WHERE marketplace_id = $1 AND id = $2`, marketplaceID, id)
	if err != nil {
		return WebhookSubscription{}, err
	}
	subs, err := scanSubscriptions(rows)
	if err != nil {
		return WebhookSubscription{}, err
	}
	if len(subs) == 0 {
		return WebhookSubscription{}, fmt.Errorf("webhook subscription %s: %w", id, ErrNotFound)
	}
	return subs[0], nil
}

// CreateWebhookDelivery records a message queued for a subscription.
func (tx *Tx) CreateWebhookDelivery(ctx context.Context, d WebhookDelivery) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, subscription_id, marketplace_id, event_type, payload, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, d.ID, d.SubscriptionID, d.MarketplaceID, d.EventType, d.Payload, DeliveryPending, micros(d.CreatedAt))
	return err
}

// RecordWebhookAttempt stores the outcome of one delivery attempt.
func (tx *Tx) RecordWebhookAttempt(ctx context.Context, id, status string, code int, errText string, at time.Time) error {
	delivered := sql.NullInt64{}
	if status == DeliveryDelivered {
		delivered = optMicros(at)
	}
	res, err := tx.q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_attempt_at = $2,
		last_status_code = $3, last_error = $4, delivered_at = $5 WHERE id = $6`, status, micros(at), code, errText, delivered, id)
	if err != nil {
		return err
	}
	return mustAffect(res, "webhook delivery "+id)
}

// ResetWebhookDelivery puts a finished delivery back to pending for a manual retry.
func (tx *Tx) ResetWebhookDelivery(ctx context.Context, marketplaceID, id string) error {
	res, err := tx.q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1 WHERE id = $2 AND marketplace_id = $3 AND status <> $1`,
		DeliveryPending, id, marketplaceID)
	if err != nil {
		return err
	}
	return mustAffect(res, "finished webhook delivery "+id)
}

const deliverySelect = `SELECT id, subscription_id, marketplace_id, event_type, payload, status, attempts, created_at,
	last_attempt_at, last_status_code, last_error, delivered_at FROM webhook_deliveries`

// WebhookDelivery loads one delivery by id (any marketplace; jobs use it).
func (c conn) WebhookDelivery(ctx context.Context, id string) (WebhookDelivery, error) {
	rows, err := c.q.QueryContext(ctx, deliverySelect+` WHERE id = $1`, id)
	if err != nil {
		return WebhookDelivery{}, err
	}
	ds, err := scanDeliveries(rows)
	if err != nil {
		return WebhookDelivery{}, err
	}
	if len(ds) == 0 {
		return WebhookDelivery{}, fmt.Errorf("webhook delivery %s: %w", id, ErrNotFound)
	}
	return ds[0], nil
}

// WebhookDeliveries lists a marketplace's recent deliveries, newest first,
// optionally for one subscription.
func (c conn) WebhookDeliveries(ctx context.Context, marketplaceID, subscriptionID string, limit int) ([]WebhookDelivery, error) {
	q := deliverySelect + ` WHERE marketplace_id = $1`
	args := []any{marketplaceID}
	if subscriptionID != "" {
		q += ` AND subscription_id = $2`
		args = append(args, subscriptionID)
	}
	q += fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, clampLimit(limit, 500))
	rows, err := c.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return scanDeliveries(rows)
}

func scanDeliveries(rows *sql.Rows) ([]WebhookDelivery, error) {
	defer rows.Close()
	var out []WebhookDelivery
	for rows.Next() {
		var d WebhookDelivery
		var created int64
		var last, delivered sql.NullInt64
		if err := rows.Scan(&d.ID, &d.SubscriptionID, &d.MarketplaceID, &d.EventType, &d.Payload, &d.Status, &d.Attempts, &created,
			&last, &d.LastStatusCode, &d.LastError, &delivered); err != nil {
			return nil, err
		}
		d.CreatedAt, d.LastAttemptAt, d.DeliveredAt = fromMicros(created), nullMicros(last), nullMicros(delivered)
		out = append(out, d)
	}
	return out, rows.Err()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
