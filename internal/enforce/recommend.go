package enforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// RecommendRequest is a tier or sanction recommended to a person: by a
// moderator on a case, a rule, the risk score or a logistics rule (R-P2).
type RecommendRequest struct {
	AccountID string
	// Tier or Sanction (with Duration) is what is recommended.
	Tier      string
	Sanction  string
	Duration  policy.Duration
	Source    string
	SourceRef string
	Reason    string
	Ground    string
	// Remedial is the remedial step a recommended logistics sanction
	// offers, kept for when a person approves it.
	Remedial string
	Evidence map[string]any
	By       audit.Actor
}

// Recommendation is a recommendation as the API and console show it.
type Recommendation struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Tier      string          `json:"tier,omitempty"`
	Sanction  string          `json:"sanction,omitempty"`
	Duration  string          `json:"duration,omitempty"`
	Source    string          `json:"source"`
	SourceRef string          `json:"source_ref,omitempty"`
	Reason    string          `json:"reason"`
	Ground    string          `json:"ground,omitempty"`
	Evidence  json.RawMessage `json:"evidence"`
	Status    string          `json:"status" enum:"pending,approved,rejected"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	DecidedBy string          `json:"decided_by,omitempty"`
	DecidedAt time.Time       `json:"decided_at,omitzero"`
	Note      string          `json:"decision_note,omitempty"`
	ActionID  string          `json:"action_id,omitempty"`
}

func recommendationView(r store.Recommendation) Recommendation {
	v := Recommendation{ID: r.ID, AccountID: r.AccountID, Tier: r.Tier, Sanction: r.Sanction, Source: r.Source, SourceRef: r.SourceRef,
		Reason: r.Reason, Ground: r.Ground, Evidence: r.Evidence, Status: r.Status, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
		DecidedBy: r.DecidedBy, DecidedAt: r.DecidedAt, Note: r.DecisionNote, ActionID: r.ActionID}
	if r.Duration > 0 {
		v.Duration = policy.Duration(r.Duration).String()
	}
	return v
}

// Recommend records a recommendation inside tx, for a person allowed to
// decide it. A second recommendation of the same tier or sanction for an
// account while one is pending joins it: its source is added to the
// pending one's evidence rather than queued twice.
func (s *Service) Recommend(ctx context.Context, tx *store.Tx, marketplaceID string, r RecommendRequest) (Recommendation, error) {
	switch {
	case (r.Tier == "") == (r.Sanction == ""):
		return Recommendation{}, fmt.Errorf("%w: recommend either a tier or a sanction", ErrInvalid)
	case r.Tier != "" && Rank(r.Tier) <= 0:
		return Recommendation{}, fmt.Errorf("%w: tier must be one of %s", ErrInvalid, strings.Join(policy.Tiers()[1:], ", "))
	case r.Sanction != "" && !slices.Contains(policy.SanctionKinds(), r.Sanction):
		return Recommendation{}, fmt.Errorf("%w: sanction must be one of %s", ErrInvalid, strings.Join(policy.SanctionKinds(), ", "))
	case strings.TrimSpace(r.Reason) == "":
		return Recommendation{}, fmt.Errorf("%w: say why it is recommended", ErrInvalid)
	case strings.TrimSpace(r.AccountID) == "":
		return Recommendation{}, fmt.Errorf("%w: a recommendation needs the account", ErrInvalid)
	}
	now := s.Now()
	source := map[string]any{"source": r.Source, "source_ref": r.SourceRef, "reason": r.Reason, "by": r.By, "at": now}
	rec, err := tx.PendingRecommendationFor(ctx, marketplaceID, r.AccountID, r.Tier, r.Sanction)
	switch {
	case err == nil:
		var ev map[string]any
		if err := json.Unmarshal(rec.Evidence, &ev); err != nil || ev == nil {
			ev = map[string]any{}
		}
		also, _ := ev["also"].([]any)
		ev["also"] = append(also, source)
		if rec.Evidence, err = json.Marshal(ev); err != nil {
			return Recommendation{}, err
		}
	case errors.Is(err, store.ErrNotFound):
		ev := map[string]any{}
		for k, v := range r.Evidence {
			ev[k] = v
		}
		if r.Remedial != "" {
			ev["remedial"] = r.Remedial
		}
		b, err := json.Marshal(ev)
		if err != nil {
			return Recommendation{}, err
		}
		rec = store.Recommendation{MarketplaceID: marketplaceID, ID: s.NewID(), AccountID: r.AccountID, Tier: r.Tier, Sanction: r.Sanction,
			Duration: r.Duration.Std(), Source: r.Source, SourceRef: r.SourceRef, Reason: strings.TrimSpace(r.Reason), Ground: r.Ground,
			Evidence: b, Status: "pending", CreatedBy: r.By.Type + ":" + r.By.ID, CreatedAt: now}
	default:
		return Recommendation{}, err
	}
	if err := tx.SaveRecommendation(ctx, rec); err != nil {
		return Recommendation{}, err
	}
	v := recommendationView(rec)
	if err := tx.Audit(ctx, marketplaceID, r.By, "enforcement.recommended", "account", r.AccountID, source, now); err != nil {
		return v, err
	}
	return v, s.notify(ctx, tx, marketplaceID, EventRecommended, v)
}

// Recommendations lists recommendations, newest first: status pending,
// approved, rejected or empty for all; accountID narrows to one account.
func (s *Service) Recommendations(ctx context.Context, marketplaceID, status, accountID string, limit int) ([]Recommendation, error) {
	rows, err := s.DB.Recommendations(ctx, marketplaceID, status, accountID, limit)
	out := make([]Recommendation, len(rows))
	for i, r := range rows {
		out[i] = recommendationView(r)
	}
	return out, err
}

// Decide approves or rejects a pending recommendation. Approving applies
// it as the decider's own decision, so the ladder's role rules apply to
// them; rejecting needs the same role and a note.
func (s *Service) Decide(ctx context.Context, marketplaceID string, by Decider, id string, approve bool, d Decision) (Recommendation, error) {
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		rec, err := tx.Recommendation(ctx, marketplaceID, id)
		if err != nil {
			return err
		}
		if rec.Status != "pending" {
			return fmt.Errorf("%w: the recommendation is already %s", ErrInvalid, rec.Status)
		}
		var ev map[string]any
		_ = json.Unmarshal(rec.Evidence, &ev)
		if ev == nil {
			ev = map[string]any{}
		}
		// The decision keeps what the recommendation rests on: its
		// source and the case or rule behind it, its evidence.
		ev["recommendation_id"] = rec.ID
		d.Evidence, d.SourceRef = ev, rec.SourceRef
		if d.Source == "" {
			d.Source = rec.Source
			if !slices.Contains(Sources(), d.Source) {
				d.Source = SourceModerator
			}
		}
		if d.Ground == "" && d.Template == "" {
			d.Ground = rec.Ground
		}
		if approve && d.Reason == "" && d.Template == "" {
			d.Reason = rec.Reason
		}
		pol, err := s.policy(ctx, marketplaceID)
		if err != nil {
			return err
		}
		if !approve {
			tier := rec.Tier
			if tier == "" {
				tier = sanctionTier(rec.Sanction)
			}
			if !MayDecide(pol.Enforcement, rec.Tier, rec.Sanction, by.authority(d.Source)) {
				return fmt.Errorf("%w: deciding a %s recommendation needs the %s role or above", ErrForbidden, tier, pol.Enforcement.TierRoles[tier])
			}
			if strings.TrimSpace(d.Reason) == "" && d.Template == "" {
				return fmt.Errorf("%w: say why the recommendation is rejected", ErrInvalid)
			}
		}
		note := d
		if err := note.resolve(pol.Enforcement, true); err != nil && !approve {
			return err
		}
		var a store.EnforcementAction
		if approve {
			if rec.Tier != "" {
				a, _, err = s.SetTierTx(ctx, tx, marketplaceID, by, rec.AccountID, rec.Tier, d)
			} else {
				req := SanctionRequest{Kind: rec.Sanction, Decision: d}
				if rec.Duration > 0 {
					req.Duration = policy.Duration(rec.Duration).String()
				}
				if rec.Source == SourceLogistics {
					req.Class = Logistics
					req.Remedial, _ = ev["remedial"].(string)
				}
				a, _, err = s.ImposeTx(ctx, tx, marketplaceID, by, rec.AccountID, req)
			}
			if err != nil {
				return err
			}
			rec.Status = "approved"
		} else {
			c, err := s.begin(ctx, tx, marketplaceID, rec.AccountID)
			if err != nil {
				return err
			}
			// The entry names what was rejected: the tier or sanction
			// recommended, not the tier the account stays at.
			a = store.EnforcementAction{ID: s.NewID(), Kind: "recommendation_rejected", FromTier: c.st.Tier, ToTier: rec.Tier, SanctionKind: rec.Sanction}
			if err := s.record(ctx, tx, c, by, &a, note); err != nil {
				return err
			}
			rec.Status = "rejected"
		}
		rec.DecidedBy, rec.DecidedAt, rec.DecisionNote, rec.ActionID = by.Actor.Type+":"+by.Actor.ID, s.Now(), note.Reason, a.ID
		if err := tx.SaveRecommendation(ctx, rec); err != nil {
			return err
		}
		return s.notify(ctx, tx, marketplaceID, EventRecommendationDone, recommendationView(rec))
	})
	if err != nil {
		return Recommendation{}, err
	}
	rec, err := s.DB.Recommendation(ctx, marketplaceID, id)
	return recommendationView(rec), err
}
