package cases

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// SweepArgs is the periodic job that releases expired claims and raises
// SLA alerts.
type SweepArgs struct{}

// Kind names the job for River.
func (SweepArgs) Kind() string { return "cases_sweep" }

// Worker runs the sweep.
func (s *Service) Worker() river.Worker[SweepArgs] {
	return river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error {
		_, err := s.Sweep(ctx, 500)
		return err
	})
}

// Swept counts what one sweep did.
type Swept struct {
	ClaimsExpired, AtRisk, Breached int
}

// Sweep looks at up to limit open cases due for attention: a claim that
// expired goes back to the queue; an SLA with less than the policy's share
// left raises an at-risk alert; a missed due time is recorded as a breach
// (counted, alerted, notified). Each case is its own transaction.
func (s *Service) Sweep(ctx context.Context, limit int) (Swept, error) {
	var out Swept
	now := s.Now()
	due, err := s.DB.CasesDue(ctx, now, limit)
	if err != nil {
		return out, err
	}
	system := audit.Actor{Type: audit.ActorSystem, ID: "sla"}
	for _, c0 := range due {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.LockCase(ctx, s.DB.Dialect, c0.MarketplaceID, c0.ID)
			if err != nil || !c.Open() {
				return err
			}
			if !c.ClaimExpiresAt.IsZero() && !c.ClaimExpiresAt.After(now) {
				if err := s.history(ctx, tx, c, system, "claim_expired", map[string]any{"assignee": c.AssigneeID,
					"claim_expired_at": c.ClaimExpiresAt}, now); err != nil {
					return err
				}
				c.AssigneeID, c.ClaimExpiresAt, c.Status = "", time.Time{}, "pending"
				out.ClaimsExpired++
			}
			breached := c.BreachedAt.IsZero() && !c.DueAt.After(now)
			if c.AtRiskAt.IsZero() && !c.RiskFrom.After(now) {
				c.AtRiskAt = now
				if !breached {
					out.AtRisk++
					if err := s.slaAlert(ctx, tx, c, "sla_at_risk", EventSLAAtRisk, now); err != nil {
						return err
					}
				}
			}
			if breached {
				c.BreachedAt = now
				out.Breached++
				if err := s.slaAlert(ctx, tx, c, "sla_breached", EventSLABreached, now); err != nil {
					return err
				}
			}
			c.UpdatedAt = now
			return tx.UpdateCase(ctx, c)
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// slaAlert records an SLA alert in the case's history, the console banner
// and a webhook.
func (s *Service) slaAlert(ctx context.Context, tx *store.Tx, c store.Case, kind, event string, now time.Time) error {
	what := map[string]string{"sla_at_risk": "At risk of missing its SLA", "sla_breached": "Missed its SLA"}[kind]
	detail := fmt.Sprintf("%s (due %s).", what, c.DueAt.Format("2006-01-02 15:04 MST"))
	if err := s.history(ctx, tx, c, audit.Actor{Type: audit.ActorSystem, ID: "sla"}, kind, map[string]any{"due_at": c.DueAt}, now); err != nil {
		return err
	}
	if err := s.alert(ctx, tx, c, kind, detail, now); err != nil {
		return err
	}
	return s.notify(ctx, tx, c.MarketplaceID, event, map[string]any{"case_id": c.ID, "due_at": c.DueAt, "reason_group": c.ReasonGroup,
		"target": Target{Type: c.TargetType, ID: c.TargetID}})
}
