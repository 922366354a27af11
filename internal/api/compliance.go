package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/compliance"
)

type statementsInput struct {
	Format string    `query:"format" enum:"dsa,native" default:"native" doc:"dsa: EU DSA Transparency Database submission records, free of personal data; native: Vigil's statements with the account and redress."`
	From   time.Time `query:"from" doc:"Issued at or after (RFC 3339); default 30 days ago."`
	To     time.Time `query:"to" doc:"Issued before (RFC 3339); default now."`
	Cursor string    `query:"cursor" maxLength:"200"`
	Limit  int       `query:"limit" minimum:"1" maximum:"100" default:"100" doc:"At most 100: the Transparency Database's batch size."`
}

type statementsOutput struct{ Body compliance.StatementBatch }

func (h *handlers) registerCompliance(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "statements-of-reasons", Method: http.MethodGet, Path: "/v1/statements-of-reasons",
		Tags: []string{"Compliance"}, Summary: "Statements of reasons, for export",
		Description: "Every statement of reasons issued, oldest first, in batches of at most 100 with a cursor. format=dsa gives " +
			"the records in the EU DSA Transparency Database's submission fields and values (decision_*, decision_ground and its " +
			"explanation, category, content_type, automated_detection, automated_decision, source_type, application_date, end dates, " +
			"puid …), with no personal data.", Security: secured()},
		func(ctx context.Context, in *statementsInput) (*statementsOutput, error) {
			to := in.To
			if to.IsZero() {
				to = time.Now().UTC()
			}
			from := in.From
			if from.IsZero() {
				from = to.AddDate(0, 0, -30)
			}
			if !from.Before(to) {
				return nil, huma.Error422UnprocessableEntity("from must be before to")
			}
			p, err := h.Compliance.Statements(ctx, callerFrom(ctx).key.MarketplaceID, in.Format, from, to, in.Cursor, in.Limit)
			if errors.Is(err, compliance.ErrCursor) {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &statementsOutput{Body: p}, nil
		})
}
