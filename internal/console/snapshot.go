package console

import (
	"context"
	"sync"
	"time"
)

// snapshots keeps the results of the console's aggregate reads — the
// dashboard's queue figures and history, the transparency report — for a
// short while. Those read every open case or every report of a period,
// which with a hundred thousand cases takes longer than a page may; a
// figure some seconds old is what a team expects of a dashboard, and the
// page says how old it is.
//
// A snapshot older than ttl is still served while one request refreshes
// it in the background, so that only the first read of a key waits for
// the query; one older than maxStale (after a quiet spell) is refreshed
// before it is served.
type snapshots struct {
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[string]*snapshot
}

// snapshot is one key's latest result. ready is closed once the first
// computation has ended, with val and at set, or err.
type snapshot struct {
	ready      chan struct{}
	val        any
	at         time.Time
	err        error
	refreshing bool
}

// maxSnapshots bounds the keys kept: a key names a marketplace and a
// period, and people may ask for any period.
const maxSnapshots = 256

// refreshTimeout bounds a background refresh, which no request waits for.
const refreshTimeout = 30 * time.Second

func newSnapshots(ttl time.Duration, now func() time.Time) *snapshots {
	return &snapshots{ttl: ttl, now: now, m: map[string]*snapshot{}}
}

// maxStale is the age beyond which a snapshot is not served stale.
func (s *snapshots) maxStale() time.Duration { return 10 * s.ttl }

// cached returns key's snapshot of compute and when it was taken. With no
// ttl it computes every time.
func cached[T any](ctx context.Context, s *snapshots, key string, compute func(context.Context) (T, error)) (T, time.Time, error) {
	var zero T
	if s == nil || s.ttl <= 0 {
		v, err := compute(ctx)
		return v, time.Time{}, err
	}
	run := func(ctx context.Context) (any, error) { return compute(ctx) }
	v, at, err := s.get(ctx, key, run)
	if err != nil {
		return zero, at, err
	}
	return v.(T), at, nil
}

func (s *snapshots) get(ctx context.Context, key string, compute func(context.Context) (any, error)) (any, time.Time, error) {
	s.mu.Lock()
	e, ok := s.m[key]
	if !ok {
		e = &snapshot{ready: make(chan struct{})}
		s.evict()
		s.m[key] = e
		s.mu.Unlock()
		return s.fill(ctx, key, e, compute)
	}
	s.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, time.Time{}, ctx.Err()
	}
	if e.err != nil {
		// The computation this caller waited for failed; the key is gone,
		// so the next request tries again.
		return nil, time.Time{}, e.err
	}
	s.mu.Lock()
	age := s.now().Sub(e.at)
	switch {
	case age > s.maxStale():
		s.mu.Unlock()
		v, err := compute(ctx)
		if err != nil {
			return nil, time.Time{}, err
		}
		at := s.now()
		s.store(e, v, at)
		return v, at, nil
	case age > s.ttl && !e.refreshing:
		e.refreshing = true
		go s.refresh(context.WithoutCancel(ctx), e, compute)
	}
	v, at := e.val, e.at
	s.mu.Unlock()
	return v, at, nil
}

// fill computes a new key's first snapshot and wakes those waiting for it.
func (s *snapshots) fill(ctx context.Context, key string, e *snapshot, compute func(context.Context) (any, error)) (any, time.Time, error) {
	defer close(e.ready)
	v, err := compute(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		e.err = err
		if s.m[key] == e {
			delete(s.m, key)
		}
		return nil, time.Time{}, err
	}
	e.val, e.at = v, s.now()
	return e.val, e.at, nil
}

// refresh recomputes a stale snapshot; on failure the old one stays until
// the next request past ttl tries again.
func (s *snapshots) refresh(ctx context.Context, e *snapshot, compute func(context.Context) (any, error)) {
	ctx, cancel := context.WithTimeout(ctx, refreshTimeout)
	defer cancel()
	v, err := compute(ctx)
	s.mu.Lock()
	e.refreshing = false
	s.mu.Unlock()
	if err == nil {
		s.store(e, v, s.now())
	}
}

// store replaces e's value unless a newer one is there already.
func (s *snapshots) store(e *snapshot, v any, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if at.After(e.at) {
		e.val, e.at = v, at
	}
}

// evict drops the oldest snapshot when the map is full; s.mu is held.
func (s *snapshots) evict() {
	if len(s.m) < maxSnapshots {
		return
	}
	var oldest string
	var at time.Time
	for k, e := range s.m {
		select {
		case <-e.ready:
		default:
			continue // still being computed
		}
		if oldest == "" || e.at.Before(at) {
			oldest, at = k, e.at
		}
	}
	delete(s.m, oldest)
}
