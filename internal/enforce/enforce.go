// Package enforce owns enforcement (SPEC §6): the six-tier ladder and who
// may move an account on it, sanctions with expiry and remedial lifts, the
// orders frozen while an account is suspended, the two automatic DMCA
// rules, the logistics rules, recommendations waiting for a person, the
// statements of reasons every restriction produces, the capabilities
// answer (served from memory, dropped on change in every process), and the
// trust profile. Every change is one transaction with its timeline entry,
// statement, audit entry and webhooks.
package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/change"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// Errors of this package; check them with errors.Is.
var (
	// ErrInvalid is a request that cannot be taken as it is.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden is a decision the decider may not take (R-P2).
	ErrForbidden = errors.New("not allowed")
)

// Webhook event types this package sends.
const (
	EventTierChanged         = "account.tier_changed"
	EventWarned              = "account.warned"
	EventSanctionImposed     = "sanction.imposed"
	EventSanctionEnded       = "sanction.ended"
	EventStatement           = "statement.issued"
	EventOrdersFrozen        = "orders.frozen"
	EventOrdersUnfrozen      = "orders.unfrozen"
	EventRecommended         = "enforcement.recommended"
	EventRecommendationDone  = "enforcement.recommendation_decided"
	EventTerminationSchedule = "account.termination_scheduled"
)

// Service is the enforcement capability.
type Service struct {
	svc.Deps
	Policies *check.Policies
	Outbox   check.Notifier
	// Holder opens the case that puts a logistics recommendation in front
	// of a person; required.
	Holder check.Holder
	cache  *change.Cache[Standing]
}

// New returns a Service whose capabilities cache holds up to cacheSize
// accounts (0: a default of 100,000).
func New(d svc.Deps, p *check.Policies, outbox check.Notifier, cacheSize int) *Service {
	return &Service{Deps: d, Policies: p, Outbox: outbox, cache: change.NewCache[Standing](d.DB, cacheSize)}
}

// Decider is who takes an enforcement decision: a person with a console
// role, acting through a credential, or automation naming its rule.
type Decider struct {
	Actor audit.Actor
	Via   audit.Actor
	Role  string
	Human bool
	// Appeal marks an appeals reviewer deciding an appeal.
	Appeal bool
}

// Person is a console user deciding, through via (their session or an API
// key acting for them).
func Person(u store.User, via audit.Actor) Decider {
	return Decider{Actor: audit.Actor{Type: audit.ActorUser, ID: u.ID}, Via: via, Role: u.Role, Human: true}
}

// Automation is a rule deciding.
func Automation(rule string) Decider {
	a := audit.Actor{Type: audit.ActorSystem, ID: rule}
	return Decider{Actor: a, Via: a}
}

func (d Decider) authority(source string) Authority {
	return Authority{Human: d.Human, Role: d.Role, Appeal: d.Appeal, Source: source}
}

// Decision is why an enforcement step is taken: the reason in words (or a
// template's), the policy ground, what brought it about, and the evidence.
type Decision struct {
	Reason   string `json:"reason,omitempty" maxLength:"5000" doc:"The facts and circumstances, in words; required unless a template gives them."`
	Template string `json:"template,omitempty" maxLength:"64" doc:"An enforcement template id (policy enforcement.templates): its text is the reason and its ground the ground."`
	Ground   string `json:"ground,omitempty" maxLength:"64" doc:"The policy ground (enforcement.grounds id) the decision rests on; default other."`
	Source   string `json:"source,omitempty" enum:"moderator,report,detector,rule,risk,dmca_rule,logistics,appeal" doc:"What brought the decision about; default moderator for people."`
	// SourceRef is the case, appeal, recommendation or event behind it.
	SourceRef string `json:"source_ref,omitempty" maxLength:"200" doc:"The case, appeal, recommendation or event id behind the decision."`
	// Notifier is who reported the content, for the DSA source type.
	Notifier string         `json:"notifier,omitempty" enum:"user,trusted_flagger,internal" doc:"Who notified the content behind a report-sourced decision."`
	Evidence map[string]any `json:"evidence,omitempty" doc:"What the decision rests on: finding codes, event ids, report references."`
	// Exception names the policy's exception that lets a business user be
	// terminated without notice (P2B).
	Exception string `json:"termination_exception,omitempty" maxLength:"64" doc:"Terminating a business user without the notice period: one of policy enforcement.termination_exceptions."`
}

// resolve fills the decision's reason and ground from its template and
// checks them against the policy.
func (d *Decision) resolve(e policy.Enforcement, human bool) error {
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Template != "" {
		i := slices.IndexFunc(e.Templates, func(t policy.EnforcementTemplate) bool { return t.ID == d.Template })
		if i < 0 {
			return fmt.Errorf("%w: template %q is not one of this marketplace's enforcement templates", ErrInvalid, d.Template)
		}
		if d.Reason == "" {
			d.Reason = e.Templates[i].Text
		}
		if d.Ground == "" {
			d.Ground = e.Templates[i].Ground
		}
	}
	if d.Reason == "" {
		return fmt.Errorf("%w: say why: a reason or a template is required", ErrInvalid)
	}
	if utf8.RuneCountInString(d.Reason) > 5000 {
		return fmt.Errorf("%w: the reason must be at most 5000 characters", ErrInvalid)
	}
	if d.Ground == "" {
		d.Ground = "other"
	}
	if _, ok := e.Grounds[d.Ground]; !ok {
		return fmt.Errorf("%w: ground %q is not one of the policy's grounds", ErrInvalid, d.Ground)
	}
	if d.Source == "" {
		d.Source = SourceModerator
		if !human {
			d.Source = SourceRule
		}
	}
	if !slices.Contains(Sources(), d.Source) {
		return fmt.Errorf("%w: source must be one of %s", ErrInvalid, strings.Join(Sources(), ", "))
	}
	if d.Exception != "" && !slices.Contains(e.TerminationExceptions, d.Exception) {
		return fmt.Errorf("%w: termination exception %q is not one of %s", ErrInvalid, d.Exception, strings.Join(e.TerminationExceptions, ", "))
	}
	return nil
}

// policy is the marketplace's enforcement policy. Enforcement is about
// accounts, not categories, so the marketplace-wide policy applies.
func (s *Service) policy(ctx context.Context, marketplaceID string) (*policy.Policy, error) {
	return s.Policies.Policy(ctx, marketplaceID)
}

// notify queues a webhook when an outbox is configured.
func (s *Service) notify(ctx context.Context, tx *store.Tx, marketplaceID, typ string, data any) error {
	return check.Send(ctx, s.Outbox, tx, marketplaceID, typ, data)
}

// step is one enforcement step being written: the locked standing, the
// policy, the account's kind and the time.
type step struct {
	st       store.EnforcementState
	pol      *policy.Policy
	business bool
	now      time.Time
}

// begin locks an account's standing inside tx for a change.
func (s *Service) begin(ctx context.Context, tx *store.Tx, marketplaceID, accountID string) (*step, error) {
	if strings.TrimSpace(accountID) == "" || len(accountID) > 200 {
		return nil, fmt.Errorf("%w: an account id is required (at most 200 characters)", ErrInvalid)
	}
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	st, err := tx.LockEnforcement(ctx, s.DB.Dialect, marketplaceID, accountID, now)
	if err != nil {
		return nil, err
	}
	facts, err := tx.AccountFacts(ctx, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	return &step{st: st, pol: pol, business: facts.Kind == "business", now: now}, nil
}

// commit settles the orders the new standing freezes or releases, saves
// it one version up, and makes every process drop its cached answer.
func (s *Service) commit(ctx context.Context, tx *store.Tx, c *step, actionID string) error {
	standing, err := s.load(ctx, tx, c.st)
	if err != nil {
		return err
	}
	mp, acc := c.st.MarketplaceID, c.st.AccountID
	switch freeze := Freezes(standing, c.now); {
	case freeze && !c.st.Frozen:
		orders, err := tx.InFlightOrders(ctx, mp, acc, InFlightStatuses())
		if err != nil {
			return err
		}
		if err := tx.FreezeOrders(ctx, mp, acc, orders, c.now); err != nil {
			return err
		}
		c.st.Frozen = true
		if err := s.notify(ctx, tx, mp, EventOrdersFrozen, map[string]any{"account_id": acc, "orders": nonNil(orders), "action_id": actionID, "at": c.now}); err != nil {
			return err
		}
	case !freeze && c.st.Frozen:
		orders, err := tx.UnfreezeOrders(ctx, mp, acc)
		if err != nil {
			return err
		}
		c.st.Frozen = false
		if err := s.notify(ctx, tx, mp, EventOrdersUnfrozen, map[string]any{"account_id": acc, "orders": nonNil(orders), "action_id": actionID, "at": c.now}); err != nil {
			return err
		}
	}
	c.st.Version++
	c.st.UpdatedAt = c.now
	if err := tx.SaveEnforcementState(ctx, c.st); err != nil {
		return err
	}
	return s.changed(ctx, tx, mp, acc)
}

// changed drops an account's cached answer here once tx commits, and in
// every other process sharing the database.
func (s *Service) changed(ctx context.Context, tx *store.Tx, marketplaceID, accountID string) error {
	return change.Publish(ctx, tx, s.DB.Dialect, Topic, cacheKey(marketplaceID, accountID), s.cache)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// record appends a timeline entry and its audit entry.
func (s *Service) record(ctx context.Context, tx *store.Tx, c *step, by Decider, a *store.EnforcementAction, d Decision) error {
	a.MarketplaceID, a.AccountID, a.At = c.st.MarketplaceID, c.st.AccountID, c.now
	if a.EffectiveAt.IsZero() {
		a.EffectiveAt = c.now
	}
	a.Source, a.ActorType, a.ActorID = d.Source, by.Actor.Type, by.Actor.ID
	if a.SourceRef == "" {
		a.SourceRef = d.SourceRef
	}
	a.Reason, a.Ground, a.Automated = d.Reason, d.Ground, !by.Human
	ev := map[string]any{}
	for k, v := range d.Evidence {
		ev[k] = v
	}
	if by.Via != by.Actor && by.Via.ID != "" {
		ev["via"] = by.Via
	}
	if d.Template != "" {
		ev["template"] = d.Template
	}
	if d.Notifier != "" {
		ev["notifier"] = d.Notifier
	}
	if d.Exception != "" {
		ev["termination_exception"] = d.Exception
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	a.Evidence = b
	if err := tx.AddEnforcementAction(ctx, *a); err != nil {
		return err
	}
	return tx.Audit(ctx, a.MarketplaceID, by.Actor, "enforcement."+a.Kind, "account", a.AccountID, map[string]any{
		"action_id": a.ID, "from_tier": a.FromTier, "to_tier": a.ToTier, "sanction_id": a.SanctionID, "sanction": a.SanctionKind,
		"source": a.Source, "source_ref": a.SourceRef, "reason": a.Reason, "ground": a.Ground, "statement_id": a.StatementID,
		"effective_at": a.EffectiveAt}, c.now)
}

// Enforced is what an enforcement step did.
type Enforced struct {
	// Action is the timeline entry written.
	Action Action `json:"action"`
	// Statement is the statement of reasons issued, if the step restricts.
	Statement *Statement `json:"statement,omitempty"`
	// Capabilities are the account's capabilities afterwards.
	Capabilities Capabilities `json:"capabilities"`
}

// SetTier moves an account to a tier in its own transaction (R-E1, R-E2).
func (s *Service) SetTier(ctx context.Context, marketplaceID string, by Decider, accountID, tier string, d Decision) (Enforced, error) {
	return s.inTx(ctx, func(tx *store.Tx) (store.EnforcementAction, *Statement, error) {
		return s.SetTierTx(ctx, tx, marketplaceID, by, accountID, tier, d)
	})
}

// inTx runs one enforcement step in its own transaction and answers with
// what it did and the capabilities afterwards.
func (s *Service) inTx(ctx context.Context, step func(tx *store.Tx) (store.EnforcementAction, *Statement, error)) (Enforced, error) {
	var a store.EnforcementAction
	var stmt *Statement
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		var err error
		a, stmt, err = step(tx)
		return err
	})
	if err != nil {
		return Enforced{}, err
	}
	return s.result(ctx, a, stmt)
}

func (s *Service) result(ctx context.Context, a store.EnforcementAction, stmt *Statement) (Enforced, error) {
	caps, err := s.Capabilities(ctx, a.MarketplaceID, a.AccountID)
	return Enforced{Action: actionView(a), Statement: stmt, Capabilities: caps}, err
}

// SetTierTx moves an account to a tier inside tx: the move is checked
// against the ladder's rules for the decider, recorded with its reason,
// ground, evidence and source, a statement of reasons is issued when it
// restricts, and a business user's block is scheduled after the notice
// period unless the decision names an exception (P2B).
func (s *Service) SetTierTx(ctx context.Context, tx *store.Tx, marketplaceID string, by Decider, accountID, tier string, d Decision) (store.EnforcementAction, *Statement, error) {
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return store.EnforcementAction{}, nil, err
	}
	// Who may decide first: an agent told to write a reason only to be
	// refused afterwards would have written it for nothing.
	from := c.st.Tier
	if err := CheckMove(c.pol.Enforcement, from, tier, by.authority(d.Source)); err != nil {
		return store.EnforcementAction{}, nil, err
	}
	if err := d.resolve(c.pol.Enforcement, by.Human); err != nil {
		return store.EnforcementAction{}, nil, err
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "tier", FromTier: from, ToTier: tier}
	schedule := tier == Blocked && c.business && d.Exception == "" && c.pol.Enforcement.BusinessTerminationNotice > 0
	if c.st.TerminationAction != "" {
		scheduled, err := tx.EnforcementAction(ctx, marketplaceID, c.st.TerminationAction)
		if err != nil {
			return a, nil, err
		}
		switch {
		case schedule:
			return a, nil, fmt.Errorf("%w: a termination is already scheduled for %s; it takes effect then, or cancel it first", ErrInvalid,
				c.st.TerminationAt.Format(time.RFC3339))
		case scheduled.SanctionID == "":
			// Any other tier decision replaces a scheduled block; a
			// scheduled ban stays until it is lifted.
			cancel := store.EnforcementAction{ID: s.NewID(), Kind: "termination_cancelled", FromTier: from, ToTier: from, SourceRef: scheduled.ID}
			if err := s.record(ctx, tx, c, by, &cancel, d); err != nil {
				return a, nil, err
			}
			c.st.TerminationAt, c.st.TerminationAction = time.Time{}, ""
		}
	}
	if schedule {
		a.Kind = "termination_scheduled"
		a.EffectiveAt = c.now.Add(c.pol.Enforcement.BusinessTerminationNotice.Std())
		c.st.TerminationAt, c.st.TerminationAction = a.EffectiveAt, a.ID
	} else {
		c.st.Tier, c.st.TierSince = tier, c.now
	}
	var stmt *Statement
	if Rank(tier) > Rank(from) && restricts(tier, "") {
		st := s.statement(c, by, a, d, tier, nil)
		stmt = &st
		a.StatementID = st.ID
	}
	if err := s.record(ctx, tx, c, by, &a, d); err != nil {
		return a, nil, err
	}
	if stmt != nil {
		if err := s.issue(ctx, tx, c.st.MarketplaceID, *stmt); err != nil {
			return a, nil, err
		}
	}
	typ := EventTierChanged
	data := map[string]any{"account_id": accountID, "from": from, "to": tier, "action_id": a.ID, "source": d.Source, "automated": !by.Human,
		"reason": d.Reason, "ground": d.Ground, "statement_id": a.StatementID, "at": c.now}
	if a.Kind == "termination_scheduled" {
		typ, data["effective_at"] = EventTerminationSchedule, a.EffectiveAt
	}
	if tier == Warning {
		if err := s.notify(ctx, tx, marketplaceID, EventWarned, map[string]any{"account_id": accountID, "action_id": a.ID,
			"reason": d.Reason, "notice": c.pol.Enforcement.Notices[Warning], "at": c.now}); err != nil {
			return a, nil, err
		}
	}
	if err := s.notify(ctx, tx, marketplaceID, typ, data); err != nil {
		return a, nil, err
	}
	return a, stmt, s.commit(ctx, tx, c, a.ID)
}

// Warn warns an account inside tx (R-R6's warn, a logistics rule's warn):
// an account in good standing moves to warning; one already at warning or
// above is told again, which the timeline records without a tier move.
func (s *Service) Warn(ctx context.Context, tx *store.Tx, marketplaceID string, by Decider, accountID string, d Decision) error {
	st, err := tx.EnforcementState(ctx, marketplaceID, accountID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && st.Tier == Clear) {
		_, _, err := s.SetTierTx(ctx, tx, marketplaceID, by, accountID, Warning, d)
		return err
	}
	if err != nil {
		return err
	}
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return err
	}
	if err := d.resolve(c.pol.Enforcement, by.Human); err != nil {
		return err
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "warning_repeated", FromTier: c.st.Tier, ToTier: c.st.Tier}
	if err := s.record(ctx, tx, c, by, &a, d); err != nil {
		return err
	}
	return s.notify(ctx, tx, marketplaceID, EventWarned, map[string]any{"account_id": accountID, "action_id": a.ID,
		"reason": d.Reason, "notice": c.pol.Enforcement.Notices[Warning], "at": c.now})
}

// SanctionRequest is a sanction to impose.
type SanctionRequest struct {
	Kind string `json:"kind" enum:"early_payout_loss,raised_commission,live_selling_loss,temporary_suspension,permanent_ban"`
	// Duration such as 14d; empty for a permanent ban.
	Duration string `json:"duration,omitempty" maxLength:"20" doc:"How long, e.g. 14d or 72h, within the policy's limits (enforcement.sanction_limits); empty for a permanent ban."`
	// CommissionRate is the raised commission, a fraction.
	CommissionRate float64 `json:"commission_rate,omitempty" minimum:"0" maximum:"1" doc:"raised_commission: the commission rate in force, e.g. 0.15 for 15%."`
	// Class is logistics or behavioural; logistics sanctions may name a
	// remedial step that lifts them early (R-E3).
	Class    string `json:"class,omitempty" enum:"logistics,behavioural" doc:"logistics: a fulfilment problem, liftable early by a remedial step; behavioural (default): cannot be reduced that way."`
	Remedial string `json:"remedial,omitempty" maxLength:"64" doc:"logistics: the remedial step (e.g. shipping_quiz) whose remedial.completed event lifts the sanction early."`
	Decision
}

// Impose imposes a sanction in its own transaction (R-E3).
func (s *Service) Impose(ctx context.Context, marketplaceID string, by Decider, accountID string, req SanctionRequest) (Enforced, error) {
	return s.inTx(ctx, func(tx *store.Tx) (store.EnforcementAction, *Statement, error) {
		return s.ImposeTx(ctx, tx, marketplaceID, by, accountID, req)
	})
}

// ImposeTx imposes a sanction inside tx, with its statement of reasons; a
// business user's permanent ban starts after the notice period unless the
// decision names an exception.
func (s *Service) ImposeTx(ctx context.Context, tx *store.Tx, marketplaceID string, by Decider, accountID string, req SanctionRequest) (store.EnforcementAction, *Statement, error) {
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return store.EnforcementAction{}, nil, err
	}
	d := req.Decision
	var dur policy.Duration
	if req.Duration != "" {
		if err := dur.UnmarshalText([]byte(req.Duration)); err != nil {
			return store.EnforcementAction{}, nil, fmt.Errorf("%w: duration %q: %v", ErrInvalid, req.Duration, err)
		}
	}
	if err := CheckSanction(c.pol.Enforcement, req.Kind, dur.Std(), by.authority(d.Source)); err != nil {
		return store.EnforcementAction{}, nil, err
	}
	if err := d.resolve(c.pol.Enforcement, by.Human); err != nil {
		return store.EnforcementAction{}, nil, err
	}
	if req.Class == "" {
		req.Class = Behavioural
	}
	switch {
	case req.Kind == RaisedCommission && !(req.CommissionRate > 0 && req.CommissionRate <= 1):
		return store.EnforcementAction{}, nil, fmt.Errorf("%w: raised_commission needs commission_rate, a fraction such as 0.15", ErrInvalid)
	case req.Kind != RaisedCommission && req.CommissionRate != 0:
		return store.EnforcementAction{}, nil, fmt.Errorf("%w: commission_rate belongs to raised_commission only", ErrInvalid)
	case req.Remedial != "" && req.Class != Logistics:
		return store.EnforcementAction{}, nil, fmt.Errorf("%w: only logistics sanctions can be lifted by a remedial step; behavioural ones cannot (R-E3)", ErrInvalid)
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "sanction", FromTier: c.st.Tier, ToTier: c.st.Tier, SanctionID: s.NewID(), SanctionKind: req.Kind}
	row := store.SanctionRow{MarketplaceID: marketplaceID, ID: a.SanctionID, AccountID: accountID, Kind: req.Kind, Class: req.Class,
		Status: "active", ImposedAt: c.now, CommissionRate: req.CommissionRate, Remedial: req.Remedial, ActionID: a.ID}
	if req.Kind == PermanentBan && c.business && d.Exception == "" && c.pol.Enforcement.BusinessTerminationNotice > 0 {
		if c.st.TerminationAction != "" {
			return store.EnforcementAction{}, nil, fmt.Errorf("%w: a termination is already scheduled for %s; it takes effect then, or cancel it first",
				ErrInvalid, c.st.TerminationAt.Format(time.RFC3339))
		}
		row.ImposedAt = c.now.Add(c.pol.Enforcement.BusinessTerminationNotice.Std())
		a.Kind, a.EffectiveAt = "termination_scheduled", row.ImposedAt
		c.st.TerminationAt, c.st.TerminationAction = row.ImposedAt, a.ID
	}
	if dur > 0 {
		row.ExpiresAt = row.ImposedAt.Add(dur.Std())
	}
	st := s.statement(c, by, a, d, "", &row)
	a.StatementID = st.ID
	if err := tx.InsertSanction(ctx, row); err != nil {
		return a, nil, err
	}
	if err := s.record(ctx, tx, c, by, &a, d); err != nil {
		return a, nil, err
	}
	if err := s.issue(ctx, tx, c.st.MarketplaceID, st); err != nil {
		return a, nil, err
	}
	if err := s.notify(ctx, tx, marketplaceID, EventSanctionImposed, map[string]any{"account_id": accountID, "sanction": sanctionView(row),
		"action_id": a.ID, "source": d.Source, "automated": !by.Human, "reason": d.Reason, "statement_id": st.ID, "at": c.now}); err != nil {
		return a, nil, err
	}
	return a, &st, s.commit(ctx, tx, c, a.ID)
}

// Lift ends a sanction early in its own transaction.
func (s *Service) Lift(ctx context.Context, marketplaceID string, by Decider, accountID, sanctionID string, d Decision) (Enforced, error) {
	return s.inTx(ctx, func(tx *store.Tx) (store.EnforcementAction, *Statement, error) {
		a, err := s.LiftTx(ctx, tx, marketplaceID, by, accountID, sanctionID, d)
		return a, nil, err
	})
}

// LiftTx ends a sanction early inside tx: a person of the policy's reverse
// role, or an appeals reviewer deciding an appeal, decides it.
func (s *Service) LiftTx(ctx context.Context, tx *store.Tx, marketplaceID string, by Decider, accountID, sanctionID string, d Decision) (store.EnforcementAction, error) {
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return store.EnforcementAction{}, err
	}
	if !mayReverse(c.pol.Enforcement, by) {
		return store.EnforcementAction{}, fmt.Errorf("%w: lifting a sanction early needs the %s role or above, or an appeal", ErrForbidden, c.pol.Enforcement.ReverseRole)
	}
	if err := d.resolve(c.pol.Enforcement, by.Human); err != nil {
		return store.EnforcementAction{}, err
	}
	return s.end(ctx, tx, c, by, accountID, sanctionID, "lifted", d)
}

// CancelTermination cancels a business user's scheduled termination in
// its own transaction.
func (s *Service) CancelTermination(ctx context.Context, marketplaceID string, by Decider, accountID string, d Decision) (Enforced, error) {
	return s.inTx(ctx, func(tx *store.Tx) (store.EnforcementAction, *Statement, error) {
		a, err := s.CancelTerminationTx(ctx, tx, marketplaceID, by, accountID, d)
		return a, nil, err
	})
}

// mayReverse reports whether a decider may undo a restriction early: a
// person of the policy's reverse role, or an appeals reviewer (or admin)
// deciding an appeal.
func mayReverse(e policy.Enforcement, by Decider) bool {
	return by.Human && (by.Appeal && (by.Role == "appeals_reviewer" || by.Role == "admin") || atLeast(by.Role, e.ReverseRole))
}

// CancelTerminationTx cancels a business user's scheduled termination
// inside tx (a person of the reverse role, or an appeal), and lifts the
// ban it would start.
func (s *Service) CancelTerminationTx(ctx context.Context, tx *store.Tx, marketplaceID string, by Decider, accountID string, d Decision) (store.EnforcementAction, error) {
	c, err := s.begin(ctx, tx, marketplaceID, accountID)
	if err != nil {
		return store.EnforcementAction{}, err
	}
	if !mayReverse(c.pol.Enforcement, by) {
		return store.EnforcementAction{}, fmt.Errorf("%w: cancelling a termination needs the %s role or above, or an appeal", ErrForbidden, c.pol.Enforcement.ReverseRole)
	}
	if c.st.TerminationAt.IsZero() {
		return store.EnforcementAction{}, fmt.Errorf("%w: no termination is scheduled", ErrInvalid)
	}
	if err := d.resolve(c.pol.Enforcement, by.Human); err != nil {
		return store.EnforcementAction{}, err
	}
	scheduled, err := tx.EnforcementAction(ctx, marketplaceID, c.st.TerminationAction)
	if err != nil {
		return store.EnforcementAction{}, err
	}
	if scheduled.SanctionID != "" {
		if _, err := tx.EndSanction(ctx, marketplaceID, scheduled.SanctionID, "lifted", c.now); err != nil {
			return store.EnforcementAction{}, err
		}
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "termination_cancelled", FromTier: c.st.Tier, ToTier: c.st.Tier,
		SanctionID: scheduled.SanctionID, SanctionKind: scheduled.SanctionKind, SourceRef: scheduled.ID}
	c.st.TerminationAt, c.st.TerminationAction = time.Time{}, ""
	if err := s.record(ctx, tx, c, by, &a, d); err != nil {
		return a, err
	}
	if err := s.notify(ctx, tx, marketplaceID, EventTierChanged, map[string]any{"account_id": accountID, "from": a.FromTier, "to": a.ToTier,
		"action_id": a.ID, "cancelled_action_id": scheduled.ID, "reason": d.Reason, "at": c.now}); err != nil {
		return a, err
	}
	return a, s.commit(ctx, tx, c, a.ID)
}

// end marks one of the account's active sanctions ended (expired, lifted)
// and records it.
func (s *Service) end(ctx context.Context, tx *store.Tx, c *step, by Decider, accountID, sanctionID, status string, d Decision) (store.EnforcementAction, error) {
	row, err := tx.Sanction(ctx, c.st.MarketplaceID, sanctionID)
	if err != nil {
		return store.EnforcementAction{}, err
	}
	if row.AccountID != accountID {
		return store.EnforcementAction{}, fmt.Errorf("sanction %s of account %s: %w", sanctionID, accountID, store.ErrNotFound)
	}
	if row.Status != "active" {
		return store.EnforcementAction{}, fmt.Errorf("%w: the sanction is already %s", ErrInvalid, row.Status)
	}
	if _, err := tx.EndSanction(ctx, c.st.MarketplaceID, sanctionID, status, c.now); err != nil {
		return store.EnforcementAction{}, err
	}
	if c.st.TerminationAction == row.ActionID {
		c.st.TerminationAt, c.st.TerminationAction = time.Time{}, ""
	}
	a := store.EnforcementAction{ID: s.NewID(), Kind: "sanction_" + status, FromTier: c.st.Tier, ToTier: c.st.Tier, SanctionID: row.ID, SanctionKind: row.Kind}
	if err := s.record(ctx, tx, c, by, &a, d); err != nil {
		return a, err
	}
	row.Status, row.EndedAt = status, c.now
	if err := s.notify(ctx, tx, c.st.MarketplaceID, EventSanctionEnded, map[string]any{"account_id": accountID, "sanction": sanctionView(row),
		"status": status, "action_id": a.ID, "reason": d.Reason, "at": c.now}); err != nil {
		return a, err
	}
	return a, s.commit(ctx, tx, c, a.ID)
}

// Remedial lifts, inside tx, the account's logistics sanctions that the
// completed remedial step lifts (R-E3); behavioural sanctions stay.
func (s *Service) Remedial(ctx context.Context, tx *store.Tx, marketplaceID, accountID, kind, eventID string) error {
	rows, err := tx.ActiveSanctions(ctx, marketplaceID, accountID)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Class != Logistics || r.Remedial == "" || r.Remedial != kind {
			continue
		}
		c, err := s.begin(ctx, tx, marketplaceID, accountID)
		if err != nil {
			return err
		}
		d := Decision{Reason: fmt.Sprintf("The seller completed the remedial step %s.", kind), Ground: "other", Source: SourceRule,
			SourceRef: eventID, Evidence: map[string]any{"event_id": eventID, "remedial": kind}}
		if _, err := s.end(ctx, tx, c, Automation("remedial"), accountID, r.ID, "lifted", d); err != nil {
			return err
		}
	}
	return nil
}

// Action is a timeline entry as the API and console show it.
type Action struct {
	ID           string          `json:"id"`
	At           time.Time       `json:"at"`
	Kind         string          `json:"kind" doc:"tier, termination_scheduled, termination_cancelled, termination_effective, warning_repeated, sanction, sanction_lifted, sanction_expired, recommendation_rejected."`
	FromTier     string          `json:"from_tier,omitempty"`
	ToTier       string          `json:"to_tier,omitempty"`
	SanctionID   string          `json:"sanction_id,omitempty"`
	SanctionKind string          `json:"sanction,omitempty"`
	Source       string          `json:"source"`
	SourceRef    string          `json:"source_ref,omitempty"`
	Actor        audit.Actor     `json:"actor"`
	Automated    bool            `json:"automated"`
	Reason       string          `json:"reason"`
	Ground       string          `json:"ground,omitempty"`
	Evidence     json.RawMessage `json:"evidence"`
	StatementID  string          `json:"statement_id,omitempty"`
	EffectiveAt  time.Time       `json:"effective_at"`
}

func actionView(a store.EnforcementAction) Action {
	return Action{ID: a.ID, At: a.At, Kind: a.Kind, FromTier: a.FromTier, ToTier: a.ToTier, SanctionID: a.SanctionID, SanctionKind: a.SanctionKind,
		Source: a.Source, SourceRef: a.SourceRef, Actor: audit.Actor{Type: a.ActorType, ID: a.ActorID}, Automated: a.Automated,
		Reason: a.Reason, Ground: a.Ground, Evidence: a.Evidence, StatementID: a.StatementID, EffectiveAt: a.EffectiveAt}
}

func sanctionView(r store.SanctionRow) Sanction {
	return Sanction{ID: r.ID, Kind: r.Kind, Class: r.Class, ImposedAt: r.ImposedAt, ExpiresAt: r.ExpiresAt, CommissionRate: r.CommissionRate, Remedial: r.Remedial}
}

// Timeline returns an account's enforcement timeline, newest first.
func (s *Service) Timeline(ctx context.Context, marketplaceID, accountID string, limit int) ([]Action, error) {
	rows, err := s.DB.EnforcementActions(ctx, marketplaceID, accountID, limit)
	out := make([]Action, len(rows))
	for i, r := range rows {
		out[i] = actionView(r)
	}
	return out, err
}
