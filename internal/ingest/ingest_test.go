package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/bench"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func setup(t testing.TB, d store.Dialect) (*ingest.Service, string) {
	db := storetest.Open(t, d)
	deps := svc.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c, err := tenant.New(deps).CreateMarketplace(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "t"}, "bench")
	if err != nil {
		t.Fatal(err)
	}
	return ingest.New(deps), c.Marketplace.ID
}

func envelopes(t testing.TB, run string, n int) []event.Envelope {
	var in struct{ Events []event.Envelope }
	if err := json.Unmarshal(bench.IngestBodies(run, n, n, time.Now().Add(-time.Hour))[0], &in); err != nil {
		t.Fatal(err)
	}
	return in.Events
}

// TestAtomicConflictStoresNothing: in atomic mode an id reused for other
// content, found only inside the transaction, still rolls everything back.
func TestAtomicConflictStoresNothing(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			s, mp := setup(t, d)
			ctx := context.Background()
			evs := envelopes(t, "r", 3)
			if res, err := s.Ingest(ctx, mp, audit.Actor{}, evs[:1], true); err != nil || res.Accepted != 1 {
				t.Fatalf("%+v %v", res, err)
			}
			reused := evs[0]
			reused.Data = json.RawMessage(`{"account_id":"other","kind":"business"}`)
			res, err := s.Ingest(ctx, mp, audit.Actor{}, []event.Envelope{evs[1], evs[2], reused}, true)
			if err != ingest.ErrRejected || res.Accepted != 0 || len(res.Errors) != 1 || res.Errors[0].Index != 2 {
				t.Fatalf("%+v %v", res, err)
			}
			n, err := s.DB.Counts(ctx, mp)
			if err != nil || n.Events != 1 {
				t.Fatalf("events stored: %d %v", n.Events, err)
			}
		})
	}
}

// BenchmarkIngest measures stored events per second in batches of 500,
// without HTTP (vigil bench ingest measures over HTTP against a baseline).
func BenchmarkIngest(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			s, mp := setup(b, d)
			ctx := context.Background()
			const batch = 500
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				evs := envelopes(b, fmt.Sprintf("run%d", i), batch)
				b.StartTimer()
				if res, err := s.Ingest(ctx, mp, audit.Actor{}, evs, false); err != nil || res.Accepted != batch {
					b.Fatalf("%+v %v", res, err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
