package kafka_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/kafka"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestConsumeStoresValidUniqueEvents: of valid events, replays of them and
// records that are not valid events, exactly the valid unique events are
// stored; the others are counted, logged without their content, copied to
// the dead-letter topic with the error, and committed past.
func TestConsumeStoresValidUniqueEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ing, mp := setup(t, db)
		kc := newCluster(t, 3, "events", "events-dead")
		valid := events(t, "ok", 60)
		at := time.Now().Add(-time.Minute).Format(time.RFC3339)
		conflict := strings.Replace(string(valid[6]), `"kind":"private"`, `"kind":"business"`, 1)
		if conflict == string(valid[6]) {
			t.Fatalf("event 6 is not an account: %s", valid[6])
		}
		// Each invalid record and why it is rejected.
		invalid := []struct {
			value  string
			reason string
			field  string
		}{
			{`{"id":"broken","type":`, kafka.ReasonDecode, ""},
			{``, kafka.ReasonDecode, ""},
			{"{\"id\":\"latin1\",\"type\":\"login\",\"occurred_at\":\"" + at + "\",\"data\":{\"account_id\":\"M\xfcller\"}}", kafka.ReasonDecode, ""},
			{`{"id":"extra","type":"account.upserted","occurred_at":"` + at + `","data":{"account_id":"u9","kind":"private","email":"secret.person@example.com"},"note":1}`, kafka.ReasonDecode, ""},
			{`[{"id":"array"}]`, kafka.ReasonDecode, ""},
			{`{"id":7,"type":"login","occurred_at":"` + at + `","data":{"account_id":"u7"}}`, kafka.ReasonDecode, "id"},
			{`{"id":"unknown-type","type":"listing.deleted","occurred_at":"` + at + `","data":{"listing_id":"l1"}}`, kafka.ReasonInvalid, "type"},
			{`{"id":"no-account","type":"listing.upserted","occurred_at":"` + at + `","data":{"listing_id":"l2","title":"Call secret.person@example.com"}}`, kafka.ReasonInvalid, "data.account_id"},
			{conflict, kafka.ReasonInvalid, "id"},
		}
		var recs []*kgo.Record
		recs = append(recs, records("events", valid...)...)
		recs = append(recs, records("events", valid[:10]...)...)
		for _, inv := range invalid {
			r := records("events", []byte(inv.value))[0]
			r.Headers = []kgo.RecordHeader{{Key: "trace-id", Value: []byte("t-1")}}
			recs = append(recs, r)
		}
		kc.produce(t, recs...)

		var ingested atomic.Int64
		c := start(t, kafka.Config{Brokers: kc.addrs, Topic: "events", MarketplaceID: mp, DeadLetterTopic: "events-dead",
			Ingested: func(n int) { ingested.Add(int64(n)) }}, ing)
		ends := kc.ends(t, "events")
		eventually(t, "every offset is committed", func() bool { return sameOffsets(kc.committed(t, kafka.DefaultGroup, "events"), ends) })

		ids := storedIDs(t, db, mp)
		if len(ids) != len(valid) {
			t.Errorf("%d events stored, want %d", len(ids), len(valid))
		}
		for i := range valid {
			if ids[fmt.Sprintf("ok-%d", i)] != 1 {
				t.Errorf("event ok-%d stored %d times", i, ids[fmt.Sprintf("ok-%d", i)])
			}
		}
		for name, want := range map[string]float64{"vigil_kafka_records_total": float64(len(recs)), "vigil_kafka_events_stored_total": 60,
			"vigil_kafka_duplicates_total": 10, "vigil_kafka_dead_lettered_total": float64(len(invalid)), "vigil_kafka_consumer_lag": 0} {
			if got := c.metric(t, name); got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
		for reason, want := range map[string]float64{kafka.ReasonDecode: 6, kafka.ReasonInvalid: 3} {
			if got := c.metric(t, "vigil_kafka_rejected_total", reason); got != want {
				t.Errorf("rejected %s = %v, want %v", reason, got, want)
			}
		}
		if ingested.Load() != 60 {
			t.Errorf("Ingested told of %d events, want 60", ingested.Load())
		}

		// The dead letters: the original record with the error.
		dead := kc.read(t, "events-dead", len(invalid))
		byValue := map[string]*kgo.Record{}
		for _, r := range dead {
			byValue[string(r.Value)] = r
		}
		for _, inv := range invalid {
			r := byValue[inv.value]
			if r == nil {
				t.Errorf("%q was not dead-lettered", inv.value)
				continue
			}
			h := map[string]string{}
			for _, kv := range r.Headers {
				h[kv.Key] = string(kv.Value)
			}
			var src *kgo.Record
			for _, s := range recs {
				if string(s.Value) == inv.value {
					src = s
				}
			}
			if h[kafka.HeaderError] == "" || h[kafka.HeaderReason] != inv.reason || h[kafka.HeaderErrorField] != inv.field ||
				h[kafka.HeaderSourceTopic] != "events" || h[kafka.HeaderSourcePartition] != fmt.Sprint(src.Partition) ||
				h[kafka.HeaderSourceOffset] != fmt.Sprint(src.Offset) || h[kafka.HeaderMarketplace] != mp || h["trace-id"] != "t-1" ||
				string(r.Key) != string(src.Key) {
				t.Errorf("dead letter of %q: key %q headers %v", inv.value, r.Key, h)
			}
		}

		c.stop(t)
		logs := c.log.String()
		if n := strings.Count(logs, `"msg":"record rejected"`); n != len(invalid) {
			t.Errorf("%d rejections logged, want %d:\n%s", n, len(invalid), logs)
		}
		if !strings.Contains(logs, `"field":"data.account_id"`) || !strings.Contains(logs, `"offset":`) || !strings.Contains(logs, `"partition":`) {
			t.Errorf("a rejection's log lacks where it was or what was wrong:\n%s", logs)
		}
		if strings.Contains(logs, "secret.person") {
			t.Errorf("a rejected record's content was logged:\n%s", logs)
		}
	})
}

// TestRejectedWithoutDeadLetterTopic: without a dead-letter topic a
// rejected record is still counted and committed past, not retried.
func TestRejectedWithoutDeadLetterTopic(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ing, mp := setup(t, db)
	kc := newCluster(t, 1, "events")
	kc.produce(t, records("events", []byte(`not json`), events(t, "ok", 1)[0])...)
	c := start(t, kafka.Config{Brokers: kc.addrs, Topic: "events", MarketplaceID: mp}, ing)
	eventually(t, "both offsets are committed", func() bool { return kc.committed(t, kafka.DefaultGroup, "events")[0] == 2 })
	if ids := storedIDs(t, db, mp); len(ids) != 1 || ids["ok-0"] != 1 {
		t.Errorf("stored %v", ids)
	}
	if got := c.metric(t, "vigil_kafka_rejected_total", kafka.ReasonDecode); got != 1 {
		t.Errorf("rejected %v", got)
	}
	if got := c.metric(t, "vigil_kafka_dead_lettered_total"); got != 0 {
		t.Errorf("dead-lettered %v with no dead-letter topic", got)
	}
}

// TestRedeliveryStoresEachEventOnce: a consumer stops right after a batch
// is stored but before its offsets are committed (a crash); a new consumer
// in the same group gets that batch again and the rest, and every event is
// stored exactly once, none missing.
func TestRedeliveryStoresEachEventOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ing, mp := setup(t, db)
		kc := newCluster(t, 2, "events")
		const n = 2500
		kc.produce(t, records("events", events(t, "ev", n)...)...)

		cfg := kafka.Config{Brokers: kc.addrs, Topic: "events", Group: "crashy", MarketplaceID: mp}
		var calls, stored, crashed int
		var first *running
		var mu sync.Mutex
		mu.Lock()
		first = start(t, cfg, ingestFunc(func(ctx context.Context, mp string, actor audit.Actor, batch []event.Envelope, atomic bool) (ingest.Result, error) {
			res, err := ing.Ingest(ctx, mp, actor, batch, atomic)
			mu.Lock()
			defer mu.Unlock()
			if calls++; calls < 2 || err != nil {
				stored += res.Accepted
				return res, err
			}
			// The second batch is durable, and the process dies before
			// committing it.
			crashed = res.Accepted
			first.cancel()
			return ingest.Result{}, errors.New("crashed after storing")
		}))
		mu.Unlock()
		first.wait(t)
		mu.Lock()
		if crashed == 0 || stored+crashed >= n {
			t.Fatalf("the crash came after %d calls, %d + %d events stored", calls, stored, crashed)
		}
		mu.Unlock()
		if got := len(storedIDs(t, db, mp)); got != stored+crashed {
			t.Fatalf("%d events stored before the restart, want %d", got, stored+crashed)
		}
		committed := 0
		for _, o := range kc.committed(t, cfg.Group, "events") {
			committed += int(o)
		}
		if committed != stored {
			t.Fatalf("%d offsets committed before the restart, want the %d of the committed batch", committed, stored)
		}

		second := start(t, cfg, ing)
		ends := kc.ends(t, "events")
		eventually(t, "every offset is committed", func() bool { return sameOffsets(kc.committed(t, cfg.Group, "events"), ends) })
		ids := storedIDs(t, db, mp)
		for i := range n {
			if c := ids[fmt.Sprintf("ev-%d", i)]; c != 1 {
				t.Errorf("event ev-%d stored %d times", i, c)
			}
		}
		if len(ids) != n {
			t.Errorf("%d events stored, want %d", len(ids), n)
		}
		if got := second.metric(t, "vigil_kafka_duplicates_total"); got != float64(crashed) {
			t.Errorf("the restarted consumer found %v duplicates, want the %d of the uncommitted batch", got, crashed)
		}
		if got := second.metric(t, "vigil_kafka_events_stored_total"); got != float64(n-stored-crashed) {
			t.Errorf("the restarted consumer stored %v events, want %d", got, n-stored-crashed)
		}
	})
}

// TestNoCommitWhileIngestFails: while the database refuses writes no
// offset is committed past the failing records, which are retried; once
// it recovers every event is stored and committed.
func TestNoCommitWhileIngestFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ing, mp := setup(t, db)
		kc := newCluster(t, 1, "events")
		const n = 2500
		kc.produce(t, records("events", events(t, "ev", n)...)...)

		// The database works for the first batch, then refuses writes
		// until the test lets it recover.
		const working, down, recovered = 0, 1, 2
		var state atomic.Int32
		var failures atomic.Int64
		var mu sync.Mutex
		stored := 0
		c := start(t, kafka.Config{Brokers: kc.addrs, Topic: "events", MarketplaceID: mp, MaxBackoff: 200 * time.Millisecond},
			ingestFunc(func(ctx context.Context, mp string, actor audit.Actor, batch []event.Envelope, atomic bool) (ingest.Result, error) {
				if state.Load() == down {
					failures.Add(1)
					return ingest.Result{}, errors.New("database is down")
				}
				res, err := ing.Ingest(ctx, mp, actor, batch, atomic)
				mu.Lock()
				stored += res.Accepted
				mu.Unlock()
				state.CompareAndSwap(working, down)
				return res, err
			}))
		eventually(t, "ingestion failed three times", func() bool { return failures.Load() >= 3 })
		mu.Lock()
		before := stored
		mu.Unlock()
		if before == 0 || before >= n {
			t.Fatalf("%d events stored before the failure", before)
		}
		for range 3 {
			if got := kc.committed(t, kafka.DefaultGroup, "events")[0]; got != int64(before) {
				t.Fatalf("committed offset %d while ingestion fails, want %d (the stored batch)", got, before)
			}
			time.Sleep(100 * time.Millisecond)
		}
		if got := len(storedIDs(t, db, mp)); got != before {
			t.Fatalf("%d events stored while ingestion fails, want %d", got, before)
		}
		if got := c.metric(t, "vigil_kafka_errors_total", "ingest"); got < 3 {
			t.Errorf("vigil_kafka_errors_total{op=ingest} = %v", got)
		}
		if got := c.metric(t, "vigil_kafka_consumer_lag"); got != float64(n-before) {
			t.Errorf("lag %v while ingestion fails, want %d", got, n-before)
		}

		state.Store(recovered)
		eventually(t, "every offset is committed", func() bool { return kc.committed(t, kafka.DefaultGroup, "events")[0] == n })
		ids := storedIDs(t, db, mp)
		for i := range n {
			if c := ids[fmt.Sprintf("ev-%d", i)]; c != 1 {
				t.Fatalf("event ev-%d stored %d times", i, c)
			}
		}
		if got := c.metric(t, "vigil_kafka_duplicates_total"); got != 0 {
			t.Errorf("%v duplicates: the failed batches stored something", got)
		}
		if got := c.metric(t, "vigil_kafka_consumer_lag"); got != 0 {
			t.Errorf("lag %v after catching up", got)
		}
	})
}

// TestNewRefusesBadConfig: what the consumer needs is checked up front.
func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []kafka.Config{
		{Topic: "t", MarketplaceID: "m"},
		{Brokers: []string{"127.0.0.1:1"}, MarketplaceID: "m"},
		{Brokers: []string{"127.0.0.1:1"}, Topic: "t"},
		{Brokers: []string{"127.0.0.1:1"}, Topic: "t", MarketplaceID: "m", DeadLetterTopic: "t"},
	} {
		if _, err := kafka.New(cfg, nil, nil, nil); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}
