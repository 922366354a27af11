// Package ingest accepts batches of marketplace events (R-T2, R-T3): it
// validates every item, stores the valid ones exactly once with their entity
// projections and one audit entry, all in one transaction, and reports per
// item what happened. An invalid item writes nothing; a replayed item is a
// duplicate that changes nothing; an id reused for different content is an
// error for that item.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// ErrRejected is returned in atomic mode when any item fails: nothing of the
// batch was stored.
var ErrRejected = errors.New("batch rejected")

// ErrTooMany is returned for a batch over event.MaxBatch.
var ErrTooMany = fmt.Errorf("a batch holds at most %d events", event.MaxBatch)

// ItemError says why one event of a batch was not accepted.
type ItemError struct {
	Index  int    `json:"index" doc:"Position of the event in the batch, from 0."`
	ID     string `json:"id" doc:"The event's id as sent."`
	Field  string `json:"field,omitempty" doc:"JSON path of the offending field, when one is at fault."`
	Detail string `json:"detail" doc:"What is wrong, in words."`
}

// Result reports a batch's outcome.
type Result struct {
	Accepted   int         `json:"accepted" doc:"Events stored by this request."`
	Duplicates int         `json:"duplicates" doc:"Events already stored by an earlier request with the same id and content; nothing changed."`
	Errors     []ItemError `json:"errors" doc:"Events not accepted, with the reason. Empty when every event was accepted or a duplicate."`
}

// Hook is told about the events a batch stores, inside the batch's
// transaction: it makes the state changes that must commit with them
// (image rows and their hashing jobs, signal state). It may return a
// function to run once the transaction has committed (to update in-memory
// indexes, which must not see events that were rolled back).
type Hook func(ctx context.Context, tx *store.Tx, marketplaceID string, stored []event.Event) (after func(), err error)

// Service ingests events.
type Service struct {
	svc.Deps
	// Hooks run, in order, for every batch that stores events.
	Hooks []Hook
}

// New returns a Service.
func New(d svc.Deps) *Service { return &Service{Deps: d} }

// Ingest validates and stores a batch for a marketplace. With atomic set,
// any failing item rejects the whole batch (ErrRejected, nothing stored);
// otherwise valid items are stored and failures reported per item.
func (s *Service) Ingest(ctx context.Context, marketplaceID string, actor audit.Actor, batch []event.Envelope, atomic bool) (Result, error) {
	res := Result{Errors: []ItemError{}}
	if len(batch) > event.MaxBatch {
		return res, ErrTooMany
	}
	now := s.Now()
	valid := make([]event.Event, 0, len(batch))
	index := make([]int, 0, len(batch))
	for i, env := range batch {
		ev, err := event.Parse(env, now)
		if err != nil {
			res.Errors = append(res.Errors, itemError(i, env.ID, err))
			continue
		}
		valid = append(valid, ev)
		index = append(index, i)
	}
	if atomic && len(res.Errors) > 0 {
		return res, ErrRejected
	}
	var afters []func()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		digest := sha256.New()
		var accepted []string
		var stored []event.Event
		afters = afters[:0]
		results, err := tx.InsertEvents(ctx, marketplaceID, valid, now)
		if err != nil {
			return err
		}
		for j, ev := range valid {
			switch results[j] {
			case store.EventDuplicate:
				res.Duplicates++
				continue
			case store.EventConflict:
				res.Errors = append(res.Errors, ItemError{Index: index[j], ID: ev.ID, Field: "id",
					Detail: "this id was already used for an event with different content; event ids must be unique"})
				continue
			}
			if err := tx.ApplyEvent(ctx, marketplaceID, ev); err != nil {
				return err
			}
			fmt.Fprintf(digest, "%s %s\n", ev.ID, ev.Hash())
			accepted = append(accepted, ev.ID)
			stored = append(stored, ev)
		}
		if atomic && len(res.Errors) > 0 {
			return ErrRejected
		}
		res.Accepted = len(accepted)
		if res.Accepted == 0 {
			return nil
		}
		for _, h := range s.Hooks {
			after, err := h(ctx, tx, marketplaceID, stored)
			if err != nil {
				return err
			}
			if after != nil {
				afters = append(afters, after)
			}
		}
		// One audit entry per batch: the digest covers every accepted
		// event's id and content, so the stored events are tamper-evident.
		detail := map[string]any{"accepted": res.Accepted, "first_id": accepted[0], "last_id": accepted[len(accepted)-1],
			"digest": hex.EncodeToString(digest.Sum(nil))}
		return tx.Audit(ctx, marketplaceID, actor, "events.ingested", "event_batch", accepted[0], detail, now)
	})
	if err != nil {
		res.Accepted = 0
		return res, err
	}
	for _, after := range afters {
		after()
	}
	return res, nil
}

func itemError(i int, id string, err error) ItemError {
	var fe *event.FieldError
	if errors.As(err, &fe) {
		return ItemError{Index: i, ID: id, Field: fe.Field, Detail: fe.Msg}
	}
	return ItemError{Index: i, ID: id, Detail: err.Error()}
}
