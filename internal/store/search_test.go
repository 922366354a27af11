package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// TestSearch finds accounts, listings and cases by exact id, cases by a
// report's reference, and accounts by a normalised email or phone, on
// both databases — only ever in the marketplace asked about, although the
// other one holds items with the same ids and contact points.
func TestSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp, other := mkMarketplace(t, db, "a"), mkMarketplace(t, db, "b")
		for _, m := range []string{mp, other} {
			ingest(t, db, m,
				parse(t, "e1", "account.upserted", t0, `{"account_id":"u1","kind":"private","email":"Ana@Example.com","phone":"+49 151 1234567"}`),
				parse(t, "e2", "account.upserted", t0, `{"account_id":"u2","kind":"private","email":"bo@example.com","phone":"+49 (151) 123-4567"}`),
				parse(t, "e3", "listing.upserted", t0, `{"listing_id":"l1","account_id":"u1","title":"Bike","description":"A bike","price":{"amount":100,"currency":"EUR"},"category":"bikes"}`))
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			c := store.Case{ID: "case-a", MarketplaceID: mp, TargetType: "account", TargetID: "reported", Status: "pending", Source: "report",
				ReasonGroup: "fraud", PriorityDetail: []byte(`{}`), DueAt: t0.Add(48 * time.Hour), RiskFrom: t0, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.CreateCase(ctx, &c); err != nil {
				return err
			}
			c.ID, c.MarketplaceID = "case-b", other
			if err := tx.CreateCase(ctx, &c); err != nil {
				return err
			}
			for _, r := range []store.Report{{ID: "r1", MarketplaceID: mp, Reference: "VR-AAAA-BBBB", CaseID: "case-a"},
				{ID: "r2", MarketplaceID: mp, Reference: "VR-AAAA-CCCC", CaseID: "case-a"},
				{ID: "r3", MarketplaceID: other, Reference: "VR-ZZZZ-ZZZZ", CaseID: "case-b"}} {
				r.TargetType, r.TargetID, r.Reason, r.ReasonGroup, r.ReporterID, r.ReporterType = "account", "reported", "scam", "fraud", "rep", "user"
				r.Fingerprint, r.Status, r.CreatedAt = "f", "open", t0
				if err := tx.CreateReport(ctx, r); err != nil {
					return err
				}
			}
			st, err := tx.LockEnforcement(ctx, db.Dialect, mp, "enforced", t0)
			if err != nil {
				return err
			}
			st.Tier, st.Version, st.UpdatedAt = "restricted", st.Version+1, t0
			if err := tx.SaveEnforcementState(ctx, st); err != nil {
				return err
			}
			// A clear standing never changed is no page of its own.
			_, err = tx.LockEnforcement(ctx, db.Dialect, mp, "untouched", t0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		search := func(q store.SearchQuery) []store.SearchHit {
			t.Helper()
			if q.MarketplaceID == "" {
				q.MarketplaceID = mp
			}
			hits, err := db.Search(ctx, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			return hits
		}
		for _, tc := range []struct {
			name string
			q    store.SearchQuery
			want []store.SearchHit
		}{
			{"account", store.SearchQuery{ID: "u1"}, []store.SearchHit{{Type: "account", ID: "u1", Via: "id"}}},
			{"enforced account", store.SearchQuery{ID: "enforced"}, []store.SearchHit{{Type: "account", ID: "enforced", Via: "id"}}},
			{"reported account", store.SearchQuery{ID: "reported"}, []store.SearchHit{{Type: "account", ID: "reported", Via: "id"}}},
			{"clear standing", store.SearchQuery{ID: "untouched"}, nil},
			{"listing", store.SearchQuery{ID: "l1"}, []store.SearchHit{{Type: "listing", ID: "l1", Via: "id"}}},
			{"case", store.SearchQuery{ID: "case-a"}, []store.SearchHit{{Type: "case", ID: "case-a", Via: "id"}}},
			{"ids are exact", store.SearchQuery{ID: "U1"}, nil},
			{"reference", store.SearchQuery{Reference: "VR-AAAA-CCCC"}, []store.SearchHit{{Type: "case", ID: "case-a", Via: "reference", Reference: "VR-AAAA-CCCC"}}},
			{"email", store.SearchQuery{Email: event.NormaliseIdentifier(event.IDEmail, " ANA@example.COM")},
				[]store.SearchHit{{Type: "account", ID: "u1", Via: "email"}}},
			{"shared phone", store.SearchQuery{Phone: event.NormaliseIdentifier(event.IDPhone, "+49 151-123 45 67")},
				[]store.SearchHit{{Type: "account", ID: "u1", Via: "phone"}, {Type: "account", ID: "u2", Via: "phone"}}},
			{"email is exact", store.SearchQuery{Email: "ana@example"}, nil},
			{"everything at once", store.SearchQuery{ID: "l1", Reference: "VR-AAAA-BBBB", Email: "bo@example.com"},
				[]store.SearchHit{{Type: "account", ID: "u2", Via: "email"}, {Type: "case", ID: "case-a", Via: "reference", Reference: "VR-AAAA-BBBB"},
					{Type: "listing", ID: "l1", Via: "id"}}},
			{"nothing asked", store.SearchQuery{}, nil},
			{"another marketplace's case", store.SearchQuery{ID: "case-b"}, nil},
			{"another marketplace's reference", store.SearchQuery{Reference: "VR-ZZZZ-ZZZZ"}, nil},
			{"in the other marketplace", store.SearchQuery{MarketplaceID: other, ID: "case-b", Reference: "VR-AAAA-BBBB"},
				[]store.SearchHit{{Type: "case", ID: "case-b", Via: "id"}}},
			{"limit", store.SearchQuery{Phone: "+491511234567", Limit: 1}, []store.SearchHit{{Type: "account", ID: "u1", Via: "phone"}}},
		} {
			if got := search(tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
			}
		}
	})
}
