package enforce

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

// SweepArgs is the periodic job that expires sanctions, carries out
// business terminations whose notice ran out, and runs the logistics
// rules over sellers whose fulfilment changed or who are over a rule.
type SweepArgs struct{}

// Kind names the job for River.
func (SweepArgs) Kind() string { return "enforcement_sweep" }

// Worker runs the sweep.
func (s *Service) Worker() river.Worker[SweepArgs] {
	return river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error {
		_, err := s.Sweep(ctx, 500)
		return err
	})
}

// Swept counts what one sweep did.
type Swept struct {
	Expired, Terminated, SellersChecked, Rechecks int
}

// Sweep does up to limit of each kind of work; each step is its own
// transaction, and a step another process did first is skipped.
func (s *Service) Sweep(ctx context.Context, limit int) (Swept, error) {
	var out Swept
	now := s.Now()
	due, err := s.DB.SanctionsDue(ctx, now, limit)
	if err != nil {
		return out, err
	}
	for _, r := range due {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			c, err := s.begin(ctx, tx, r.MarketplaceID, r.AccountID)
			if err != nil {
				return err
			}
			d := Decision{Reason: fmt.Sprintf("The %s ran its term.", r.Kind), Ground: "other", Source: SourceRule, SourceRef: r.ID}
			_, err = s.end(ctx, tx, c, Automation("expiry"), r.AccountID, r.ID, "expired", d)
			return err
		})
		if errors.Is(err, ErrInvalid) {
			continue // ended meanwhile
		}
		if err != nil {
			return out, fmt.Errorf("expire sanction %s: %w", r.ID, err)
		}
		out.Expired++
	}
	terms, err := s.DB.TerminationsDue(ctx, now, limit)
	if err != nil {
		return out, err
	}
	for _, t := range terms {
		if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return s.terminate(ctx, tx, t.MarketplaceID, t.AccountID) }); err != nil {
			return out, fmt.Errorf("terminate %s: %w", t.AccountID, err)
		}
		out.Terminated++
	}
	if out.Rechecks, err = s.rechecks(ctx, now, limit); err != nil {
		return out, err
	}
	dirty, err := s.DB.LogisticsDirty(ctx, limit)
	if err != nil {
		return out, err
	}
	crossed, err := s.DB.CrossedSellers(ctx, limit)
	if err != nil {
		return out, err
	}
	for _, d := range append(dirty, crossed...) {
		if err := s.CheckSeller(ctx, d.MarketplaceID, d.AccountID); err != nil {
			return out, fmt.Errorf("logistics rules for %s: %w", d.AccountID, err)
		}
		out.SellersChecked++
	}
	for _, d := range dirty {
		if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.ClearLogisticsDirty(ctx, d) }); err != nil {
			return out, err
		}
	}
	return out, nil
}

// EventRecheckDue asks the marketplace to re-check a business user's
// registration (the chamber of commerce), once a year by default.
const EventRecheckDue = "account.business_recheck_due"

// rechecks asks, once per verification, for the yearly business
// registration re-check (R-E7, enforcement.business_recheck_months).
func (s *Service) rechecks(ctx context.Context, now time.Time, limit int) (int, error) {
	due, err := s.DB.RechecksDue(ctx, now.AddDate(0, -1, 0), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range due {
		pol, err := s.policy(ctx, r.MarketplaceID)
		if err != nil {
			return n, err
		}
		dueAt := r.VerifiedAt.AddDate(0, pol.Enforcement.BusinessRecheckMonths, 0)
		if now.Before(dueAt) {
			continue
		}
		err = s.DB.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetRecheckReminded(ctx, r.MarketplaceID, r.AccountID, now); err != nil {
				return err
			}
			return s.notify(ctx, tx, r.MarketplaceID, EventRecheckDue, map[string]any{"account_id": r.AccountID, "verified_at": r.VerifiedAt, "due_at": dueAt})
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// terminate carries out a business user's termination once its notice
// period is over: a scheduled block moves the tier; a scheduled ban's
// sanction has started by itself, and only the frozen orders follow.
func (s *Service) terminate(ctx context.Context, tx *store.Tx, marketplaceID, accountID string) error {
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return err
	}
	if c.st.TerminationAt.IsZero() || c.st.TerminationAt.After(c.now) {
		return nil // cancelled or done meanwhile
	}
	scheduled, err := tx.EnforcementAction(ctx, marketplaceID, c.st.TerminationAction)
	if err != nil {
		return err
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "termination_effective", FromTier: c.st.Tier, ToTier: c.st.Tier,
		SanctionID: scheduled.SanctionID, SanctionKind: scheduled.SanctionKind, StatementID: scheduled.StatementID}
	if scheduled.SanctionID == "" {
		a.ToTier = Blocked
		c.st.Tier, c.st.TierSince = Blocked, c.st.TerminationAt
	}
	c.st.TerminationAt, c.st.TerminationAction = time.Time{}, ""
	d := Decision{Reason: "The notice period ended; the termination scheduled then takes effect.", Ground: scheduled.Ground,
		Source: scheduled.Source, SourceRef: scheduled.ID}
	if err := s.record(ctx, tx, c, Automation("termination"), &a, d); err != nil {
		return err
	}
	if err := s.notify(ctx, tx, marketplaceID, EventTierChanged, map[string]any{"account_id": accountID, "from": a.FromTier, "to": a.ToTier,
		"action_id": a.ID, "source": scheduled.Source, "scheduled_action_id": scheduled.ID, "statement_id": scheduled.StatementID, "at": c.now}); err != nil {
		return err
	}
	return s.commit(ctx, tx, c, a.ID)
}

// metric is a logistics rule's rate over a seller's fulfilment and the
// orders behind it.
func metric(f store.Fulfilment, name string) (float64, []string) {
	var ids []string
	switch name {
	case "late_shipment_rate":
		ids = f.Late
	case "cancellation_rate":
		ids = f.Cancelled
	case "refund_rate":
		ids = f.Refunded
	case "missing_tracking_rate":
		ids = f.Untracked
	}
	if f.Orders == 0 {
		return 0, ids
	}
	return float64(len(ids)) / float64(f.Orders), ids
}

// CheckSeller runs the logistics rules over a seller's fulfilment in the
// policy's window (R-E5). A rule crossed applies once: warn, impose its
// temporary sanction with the remedial path, or open a case recommending
// more for a person; it may apply again once the seller fell back under
// it.
func (s *Service) CheckSeller(ctx context.Context, marketplaceID, accountID string) error {
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil {
		return err
	}
	l := pol.Enforcement.Logistics
	now := s.Now()
	f, err := s.DB.Fulfilment(ctx, marketplaceID, accountID, now.Add(-l.Window.Std()))
	if err != nil {
		return err
	}
	crossed, err := s.DB.Crossings(ctx, marketplaceID, accountID)
	if err != nil {
		return err
	}
	// Most looks change nothing: only then is a write transaction needed.
	changes := false
	for _, r := range l.Rules {
		v, _ := metric(f, r.Metric)
		_, was := crossed[r.ID]
		changes = changes || (f.Orders >= l.MinOrders && v > r.Above) != was
	}
	if !changes {
		return nil
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range l.Rules {
			v, ids := metric(f, r.Metric)
			over := f.Orders >= l.MinOrders && v > r.Above
			_, was := crossed[r.ID]
			switch {
			case over && !was:
				won, err := tx.ClaimCrossing(ctx, store.Crossing{MarketplaceID: marketplaceID, AccountID: accountID, RuleID: r.ID, CrossedAt: now, Value: v})
				if err != nil || !won {
					return err
				}
				ref, err := s.applyRule(ctx, tx, marketplaceID, accountID, r, l, v, ids, f.Orders)
				if err != nil {
					return err
				}
				if err := tx.SetCrossingAction(ctx, marketplaceID, accountID, r.ID, ref); err != nil {
					return err
				}
			case !over && was:
				if err := tx.DeleteCrossing(ctx, marketplaceID, accountID, r.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// applyRule does what a crossed logistics rule says and returns the
// action or recommendation it produced.
func (s *Service) applyRule(ctx context.Context, tx *store.Tx, marketplaceID, accountID string, r policy.LogisticsRule, l policy.Logistics, v float64, ids []string, orders int) (string, error) {
	d := Decision{
		Reason: fmt.Sprintf("%d of the seller's %d orders in the last %s (%.0f%%) are over the %s limit of %.0f%%.",
			len(ids), orders, l.Window, v*100, r.Metric, r.Above*100),
		Ground: r.Ground, Source: SourceLogistics, SourceRef: r.ID,
		Evidence: map[string]any{"rule": r.ID, "metric": r.Metric, "value": v, "threshold": r.Above, "orders": orders, "order_ids": ids, "window": l.Window.String()},
	}
	by := Automation("logistics")
	switch r.Action {
	case "warn":
		return r.ID, s.Warn(ctx, tx, marketplaceID, by, accountID, d)
	case "sanction":
		a, _, err := s.ImposeTx(ctx, tx, marketplaceID, by, accountID, SanctionRequest{Kind: r.Sanction, Duration: r.Duration.String(),
			Class: Logistics, Remedial: r.Remedial, Decision: d})
		return a.ID, err
	}
	rec, err := s.Recommend(ctx, tx, marketplaceID, RecommendRequest{AccountID: accountID, Tier: r.Tier, Sanction: r.Sanction, Duration: r.Duration,
		Source: SourceLogistics, SourceRef: r.ID, Reason: d.Reason, Ground: r.Ground, Remedial: r.Remedial, Evidence: d.Evidence, By: by.Actor})
	if err != nil {
		return "", err
	}
	err = s.Holder.Hold(ctx, tx, check.Hold{MarketplaceID: marketplaceID, TargetType: "account", TargetID: accountID, AccountID: accountID,
		Source: "rule", Severity: policy.SeverityMedium, Codes: []string{"logistics." + r.ID},
		Reason: "Logistics rule " + r.ID + " recommends " + r.Tier + r.Sanction + ": " + d.Reason, At: s.Now()})
	return rec.ID, err
}
