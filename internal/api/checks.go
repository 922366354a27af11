package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/event"
)

// checkInput is a check request: the entity's data as in its event, and an
// optional idempotency key.
type checkInput[T any] struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"Retries with the same key return the first decision instead of deciding again."`
	Body           T
}

type decisionOutput struct {
	Body check.Decided
}

// registerCheck adds one POST /v1/checks/{kind} operation taking T.
func registerCheck[T any](h *handlers, api huma.API, kind, summary, description string, fn check.Func) {
	huma.Register(api, huma.Operation{OperationID: "check-" + kind, Method: http.MethodPost, Path: "/v1/checks/" + kind, Tags: []string{"Checks"},
		Summary: summary, Description: description, Security: secured(), MaxBodyBytes: 1 << 20},
		func(ctx context.Context, in *checkInput[T]) (*decisionOutput, error) {
			return h.decide(ctx, in.Body, in.IdempotencyKey, fn)
		})
}

func (h *handlers) registerChecks(api huma.API) {
	registerCheck[event.ListingUpserted](h, api, "listing", "Decide whether a listing may go live",
		"Runs the pre-publish checks (required fields, prohibited categories and words, contact details and phishing links, "+
			"price sanity against the category's recent prices, counterfeit indicators, duplicates) and the marketplace's custom rules, "+
			"and answers `approved`, `pending_review`, `changes_requested` (with the fields to change) or `rejected`, with every finding's "+
			"evidence and the policy clause cited. The listing is stored with its new status and the decision is kept for explanation. "+
			"A phishing link queues the `link.takedown` webhook at once.", h.Checks.Listing)
	registerCheck[event.MessageSent](h, api, "message", "Decide what happens to a message before delivery",
		"Finds contact details (also spelled out, spaced or disguised), links and phishing, scam scripts and spam "+
			"(new conversations per hour), runs the custom rules, and answers `allow`, `warn`, `mask` (with `masked_text`), `hold` or `block`.",
		h.Checks.Message)
	registerCheck[event.ReviewSubmitted](h, api, "review", "Decide whether a review is published",
		"Applies the review rules: verified purchase, one review per order, not before the delay after delivery, minimum length, "+
			"edit window, profanity and contact details, bursts for one seller, near-copies of other reviews, rating/sentiment mismatch, "+
			"cross-reviews, self-reviews (shared IP or device), new reviewers; answers `publish`, `low_priority`, `hold` or `reject`.",
		h.Checks.Review)
	huma.Register(api, huma.Operation{OperationID: "get-decision", Method: http.MethodGet, Path: "/v1/decisions/{id}", Tags: []string{"Checks"},
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

// decide runs one check on the request body.
func (h *handlers) decide(ctx context.Context, body any, key string, fn check.Func) (*decisionOutput, error) {
	c := callerFrom(ctx)
	data, err := json.Marshal(body)
	if err != nil {
		return nil, h.problem(ctx, err)
	}
	res, err := fn(ctx, c.key.MarketplaceID, c.actor(), data, key)
	if err != nil {
		return nil, h.problem(ctx, err)
	}
	return &decisionOutput{Body: res}, nil
}
