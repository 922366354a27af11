package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

type entityInput struct {
	ID string `path:"id" maxLength:"200"`
}

type entityOutput struct {
	Body struct {
		Type      string          `json:"type"`
		ID        string          `json:"id"`
		AccountID string          `json:"account_id" doc:"The owning or acting account."`
		UpdatedAt time.Time       `json:"updated_at" doc:"occurred_at of the event behind the current state."`
		Data      json.RawMessage `json:"data" doc:"The latest data the marketplace sent for this entity."`
		Fields    map[string]any  `json:"fields" doc:"State Vigil maintains from later events, e.g. an order's status and step times."`
	}
}

// registerEntities adds one read operation per entity type: the
// marketplace's own data as Vigil holds it (not a public endpoint).
func (h *handlers) registerEntities(api huma.API) {
	for _, e := range []struct{ typ, path string }{
		{"account", "accounts"}, {"listing", "listings"}, {"message", "messages"}, {"review", "reviews"}, {"order", "orders"},
	} {
		huma.Register(api, huma.Operation{
			OperationID: "get-" + e.typ, Method: http.MethodGet, Path: "/v1/" + e.path + "/{id}", Tags: []string{"Entities"},
			Summary: "Get a " + e.typ + " as Vigil holds it", Security: secured(),
		}, func(ctx context.Context, in *entityInput) (*entityOutput, error) {
			ent, err := h.DB.Entity(ctx, callerFrom(ctx).key.MarketplaceID, e.typ, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &entityOutput{}
			out.Body.Type, out.Body.ID, out.Body.AccountID, out.Body.UpdatedAt = ent.Type, ent.ID, ent.AccountID, ent.UpdatedAt
			out.Body.Data, out.Body.Fields = ent.Data, ent.Fields
			return out, nil
		})
	}
}
