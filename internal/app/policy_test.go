package app_test

import (
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestPolicyAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		_, key := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")
		r := s.do(t, "GET", "/v1/policy", key, nil).want(t, 200)
		if num(r.Body["version"]) != 0 || !strings.Contains(r.Body["effective"].(string), "min_length: 50") {
			t.Fatalf("defaults: %s", r.Raw)
		}
		bad := "review:\n  min_length: 80\nrules:\n  - name: cheap\n    check: listing\n    expr: listing.price < \"x\"\n    outcome: pending_review\n    severity: high\n    clause: x\n"
		s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": bad}).problem(t, 422, "document:6:")
		good := "review:\n  min_length: 80\ncategories:\n  cars:\n    review:\n      min_length: 120\n"
		if r := s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": good, "expected_version": 0}).want(t, 200); num(r.Body["version"]) != 1 {
			t.Fatalf("save: %s", r.Raw)
		}
		s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": good, "expected_version": 0}).problem(t, 409, "version")
		r = s.do(t, "GET", "/v1/policy?category=cars", key, nil).want(t, 200)
		if num(r.Body["version"]) != 1 || r.Body["document"] != good || !strings.Contains(r.Body["effective"].(string), "min_length: 120") {
			t.Fatalf("category policy: %s", r.Raw)
		}
		if r := s.do(t, "GET", "/v1/policy", key, nil).want(t, 200); !strings.Contains(r.Body["effective"].(string), "min_length: 80") {
			t.Fatalf("marketplace policy: %s", r.Raw)
		}
		if r := s.do(t, "GET", "/v1/policy", keyB, nil).want(t, 200); num(r.Body["version"]) != 0 {
			t.Fatalf("B sees A's policy: %s", r.Raw)
		}
	})
}
