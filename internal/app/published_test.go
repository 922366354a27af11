package app_test

import (
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// The published policy page (R-C7) is public, per marketplace by slug, and
// follows the marketplace's policy as soon as it is saved.
func TestPublishedPolicyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		_, key := s.tenant(t, "Alpha Market")
		s.tenant(t, "Beta")

		page := s.do(t, "GET", "/policies/alpha-market", "", nil).want(t, 200)
		if ct := page.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Fatalf("content type %q", ct)
		}
		if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("CSP %q", csp)
		}
		for _, want := range []string{"Alpha Market: trust &amp; safety policy", "Built-in policy.", "decided within 72 hours"} {
			if !strings.Contains(page.Raw, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		css := s.do(t, "GET", "/policies/published.css", "", nil).want(t, 200)
		if !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
			t.Errorf("stylesheet content type %q", css.Header.Get("Content-Type"))
		}

		doc := "appeals:\n  sla:\n    restricted: 96h\nenforcement:\n  grounds:\n    live_animals:\n      clause: \"§9 Live animals\"\n      category: STATEMENT_CATEGORY_ANIMAL_WELFARE\n" +
			"published:\n  contact: trust@alpha.example\n"
		s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": doc, "expected_version": 0}).want(t, 200)

		js := s.do(t, "GET", "/policies/alpha-market.json", "", nil).want(t, 200)
		if js.Header.Get("Content-Type") != "application/json" || num(js.Body["policy_version"]) != 1 {
			t.Fatalf("JSON page: %q %s", js.Header.Get("Content-Type"), js.Raw)
		}
		for _, want := range []string{`"sla": "96 hours"`, `"clause": "§9 Live animals"`, `"href": "mailto:trust@alpha.example"`} {
			if !strings.Contains(js.Raw, want) {
				t.Errorf("JSON page lacks %s", want)
			}
		}
		if page := s.do(t, "GET", "/policies/alpha-market", "", nil).want(t, 200); !strings.Contains(page.Raw, "decided within 96 hours") ||
			!strings.Contains(page.Raw, "Policy version 1.") {
			t.Errorf("saved policy not on the HTML page")
		}
		// Another marketplace's page keeps its own policy.
		if other := s.do(t, "GET", "/policies/beta.json", "", nil).want(t, 200); strings.Contains(other.Raw, "96 hours") || strings.Contains(other.Raw, "alpha") {
			t.Errorf("Beta's page shows Alpha's policy: %s", other.Raw)
		}

		missing := s.do(t, "GET", "/policies/nobody", "", nil).want(t, 404)
		if !strings.HasPrefix(missing.Header.Get("Content-Type"), "text/html") || !strings.Contains(missing.Raw, "Policy not found") {
			t.Errorf("unknown slug, HTML: %q %s", missing.Header.Get("Content-Type"), missing.Raw)
		}
		s.do(t, "GET", "/policies/nobody.json", "", nil).problem(t, 404, "No marketplace publishes a policy")
	})
}
