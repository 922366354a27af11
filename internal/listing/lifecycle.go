// Package listing owns a listing's life after its first check (R-L6–R-L9,
// R-E7): the status machine and who may make each move, freshness (the
// ranking penalty from day 7 and hiding or expiry from day 21 without
// reconfirmation), the trust levels shown on the public trust view, the
// area that view shows instead of the address, and the seller's
// verification level. The rules here are pure; the service applies them.
package listing

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

// Errors of this package; check them with errors.Is.
var (
	// ErrInvalid is a request that cannot be taken as it is.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden is a move the actor may not make.
	ErrForbidden = errors.New("not allowed")
)

// The listing statuses (R-L6).
const (
	PendingReview    = policy.PendingReview
	Approved         = policy.Approved
	Rejected         = policy.Rejected
	ChangesRequested = policy.ChangesRequested
	Paused           = "paused"
	Expired          = "expired"
)

// Statuses lists the statuses.
func Statuses() []string {
	return []string{PendingReview, Approved, Rejected, ChangesRequested, Paused, Expired}
}

// The actors that move listings.
const (
	// ActorCheck is the automated check deciding a listing's new version.
	ActorCheck = "check"
	// ActorModerator is a person in the console or the marketplace's tools.
	ActorModerator = "moderator"
	// ActorOwner is the seller, through the marketplace: reconfirming
	// availability, pausing or resuming their own listing.
	ActorOwner = "owner"
	// ActorFreshness is the freshness job.
	ActorFreshness = "freshness"
	// ActorAppeal is an appeal reversing a decision.
	ActorAppeal = "appeal"
)

// moves are the transitions each actor may make, from → allowed targets.
// The check decides every new version of a listing, whatever its status;
// a person reviews, takes down, pauses and restores; the owner resumes a
// listing paused for staleness or by themselves; the freshness job only
// acts on live listings; an appeal restores what a decision took down.
var moves = map[string]map[string][]string{
	ActorModerator: {
		// A listing the marketplace sent as an event but never had
		// checked ("") can still be acted on from a report.
		"":               {Approved, Rejected, ChangesRequested, Paused},
		PendingReview:    {Approved, Rejected, ChangesRequested},
		Approved:         {Paused, Rejected, ChangesRequested},
		Paused:           {Approved, Rejected},
		ChangesRequested: {Approved, Rejected},
		Rejected:         {Approved},
		Expired:          {},
	},
	ActorOwner: {
		Approved: {Paused},
		Paused:   {Approved},
	},
	ActorFreshness: {
		Approved: {Paused, Expired},
	},
	ActorAppeal: {
		Rejected:         {Approved},
		Paused:           {Approved},
		ChangesRequested: {Approved},
	},
}

// CheckMove decides whether actor may move a listing from one status to
// another. A listing never seen before has status "". The check may set
// any outcome on a new version; the others follow the table above.
func CheckMove(from, to, actor string) error {
	if !slices.Contains(Statuses(), to) {
		return fmt.Errorf("%w: status must be one of %s", ErrInvalid, strings.Join(Statuses(), ", "))
	}
	if actor == ActorCheck {
		if slices.Contains([]string{Approved, PendingReview, ChangesRequested, Rejected}, to) {
			return nil
		}
		return fmt.Errorf("%w: a check decides approved, pending_review, changes_requested or rejected, not %s", ErrForbidden, to)
	}
	if from == to {
		return fmt.Errorf("%w: the listing is already %s", ErrInvalid, to)
	}
	allowed, ok := moves[actor]
	if !ok {
		return fmt.Errorf("%w: unknown actor %q", ErrInvalid, actor)
	}
	if !slices.Contains(allowed[from], to) {
		return fmt.Errorf("%w: the %s may not move a listing from %s to %s", ErrForbidden, actor, orNew(from), to)
	}
	return nil
}

func orNew(s string) string {
	if s == "" {
		return "new"
	}
	return s
}

// Freshness is where a live listing stands on the anti-stale timeline
// (R-L8), computed from its last update and last confirmation.
type Freshness struct {
	LastUpdated   time.Time `json:"last_updated"`
	LastConfirmed time.Time `json:"last_confirmed,omitzero"`
	// Since is when availability was last stated: the later of the two.
	Since time.Time `json:"fresh_since"`
	// RankingPenalty is on from the policy's penalty_after: the signal the
	// marketplace's ranking reads.
	RankingPenalty bool `json:"ranking_penalty"`
	// PenaltyAt and StaleAt are when the penalty starts and when the
	// listing is hidden or expired.
	PenaltyAt time.Time `json:"penalty_at"`
	StaleAt   time.Time `json:"stale_at"`
	// Stale is past StaleAt.
	Stale bool `json:"stale"`
}

// FreshnessOf computes a listing's freshness at now.
func FreshnessOf(f policy.Freshness, updated, confirmed, now time.Time) Freshness {
	since := updated
	if confirmed.After(since) {
		since = confirmed
	}
	out := Freshness{LastUpdated: updated, LastConfirmed: confirmed, Since: since,
		PenaltyAt: since.Add(f.PenaltyAfter.Std()), StaleAt: since.Add(f.StaleAfter.Std())}
	out.RankingPenalty = !now.Before(out.PenaltyAt)
	out.Stale = !now.Before(out.StaleAt)
	return out
}

// StaleStatus is the status a stale listing moves to: paused (hidden) or
// expired, by the policy.
func StaleStatus(f policy.Freshness) string {
	if f.StaleAction == "expire" {
		return Expired
	}
	return Paused
}
