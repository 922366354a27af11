package appeal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Reviewer is the person deciding an appeal and the credential they act
// through.
type Reviewer struct {
	User store.User
	Via  audit.Actor
}

// Review is a reviewer's decision on an appeal.
type Review struct {
	Outcome string `json:"outcome" enum:"reverse,reduce,maintain,escalate"`
	// Reply is the reasoned reply the appellant receives; for escalate,
	// the note to the senior reviewer.
	Reply string `json:"reply" maxLength:"5000" doc:"The reasoned reply the appellant receives (at least 20 characters); for escalate, the note to the senior reviewer."`
}

// MayReview reports whether u may decide the appeal (nil) or why not, as
// Decide decides it: for tools that offer the outcome form only to those
// who may use it.
func MayReview(a Appeal, u store.User) error {
	return mayReview(store.Appeal{DecidedBy: a.DecidedBy, Status: a.Status, EscalatedBy: a.EscalatedBy}, Reviewer{User: u})
}

// mayReview decides whether a reviewer may decide an appeal (R-A3): a
// person with the appeals-reviewer role, never the one who took the
// appealed decision; an escalated appeal goes to a senior reviewer — an
// admin, or another appeals reviewer than the one who escalated it.
func mayReview(a store.Appeal, r Reviewer) error {
	u := r.User
	switch {
	case !u.DisabledAt.IsZero():
		return fmt.Errorf("%w: the reviewer's account is disabled", ErrForbidden)
	case a.DecidedBy != "" && a.DecidedBy == u.ID:
		return fmt.Errorf("%w: the moderator who took the decision cannot review its appeal", ErrForbidden)
	case a.Status == "escalated":
		if u.Role == "admin" || (u.Role == ReviewerRole && u.ID != a.EscalatedBy) {
			return nil
		}
		return fmt.Errorf("%w: an escalated appeal is decided by a senior reviewer (an admin, or another appeals reviewer)", ErrForbidden)
	case u.Role != ReviewerRole:
		return fmt.Errorf("%w: appeals are reviewed by appeals reviewers, not %s", ErrForbidden, strings.ReplaceAll(u.Role, "_", " "))
	}
	return nil
}

// Decide applies a reviewer's outcome to an appeal (R-A3, R-A4): reverse
// undoes the appealed decision, reduce lowers the tier by one, maintain
// keeps it, escalate hands the appeal to a senior reviewer with its due
// time unchanged. The outcome is applied to the ladder or sanction in the
// same transaction, audited and sent as appeal.decided with the reply.
func (s *Service) Decide(ctx context.Context, marketplaceID string, r Reviewer, id string, rev Review) (Appeal, error) {
	if !slices.Contains(Outcomes(), rev.Outcome) {
		return Appeal{}, fmt.Errorf("%w: outcome must be one of %s", ErrInvalid, strings.Join(Outcomes(), ", "))
	}
	rev.Reply = strings.TrimSpace(rev.Reply)
	if n := utf8.RuneCountInString(rev.Reply); n < minReply || n > maxPlan {
		return Appeal{}, fmt.Errorf("%w: a reasoned reply of %d to %d characters is required (got %d)", ErrInvalid, minReply, maxPlan, n)
	}
	if r.User.MarketplaceID != "" && r.User.MarketplaceID != marketplaceID {
		return Appeal{}, fmt.Errorf("reviewer %s: %w", r.User.ID, store.ErrNotFound)
	}
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.LockAppeal(ctx, s.DB.Dialect, marketplaceID, id)
		if err != nil {
			return err
		}
		if !a.Open() {
			return fmt.Errorf("%w: the appeal is already decided (%s)", ErrInvalid, a.Outcome)
		}
		if err := mayReview(a, r); err != nil {
			return err
		}
		now := s.Now()
		actor := audit.Actor{Type: audit.ActorUser, ID: r.User.ID}
		detail := map[string]any{"appeal_id": a.ID, "account_id": a.AccountID, "decision": Ref{a.SubjectType, a.SubjectID}, "outcome": rev.Outcome,
			"reply": rev.Reply, "via": r.Via, "at": now}
		if rev.Outcome == Escalate {
			if a.Status == "escalated" {
				return fmt.Errorf("%w: the appeal is already escalated", ErrInvalid)
			}
			a.Status, a.EscalatedBy, a.EscalationNote = "escalated", r.User.ID, rev.Reply
			if err := tx.UpdateAppeal(ctx, a); err != nil {
				return err
			}
			if err := tx.Audit(ctx, marketplaceID, actor, "appeal.escalated", "account", a.AccountID, detail, now); err != nil {
				return err
			}
			return s.notify(ctx, tx, marketplaceID, EventEscalate, map[string]any{"appeal_id": a.ID, "account_id": a.AccountID, "due_at": a.DueAt, "at": now})
		}
		by := enforce.Person(r.User, r.Via)
		by.Appeal = true
		actionID, err := s.apply(ctx, tx, marketplaceID, by, a, rev)
		if err != nil {
			return err
		}
		a.Status, a.Outcome, a.Reply, a.ReviewerID, a.ResolvedAt, a.ResultActionID = "decided", rev.Outcome, rev.Reply, r.User.ID, now, actionID
		if err := tx.UpdateAppeal(ctx, a); err != nil {
			return err
		}
		detail["result_action_id"] = actionID
		if err := tx.Audit(ctx, marketplaceID, actor, "appeal.decided", "account", a.AccountID, detail, now); err != nil {
			return err
		}
		delete(detail, "via")
		return s.notify(ctx, tx, marketplaceID, EventDecided, detail)
	})
	if err != nil {
		return Appeal{}, err
	}
	return s.Get(ctx, marketplaceID, id)
}

// apply carries an outcome out on the appealed decision and returns the
// enforcement action it took, if any.
func (s *Service) apply(ctx context.Context, tx *store.Tx, marketplaceID string, by enforce.Decider, a store.Appeal, rev Review) (string, error) {
	if rev.Outcome == Maintain {
		return "", nil
	}
	d := enforce.Decision{Reason: rev.Reply, Source: enforce.SourceAppeal, SourceRef: a.ID, Evidence: map[string]any{"appeal_id": a.ID}}
	switch a.SubjectType {
	case SubjectTier:
		st, err := tx.EnforcementState(ctx, marketplaceID, a.AccountID)
		if err != nil {
			return "", err
		}
		if st.TerminationAction == a.SubjectID {
			// Reversing or reducing a scheduled termination cancels it.
			act, err := s.Enforce.CancelTerminationTx(ctx, tx, marketplaceID, by, a.AccountID, d)
			return act.ID, err
		}
		appealed, err := tx.EnforcementAction(ctx, marketplaceID, a.SubjectID)
		if err != nil {
			return "", err
		}
		if st.Tier != appealed.ToTier {
			return "", fmt.Errorf("%w: the account moved to %s since; the appealed decision is no longer in force", ErrInvalid, st.Tier)
		}
		to := appealed.FromTier
		if rev.Outcome == Reduce {
			to = policy.Tiers()[enforce.Rank(st.Tier)-1]
		}
		if to == "" || enforce.Rank(to) >= enforce.Rank(st.Tier) {
			to = enforce.Clear
		}
		act, _, err := s.Enforce.SetTierTx(ctx, tx, marketplaceID, by, a.AccountID, to, d)
		return act.ID, err
	case SubjectSanction:
		if rev.Outcome == Reduce {
			return "", fmt.Errorf("%w: a sanction is reversed or maintained; reduce lowers a tier", ErrInvalid)
		}
		act, err := s.Enforce.LiftTx(ctx, tx, marketplaceID, by, a.AccountID, a.SubjectID, d)
		return act.ID, err
	}
	if rev.Outcome == Reduce {
		return "", fmt.Errorf("%w: a content decision is reversed or maintained; reduce lowers a tier", ErrInvalid)
	}
	return "", s.restore(ctx, tx, marketplaceID, by.Actor.ID, a, rev)
}

// restore reverses a content decision: a listing goes live again (the
// marketplace hears listing.status_changed); other content the
// marketplace restores on appeal.decided.
func (s *Service) restore(ctx context.Context, tx *store.Tx, marketplaceID, reviewerID string, a store.Appeal, rev Review) error {
	typ, id := "", ""
	switch a.SubjectType {
	case SubjectCase:
		c, err := tx.Case(ctx, marketplaceID, a.SubjectID)
		if err != nil {
			return err
		}
		typ, id = c.TargetType, c.TargetID
	case SubjectDecision:
		d, err := tx.Decision(ctx, marketplaceID, a.SubjectID)
		if err != nil {
			return err
		}
		typ, id = d.SubjectType, d.SubjectID
	}
	if typ != "listing" {
		return nil
	}
	_, err := s.Listings.Apply(ctx, tx, marketplaceID, id, listing.Move{To: listing.Approved, Actor: listing.ActorAppeal, ActorID: reviewerID,
		Reason: rev.Reply, Ref: a.ID})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // Vigil never saw the listing; the marketplace restores it on appeal.decided
	case errors.Is(err, listing.ErrForbidden), errors.Is(err, listing.ErrInvalid):
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return err
}

// SweepArgs is the periodic job that raises appeals' SLA alerts.
type SweepArgs struct{}

// Kind names the job for River.
func (SweepArgs) Kind() string { return "appeals_sweep" }

// Worker runs the sweep.
func (s *Service) Worker() river.Worker[SweepArgs] {
	return river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error {
		_, _, err := s.Sweep(ctx, 500)
		return err
	})
}

// Sweep raises, once each, the at-risk alert of open appeals with less than
// the policy's share of their SLA left and the breach of those past due
// (R-A2); breaches stay on the appeal for the statistics.
func (s *Service) Sweep(ctx context.Context, limit int) (atRisk, breached int, err error) {
	now := s.Now()
	due, err := s.DB.AppealsDue(ctx, now, limit)
	if err != nil {
		return 0, 0, err
	}
	system := audit.Actor{Type: audit.ActorSystem, ID: "sla"}
	for _, a0 := range due {
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			a, err := tx.LockAppeal(ctx, s.DB.Dialect, a0.MarketplaceID, a0.ID)
			if err != nil || !a.Open() {
				return err
			}
			data := map[string]any{"appeal_id": a.ID, "account_id": a.AccountID, "tier": a.Tier, "due_at": a.DueAt, "status": a.Status}
			if !now.Before(a.DueAt) && a.BreachedAt.IsZero() {
				a.BreachedAt = now
				if a.AtRiskAt.IsZero() {
					a.AtRiskAt = now
				}
				breached++
				if err := tx.Audit(ctx, a.MarketplaceID, system, "appeal.sla_breached", "account", a.AccountID, data, now); err != nil {
					return err
				}
				if err := s.notify(ctx, tx, a.MarketplaceID, EventBreached, data); err != nil {
					return err
				}
			} else if !now.Before(a.RiskFrom) && a.AtRiskAt.IsZero() {
				a.AtRiskAt = now
				atRisk++
				if err := s.notify(ctx, tx, a.MarketplaceID, EventAtRisk, data); err != nil {
					return err
				}
			}
			return tx.UpdateAppeal(ctx, a)
		})
		if err != nil {
			return atRisk, breached, fmt.Errorf("appeal %s: %w", a0.ID, err)
		}
	}
	return atRisk, breached, nil
}

// Stats are appeal figures over a period, for compliance reports (R-C3,
// R-C4).
type Stats struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Filed int       `json:"filed"`
	Open  int       `json:"open"`
	// Decided counts decided appeals by outcome.
	Decided   map[string]int `json:"decided"`
	ByTier    map[string]int `json:"by_tier" doc:"Appeals filed per tier whose SLA applied; complaints about content under \"content\"."`
	ByKind    map[string]int `json:"by_kind"`
	Reversed  float64        `json:"reversal_rate" doc:"Share of decided appeals reversed or reduced."`
	MedianHrs float64        `json:"median_handling_hours" doc:"Median time from filing to decision, decided appeals only."`
	WithinSLA float64        `json:"sla_compliance" doc:"Share of decided appeals decided by their due time."`
	Breached  int            `json:"breached"`
	// Business are the business users' complaints and appeals (P2B).
	Business BusinessStats `json:"business_users"`
}

// BusinessStats are the P2B complaint-handling figures.
type BusinessStats struct {
	Filed     int     `json:"filed"`
	Decided   int     `json:"decided"`
	Reversed  int     `json:"reversed"`
	MedianHrs float64 `json:"median_handling_hours"`
}

// Statistics computes the figures of appeals filed in [from, to).
func (s *Service) Statistics(ctx context.Context, marketplaceID string, from, to time.Time) (Stats, error) {
	rows, err := s.DB.AppealsFiled(ctx, marketplaceID, from, to)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{From: from, To: to, Filed: len(rows), Decided: map[string]int{}, ByTier: map[string]int{}, ByKind: map[string]int{}}
	var all, biz []time.Duration
	within, reversed := 0, 0
	for _, a := range rows {
		tier := a.Tier
		if tier == "" {
			tier = "content"
		}
		st.ByTier[tier]++
		st.ByKind[a.Kind]++
		if !a.BreachedAt.IsZero() {
			st.Breached++
		}
		if a.Business {
			st.Business.Filed++
		}
		if a.Open() {
			st.Open++
			continue
		}
		st.Decided[a.Outcome]++
		took := a.ResolvedAt.Sub(a.CreatedAt)
		all = append(all, took)
		if !a.ResolvedAt.After(a.DueAt) {
			within++
		}
		undone := a.Outcome == Reverse || a.Outcome == Reduce
		if undone {
			reversed++
		}
		if a.Business {
			st.Business.Decided++
			biz = append(biz, took)
			if undone {
				st.Business.Reversed++
			}
		}
	}
	if n := len(all); n > 0 {
		st.Reversed, st.WithinSLA = float64(reversed)/float64(n), float64(within)/float64(n)
	}
	st.MedianHrs, st.Business.MedianHrs = MedianHours(all), MedianHours(biz)
	return st, nil
}

// MedianHours is the median of durations, in hours; 0 for none.
func MedianHours(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	m := ds[len(ds)/2]
	if len(ds)%2 == 0 {
		m = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	return m.Hours()
}
