package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/listing"
)

type listingPath struct {
	ID string `path:"id" maxLength:"200"`
}

type trustOutput struct{ Body listing.Trust }

type historyOutput struct {
	Body struct {
		Items []listing.History `json:"items"`
	}
}

type moveInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		Status string `json:"status" enum:"approved,rejected,changes_requested,paused"`
		// Actor is who moves it: a moderator (moderator_id required) or
		// the owner through the marketplace.
		Actor       string   `json:"actor" enum:"moderator,owner" doc:"moderator: a person's review (moderator_id required); owner: the seller pausing or resuming their listing."`
		ModeratorID string   `json:"moderator_id,omitempty" maxLength:"100"`
		Reason      string   `json:"reason,omitempty" maxLength:"5000" doc:"Why; required for rejections and change requests."`
		Clause      string   `json:"clause,omitempty" maxLength:"200" doc:"The policy clause a rejection or change request cites."`
		Fields      []string `json:"fields,omitempty" maxItems:"20" doc:"changes_requested: the fields the seller must change."`
	}
}

type propertyInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		ActingModerator
		Checked bool   `json:"checked" doc:"true: the evidence of the relationship to the property was accepted; false: withdrawn or refused."`
		Note    string `json:"note" minLength:"1" maxLength:"2000" doc:"What evidence was reviewed."`
	}
}

func (h *handlers) registerListings(api huma.API) {
	tags := []string{"Listings"}
	huma.Register(api, huma.Operation{OperationID: "listing-trust", Method: http.MethodGet, Path: "/v1/listings/{id}/trust", Tags: tags,
		Summary: "A listing's public trust view",
		Description: "Safe to show anyone: status, trust levels (contact verified, property checked — never an ownership guarantee), " +
			"freshness (last update and confirmation, the ranking penalty from day 7, hiding or expiry from day 21), the area (city, " +
			"country, postcode prefix — never the address) and the seller's verification badge.", Security: secured()},
		func(ctx context.Context, in *listingPath) (*trustOutput, error) {
			t, err := h.Listings.TrustOf(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &trustOutput{Body: t}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "listing-history", Method: http.MethodGet, Path: "/v1/listings/{id}/history", Tags: tags,
		Summary: "A listing's status history", Description: "Every status move, newest first, with who made it, why, the clause and fields.", Security: secured()},
		func(ctx context.Context, in *listingPath) (*historyOutput, error) {
			return h.history(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
		})
	huma.Register(api, huma.Operation{OperationID: "move-listing", Method: http.MethodPost, Path: "/v1/listings/{id}/status", Tags: tags,
		Summary: "Move a listing",
		Description: "A moderator approves, rejects, requests changes to, pauses or restores a listing; the owner pauses or resumes " +
			"their own. Moves outside the lifecycle are 403; each is recorded and sent as listing.status_changed.", Security: secured()},
		func(ctx context.Context, in *moveInput) (*historyOutput, error) {
			c := callerFrom(ctx)
			b := in.Body
			m := listing.Move{To: b.Status, Actor: b.Actor, Reason: b.Reason, Clause: b.Clause, Fields: b.Fields, ActorID: c.key.ID}
			actor := c.actor()
			if b.Actor == listing.ActorModerator {
				mod, err := h.moderator(ctx, c, b.ModeratorID)
				if err != nil {
					return nil, h.problem(ctx, err)
				}
				m.ActorID, actor = mod.User.ID, audit.Actor{Type: audit.ActorUser, ID: mod.User.ID}
			}
			if err := h.Listings.Move(ctx, c.key.MarketplaceID, actor, in.ID, m); err != nil {
				return nil, h.problem(ctx, err)
			}
			return h.history(ctx, c.key.MarketplaceID, in.ID)
		})
	huma.Register(api, huma.Operation{OperationID: "property-check", Method: http.MethodPost, Path: "/v1/listings/{id}/property-check", Tags: tags,
		Summary: "Record a property check",
		Description: "A moderator accepts (or withdraws) the evidence of the seller's relationship to the property: the Property Checked " +
			"trust level. It is never presented as a legal ownership guarantee.", Security: secured()},
		func(ctx context.Context, in *propertyInput) (*trustOutput, error) {
			c := callerFrom(ctx)
			mod, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			if err := h.Listings.CheckProperty(ctx, c.key.MarketplaceID, mod.User, in.ID, in.Body.Checked, in.Body.Note); err != nil {
				return nil, h.problem(ctx, err)
			}
			t, err := h.Listings.TrustOf(ctx, c.key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &trustOutput{Body: t}, nil
		})
}

// history answers with a listing's status history.
func (h *handlers) history(ctx context.Context, marketplaceID, listingID string) (*historyOutput, error) {
	items, err := h.Listings.HistoryOf(ctx, marketplaceID, listingID, 200)
	if err != nil {
		return nil, h.problem(ctx, err)
	}
	out := &historyOutput{}
	out.Body.Items = items
	return out, nil
}

// listingErr maps the listing package's errors; the rest go to problem.
func listingErr(err error) (error, bool) {
	switch {
	case errors.Is(err, listing.ErrForbidden):
		return huma.Error403Forbidden(err.Error()), true
	case errors.Is(err, listing.ErrInvalid):
		return huma.Error422UnprocessableEntity(err.Error()), true
	}
	return nil, false
}
