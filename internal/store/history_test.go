package store_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// TestCaseHistory compares the queue's history per hour and per day with
// the figures counted case by case: opened, closed, open at each span's
// end, closed in time, mean age, and the automated decisions — with cases
// opened before the range, closed after it, still open, and opened after
// it.
func TestCaseHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "hist")
		from := t0.Truncate(24 * time.Hour)
		rnd := rand.New(rand.NewPCG(1, 2))
		at := func() time.Time { return from.Add(time.Duration(rnd.Int64N(int64(5*24*time.Hour))) - 24*time.Hour) } // a day before to 4 days after
		var all []store.Case
		var decided []time.Time
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range 300 {
				created := at()
				c := store.Case{ID: fmt.Sprint("h", i), MarketplaceID: mp, TargetType: "listing", TargetID: fmt.Sprint("l", i), Status: "pending",
					Source: "report", ReasonGroup: "fraud", PriorityDetail: []byte(`{}`), DueAt: created.Add(time.Duration(rnd.IntN(30)) * time.Hour),
					CreatedAt: created, UpdatedAt: created}
				if rnd.IntN(3) > 0 {
					c.Status, c.ResolvedAt = "resolved", created.Add(time.Duration(rnd.Int64N(int64(60*time.Hour))))
				}
				if err := tx.CreateCase(ctx, &c); err != nil {
					return err
				}
				all = append(all, c)
				d := at()
				decided = append(decided, d)
				if err := tx.CreateDecision(ctx, store.Decision{ID: fmt.Sprint("hd", i), MarketplaceID: mp, Kind: "listing", SubjectType: "listing",
					SubjectID: fmt.Sprint("l", i), AccountID: "a", Outcome: "approved", Findings: []byte("[]"), RuleHits: []byte("[]"), Reasons: []byte("[]"),
					Input: []byte("{}"), CreatedAt: d}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []struct {
			span time.Duration
			n    int
		}{{time.Hour, 48}, {24 * time.Hour, 3}} {
			got, err := db.CaseHistory(ctx, mp, from, r.span, r.n)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != r.n {
				t.Fatalf("%d spans, want %d", len(got), r.n)
			}
			for i, b := range got {
				start := from.Add(time.Duration(i) * r.span)
				end := start.Add(r.span)
				in := func(x time.Time) bool { return !x.IsZero() && !x.Before(start) && x.Before(end) }
				want := store.CaseBucket{Start: start}
				var age float64
				for _, c := range all {
					if in(c.CreatedAt) {
						want.Opened++
					}
					if in(c.ResolvedAt) {
						want.Closed++
						age += c.ResolvedAt.Sub(c.CreatedAt).Hours()
						if !c.ResolvedAt.After(c.DueAt) {
							want.ClosedInSLA++
						}
					}
					if c.CreatedAt.Before(end) && (c.ResolvedAt.IsZero() || !c.ResolvedAt.Before(end)) {
						want.Open++
					}
				}
				for _, d := range decided {
					if in(d) {
						want.Automated++
					}
				}
				if want.Closed > 0 {
					want.AgeHours = age / float64(want.Closed)
				}
				if math.Abs(b.AgeHours-want.AgeHours) > 1e-6 {
					t.Errorf("span %v #%d: mean age %v, want %v", r.span, i, b.AgeHours, want.AgeHours)
				}
				b.AgeHours = want.AgeHours
				if !b.Start.Equal(want.Start) {
					t.Errorf("span %v #%d starts %v, want %v", r.span, i, b.Start, want.Start)
				}
				b.Start = want.Start
				if b != want {
					t.Errorf("span %v #%d:\n got %+v\nwant %+v", r.span, i, b, want)
				}
			}
		}
	})
}
