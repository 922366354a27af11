package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
)

// EventInsert is the result of storing one event.
type EventInsert int

// Outcomes of InsertEvents.
const (
	EventNew       EventInsert = iota // stored now
	EventDuplicate                    // the same event was stored before
	EventConflict                     // the id was used before for different content
)

// InsertEvents stores a batch's events in order, each unless its id is
// stored already, and reports for each what happened to it. (One
// statement per event: multi-row statements were slower on SQLite.)
func (tx *Tx) InsertEvents(ctx context.Context, marketplaceID string, evs []event.Event, received time.Time) ([]EventInsert, error) {
	out := make([]EventInsert, len(evs))
	for i, ev := range evs {
		hash := ev.Hash()
		res, err := tx.q.ExecContext(ctx, `INSERT INTO events (marketplace_id, id, type, occurred_at, received_at, subject_type, subject_id, account_id, payload, payload_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (marketplace_id, id) DO NOTHING`,
			marketplaceID, ev.ID, ev.Type, micros(ev.OccurredAt), micros(received), ev.Subject.Type, ev.Subject.ID, ev.AccountID, string(ev.Data), hash)
		if err != nil {
			return nil, fmt.Errorf("insert event %s: %w", ev.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			out[i] = EventNew
			continue
		}
		var stored string
		if err := tx.q.QueryRowContext(ctx, `SELECT payload_hash FROM events WHERE marketplace_id = $1 AND id = $2`, marketplaceID, ev.ID).Scan(&stored); err != nil {
			return nil, fmt.Errorf("event %s: %w", ev.ID, err)
		}
		out[i] = EventConflict
		if stored == hash {
			out[i] = EventDuplicate
		}
	}
	return out, nil
}

// ApplyEvent projects a newly stored event onto the entity tables. Entity
// upserts apply only when the event is not older than the stored state, so
// events delivered out of order still leave the newest state (R-T3).
func (tx *Tx) ApplyEvent(ctx context.Context, marketplaceID string, ev event.Event) error {
	at := micros(ev.OccurredAt)
	var err error
	switch p := ev.Payload.(type) {
	case *event.AccountUpserted:
		registered := at
		if p.RegisteredAt != nil {
			registered = micros(*p.RegisteredAt)
		}
		_, err = tx.q.ExecContext(ctx, `INSERT INTO accounts (marketplace_id, id, kind, email, phone, country, registered_at, updated_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (marketplace_id, id) DO UPDATE SET kind = excluded.kind, email = excluded.email, phone = excluded.phone,
				country = excluded.country, updated_at = excluded.updated_at, data = excluded.data
			WHERE excluded.updated_at >= accounts.updated_at`,
			marketplaceID, p.AccountID, p.Kind, p.Email, p.Phone, p.Country, registered, at, string(ev.Data))
		if err == nil {
			// The registration time is the earliest seen, whatever the order.
			_, err = tx.q.ExecContext(ctx, `UPDATE accounts SET registered_at = $1 WHERE marketplace_id = $2 AND id = $3 AND registered_at > $1`,
				registered, marketplaceID, p.AccountID)
		}
	case *event.ListingUpserted:
		_, err = tx.q.ExecContext(ctx, `INSERT INTO listings (marketplace_id, id, account_id, title, description, price_amount, currency, category, created_at, updated_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
			ON CONFLICT (marketplace_id, id) DO UPDATE SET account_id = excluded.account_id, title = excluded.title,
				description = excluded.description, price_amount = excluded.price_amount, currency = excluded.currency,
				category = excluded.category, updated_at = excluded.updated_at, data = excluded.data, reminded_at = NULL
			WHERE excluded.updated_at >= listings.updated_at`,
			marketplaceID, p.ListingID, p.AccountID, p.Title, p.Description, p.Price.Amount, p.Price.Currency, p.Category, at, string(ev.Data))
	case *event.ListingRef:
		if ev.Type == "listing.reconfirmed" {
			_, err = tx.q.ExecContext(ctx, `UPDATE listings SET confirmed_at = $1, reminded_at = NULL WHERE marketplace_id = $2 AND id = $3 AND (confirmed_at IS NULL OR confirmed_at < $1)`,
				at, marketplaceID, p.ListingID)
		}
	case *event.MessageSent:
		_, err = tx.q.ExecContext(ctx, `INSERT INTO messages (marketplace_id, id, conversation_id, sender_id, recipient_id, text, sent_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (marketplace_id, id) DO NOTHING`,
			marketplaceID, p.MessageID, p.ConversationID, p.SenderID, p.RecipientID, p.Text, at, string(ev.Data))
	case *event.ReviewSubmitted:
		_, err = tx.q.ExecContext(ctx, `INSERT INTO reviews (marketplace_id, id, order_id, author_id, subject_id, rating, text, submitted_at, updated_at, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)
			ON CONFLICT (marketplace_id, id) DO UPDATE SET rating = excluded.rating, text = excluded.text,
				updated_at = excluded.updated_at, data = excluded.data
			WHERE excluded.updated_at >= reviews.updated_at`,
			marketplaceID, p.ReviewID, p.OrderID, p.AuthorID, p.SubjectID, p.Rating, p.Text, at, string(ev.Data))
	case *event.Order:
		err = tx.applyOrder(ctx, marketplaceID, strings.TrimPrefix(ev.Type, "order."), p, at, ev.Data)
	case *event.VerificationChanged:
		_, err = tx.q.ExecContext(ctx, `INSERT INTO account_verifications (marketplace_id, account_id, kind, status, updated_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (marketplace_id, account_id, kind) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
			WHERE excluded.updated_at >= account_verifications.updated_at`,
			marketplaceID, p.AccountID, p.Kind, p.Status, at)
	}
	if err != nil {
		return fmt.Errorf("apply %s %s: %w", ev.Type, ev.ID, err)
	}
	if err := tx.recordIdentifiers(ctx, marketplaceID, ev.Identifiers(), at); err != nil {
		return fmt.Errorf("identifiers of %s: %w", ev.ID, err)
	}
	return nil
}

// recordIdentifiers upserts an event's identifiers, each keeping the
// earliest and latest time it was seen.
func (tx *Tx) recordIdentifiers(ctx context.Context, marketplaceID string, ids []event.Identifier, at int64) error {
	for _, id := range ids {
		if _, err := tx.q.ExecContext(ctx, `INSERT INTO account_identifiers (marketplace_id, kind, value, account_id, first_seen, last_seen)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (marketplace_id, kind, value, account_id) DO UPDATE SET
				first_seen = CASE WHEN account_identifiers.first_seen < excluded.first_seen THEN account_identifiers.first_seen ELSE excluded.first_seen END,
				last_seen = CASE WHEN account_identifiers.last_seen > excluded.last_seen THEN account_identifiers.last_seen ELSE excluded.last_seen END`,
			marketplaceID, id.Kind, id.Value, id.AccountID, at); err != nil {
			return err
		}
	}
	return nil
}

// applyOrder records an order step. Every step carries the order's parties,
// so whichever arrives first creates the row; the status follows the newest
// event and each step's time is kept once.
func (tx *Tx) applyOrder(ctx context.Context, marketplaceID, status string, p *event.Order, at int64, data []byte) error {
	col := status + "_at"
	if status == "created" {
		col = "created_at"
	}
	_, err := tx.q.ExecContext(ctx, fmt.Sprintf(`INSERT INTO orders (marketplace_id, id, buyer_id, seller_id, listing_id, amount, currency, status, created_at, updated_at, data%[1]s)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10%[2]s)
		ON CONFLICT (marketplace_id, id) DO UPDATE SET
			status = CASE WHEN excluded.updated_at >= orders.updated_at THEN excluded.status ELSE orders.status END,
			updated_at = CASE WHEN orders.updated_at > excluded.updated_at THEN orders.updated_at ELSE excluded.updated_at END,
			created_at = CASE WHEN orders.created_at < excluded.created_at THEN orders.created_at ELSE excluded.created_at END,
			amount = excluded.amount, currency = excluded.currency, data = excluded.data%[3]s`,
		optCol(col), optVal(col), optSet(col)),
		marketplaceID, p.OrderID, p.BuyerID, p.SellerID, p.ListingID, p.Amount.Amount, p.Amount.Currency, status, at, string(data))
	return err
}

// The orders upsert sets the step's own timestamp column besides created_at.
func optCol(col string) string {
	if col == "created_at" {
		return ""
	}
	return ", " + col
}

func optVal(col string) string {
	if col == "created_at" {
		return ""
	}
	return ", $9"
}

func optSet(col string) string {
	if col == "created_at" {
		return ""
	}
	return fmt.Sprintf(", %[1]s = COALESCE(orders.%[1]s, excluded.%[1]s)", col)
}

// Entity is a stored entity as the API returns it: its key columns and the
// latest data the marketplace sent.
type Entity struct {
	Type      string
	ID        string
	AccountID string
	UpdatedAt time.Time
	Data      json.RawMessage
	// Fields holds the typed columns Vigil maintains beside the data, such as
	// an order's status and step times or a listing's last confirmation.
	Fields map[string]any
}

// entityQueries maps an entity type to the query that loads it.
func entityQuery(typ string) (string, bool) {
	switch typ {
	case "account":
		return `SELECT id, id, updated_at, data, registered_at, 0, 0, 0, '' FROM accounts WHERE marketplace_id = $1 AND id = $2`, true
	case "listing":
		return `SELECT id, account_id, updated_at, data, created_at, COALESCE(confirmed_at, 0), 0, 0, '' FROM listings WHERE marketplace_id = $1 AND id = $2`, true
	case "message":
		return `SELECT id, sender_id, sent_at, data, sent_at, 0, 0, 0, conversation_id FROM messages WHERE marketplace_id = $1 AND id = $2`, true
	case "review":
		return `SELECT id, author_id, updated_at, data, submitted_at, 0, 0, 0, '' FROM reviews WHERE marketplace_id = $1 AND id = $2`, true
	case "order":
		return `SELECT id, buyer_id, updated_at, data, created_at, COALESCE(shipped_at, 0), COALESCE(delivered_at, 0), COALESCE(cancelled_at, 0), status
			FROM orders WHERE marketplace_id = $1 AND id = $2`, true
	}
	return "", false
}

// Entity loads one entity of a marketplace by type and id.
func (c conn) Entity(ctx context.Context, marketplaceID, typ, id string) (Entity, error) {
	q, ok := entityQuery(typ)
	if !ok {
		return Entity{}, fmt.Errorf("entity type %q: %w", typ, ErrNotFound)
	}
	e := Entity{Type: typ}
	var updated, created, t1, t2, t3 int64
	var data, extra string
	err := c.q.QueryRowContext(ctx, q, marketplaceID, id).Scan(&e.ID, &e.AccountID, &updated, &data, &created, &t1, &t2, &t3, &extra)
	if err != nil {
		return e, notFound(err, typ+" "+id)
	}
	e.UpdatedAt, e.Data = fromMicros(updated), json.RawMessage(data)
	e.Fields = entityFields(typ, fromMicros(created), fromMicros(t1), fromMicros(t2), fromMicros(t3), extra)
	if typ == "account" {
		if e.Fields["verifications"], err = c.verifications(ctx, marketplaceID, id); err != nil {
			return e, err
		}
	}
	return e, nil
}

func entityFields(typ string, created, t1, t2, t3 time.Time, extra string) map[string]any {
	f := map[string]any{}
	put := func(k string, t time.Time) {
		if !t.IsZero() {
			f[k] = t
		}
	}
	switch typ {
	case "account":
		put("registered_at", created)
	case "listing":
		put("created_at", created)
		put("confirmed_at", t1)
	case "message":
		f["conversation_id"] = extra
	case "review":
		put("submitted_at", created)
	case "order":
		f["status"] = extra
		put("created_at", created)
		put("shipped_at", t1)
		put("delivered_at", t2)
		put("cancelled_at", t3)
	}
	return f
}

func (c conn) verifications(ctx context.Context, marketplaceID, accountID string) (map[string]string, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT kind, status FROM account_verifications WHERE marketplace_id = $1 AND account_id = $2`, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, s string
		if err := rows.Scan(&k, &s); err != nil {
			return nil, err
		}
		out[k] = s
	}
	return out, rows.Err()
}

// StoredEvent is an accepted event as stored.
type StoredEvent struct {
	ID          string
	Type        string
	OccurredAt  time.Time
	ReceivedAt  time.Time
	SubjectType string
	SubjectID   string
	AccountID   string
	Data        json.RawMessage
}

// EventsQuery selects events of one marketplace.
type EventsQuery struct {
	MarketplaceID string
	// SubjectType and SubjectID select one entity's events.
	SubjectType, SubjectID string
	// AccountID selects the events concerning one account.
	AccountID string
	Limit     int
}

// Events returns matching events, newest first: the latest to occur for
// one subject or account, the latest to arrive for the whole marketplace.
func (c conn) Events(ctx context.Context, q EventsQuery) ([]StoredEvent, error) {
	where := []string{"marketplace_id = $1"}
	args := []any{q.MarketplaceID}
	if q.SubjectType != "" {
		args = append(args, q.SubjectType, q.SubjectID)
		where = append(where, fmt.Sprintf("subject_type = $%d AND subject_id = $%d", len(args)-1, len(args)))
	}
	if q.AccountID != "" {
		args = append(args, q.AccountID)
		where = append(where, fmt.Sprintf("account_id = $%d", len(args)))
	}
	// One subject's or account's events are a range of an index ending in
	// occurred_at; the whole marketplace's are read in arrival order
	// (index events_received), which differs only for events sent late,
	// rather than sorting every event it ever received.
	order := "occurred_at DESC, id"
	if len(where) == 1 {
		order = "received_at DESC, id DESC"
	}
	rows, err := c.q.QueryContext(ctx, fmt.Sprintf(`SELECT id, type, occurred_at, received_at, subject_type, subject_id, account_id, payload
		FROM events WHERE %s ORDER BY %s LIMIT %d`, strings.Join(where, " AND "), order, clampLimit(q.Limit, 500)), args...)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	defer rows.Close()
	var out []StoredEvent
	for rows.Next() {
		var e StoredEvent
		var occ, rec int64
		var data string
		if err := rows.Scan(&e.ID, &e.Type, &occ, &rec, &e.SubjectType, &e.SubjectID, &e.AccountID, &data); err != nil {
			return nil, err
		}
		e.OccurredAt, e.ReceivedAt, e.Data = fromMicros(occ), fromMicros(rec), json.RawMessage(data)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Identifiers returns the identifiers seen for an account.
func (c conn) Identifiers(ctx context.Context, marketplaceID, accountID string) ([]event.Identifier, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT kind, value FROM account_identifiers WHERE marketplace_id = $1 AND account_id = $2 ORDER BY kind, value`,
		marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []event.Identifier
	for rows.Next() {
		id := event.Identifier{AccountID: accountID}
		if err := rows.Scan(&id.Kind, &id.Value); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Counts is a marketplace's entity totals, for the dashboard.
type Counts struct {
	Accounts, Listings, Messages, Reviews, Orders, Events int64
}

// Counts counts a marketplace's entities.
func (c conn) Counts(ctx context.Context, marketplaceID string) (Counts, error) {
	var n Counts
	err := c.q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM accounts WHERE marketplace_id = $1),
		(SELECT COUNT(*) FROM listings WHERE marketplace_id = $1),
		(SELECT COUNT(*) FROM messages WHERE marketplace_id = $1),
		(SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1),
		(SELECT COUNT(*) FROM orders WHERE marketplace_id = $1),
		(SELECT COUNT(*) FROM events WHERE marketplace_id = $1)`, marketplaceID).
		Scan(&n.Accounts, &n.Listings, &n.Messages, &n.Reviews, &n.Orders, &n.Events)
	return n, err
}
