package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/policy"
)

type policyGetInput struct {
	Category string `query:"category" maxLength:"200" doc:"Show the policy in force for this category (marketplace and category overrides applied)."`
}

type policyOutput struct {
	Body struct {
		Version    int64    `json:"version" doc:"Version of the marketplace's document; 0 means the built-in defaults apply."`
		Document   string   `json:"document" doc:"The marketplace's policy document (YAML overrides of the defaults); empty when none."`
		Category   string   `json:"category,omitempty"`
		Effective  string   `json:"effective" doc:"The resolved policy in force (YAML), every threshold included."`
		Categories []string `json:"categories" doc:"Categories with their own overrides."`
	}
}

type policyPutInput struct {
	Body struct {
		Document        string `json:"document" maxLength:"1000000" doc:"The policy document (YAML). Only what differs from the defaults needs to be written."`
		ExpectedVersion *int64 `json:"expected_version,omitempty" doc:"The version this edit started from; the save fails with 409 if someone saved since. Omit to overwrite."`
	}
}

type policyPutOutput struct {
	Body struct {
		Version int64 `json:"version"`
	}
}

func (h *handlers) registerPolicy(api huma.API) {
	tags := []string{"Policy"}
	huma.Register(api, huma.Operation{OperationID: "get-policy", Method: http.MethodGet, Path: "/v1/policy", Tags: tags,
		Summary: "The marketplace's policy: its document and the effective policy", Security: secured()},
		func(ctx context.Context, in *policyGetInput) (*policyOutput, error) {
			eff, err := h.Policies.Get(ctx, callerFrom(ctx).key.MarketplaceID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			y, err := policy.Marshal(eff.Compiled.Policy(in.Category))
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &policyOutput{}
			out.Body.Version, out.Body.Document, out.Body.Category, out.Body.Effective = eff.Version, eff.Document, in.Category, string(y)
			out.Body.Categories = nonNil(eff.Compiled.Categories())
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "put-policy", Method: http.MethodPut, Path: "/v1/policy", Tags: tags,
		Summary: "Replace the marketplace's policy document",
		Description: "The document is linted first (unknown keys, types, ranges, outcomes, and every CEL rule type- and cost-checked); " +
			"problems come back as 422 with each one's line and column, and nothing is saved. A saved policy applies to the next check.",
		Security: secured(), MaxBodyBytes: 2 << 20},
		func(ctx context.Context, in *policyPutInput) (*policyPutOutput, error) {
			c := callerFrom(ctx)
			expect := int64(-1)
			if in.Body.ExpectedVersion != nil {
				expect = *in.Body.ExpectedVersion
			}
			v, err := h.Policies.Save(ctx, c.actor(), c.key.MarketplaceID, in.Body.Document, expect)
			var probs policy.Problems
			if errors.As(err, &probs) {
				details := make([]error, 0, len(probs))
				for _, p := range probs {
					details = append(details, &huma.ErrorDetail{Location: fmt.Sprintf("document:%d:%d %s", p.Line, p.Column, p.Path), Message: p.Message})
				}
				return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("the policy has %d problem(s); nothing was saved", len(probs)), details...)
			}
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &policyPutOutput{}
			out.Body.Version = v
			return out, nil
		})
}
