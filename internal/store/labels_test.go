package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// TestScanDecisionSpans pages through more decisions than a page holds,
// two of them made at each instant, and returns those of the period
// once each, oldest first, each with when its subject was next decided —
// after the period too.
func TestScanDecisionSpans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "spans")
		subjects := []string{"l-a", "l-b", "l-c"}
		at := func(i int) time.Time { return t0.Add(time.Duration(i/2) * time.Second) }
		const n = 1400
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range n {
				if err := tx.CreateDecision(ctx, store.Decision{ID: fmt.Sprintf("d-%04d", i), MarketplaceID: mp, Kind: "listing", SubjectType: "listing",
					SubjectID: subjects[i%3], AccountID: "a", Outcome: "approved", Findings: []byte("[]"), RuleHits: []byte("[]"), Reasons: []byte("[]"),
					Input: []byte("{}"), CreatedAt: at(i)}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		from, to := at(10), at(1300)
		var got []store.DecisionSpan
		if err := db.ScanDecisionSpans(ctx, mp, from, to, func(d store.DecisionSpan) error { got = append(got, d); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1300-10 {
			t.Fatalf("%d decisions, want %d", len(got), 1300-10)
		}
		for k, d := range got {
			i := k + 10
			if d.ID != fmt.Sprintf("d-%04d", i) || !d.CreatedAt.Equal(at(i)) {
				t.Fatalf("decision %d is %s at %v", k, d.ID, d.CreatedAt)
			}
			// The subject's next decision made at a later instant; none
			// for its last.
			next := time.Time{}
			for j := i + 3; j < n; j += 3 {
				if at(j).After(at(i)) {
					next = at(j)
					break
				}
			}
			if !d.Superseded.Equal(next) {
				t.Fatalf("%s superseded at %v, want %v", d.ID, d.Superseded, next)
			}
		}
		if err := db.ScanDecisionSpans(ctx, "mp-none", from, to, func(store.DecisionSpan) error { t.Fatal("another marketplace's"); return nil }); err != nil {
			t.Fatal(err)
		}
	})
}
