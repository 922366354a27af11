package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/event"
)

type listingCheckInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"Retries with the same key return the first decision instead of deciding again."`
	Body           event.ListingUpserted
}

type decisionOutput struct {
	Body check.Decided
}

func (h *handlers) registerChecks(api huma.API) {
	tags := []string{"Checks"}
	huma.Register(api, huma.Operation{OperationID: "check-listing", Method: http.MethodPost, Path: "/v1/checks/listing", Tags: tags,
		Summary: "Decide whether a listing may go live",
		Description: "Runs the pre-publish checks (required fields, prohibited categories and words, contact details and phishing links, " +
			"price sanity against the category's recent prices, counterfeit indicators, duplicates) and the marketplace's custom rules, " +
			"and answers `approved`, `pending_review`, `changes_requested` (with the fields to change) or `rejected`, with every finding's " +
			"evidence and the policy clause cited. The listing is stored with its new status and the decision is kept for explanation. " +
			"A phishing link queues the `link.takedown` webhook at once.",
		Security: secured(), MaxBodyBytes: 1 << 20},
		func(ctx context.Context, in *listingCheckInput) (*decisionOutput, error) {
			c := callerFrom(ctx)
			data, err := json.Marshal(in.Body)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			res, err := h.Checks.Listing(ctx, c.key.MarketplaceID, c.actor(), data, in.IdempotencyKey)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &decisionOutput{Body: res}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-decision", Method: http.MethodGet, Path: "/v1/decisions/{id}", Tags: tags,
		Summary: "A stored decision with its findings, reasons and rule hits", Security: secured()},
		func(ctx context.Context, in *idInput) (*decisionOutput, error) {
			d, err := h.DB.Decision(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			res, err := check.ResultOf(d)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &decisionOutput{Body: res}, nil
		})
}
