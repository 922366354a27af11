// Package outbox owns a marketplace's webhook subscriptions and the
// delivery of Vigil's notifications to them. A notification is written as a
// delivery row plus a job in the caller's transaction (the transactional
// outbox), then a worker signs and sends it with retries and backoff
// (Standard Webhooks), recording every attempt.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/jobs"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/webhook"
)

// ErrInvalid marks a subscription request that cannot be accepted.
var ErrInvalid = errors.New("invalid")

// Service manages subscriptions and queues notifications.
type Service struct {
	svc.Deps
	Guard webhook.Guard
	// Queue is set once the job client exists (it needs this package's
	// worker first).
	Queue  jobs.Inserter
	Sender *webhook.Sender
}

// New returns a Service whose deliveries go through guard's client.
func New(d svc.Deps, guard webhook.Guard, timeout time.Duration) *Service {
	return &Service{Deps: d, Guard: guard, Sender: &webhook.Sender{Client: guard.Client(timeout), Now: d.Now, UserAgent: "Vigil-Webhooks/1"}}
}

// TestEventType is the type of the message sent by Test.
const TestEventType = "webhook.test"

// Subscribe creates a subscription after checking its URL is an allowed
// target. The secret is returned in the subscription this once.
func (s *Service) Subscribe(ctx context.Context, actor audit.Actor, marketplaceID, url string, eventTypes []string, description string) (store.WebhookSubscription, error) {
	url = strings.TrimSpace(url)
	if len(url) > 2048 {
		return store.WebhookSubscription{}, fmt.Errorf("%w: url longer than 2048 characters", ErrInvalid)
	}
	if err := s.Guard.CheckURL(ctx, url); err != nil {
		return store.WebhookSubscription{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	for _, t := range eventTypes {
		if t == "" || len(t) > 100 {
			return store.WebhookSubscription{}, fmt.Errorf("%w: event types must be 1 to 100 characters", ErrInvalid)
		}
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return store.WebhookSubscription{}, err
	}
	sub := store.WebhookSubscription{ID: s.NewID(), MarketplaceID: marketplaceID, URL: url, Secret: secret,
		EventTypes: eventTypes, Description: description, CreatedAt: s.Now()}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateWebhookSubscription(ctx, sub); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "webhook.subscribed", "webhook_subscription", sub.ID,
			map[string]any{"url": url, "event_types": eventTypes}, sub.CreatedAt)
	})
	return sub, err
}

// RotateSecret gives a subscription a new secret, returned once: until
// overlap has passed, deliveries carry signatures by both the new and the
// old secret, so the receiver can switch without losing a delivery.
func (s *Service) RotateSecret(ctx context.Context, actor audit.Actor, marketplaceID, id string, overlap time.Duration) (store.WebhookSubscription, error) {
	if overlap < 0 || overlap > 7*24*time.Hour {
		return store.WebhookSubscription{}, fmt.Errorf("%w: the overlap must be between 0 and 7 days", ErrInvalid)
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return store.WebhookSubscription{}, err
	}
	now := s.Now()
	var sub store.WebhookSubscription
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RotateWebhookSecret(ctx, marketplaceID, id, secret, now.Add(overlap)); err != nil {
			return err
		}
		var err error
		if sub, err = tx.WebhookSubscription(ctx, marketplaceID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "webhook.secret_rotated", "webhook_subscription", id,
			map[string]any{"previous_until": sub.PreviousUntil}, now)
	})
	return sub, err
}

// Unsubscribe disables a subscription; pending deliveries to it stop.
func (s *Service) Unsubscribe(ctx context.Context, actor audit.Actor, marketplaceID, id string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		now := s.Now()
		if err := tx.DisableWebhookSubscription(ctx, marketplaceID, id, "deleted", now); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "webhook.unsubscribed", "webhook_subscription", id, struct{}{}, now)
	})
}

// Message is the body of every webhook, in the Standard Webhooks shape.
type Message struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// Notify queues eventType with data for every subscription of the
// marketplace that wants it, inside tx. It returns the number queued.
func (s *Service) Notify(ctx context.Context, tx *store.Tx, marketplaceID, eventType string, data any) (int, error) {
	subs, err := tx.WebhookSubscriptions(ctx, marketplaceID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sub := range subs {
		if !sub.Wants(eventType) {
			continue
		}
		if err := s.enqueue(ctx, tx, sub, eventType, data); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Service) enqueue(ctx context.Context, tx *store.Tx, sub store.WebhookSubscription, eventType string, data any) error {
	now := s.Now()
	body, err := json.Marshal(Message{Type: eventType, Timestamp: now, Data: data})
	if err != nil {
		return fmt.Errorf("webhook payload: %w", err)
	}
	d := store.WebhookDelivery{ID: "msg_" + s.NewID(), SubscriptionID: sub.ID, MarketplaceID: sub.MarketplaceID,
		EventType: eventType, Payload: string(body), CreatedAt: now}
	if err := tx.CreateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	return s.queue(tx, d.ID)
}

// ErrNoQueue means the service was built without a job queue.
var ErrNoQueue = errors.New("webhook deliveries need a job queue")

func (s *Service) queue(tx *store.Tx, deliveryID string) error {
	if s.Queue == nil {
		return ErrNoQueue
	}
	tx.QueueJob(s.Queue, DeliverArgs{DeliveryID: deliveryID}, nil)
	return nil
}

// Test queues a webhook.test message to one subscription, whatever its
// event types, so an integrator can check their endpoint and signature code.
func (s *Service) Test(ctx context.Context, actor audit.Actor, marketplaceID, subscriptionID string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		sub, err := tx.WebhookSubscription(ctx, marketplaceID, subscriptionID)
		if err != nil {
			return err
		}
		if !sub.DisabledAt.IsZero() {
			return fmt.Errorf("%w: the subscription is disabled (%s)", ErrInvalid, sub.DisabledReason)
		}
		return s.enqueue(ctx, tx, sub, TestEventType, map[string]string{"subscription_id": sub.ID})
	})
}

// Retry sends a finished (delivered or failed) delivery again, as the same
// message id so that receivers can deduplicate.
func (s *Service) Retry(ctx context.Context, actor audit.Actor, marketplaceID, deliveryID string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ResetWebhookDelivery(ctx, marketplaceID, deliveryID); err != nil {
			return err
		}
		if err := s.queue(tx, deliveryID); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "webhook.retried", "webhook_delivery", deliveryID, struct{}{}, s.Now())
	})
}

// DeliverArgs is the job that sends one delivery.
type DeliverArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind names the job type.
func (DeliverArgs) Kind() string { return "webhook_deliver" }

// InsertOpts caps the attempts at the Standard Webhooks schedule.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: webhook.MaxAttempts}
}

// Worker returns the River worker that performs deliveries.
func (s *Service) Worker() river.Worker[DeliverArgs] { return &worker{s: s} }

// worker has no timeout of its own: it takes the job client's, which is
// also how soon a delivery orphaned by a crashed process is retried.
type worker struct {
	river.WorkerDefaults[DeliverArgs]
	s *Service
}

// NextRetry follows the Standard Webhooks schedule (5s, 5m, 30m, 2h, ...).
func (w *worker) NextRetry(job *river.Job[DeliverArgs]) time.Time {
	return w.s.Now().Add(webhook.Backoff(job.Attempt))
}

func (w *worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	s := w.s
	d, err := s.DB.WebhookDelivery(ctx, job.Args.DeliveryID)
	if err != nil {
		return lookupFailed(err)
	}
	sub, err := s.DB.WebhookSubscription(ctx, d.MarketplaceID, d.SubscriptionID)
	if err != nil {
		return lookupFailed(err)
	}
	if !sub.DisabledAt.IsZero() {
		err := fmt.Errorf("subscription disabled: %s", sub.DisabledReason)
		return river.JobCancel(errors.Join(err, s.record(ctx, d.ID, store.DeliveryFailed, 0, err.Error())))
	}
	res := s.Sender.Deliver(ctx, sub.URL, sub.Secrets(s.Now()), d.ID, []byte(d.Payload))
	switch {
	case res.Err == nil:
		return s.record(ctx, d.ID, store.DeliveryDelivered, res.StatusCode, "")
	case res.Gone:
		// 410 Gone: the receiver asks us to stop sending to this endpoint.
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			now := s.Now()
			if err := tx.RecordWebhookAttempt(ctx, d.ID, store.DeliveryFailed, res.StatusCode, res.Err.Error(), now); err != nil {
				return err
			}
			if err := tx.DisableWebhookSubscription(ctx, sub.MarketplaceID, sub.ID, "endpoint answered 410 Gone", now); err != nil {
				return err
			}
			return tx.Audit(ctx, sub.MarketplaceID, audit.Actor{Type: audit.ActorSystem, ID: "webhook-worker"},
				"webhook.disabled", "webhook_subscription", sub.ID, map[string]string{"reason": "410 Gone"}, now)
		})
		return river.JobCancel(errors.Join(res.Err, err))
	case !res.Retry || job.Attempt >= job.MaxAttempts:
		return river.JobCancel(errors.Join(res.Err, s.record(ctx, d.ID, store.DeliveryFailed, res.StatusCode, res.Err.Error())))
	default:
		return errors.Join(res.Err, s.record(ctx, d.ID, store.DeliveryPending, res.StatusCode, res.Err.Error()))
	}
}

// lookupFailed gives up a delivery whose row or subscription is gone, and
// retries one that could not be read: a timeout or a lost connection must
// not drop a webhook for good.
func lookupFailed(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(err)
	}
	return err
}

func (s *Service) record(ctx context.Context, id, status string, code int, errText string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordWebhookAttempt(ctx, id, status, code, errText, s.Now())
	})
}
