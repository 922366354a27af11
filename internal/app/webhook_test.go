package app_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/webhook"
)

// receiver is a marketplace's webhook endpoint answering with a settable
// status and verifying every signature.
type receiver struct {
	mu     sync.Mutex
	status int
	secret string
	got    []string // verified webhook-id values
	bad    int
	srv    *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: 200}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := webhook.Verify(r.secret, req.Header, body, time.Now(), 5*time.Minute); err != nil {
			r.bad++
			w.WriteHeader(400)
			return
		}
		r.got = append(r.got, req.Header.Get("webhook-id"))
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) set(status int, secret string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status, r.secret = status, secret
}

// waitDelivery polls the deliveries API until the newest delivery has status.
func waitDelivery(t *testing.T, s *server, key, sub, status string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := s.do(t, "GET", "/v1/webhooks/"+sub+"/deliveries", key, nil).want(t, 200)
		items := r.Body["items"].([]any)
		if len(items) > 0 && items[0].(map[string]any)["status"] == status {
			return items[0].(map[string]any)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s delivery: %s", status, r.Raw)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestWebhookDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true, Workers: 2})
		_, key := s.tenant(t, "Alpha")
		rcv := newReceiver(t)
		sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL + "/hook", "description": "ops"}).want(t, 201)
		id, secret := sub.Body["id"].(string), sub.Body["secret"].(string)
		if len(secret) < 20 {
			t.Fatalf("no secret on creation: %s", sub.Raw)
		}
		if r := s.do(t, "GET", "/v1/webhooks", key, nil).want(t, 200); r.Body["items"].([]any)[0].(map[string]any)["secret"] != nil {
			t.Fatal("the secret must be shown only at creation")
		}

		// A permanent failure (400: here the receiver cannot verify with a
		// wrong secret) fails at once, without retries.
		rcv.set(200, "whsec_"+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
		s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
		d := waitDelivery(t, s, key, id, "failed")
		if num(d["attempts"]) != 1 || num(d["last_status_code"]) != 400 {
			t.Fatalf("failed delivery: %v", d)
		}
		// Fixed on the receiver's side: a manual retry sends the same message id.
		rcv.set(200, secret)
		s.do(t, "POST", "/v1/webhook-deliveries/"+d["id"].(string)+"/retry", key, nil).want(t, 202)
		d = waitDelivery(t, s, key, id, "delivered")
		rcv.mu.Lock()
		got := append([]string(nil), rcv.got...)
		rcv.mu.Unlock()
		if len(got) != 1 || got[0] != d["id"] {
			t.Fatalf("receiver verified %v, want exactly [%v]", got, d["id"])
		}

		// 410 Gone disables the subscription.
		rcv.set(410, secret)
		s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
		waitDelivery(t, s, key, id, "failed")
		r := s.do(t, "GET", "/v1/webhooks", key, nil).want(t, 200)
		if r.Body["items"].([]any)[0].(map[string]any)["disabled_reason"] == nil {
			t.Fatalf("410 did not disable the subscription: %s", r.Raw)
		}
		s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).problem(t, 422, "disabled")
	})
}

func TestWebhookTargetsGuarded(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	for _, u := range []string{"http://127.0.0.1:8080/h", "http://localhost/h", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/h", "ftp://example.com/h", "http://[::1]/h"} {
		s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": u}).problem(t, 422, "forbidden webhook target")
	}
	if r := s.do(t, "GET", "/v1/webhooks", key, nil).want(t, 200); len(r.Body["items"].([]any)) != 0 {
		t.Fatal("a refused subscription was stored")
	}
}

// TestNotifyIsTransactional: a notification queued in a transaction that
// rolls back is never sent; one that commits is.
func TestNotifyIsTransactional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true, Workers: 1})
		mp, key := s.tenant(t, "Alpha")
		rcv := newReceiver(t)
		sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL, "event_types": []string{"case.opened"}}).want(t, 201)
		rcv.set(200, sub.Body["secret"].(string))
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.DB.InTx(ctx, func(tx *store.Tx) error {
			if n, err := s.Outbox.Notify(ctx, tx, mp, "case.opened", map[string]string{"case": "c1"}); err != nil || n != 1 {
				t.Fatalf("notify: %d %v", n, err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		err = s.DB.InTx(ctx, func(tx *store.Tx) error {
			if n, err := s.Outbox.Notify(ctx, tx, mp, "other.type", nil); err != nil || n != 0 {
				t.Fatalf("a subscription got a type it did not ask for: %d %v", n, err)
			}
			_, err := s.Outbox.Notify(ctx, tx, mp, "case.opened", map[string]string{"case": "c2"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		waitDelivery(t, s, key, sub.Body["id"].(string), "delivered")
		ds, err := s.DB.WebhookDeliveries(ctx, mp, "", 10)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries %d %v: the rolled-back one must not exist", len(ds), err)
		}
	})
}

// TestWebhookSecretRotation: a rotation returns the new secret once and,
// for the overlap, deliveries verify with the old secret and with the
// new; with no overlap the old secret stops at once.
func TestWebhookSecretRotation(t *testing.T) {
	s := start(t, store.SQLite, app.Config{AllowPrivateWebhooks: true, Workers: 2})
	_, key := s.tenant(t, "Alpha")
	_, keyB := s.tenant(t, "Beta")
	rcv := newReceiver(t)
	sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL + "/hook"}).want(t, 201)
	id, first := sub.Body["id"].(string), sub.Body["secret"].(string)
	send := func(secret string) {
		t.Helper()
		rcv.set(200, secret)
		s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
		waitDelivery(t, s, key, id, "delivered")
	}

	r := s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", key, map[string]any{"overlap": "1h"}).want(t, 200)
	second, _ := r.Body["secret"].(string)
	if second == "" || second == first || r.Body["previous_secret_until"] == nil {
		t.Fatalf("rotation: %s", r.Raw)
	}
	if l := s.do(t, "GET", "/v1/webhooks", key, nil).want(t, 200); strings.Contains(l.Raw, second) || strings.Contains(l.Raw, first) {
		t.Fatalf("the list shows a secret: %s", l.Raw)
	}
	send(first)  // a receiver that has not switched yet
	send(second) // one that has

	r = s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", key, map[string]any{"overlap": "0s"}).want(t, 200)
	third := r.Body["secret"].(string)
	rcv.set(200, second)
	s.do(t, "POST", "/v1/webhooks/"+id+"/test", key, nil).want(t, 202)
	deadline := time.Now().Add(10 * time.Second)
	for {
		rcv.mu.Lock()
		bad := rcv.bad
		rcv.mu.Unlock()
		if bad > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a delivery after a rotation without overlap verified with the old secret")
		}
		time.Sleep(20 * time.Millisecond)
	}
	send(third)

	s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", key, map[string]any{"overlap": "8d"}).problem(t, 422, "7 days")
	s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", key, map[string]any{"overlap": "forever"}).problem(t, 422, "overlap")
	s.do(t, "POST", "/v1/webhooks/"+id+"/rotate-secret", keyB, map[string]any{}).problem(t, 404, "not found")
}
