package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AccountFacts is what checks know about an account besides its events.
type AccountFacts struct {
	Found         bool
	Kind          string
	Country       string
	RegisteredAt  time.Time
	Verified      []string // verification kinds with status verified
	ListingsCount int64
	OrdersCount   int64 // orders delivered where the account was buyer or seller
	ReviewsCount  int64 // reviews written
	// Tier is the account's enforcement tier; clear when never enforced.
	Tier string
}

// AccountFacts gathers an account's facts in one round trip.
func (c conn) AccountFacts(ctx context.Context, marketplaceID, accountID string) (AccountFacts, error) {
	var f AccountFacts
	var registered int64
	err := c.q.QueryRowContext(ctx, `SELECT a.kind, a.country, a.registered_at,
		(SELECT COUNT(*) FROM listings WHERE marketplace_id = $1 AND account_id = $2),
		(SELECT COUNT(*) FROM orders WHERE marketplace_id = $1 AND (buyer_id = $2 OR seller_id = $2) AND delivered_at IS NOT NULL),
		(SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1 AND author_id = $2),
		COALESCE((SELECT tier FROM enforcement_states WHERE marketplace_id = $1 AND account_id = $2), 'clear')
		FROM accounts a WHERE a.marketplace_id = $1 AND a.id = $2`, marketplaceID, accountID).
		Scan(&f.Kind, &f.Country, &registered, &f.ListingsCount, &f.OrdersCount, &f.ReviewsCount, &f.Tier)
	if isNoRows(err) {
		// An account the marketplace never described may still have been
		// enforced on (a report, a DMCA strike).
		f.Tier = "clear"
		err = c.q.QueryRowContext(ctx, `SELECT tier FROM enforcement_states WHERE marketplace_id = $1 AND account_id = $2`,
			marketplaceID, accountID).Scan(&f.Tier)
		if isNoRows(err) {
			err = nil
		}
		return f, err
	}
	if err != nil {
		return f, err
	}
	f.Found, f.RegisteredAt = true, fromMicros(registered)
	v, err := c.verifications(ctx, marketplaceID, accountID)
	if err != nil {
		return f, err
	}
	for kind, status := range v {
		if status == "verified" {
			f.Verified = append(f.Verified, kind)
		}
	}
	return f, nil
}

// ListingText is what the duplicate and price indexes need of a listing.
type ListingText struct {
	ID, AccountID, Title, Description, Category, Currency string
	Price                                                 int64
}

// ScanListings calls fn for every listing of a marketplace, oldest update
// first, to rebuild in-memory indexes.
func (c conn) ScanListings(ctx context.Context, marketplaceID string, fn func(ListingText)) error {
	rows, err := c.q.QueryContext(ctx, `SELECT id, account_id, title, description, category, currency, price_amount
		FROM listings WHERE marketplace_id = $1 ORDER BY updated_at, id`, marketplaceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l ListingText
		if err := rows.Scan(&l.ID, &l.AccountID, &l.Title, &l.Description, &l.Category, &l.Currency, &l.Price); err != nil {
			return err
		}
		fn(l)
	}
	return rows.Err()
}

// ConversationExists reports whether a conversation has any stored message.
func (c conn) ConversationExists(ctx context.Context, marketplaceID, conversationID string) (bool, error) {
	var n int
	err := c.q.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE marketplace_id = $1 AND conversation_id = $2 LIMIT 1`,
		marketplaceID, conversationID).Scan(&n)
	if isNoRows(err) {
		return false, nil
	}
	return err == nil, err
}

// NewConversations counts the conversations a sender started since a time:
// those whose first message is the sender's and is not older than since.
func (c conn) NewConversations(ctx context.Context, marketplaceID, senderID string, since time.Time) (int64, error) {
	var n int64
	err := c.q.QueryRowContext(ctx, `SELECT COUNT(DISTINCT m.conversation_id) FROM messages m
		WHERE m.marketplace_id = $1 AND m.sender_id = $2 AND m.sent_at >= $3
		AND NOT EXISTS (SELECT 1 FROM messages p WHERE p.marketplace_id = m.marketplace_id
			AND p.conversation_id = m.conversation_id AND p.sent_at < m.sent_at)`,
		marketplaceID, senderID, micros(since)).Scan(&n)
	return n, err
}

// ReviewFacts is what the review rules need to know (R-V1, R-V2).
type ReviewFacts struct {
	OrderFound          bool
	OrderBuyer          string
	OrderSeller         string
	DeliveredAt         time.Time
	OtherReviewOfOrder  string    // id of another review by the author on the same order
	ExistingSubmittedAt time.Time // when this review id was first submitted (an edit)
	SubjectReviewsSince int64     // reviews the subject received in the window
	AuthorReviews       int64     // reviews the author wrote before
	SubjectReviewedBack bool      // the subject has reviewed the author (cross-review)
	SharedIdentifiers   []string  // kinds of identifiers author and subject share (ip, device …)
}

// ReviewFacts gathers a review's context.
func (c conn) ReviewFacts(ctx context.Context, marketplaceID, reviewID, orderID, authorID, subjectID string, since time.Time) (ReviewFacts, error) {
	var f ReviewFacts
	var delivered, existing sql.NullInt64
	var buyer, seller, other sql.NullString
	err := c.q.QueryRowContext(ctx, `SELECT
		(SELECT buyer_id FROM orders WHERE marketplace_id = $1 AND id = $2),
		(SELECT seller_id FROM orders WHERE marketplace_id = $1 AND id = $2),
		(SELECT delivered_at FROM orders WHERE marketplace_id = $1 AND id = $2),
		(SELECT MIN(id) FROM reviews WHERE marketplace_id = $1 AND order_id = $2 AND author_id = $3 AND id <> $5),
		(SELECT submitted_at FROM reviews WHERE marketplace_id = $1 AND id = $5),
		(SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1 AND subject_id = $4 AND submitted_at >= $6 AND id <> $5),
		(SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1 AND author_id = $3 AND id <> $5),
		(SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1 AND author_id = $4 AND subject_id = $3) > 0`,
		marketplaceID, orderID, authorID, subjectID, reviewID, micros(since)).
		Scan(&buyer, &seller, &delivered, &other, &existing, &f.SubjectReviewsSince, &f.AuthorReviews, &f.SubjectReviewedBack)
	if err != nil {
		return f, fmt.Errorf("review facts: %w", err)
	}
	f.OrderFound, f.OrderBuyer, f.OrderSeller = buyer.Valid, buyer.String, seller.String
	f.DeliveredAt, f.ExistingSubmittedAt, f.OtherReviewOfOrder = nullMicros(delivered), nullMicros(existing), other.String
	rows, err := c.q.QueryContext(ctx, `SELECT DISTINCT a.kind FROM account_identifiers a JOIN account_identifiers b
		ON b.marketplace_id = a.marketplace_id AND b.kind = a.kind AND b.value = a.value
		WHERE a.marketplace_id = $1 AND a.account_id = $2 AND b.account_id = $3 AND a.kind IN ('ip', 'device', 'payment') ORDER BY a.kind`,
		marketplaceID, authorID, subjectID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return f, err
		}
		f.SharedIdentifiers = append(f.SharedIdentifiers, k)
	}
	return f, rows.Err()
}

// ReviewText is what the review similarity index needs of a review.
type ReviewText struct{ ID, AuthorID, SubjectID, Text string }

// ScanReviews calls fn for every review of a marketplace.
func (c conn) ScanReviews(ctx context.Context, marketplaceID string, fn func(ReviewText)) error {
	rows, err := c.q.QueryContext(ctx, `SELECT id, author_id, subject_id, text FROM reviews WHERE marketplace_id = $1 ORDER BY submitted_at, id`, marketplaceID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r ReviewText
		if err := rows.Scan(&r.ID, &r.AuthorID, &r.SubjectID, &r.Text); err != nil {
			return err
		}
		fn(r)
	}
	return rows.Err()
}
