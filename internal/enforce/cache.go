package enforce

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/vigil-ts/vigil/internal/store"
)

// cache holds accounts' standings in memory for the capabilities answer,
// the hottest path (R-E4). The answer itself is computed from the
// standing at request time, so a sanction stops counting the instant it
// expires. A standing leaves the cache when it changes: in this process
// after the change commits, in the others through the database's
// notifications (Watch). While the notifications are not flowing the cache
// is bypassed, so no process serves a stale answer for long.
type cache struct {
	mu  sync.RWMutex
	m   map[cacheKey]Standing
	max int
	// seq counts drops: a standing loaded before a drop of any key is not
	// stored, since it may predate the change that caused the drop.
	seq  atomic.Uint64
	live atomic.Bool
}

type cacheKey struct{ marketplaceID, accountID string }

// newCache returns a cache; a live one serves from memory at once (one
// process on SQLite), else only once Watch hears the notifications.
func newCache(max int, live bool) *cache {
	if max <= 0 {
		max = 100_000
	}
	c := &cache{m: map[cacheKey]Standing{}, max: max}
	c.live.Store(live)
	return c
}

func (c *cache) get(k cacheKey) (Standing, bool) {
	if !c.live.Load() {
		return Standing{}, false
	}
	c.mu.RLock()
	st, ok := c.m[k]
	c.mu.RUnlock()
	return st, ok
}

// put stores a standing loaded when the drop counter read seq.
func (c *cache) put(k cacheKey, st Standing, seq uint64) {
	if !c.live.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq.Load() != seq {
		return
	}
	if len(c.m) >= c.max {
		// Evict an arbitrary tenth: map order is random, and a re-read is
		// one indexed query.
		n := c.max / 10
		for key := range c.m {
			if n <= 0 {
				break
			}
			delete(c.m, key)
			n--
		}
	}
	c.m[k] = st
}

func (c *cache) drop(marketplaceID, accountID string) {
	c.mu.Lock()
	c.seq.Add(1)
	delete(c.m, cacheKey{marketplaceID, accountID})
	c.mu.Unlock()
}

// reset empties the cache and sets whether it may be trusted.
func (c *cache) reset(live bool) {
	c.mu.Lock()
	c.seq.Add(1)
	c.live.Store(live)
	clear(c.m)
	c.mu.Unlock()
}

// Watch keeps this process's capabilities cache in step with changes made
// by other processes sharing the PostgreSQL database, until ctx ends. Run
// it in its own goroutine; on SQLite it returns at once.
func (s *Service) Watch(ctx context.Context) {
	s.cache.reset(s.DB.Dialect != store.Postgres)
	s.DB.Listen(ctx, store.EnforcementChannel, s.cache.reset, func(payload string) {
		if mp, acc, ok := strings.Cut(payload, "/"); ok {
			s.cache.drop(mp, acc)
		}
	})
}

// CacheLive reports whether capabilities are served from memory: always
// on SQLite, on PostgreSQL while Watch hears the notifications.
func (s *Service) CacheLive() bool { return s.cache.live.Load() }

// reader is what loading a standing needs, from the DB or a Tx.
type reader interface {
	EnforcementState(ctx context.Context, marketplaceID, accountID string) (store.EnforcementState, error)
	ActiveSanctions(ctx context.Context, marketplaceID, accountID string) ([]store.SanctionRow, error)
	FrozenOrders(ctx context.Context, marketplaceID, accountID string) ([]string, error)
}

// load builds a standing from its stored state.
func (s *Service) load(ctx context.Context, q reader, st store.EnforcementState) (Standing, error) {
	out := Standing{Tier: st.Tier, TierSince: st.TierSince, TerminationAt: st.TerminationAt, Version: st.Version, Sanctions: []Sanction{}}
	if st.Tier == "" {
		out.Tier = Clear
	}
	if out.Version == 0 && st.Tier == "" {
		return out, nil
	}
	rows, err := q.ActiveSanctions(ctx, st.MarketplaceID, st.AccountID)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		out.Sanctions = append(out.Sanctions, sanctionView(r))
	}
	// A scheduled ban starts by itself at its time (its sanction's
	// imposed_at); a scheduled block needs the tier set.
	out.TerminationTier = st.TerminationAction != "" && !banScheduled(rows, st.TerminationAction)
	if st.Frozen {
		if out.Frozen, err = q.FrozenOrders(ctx, st.MarketplaceID, st.AccountID); err != nil {
			return out, err
		}
	}
	return out, nil
}

func banScheduled(rows []store.SanctionRow, actionID string) bool {
	for _, r := range rows {
		if r.ActionID == actionID {
			return true
		}
	}
	return false
}

// Standing returns an account's standing, from memory when it can.
func (s *Service) Standing(ctx context.Context, marketplaceID, accountID string) (Standing, error) {
	k := cacheKey{marketplaceID, accountID}
	if st, ok := s.cache.get(k); ok {
		return st, nil
	}
	seq := s.cache.seq.Load()
	row, err := s.DB.EnforcementState(ctx, marketplaceID, accountID)
	if errors.Is(err, store.ErrNotFound) {
		row, err = store.EnforcementState{MarketplaceID: marketplaceID, AccountID: accountID}, nil
	}
	if err != nil {
		return Standing{}, err
	}
	st, err := s.load(ctx, s.DB, row)
	if err != nil {
		return Standing{}, err
	}
	s.cache.put(k, st, seq)
	return st, nil
}

// Capabilities answers what an account may do now (R-E4).
func (s *Service) Capabilities(ctx context.Context, marketplaceID, accountID string) (Capabilities, error) {
	st, err := s.Standing(ctx, marketplaceID, accountID)
	if err != nil {
		return Capabilities{}, err
	}
	return Compute(accountID, st, s.Now()), nil
}
