package published

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/store"
)

// The fakes stand in for the store and check.Policies, which the app's
// test exercises over real HTTP on both databases.
type fakeMarketplaces map[string]store.Marketplace

func (f fakeMarketplaces) MarketplaceBySlug(_ context.Context, slug string) (store.Marketplace, error) {
	if m, ok := f[slug]; ok {
		return m, nil
	}
	return store.Marketplace{}, store.ErrNotFound
}

type fakePolicies struct {
	byID map[string]check.Effective
	err  error
}

func (f fakePolicies) Get(_ context.Context, id string) (check.Effective, error) {
	return f.byID[id], f.err
}

// secretPolicy sets every setting the page must keep to itself to a value
// that cannot occur on the page by chance.
const secretPolicy = `
listing:
  blocklist: [zqxblockword]
  counterfeit_brands: {Zqxbrand: 99999}
  price: {high_mads: 4.321, low_mads: 2.345, mad_floor: 0.0123, below_market: 0.4321, min_samples: 31, window: 1234}
  duplicates: {title_similarity: 0.777, description_similarity: 0.666}
links:
  allowed_domains: [zqxallowed.example]
  blocked_domains: [zqxblocked.example]
  protected_domains: [zqxprotected.example]
  shorteners: [zqxshort.example]
message:
  new_conversations: {max: 37, window: 1h}
review:
  text_similarity: 0.8642
  new_reviewer_age: 11d
risk:
  weights: {email.disposable: 13.37, velocity: 27.13}
  bands: {medium: 23, high: 47, critical: 89}
  review_threshold: 61
  link_confidence: {ip: 0.2468}
  peer_share: 0.1357
reports:
  priority: {trusted_flagger: 17.77}
  templates:
    - {id: zqx, action: dismiss, text: zqxreplytemplate}
enforcement:
  tier_roles: {warning: senior_moderator, flagged: senior_moderator, restricted: admin, suspended: admin, blocked: admin}
  reverse_role: admin
rules:
  - name: zqx-rule-name
    check: listing
    expr: 'listing.title.contains("zqxcelsecret")'
    outcome: pending_review
    severity: high
    clause: Suspicious listings are checked first
    description: zqxruledescription
  - name: zqx-shadow
    check: message
    expr: 'message.text.contains("zqxshadowexpr")'
    outcome: block
    severity: high
    clause: zqxshadowclause
    shadow: true
categories:
  cars:
    listing:
      blocklist+: [zqxcarword]
    risk:
      weights: {account.age: 19.19}
`

// secrets are what secretPolicy hides, as they would appear if leaked.
func secrets() []string {
	return []string{
		"zqxblockword", "zqxbrand", "99999", "4.321", "2.345", "0.0123", "0.4321", "1234", "0.777", "77.7", "0.666", "66.6",
		"zqxallowed", "zqxblocked", "zqxprotected", "zqxshort", "37 new", "0.8642", "86.42", "11 days",
		"13.37", "27.13", "0.2468", "0.1357", "17.77", "19.19", "zqxreplytemplate",
		"senior_moderator", "senior moderator", "admin", "appeals_reviewer",
		"zqx-rule-name", "zqxcelsecret", "contains(", "zqxruledescription", "zqxshadowexpr", "zqxshadowclause", "zqx-shadow", "zqxcarword",
	}
}

func newHandler(t *testing.T, yaml string, pol fakePolicies) *http.ServeMux {
	t.Helper()
	if pol.byID == nil {
		pol.byID = map[string]check.Effective{"mp1": {Compiled: compile(t, yaml), Version: 3, Document: yaml}}
	}
	mux := http.NewServeMux()
	New(Deps{Marketplaces: fakeMarketplaces{"secret-market": {ID: "mp1", Name: "Secret Market", Slug: "secret-market"}}, Policies: pol}).Register(mux)
	return mux
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// The page shows what the policy says in public and nothing it keeps
// internal: thresholds, weights, bands, rule expressions, detector lists,
// roles.
func TestPagesKeepSecrets(t *testing.T) {
	h := newHandler(t, secretPolicy, fakePolicies{})
	htmlPage := get(t, h, "/policies/secret-market")
	jsonPage := get(t, h, "/policies/secret-market.json")
	if htmlPage.Code != 200 || jsonPage.Code != 200 {
		t.Fatalf("status %d, %d: %s", htmlPage.Code, jsonPage.Code, htmlPage.Body)
	}
	for name, body := range map[string]string{"html": htmlPage.Body.String(), "json": jsonPage.Body.String()} {
		// The public parts of the same policy are there: the test would
		// pass trivially on an empty page.
		for _, want := range []string{"Secret Market", "Suspicious listings are checked first", "Prohibited and restricted items"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s page lacks %q", name, want)
			}
		}
		lower := strings.ToLower(body)
		for _, s := range secrets() {
			if strings.Contains(lower, strings.ToLower(s)) {
				t.Errorf("%s page reveals %q", name, s)
			}
		}
	}
	var doc any
	if err := json.Unmarshal(jsonPage.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"weights", "bands", "blocklist", "expr", "tier_roles", "reverse_role", "counterfeit_brands", "shorteners",
		"link_confidence", "priority", "risk", "templates", "accounts", "account_id"}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				for _, f := range forbidden {
					if k == f {
						t.Errorf("JSON has key %s.%s", path, k)
					}
				}
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		}
	}
	walk("", doc)
}

func TestPageHTTP(t *testing.T) {
	h := newHandler(t, "published:\n  contact: trust@secret.example\n", fakePolicies{})
	page := get(t, h, "/policies/secret-market")
	body := page.Body.String()
	if ct := page.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	csp := page.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	// The CSP allows no script and no inline style; the page needs none.
	for _, banned := range []string{"<script", "<style", " style="} {
		if strings.Contains(body, banned) {
			t.Errorf("page contains %q", banned)
		}
	}
	if m := regexp.MustCompile(`\son[a-z]+=`).FindString(body); m != "" {
		t.Errorf("page has an event handler attribute %q", m)
	}
	for _, want := range []string{`href="mailto:trust@secret.example"`, `href="/policies/secret-market.json"`, "Policy version 3",
		`id="acceptable-use"`, `id="consequences"`, `id="reports"`, `id="appeals"`, `id="ranking"`, `href="/policies/published.css?v=`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}

	js := get(t, h, "/policies/secret-market.json")
	var pg Page
	if err := json.Unmarshal(js.Body.Bytes(), &pg); err != nil || js.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("JSON %q: %v", js.Header().Get("Content-Type"), err)
	}
	if pg.Marketplace.Slug != "secret-market" || pg.PolicyVersion != 3 || pg.Contact == nil || len(pg.Consequences.Tiers) != 5 {
		t.Errorf("JSON page: %+v", pg)
	}

	css := get(t, h, "/policies/published.css")
	if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") || !strings.Contains(css.Body.String(), "--brand") {
		t.Errorf("stylesheet: %d %q", css.Code, css.Header().Get("Content-Type"))
	}
}

func TestUnknownSlug(t *testing.T) {
	h := newHandler(t, "", fakePolicies{})
	for _, slug := range []string{"nobody", "Secret-Market", "a%2Fb", strings.Repeat("x", 201)} {
		page := get(t, h, "/policies/"+slug)
		if page.Code != 404 || page.Header().Get("Content-Type") != "text/html; charset=utf-8" ||
			!strings.Contains(page.Body.String(), "<h1>Policy not found</h1>") {
			t.Errorf("%s: %d %q %s", slug, page.Code, page.Header().Get("Content-Type"), page.Body)
		}
		js := get(t, h, "/policies/"+slug+".json")
		var problem map[string]any
		if js.Code != 404 || js.Header().Get("Content-Type") != "application/problem+json" ||
			json.Unmarshal(js.Body.Bytes(), &problem) != nil || problem["status"] != float64(404) || problem["title"] != "Not Found" {
			t.Errorf("%s.json: %d %q %s", slug, js.Code, js.Header().Get("Content-Type"), js.Body)
		}
	}
}

// A failure says nothing about its cause.
func TestFailureIsOpaque(t *testing.T) {
	h := newHandler(t, "", fakePolicies{byID: map[string]check.Effective{}, err: errors.New("stored policy v7 of mp1: zqxinternal")})
	for _, path := range []string{"/policies/secret-market", "/policies/secret-market.json"} {
		rec := get(t, h, path)
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "zqxinternal") || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q %s", path, rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
		}
	}
}
