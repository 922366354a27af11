package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
)

type ingestInput struct {
	Atomic bool `query:"atomic" doc:"Reject the whole batch (422, nothing stored) if any event fails, instead of storing the valid ones."`
	Body   struct {
		Events []event.Envelope `json:"events" minItems:"1" maxItems:"1000" doc:"Up to 1,000 events, applied in order."`
	}
}

type ingestOutput struct {
	Body ingest.Result
}

type eventOut struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"`
	OccurredAt  time.Time `json:"occurred_at"`
	ReceivedAt  time.Time `json:"received_at"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	AccountID   string    `json:"account_id,omitempty"`
	Data        any       `json:"data"`
}

type eventsInput struct {
	SubjectType string `query:"subject_type" enum:"account,listing,message,review,order," doc:"With subject_id: the events of one entity."`
	SubjectID   string `query:"subject_id"`
	AccountID   string `query:"account_id" doc:"The events concerning one account."`
	Limit       int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

type eventsOutput struct {
	Body struct {
		Items []eventOut `json:"items"`
	}
}

func (h *handlers) registerEvents(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "ingest-events", Method: http.MethodPost, Path: "/v1/events", Tags: []string{"Events"},
		Summary: "Send a batch of events",
		Description: "Accepts up to 1,000 typed events (" + fmt.Sprint(len(event.Types())) + " types: account, listing, message, review, order and signal events). " +
			"Idempotent by event `id`: a replayed event is counted as a duplicate and changes nothing; an id reused for different content is an error for that item. " +
			"Each invalid event is reported in `errors` with its index and field and nothing of it is stored; the others are stored in one transaction before the response. " +
			"Events about one entity are applied in `occurred_at` order: an older update never overwrites a newer one.",
		Security: secured(), MaxBodyBytes: 16 << 20,
	}, h.ingest)
	huma.Register(api, huma.Operation{
		OperationID: "list-events", Method: http.MethodGet, Path: "/v1/events", Tags: []string{"Events"},
		Summary: "List stored events, newest first", Security: secured(),
		Description: "With a subject or an account, the events that occurred last come first; without, the events received last.",
	}, h.listEvents)
}

func (h *handlers) ingest(ctx context.Context, in *ingestInput) (*ingestOutput, error) {
	c := callerFrom(ctx)
	res, err := h.Ingest.Ingest(ctx, c.key.MarketplaceID, c.actor(), in.Body.Events, in.Atomic)
	if errors.Is(err, ingest.ErrRejected) {
		details := make([]error, 0, len(res.Errors))
		for _, e := range res.Errors {
			loc := fmt.Sprintf("body.events[%d]", e.Index)
			if e.Field != "" {
				loc += "." + e.Field
			}
			details = append(details, &huma.ErrorDetail{Location: loc, Message: e.Detail, Value: e.ID})
		}
		return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("batch rejected: %d of %d events are invalid; nothing was stored", len(res.Errors), len(in.Body.Events)), details...)
	}
	if err != nil {
		return nil, h.problem(ctx, err)
	}
	if h.Ingested != nil {
		h.Ingested(res.Accepted)
	}
	return &ingestOutput{Body: res}, nil
}

func (h *handlers) listEvents(ctx context.Context, in *eventsInput) (*eventsOutput, error) {
	if (in.SubjectType == "") != (in.SubjectID == "") {
		return nil, huma.Error422UnprocessableEntity("subject_type and subject_id go together")
	}
	evs, err := h.DB.Events(ctx, store.EventsQuery{MarketplaceID: callerFrom(ctx).key.MarketplaceID,
		SubjectType: in.SubjectType, SubjectID: in.SubjectID, AccountID: in.AccountID, Limit: in.Limit})
	if err != nil {
		return nil, h.problem(ctx, err)
	}
	out := &eventsOutput{}
	out.Body.Items = make([]eventOut, 0, len(evs))
	for _, e := range evs {
		out.Body.Items = append(out.Body.Items, eventOut{ID: e.ID, Type: e.Type, OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt,
			SubjectType: e.SubjectType, SubjectID: e.SubjectID, AccountID: e.AccountID, Data: e.Data})
	}
	return out, nil
}
