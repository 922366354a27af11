package listing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// Webhook event types this package sends.
const (
	// EventStatusChanged reports a status move, with who made it, why and
	// the policy clause; the check's own synchronous decision is answered
	// in its response instead.
	EventStatusChanged = "listing.status_changed"
	// EventReconfirm reminds the owner to reconfirm availability (R-L8).
	EventReconfirm = "listing.reconfirm_reminder"
)

// ActorFollowUp is a check's follow-up decision (a photo found reused
// after the answer): it moves like the check, and is notified.
const ActorFollowUp = "follow_up"

// Notifier queues webhooks inside a transaction (the outbox).
type Notifier interface {
	Notify(ctx context.Context, tx *store.Tx, marketplaceID, eventType string, data any) (int, error)
}

// PolicySource gives a marketplace's policy in force for a category ("":
// marketplace-wide).
type PolicySource interface {
	PolicyFor(ctx context.Context, marketplaceID, category string) (*policy.Policy, error)
}

// Service is the listing lifecycle capability.
type Service struct {
	svc.Deps
	Outbox   Notifier
	Policies PolicySource
}

// New returns a Service.
func New(d svc.Deps, p PolicySource, outbox Notifier) *Service {
	return &Service{Deps: d, Policies: p, Outbox: outbox}
}

// Move is a status move and why it is made.
type Move struct {
	To      string
	Actor   string
	ActorID string
	Reason  string
	Clause  string
	// Fields are the fields to change, for changes_requested.
	Fields []string
	// Ref is the decision, case or appeal behind it.
	Ref string
}

// Apply moves a listing inside tx (R-L6): the move is checked against who
// may make it, recorded in the listing's history, and notified with the
// reason, clause and fields — except the check's own decision, which its
// answer carries. A move to the status a listing already has records
// nothing. It returns the status before.
func (s *Service) Apply(ctx context.Context, tx *store.Tx, marketplaceID, listingID string, m Move) (string, error) {
	st, err := tx.ListingState(ctx, marketplaceID, listingID)
	if err != nil {
		return "", err
	}
	actor := m.Actor
	if actor == ActorFollowUp {
		actor = ActorCheck
	}
	if st.Status == m.To {
		// Already there (a report on a live listing approved, a check
		// deciding what it decided before): nothing moves.
		return st.Status, nil
	}
	if err := CheckMove(st.Status, m.To, actor); err != nil {
		return st.Status, err
	}
	if m.To == ChangesRequested && len(m.Fields) == 0 && m.Actor != ActorCheck {
		return st.Status, fmt.Errorf("%w: a change request names the fields to change", ErrInvalid)
	}
	if m.To == Approved && actor != ActorCheck {
		if err := s.contactVerified(ctx, tx, marketplaceID, st); err != nil {
			return st.Status, err
		}
	}
	now := s.Now()
	if err := tx.MoveListing(ctx, store.ListingMove{MarketplaceID: marketplaceID, ID: s.NewID(), ListingID: listingID, At: now,
		From: st.Status, To: m.To, Actor: m.Actor, ActorID: m.ActorID, Reason: m.Reason, Clause: m.Clause, Fields: m.Fields, Ref: m.Ref}); err != nil {
		return st.Status, err
	}
	if m.Actor == ActorCheck || s.Outbox == nil {
		return st.Status, nil
	}
	fields := m.Fields
	if fields == nil {
		fields = []string{}
	}
	_, err = s.Outbox.Notify(ctx, tx, marketplaceID, EventStatusChanged, map[string]any{"listing_id": listingID, "status": m.To,
		"previous_status": st.Status, "actor": m.Actor, "reason": m.Reason, "clause": m.Clause, "fields": fields, "ref": m.Ref, "at": now})
	return st.Status, err
}

// Move makes a moderator's or owner's move in its own transaction, with
// its audit entry.
func (s *Service) Move(ctx context.Context, marketplaceID string, actor audit.Actor, listingID string, m Move) error {
	if m.Actor != ActorModerator && m.Actor != ActorOwner {
		return fmt.Errorf("%w: listings are moved here by a moderator or their owner", ErrInvalid)
	}
	if (m.To == Rejected || m.To == ChangesRequested) && strings.TrimSpace(m.Reason) == "" {
		return fmt.Errorf("%w: a rejection or change request needs its reason", ErrInvalid)
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		from, err := s.Apply(ctx, tx, marketplaceID, listingID, m)
		if err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "listing.moved", "listing", listingID, map[string]any{"from": from, "to": m.To,
			"actor": m.Actor, "reason": m.Reason, "clause": m.Clause, "fields": m.Fields}, s.Now())
	})
}

// CheckProperty records a moderator's acceptance (or withdrawal) of
// evidence of the seller's relationship to the property (R-L7).
func (s *Service) CheckProperty(ctx context.Context, marketplaceID string, u store.User, listingID string, checked bool, note string) error {
	switch u.Role {
	case "agent", "senior_moderator", "admin":
	default:
		return fmt.Errorf("%w: property checks are made by moderators", ErrForbidden)
	}
	if strings.TrimSpace(note) == "" {
		return fmt.Errorf("%w: say what evidence was reviewed", ErrInvalid)
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ListingState(ctx, marketplaceID, listingID); err != nil {
			return err
		}
		at := time.Time{}
		if checked {
			at = s.Now()
		}
		if err := tx.SetPropertyChecked(ctx, marketplaceID, listingID, u.ID, at); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, audit.Actor{Type: audit.ActorUser, ID: u.ID}, "listing.property_checked", "listing", listingID,
			map[string]any{"checked": checked, "note": note}, s.Now())
	})
}

// contactVerified refuses a person's approval where the category's policy
// requires Contact Verified and the seller's email or phone is not
// verified (R-L7): publishing waits for the seller, not the moderator.
func (s *Service) contactVerified(ctx context.Context, tx *store.Tx, marketplaceID string, st store.ListingState) error {
	pol, err := s.Policies.PolicyFor(ctx, marketplaceID, st.Category)
	if err != nil || !pol.Listing.RequireContactVerified {
		return err
	}
	facts, err := tx.AccountFacts(ctx, marketplaceID, st.AccountID)
	if err != nil {
		return err
	}
	for _, k := range []string{"email", "phone"} {
		if !slices.Contains(facts.Verified, k) {
			return fmt.Errorf("%w: listings in %s go live only once the seller's email and phone are verified; the %s is not", ErrForbidden, st.Category, k)
		}
	}
	return nil
}

// IngestHook resumes, inside the batch's transaction, a listing the
// freshness job hid when its owner reconfirms availability (R-L8).
func (s *Service) IngestHook(ctx context.Context, tx *store.Tx, marketplaceID string, stored []event.Event) (func(), error) {
	for _, ev := range stored {
		p, ok := ev.Payload.(*event.ListingRef)
		if !ok || ev.Type != "listing.reconfirmed" {
			continue
		}
		hist, err := tx.ListingHistory(ctx, marketplaceID, p.ListingID, 1)
		if err != nil {
			return nil, err
		}
		if len(hist) == 0 || hist[0].To != Paused || hist[0].Actor != ActorFreshness {
			continue
		}
		if _, err := s.Apply(ctx, tx, marketplaceID, p.ListingID, Move{To: Approved, Actor: ActorOwner, ActorID: p.AccountID,
			Reason: "The owner reconfirmed availability.", Ref: ev.ID}); err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// SweepArgs is the periodic freshness job.
type SweepArgs struct{}

// Kind names the job for River.
func (SweepArgs) Kind() string { return "listing_freshness" }

// Worker runs the freshness sweep.
func (s *Service) Worker() river.Worker[SweepArgs] {
	return river.WorkFunc(func(ctx context.Context, _ *river.Job[SweepArgs]) error {
		_, _, err := s.Sweep(ctx, 500)
		return err
	})
}

// Sweep walks the live listings not reconfirmed for the policy's
// penalty_after (R-L8): it reminds each owner once, and hides (pauses) or
// expires, by the policy, those past stale_after. The ranking penalty
// itself needs no job: the trust view computes it from the timestamps.
func (s *Service) Sweep(ctx context.Context, limit int) (reminded, stale int, err error) {
	now := s.Now()
	// The shortest penalty any policy could set is at least an hour; the
	// per-marketplace policy decides below.
	rows, err := s.DB.StaleListings(ctx, now.Add(-time.Hour), limit)
	if err != nil {
		return 0, 0, err
	}
	for _, l := range rows {
		pol, err := s.Policies.PolicyFor(ctx, l.MarketplaceID, "")
		if err != nil {
			return reminded, stale, err
		}
		f := FreshnessOf(pol.Freshness, l.UpdatedAt, l.ConfirmedAt, now)
		if !f.RankingPenalty {
			continue
		}
		err = s.DB.InTx(ctx, func(tx *store.Tx) error {
			if f.Stale {
				stale++
				_, err := s.Apply(ctx, tx, l.MarketplaceID, l.ListingID, Move{To: StaleStatus(pol.Freshness), Actor: ActorFreshness,
					Reason: fmt.Sprintf("Availability not reconfirmed since %s.", f.Since.Format("2006-01-02")),
					Clause: "Listings are reconfirmed regularly; unconfirmed listings are hidden or expire (R-L8)"})
				return err
			}
			if !l.RemindedAt.IsZero() {
				return nil
			}
			reminded++
			if err := tx.SetReminded(ctx, l.MarketplaceID, l.ListingID, now); err != nil {
				return err
			}
			if s.Outbox == nil {
				return nil
			}
			_, err := s.Outbox.Notify(ctx, tx, l.MarketplaceID, EventReconfirm, map[string]any{"listing_id": l.ListingID, "account_id": l.AccountID,
				"fresh_since": f.Since, "ranking_penalty": true, "stale_at": f.StaleAt, "stale_action": pol.Freshness.StaleAction})
			return err
		})
		if err != nil {
			return reminded, stale, fmt.Errorf("freshness of %s: %w", l.ListingID, err)
		}
	}
	return reminded, stale, nil
}

// Trust is a listing's public trust view (R-L7–R-L9): safe to show
// anyone, with an area instead of the address and nothing about the
// seller's score or history.
type Trust struct {
	ListingID   string            `json:"listing_id"`
	Status      string            `json:"status" enum:"pending_review,approved,rejected,changes_requested,paused,expired"`
	Live        bool              `json:"live" doc:"Approved: may be shown publicly."`
	TrustLevels []TrustLevel      `json:"trust_levels"`
	Freshness   Freshness         `json:"freshness"`
	Area        Area              `json:"area"`
	Seller      VerificationLevel `json:"seller_verification"`
}

// History is a listing's status history as tooling and the console see it.
type History struct {
	At      time.Time `json:"at"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to"`
	Actor   string    `json:"actor"`
	ActorID string    `json:"actor_id,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Clause  string    `json:"clause,omitempty"`
	Fields  []string  `json:"fields,omitempty"`
	Ref     string    `json:"ref,omitempty"`
}

// TrustOf computes a listing's public trust view.
func (s *Service) TrustOf(ctx context.Context, marketplaceID, listingID string) (Trust, error) {
	l, err := s.DB.ListingTrust(ctx, marketplaceID, listingID)
	if err != nil {
		return Trust{}, err
	}
	pol, err := s.Policies.PolicyFor(ctx, marketplaceID, "")
	if err != nil {
		return Trust{}, err
	}
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, l.AccountID)
	if err != nil {
		return Trust{}, err
	}
	hist, err := s.DB.ListingHistory(ctx, marketplaceID, listingID, 200)
	if err != nil {
		return Trust{}, err
	}
	var data struct {
		Location *event.Location `json:"location"`
	}
	_ = json.Unmarshal(l.Data, &data) // validated on the way in
	return Trust{ListingID: listingID, Status: l.Status, Live: l.Status == Approved,
		TrustLevels: TrustLevels(facts.Verified, l.Status == Approved && humanApproved(hist), !l.PropertyChecked.IsZero()),
		Freshness:   FreshnessOf(pol.Freshness, l.UpdatedAt, l.ConfirmedAt, s.Now()),
		Area:        AreaOf(data.Location, pol.Listing.AreaPostcodeChars),
		Seller:      LevelOf(facts.Verified)}, nil
}

// humanApproved reports whether the listing's latest approval was a
// person's (R-L7: "passes manual review"). An owner resuming a hidden
// listing keeps the review it had, so owner moves are skipped.
func humanApproved(hist []store.ListingMove) bool {
	for _, m := range hist {
		if m.To != Approved || m.Actor == ActorOwner {
			continue
		}
		return m.Actor == ActorModerator || m.Actor == ActorAppeal
	}
	return false
}

// HistoryOf returns a listing's status history, newest first.
func (s *Service) HistoryOf(ctx context.Context, marketplaceID, listingID string, limit int) ([]History, error) {
	rows, err := s.DB.ListingHistory(ctx, marketplaceID, listingID, limit)
	out := make([]History, len(rows))
	for i, m := range rows {
		out[i] = History{At: m.At, From: m.From, To: m.To, Actor: m.Actor, ActorID: m.ActorID, Reason: m.Reason, Clause: m.Clause, Fields: m.Fields, Ref: m.Ref}
	}
	return out, err
}
