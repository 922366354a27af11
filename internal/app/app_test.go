package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/obs"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// server is a running app on a loopback port.
type server struct {
	*app.App
	URL string
}

func start(t *testing.T, d store.Dialect, cfg app.Config) *server {
	t.Helper()
	cfg.DB = storetest.DSN(t, d)
	return startOn(t, cfg)
}

// startOn runs an app on cfg.DB, which another app may share.
func startOn(t *testing.T, cfg app.Config) *server {
	t.Helper()
	return startLogging(t, cfg, obs.NewLogger(io.Discard, slog.LevelError))
}

// startLogging is startOn with the app's logger.
func startLogging(t *testing.T, cfg app.Config, log *slog.Logger) *server {
	t.Helper()
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
		a.Close()
	})
	return &server{App: a, URL: "http://" + ln.Addr().String()}
}

// tenant creates a marketplace and returns its id and key.
func (s *server) tenant(t *testing.T, name string) (string, string) {
	t.Helper()
	c, err := s.Tenants.CreateMarketplace(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "test"}, name)
	if err != nil {
		t.Fatal(err)
	}
	return c.Marketplace.ID, c.Secret
}

type response struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

func (s *server) do(t *testing.T, method, path, key string, body any) response {
	t.Helper()
	return s.doH(t, method, path, key, body, nil)
}

// doH is do with extra request headers.
func (s *server) doH(t *testing.T, method, path, key string, body any, headers map[string]string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := response{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	json.Unmarshal(raw, &out.Body)
	return out
}

func (r response) want(t *testing.T, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Raw)
	}
	return r
}

// problem asserts an RFC 9457 problem+json error.
func (r response) problem(t *testing.T, status int, detailContains string) response {
	t.Helper()
	r.want(t, status)
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json: %s", ct, r.Raw)
	}
	if !strings.Contains(r.Raw, detailContains) {
		t.Fatalf("problem does not mention %q: %s", detailContains, r.Raw)
	}
	return r
}

// evAt is when ev's events happened: an hour before the test binary
// started, fixed for the run so that a replayed event is identical, and
// recent so that the windowed signals (30 days, 12 months) still see it
// whatever the date the tests run on.
var evAt = time.Now().UTC().Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339)

func ev(id, typ string, data map[string]any) map[string]any {
	return map[string]any{"id": id, "type": typ, "occurred_at": evAt, "data": data}
}

func account(id string) map[string]any {
	return map[string]any{"account_id": id, "kind": "private", "email": id + "@example.com"}
}

func listing(id, acc string) map[string]any {
	return map[string]any{"listing_id": id, "account_id": acc, "title": "Road bike", "description": "Good condition",
		"price": map[string]any{"amount": 45000, "currency": "EUR"}, "category": "bikes"}
}

func batch(evs ...map[string]any) map[string]any { return map[string]any{"events": evs} }

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func TestIngestion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		good := batch(ev("e1", "account.upserted", account("u1")), ev("e2", "listing.upserted", listing("l1", "u1")),
			ev("e3", "order.created", map[string]any{"order_id": "o1", "buyer_id": "u2", "seller_id": "u1", "amount": map[string]any{"amount": 45000, "currency": "EUR"}}))
		r := s.do(t, "POST", "/v1/events", key, good).want(t, 200)
		if num(r.Body["accepted"]) != 3 || num(r.Body["duplicates"]) != 0 {
			t.Fatalf("first batch: %s", r.Raw)
		}
		r = s.do(t, "POST", "/v1/events", key, good).want(t, 200)
		if num(r.Body["accepted"]) != 0 || num(r.Body["duplicates"]) != 3 {
			t.Fatalf("replayed batch must only report duplicates: %s", r.Raw)
		}

		// Mixed batch: valid items stored, each bad one reported with its index and field.
		noTitle := listing("l2", "u1")
		delete(noTitle, "title")
		badPrice := listing("l3", "u1")
		badPrice["price"] = map[string]any{"amount": "cheap", "currency": "EUR"}
		changed := account("u1")
		changed["kind"] = "business"
		r = s.do(t, "POST", "/v1/events", key, batch(
			ev("e4", "account.upserted", account("u3")),
			ev("e5", "listing.deleted_forever", map[string]any{}),
			ev("e6", "listing.upserted", noTitle),
			ev("e7", "listing.upserted", badPrice),
			ev("e1", "account.upserted", changed),
		)).want(t, 200)
		if num(r.Body["accepted"]) != 1 {
			t.Fatalf("mixed batch: %s", r.Raw)
		}
		errs := r.Body["errors"].([]any)
		want := []struct {
			index int
			field string
			text  string
		}{{1, "type", "unknown event type"}, {2, "data.title", "required"}, {3, "data.price.amount", "integer"}, {4, "id", "different content"}}
		if len(errs) != len(want) {
			t.Fatalf("errors: %s", r.Raw)
		}
		for i, w := range want {
			e := errs[i].(map[string]any)
			if num(e["index"]) != w.index || e["field"] != w.field || !strings.Contains(e["detail"].(string), w.text) {
				t.Errorf("error %d = %v, want index %d field %s (%s)", i, e, w.index, w.field, w.text)
			}
		}
		for _, id := range []string{"l2", "l3"} {
			s.do(t, "GET", "/v1/listings/"+id, key, nil).problem(t, 404, "not found")
		}
		if acc := s.do(t, "GET", "/v1/accounts/u1", key, nil).want(t, 200); acc.Body["data"].(map[string]any)["kind"] != "private" {
			t.Fatalf("a rejected event changed the account: %s", acc.Raw)
		}

		// Atomic mode: one bad item rejects the batch and stores nothing.
		s.do(t, "POST", "/v1/events?atomic=true", key, batch(ev("e8", "account.upserted", account("u8")), ev("e9", "listing.upserted", noTitle))).
			problem(t, 422, "body.events[1].data.title")
		s.do(t, "GET", "/v1/accounts/u8", key, nil).want(t, 404)

		// Envelope errors reject the whole request, nothing stored.
		s.do(t, "POST", "/v1/events", key, `{"events":[{"id":"x"`).problem(t, 400, "")
		s.do(t, "POST", "/v1/events", key, batch(map[string]any{"id": "e10", "type": "account.upserted", "data": account("u10")})).problem(t, 422, "occurred_at")
		big := make([]map[string]any, 1001)
		for i := range big {
			big[i] = ev(fmt.Sprintf("big-%d", i), "account.upserted", account(fmt.Sprintf("big-%d", i)))
		}
		s.do(t, "POST", "/v1/events", key, batch(big...)).problem(t, 422, "1000")
		s.do(t, "GET", "/v1/accounts/big-0", key, nil).want(t, 404)

		o := s.do(t, "GET", "/v1/orders/o1", key, nil).want(t, 200)
		if o.Body["fields"].(map[string]any)["status"] != "created" {
			t.Fatalf("order: %s", o.Raw)
		}
		evs := s.do(t, "GET", "/v1/events?account_id=u1", key, nil).want(t, 200)
		if n := len(evs.Body["items"].([]any)); n != 2 {
			t.Fatalf("u1 has %d events, want 2: %s", n, evs.Raw)
		}
		n, err := s.DB.VerifyAuditChain(context.Background(), mp)
		if err != nil || n < 3 {
			t.Fatalf("audit chain: %d entries, %v", n, err)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true})
		_, keyA := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")
		s.do(t, "POST", "/v1/events", keyA, batch(ev("e1", "account.upserted", account("u1")), ev("e2", "listing.upserted", listing("l1", "u1")))).want(t, 200)
		sub := s.do(t, "POST", "/v1/webhooks", keyA, map[string]any{"url": "http://127.0.0.1:9/hook"}).want(t, 201)
		subID := sub.Body["id"].(string)

		// B cannot read A's data: 404, as if it did not exist.
		for _, p := range []string{"/v1/accounts/u1", "/v1/listings/l1", "/v1/webhooks/" + subID + "/deliveries"} {
			s.do(t, "GET", p, keyB, nil).problem(t, 404, "not found")
		}
		if r := s.do(t, "GET", "/v1/events?account_id=u1", keyB, nil).want(t, 200); len(r.Body["items"].([]any)) != 0 {
			t.Fatalf("B sees A's events: %s", r.Raw)
		}
		if r := s.do(t, "GET", "/v1/webhooks", keyB, nil).want(t, 200); len(r.Body["items"].([]any)) != 0 {
			t.Fatalf("B sees A's webhooks: %s", r.Raw)
		}
		// B cannot change A's data: its events land in B, and A's subscription stays.
		s.do(t, "POST", "/v1/events", keyB, batch(ev("e1", "account.upserted", map[string]any{"account_id": "u1", "kind": "business"}))).want(t, 200)
		if r := s.do(t, "GET", "/v1/accounts/u1", keyA, nil).want(t, 200); r.Body["data"].(map[string]any)["kind"] != "private" {
			t.Fatalf("B changed A's account: %s", r.Raw)
		}
		s.do(t, "DELETE", "/v1/webhooks/"+subID, keyB, nil).problem(t, 404, "not found")
		s.do(t, "POST", "/v1/webhooks/"+subID+"/test", keyB, nil).problem(t, 404, "not found")
		if r := s.do(t, "GET", "/v1/webhooks", keyA, nil).want(t, 200); r.Body["items"].([]any)[0].(map[string]any)["disabled_at"] != nil {
			t.Fatal("B disabled A's webhook")
		}
		if r := s.do(t, "GET", "/v1/marketplace", keyB, nil).want(t, 200); r.Body["name"] != "Beta" {
			t.Fatalf("whoami: %s", r.Raw)
		}
	})
}

func TestAuthentication(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	mp, key := s.tenant(t, "Alpha")
	s.do(t, "GET", "/v1/marketplace", "", nil).problem(t, 401, "missing API key")
	s.do(t, "GET", "/v1/marketplace", "vgl_0000", nil).problem(t, 401, "unknown API key")
	s.do(t, "GET", "/v1/marketplace", "not-even-a-key", nil).problem(t, 401, "unknown API key")
	keys, err := s.DB.APIKeys(context.Background(), mp)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tenants.RevokeKey(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "t"}, mp, keys[0].ID); err != nil {
		t.Fatal(err)
	}
	r := s.do(t, "POST", "/v1/events", key, batch(ev("e1", "account.upserted", account("u1"))))
	r.problem(t, 401, "revoked")
	if r.Header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
	if n, _ := s.DB.Counts(context.Background(), mp); n.Events != 0 {
		t.Fatal("a revoked key stored events")
	}
}

func TestOperationsEndpoints(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	s.do(t, "GET", "/healthz", "", nil).want(t, 200)
	if r := s.do(t, "GET", "/readyz", "", nil).want(t, 200); r.Body["checks"].(map[string]any)["migrations"] != "current" {
		t.Fatalf("readyz: %s", r.Raw)
	}
	s.do(t, "POST", "/v1/events", key, batch(ev("e1", "account.upserted", account("u1")), ev("e2", "account.upserted", account("u2")))).want(t, 200)
	r := s.do(t, "GET", "/metrics", "", nil).want(t, 200)
	for _, m := range []string{"vigil_events_ingested_total 2", `vigil_http_requests_total{code="200",method="POST",route="POST /v1/events"} 1`,
		"vigil_http_request_duration_seconds_bucket", "vigil_job_queue_depth"} {
		if !strings.Contains(r.Raw, m) {
			t.Errorf("metrics lack %q", m)
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		t.Error("no request id on the response")
	}
	spec := s.do(t, "GET", "/openapi.json", "", nil).want(t, 200)
	if spec.Body["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", spec.Body["openapi"])
	}
	paths := spec.Body["paths"].(map[string]any)
	for _, p := range []string{"/v1/events", "/v1/webhooks", "/v1/accounts/{id}", "/v1/marketplace"} {
		if paths[p] == nil {
			t.Errorf("OpenAPI lacks %s", p)
		}
	}
	if !strings.Contains(spec.Raw, "application/problem+json") {
		t.Error("OpenAPI does not describe problem+json errors")
	}
}
