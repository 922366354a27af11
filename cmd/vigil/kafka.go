package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/kafka"
	"github.com/vigil-ts/vigil/internal/store"
)

// kafkaFlags are serve's flags for ingesting events from Kafka.
type kafkaFlags struct {
	brokers, topic, group, marketplace, deadLetter *string
}

func defineKafkaFlags(fs *flag.FlagSet) kafkaFlags {
	return kafkaFlags{
		brokers:     fs.String("kafka-brokers", "", "ingest events from Kafka: seed brokers host:port,… (needs --kafka-topic and --kafka-marketplace)"),
		topic:       fs.String("kafka-topic", "", "Kafka topic whose records are event envelopes, one per record"),
		group:       fs.String("kafka-group", kafka.DefaultGroup, "Kafka consumer group; its committed offsets are where ingestion resumes"),
		marketplace: fs.String("kafka-marketplace", "", "id of the marketplace the Kafka events are ingested for"),
		deadLetter:  fs.String("kafka-dead-letter-topic", "", "Kafka topic that receives rejected records, with headers giving the error"),
	}
}

// config checks the flags before anything opens; nil when Kafka is off.
func (k kafkaFlags) config() (*kafka.Config, error) {
	var brokers []string
	for _, b := range strings.Split(*k.brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			brokers = append(brokers, b)
		}
	}
	if len(brokers) == 0 {
		if *k.topic != "" || *k.marketplace != "" || *k.deadLetter != "" {
			return nil, usageError{"--kafka-topic, --kafka-marketplace and --kafka-dead-letter-topic need --kafka-brokers"}
		}
		return nil, nil
	}
	switch {
	case *k.topic == "":
		return nil, usageError{"--kafka-brokers needs --kafka-topic: the topic to ingest events from"}
	case *k.marketplace == "":
		return nil, usageError{"--kafka-brokers needs --kafka-marketplace: the id of the marketplace the events are for"}
	case *k.group == "":
		return nil, usageError{"--kafka-group cannot be empty"}
	case *k.deadLetter == *k.topic:
		return nil, usageError{"--kafka-dead-letter-topic cannot be the topic consumed"}
	}
	return &kafka.Config{Brokers: brokers, Topic: *k.topic, Group: *k.group, MarketplaceID: *k.marketplace, DeadLetterTopic: *k.deadLetter}, nil
}

// startKafka starts ingesting from Kafka for the configured marketplace,
// which must exist. stop ends the consumer and waits for it.
func startKafka(ctx context.Context, a *app.App, cfg *kafka.Config) (stop func(), err error) {
	if cfg == nil {
		return func() {}, nil
	}
	if _, err := a.DB.Marketplace(ctx, cfg.MarketplaceID); errors.Is(err, store.ErrNotFound) {
		return nil, usageError{fmt.Sprintf("--kafka-marketplace %q: no such marketplace (vigil marketplace create NAME prints the id)", cfg.MarketplaceID)}
	} else if err != nil {
		return nil, err
	}
	cfg.Ingested = a.Metrics.Ingested
	c, err := kafka.New(*cfg, a.Ingest, a.Log, a.Metrics.Registry)
	if err != nil {
		return nil, err
	}
	kctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Run(kctx)
	}()
	return func() { cancel(); <-done }, nil
}
