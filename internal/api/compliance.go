package api

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/audit"
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

type transparencyInput struct {
	Format string    `query:"format" enum:"json,csv" default:"json" doc:"json: the report; csv: section, item, value rows for a spreadsheet."`
	From   time.Time `query:"from" doc:"From (RFC 3339), inclusive; default a year before to."`
	To     time.Time `query:"to" doc:"To (RFC 3339), exclusive; default now."`
}

type transparencyOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	// Body is a compliance.Transparency, or its CSV as bytes.
	Body any
}

// period is a report's [from, to): to defaults to now and from to back
// from it by def; from must be before to.
func period(from, to time.Time, def func(time.Time) time.Time) (time.Time, time.Time, error) {
	if to.IsZero() {
		to = time.Now().UTC()
	}
	if from.IsZero() {
		from = def(to)
	}
	if !from.Before(to) {
		return from, to, huma.Error422UnprocessableEntity("from must be before to")
	}
	return from, to, nil
}

func (h *handlers) registerCompliance(api huma.API) {
	h.registerRulePrecision(api)
	huma.Register(api, huma.Operation{OperationID: "statements-of-reasons", Method: http.MethodGet, Path: "/v1/statements-of-reasons",
		Tags: []string{"Compliance"}, Summary: "Statements of reasons, for export",
		Description: "Every statement of reasons issued, oldest first, in batches of at most 100 with a cursor. format=dsa gives " +
			"the records in the EU DSA Transparency Database's submission fields and values (decision_*, decision_ground and its " +
			"explanation, category, content_type, automated_detection, automated_decision, source_type, application_date, end dates, " +
			"puid …), with no personal data.", Security: secured()},
		func(ctx context.Context, in *statementsInput) (*statementsOutput, error) {
			from, to, err := period(in.From, in.To, func(t time.Time) time.Time { return t.AddDate(0, 0, -30) })
			if err != nil {
				return nil, err
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

	report := api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[compliance.Transparency](), true, "Transparency")
	huma.Register(api, huma.Operation{OperationID: "transparency-report", Method: http.MethodGet, Path: "/v1/transparency-report",
		Tags: []string{"Compliance"}, Summary: "The transparency report for a period",
		Description: "The figures a DSA transparency report gives (R-C4): notices and reports by reason group and by source " +
			"(users, trusted flaggers, internal), cases closed by outcome, own-initiative against notice-based, enforcement by type " +
			"and ground, automated against manual decisions, the median time from a case opening to its decision, appeals and " +
			"complaints with their outcomes, and reporters suspended for misuse. format=csv gives the same as section, item, value rows.",
		Security: secured(),
		Responses: map[string]*huma.Response{"200": {Description: "The report", Content: map[string]*huma.MediaType{
			"application/json": {Schema: report}, "text/csv": {Schema: &huma.Schema{Type: "string"}}}}}},
		func(ctx context.Context, in *transparencyInput) (*transparencyOutput, error) {
			from, to, err := period(in.From, in.To, func(t time.Time) time.Time { return t.AddDate(-1, 0, 0) })
			if err != nil {
				return nil, err
			}
			r, err := h.Compliance.Report(ctx, callerFrom(ctx).key.MarketplaceID, from, to)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			if in.Format != "csv" {
				return &transparencyOutput{ContentType: "application/json", Body: r}, nil
			}
			b, err := r.CSV()
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			name := "transparency-" + from.Format("2006-01-02") + "-" + to.Format("2006-01-02") + ".csv"
			return &transparencyOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: b}, nil
		})

	huma.Register(api, huma.Operation{OperationID: "audit-log", Method: http.MethodGet, Path: "/v1/audit-log",
		Tags: []string{"Compliance"}, Summary: "Export the audit log for a period",
		Description: "The marketplace's audit entries made in [from, to), oldest first, as JSON lines (application/x-ndjson): " +
			"who (actor_type, actor_id) did what (action) to which subject, when, with the detail as written and each entry's " +
			"hash and prev_hash. `vigil audit verify --file` checks an export without the database; the first entry's prev_hash " +
			"anchors it to the live chain.",
		Security: secured(),
		Responses: map[string]*huma.Response{"200": {Description: "One audit entry per line", Content: map[string]*huma.MediaType{
			"application/x-ndjson": {Schema: api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[audit.Entry](), true, "AuditEntry")}}}}},
		func(ctx context.Context, in *auditLogInput) (*huma.StreamResponse, error) {
			from, to, err := period(in.From, in.To, func(t time.Time) time.Time { return t.AddDate(0, 0, -30) })
			if err != nil {
				return nil, err
			}
			chain := callerFrom(ctx).key.MarketplaceID
			return &huma.StreamResponse{Body: func(hc huma.Context) {
				hc.SetHeader("Content-Type", "application/x-ndjson")
				hc.SetHeader("Content-Disposition", `attachment; filename="audit-`+from.Format("2006-01-02")+"-"+to.Format("2006-01-02")+`.jsonl"`)
				if _, err := h.Compliance.AuditLog(hc.Context(), chain, from, to, hc.BodyWriter()); err != nil {
					// The status is sent: the export ends early (its last
					// entry shows where), and the log says why.
					h.Log.ErrorContext(ctx, "audit export cut off", "err", err)
				}
			}}, nil
		})
}

type auditLogInput struct {
	From time.Time `query:"from" doc:"From (RFC 3339), inclusive; default 30 days before to."`
	To   time.Time `query:"to" doc:"To (RFC 3339), exclusive; default now."`
}
