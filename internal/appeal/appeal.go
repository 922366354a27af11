// Package appeal owns appeals and complaints (SPEC §7, R-C1, R-C3): a plan
// of action — root cause, corrective action, preventive measures —
// against an account's tier, a sanction, a case's content decision or an
// automated decision; the windows in which each may be filed; the SLA
// from filing, watched by a job; the review by an appeals reviewer who did
// not take the decision; the four outcomes applied to the ladder; and the
// statistics compliance reports need. Business users' complaints (P2B)
// and DSA complaints run through the same workflow.
package appeal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// Errors of this package; check them with errors.Is.
var (
	// ErrInvalid is a request that cannot be taken as it is.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden is a review the reviewer may not make (R-A3).
	ErrForbidden = errors.New("not allowed")
	// ErrClosed is an appeal filed outside its window.
	ErrClosed = errors.New("appeal window closed")
	// ErrDuplicate is a second open appeal of one decision, or an
	// idempotency key reused for a different appeal.
	ErrDuplicate = errors.New("already appealed")
)

// Webhook event types this package sends.
const (
	EventFiled    = "appeal.filed"
	EventDecided  = "appeal.decided"
	EventEscalate = "appeal.escalated"
	EventAtRisk   = "appeal.sla_at_risk"
	EventBreached = "appeal.sla_breached"
)

// The outcomes of a review (R-A4).
const (
	Reverse  = "reverse"
	Reduce   = "reduce"
	Maintain = "maintain"
	Escalate = "escalate"
)

// Outcomes lists the outcomes.
func Outcomes() []string { return []string{Reverse, Reduce, Maintain, Escalate} }

// Subject types: what an appeal is against.
const (
	SubjectTier     = "tier"
	SubjectSanction = "sanction"
	SubjectCase     = "case"
	SubjectDecision = "decision"
)

// Plan-of-action limits (Vigil's choice): enough to say something
// specific, short enough to read in a review.
const (
	minPlan = 20
	maxPlan = 5000
	// minReply is the shortest reasoned reply to an appellant.
	minReply = 20
)

// ReviewerRole is the role that reviews appeals (R-A3).
const ReviewerRole = "appeals_reviewer"

// Service is the appeals capability.
type Service struct {
	svc.Deps
	Policies *check.Policies
	Outbox   check.Notifier
	Enforce  *enforce.Service
	// Listings restores a listing a reversed decision took down.
	Listings *listing.Service
}

// New returns a Service.
func New(d svc.Deps, p *check.Policies, outbox check.Notifier, en *enforce.Service) *Service {
	return &Service{Deps: d, Policies: p, Outbox: outbox, Enforce: en, Listings: listing.New(d, p, outbox)}
}

// Ref names the decision appealed.
type Ref struct {
	Type string `json:"type" enum:"tier,sanction,case,decision" doc:"tier: the account's current tier (id: the enforcement action, optional); sanction: a sanction id; case: a closed case's content decision; decision: an automated check's decision."`
	ID   string `json:"id,omitempty" maxLength:"100"`
}

// Filing is an appeal as filed (R-A1).
type Filing struct {
	AccountID          string `json:"account_id" minLength:"1" maxLength:"200"`
	RootCause          string `json:"root_cause" maxLength:"5000" doc:"What specifically went wrong (at least 20 characters)."`
	CorrectiveAction   string `json:"corrective_action" maxLength:"5000" doc:"What has already been done to fix it (at least 20 characters)."`
	PreventiveMeasures string `json:"preventive_measures" maxLength:"5000" doc:"What will prevent it happening again (at least 20 characters)."`
	// Decision is what is appealed; none means the account's current tier.
	Decision *Ref `json:"decision,omitempty" doc:"The decision appealed; omitted, the account's current tier (or its scheduled termination)."`
}

// Appeal is an appeal as the marketplace's tooling and the console see it.
type Appeal struct {
	ID                 string    `json:"id"`
	AccountID          string    `json:"account_id"`
	Decision           Ref       `json:"decision"`
	Tier               string    `json:"tier,omitempty" doc:"The tier whose SLA applies."`
	Kind               string    `json:"kind" enum:"appeal,complaint" doc:"appeal: against an account restriction; complaint: against a content decision (DSA/P2B)."`
	BusinessUser       bool      `json:"business_user"`
	RootCause          string    `json:"root_cause"`
	CorrectiveAction   string    `json:"corrective_action"`
	PreventiveMeasures string    `json:"preventive_measures"`
	Status             string    `json:"status" enum:"open,escalated,decided"`
	Outcome            string    `json:"outcome,omitempty" enum:"reverse,reduce,maintain"`
	Reply              string    `json:"reply,omitempty"`
	DueAt              time.Time `json:"due_at"`
	AtRisk             bool      `json:"at_risk"`
	Breached           bool      `json:"breached"`
	DecidedAt          time.Time `json:"decision_taken_at" doc:"When the appealed decision was taken."`
	DecidedBy          string    `json:"decision_taken_by,omitempty" doc:"Who took the appealed decision; empty for automation."`
	ReviewerID         string    `json:"reviewer_id,omitempty"`
	EscalatedBy        string    `json:"escalated_by,omitempty"`
	EscalationNote     string    `json:"escalation_note,omitempty"`
	CreatedAt          time.Time `json:"created_at"`
	ResolvedAt         time.Time `json:"resolved_at,omitzero"`
	ResultActionID     string    `json:"result_action_id,omitempty"`
	// Replayed marks an answer to a retried request.
	Replayed bool `json:"-"`
}

// AppealStatus is what the appellant may see of an appeal: no reviewer, no
// original decider.
type AppealStatus struct {
	ID         string    `json:"id"`
	Status     string    `json:"status" enum:"open,escalated,decided"`
	DueAt      time.Time `json:"due_at"`
	Outcome    string    `json:"outcome,omitempty" enum:"reverse,reduce,maintain"`
	Reply      string    `json:"reply,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
}

func view(a store.Appeal, now time.Time) Appeal {
	return Appeal{ID: a.ID, AccountID: a.AccountID, Decision: Ref{Type: a.SubjectType, ID: a.SubjectID}, Tier: a.Tier, Kind: a.Kind,
		BusinessUser: a.Business, RootCause: a.RootCause, CorrectiveAction: a.CorrectiveAction, PreventiveMeasures: a.PreventiveMeasures,
		Status: a.Status, Outcome: a.Outcome, Reply: a.Reply, DueAt: a.DueAt, AtRisk: a.Open() && !now.Before(a.RiskFrom),
		Breached: !a.BreachedAt.IsZero() || (a.Open() && !now.Before(a.DueAt)), DecidedAt: a.DecidedAt, DecidedBy: a.DecidedBy,
		ReviewerID: a.ReviewerID, EscalatedBy: a.EscalatedBy, EscalationNote: a.EscalationNote, CreatedAt: a.CreatedAt,
		ResolvedAt: a.ResolvedAt, ResultActionID: a.ResultActionID}
}

func statusOf(a store.Appeal) AppealStatus {
	return AppealStatus{ID: a.ID, Status: a.Status, DueAt: a.DueAt, Outcome: a.Outcome, Reply: a.Reply, CreatedAt: a.CreatedAt, ResolvedAt: a.ResolvedAt}
}

func (s *Service) policy(ctx context.Context, marketplaceID string) (*policy.Policy, error) {
	return s.Policies.Policy(ctx, marketplaceID)
}

func (s *Service) notify(ctx context.Context, tx *store.Tx, marketplaceID, typ string, data any) error {
	return check.Send(ctx, s.Outbox, tx, marketplaceID, typ, data)
}

// plan checks one part of the plan of action.
func plan(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		return v, fmt.Errorf("%w: %s is required: the plan of action has three parts (R-A1)", ErrInvalid, field)
	case n < minPlan:
		return v, fmt.Errorf("%w: %s is too short (%d characters, at least %d): say specifically", ErrInvalid, field, n, minPlan)
	case n > maxPlan:
		return v, fmt.Errorf("%w: %s is longer than %d characters", ErrInvalid, field, maxPlan)
	}
	return v, nil
}

// subject is the decision an appeal is against, resolved.
type subject struct {
	typ, id   string
	tier      string
	decidedBy string
	decidedAt time.Time
	kind      string
	sla       time.Duration
	// closesAt is the end of the window to appeal.
	closesAt time.Time
}

// File files an appeal (R-A1, R-A2, R-A5): it resolves the decision
// appealed, checks its window, and stores the appeal with its due time,
// one open appeal per decision. A retry with the same idempotency key
// returns the first appeal.
func (s *Service) File(ctx context.Context, marketplaceID string, actor audit.Actor, req Filing, key string) (Appeal, error) {
	now := s.Now()
	if key != "" {
		a, err := s.DB.AppealByKey(ctx, marketplaceID, key)
		if err == nil {
			if a.AccountID != req.AccountID || a.RootCause != strings.TrimSpace(req.RootCause) {
				return Appeal{}, fmt.Errorf("%w: the idempotency key was used for another appeal", ErrDuplicate)
			}
			v := view(a, now)
			v.Replayed = true
			return v, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return Appeal{}, err
		}
	}
	a := store.Appeal{ID: s.NewID(), MarketplaceID: marketplaceID, AccountID: strings.TrimSpace(req.AccountID), Status: "open",
		IdempotencyKey: key, CreatedAt: now}
	var err error
	if a.RootCause, err = plan("root_cause", req.RootCause); err != nil {
		return Appeal{}, err
	}
	if a.CorrectiveAction, err = plan("corrective_action", req.CorrectiveAction); err != nil {
		return Appeal{}, err
	}
	if a.PreventiveMeasures, err = plan("preventive_measures", req.PreventiveMeasures); err != nil {
		return Appeal{}, err
	}
	if a.AccountID == "" {
		return Appeal{}, fmt.Errorf("%w: account_id is required", ErrInvalid)
	}
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil {
		return Appeal{}, err
	}
	ref := Ref{Type: SubjectTier}
	if req.Decision != nil {
		ref = *req.Decision
	}
	sub, err := s.resolve(ctx, marketplaceID, a.AccountID, ref, pol)
	if err != nil {
		return Appeal{}, err
	}
	if !now.Before(sub.closesAt) {
		return Appeal{}, fmt.Errorf("%w: this decision could be appealed until %s", ErrClosed, sub.closesAt.Format(time.RFC3339))
	}
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, a.AccountID)
	if err != nil {
		return Appeal{}, err
	}
	a.SubjectType, a.SubjectID, a.Tier, a.DecidedBy, a.DecidedAt, a.Kind = sub.typ, sub.id, sub.tier, sub.decidedBy, sub.decidedAt, sub.kind
	a.Business = facts.Kind == "business"
	a.DueAt = now.Add(sub.sla)
	a.RiskFrom = a.DueAt.Add(-time.Duration(float64(sub.sla) * pol.Reports.AtRisk))
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertAppeal(ctx, a); err != nil {
			return err
		}
		detail := map[string]any{"appeal_id": a.ID, "decision": Ref{a.SubjectType, a.SubjectID}, "tier": a.Tier, "kind": a.Kind, "due_at": a.DueAt}
		if err := tx.Audit(ctx, marketplaceID, actor, "appeal.filed", "account", a.AccountID, detail, now); err != nil {
			return err
		}
		detail["account_id"], detail["business_user"] = a.AccountID, a.Business
		return s.notify(ctx, tx, marketplaceID, EventFiled, detail)
	})
	if errors.Is(err, store.ErrConflict) {
		if key != "" {
			if a2, err2 := s.DB.AppealByKey(ctx, marketplaceID, key); err2 == nil {
				v := view(a2, now)
				v.Replayed = true
				return v, nil
			}
		}
		return Appeal{}, fmt.Errorf("%w: this decision has an open appeal; it is decided before another is filed", ErrDuplicate)
	}
	if err != nil {
		return Appeal{}, err
	}
	return view(a, now), nil
}

// resolve finds the decision a reference names and its window and SLA.
func (s *Service) resolve(ctx context.Context, marketplaceID, accountID string, ref Ref, pol *policy.Policy) (subject, error) {
	ap := pol.Appeals
	slaOf := func(tier string) time.Duration {
		if d, ok := ap.SLA[tier]; ok && d > 0 {
			return d.Std()
		}
		return ap.ComplaintSLA.Std()
	}
	complaintWindow := func(at time.Time) time.Time { return at.AddDate(0, ap.ComplaintWindowMonths, 0) }
	actorOf := func(a store.EnforcementAction) string {
		if a.ActorType == audit.ActorUser {
			return a.ActorID
		}
		return ""
	}
	switch ref.Type {
	case SubjectTier:
		st, err := s.DB.EnforcementState(ctx, marketplaceID, accountID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && st.Tier == enforce.Clear && st.TerminationAt.IsZero()) {
			return subject{}, fmt.Errorf("%w: the account is clear; there is no tier to appeal", ErrInvalid)
		}
		if err != nil {
			return subject{}, err
		}
		actionID := st.TerminationAction
		if actionID == "" {
			if actionID, err = s.tierAction(ctx, marketplaceID, accountID, st.Tier); err != nil {
				return subject{}, err
			}
		}
		if ref.ID != "" && ref.ID != actionID {
			return subject{}, fmt.Errorf("%w: decision %s is no longer the account's standing; appeal the current one", ErrInvalid, ref.ID)
		}
		a, err := s.DB.EnforcementAction(ctx, marketplaceID, actionID)
		if err != nil {
			return subject{}, err
		}
		sub := subject{typ: SubjectTier, id: a.ID, tier: st.Tier, decidedBy: actorOf(a), decidedAt: a.At, kind: "appeal",
			sla: slaOf(st.Tier), closesAt: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}
		if a.Kind == "termination_scheduled" {
			// A business user complains during the notice period (P2B).
			sub.tier, sub.kind, sub.sla = enforce.Blocked, "complaint", slaOf(enforce.Blocked)
			sub.closesAt = a.EffectiveAt.Add(ap.BlockedWindow.Std())
		} else if st.Tier == enforce.Blocked {
			sub.closesAt = st.TierSince.Add(ap.BlockedWindow.Std())
		}
		return sub, nil
	case SubjectSanction:
		r, err := s.DB.Sanction(ctx, marketplaceID, ref.ID)
		if err != nil || r.AccountID != accountID {
			return subject{}, fmt.Errorf("sanction %s of account %s: %w", ref.ID, accountID, store.ErrNotFound)
		}
		if r.Status != "active" {
			return subject{}, fmt.Errorf("%w: the sanction is %s; there is nothing left to appeal", ErrInvalid, r.Status)
		}
		a, err := s.DB.EnforcementAction(ctx, marketplaceID, r.ActionID)
		if err != nil {
			return subject{}, err
		}
		tier := enforce.Restricted
		switch r.Kind {
		case enforce.TemporarySuspension:
			tier = enforce.Suspended
		case enforce.PermanentBan:
			tier = enforce.Blocked
		}
		sub := subject{typ: SubjectSanction, id: r.ID, tier: tier, decidedBy: actorOf(a), decidedAt: a.At, kind: "appeal", sla: slaOf(tier),
			closesAt: complaintWindow(a.At)}
		if tier == enforce.Blocked {
			sub.closesAt = r.ImposedAt.Add(ap.BlockedWindow.Std())
		}
		return sub, nil
	case SubjectCase:
		c, err := s.DB.Case(ctx, marketplaceID, ref.ID)
		if err != nil || c.AccountID != accountID {
			return subject{}, fmt.Errorf("case %s about account %s: %w", ref.ID, accountID, store.ErrNotFound)
		}
		if c.Open() || c.Status == "dismissed" || c.Outcome == "approved" {
			return subject{}, fmt.Errorf("%w: the case took no decision against the account (%s)", ErrInvalid, c.Status)
		}
		return subject{typ: SubjectCase, id: c.ID, decidedBy: c.ResolvedBy, decidedAt: c.ResolvedAt, kind: "complaint",
			sla: ap.ComplaintSLA.Std(), closesAt: complaintWindow(c.ResolvedAt)}, nil
	case SubjectDecision:
		d, err := s.DB.Decision(ctx, marketplaceID, ref.ID)
		if err != nil || d.AccountID != accountID {
			return subject{}, fmt.Errorf("decision %s about account %s: %w", ref.ID, accountID, store.ErrNotFound)
		}
		if slices.Contains([]string{"approved", "allow", "publish"}, d.Outcome) {
			return subject{}, fmt.Errorf("%w: the decision (%s) took nothing away", ErrInvalid, d.Outcome)
		}
		return subject{typ: SubjectDecision, id: d.ID, decidedAt: d.CreatedAt, kind: "complaint", sla: ap.ComplaintSLA.Std(),
			closesAt: complaintWindow(d.CreatedAt)}, nil
	}
	return subject{}, fmt.Errorf("%w: decision.type must be tier, sanction, case or decision", ErrInvalid)
}

// tierAction is the timeline entry that set the account's current tier.
func (s *Service) tierAction(ctx context.Context, marketplaceID, accountID, tier string) (string, error) {
	tl, err := s.Enforce.Timeline(ctx, marketplaceID, accountID, 500)
	if err != nil {
		return "", err
	}
	for _, a := range tl {
		if (a.Kind == "tier" || a.Kind == "termination_effective") && a.ToTier == tier {
			return a.ID, nil
		}
	}
	return "", fmt.Errorf("the decision that made account %s %s: %w", accountID, tier, store.ErrNotFound)
}

// Get returns an appeal.
func (s *Service) Get(ctx context.Context, marketplaceID, id string) (Appeal, error) {
	a, err := s.DB.Appeal(ctx, marketplaceID, id)
	return view(a, s.Now()), err
}

// StatusOf returns what the appellant may see of an appeal.
func (s *Service) StatusOf(ctx context.Context, marketplaceID, id string) (AppealStatus, error) {
	a, err := s.DB.Appeal(ctx, marketplaceID, id)
	return statusOf(a), err
}

// List returns the open appeals by due time (statuses empty), or appeals
// of the given statuses newest first.
func (s *Service) List(ctx context.Context, marketplaceID string, statuses []string, accountID string, limit int) ([]Appeal, error) {
	rows, err := s.DB.Appeals(ctx, store.AppealQuery{MarketplaceID: marketplaceID, Statuses: statuses, AccountID: accountID, Limit: limit})
	now := s.Now()
	out := make([]Appeal, len(rows))
	for i, a := range rows {
		out[i] = view(a, now)
	}
	return out, err
}
