package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// TestAuthorizationMatrix calls every /v1 operation of the OpenAPI
// document — so a new route is covered the day it is added — with no key,
// a revoked key, another marketplace's key and the right key. Without a
// valid key every operation is 401; with another marketplace's key, an
// operation on this marketplace's ids answers exactly as it does for ids
// that do not exist (existence is never revealed, never 403) and changes
// nothing; with the right key none is 401 or 403. Every error is
// problem+json.
func TestAuthorizationMatrix(t *testing.T) {
	s := start(t, store.SQLite, app.Config{AllowPrivateWebhooks: true})
	mp, key := s.tenant(t, "Alpha")
	_, keyB := s.tenant(t, "Beta")
	revokedMP, revoked := s.tenant(t, "Gamma")
	ctx := context.Background()
	keys, err := s.DB.APIKeys(ctx, revokedMP)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tenants.RevokeKey(ctx, audit.Actor{Type: audit.ActorSystem, ID: "t"}, revokedMP, keys[0].ID); err != nil {
		t.Fatal(err)
	}

	// Alpha's data, one of each kind a path names.
	s.do(t, "POST", "/v1/events", key, batch(ev("e1", "account.upserted", account("u1")), ev("e2", "account.upserted", account("u2")),
		ev("e3", "listing.upserted", listing("l1", "u1")))).want(t, 200)
	report := s.do(t, "POST", "/v1/reports", key, reportBody("l1", "scam_or_fraud", "buyer-1")).want(t, 201)
	decision := s.do(t, "POST", "/v1/checks/listing", key, checkListing("l2", "u2", "Oak table", 30000, "furniture")).want(t, 200)
	sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": "http://127.0.0.1:9/hook"}).want(t, 201)
	subID := sub.Body["id"].(string)
	s.do(t, "POST", "/v1/webhooks/"+subID+"/test", key, nil).want(t, 202)
	deliveries := s.do(t, "GET", "/v1/webhooks/"+subID+"/deliveries", key, nil).want(t, 200)
	admin := s.moderator(t, mp, user.Admin)
	sanction := s.do(t, "POST", "/v1/accounts/u2/sanctions", key, map[string]any{"kind": "early_payout_loss", "duration": "7d",
		"moderator_id": admin, "template": "fulfilment"}).want(t, 201)
	ids := map[string]string{
		"accounts": "u1", "listings": "l1", "cases": report.Body["case_id"].(string), "reference": report.Body["reference"].(string),
		"webhooks": subID, "decisions": decision.Body["decision_id"].(string), "sanction_id": sanction.Body["action"].(map[string]any)["sanction_id"].(string),
		"webhook-deliveries": deliveries.Body["items"].([]any)[0].(map[string]any)["id"].(string), "other": "u2",
		"appeals": "ap-1", "recommendations": "rec-1", "messages": "m1", "reviews": "r1", "orders": "o1",
	}
	// Bodies that Alpha's own key would act on, so that another
	// marketplace's key is tried on a real change, not a validation error.
	bodies := map[string]map[string]any{
		"POST /v1/accounts/{id}/tier":            {"tier": "suspended", "moderator_id": admin, "template": "scam"},
		"POST /v1/listings/{id}/status":          {"status": "paused", "actor": "moderator", "moderator_id": admin, "reason": "check"},
		"POST /v1/cases/{id}/actions":            {"action": "dismiss", "template": "no_violation", "moderator_id": admin},
		"POST /v1/accounts/{id}/links":           {"other": "u2", "moderator_id": admin},
		"POST /v1/webhooks/{id}/test":            {},
		"POST /v1/webhook-deliveries/{id}/retry": {},
	}

	spec := s.do(t, "GET", "/openapi.json", "", nil).want(t, 200)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(spec.Raw), &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	// idKey is the ids key of a path parameter: the collection an {id}
	// follows, else the parameter's name.
	idKey := func(path, p string) string {
		if p != "{id}" {
			return strings.Trim(p, "{}")
		}
		seg := strings.Split(path[:strings.Index(path, p)-1], "/")
		return seg[len(seg)-1]
	}
	fill := func(path string, known bool) (string, bool) {
		ok := true
		out := param.ReplaceAllStringFunc(path, func(p string) string {
			coll := idKey(path, p)
			id, found := ids[coll]
			if !found {
				ok = false
			}
			if !known {
				return "no-such-" + coll
			}
			return id
		})
		return out, ok
	}
	var routes []string
	for path, ops := range doc.Paths {
		for method := range ops {
			if strings.HasPrefix(path, "/v1/") && slices.Contains([]string{"get", "post", "put", "delete", "patch"}, method) {
				routes = append(routes, strings.ToUpper(method)+" "+path)
			}
		}
	}
	slices.Sort(routes)
	if len(routes) < 40 {
		t.Fatalf("only %d /v1 operations in the OpenAPI document", len(routes))
	}
	problem := func(route string, r response) {
		if r.Status >= 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d with Content-Type %q, want problem+json", route, r.Status, r.Header.Get("Content-Type"))
		}
	}
	// First every way in that must fail, then what it left of Alpha's
	// data, then Alpha's own key.
	var allowed []func()
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		real, ok := fill(path, true)
		if !ok {
			t.Errorf("%s: a path parameter the matrix has no id for; add one to ids", route)
			continue
		}
		var body any
		if b, ok := bodies[route]; ok {
			body = b
		} else if method != "GET" && method != "DELETE" {
			body = map[string]any{}
		}
		for name, k := range map[string]string{"no key": "", "a revoked key": revoked} {
			r := s.do(t, method, real, k, body)
			if r.Status != http.StatusUnauthorized {
				t.Errorf("%s with %s: %d, want 401", route, name, r.Status)
			}
			problem(route, r)
		}
		if strings.Contains(path, "{") {
			ghost, _ := fill(path, false)
			want := s.do(t, method, ghost, keyB, body)
			got := s.do(t, method, real, keyB, body)
			// An answer for any id (an account never enforced is clear)
			// must be the very answer an unknown id gets.
			same := want.Raw
			for _, p := range param.FindAllString(path, -1) {
				same = strings.ReplaceAll(same, "no-such-"+idKey(path, p), ids[idKey(path, p)])
			}
			switch {
			case got.Status != want.Status || got.Status == http.StatusForbidden:
				t.Errorf("%s with another marketplace's key: %d for Alpha's ids, %d for ids that do not exist; want the same, not 403",
					route, got.Status, want.Status)
			case got.Status < 400 && got.Raw != same:
				t.Errorf("%s with another marketplace's key answers differently for Alpha's ids:\n%s\nthan for unknown ids:\n%s", route, got.Raw, same)
			}
			problem(route, got)
		}
		allowed = append(allowed, func() {
			r := s.do(t, method, real, key, body)
			if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
				t.Errorf("%s with the right key: %d %s", route, r.Status, r.Raw)
			}
			problem(route, r)
		})
	}
	if r := s.do(t, "GET", "/v1/accounts/u1/enforcement", key, nil).want(t, 200); !strings.Contains(r.Raw, `"tier":"clear"`) {
		t.Errorf("another marketplace's key changed u1's tier: %s", r.Raw)
	}
	if r := s.do(t, "GET", "/v1/cases/"+ids["cases"], key, nil).want(t, 200); r.Body["status"] != "pending" {
		t.Errorf("another marketplace's key closed Alpha's case: %s", r.Raw)
	}
	if r := s.do(t, "GET", "/v1/webhooks", key, nil).want(t, 200); len(r.Body["items"].([]any)) != 1 {
		t.Errorf("another marketplace's key deleted Alpha's webhook: %s", r.Raw)
	}
	for _, f := range allowed {
		f()
	}
}
