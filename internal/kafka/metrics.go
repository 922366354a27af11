package kafka

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the consumer's Prometheus metrics.
type metrics struct {
	reg          prometheus.Registerer
	all          []prometheus.Collector
	records      prometheus.Counter
	stored       prometheus.Counter
	duplicates   prometheus.Counter
	rejected     *prometheus.CounterVec
	deadLettered prometheus.Counter
	errors       *prometheus.CounterVec
}

// newMetrics builds the metrics and registers them with reg, if not nil;
// lag is sampled at scrape time.
func newMetrics(reg prometheus.Registerer, lag func() float64) (*metrics, error) {
	m := &metrics{
		reg: reg,
		records: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_kafka_records_total", Help: "Kafka records consumed and committed: stored, duplicate or rejected.",
		}),
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_kafka_events_stored_total", Help: "Events from Kafka stored (duplicates excluded).",
		}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_kafka_duplicates_total", Help: "Kafka records whose event was already stored with the same id and content.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_kafka_rejected_total", Help: "Kafka records rejected: reason decode (not an event envelope) or invalid (failed validation, id reused).",
		}, []string{"reason"}),
		deadLettered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "vigil_kafka_dead_lettered_total", Help: "Rejected Kafka records copied to the dead-letter topic.",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_kafka_errors_total", Help: "Kafka consumer failures by operation (fetch, ingest, dead_letter, commit); failed batches are retried.",
		}, []string{"op"}),
	}
	for _, r := range []string{ReasonDecode, ReasonInvalid} {
		m.rejected.WithLabelValues(r)
	}
	for _, op := range []string{"fetch", "ingest", "dead_letter", "commit"} {
		m.errors.WithLabelValues(op)
	}
	m.all = []prometheus.Collector{m.records, m.stored, m.duplicates, m.rejected, m.deadLettered, m.errors,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vigil_kafka_consumer_lag", Help: "Records behind the partitions' high watermarks, over the partitions this process consumes.",
		}, lag)}
	if reg == nil {
		return m, nil
	}
	for i, c := range m.all {
		if err := reg.Register(c); err != nil {
			for _, done := range m.all[:i] {
				reg.Unregister(done)
			}
			return nil, err
		}
	}
	return m, nil
}

// unregister removes the metrics from the registry, so that another
// consumer may register its own.
func (m *metrics) unregister() {
	if m.reg == nil {
		return
	}
	for _, c := range m.all {
		m.reg.Unregister(c)
	}
}
