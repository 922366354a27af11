package enforce

import (
	"context"
	"errors"

	"github.com/vigil-ts/vigil/internal/store"
)

// Topic is the change topic of accounts' standings; keys are
// "marketplace/account".
const Topic = "standing"

// The capabilities answer is the hottest path (R-E4): each process keeps
// accounts' standings in a change.Cache and computes the answer from the
// standing at request time, so a sanction stops counting the instant it
// expires. A change publishes the account on Topic in its transaction, so
// every process forgets it (see package change).

func cacheKey(marketplaceID, accountID string) string { return marketplaceID + "/" + accountID }

// Forget drops an account's standing ("marketplace/account") from memory;
// with Reset it lets a change.Watcher keep the cache in step.
func (s *Service) Forget(key string) { s.cache.Forget(key) }

// Reset empties the cache and sets whether it serves from memory.
func (s *Service) Reset(live bool) { s.cache.Reset(live) }

// CacheLive reports whether capabilities are served from memory: always
// on SQLite, on PostgreSQL while a change.Watcher listens.
func (s *Service) CacheLive() bool { return s.cache.Live() }

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
	k := cacheKey(marketplaceID, accountID)
	if st, ok := s.cache.Get(k); ok {
		return st, nil
	}
	seq := s.cache.Seq()
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
	s.cache.Put(k, st, seq)
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
