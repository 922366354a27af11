package fraud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var actor = audit.Actor{Type: audit.ActorSystem, ID: "test"}

// env is a marketplace with an ingest service that maintains signals.
type env struct {
	d     svc.Deps
	mp    string
	ing   *ingest.Service
	fraud *fraud.Service
}

func newEnv(t testing.TB, db *store.DB, hooked bool) env {
	d := svc.New(db, slog.New(slog.DiscardHandler))
	c, err := tenant.New(d).CreateMarketplace(context.Background(), actor, "Bench")
	if err != nil {
		t.Fatal(err)
	}
	pol, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	e := env{d: d, mp: c.Marketplace.ID, ing: ingest.New(d), fraud: fraud.New(d, pol)}
	if hooked {
		e.ing.Hooks = append(e.ing.Hooks, e.fraud.IngestHook)
	}
	return e
}

func envelope(id, typ string, at time.Time, data map[string]any) event.Envelope {
	b, _ := json.Marshal(data)
	return event.Envelope{ID: id, Type: typ, OccurredAt: at, Data: b}
}

// marketBatch is a batch of n events of a busy marketplace: orders between
// many buyers and sellers, payment failures, logins.
func marketBatch(prefix string, n int, at time.Time) []event.Envelope {
	out := make([]event.Envelope, n)
	for i := range out {
		buyer, seller := fmt.Sprintf("b%d", i%997), fmt.Sprintf("s%d", i%101)
		id := fmt.Sprintf("%s-%d", prefix, i)
		switch i % 4 {
		case 0:
			out[i] = envelope(id, "order.created", at, map[string]any{"order_id": id, "buyer_id": buyer, "seller_id": seller,
				"amount": map[string]any{"amount": 2500 + i, "currency": "EUR"}})
		case 1:
			out[i] = envelope(id, "order.delivered", at, map[string]any{"order_id": id, "buyer_id": buyer, "seller_id": seller,
				"amount": map[string]any{"amount": 2500, "currency": "EUR"}})
		case 2:
			out[i] = envelope(id, "payment.failed", at, map[string]any{"account_id": buyer})
		default:
			out[i] = envelope(id, "login", at, map[string]any{"account_id": buyer, "ip": fmt.Sprintf("10.0.%d.%d", i%7, i%200)})
		}
	}
	return out
}

// BenchmarkIngestSignals measures events/s through ingestion with signal
// maintenance against plain ingestion, in the same run (SQLite, batches of
// 1,000). Report the ratio of the two ev/s figures.
func BenchmarkIngestSignals(b *testing.B) {
	for _, hooked := range []bool{false, true} {
		name := "baseline"
		if hooked {
			name = "signals"
		}
		b.Run(name, func(b *testing.B) {
			e := newEnv(b, storetest.Open(b, store.SQLite), hooked)
			at := time.Now().Add(-time.Hour)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := e.ing.Ingest(context.Background(), e.mp, actor, marketBatch(fmt.Sprint(i), 1000, at), false); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkAssess10k measures scoring one account with 10,000 events: the
// live assessment (state, cross-account context, signals, score) and a full
// recompute of its state from the stored events.
func BenchmarkAssess10k(b *testing.B) {
	e := newEnv(b, storetest.Open(b, store.SQLite), true)
	ctx := context.Background()
	at := time.Now().Add(-24 * time.Hour)
	for k := range 10 {
		batch := make([]event.Envelope, 1000)
		for i := range batch {
			id := fmt.Sprintf("e%d-%d", k, i)
			switch i % 3 {
			case 0:
				batch[i] = envelope(id, "order.created", at, map[string]any{"order_id": id, "buyer_id": "heavy", "seller_id": fmt.Sprintf("s%d", i%50),
					"amount": map[string]any{"amount": 2500, "currency": "EUR"}})
			case 1:
				batch[i] = envelope(id, "payment.failed", at, map[string]any{"account_id": "heavy"})
			default:
				batch[i] = envelope(id, "login", at, map[string]any{"account_id": "heavy"})
			}
		}
		if _, err := e.ing.Ingest(ctx, e.mp, actor, batch, false); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("assess", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.fraud.Assess(ctx, e.mp, "heavy"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("recompute", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.fraud.Recompute(ctx, actor, e.mp, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestIPBurstWindow checks the accounts-per-IP signal counts accounts first
// seen within one window of each other, not across a longer span.
func TestIPBurstWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, true)
		ctx := context.Background()
		base := time.Now().Add(-48 * time.Hour)
		// Four accounts on one IP 50 minutes apart: never more than two
		// in one hour. Then four within 30 minutes.
		var evs []event.Envelope
		for i := range 4 {
			evs = append(evs, envelope(fmt.Sprintf("slow%d", i), "account.upserted", base.Add(time.Duration(i)*50*time.Minute),
				map[string]any{"account_id": fmt.Sprintf("slow%d", i), "kind": "private", "ip": "203.0.113.9"}))
			evs = append(evs, envelope(fmt.Sprintf("fast%d", i), "account.upserted", base.Add(10*time.Hour+time.Duration(i)*10*time.Minute),
				map[string]any{"account_id": fmt.Sprintf("fast%d", i), "kind": "private", "ip": "203.0.113.10"}))
		}
		if _, err := e.ing.Ingest(ctx, e.mp, actor, evs, true); err != nil {
			t.Fatal(err)
		}
		for acc, want := range map[string]bool{"slow1": false, "slow3": false, "fast0": true, "fast3": true} {
			a, err := e.fraud.Assess(ctx, e.mp, acc)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range a.Signals {
				if s.Name == "ip.accounts_per_hour" && s.Fired != want {
					t.Errorf("%s: ip.accounts_per_hour fired=%v (%s), want %v", acc, s.Fired, s.Detail, want)
				}
			}
		}
	})
}

// TestPrescreenRejectionFindsSeller checks a pre-screen rejection that names
// only the listing counts against the listing's seller, incrementally and in
// a full recompute alike.
func TestPrescreenRejectionFindsSeller(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, true)
		ctx := context.Background()
		at := time.Now().Add(-time.Hour)
		evs := []event.Envelope{envelope("a", "account.upserted", at, map[string]any{"account_id": "seller", "kind": "business"})}
		for i := range 6 {
			id := fmt.Sprintf("l%d", i)
			evs = append(evs, envelope(id, "listing.upserted", at, map[string]any{"listing_id": id, "account_id": "seller", "title": "Phone " + id,
				"description": "x", "price": map[string]any{"amount": 1000, "currency": "EUR"}, "category": "phones"}),
				envelope("r"+id, "listing.rejected_prescreen", at.Add(time.Minute), map[string]any{"listing_id": id, "reason": "counterfeit"}))
		}
		if _, err := e.ing.Ingest(ctx, e.mp, actor, evs, true); err != nil {
			t.Fatal(err)
		}
		a, err := e.fraud.Assess(ctx, e.mp, "seller")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range a.Signals {
			if s.Name == "listing.prescreen_rejections" && (!s.Fired || len(s.EventIDs) != 6) {
				t.Fatalf("pre-screen rejections: %+v", s)
			}
		}
		if rc, err := e.fraud.Recompute(ctx, actor, e.mp, false); err != nil || len(rc.Differ) != 0 {
			t.Fatalf("recompute: %+v %v", rc, err)
		}
	})
}
