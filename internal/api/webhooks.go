package api

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

type subscriptionOut struct {
	ID             string     `json:"id"`
	URL            string     `json:"url"`
	EventTypes     []string   `json:"event_types" doc:"Event types delivered; empty means all."`
	Description    string     `json:"description,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	Secret         string     `json:"secret,omitempty" doc:"Signing secret (Standard Webhooks, whsec_…). Returned only when the subscription is created or its secret rotated."`
	// PreviousSecretUntil is when deliveries stop carrying the signature
	// of the secret the last rotation replaced.
	PreviousSecretUntil *time.Time `json:"previous_secret_until,omitempty" doc:"Until then deliveries are signed with the new and the previous secret."`
}

func subscriptionView(s store.WebhookSubscription) subscriptionOut {
	out := subscriptionOut{ID: s.ID, URL: s.URL, EventTypes: nonNil(s.EventTypes), Description: s.Description, CreatedAt: s.CreatedAt, DisabledReason: s.DisabledReason}
	if !s.DisabledAt.IsZero() {
		out.DisabledAt = &s.DisabledAt
	}
	if s.PreviousSecret != "" && s.PreviousUntil.After(time.Now()) {
		out.PreviousSecretUntil = &s.PreviousUntil
	}
	return out
}

type deliveryOut struct {
	ID             string     `json:"id" doc:"The webhook-id header value; stable across retries."`
	SubscriptionID string     `json:"subscription_id"`
	EventType      string     `json:"event_type"`
	Status         string     `json:"status" enum:"pending,delivered,failed"`
	Attempts       int        `json:"attempts"`
	CreatedAt      time.Time  `json:"created_at"`
	LastAttemptAt  *time.Time `json:"last_attempt_at,omitempty"`
	LastStatusCode int        `json:"last_status_code,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
}

type subscribeInput struct {
	Body struct {
		URL         string   `json:"url" minLength:"1" maxLength:"2048" doc:"HTTPS endpoint; private, loopback and link-local addresses are refused unless the operator allows them."`
		EventTypes  []string `json:"event_types,omitempty" maxItems:"100" doc:"Types to receive; omit for all."`
		Description string   `json:"description,omitempty" maxLength:"500"`
	}
}

type subscriptionOutput struct {
	Body subscriptionOut
}

type subscriptionsOutput struct {
	Body struct {
		Items []subscriptionOut `json:"items"`
	}
}

type idInput struct {
	ID string `path:"id" maxLength:"200"`
}

type rotateInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		Overlap string `json:"overlap,omitempty" default:"24h" doc:"How long deliveries also carry the old secret's signature: a duration such as 24h, 0s to 7d (default 24h)."`
	}
}

type deliveriesInput struct {
	ID    string `path:"id" maxLength:"200"`
	Limit int    `query:"limit" minimum:"1" maximum:"500" default:"50"`
}

type deliveriesOutput struct {
	Body struct {
		Items []deliveryOut `json:"items"`
	}
}

type acceptedOutput struct {
	Body struct {
		Status string `json:"status"`
	}
}

func (h *handlers) registerWebhooks(api huma.API) {
	tags := []string{"Webhooks"}
	huma.Register(api, huma.Operation{OperationID: "create-webhook", Method: http.MethodPost, Path: "/v1/webhooks", Tags: tags,
		Summary: "Subscribe an endpoint to Vigil's webhooks", DefaultStatus: http.StatusCreated, Security: secured(),
		Description: "Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers) " +
			"and retried with backoff (5s, 5m, 30m, 2h, 5h, 10h, 10h). An endpoint answering 410 Gone is disabled."},
		func(ctx context.Context, in *subscribeInput) (*subscriptionOutput, error) {
			c := callerFrom(ctx)
			s, err := h.Outbox.Subscribe(ctx, c.actor(), c.key.MarketplaceID, in.Body.URL, in.Body.EventTypes, in.Body.Description)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &subscriptionOutput{Body: subscriptionView(s)}
			out.Body.Secret = s.Secret
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-webhooks", Method: http.MethodGet, Path: "/v1/webhooks", Tags: tags,
		Summary: "List webhook subscriptions", Security: secured()},
		func(ctx context.Context, _ *struct{}) (*subscriptionsOutput, error) {
			subs, err := h.DB.WebhookSubscriptions(ctx, callerFrom(ctx).key.MarketplaceID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &subscriptionsOutput{}
			out.Body.Items = make([]subscriptionOut, 0, len(subs))
			for _, s := range subs {
				out.Body.Items = append(out.Body.Items, subscriptionView(s))
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/v1/webhooks/{id}", Tags: tags,
		Summary: "Disable a webhook subscription", DefaultStatus: http.StatusNoContent, Security: secured()},
		func(ctx context.Context, in *idInput) (*struct{}, error) {
			c := callerFrom(ctx)
			return nil, h.problem2(ctx, h.Outbox.Unsubscribe(ctx, c.actor(), c.key.MarketplaceID, in.ID))
		})
	huma.Register(api, huma.Operation{OperationID: "rotate-webhook-secret", Method: http.MethodPost, Path: "/v1/webhooks/{id}/rotate-secret", Tags: tags,
		Summary: "Give a webhook subscription a new signing secret", Security: secured(),
		Description: "Returns the new secret once. For the overlap (default 24h) every delivery carries two signatures in webhook-signature, " +
			"by the new and by the old secret, so the receiver can switch to the new secret without rejecting a delivery."},
		func(ctx context.Context, in *rotateInput) (*subscriptionOutput, error) {
			c := callerFrom(ctx)
			var overlap policy.Duration
			if err := overlap.UnmarshalText([]byte(cmp.Or(in.Body.Overlap, "24h"))); err != nil {
				return nil, huma.Error422UnprocessableEntity("overlap: "+err.Error(), &huma.ErrorDetail{Location: "body.overlap", Message: err.Error()})
			}
			s, err := h.Outbox.RotateSecret(ctx, c.actor(), c.key.MarketplaceID, in.ID, overlap.Std())
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &subscriptionOutput{Body: subscriptionView(s)}
			out.Body.Secret = s.Secret
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "test-webhook", Method: http.MethodPost, Path: "/v1/webhooks/{id}/test", Tags: tags,
		Summary: "Send a webhook.test message to the endpoint", DefaultStatus: http.StatusAccepted, Security: secured()},
		func(ctx context.Context, in *idInput) (*acceptedOutput, error) {
			c := callerFrom(ctx)
			if err := h.Outbox.Test(ctx, c.actor(), c.key.MarketplaceID, in.ID); err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &acceptedOutput{}
			out.Body.Status = "queued"
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/v1/webhooks/{id}/deliveries", Tags: tags,
		Summary: "Recent deliveries to a subscription, newest first", Security: secured()},
		func(ctx context.Context, in *deliveriesInput) (*deliveriesOutput, error) {
			mp := callerFrom(ctx).key.MarketplaceID
			if _, err := h.DB.WebhookSubscription(ctx, mp, in.ID); err != nil {
				return nil, h.problem(ctx, err)
			}
			ds, err := h.DB.WebhookDeliveries(ctx, mp, in.ID, in.Limit)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &deliveriesOutput{}
			out.Body.Items = make([]deliveryOut, 0, len(ds))
			for _, d := range ds {
				out.Body.Items = append(out.Body.Items, deliveryView(d))
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "retry-webhook-delivery", Method: http.MethodPost, Path: "/v1/webhook-deliveries/{id}/retry", Tags: tags,
		Summary: "Send a finished delivery again (same webhook-id)", DefaultStatus: http.StatusAccepted, Security: secured()},
		func(ctx context.Context, in *idInput) (*acceptedOutput, error) {
			c := callerFrom(ctx)
			if err := h.Outbox.Retry(ctx, c.actor(), c.key.MarketplaceID, in.ID); err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &acceptedOutput{}
			out.Body.Status = "queued"
			return out, nil
		})
}

func deliveryView(d store.WebhookDelivery) deliveryOut {
	out := deliveryOut{ID: d.ID, SubscriptionID: d.SubscriptionID, EventType: d.EventType, Status: d.Status, Attempts: d.Attempts,
		CreatedAt: d.CreatedAt, LastStatusCode: d.LastStatusCode, LastError: d.LastError}
	if !d.LastAttemptAt.IsZero() {
		out.LastAttemptAt = &d.LastAttemptAt
	}
	return out
}

// problem2 is problem for handlers whose only result is an error.
func (h *handlers) problem2(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	return h.problem(ctx, err)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
