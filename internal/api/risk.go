package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/risk"
	"github.com/vigil-ts/vigil/internal/store"
)

// RiskLink is a linked account as the risk API shows it.
type RiskLink struct {
	AccountID  string  `json:"account_id"`
	Kind       string  `json:"kind" doc:"The shared identifier (email, phone, payment, device, address, ip) or confirmed (by a moderator)."`
	Confidence float64 `json:"confidence" doc:"0..1: the policy's confidence for the identifier kind, or the moderator's."`
	Confirmed  bool    `json:"confirmed"`
	PeerScore  int     `json:"peer_score" doc:"The peer's score from its own signals."`
}

// RiskPoint is one change of an account's score.
type RiskPoint struct {
	Score int       `json:"score"`
	Band  string    `json:"band"`
	At    time.Time `json:"at"`
}

// AccountRisk is an account's risk score with its explanation.
type AccountRisk struct {
	AccountID string `json:"account_id"`
	Score     int    `json:"score" minimum:"0" maximum:"100"`
	Band      string `json:"band" enum:"low,medium,high,critical"`
	// Raw is the unclamped sum.
	Raw           float64             `json:"raw" doc:"The sum of the raw points before the score is clamped to 0..100."`
	Contributions []risk.Contribution `json:"contributions" doc:"Each fired signal's and linked peer's points; they add up to the score exactly."`
	Signals       []risk.Signal       `json:"signals" doc:"Every signal checked, fired or not, with its value, threshold, window and the events behind it."`
	Links         []RiskLink          `json:"links"`
	History       []RiskPoint         `json:"history" doc:"Score changes, newest first."`
	ComputedAt    time.Time           `json:"computed_at"`
}

type riskOutput struct{ Body AccountRisk }

type linksOutput struct {
	Body struct {
		Links []RiskLink `json:"links"`
	}
}

type confirmLinkInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		AccountID  string  `json:"account_id" minLength:"1" maxLength:"200" doc:"The other account."`
		Confidence float64 `json:"confidence,omitempty" minimum:"0" maximum:"1" default:"1" doc:"How sure the moderator is, above 0 and at most 1."`
		Note       string  `json:"note,omitempty" maxLength:"1000"`
	}
}

type linkInput struct {
	ID    string `path:"id" maxLength:"200"`
	Other string `path:"other" maxLength:"200"`
}

func riskLinks(ls []risk.Link) []RiskLink {
	out := make([]RiskLink, len(ls))
	for i, l := range ls {
		out[i] = RiskLink{AccountID: l.AccountID, Kind: l.Kind, Confidence: l.Confidence, Confirmed: l.Confirmed, PeerScore: l.PeerScore}
	}
	return out
}

func (h *handlers) registerRisk(api huma.API) {
	tags := []string{"Risk"}
	huma.Register(api, huma.Operation{OperationID: "account-risk", Method: http.MethodGet, Path: "/v1/accounts/{id}/risk", Tags: tags,
		Summary: "An account's risk score with its explanation",
		Description: "Computed now from the account's signals: every signal checked (fired or not) with its evidence, each fired signal's " +
			"and linked peer's points — trust signals negative — adding up to the score, the band, the linked accounts, and the history " +
			"of score changes. Private: never show it to other users (R-P5). The score recommends; it never changes an account's standing.",
		Security: secured()},
		func(ctx context.Context, in *idInput) (*riskOutput, error) {
			mp := callerFrom(ctx).key.MarketplaceID
			a, err := h.Fraud.Assess(ctx, mp, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			hist, err := h.DB.RiskHistory(ctx, mp, in.ID, 100)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &riskOutput{Body: AccountRisk{AccountID: in.ID, Score: a.Explanation.Score, Band: a.Explanation.Band, Raw: a.Explanation.Raw,
				Contributions: a.Explanation.Contributions, Signals: a.Signals, Links: riskLinks(a.Links), History: riskHistory(hist), ComputedAt: a.At}}
			if out.Body.Contributions == nil {
				out.Body.Contributions = []risk.Contribution{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "account-links", Method: http.MethodGet, Path: "/v1/accounts/{id}/links", Tags: tags,
		Summary: "Accounts linked to an account", Description: "Inferred from shared identifiers, and confirmed by moderators.", Security: secured()},
		func(ctx context.Context, in *idInput) (*linksOutput, error) {
			a, err := h.Fraud.Assess(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &linksOutput{}
			out.Body.Links = riskLinks(a.Links)
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "confirm-link", Method: http.MethodPost, Path: "/v1/accounts/{id}/links", Tags: tags,
		Summary:       "Confirm that two accounts are linked",
		Description:   "A confirmed link counts as certain: each account carries a confidence-weighted share of the other's risk (R-F5). Audited.",
		DefaultStatus: http.StatusNoContent, Security: secured()},
		func(ctx context.Context, in *confirmLinkInput) (*struct{}, error) {
			c := callerFrom(ctx)
			conf := in.Body.Confidence
			if conf == 0 {
				conf = 1
			}
			return nil, h.problem2(ctx, h.Fraud.ConfirmLink(ctx, c.actor(), c.key.MarketplaceID, in.ID, in.Body.AccountID, conf, in.Body.Note))
		})
	huma.Register(api, huma.Operation{OperationID: "remove-link", Method: http.MethodDelete, Path: "/v1/accounts/{id}/links/{other}", Tags: tags,
		Summary: "Remove a confirmed link", DefaultStatus: http.StatusNoContent, Security: secured()},
		func(ctx context.Context, in *linkInput) (*struct{}, error) {
			c := callerFrom(ctx)
			return nil, h.problem2(ctx, h.Fraud.RemoveLink(ctx, c.actor(), c.key.MarketplaceID, in.ID, in.Other))
		})
}

func riskHistory(hist []store.RiskScore) []RiskPoint {
	out := make([]RiskPoint, len(hist))
	for i, r := range hist {
		out[i] = RiskPoint{Score: r.Score, Band: r.Band, At: r.ComputedAt}
	}
	return out
}
