package enforce

import (
	"fmt"
	"slices"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

// The tiers of the ladder (R-E1), least to most severe.
const (
	Clear      = "clear"
	Warning    = "warning"
	Flagged    = "flagged"
	Restricted = "restricted"
	Suspended  = "suspended"
	Blocked    = "blocked"
)

// Rank is a tier's place on the ladder, 0 for clear; -1 for a name that is
// not a tier.
func Rank(tier string) int { return slices.Index(policy.Tiers(), tier) }

// The sanctions besides tiers (R-E3).
const (
	EarlyPayoutLoss     = "early_payout_loss"
	RaisedCommission    = "raised_commission"
	LiveSellingLoss     = "live_selling_loss"
	TemporarySuspension = "temporary_suspension"
	PermanentBan        = "permanent_ban"
)

// The classes of sanctions: logistics sanctions can be lifted early by a
// remedial step, behavioural ones cannot (R-E3).
const (
	Logistics   = "logistics"
	Behavioural = "behavioural"
)

// Sources of an enforcement decision: what brought it about (R-E1).
const (
	SourceModerator = "moderator"
	SourceReport    = "report"
	SourceDetector  = "detector"
	SourceRule      = "rule"
	SourceRisk      = "risk"
	SourceDMCA      = "dmca_rule"
	SourceLogistics = "logistics"
	SourceAppeal    = "appeal"
)

// Sources lists the sources, for validation and documentation.
func Sources() []string {
	return []string{SourceModerator, SourceReport, SourceDetector, SourceRule, SourceRisk, SourceDMCA, SourceLogistics, SourceAppeal}
}

// Authority is who decides a move: a person with a console role, or
// automation naming its rule.
type Authority struct {
	// Human is a person's decision; Role is their console role.
	Human bool
	Role  string
	// Appeal marks a decision on an appeal, which appeals reviewers make.
	Appeal bool
	// Source is what brought the decision about (Sources).
	Source string
}

// roleRank orders the roles that decide tiers; appeals reviewers decide
// only on appeals and rank nowhere here.
func roleRank(role string) int { return slices.Index(policy.EnforcementRoles(), role) }

// atLeast reports whether role is as senior as least.
func atLeast(role, least string) bool {
	r := roleRank(role)
	return r >= 0 && r >= roleRank(least)
}

// CheckMove decides whether an account may move from one tier to another
// on this authority (R-E1, R-E2, R-P2). The rules:
//   - automation may only warn an account in good standing, except the
//     DMCA rule, which may move it up to restricted or suspended;
//   - a person moves an account up to a tier when their role is at least
//     the policy's role for that tier;
//   - lowering a tier is for the policy's reverse role, or for an appeals
//     reviewer deciding an appeal; lifting a block for an admin or an
//     appeal.
//
// It returns nil, or an error wrapping ErrInvalid or ErrForbidden that says
// why not.
func CheckMove(e policy.Enforcement, from, to string, by Authority) error {
	rf, rt := Rank(from), Rank(to)
	if rf < 0 || rt < 0 {
		return fmt.Errorf("%w: tier must be one of %v", ErrInvalid, policy.Tiers())
	}
	if rf == rt {
		return fmt.Errorf("%w: the account is already %s", ErrInvalid, to)
	}
	if !by.Human {
		switch {
		case by.Source == SourceDMCA && rt > rf && (to == Restricted || to == Suspended):
			return nil
		case to == Warning && from == Clear:
			return nil
		case rt < rf:
			return fmt.Errorf("%w: automation never lowers a tier; a person or an appeal does", ErrForbidden)
		}
		return fmt.Errorf("%w: automation may only warn (R-P2); recommend %s for a person to decide", ErrForbidden, to)
	}
	if by.Appeal {
		if by.Role != "appeals_reviewer" && by.Role != "admin" {
			return fmt.Errorf("%w: appeals are decided by appeals reviewers, not %s", ErrForbidden, by.Role)
		}
		if rt > rf {
			return fmt.Errorf("%w: an appeal lowers or keeps a tier; it never raises one", ErrForbidden)
		}
		return nil
	}
	if rt > rf {
		least := e.TierRoles[to]
		if !atLeast(by.Role, least) {
			return fmt.Errorf("%w: moving an account to %s needs the %s role or above, not %s", ErrForbidden, to, least, by.Role)
		}
		return nil
	}
	least := e.ReverseRole
	if from == Blocked {
		least = "admin"
	}
	if !atLeast(by.Role, least) {
		return fmt.Errorf("%w: lowering %s to %s needs the %s role or above, not %s", ErrForbidden, from, to, least, by.Role)
	}
	return nil
}

// CheckSanction decides whether this authority may impose a sanction
// (R-E3, R-P2): automation only the policy's automatic sanctions; a person
// the sanctions whose effect matches a tier they may apply — a suspension
// as suspended, a ban as blocked, a lost privilege as restricted — and
// durations within the policy's limits.
func CheckSanction(e policy.Enforcement, kind string, duration time.Duration, by Authority) error {
	limit, ok := sanctionLimit(e, kind)
	if !ok {
		return fmt.Errorf("%w: sanction must be one of %v", ErrInvalid, policy.SanctionKinds())
	}
	switch {
	case kind == PermanentBan && duration != 0:
		return fmt.Errorf("%w: a permanent ban has no duration", ErrInvalid)
	case kind != PermanentBan && duration <= 0:
		return fmt.Errorf("%w: %s needs a duration", ErrInvalid, kind)
	case limit > 0 && duration > limit:
		return fmt.Errorf("%w: %s lasts at most %s by the policy, not %s", ErrInvalid, kind, policy.Duration(limit), policy.Duration(duration))
	}
	if !by.Human {
		if slices.Contains(policy.AutoSanctions(), kind) {
			return nil
		}
		return fmt.Errorf("%w: automation may not impose %s (R-P2); recommend it for a person to decide", ErrForbidden, kind)
	}
	if least := e.TierRoles[sanctionTier(kind)]; !atLeast(by.Role, least) {
		return fmt.Errorf("%w: imposing %s needs the %s role or above, not %s", ErrForbidden, kind, least, by.Role)
	}
	return nil
}

// sanctionLimit is a sanction kind's longest duration (0: no limit) and
// whether the kind exists.
func sanctionLimit(e policy.Enforcement, kind string) (time.Duration, bool) {
	switch kind {
	case EarlyPayoutLoss:
		return e.SanctionLimits.EarlyPayout.Std(), true
	case RaisedCommission:
		return e.SanctionLimits.RaisedCommission.Std(), true
	case TemporarySuspension:
		return e.SanctionLimits.Suspension.Std(), true
	case LiveSellingLoss, PermanentBan:
		return 0, true
	}
	return 0, false
}

// sanctionTier is the tier whose role a sanction needs: the tier with the
// same reach.
func sanctionTier(kind string) string {
	switch kind {
	case TemporarySuspension:
		return Suspended
	case PermanentBan:
		return Blocked
	}
	return Restricted
}

// SanctionTier is the tier with the same reach as a sanction kind: a
// temporary suspension counts as suspended, a permanent ban as blocked,
// a lost privilege as restricted. Its role imposes the sanction, and its
// appeal SLA and window apply to the sanction's appeal.
func SanctionTier(kind string) string { return sanctionTier(kind) }

// Terminates reports whether a tier or sanction ends the relationship with
// the account: the notice period of business users applies to it (P2B).
func Terminates(tier, sanction string) bool { return tier == Blocked || sanction == PermanentBan }

// Sanction is one sanction on an account.
type Sanction struct {
	ID   string `json:"id"`
	Kind string `json:"kind" enum:"early_payout_loss,raised_commission,live_selling_loss,temporary_suspension,permanent_ban"`
	// Class is logistics or behavioural.
	Class     string    `json:"class" enum:"logistics,behavioural"`
	ImposedAt time.Time `json:"imposed_at"`
	// ExpiresAt is zero for a permanent ban.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// CommissionRate is the raised commission, a fraction (0.15 is 15%).
	CommissionRate float64 `json:"commission_rate,omitempty"`
	// Remedial is the remedial step that lifts a logistics sanction early.
	Remedial string `json:"remedial,omitempty"`
}

// ActiveAt reports whether the sanction is in force at t.
func (s Sanction) ActiveAt(t time.Time) bool {
	return !s.ImposedAt.After(t) && (s.ExpiresAt.IsZero() || s.ExpiresAt.After(t))
}

// Standing is what the capabilities are computed from: the tier, the
// sanctions imposed and not lifted, the frozen orders and a scheduled
// termination. The capabilities cache holds it, so the answer is computed
// at request time and a sanction stops counting the instant it expires.
type Standing struct {
	Tier      string     `json:"tier"`
	TierSince time.Time  `json:"tier_since,omitzero"`
	Sanctions []Sanction `json:"sanctions"`
	// Frozen are the in-flight orders frozen while the account is
	// suspended or blocked.
	Frozen []string `json:"frozen_orders"`
	// TerminationAt is when a business user's scheduled termination takes
	// effect; zero when none is scheduled.
	TerminationAt time.Time `json:"termination_at,omitzero"`
	// TerminationTier marks a scheduled block (rather than a ban, whose
	// sanction starts at TerminationAt by itself).
	TerminationTier bool `json:"termination_tier,omitempty"`
	// Version counts the account's enforcement changes.
	Version int64 `json:"version"`
}

// Order-state guidance in the capabilities answer (R-E1).
const (
	OrdersMayComplete = "may_complete"
	OrdersFrozen      = "frozen"
)

// InFlightStatuses are the order statuses of deals in flight: not yet
// delivered, cancelled or refunded.
func InFlightStatuses() []string { return []string{"created", "paid", "shipped", "disputed"} }

// Capabilities is what an account may do now (R-E4).
type Capabilities struct {
	AccountID  string `json:"account_id"`
	Tier       string `json:"tier" enum:"clear,warning,flagged,restricted,suspended,blocked"`
	CanList    bool   `json:"can_list" doc:"May create or publish listings."`
	CanOffer   bool   `json:"can_offer" doc:"May make or accept offers."`
	CanMessage bool   `json:"can_message" doc:"May send messages."`
	CanBuy     bool   `json:"can_buy" doc:"May buy."`
	CanGoLive  bool   `json:"can_go_live" doc:"May sell in live streams."`
	// EarlyPayout: payout when the label is printed rather than on delivery.
	EarlyPayout bool `json:"early_payout" doc:"Payout when the shipping label is printed rather than on delivery."`
	// CommissionRate is the raised commission in force, nil for the
	// marketplace's standard rate.
	CommissionRate *float64 `json:"commission_rate" doc:"A raised commission in force (0.15 is 15%); null: the marketplace's standard rate."`
	// Screening is strict for flagged accounts: their new listings are
	// checked more strictly.
	Screening string `json:"screening" enum:"standard,strict"`
	// Access is revoked for blocked and banned accounts.
	Access string `json:"access" enum:"full,revoked"`
	// InFlight says what happens to deals already in flight, per order
	// status (created, paid, shipped, disputed).
	InFlight     map[string]string `json:"in_flight_orders" doc:"Per in-flight order status: may_complete or frozen."`
	FrozenOrders []string          `json:"frozen_orders" doc:"The account's orders frozen while it is suspended or blocked."`
	Sanctions    []Sanction        `json:"sanctions" doc:"Sanctions in force, with their expiry."`
	// TerminationAt is a business user's scheduled termination.
	TerminationAt time.Time `json:"termination_at,omitzero" doc:"A business user's termination scheduled after the notice period (P2B)."`
	Version       int64     `json:"version" doc:"Counts the account's enforcement changes; equal versions give equal answers except for sanctions expiring."`
}

// Compute is the capabilities of a standing at time now (R-E1, R-E3):
// the tier's capabilities, narrowed by the sanctions in force.
func Compute(accountID string, st Standing, now time.Time) Capabilities {
	tier := st.Tier
	if tier == "" {
		tier = Clear
	}
	if st.TerminationTier && !st.TerminationAt.IsZero() && !now.Before(st.TerminationAt) {
		// The notice period is over; the sweep records it shortly.
		tier = Blocked
	}
	c := Capabilities{AccountID: accountID, Tier: tier, CanList: true, CanOffer: true, CanMessage: true, CanBuy: true, CanGoLive: true,
		EarlyPayout: true, Screening: "standard", Access: "full", FrozenOrders: st.Frozen, Sanctions: []Sanction{},
		TerminationAt: st.TerminationAt, Version: st.Version}
	freeze, revoke := false, false
	switch tier {
	case Flagged:
		c.Screening = "strict"
	case Restricted:
		c.CanList, c.CanOffer, c.CanGoLive = false, false, false
	case Suspended:
		freeze = true
	case Blocked:
		freeze, revoke = true, true
	}
	for _, s := range st.Sanctions {
		if !s.ActiveAt(now) {
			continue
		}
		c.Sanctions = append(c.Sanctions, s)
		switch s.Kind {
		case EarlyPayoutLoss:
			c.EarlyPayout = false
		case RaisedCommission:
			if c.CommissionRate == nil || s.CommissionRate > *c.CommissionRate {
				r := s.CommissionRate
				c.CommissionRate = &r
			}
		case LiveSellingLoss:
			c.CanGoLive = false
		case TemporarySuspension:
			freeze = true
		case PermanentBan:
			freeze, revoke = true, true
		}
	}
	if freeze {
		c.CanList, c.CanOffer, c.CanMessage, c.CanBuy, c.CanGoLive, c.EarlyPayout = false, false, false, false, false, false
	}
	if revoke {
		c.Access = "revoked"
	}
	c.InFlight = map[string]string{}
	for _, status := range InFlightStatuses() {
		c.InFlight[status] = map[bool]string{true: OrdersFrozen, false: OrdersMayComplete}[freeze]
	}
	if c.FrozenOrders == nil {
		c.FrozenOrders = []string{}
	}
	return c
}

// Freezes reports whether a standing freezes in-flight orders at now:
// suspended or blocked, or a temporary suspension or ban in force.
func Freezes(st Standing, now time.Time) bool {
	return Compute("", st, now).InFlight["created"] == OrdersFrozen
}
