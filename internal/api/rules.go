package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/compliance"
)

type precisionInput struct {
	From time.Time `query:"from" doc:"Decisions made at or after (RFC 3339); default 90 days before to."`
	To   time.Time `query:"to" doc:"Decisions made before (RFC 3339); default now."`
}

type precisionOutput struct{ Body compliance.Precision }

// registerRulePrecision registers the feedback loop's figures (R-C6).
func (h *handlers) registerRulePrecision(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "rule-precision", Method: http.MethodGet, Path: "/v1/rules/precision",
		Tags: []string{"Compliance"}, Summary: "Precision of each rule and detector",
		Description: "How often people agreed with each custom rule and each detector (finding code) when it fired, over the " +
			"automated decisions made in [from, to) (R-C6): hits, how many of those decisions a person judged, upheld (the person " +
			"found a breach), overturned (they found none) and precision = upheld / (upheld + overturned), null when none was judged. " +
			"A decision is judged by the last case a moderator closed on its subject, or the last move of the listing a moderator " +
			"made, before the subject's next decision, and by appeals decided against that case or the decision. Shadow rules are " +
			"measured the same way against the human outcome of the subject they fired on, with the outcome they would have given " +
			"(would_have_done) and how many decisions they would have made stricter, so a rule's precision is known before it is " +
			"switched on. Rows are sorted worst precision first among those with at least enough_judged judged hits, then the rest. " +
			"`vigil export labels` exports the same labels, one decision per line, for training.",
		Security: secured()},
		func(ctx context.Context, in *precisionInput) (*precisionOutput, error) {
			from, to, err := period(in.From, in.To, func(t time.Time) time.Time { return t.AddDate(0, 0, -90) })
			if err != nil {
				return nil, err
			}
			p, err := h.Compliance.Precision(ctx, callerFrom(ctx).key.MarketplaceID, from, to)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &precisionOutput{Body: p}, nil
		})
}
