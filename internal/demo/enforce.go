package demo

import (
	"context"
	"fmt"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/store"
)

// Enforce takes the demo's enforcement decisions as its trust & safety
// team would have: the counterfeiter restricted on the trusted flagger's
// notice, the landlord suspended for the advance-fee scam, a warning for
// the boosted seller, and a suspension of the phisher recommended and
// waiting for a senior's decision. Accounts already decided on are left
// alone, so a second call changes nothing.
func Enforce(ctx context.Context, db *store.DB, en *enforce.Service, marketplaceID string) (int, error) {
	u, err := db.UserByName(ctx, Username)
	if err != nil {
		return 0, fmt.Errorf("demo user: %w", err)
	}
	by := enforce.Person(u, audit.Actor{Type: audit.ActorSystem, ID: "demo"})
	c := castList()
	type step struct {
		account string
		do      func(acc string) error
	}
	tier := func(t string, d enforce.Decision) func(string) error {
		return func(acc string) error { _, err := en.SetTier(ctx, marketplaceID, by, acc, t, d); return err }
	}
	steps := []step{
		{c.counterfeiter, tier(enforce.Restricted, enforce.Decision{Template: "counterfeit", Source: enforce.SourceReport, Notifier: "trusted_flagger",
			Evidence: map[string]any{"notice": "BRP-2291"}})},
		{c.landlord, tier(enforce.Suspended, enforce.Decision{Template: "scam", Source: enforce.SourceReport,
			Reason: "Asked renters for the deposit by Western Union before any viewing; refused viewings."})},
		{c.boostedSeller, tier(enforce.Warning, enforce.Decision{Template: "fake_reviews", Source: enforce.SourceDetector})},
		{c.phisher, func(acc string) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := en.Recommend(ctx, tx, marketplaceID, enforce.RecommendRequest{AccountID: acc, Tier: enforce.Suspended, Source: enforce.SourceRisk,
					Reason: "Sent phishing links to six sellers within a day.", Ground: "fraud", By: by.Actor})
				return err
			})
		}},
	}
	n := 0
	for _, s := range steps {
		done, err := en.Timeline(ctx, marketplaceID, s.account, 1)
		if err != nil {
			return n, err
		}
		recs, err := en.Recommendations(ctx, marketplaceID, "", s.account, 1)
		if err != nil {
			return n, err
		}
		if len(done) > 0 || len(recs) > 0 {
			continue
		}
		if err := s.do(s.account); err != nil {
			return n, fmt.Errorf("demo enforcement on %s: %w", s.account, err)
		}
		n++
	}
	return n, nil
}

// FileAppeals files the demo's appeals: the restricted counterfeiter's
// plan of action and the suspended landlord's, waiting in the appeals
// queue. Idempotency keys make a second call file nothing new.
func FileAppeals(ctx context.Context, ap *appeal.Service, marketplaceID string) (int, error) {
	c := castList()
	actor := audit.Actor{Type: audit.ActorSystem, ID: "demo"}
	filings := []struct {
		key string
		req appeal.Filing
	}{
		{"demo-appeal-1", appeal.Filing{AccountID: c.counterfeiter,
			RootCause:          "I bought the bags from a wholesaler who told me they were genuine surplus stock.",
			CorrectiveAction:   "I removed every listing from that wholesaler and offered all buyers a full refund.",
			PreventiveMeasures: "I now only list items with a receipt from an authorised dealer and keep the receipts."}},
		{"demo-appeal-2", appeal.Filing{AccountID: c.landlord,
			RootCause:          "I am abroad for work and asked for the deposit early because many people wrote to me.",
			CorrectiveAction:   "I have asked a friend in Berlin to show the flats and returned the deposits I received.",
			PreventiveMeasures: "I will only take payments through the platform, after a viewing, from now on."}},
	}
	n := 0
	for _, f := range filings {
		v, err := ap.File(ctx, marketplaceID, actor, f.req, f.key)
		if err != nil {
			return n, fmt.Errorf("demo appeal %s: %w", f.key, err)
		}
		if !v.Replayed {
			n++
		}
	}
	return n, nil
}
