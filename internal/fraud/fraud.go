// Package fraud keeps each account's fraud signals current as events
// arrive, scores accounts with their explanation (R-F1–R-F6), and owns the
// account-link graph. The signal arithmetic is internal/risk's, pure; this
// package feeds it from the store and stores what it returns.
//
// Signal state is maintained incrementally: the ingest hook applies each
// event to the state of the accounts it touches (constant work per event)
// and marks them dirty; a periodic job refreshes dirty accounts' scores,
// keeps their history, and opens a review when a score crosses the
// policy's threshold. The score only recommends (R-P2): nothing here
// changes an account's standing.
package fraud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/detect/disposable"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/risk"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// ErrInvalid marks a request that cannot be carried out as asked.
var ErrInvalid = errors.New("invalid")

// Service maintains signals and scores.
type Service struct {
	svc.Deps
	Policies *check.Policies
	// Holder opens the review case when a score crosses the policy's
	// review threshold; required.
	Holder     check.Holder
	disposable *disposable.List
}

// New returns a Service.
func New(d svc.Deps, p *check.Policies) *Service {
	return &Service{Deps: d, Policies: p, disposable: disposable.New()}
}

// IngestHook applies a stored batch to the signal state of every account
// the events touch, inside the batch's transaction, and marks those
// accounts for a score refresh.
func (s *Service) IngestHook(ctx context.Context, tx *store.Tx, marketplaceID string, stored []event.Event) (func(), error) {
	type touched struct {
		ev   event.Event
		role risk.Role
	}
	byAccount := map[string][]touched{}
	var order []string
	for _, ev := range stored {
		ts, err := touches(ctx, tx, marketplaceID, ev)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if _, ok := byAccount[t.AccountID]; !ok {
				order = append(order, t.AccountID)
			}
			byAccount[t.AccountID] = append(byAccount[t.AccountID], touched{ev, t.Role})
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	states, err := tx.RiskStates(ctx, marketplaceID, order)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for _, id := range order {
		var st risk.State
		if raw, ok := states[id]; ok {
			if err := json.Unmarshal(raw, &st); err != nil {
				return nil, fmt.Errorf("signal state of %s: %w", id, err)
			}
		}
		for _, t := range byAccount[id] {
			st.Apply(t.ev, t.role)
		}
		b, err := json.Marshal(&st)
		if err != nil {
			return nil, err
		}
		if err := tx.SaveRiskState(ctx, marketplaceID, id, b, now); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// listings finds a listing's seller (DB or Tx).
type listings interface {
	ListingState(ctx context.Context, marketplaceID, listingID string) (store.ListingState, error)
}

// touches is risk.Touches, plus the seller of a pre-screen rejection that
// names only the listing.
func touches(ctx context.Context, l listings, marketplaceID string, ev event.Event) ([]risk.Touch, error) {
	if p, ok := ev.Payload.(*event.ListingRef); ok && ev.Type == "listing.rejected_prescreen" && p.AccountID == "" {
		st, err := l.ListingState(ctx, marketplaceID, p.ListingID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		q := *p
		q.AccountID = st.AccountID
		ev.Payload = &q
		return risk.Touches(ev), nil
	}
	return risk.Touches(ev), nil
}

// Assessment is an account's risk as computed now.
type Assessment struct {
	AccountID   string
	Explanation risk.Explanation
	// Own is the score without the linked peers' share.
	Own     int
	Signals []risk.Signal
	Links   []risk.Link
	At      time.Time
}

// Assess computes an account's signals and score from its state and its
// context across accounts. An account Vigil has no events for is
// store.ErrNotFound.
func (s *Service) Assess(ctx context.Context, marketplaceID, accountID string) (Assessment, error) {
	states, err := s.DB.RiskStates(ctx, marketplaceID, []string{accountID})
	if err != nil {
		return Assessment{}, err
	}
	raw, ok := states[accountID]
	if !ok {
		return Assessment{}, fmt.Errorf("account %s: %w", accountID, store.ErrNotFound)
	}
	var st risk.State
	if err := json.Unmarshal(raw, &st); err != nil {
		return Assessment{}, fmt.Errorf("signal state of %s: %w", accountID, err)
	}
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return Assessment{}, err
	}
	pol := eff.Compiled.Policy("")
	c, err := s.context(ctx, marketplaceID, accountID, &st, pol)
	if err != nil {
		return Assessment{}, err
	}
	sigs := risk.Evaluate(&st, c, pol.Risk)
	return Assessment{AccountID: accountID, Explanation: risk.Score(sigs, c.Links, pol.Risk), Own: risk.Score(sigs, nil, pol.Risk).Score,
		Signals: sigs, Links: c.Links, At: c.Now}, nil
}

// context looks up what the account's signals need from other accounts.
func (s *Service) context(ctx context.Context, marketplaceID, accountID string, st *risk.State, pol *policy.Policy) (risk.Context, error) {
	now := s.Now()
	c := risk.Context{Now: now, Currency: pol.Currency}
	if d := st.EmailDomain; d.Known() {
		c.Disposable = s.disposable.Contains(d.Value)
	}
	var err error
	if c.IPBurst, err = s.ipBurst(ctx, marketplaceID, accountID, pol.Risk.AccountsPerIP.Window.Std()); err != nil {
		return c, err
	}
	if c.Links, err = s.links(ctx, marketplaceID, accountID, pol.Risk); err != nil {
		return c, err
	}
	if c.SharedBuyers, err = s.DB.SharedBuyers(ctx, marketplaceID, accountID); err != nil {
		return c, err
	}
	c.BelowMarket, err = s.DB.DecisionsWithFinding(ctx, marketplaceID, accountID, "price.below_market", now.Add(-pol.Risk.FulfilmentWindow.Std()))
	return c, err
}

// ipBurst returns the largest set of accounts, this one included, first
// seen on one of its IP addresses within one window of each other.
func (s *Service) ipBurst(ctx context.Context, marketplaceID, accountID string, window time.Duration) ([]string, error) {
	sightings, err := s.DB.IdentifierSightings(ctx, marketplaceID, accountID, event.IDIP, window)
	if err != nil {
		return nil, err
	}
	var best []string
	for _, seen := range sightings {
		if set := densest(seen, accountID, window); len(set) > len(best) {
			best = set
		}
	}
	return best, nil
}

// densest returns the accounts in the fullest window of the given length
// that contains accountID's sighting (sightings are sorted by time).
func densest(sightings []store.SharedIdentifier, accountID string, window time.Duration) []string {
	at := slices.IndexFunc(sightings, func(si store.SharedIdentifier) bool { return si.AccountID == accountID })
	if at < 0 {
		return nil
	}
	t0 := sightings[at].FirstSeen
	var best []string
	for _, start := range sightings {
		if start.FirstSeen.After(t0) || t0.Sub(start.FirstSeen) > window {
			continue
		}
		var set []string
		for _, si := range sightings {
			if !si.FirstSeen.Before(start.FirstSeen) && si.FirstSeen.Sub(start.FirstSeen) <= window {
				set = append(set, si.AccountID)
			}
		}
		if len(set) > len(best) {
			best = set
		}
	}
	slices.Sort(best)
	return best
}

// links returns the account's links: inferred from shared identifiers and
// confirmed by moderators, with each peer's own score.
func (s *Service) links(ctx context.Context, marketplaceID, accountID string, p policy.Risk) ([]risk.Link, error) {
	shared, err := s.DB.SharedIdentifiers(ctx, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	confirmed, err := s.DB.ConfirmedLinks(ctx, marketplaceID, accountID)
	if err != nil {
		return nil, err
	}
	seen := map[[2]string]bool{}
	var out []risk.Link
	for _, sh := range shared {
		k := [2]string{sh.AccountID, sh.Kind}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, risk.Link{AccountID: sh.AccountID, Kind: sh.Kind, Confidence: p.LinkConfidence[sh.Kind]})
	}
	for _, l := range confirmed {
		out = append(out, risk.Link{AccountID: l.AccountID, Kind: LinkConfirmed, Confidence: l.Confidence, Confirmed: true})
	}
	for i := range out {
		r, err := s.DB.RiskScore(ctx, marketplaceID, out[i].AccountID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		out[i].PeerScore = r.Own
	}
	slices.SortFunc(out, func(a, b risk.Link) int {
		return strings.Compare(a.AccountID+"\x00"+a.Kind, b.AccountID+"\x00"+b.Kind)
	})
	return out, nil
}

// LinkConfirmed is the kind of a link a moderator confirmed.
const LinkConfirmed = "confirmed"

// ReviewKind is the decision kind of a risk review opened by the score.
const ReviewKind = "risk"

// Refresh recomputes an account's score and stores it, keeping the history
// of changes; crossing the review threshold upward opens a review item
// with the explanation (the score recommends, people decide: R-P2).
func (s *Service) Refresh(ctx context.Context, marketplaceID, accountID string) (Assessment, error) {
	a, err := s.Assess(ctx, marketplaceID, accountID)
	if err != nil {
		return a, err
	}
	prev, err := s.DB.RiskScore(ctx, marketplaceID, accountID)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return a, err
	}
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return a, err
	}
	pol := eff.Compiled.Policy("")
	expl, err := json.Marshal(a.Explanation)
	if err != nil {
		return a, err
	}
	e := a.Explanation
	changed := !known || prev.Score != e.Score || prev.Band != e.Band
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveRiskScore(ctx, marketplaceID, store.RiskScore{AccountID: accountID, Score: e.Score, Own: a.Own, Band: e.Band,
			Explanation: expl, ComputedAt: a.At}, changed); err != nil {
			return err
		}
		if !known || prev.Own != a.Own {
			// Peers carry a share of this account's own score (R-F5):
			// theirs is due for a refresh too. Own scores do not depend
			// on peers, so this settles after one round.
			var peers []string
			for _, l := range a.Links {
				if l.Confirmed || l.Confidence >= pol.Risk.DuplicateMinConfidence {
					peers = append(peers, l.AccountID)
				}
			}
			if err := tx.MarkDirty(ctx, marketplaceID, a.At, peers...); err != nil {
				return err
			}
		}
		if !risk.OpensReview(prev.Score, e.Score, pol.Risk) {
			return nil
		}
		return s.openReview(ctx, tx, marketplaceID, a, eff.Version, pol)
	})
	return a, err
}

// openReview stores a risk decision recommending review, with the fired
// signals as its findings, and its review item.
func (s *Service) openReview(ctx context.Context, tx *store.Tx, marketplaceID string, a Assessment, version int64, pol *policy.Policy) error {
	var findings []detect.Finding
	for _, sig := range a.Signals {
		if sig.Fired && !sig.Positive {
			findings = append(findings, detect.Finding{Code: "risk." + sig.Name, Value: fmt.Sprint(sig.Value), Threshold: sig.Threshold,
				Detail: sig.Detail, Refs: append(slices.Clone(sig.EventIDs), sig.Refs...)})
		}
	}
	reason := fmt.Sprintf("Risk score %d (%s) reached the review threshold %d.", a.Explanation.Score, a.Explanation.Band, pol.Risk.ReviewThreshold)
	fj, err := json.Marshal(findings)
	if err != nil {
		return err
	}
	ej, err := json.Marshal(a.Explanation)
	if err != nil {
		return err
	}
	reasons, err := json.Marshal([]policy.Reason{{Key: "risk.review_threshold", Verdict: policy.Verdict{Outcome: policy.PendingReview,
		Severity: a.Explanation.Band, Clause: reason}}})
	if err != nil {
		return err
	}
	d := store.Decision{ID: s.NewID(), MarketplaceID: marketplaceID, Kind: ReviewKind, SubjectType: "account", SubjectID: a.AccountID,
		AccountID: a.AccountID, Outcome: policy.PendingReview, Findings: fj, RuleHits: json.RawMessage("[]"), Reasons: reasons, Input: ej,
		PolicyVersion: version, CreatedAt: a.At}
	if err := tx.CreateDecision(ctx, d); err != nil {
		return err
	}
	if s.Holder == nil {
		return errors.New("fraud: the risk score reached the review threshold but no case holder is configured")
	}
	codes := make([]string, len(findings))
	for i, f := range findings {
		codes[i] = f.Code
	}
	if err := s.Holder.Hold(ctx, tx, check.Hold{MarketplaceID: marketplaceID, DecisionID: d.ID, TargetType: "account", TargetID: a.AccountID,
		AccountID: a.AccountID, Source: "risk", Severity: a.Explanation.Band, Codes: codes, Reason: reason, At: a.At}); err != nil {
		return err
	}
	return tx.Audit(ctx, marketplaceID, audit.Actor{Type: audit.ActorSystem, ID: "risk"}, "risk.review_opened", "account", a.AccountID,
		map[string]any{"decision_id": d.ID, "score": a.Explanation.Score, "band": a.Explanation.Band, "threshold": pol.Risk.ReviewThreshold}, a.At)
}

// RefreshDirty refreshes up to limit accounts touched since their last
// score, oldest first, and returns how many it refreshed.
func (s *Service) RefreshDirty(ctx context.Context, limit int) (int, error) {
	dirty, err := s.DB.DirtyAccounts(ctx, limit)
	if err != nil {
		return 0, err
	}
	for i, d := range dirty {
		if _, err := s.Refresh(ctx, d.MarketplaceID, d.AccountID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return i, fmt.Errorf("refresh %s: %w", d.AccountID, err)
		}
		if err := s.DB.InTx(ctx, func(tx *store.Tx) error { return tx.ClearDirty(ctx, d) }); err != nil {
			return i, err
		}
	}
	return len(dirty), nil
}
