package fraud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/risk"
	"github.com/vigil-ts/vigil/internal/store"
)

// Recomputed reports a full recompute of a marketplace's signal state.
type Recomputed struct {
	Events   int `json:"events"`
	Accounts int `json:"accounts"`
	// Differ lists the accounts whose stored state differed from the one
	// rebuilt from their events (none, unless state was lost or an event
	// was applied wrongly).
	Differ []string `json:"differ"`
	// Written is set when the rebuilt state replaced the stored one.
	Written bool `json:"written"`
}

// Recompute rebuilds every account's signal state of a marketplace from
// its stored events, from scratch, and compares it with the state
// maintained incrementally. With write set it replaces the stored state
// and marks every account for a score refresh.
func (s *Service) Recompute(ctx context.Context, actor audit.Actor, marketplaceID string, write bool) (Recomputed, error) {
	var res Recomputed
	states := map[string]*risk.State{}
	err := s.DB.ScanEvents(ctx, marketplaceID, func(se store.StoredEvent) error {
		ev, err := event.Parse(event.Envelope{ID: se.ID, Type: se.Type, OccurredAt: se.OccurredAt, Data: se.Data}, se.ReceivedAt)
		if err != nil {
			return fmt.Errorf("stored event %s: %w", se.ID, err)
		}
		res.Events++
		ts, err := touches(ctx, s.DB, marketplaceID, ev)
		if err != nil {
			return err
		}
		for _, t := range ts {
			st, ok := states[t.AccountID]
			if !ok {
				st = &risk.State{}
				states[t.AccountID] = st
			}
			st.Apply(ev, t.Role)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	ids := make([]string, 0, len(states))
	for id := range states {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	res.Accounts = len(ids)
	stored, err := s.DB.RiskStates(ctx, marketplaceID, ids)
	if err != nil {
		return res, err
	}
	rebuilt := make(map[string][]byte, len(ids))
	for _, id := range ids {
		b, err := json.Marshal(states[id])
		if err != nil {
			return res, err
		}
		rebuilt[id] = b
		if !sameJSON(stored[id], b) {
			res.Differ = append(res.Differ, id)
		}
	}
	if !write {
		return res, nil
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteRiskStates(ctx, marketplaceID); err != nil {
			return err
		}
		now := s.Now()
		for _, id := range ids {
			if err := tx.SaveRiskState(ctx, marketplaceID, id, rebuilt[id], now); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, marketplaceID, actor, "risk.recomputed", "marketplace", marketplaceID,
			map[string]any{"events": res.Events, "accounts": res.Accounts, "differ": len(res.Differ)}, now)
	})
	res.Written = err == nil
	return res, err
}

// sameJSON compares two JSON documents by their canonical form.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ca, _ := json.Marshal(x)
	cb, _ := json.Marshal(y)
	return bytes.Equal(ca, cb)
}

// RefreshArgs is the periodic job that refreshes dirty accounts' scores.
type RefreshArgs struct{}

// Kind names the job type.
func (RefreshArgs) Kind() string { return "risk_refresh" }

// refreshBatch bounds one job run; the next run takes the rest.
const refreshBatch = 500

// Worker returns the River worker for RefreshArgs.
func (s *Service) Worker() river.Worker[RefreshArgs] {
	return river.WorkFunc(func(ctx context.Context, _ *river.Job[RefreshArgs]) error {
		_, err := s.RefreshDirty(ctx, refreshBatch)
		return err
	})
}
