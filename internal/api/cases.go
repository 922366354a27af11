package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
)

type reportInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"Retries with the same key return the first report instead of filing another."`
	Body           cases.ReportRequest
}

type noticeInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"Retries with the same key return the first notice."`
	Body           struct {
		Target   cases.Target      `json:"target"`
		Reason   string            `json:"reason,omitempty" maxLength:"64" default:"illegal_content" doc:"A reason code of the taxonomy; default illegal_content."`
		Reporter cases.ReporterRef `json:"reporter" doc:"Who notifies: a user, or a trusted flagger (their notices come first)."`
		cases.Notice
	}
}

type reportOutput struct {
	Status int
	Body   cases.Filed
}

type referenceInput struct {
	Reference string `path:"reference" maxLength:"20"`
}

type reportStatusOutput struct{ Body cases.ReportStatus }

type casesInput struct {
	Status      string  `query:"status" enum:"open,closed,all,pending,reviewing,resolved,dismissed" default:"open"`
	ReasonGroup string  `query:"reason_group" maxLength:"64"`
	TargetType  string  `query:"target_type" enum:"listing,message,review,account"`
	Source      string  `query:"source" enum:"report,detector,rule,risk,proactive" doc:"What opened the case; proactive is any of detector, rule, risk."`
	Assignee    string  `query:"assignee" maxLength:"100" doc:"A moderator's user id, or none for unassigned cases."`
	SLA         string  `query:"sla" enum:"on_track,at_risk,breached"`
	AccountID   string  `query:"account_id" maxLength:"200" doc:"Cases about this account's content or the account itself."`
	MinPriority float64 `query:"min_priority" minimum:"0"`
	Sort        string  `query:"sort" enum:"priority,age" default:"priority" doc:"priority: highest first; age: oldest first."`
	Cursor      string  `query:"cursor" maxLength:"400"`
	Limit       int     `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type casesOutput struct{ Body cases.Page }

type caseOutput struct{ Body cases.View }

type actionInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		cases.ActionRequest
		ModeratorID string `json:"moderator_id" minLength:"1" maxLength:"100" doc:"The console user the action is taken for: every action names the person who took it (R-P6)."`
	}
}

type nextInput struct {
	Body struct {
		ModeratorID string `json:"moderator_id" minLength:"1" maxLength:"100"`
	}
}

func (h *handlers) registerCases(api huma.API) {
	tags := []string{"Reports and cases"}
	huma.Register(api, huma.Operation{OperationID: "file-report", Method: http.MethodPost, Path: "/v1/reports", Tags: tags,
		Summary: "File a report",
		Description: "Stores the report durably in its target's case — reports on one target cluster into one case — and answers 201 " +
			"with the reference number to give the reporter. The case's priority, due time and spike alert are updated at once; the " +
			"`report.received` webhook confirms it, `report.closed` tells the outcome category when the case closes. A phishing link in " +
			"the reported content queues `link.takedown`. Retries with the same `Idempotency-Key` return the first report; the key " +
			"reused for a different report is 409. A reporter suspended for misuse under a refuse policy gets 403.",
		DefaultStatus: http.StatusCreated, Security: secured()},
		func(ctx context.Context, in *reportInput) (*reportOutput, error) {
			c := callerFrom(ctx)
			f, err := h.Cases.File(ctx, c.key.MarketplaceID, c.actor(), in.Body, in.IdempotencyKey)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &reportOutput{Status: http.StatusCreated, Body: f}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "file-notice", Method: http.MethodPost, Path: "/v1/notices", Tags: tags,
		Summary: "File a DSA notice of illegal content",
		Description: "A notice under DSA art. 16: the substantiated explanation, the content's exact URL, the notifier's name and email " +
			"(optional where the law allows) and the good-faith statement. It joins the target's case like a report — trusted " +
			"flaggers' notices first — and answers 201 with the reference as the receipt; report.received confirms it, and " +
			"report.closed tells the decision with the redress options. Answers as POST /v1/reports otherwise.",
		DefaultStatus: http.StatusCreated, Security: secured()},
		func(ctx context.Context, in *noticeInput) (*reportOutput, error) {
			c := callerFrom(ctx)
			b := in.Body
			n := b.Notice
			req := cases.ReportRequest{Target: b.Target, Reason: b.Reason, Details: n.Explanation, Reporter: b.Reporter, Notice: &n}
			if req.Reason == "" {
				req.Reason = "illegal_content"
			}
			f, err := h.Cases.File(ctx, c.key.MarketplaceID, c.actor(), req, in.IdempotencyKey)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &reportOutput{Status: http.StatusCreated, Body: f}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "report-status", Method: http.MethodGet, Path: "/v1/reports/{reference}", Tags: tags,
		Summary:     "A report's status, for its reporter",
		Description: "received, in_review or closed, and once closed whether action was taken — nothing about the other party (R-R9).",
		Security:    secured()},
		func(ctx context.Context, in *referenceInput) (*reportStatusOutput, error) {
			st, err := h.Cases.Status(ctx, callerFrom(ctx).key.MarketplaceID, in.Reference)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &reportStatusOutput{Body: st}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-cases", Method: http.MethodGet, Path: "/v1/cases", Tags: tags,
		Summary:     "The moderation queue",
		Description: "One queue across report types and proactive cases, highest priority first unless sort=age, with filters and cursor pagination.",
		Security:    secured()},
		func(ctx context.Context, in *casesInput) (*casesOutput, error) {
			p, err := h.Cases.List(ctx, callerFrom(ctx).key.MarketplaceID, cases.ListQuery{Status: in.Status, ReasonGroup: in.ReasonGroup,
				TargetType: in.TargetType, Source: in.Source, Assignee: in.Assignee, SLA: in.SLA, AccountID: in.AccountID, MinPriority: in.MinPriority,
				Sort: in.Sort, Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &casesOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-case", Method: http.MethodGet, Path: "/v1/cases/{id}", Tags: tags,
		Summary:     "A case with its reports, priority explanation and history",
		Description: "Private: it names reporters and their track records (R-P5).", Security: secured()},
		func(ctx context.Context, in *idInput) (*caseOutput, error) {
			v, err := h.Cases.Get(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &caseOutput{Body: v}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "case-action", Method: http.MethodPost, Path: "/v1/cases/{id}/actions", Tags: tags,
		Summary: "Act on a case",
		Description: "claim, release, assign (a user id or auto: the least loaded moderator online), note, escalate (to senior " +
			"moderators), recommend_tier (recorded and sent as moderation.action; the tier itself is enforcement's), and the closing " +
			"actions dismiss, resolve, approve, warn, remove_content, pause_listing, request_changes — each with a resolution or a " +
			"template. The rules of the console apply: a claimed case is its claimant's, escalated cases are for seniors (403).",
		Security: secured()},
		func(ctx context.Context, in *actionInput) (*caseOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			v, err := h.Cases.Act(ctx, c.key.MarketplaceID, m, in.ID, in.Body.ActionRequest)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &caseOutput{Body: v}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "next-case", Method: http.MethodPost, Path: "/v1/cases/next", Tags: tags,
		Summary:     "Claim the next case",
		Description: "Claims the most urgent case nobody holds that the moderator may work; 404 when there is none.", Security: secured()},
		func(ctx context.Context, in *nextInput) (*caseOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			v, err := h.Cases.Next(ctx, c.key.MarketplaceID, m)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &caseOutput{Body: v}, nil
		})
}

// moderator resolves the console user an API call acts for: a user of the
// key's marketplace, or an operator.
func (h *handlers) moderator(ctx context.Context, c caller, userID string) (cases.Moderator, error) {
	u, err := h.DB.User(ctx, userID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.MarketplaceID != "" && u.MarketplaceID != c.key.MarketplaceID || !u.DisabledAt.IsZero())) {
		return cases.Moderator{}, huma.Error422UnprocessableEntity("moderator_id is not an active console user of this marketplace")
	}
	if err != nil {
		return cases.Moderator{}, err
	}
	return cases.Moderator{User: u, Via: c.actor()}, nil
}
