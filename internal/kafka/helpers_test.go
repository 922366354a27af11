package kafka_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/bench"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/kafka"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
)

// cluster is an in-process Kafka with a producer and an admin client.
type cluster struct {
	addrs []string
	cl    *kgo.Client
	adm   *kadm.Client
}

// newCluster starts a one-broker kfake cluster with topics of the given
// number of partitions.
func newCluster(t testing.TB, partitions int32, topics ...string) *cluster {
	t.Helper()
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topics...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &cluster{addrs: kc.ListenAddrs(), cl: cl, adm: kadm.NewClient(cl)}
}

// produce writes records, keyed by event id when they have no key.
func (c *cluster) produce(t testing.TB, recs ...*kgo.Record) {
	t.Helper()
	if err := c.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// committed is the group's committed offset per partition of topic, for
// the partitions it has committed.
func (c *cluster) committed(t testing.TB, group, topic string) map[int32]int64 {
	t.Helper()
	os, err := c.adm.FetchOffsets(context.Background(), group)
	out := map[int32]int64{}
	if errors.Is(err, kerr.GroupIDNotFound) {
		return out // nothing committed yet
	}
	if err != nil {
		t.Fatal(err)
	}
	for p, o := range os[topic] {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.At >= 0 {
			out[p] = o.At
		}
	}
	return out
}

// ends is the end offset of every non-empty partition of topic.
func (c *cluster) ends(t testing.TB, topic string) map[int32]int64 {
	t.Helper()
	l, err := c.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	for p, o := range l[topic] {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.Offset > 0 {
			out[p] = o.Offset
		}
	}
	return out
}

// read consumes n records of topic from its start.
func (c *cluster) read(t testing.TB, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.addrs...), kgo.ConsumeTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %d of %d records of %s", len(out), n, topic)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

func sameOffsets(a, b map[int32]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for p, o := range a {
		if b[p] != o {
			return false
		}
	}
	return true
}

// setup makes the marketplace events are ingested for.
func setup(t testing.TB, db *store.DB) (*ingest.Service, string) {
	t.Helper()
	deps := svc.New(db, slog.New(slog.DiscardHandler))
	c, err := tenant.New(deps).CreateMarketplace(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "t"}, "Kafka")
	if err != nil {
		t.Fatal(err)
	}
	return ingest.New(deps), c.Marketplace.ID
}

// events are n valid event envelopes as record values, with ids run-0….
func events(t testing.TB, run string, n int) [][]byte {
	t.Helper()
	var out [][]byte
	for _, body := range bench.IngestBodies(run, n, event.MaxBatch, time.Now().Add(-time.Hour)) {
		var b struct{ Events []json.RawMessage }
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Events {
			out = append(out, e)
		}
	}
	return out
}

// records makes records of values keyed by their event id, so that the
// records of one id share a partition and keep their order.
func records(topic string, values ...[]byte) []*kgo.Record {
	out := make([]*kgo.Record, len(values))
	for i, v := range values {
		var id struct{ ID string }
		json.Unmarshal(v, &id)
		out[i] = &kgo.Record{Topic: topic, Key: []byte(id.ID), Value: v}
	}
	return out
}

// storedIDs are the ids of the marketplace's stored events, with how
// often each is stored.
func storedIDs(t testing.TB, db *store.DB, mp string) map[string]int {
	t.Helper()
	rows, err := db.R.Query(`SELECT id FROM events WHERE marketplace_id = $1`, mp)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ids := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// ingestFunc is an Ingester made of a function, to fail or crash.
type ingestFunc func(ctx context.Context, mp string, actor audit.Actor, batch []event.Envelope, atomic bool) (ingest.Result, error)

func (f ingestFunc) Ingest(ctx context.Context, mp string, actor audit.Actor, batch []event.Envelope, atomic bool) (ingest.Result, error) {
	return f(ctx, mp, actor, batch, atomic)
}

// running is a consumer running in the background.
type running struct {
	reg    *prometheus.Registry
	log    *syncBuffer
	cancel context.CancelFunc
	done   chan struct{}
}

// start runs a consumer of cfg; it is stopped when the test ends, if not
// before.
func start(t testing.TB, cfg kafka.Config, ing kafka.Ingester) *running {
	t.Helper()
	r := &running{reg: prometheus.NewRegistry(), log: &syncBuffer{}, done: make(chan struct{})}
	c, err := kafka.New(cfg, ing, obs.NewLogger(r.log, slog.LevelInfo), r.reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { c.Run(ctx); close(r.done) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels the consumer and waits for Run to return.
func (r *running) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	r.wait(t)
}

// wait waits for Run to return, by itself or stopped.
func (r *running) wait(t testing.TB) {
	t.Helper()
	if r.done == nil {
		return
	}
	select {
	case <-r.done:
		r.done = nil
	case <-time.After(20 * time.Second):
		t.Fatal("the consumer did not stop")
	}
}

// metric is the value of a metric in the consumer's registry, by name and
// label values in order.
func (r *running) metric(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	mfs, err := r.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for i, l := range m.GetLabel() {
				if i >= len(labels) || l.GetValue() != labels[i] {
					continue metrics
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			}
		}
	}
	t.Fatalf("no metric %s%v", name, labels)
	return 0
}

// eventually waits up to 30s for cond.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a log destination safe for the consumer's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)
