// Package outboxtest is the webhook edge for tests: a notifier that keeps
// what would be delivered instead of queueing it.
package outboxtest

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/vigil-ts/vigil/internal/store"
)

// Sent is one webhook a service queued, its data as the receiver would
// decode it.
type Sent struct {
	Type string
	Data map[string]any
}

// Recorder keeps the webhooks services queue. It is safe for concurrent
// use.
type Recorder struct {
	mu   sync.Mutex
	sent []Sent
}

// Notify records a webhook; it has the outbox's signature.
func (r *Recorder) Notify(_ context.Context, _ *store.Tx, _ string, typ string, data any) (int, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return 0, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, Sent{typ, m})
	return 1, nil
}

// Of returns the webhooks of one type so far, oldest first.
func (r *Recorder) Of(typ string) []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Sent
	for _, s := range r.sent {
		if s.Type == typ {
			out = append(out, s)
		}
	}
	return out
}

// All returns every webhook so far, oldest first.
func (r *Recorder) All() []Sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Sent(nil), r.sent...)
}
