// Package kafka ingests a marketplace's events from a Kafka topic: each
// record's value is one event envelope, exactly one item of the
// POST /v1/events batch body, and it goes through the same validation and
// idempotency (internal/ingest). Delivery is at-least-once from Kafka —
// offsets are committed only once the records' events are durable — and
// ingestion is idempotent by event id, so every event is stored exactly
// once. Records that are not valid events are counted, logged without
// their payload, optionally copied to a dead-letter topic, and committed
// past: they never block their partition.
package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
)

// DefaultGroup is the consumer group used when Config.Group is empty.
const DefaultGroup = "vigil"

// pollRecords bounds one poll: its records are ingested in batches of at
// most event.MaxBatch, the POST /v1/events limit, while rebalances wait.
const pollRecords = 4 * event.MaxBatch

// batchTimeout bounds the work on one batch (ingest, dead-letter, commit),
// well under the group's rebalance timeout (60s), which waits for it.
const batchTimeout = 30 * time.Second

// Dead-letter record headers, beside the original record's own.
const (
	// HeaderError says why the record was rejected.
	HeaderError = "vigil-error"
	// HeaderErrorField is the JSON path of the field at fault, when one is.
	HeaderErrorField = "vigil-error-field"
	// HeaderReason is ReasonDecode or ReasonInvalid.
	HeaderReason = "vigil-error-reason"
	// HeaderSourceTopic, HeaderSourcePartition and HeaderSourceOffset say
	// where the record was read.
	HeaderSourceTopic     = "vigil-source-topic"
	HeaderSourcePartition = "vigil-source-partition"
	HeaderSourceOffset    = "vigil-source-offset"
	// HeaderMarketplace is the marketplace the record was read for.
	HeaderMarketplace = "vigil-marketplace"
)

// Why a record was rejected (the reason label of vigil_kafka_rejected_total).
const (
	// ReasonDecode: the value is not one event envelope JSON object.
	ReasonDecode = "decode"
	// ReasonInvalid: the event failed validation, or reuses an id for
	// different content.
	ReasonInvalid = "invalid"
)

// Ingester stores a batch of events as POST /v1/events does;
// *ingest.Service is one.
type Ingester interface {
	Ingest(ctx context.Context, marketplaceID string, actor audit.Actor, batch []event.Envelope, atomic bool) (ingest.Result, error)
}

// Config says what to consume and for which marketplace.
type Config struct {
	// Brokers are the seed brokers, host:port.
	Brokers []string
	// Topic holds the event records.
	Topic string
	// Group is the consumer group (DefaultGroup when empty); the group's
	// committed offsets are where a restarted consumer resumes.
	Group string
	// MarketplaceID is the marketplace every event is ingested for.
	MarketplaceID string
	// DeadLetterTopic, when set, receives a copy of each rejected record
	// with headers giving the error, before its offset is committed.
	DeadLetterTopic string
	// Ingested, if set, is told how many events each batch stored (the
	// server's vigil_events_ingested_total).
	Ingested func(n int)
	// MaxBackoff is the longest wait before retrying records whose
	// ingestion failed as a whole (default 30s); waits start at a
	// hundredth of it and double.
	MaxBackoff time.Duration
	// ClientOpts are further franz-go options (TLS, SASL, timeouts).
	ClientOpts []kgo.Opt
}

// Consumer ingests the records of one topic for one marketplace.
type Consumer struct {
	cfg     Config
	ing     Ingester
	log     *slog.Logger
	cl      *kgo.Client
	actor   audit.Actor
	metrics *metrics
	lag     *lag
	close   sync.Once
}

// New builds a consumer and registers its metrics with reg (none when
// reg is nil). It connects lazily: Run joins the group.
func New(cfg Config, ing Ingester, log *slog.Logger, reg prometheus.Registerer) (*Consumer, error) {
	switch {
	case len(cfg.Brokers) == 0:
		return nil, errors.New("kafka: no brokers")
	case cfg.Topic == "":
		return nil, errors.New("kafka: no topic")
	case cfg.MarketplaceID == "":
		return nil, errors.New("kafka: no marketplace")
	case cfg.DeadLetterTopic == cfg.Topic:
		return nil, errors.New("kafka: the dead-letter topic cannot be the topic consumed")
	}
	if cfg.Group == "" {
		cfg.Group = DefaultGroup
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 30 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Consumer{cfg: cfg, ing: ing, log: log.With("component", "kafka", "topic", cfg.Topic, "group", cfg.Group),
		actor: audit.Actor{Type: audit.ActorSystem, ID: "kafka:" + cfg.Topic}, lag: newLag()}
	m, err := newMetrics(reg, c.lag.total)
	if err != nil {
		return nil, err
	}
	c.metrics = m
	opts := append([]kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...),
		kgo.ClientID("vigil"),
		kgo.ConsumerGroup(cfg.Group),
		kgo.ConsumeTopics(cfg.Topic),
		// A new group, or one whose committed offset has gone with the
		// retention, reads every record still there: a duplicate costs
		// nothing, a missed event is lost.
		kgo.ConsumeStartOffset(kgo.NewOffset().AtStart()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		// Offsets are committed by hand once the events are durable, and
		// a rebalance waits until then, so no commit lands on a
		// partition this member no longer owns.
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.OnPartitionsRevoked(c.lag.forget),
		kgo.OnPartitionsLost(c.lag.forget),
		kgo.WithLogger(kgoLogger{c.log}),
	}, cfg.ClientOpts...)
	if c.cl, err = kgo.NewClient(opts...); err != nil {
		m.unregister()
		return nil, fmt.Errorf("kafka: %w", err)
	}
	return c, nil
}

// Run consumes until ctx is done, then finishes the batch in hand, leaves
// the group and closes the client. Failures are logged, counted and
// retried: nothing but ctx ends it.
func (c *Consumer) Run(ctx context.Context) {
	defer c.Close()
	c.log.Info("consuming", "brokers", c.cfg.Brokers, "marketplace", c.cfg.MarketplaceID, "dead_letter_topic", c.cfg.DeadLetterTopic)
	backoff := c.minBackoff()
	for ctx.Err() == nil {
		fetches := c.cl.PollRecords(ctx, pollRecords)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			break
		}
		fetchFailed := false
		fetches.EachError(func(topic string, partition int32, err error) {
			c.metrics.errors.WithLabelValues("fetch").Inc()
			c.log.Warn("fetch failed", "partition", partition, "error", err)
			fetchFailed = true
		})
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			if p.Err == nil {
				c.lag.high(p.Partition, p.HighWatermark)
			}
		})
		recs := fetches.Records()
		for _, r := range recs {
			c.lag.start(r.Partition, r.Offset)
		}
		failed := len(recs) == 0 && fetchFailed
		if len(recs) > 0 && !c.process(ctx, recs) {
			failed = true
		}
		c.cl.AllowRebalance()
		if !failed {
			backoff = c.minBackoff()
			continue
		}
		if !sleep(ctx, backoff) {
			break
		}
		backoff = min(2*backoff, c.cfg.MaxBackoff)
	}
	c.log.Info("stopped consuming")
}

// Close leaves the group and closes the client; Run calls it on return.
func (c *Consumer) Close() {
	c.close.Do(func() {
		c.cl.AllowRebalance()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.cl.LeaveGroupContext(ctx); err != nil {
			c.log.Warn("leaving the consumer group", "error", err)
		}
		c.cl.Close()
		c.metrics.unregister()
	})
}

func (c *Consumer) minBackoff() time.Duration { return max(c.cfg.MaxBackoff/100, time.Millisecond) }

// process ingests one poll's records in batches of at most event.MaxBatch,
// committing each batch once it is durable. When a batch fails it rewinds
// the partitions to the batch's first records, so that they and everything
// after them are fetched again, and reports false.
func (c *Consumer) process(ctx context.Context, recs []*kgo.Record) bool {
	for start := 0; start < len(recs); start += event.MaxBatch {
		if ctx.Err() != nil {
			return true // the rest is uncommitted: fetched again later
		}
		batch := recs[start:min(start+event.MaxBatch, len(recs))]
		// A batch begun is finished on shutdown: its events, its
		// dead letters and its commit.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batchTimeout)
		err := c.batch(bctx, batch)
		cancel()
		if err != nil {
			c.log.Error("ingesting records failed; they will be retried", "partition", batch[0].Partition,
				"offset", batch[0].Offset, "records", len(batch), "error", err)
			c.rewind(recs[start:])
			return false
		}
	}
	return true
}

// rejection is a record that is not a valid event.
type rejection struct {
	rec           *kgo.Record
	reason        string
	eventID       string
	field, detail string
}

// batch ingests one batch, dead-letters its rejected records and commits
// its offsets. An error means nothing was committed.
func (c *Consumer) batch(ctx context.Context, batch []*kgo.Record) error {
	envs := make([]event.Envelope, 0, len(batch))
	from := make([]int, 0, len(batch)) // envs[i] is batch[from[i]]
	var rejected []rejection
	for i, r := range batch {
		env, err := decode(r.Value)
		if err != nil {
			rej := rejection{rec: r, reason: ReasonDecode, detail: err.Error()}
			var fe *event.FieldError
			if errors.As(err, &fe) {
				rej.field, rej.detail = fe.Field, fe.Msg
			}
			rejected = append(rejected, rej)
			continue
		}
		envs = append(envs, env)
		from = append(from, i)
	}
	var res ingest.Result
	if len(envs) > 0 {
		var err error
		if res, err = c.ing.Ingest(ctx, c.cfg.MarketplaceID, c.actor, envs, false); err != nil {
			c.metrics.errors.WithLabelValues("ingest").Inc()
			return fmt.Errorf("ingest: %w", err)
		}
	}
	for _, e := range res.Errors {
		rejected = append(rejected, rejection{rec: batch[from[e.Index]], reason: ReasonInvalid, eventID: e.ID, field: e.Field, detail: e.Detail})
	}
	if len(rejected) > 0 && c.cfg.DeadLetterTopic != "" {
		if err := c.deadLetter(ctx, rejected); err != nil {
			c.metrics.errors.WithLabelValues("dead_letter").Inc()
			return fmt.Errorf("dead-letter topic %s: %w", c.cfg.DeadLetterTopic, err)
		}
	}
	// Everything of the batch is durable: its events in the database,
	// its rejected records logged and (when configured) dead-lettered.
	c.metrics.records.Add(float64(len(batch)))
	c.metrics.stored.Add(float64(res.Accepted))
	c.metrics.duplicates.Add(float64(res.Duplicates))
	if c.cfg.Ingested != nil && res.Accepted > 0 {
		c.cfg.Ingested(res.Accepted)
	}
	for _, r := range rejected {
		c.metrics.rejected.WithLabelValues(r.reason).Inc()
		// The problem and where the record is, never its content.
		c.log.Warn("record rejected", "partition", r.rec.Partition, "offset", r.rec.Offset, "reason", r.reason,
			"event_id", r.eventID, "field", r.field, "problem", r.detail, "dead_lettered", c.cfg.DeadLetterTopic != "")
	}
	if len(rejected) > 0 && c.cfg.DeadLetterTopic != "" {
		c.metrics.deadLettered.Add(float64(len(rejected)))
	}
	if err := c.cl.CommitRecords(ctx, batch...); err != nil {
		// Not fatal: the events are stored, and the records delivered
		// again are found duplicates. The next commit covers these.
		c.metrics.errors.WithLabelValues("commit").Inc()
		c.log.Warn("offset commit failed; the records may be delivered again", "error", err)
	}
	for _, r := range batch {
		c.lag.next(r.Partition, r.Offset+1)
	}
	return nil
}

// deadLetter produces a copy of each rejected record to the dead-letter
// topic, with its key, value, timestamp and headers, and headers giving
// the error and the record's origin.
func (c *Consumer) deadLetter(ctx context.Context, rejected []rejection) error {
	out := make([]*kgo.Record, len(rejected))
	for i, r := range rejected {
		h := append(make([]kgo.RecordHeader, 0, len(r.rec.Headers)+7), r.rec.Headers...)
		h = append(h,
			kgo.RecordHeader{Key: HeaderError, Value: []byte(r.detail)},
			kgo.RecordHeader{Key: HeaderReason, Value: []byte(r.reason)},
			kgo.RecordHeader{Key: HeaderSourceTopic, Value: []byte(r.rec.Topic)},
			kgo.RecordHeader{Key: HeaderSourcePartition, Value: []byte(strconv.Itoa(int(r.rec.Partition)))},
			kgo.RecordHeader{Key: HeaderSourceOffset, Value: []byte(strconv.FormatInt(r.rec.Offset, 10))},
			kgo.RecordHeader{Key: HeaderMarketplace, Value: []byte(c.cfg.MarketplaceID)})
		if r.field != "" {
			h = append(h, kgo.RecordHeader{Key: HeaderErrorField, Value: []byte(r.field)})
		}
		out[i] = &kgo.Record{Topic: c.cfg.DeadLetterTopic, Key: r.rec.Key, Value: r.rec.Value, Timestamp: r.rec.Timestamp, Headers: h}
	}
	return c.cl.ProduceSync(ctx, out...).FirstErr()
}

// rewind sets each partition of recs back to its first record there, so
// that the records are fetched again.
func (c *Consumer) rewind(recs []*kgo.Record) {
	to := map[string]map[int32]kgo.EpochOffset{}
	for _, r := range recs {
		ps := to[r.Topic]
		if ps == nil {
			ps = map[int32]kgo.EpochOffset{}
			to[r.Topic] = ps
		}
		if _, ok := ps[r.Partition]; !ok {
			ps[r.Partition] = kgo.EpochOffset{Epoch: r.LeaderEpoch, Offset: r.Offset}
		}
	}
	c.cl.SetOffsets(to)
}

// decode reads a record's value as one event envelope, the way an item of
// the POST /v1/events body is read: valid UTF-8 (the API refuses other
// bodies before decoding), a JSON object with the envelope's fields and no
// others (the API's schema allows no others), nothing after it. A field of
// the wrong type is an *event.FieldError. Validation proper is
// event.Parse, in Ingest.
func decode(value []byte) (event.Envelope, error) {
	var env event.Envelope
	if len(bytes.TrimSpace(value)) == 0 {
		return env, errors.New("the record has no value; want one event envelope JSON object")
	}
	if !utf8.Valid(value) {
		return env, errors.New("the record value is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// id or type: data takes any JSON, occurred_at fails as a time.
			return env, &event.FieldError{Field: te.Field, Msg: "must be a string, not " + te.Value}
		}
		return env, fmt.Errorf("not an event envelope: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return env, errors.New("not an event envelope: more data after the JSON object")
	}
	return env, nil
}

// sleep waits d or until ctx is done; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// lag tracks, per assigned partition, the high watermark last fetched and
// the next offset to ingest; their difference is the consumer lag.
type lag struct {
	mu        sync.Mutex
	watermark map[int32]int64
	offset    map[int32]int64
}

func newLag() *lag { return &lag{watermark: map[int32]int64{}, offset: map[int32]int64{}} }

func (l *lag) high(p int32, hw int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.watermark[p] = hw
}

// start notes where ingestion of p stands when it is not known yet.
func (l *lag) start(p int32, offset int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.offset[p]; !ok {
		l.offset[p] = offset
	}
}

func (l *lag) next(p int32, offset int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.offset[p] = offset
}

// forget drops partitions no longer assigned (OnPartitionsRevoked, Lost).
func (l *lag) forget(_ context.Context, _ *kgo.Client, lost map[string][]int32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ps := range lost {
		for _, p := range ps {
			delete(l.watermark, p)
			delete(l.offset, p)
		}
	}
}

// total is the records behind the high watermark over the partitions this
// consumer has ingested from.
func (l *lag) total() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	for p, next := range l.offset {
		n += max(l.watermark[p]-next, 0)
	}
	return float64(n)
}

// kgoLogger passes franz-go's warnings and errors (unreachable brokers,
// group errors) to the server's log.
type kgoLogger struct{ log *slog.Logger }

func (kgoLogger) Level() kgo.LogLevel { return kgo.LogLevelWarn }

func (l kgoLogger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	sl := slog.LevelWarn
	if level == kgo.LogLevelError {
		sl = slog.LevelError
	}
	l.log.Log(context.Background(), sl, msg, keyvals...)
}
