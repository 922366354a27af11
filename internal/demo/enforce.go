package demo

import (
	"context"
	"fmt"

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
