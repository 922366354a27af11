package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

type marketplaceOutput struct {
	Body struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		Slug      string    `json:"slug"`
		CreatedAt time.Time `json:"created_at"`
		KeyID     string    `json:"key_id" doc:"The API key making this call."`
	}
}

func (h *handlers) registerMarketplace(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "get-marketplace", Method: http.MethodGet, Path: "/v1/marketplace", Tags: []string{"Marketplace"},
		Summary: "The marketplace this API key belongs to", Security: secured()},
		func(ctx context.Context, _ *struct{}) (*marketplaceOutput, error) {
			c := callerFrom(ctx)
			m, err := h.DB.Marketplace(ctx, c.key.MarketplaceID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &marketplaceOutput{}
			out.Body.ID, out.Body.Name, out.Body.Slug, out.Body.CreatedAt, out.Body.KeyID = m.ID, m.Name, m.Slug, m.CreatedAt, c.key.ID
			return out, nil
		})
}
