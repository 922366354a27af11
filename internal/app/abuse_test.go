package app_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/api"
	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
)

// TestAbuseLimits: an API key over its rate gets 429 problems with
// Retry-After while another key goes on; a reporter over the policy's
// reporter_rate is refused with 429 and nothing is stored, while trusted
// flaggers are exempt.
func TestAbuseLimits(t *testing.T) {
	s := start(t, store.SQLite, app.Config{KeyRate: api.RateLimit{PerSecond: 0.01, Burst: 3}})
	mp, key := s.tenant(t, "Alpha")
	_, keyB := s.tenant(t, "Beta")
	for range 3 {
		s.do(t, "GET", "/v1/marketplace", key, nil).want(t, 200)
	}
	r := s.do(t, "GET", "/v1/marketplace", key, nil).problem(t, 429, "over its request rate")
	if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); ra < 1 {
		t.Errorf("Retry-After = %q", r.Header.Get("Retry-After"))
	}
	s.do(t, "GET", "/v1/marketplace", keyB, nil).want(t, 200)

	s2 := start(t, store.SQLite, app.Config{})
	mp, key = s2.tenant(t, "Alpha")
	s2.do(t, "PUT", "/v1/policy", key, map[string]any{"document": "reports:\n  reporter_rate: {max: 3, window: 1h}\n"}).want(t, 200)
	s2.do(t, "POST", "/v1/events", key, batch(ev("l1", "listing.upserted", listing("l1", "seller")))).want(t, 200)
	for i := range 3 {
		s2.do(t, "POST", "/v1/reports", key, reportBody(fmt.Sprint("l", i), "wrong_price", "buyer-1")).want(t, 201)
	}
	r = s2.do(t, "POST", "/v1/reports", key, reportBody("l9", "wrong_price", "buyer-1")).problem(t, 429, "too many reports")
	if ra, _ := strconv.Atoi(r.Header.Get("Retry-After")); ra < 3500 || ra > 3600 {
		t.Errorf("Retry-After = %q, want about an hour", r.Header.Get("Retry-After"))
	}
	s2.do(t, "POST", "/v1/reports", key, reportBody("l9", "wrong_price", "buyer-2")).want(t, 201)
	for i := range 5 {
		body := reportBody(fmt.Sprint("t", i), "counterfeit_or_illegal", "flagger-1")
		body["reporter"] = map[string]any{"id": "flagger-1", "type": "trusted_flagger"}
		s2.do(t, "POST", "/v1/reports", key, body).want(t, 201)
	}
	if n, _, _ := s2.DB.ReportsSince(t.Context(), mp, "buyer-1", time.Time{}); n != 3 {
		t.Errorf("buyer-1 has %d reports stored, want 3: the refused one must not be", n)
	}
}
