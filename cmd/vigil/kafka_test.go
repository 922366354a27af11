package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestServeKafkaFlagErrors: a Kafka configuration that cannot work stops
// serve at start-up with a usage error naming the flag.
func TestServeKafkaFlagErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--kafka-brokers", "127.0.0.1:9092"}, "--kafka-topic"},
		{[]string{"--kafka-brokers", "127.0.0.1:9092", "--kafka-topic", "events"}, "--kafka-marketplace"},
		{[]string{"--kafka-topic", "events", "--kafka-marketplace", "m"}, "need --kafka-brokers"},
		{[]string{"--kafka-brokers", " , ", "--kafka-topic", "events"}, "need --kafka-brokers"},
		{[]string{"--kafka-brokers", "127.0.0.1:9092", "--kafka-topic", "events", "--kafka-marketplace", "m", "--kafka-group", ""}, "--kafka-group"},
		{[]string{"--kafka-brokers", "127.0.0.1:9092", "--kafka-topic", "events", "--kafka-marketplace", "m", "--kafka-dead-letter-topic", "events"}, "--kafka-dead-letter-topic"},
		{[]string{"--kafka-brokers", "127.0.0.1:9092", "--kafka-topic", "events", "--kafka-marketplace", "no-such-id"}, `--kafka-marketplace "no-such-id": no such marketplace`},
	} {
		_, _, err := vigil(t, "", append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--workers", "0"}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), c.want) {
			t.Errorf("serve %v: %v (exit %d), want a usage error about %s", c.args, err, exitCode(err), c.want)
		}
	}
}

// TestServeIngestsFromKafka runs serve with a Kafka topic: a record
// produced there is an event the API shows, an invalid one is counted in
// /metrics, and serve still shuts down cleanly.
func TestServeIngestsFromKafka(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	mp := createMarketplace(t, db, "Kafka Cars")
	kc, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer kc.Close()
	brokers := strings.Join(kc.ListenAddrs(), ",")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--workers", "0",
			"--kafka-brokers", brokers, "--kafka-topic", "events", "--kafka-marketplace", mp.ID},
			func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	urlRe := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for base == "" && sc.Scan() {
		if m := urlRe.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" {
		t.Fatalf("serve did not start: %v", <-done)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	at := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	if err := cl.ProduceSync(ctx,
		&kgo.Record{Topic: "events", Value: []byte(`{"id":"k-1","type":"account.upserted","occurred_at":"` + at + `","data":{"account_id":"u1","kind":"private"}}`)},
		&kgo.Record{Topic: "events", Value: []byte(`{"id":"k-2"`)},
	).FirstErr(); err != nil {
		t.Fatal(err)
	}

	get := func(path string) string {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+mp.APIKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(get("/metrics"), "vigil_kafka_records_total 2") {
		if time.Now().After(deadline) {
			t.Fatalf("the records were not consumed:\n%s", get("/metrics"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if evs := get("/v1/events?account_id=u1"); !strings.Contains(evs, `"id":"k-1"`) {
		t.Errorf("the Kafka event is not listed: %s", evs)
	}
	metrics := get("/metrics")
	for _, want := range []string{"vigil_events_ingested_total 1", `vigil_kafka_rejected_total{reason="decode"} 1`, "vigil_kafka_events_stored_total 1"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	stopServe(t, cancel, done)
}
