package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var t0 = time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)

func mkMarketplace(t testing.TB, db *store.DB, slug string) string {
	t.Helper()
	id := "mp-" + slug
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.CreateMarketplace(context.Background(), store.Marketplace{ID: id, Name: slug, Slug: slug, CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func parse(t *testing.T, id, typ string, at time.Time, data string) event.Event {
	t.Helper()
	ev, err := event.Parse(event.Envelope{ID: id, Type: typ, OccurredAt: at, Data: json.RawMessage(data)}, at)
	if err != nil {
		t.Fatalf("parse %s: %v", id, err)
	}
	return ev
}

func ingest(t *testing.T, db *store.DB, mp string, evs ...event.Event) []store.EventInsert {
	t.Helper()
	var out []store.EventInsert
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		if out, err = tx.InsertEvents(context.Background(), mp, evs, t0); err != nil {
			return err
		}
		for i, ev := range evs {
			if out[i] == store.EventNew {
				if err := tx.ApplyEvent(context.Background(), mp, ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate must be a no-op: %v", err)
		}
		cur, latest, err := db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur == 0 {
			t.Fatalf("migration status %d/%d", cur, latest)
		}
	})
}

func TestEventsIdempotentAndOrdered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		newer := parse(t, "e2", "account.upserted", t0.Add(time.Hour), `{"account_id":"u1","kind":"business","email":"New@Example.com"}`)
		older := parse(t, "e1", "account.upserted", t0, `{"account_id":"u1","kind":"private","email":"old@example.com"}`)
		got := ingest(t, db, mp, newer, older)
		if got[0] != store.EventNew || got[1] != store.EventNew {
			t.Fatalf("first ingest: %v", got)
		}
		acc, err := db.Entity(ctx, mp, "account", "u1")
		if err != nil {
			t.Fatal(err)
		}
		if string(acc.Data) != `{"account_id":"u1","kind":"business","email":"New@Example.com"}` {
			t.Fatalf("an older event overwrote the newer state: %s", acc.Data)
		}
		if reg := acc.Fields["registered_at"].(time.Time); !reg.Equal(t0) {
			t.Fatalf("registered_at %v, want the earliest event %v", reg, t0)
		}
		// Replay: duplicates, nothing changes.
		if got := ingest(t, db, mp, older, newer); got[0] != store.EventDuplicate || got[1] != store.EventDuplicate {
			t.Fatalf("replay: %v", got)
		}
		// Same id, other content: conflict.
		other := parse(t, "e1", "account.upserted", t0, `{"account_id":"u1","kind":"private","email":"x@example.com"}`)
		if got := ingest(t, db, mp, other); got[0] != store.EventConflict {
			t.Fatalf("reused id: %v", got)
		}
		// Within one batch, across statement chunks: the first occurrence
		// of an id is stored, a repeat is a duplicate, a repeat with other
		// content a conflict.
		var batch []event.Event
		for i := range 250 {
			batch = append(batch, parse(t, fmt.Sprint("b", i), "account.upserted", t0, fmt.Sprintf(`{"account_id":"v%d","kind":"private"}`, i)))
		}
		batch = append(batch, batch[249], parse(t, "b150", "account.upserted", t0, `{"account_id":"other","kind":"private"}`), other)
		got = ingest(t, db, mp, batch...)
		for i, r := range got {
			want := store.EventNew
			switch i {
			case 250:
				want = store.EventDuplicate
			case 251, 252:
				want = store.EventConflict
			}
			if r != want {
				t.Fatalf("batch item %d: %v, want %v", i, r, want)
			}
		}
		evs, err := db.Events(ctx, store.EventsQuery{MarketplaceID: mp, AccountID: "u1"})
		if err != nil || len(evs) != 2 {
			t.Fatalf("events %v %v", len(evs), err)
		}
		ids, err := db.Identifiers(ctx, mp, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 2 || ids[0].Value != "new@example.com" || ids[1].Value != "old@example.com" {
			t.Fatalf("identifiers %+v", ids)
		}
		// An event's identifiers are stored in one statement: a repeated
		// one counts once, and each keeps its earliest and latest sighting.
		ingest(t, db, mp, parse(t, "f1", "account.upserted", t0.Add(time.Hour),
			`{"account_id":"u2","kind":"private","email":"u2@example.com","device_id":"d1","payment_fingerprints":["fp1","fp1","fp2"]}`),
			parse(t, "f2", "account.upserted", t0.Add(-time.Hour), `{"account_id":"u2","kind":"private","device_id":"d1"}`),
			parse(t, "f3", "account.upserted", t0, `{"account_id":"u2","kind":"private","device_id":"d1"}`))
		if ids, err = db.Identifiers(ctx, mp, "u2"); err != nil || fmt.Sprint(ids) != "[{u2 device d1} {u2 email u2@example.com} {u2 payment fp1} {u2 payment fp2}]" {
			t.Fatalf("identifiers of u2: %v, %v", ids, err)
		}
		var first, last int64
		if err := db.R.QueryRowContext(ctx, `SELECT first_seen, last_seen FROM account_identifiers WHERE marketplace_id = $1 AND account_id = 'u2' AND kind = 'device'`,
			mp).Scan(&first, &last); err != nil || time.Duration(last-first)*time.Microsecond != 2*time.Hour {
			t.Fatalf("device d1 seen from %d to %d (%v), want two hours apart", first, last, err)
		}
	})
}

func TestOrderStepsInAnyOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		data := `{"order_id":"o1","buyer_id":"b","seller_id":"s","amount":{"amount":1999,"currency":"EUR"}}`
		ingest(t, db, mp,
			parse(t, "o-shipped", "order.shipped", t0.Add(2*time.Hour), data),
			parse(t, "o-created", "order.created", t0, data),
			parse(t, "o-paid", "order.paid", t0.Add(time.Hour), data))
		o, err := db.Entity(ctx, mp, "order", "o1")
		if err != nil {
			t.Fatal(err)
		}
		if o.Fields["status"] != "shipped" {
			t.Fatalf("status %v, want shipped (newest step)", o.Fields["status"])
		}
		if c := o.Fields["created_at"].(time.Time); !c.Equal(t0) {
			t.Fatalf("created_at %v", c)
		}
		if s := o.Fields["shipped_at"].(time.Time); !s.Equal(t0.Add(2 * time.Hour)) {
			t.Fatalf("shipped_at %v", s)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := mkMarketplace(t, db, "a"), mkMarketplace(t, db, "b")
		ingest(t, db, a, parse(t, "same-id", "listing.upserted", t0, `{"listing_id":"l1","account_id":"u1","title":"Bike","description":"","price":{"amount":100,"currency":"EUR"},"category":"bikes"}`))
		// B may use the same event id without colliding with A.
		if got := ingest(t, db, b, parse(t, "same-id", "account.upserted", t0, `{"account_id":"u1","kind":"private"}`)); got[0] != store.EventNew {
			t.Fatalf("event ids must be per marketplace: %v", got)
		}
		if _, err := db.Entity(ctx, b, "listing", "l1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("B sees A's listing: %v", err)
		}
		if _, err := db.Entity(ctx, a, "listing", "l1"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAuditChainConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.AppendAudit(ctx, audit.Entry{Chain: mp, At: time.Now(), ActorType: audit.ActorSystem, ActorID: "test",
						Action: "test.append", SubjectType: "n", SubjectID: fmt.Sprint(i), Detail: "{}"})
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		v := audit.NewVerifier(mp)
		if err := db.ScanAudit(ctx, mp, v.Next); err != nil {
			t.Fatal(err)
		}
		seq, hash, err := db.AuditHead(ctx, mp)
		if err != nil {
			t.Fatal(err)
		}
		if v.Count != 40 || seq != 40 {
			t.Fatalf("verified %d entries, head %d", v.Count, seq)
		}
		if _, h := v.Head(); h != hash {
			t.Fatal("head hash differs from the last entry")
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			ev := parse(t, "e1", "account.upserted", t0, `{"account_id":"u1","kind":"private"}`)
			if _, err := tx.InsertEvents(ctx, mp, []event.Event{ev}, t0); err != nil {
				return err
			}
			if err := tx.ApplyEvent(ctx, mp, ev); err != nil {
				return err
			}
			if _, err := tx.AppendAudit(ctx, audit.Entry{Chain: mp, At: t0, Action: "x", Detail: "{}"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		n, err := db.Counts(ctx, mp)
		if err != nil {
			t.Fatal(err)
		}
		if n.Events != 0 || n.Accounts != 0 {
			t.Fatalf("rolled back transaction left %+v", n)
		}
		if seq, _, _ := db.AuditHead(ctx, mp); seq != 0 {
			t.Fatalf("audit head moved to %d", seq)
		}
	})
}

func TestUsersSessionsWebhooks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, store.User{ID: "u1", Username: "ana", PasswordHash: "h", Role: "admin", CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, store.User{ID: "u2", Username: "ana", PasswordHash: "h", Role: "agent", CreatedAt: t0})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate username: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CreateSession(ctx, store.Session{IDHash: "s1", UserID: "u1", CSRFToken: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
				return err
			}
			return tx.CreateWebhookSubscription(ctx, store.WebhookSubscription{ID: "w1", MarketplaceID: mp, URL: "https://x.example/h", Secret: "whsec_x", EventTypes: []string{"a.b"}, CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, u, err := db.SessionUser(ctx, "s1", t0.Add(time.Minute)); err != nil || u.Username != "ana" {
			t.Fatalf("session: %v %v", u, err)
		}
		if _, _, err := db.SessionUser(ctx, "s1", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session accepted: %v", err)
		}
		s, err := db.WebhookSubscription(ctx, mp, "w1")
		if err != nil || !s.Wants("a.b") || s.Wants("c.d") {
			t.Fatalf("subscription %+v %v", s, err)
		}
		if _, err := db.WebhookSubscription(ctx, "other", "w1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cross-tenant subscription read: %v", err)
		}
	})
}

func TestDecisionsAndPolicies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		d := store.Decision{ID: "d1", MarketplaceID: mp, Kind: "listing", SubjectType: "listing", SubjectID: "l1", AccountID: "u1",
			Outcome: "pending_review", Findings: []byte(`[{"code":"contact.phone"}]`), RuleHits: []byte(`[]`), Reasons: []byte(`[]`),
			Input: []byte(`{}`), PolicyVersion: 0, IdempotencyKey: "k1", CreatedAt: t0}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateDecision(ctx, d) }); err != nil {
			t.Fatal(err)
		}
		d.ID = "d2"
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CreateDecision(ctx, d) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("reused idempotency key: %v", err)
		}
		got, err := db.DecisionByIdempotencyKey(ctx, mp, "k1")
		if err != nil || got.ID != "d1" || string(got.Findings) != `[{"code":"contact.phone"}]` {
			t.Fatalf("%+v %v", got, err)
		}
		save := func(expect int64) (int64, error) {
			var v int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				v, err = tx.SavePolicyDocument(ctx, store.PolicyDocument{MarketplaceID: mp, Document: "x: 1", UpdatedAt: t0, UpdatedBy: "u"}, expect)
				return err
			})
			return v, err
		}
		if v, err := save(0); err != nil || v != 1 {
			t.Fatalf("first save: %d %v", v, err)
		}
		if _, err := save(0); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale first save: %v", err)
		}
		if v, err := save(1); err != nil || v != 2 {
			t.Fatalf("second save: %d %v", v, err)
		}
		if _, err := save(1); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("stale save: %v", err)
		}
		if v, err := save(-1); err != nil || v != 3 {
			t.Fatalf("forced save: %d %v", v, err)
		}
	})
}

// TestCasesQueue covers the queue's storage on both databases: one open
// case per target, keyset pages in priority and age order that neither
// skip nor repeat a case, filters, and the sweep's selection.
func TestCasesQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mp := mkMarketplace(t, db, "a")
		mk := func(id, target string, prio float64, created time.Time) store.Case {
			return store.Case{ID: id, MarketplaceID: mp, TargetType: "listing", TargetID: target, Status: "pending", Source: "report",
				ReasonGroup: "fraud", Priority: prio, PriorityDetail: []byte(`{}`), DueAt: created.Add(48 * time.Hour),
				RiskFrom: created.Add(36 * time.Hour), CreatedAt: created, UpdatedAt: created}
		}
		var want []string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range 25 {
				// Priorities repeat, so the pages must break ties by age and id.
				c := mk(fmt.Sprintf("c%02d", i), fmt.Sprintf("l%02d", i), float64(i%5), t0.Add(time.Duration(i)*time.Minute))
				if err := tx.CreateCase(ctx, &c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for p := 4; p >= 0; p-- {
			for i := range 25 {
				if i%5 == p {
					want = append(want, fmt.Sprintf("c%02d", i))
				}
			}
		}
		// A second open case for one target is refused; a closed one is not in the way.
		if err := db.InTx(ctx, func(tx *store.Tx) error { c := mk("dup", "l03", 9, t0); return tx.CreateCase(ctx, &c) }); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second open case for a target: %v", err)
		}
		for _, sort := range []string{"priority", "age"} {
			// walk pages through the queue from q's cursor, either way.
			walk := func(q store.CaseQuery) []string {
				var got []string
				for {
					page, err := db.Cases(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range page {
						got = append(got, c.ID)
					}
					if len(page) < q.Limit {
						return got
					}
					last := page[len(page)-1]
					q.AfterPriority, q.AfterCreated, q.AfterID = last.Priority, last.CreatedAt, last.ID
				}
			}
			q := store.CaseQuery{MarketplaceID: mp, Sort: sort, Limit: 7, Now: t0}
			got := walk(q)
			exp := want
			if sort == "age" {
				exp = nil
				for i := range 25 {
					exp = append(exp, fmt.Sprintf("c%02d", i))
				}
			}
			if !slices.Equal(got, exp) {
				t.Errorf("%s order over pages:\n got %v\nwant %v", sort, got, exp)
			}
			// Backward from the last case: the same order, reversed.
			last, err := db.Case(ctx, mp, exp[len(exp)-1])
			if err != nil {
				t.Fatal(err)
			}
			q.Backward, q.AfterPriority, q.AfterCreated, q.AfterID = true, last.Priority, last.CreatedAt, last.ID
			back := slices.Clone(exp[:len(exp)-1])
			slices.Reverse(back)
			if got := walk(q); !slices.Equal(got, back) {
				t.Errorf("%s order backward over pages:\n got %v\nwant %v", sort, got, back)
			}
		}
		c, err := db.OpenCaseFor(ctx, mp, "listing", "l03")
		if err != nil || c.ID != "c03" {
			t.Fatalf("open case of l03: %+v %v", c, err)
		}
		c.Status, c.ResolvedAt, c.AssigneeID = "resolved", t0.Add(time.Hour), "u1"
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { c := mk("c03b", "l03", 1, t0.Add(time.Hour)); return tx.CreateCase(ctx, &c) }); err != nil {
			t.Fatalf("new case after the old one closed: %v", err)
		}
		got, err := db.Case(ctx, mp, "c03")
		if err != nil || got.Status != "resolved" || got.AssigneeID != "u1" || !got.ResolvedAt.Equal(t0.Add(time.Hour)) || !got.RiskFrom.Equal(c.RiskFrom) {
			t.Fatalf("updated case: %+v %v", got, err)
		}
		if cs, err := db.Cases(ctx, store.CaseQuery{MarketplaceID: mp, Statuses: []string{"resolved"}, Now: t0}); err != nil || len(cs) != 1 {
			t.Fatalf("resolved filter: %v %v", cs, err)
		}
		// At t0+37h every case is at risk and none breached; at 49h+ all are breached.
		if cs, _ := db.Cases(ctx, store.CaseQuery{MarketplaceID: mp, SLA: "at_risk", Now: t0.Add(37 * time.Hour)}); len(cs) != 25 {
			t.Fatalf("at risk at 37h: %d", len(cs))
		}
		if cs, _ := db.Cases(ctx, store.CaseQuery{MarketplaceID: mp, SLA: "on_track", Now: t0.Add(time.Hour)}); len(cs) != 25 {
			t.Fatalf("on track at 1h: %d", len(cs))
		}
		if due, err := db.CasesDue(ctx, t0.Add(time.Hour), 100); err != nil || len(due) != 0 {
			t.Fatalf("due at 1h: %d %v", len(due), err)
		}
		if due, err := db.CasesDue(ctx, t0.Add(50*time.Hour), 100); err != nil || len(due) != 25 {
			t.Fatalf("due at 50h: %d %v", len(due), err)
		}
		st, err := db.QueueStats(ctx, mp, t0.Add(50*time.Hour))
		if err != nil || st.Open != 25 || st.Breached != 25 || st.ByGroup["fraud"] != 25 || st.Unassigned != 25 {
			t.Fatalf("stats %+v %v", st, err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CreateDecision(ctx, store.Decision{ID: "hist-d1", MarketplaceID: mp, Kind: "listing", SubjectType: "listing", SubjectID: "l01",
				AccountID: "a", Outcome: "approved", Findings: []byte("[]"), RuleHits: []byte("[]"), Reasons: []byte("[]"), Input: []byte("{}"), CreatedAt: t0})
		}); err != nil {
			t.Fatal(err)
		}
		days, err := db.CaseHistory(ctx, mp, t0.Truncate(24*time.Hour), 24*time.Hour, 2)
		if err != nil || days[0].Opened+days[1].Opened != 26 || days[0].Closed+days[1].Closed != 1 || days[0].Automated+days[1].Automated != 1 {
			t.Fatalf("history %+v %v", days, err)
		}
	})
}
