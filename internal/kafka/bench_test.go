package kafka_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/kafka"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// BenchmarkConsume measures events stored per second from a kfake topic
// of four partitions into SQLite, b.N events (run it with e.g.
// -benchtime=20000x): "serve" through the ingest service as vigil serve
// wires it (its hooks: checks, risk signals, enforcement, listings), as
// vigil bench ingest measures over HTTP; "ingest" through the bare
// service. The consumer has joined its group before the clock starts, and
// the records are produced while it consumes.
func BenchmarkConsume(b *testing.B) {
	b.Run("serve", func(b *testing.B) {
		a, err := app.Open(context.Background(), app.Config{DB: storetest.DSN(b, store.SQLite)}, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		_, mp := setup(b, a.DB)
		consume(b, a.Ingest, mp)
	})
	b.Run("ingest", func(b *testing.B) {
		ing, mp := setup(b, storetest.Open(b, store.SQLite))
		consume(b, ing, mp)
	})
}

func consume(b *testing.B, ing kafka.Ingester, mp string) {
	kc := newCluster(b, 4, "events")
	values := events(b, "bench", b.N+1)
	c := start(b, kafka.Config{Brokers: kc.addrs, Topic: "events", MarketplaceID: mp}, ing)
	kc.produce(b, records("events", values[b.N])...)
	eventually(b, "the consumer has joined", func() bool { return c.metric(b, "vigil_kafka_records_total") == 1 })
	recs := records("events", values[:b.N]...)
	b.ResetTimer()
	kc.produce(b, recs...)
	for c.metric(b, "vigil_kafka_records_total") < float64(b.N+1) {
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if got := c.metric(b, "vigil_kafka_events_stored_total"); got != float64(b.N+1) {
		b.Fatalf("%v events stored, want %d", got, b.N+1)
	}
	c.stop(b)
}
