package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// TestAuditTrail reads item trails on both databases: several subjects'
// entries merged newest first, a keyed subject matching only the entries
// that name its value as that key (not another key, another case, or the
// same text inside a string; a value that JSON escapes too), an entry two
// subjects select listed once, pages before an entry, and only the chain
// asked for.
func TestAuditTrail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp, other := mkMarketplace(t, db, "a"), mkMarketplace(t, db, "b")
		actor := audit.Actor{Type: audit.ActorUser, ID: "mod"}
		// write appends entries in order: chain, action, subject type and
		// id, detail. Their actions name them in the checks below.
		write := func(entries ...[5]any) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				for i, e := range entries {
					if err := tx.Audit(ctx, e[0].(string), actor, e[1].(string), e[2].(string), e[3].(string), e[4], t0.Add(time.Duration(i)*time.Second)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		write(
			[5]any{mp, "filed", "account", "u1", map[string]any{"appeal_id": "ap1", "due_at": t0}},
			[5]any{mp, "case-held", "case", "c1", map[string]any{"decision_id": "d1"}},
			[5]any{mp, "other-appeal", "account", "u1", map[string]any{"appeal_id": "ap2"}},
			[5]any{mp, "upper-case", "account", "u1", map[string]any{"appeal_id": "AP1"}},
			[5]any{mp, "other-key", "account", "u1", map[string]any{"source_ref": "ap1"}},
			[5]any{mp, "quoted", "account", "u1", map[string]any{"reason": `I wrote "appeal_id":"ap1" here`}},
			[5]any{mp, "nested", "account", "u1", map[string]any{"evidence": map[string]any{"appeal_id": "ap1"}}},
			[5]any{mp, "elsewhere", "account", "u2", map[string]any{"appeal_id": "ap1"}},
			[5]any{other, "other-chain", "account", "u1", map[string]any{"appeal_id": "ap1"}},
			[5]any{mp, "both", "account", "u1", map[string]any{"appeal_id": "ap1", "source_ref": "ap1"}},
			[5]any{mp, "decided", "account", "u1", map[string]any{"appeal_id": "ap1", "outcome": "reverse"}},
			[5]any{mp, "escaped", "account", "u3", map[string]any{"ref": `<a&"b">`}},
		)
		actions := func(q store.AuditTrailQuery) []string {
			t.Helper()
			es, err := db.AuditTrail(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range es {
				if e.Chain != q.Chain {
					t.Errorf("entry %d of chain %q in a trail of %q", e.Seq, e.Chain, q.Chain)
				}
				out = append(out, e.Action)
			}
			return out
		}
		appeal := []store.AuditSubject{{Type: "account", ID: "u1", Key: "appeal_id", Value: "ap1"}, {Type: "account", ID: "u1", Key: "source_ref", Value: "ap1"}}
		for _, c := range []struct {
			name string
			q    store.AuditTrailQuery
			want []string
		}{
			{"an account's own entries", store.AuditTrailQuery{Chain: mp, Subjects: []store.AuditSubject{{Type: "account", ID: "u1"}}},
				[]string{"decided", "both", "nested", "quoted", "other-key", "upper-case", "other-appeal", "filed"}},
			{"an appeal's, named by two keys", store.AuditTrailQuery{Chain: mp, Subjects: appeal},
				[]string{"decided", "both", "nested", "other-key", "filed"}},
			{"merged with a case", store.AuditTrailQuery{Chain: mp, Subjects: append(appeal, store.AuditSubject{Type: "case", ID: "c1"})},
				[]string{"decided", "both", "nested", "other-key", "case-held", "filed"}},
			{"the newest two", store.AuditTrailQuery{Chain: mp, Subjects: appeal, Limit: 2}, []string{"decided", "both"}},
			{"the page before the fourth entry", store.AuditTrailQuery{Chain: mp, Subjects: appeal, Before: 4}, []string{"filed"}},
			{"the other chain", store.AuditTrailQuery{Chain: other, Subjects: appeal}, []string{"other-chain"}},
			{"a value JSON escapes", store.AuditTrailQuery{Chain: mp, Subjects: []store.AuditSubject{{Type: "account", ID: "u3", Key: "ref", Value: `<a&"b">`}}},
				[]string{"escaped"}},
			{"no subject", store.AuditTrailQuery{Chain: mp}, nil},
			{"no entries", store.AuditTrailQuery{Chain: mp, Subjects: []store.AuditSubject{{Type: "listing", ID: "u1"}}}, nil},
		} {
			if got := actions(c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// TestItemPageLinks reads what an item page links to, on both
// databases: an account's listings most recently updated first, its open
// and its closed cases, the cases on one of its targets, and the appeals
// against one of its decisions, each newest first and without other
// accounts' or marketplaces'.
func TestItemPageLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp, other := mkMarketplace(t, db, "a"), mkMarketplace(t, db, "b")
		listing := func(id, account string) string {
			return fmt.Sprintf(`{"listing_id":%q,"account_id":%q,"title":"Bike %s","description":"","price":{"amount":100,"currency":"EUR"},"category":"bikes"}`, id, account, id)
		}
		for i, l := range []struct {
			mp, id, account string
			at              time.Duration
		}{{mp, "l1", "u1", 2}, {mp, "l2", "u1", 3}, {mp, "l3", "u1", 1}, {mp, "l4", "u2", 4}, {other, "l5", "u1", 5}} {
			at := t0.Add(l.at * time.Hour)
			ingest(t, db, l.mp, parse(t, fmt.Sprint("ev", i), "listing.upserted", at, listing(l.id, l.account)))
		}
		ls, err := db.AccountListings(ctx, mp, "u1", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 2 || ls[0].ID != "l2" || ls[1].ID != "l1" || ls[0].Title != "Bike l2" || !ls[0].UpdatedAt.Equal(t0.Add(3*time.Hour)) {
			t.Errorf("u1's newest two listings: %+v", ls)
		}

		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for i, c := range []struct {
				mp, id, account, target, status string
			}{{mp, "c1", "u1", "l1", "resolved"}, {mp, "c2", "u1", "l2", "pending"}, {mp, "c3", "u1", "l1", "dismissed"}, {mp, "c4", "u1", "l1", "reviewing"},
				{mp, "c5", "u2", "l1", "resolved"}, {other, "c6", "u1", "l1", "resolved"}} {
				created := t0.Add(time.Duration(i) * time.Hour)
				k := store.Case{ID: c.id, MarketplaceID: c.mp, TargetType: "listing", TargetID: c.target, AccountID: c.account, Status: c.status,
					Source: "report", ReasonGroup: "fraud", PriorityDetail: []byte(`{}`), DueAt: created.Add(48 * time.Hour), CreatedAt: created, UpdatedAt: created}
				if err := tx.CreateCase(ctx, &k); err != nil {
					return err
				}
			}
			for i, a := range []struct {
				mp, id, account, subject string
			}{{mp, "a1", "u1", "c1"}, {mp, "a2", "u1", "c3"}, {mp, "a3", "u1", "c1"}, {mp, "a4", "u2", "c1"}, {other, "a5", "u1", "c1"}} {
				created := t0.Add(time.Duration(i) * time.Hour)
				if err := tx.InsertAppeal(ctx, store.Appeal{ID: a.id, MarketplaceID: a.mp, AccountID: a.account, SubjectType: "case", SubjectID: a.subject,
					Kind: "complaint", Status: "decided", DecidedAt: created, DueAt: created.Add(time.Hour), CreatedAt: created}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		ids := func(cs []store.Case, err error) []string {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.ID)
			}
			return out
		}
		for name, c := range map[string]struct{ got, want []string }{
			"open":            {ids(db.AccountCases(ctx, mp, "u1", true, 10)), []string{"c4", "c2"}},
			"closed":          {ids(db.AccountCases(ctx, mp, "u1", false, 10)), []string{"c3", "c1"}},
			"the newest open": {ids(db.AccountCases(ctx, mp, "u1", true, 1)), []string{"c4"}},
			"on l1":           {ids(db.TargetCases(ctx, mp, "u1", "listing", "l1", 10)), []string{"c4", "c3", "c1"}},
			"on a message":    {ids(db.TargetCases(ctx, mp, "u1", "message", "l1", 10)), nil},
		} {
			if !slices.Equal(c.got, c.want) {
				t.Errorf("%s: %v, want %v", name, c.got, c.want)
			}
		}
		as, err := db.DecisionAppeals(ctx, mp, "u1", "case", "c1", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 2 || as[0].ID != "a3" || as[1].ID != "a1" {
			t.Errorf("appeals against c1: %+v", as)
		}
	})
}
