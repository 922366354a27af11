package enforce

import (
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

// The choices a person's tools may offer: which tiers and sanctions an
// authority may pick and whether it may lift or decide, so that a form
// offers only what the service would accept from it. Each answers from the
// rules the service applies (CheckMove, CheckSanction, Lift, Decide), which
// still decide every request.

// Moves lists the tiers an account at tier from may be moved to on this
// authority, least severe first.
func Moves(e policy.Enforcement, from string, by Authority) []string {
	var out []string
	for _, t := range policy.Tiers() {
		if CheckMove(e, from, t, by) == nil {
			out = append(out, t)
		}
	}
	return out
}

// Sanctions lists the sanction kinds this authority may impose, in the
// order of policy.SanctionKinds. The duration is checked when one is
// imposed; here each kind is asked with one the policy allows.
func Sanctions(e policy.Enforcement, by Authority) []string {
	var out []string
	for _, k := range policy.SanctionKinds() {
		probe, _ := sanctionLimit(e, k)
		switch {
		case k == PermanentBan:
			probe = 0
		case probe <= 0: // no limit
			probe = 24 * time.Hour
		}
		if CheckSanction(e, k, probe, by) == nil {
			out = append(out, k)
		}
	}
	return out
}

// MayLift reports whether this authority may lift a sanction early, as
// Lift decides it: the policy's reverse role, or an appeal.
func MayLift(e policy.Enforcement, by Authority) bool {
	return mayReverse(e, Decider{Human: by.Human, Role: by.Role, Appeal: by.Appeal})
}

// MayDecide reports whether this authority may approve or reject a
// recommendation of tier or sanction, as Decide requires of both: the role
// of the tier (or of the tier a sanction matches). Approving also needs
// the move itself, which depends on the account's tier when it is decided.
func MayDecide(e policy.Enforcement, tier, sanction string, by Authority) bool {
	if tier == "" {
		tier = sanctionTier(sanction)
	}
	return by.Human && atLeast(by.Role, e.TierRoles[tier])
}
