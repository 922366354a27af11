package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/compliance/compliancetest"
	"github.com/vigil-ts/vigil/internal/store"
)

// TestRulePrecisionAPI reads the seeded rules' and detectors' precision
// over the API, the shadow rule with what it would have done; another
// marketplace sees none of it, and a wrong period is a problem+json 422.
func TestRulePrecisionAPI(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	mp, key := s.tenant(t, "Alpha")
	_, other := s.tenant(t, "Beta")
	seed := compliancetest.Seed(t, compliancetest.Services{DB: s.DB, Policies: s.Policies, Checks: s.Checks, Cases: s.Cases, Appeals: s.Appeals,
		Listings: s.Listings, Now: s.Deps.Now}, mp)
	from := url.QueryEscape(seed.From.Format(time.RFC3339Nano))
	r := s.do(t, "GET", "/v1/rules/precision?from="+from, key, nil).want(t, 200)
	if num(r.Body["decisions"]) != compliancetest.Decisions || num(r.Body["judged"]) != compliancetest.Judged {
		t.Fatalf("precision: %s", r.Raw)
	}
	rules, _ := r.Body["rules"].([]any)
	byName := map[string]map[string]any{}
	for _, x := range rules {
		row := x.(map[string]any)
		byName[row["rule"].(string)] = row
	}
	live, shadow := byName[compliancetest.LiveRule], byName[compliancetest.ShadowRule]
	if live == nil || num(live["hits"]) != 4 || num(live["upheld"]) != 1 || num(live["overturned"]) != 2 || live["shadow"] != false {
		t.Errorf("live rule: %v", live)
	}
	if p, _ := live["precision"].(float64); p < 0.333 || p > 0.334 {
		t.Errorf("live rule's precision %v, want 1/3", live["precision"])
	}
	if shadow == nil || shadow["shadow"] != true || shadow["would_have_done"] != "rejected" || num(shadow["would_change"]) != 3 || shadow["precision"] != 0.5 {
		t.Errorf("shadow rule: %v", shadow)
	}
	if rules[0].(map[string]any)["rule"] != compliancetest.LiveRule {
		t.Errorf("worst precision first: %v", rules)
	}
	if !strings.Contains(r.Raw, `"code":"contact.phone","detector":"contact"`) {
		t.Errorf("detectors: %s", r.Raw)
	}
	if o := s.do(t, "GET", "/v1/rules/precision?from="+from, other, nil).want(t, 200); num(o.Body["decisions"]) != 0 || strings.Contains(o.Raw, compliancetest.LiveRule) {
		t.Errorf("another marketplace's figures: %s", o.Raw)
	}
	s.do(t, "GET", "/v1/rules/precision?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", key, nil).problem(t, 422, "from must be before to")
	s.do(t, "GET", "/v1/rules/precision?from=last-week", key, nil).problem(t, 422, "from")
	s.do(t, "GET", "/v1/rules/precision", "", nil).problem(t, 401, "API key")
	if spec := s.do(t, "GET", "/openapi.json", "", nil); !strings.Contains(spec.Raw, `"/v1/rules/precision"`) || !strings.Contains(spec.Raw, "would_have_done") {
		t.Fatal("the OpenAPI document lacks the rules' precision")
	}
}
