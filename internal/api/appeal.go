package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/store"
)

type appealInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"Retries with the same key return the first appeal."`
	Body           appeal.Filing
}

type appealOutput struct {
	Status int
	Body   appeal.Appeal
}

type appealIDInput struct {
	ID string `path:"id" maxLength:"100"`
}

type appealStatusOutput struct{ Body appeal.AppealStatus }

type appealsInput struct {
	Status    string `query:"status" enum:"open,escalated,decided,all" default:"open" doc:"open: the queue (open and escalated), soonest due first; otherwise newest first."`
	AccountID string `query:"account_id" maxLength:"200"`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type appealsOutput struct {
	Body struct {
		Items []appeal.Appeal `json:"items"`
	}
}

type reviewInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		ActingModerator
		appeal.Review
	}
}

type appealViewOutput struct{ Body appeal.Appeal }

type appealStatsInput struct {
	From time.Time `query:"from" doc:"Start of the period (RFC 3339); default 365 days ago."`
	To   time.Time `query:"to" doc:"End of the period (RFC 3339); default now."`
}

type appealStatsOutput struct{ Body appeal.Stats }

func (h *handlers) registerAppeals(api huma.API) {
	tags := []string{"Appeals"}
	huma.Register(api, huma.Operation{OperationID: "file-appeal", Method: http.MethodPost, Path: "/v1/appeals", Tags: tags,
		Summary: "File an appeal or complaint",
		Description: "A plan of action (root cause, corrective action, preventive measures, each at least 20 characters) against the " +
			"account's current tier (default), a sanction, a case's content decision or an automated decision. One open appeal per " +
			"decision (409); a blocked account may appeal within 7 days of the block, content decisions within 6 months (policy " +
			"appeals.*), else 422. Answers 201 with the due time from the policy's SLA (restricted 72h, suspended 48h, blocked 24h).",
		DefaultStatus: http.StatusCreated, Security: secured()},
		func(ctx context.Context, in *appealInput) (*appealOutput, error) {
			c := callerFrom(ctx)
			v, err := h.Appeals.File(ctx, c.key.MarketplaceID, c.actor(), in.Body, in.IdempotencyKey)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			status := http.StatusCreated
			if v.Replayed {
				status = http.StatusOK
			}
			return &appealOutput{Status: status, Body: v}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "appeal-status", Method: http.MethodGet, Path: "/v1/appeals/{id}", Tags: tags,
		Summary:     "An appeal, for the appellant",
		Description: "Status, due time, and once decided the outcome and the reasoned reply; nothing about who reviewed it.", Security: secured()},
		func(ctx context.Context, in *appealIDInput) (*appealStatusOutput, error) {
			st, err := h.Appeals.StatusOf(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &appealStatusOutput{Body: st}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-appeals", Method: http.MethodGet, Path: "/v1/appeals", Tags: tags,
		Summary: "The appeals queue", Description: "Open and escalated appeals, soonest due first, with the plan of action and SLA state.", Security: secured()},
		func(ctx context.Context, in *appealsInput) (*appealsOutput, error) {
			var statuses []string
			switch in.Status {
			case "all":
				statuses = []string{"open", "escalated", "decided"}
			case "escalated", "decided":
				statuses = []string{in.Status}
			}
			items, err := h.Appeals.List(ctx, callerFrom(ctx).key.MarketplaceID, statuses, in.AccountID, in.Limit)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &appealsOutput{}
			out.Body.Items = items
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "decide-appeal", Method: http.MethodPost, Path: "/v1/appeals/{id}/decision", Tags: tags,
		Summary: "Decide an appeal",
		Description: "By an appeals reviewer who did not take the appealed decision (escalated appeals: an admin or another reviewer). " +
			"reverse undoes the decision, reduce lowers the tier by one, maintain keeps it, escalate passes it to a senior reviewer " +
			"with the due time unchanged. The outcome is applied at once and sent as appeal.decided with the reply.", Security: secured()},
		func(ctx context.Context, in *reviewInput) (*appealViewOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			v, err := h.Appeals.Decide(ctx, c.key.MarketplaceID, appeal.Reviewer{User: m.User, Via: m.Via}, in.ID, in.Body.Review)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &appealViewOutput{Body: v}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "appeal-statistics", Method: http.MethodGet, Path: "/v1/appeals/statistics", Tags: tags,
		Summary:     "Appeal and complaint statistics",
		Description: "For compliance reports: appeals by tier, kind and outcome, reversal rate, median handling time, SLA compliance, breaches, and business users' complaints (P2B).",
		Security:    secured()},
		func(ctx context.Context, in *appealStatsInput) (*appealStatsOutput, error) {
			to := in.To
			if to.IsZero() {
				to = time.Now().UTC()
			}
			from := in.From
			if from.IsZero() {
				from = to.AddDate(0, 0, -365)
			}
			if !from.Before(to) {
				return nil, huma.Error422UnprocessableEntity("from must be before to")
			}
			st, err := h.Appeals.Statistics(ctx, callerFrom(ctx).key.MarketplaceID, from, to)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &appealStatsOutput{Body: st}, nil
		})
}

// appealErr maps the appeal service's errors; the rest go to problem.
func appealErr(err error) (error, bool) {
	switch {
	case errors.Is(err, appeal.ErrDuplicate):
		return huma.Error409Conflict(err.Error()), true
	case errors.Is(err, appeal.ErrForbidden):
		return huma.Error403Forbidden(err.Error()), true
	case errors.Is(err, appeal.ErrInvalid), errors.Is(err, appeal.ErrClosed):
		return huma.Error422UnprocessableEntity(err.Error()), true
	case errors.Is(err, store.ErrConflict):
		return huma.Error409Conflict(err.Error()), true
	}
	return nil, false
}
