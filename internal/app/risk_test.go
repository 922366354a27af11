package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

// signupRing is five accounts from one IP within the hour, two on one
// device; u1 uses a throwaway address, fails four payments and buys
// above EUR 500 on its first day.
func signupRing() map[string]any {
	var evs []map[string]any
	for i := 1; i <= 5; i++ {
		a := account(fmt.Sprintf("u%d", i))
		a["ip"], a["device_id"] = "198.51.100.7", fmt.Sprintf("dev-%d", i)
		if i <= 2 {
			a["device_id"] = "dev-shared"
		}
		if i == 1 {
			a["email"] = "quick.buyer@mailinator.com"
		}
		evs = append(evs, ev(fmt.Sprintf("a%d", i), "account.upserted", a))
	}
	for i := range 4 {
		evs = append(evs, ev(fmt.Sprintf("pf%d", i), "payment.failed", map[string]any{"account_id": "u1", "order_id": fmt.Sprintf("o%d", i)}))
	}
	evs = append(evs, ev("o9", "order.created", map[string]any{"order_id": "o9", "buyer_id": "u1", "seller_id": "s1",
		"amount": map[string]any{"amount": 89900, "currency": "EUR"}}))
	evs = append(evs, ev("s1", "account.upserted", map[string]any{"account_id": "s1", "kind": "business", "email": "shop@example.org"}))
	return batch(evs...)
}

func fired(r response) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, s := range r.Body["signals"].([]any) {
		sig := s.(map[string]any)
		if sig["fired"] == true {
			out[sig["name"].(string)] = sig
		}
	}
	return out
}

// TestRiskScore covers R-F1–R-F6 over HTTP: signals maintained from
// ingested events, the explained score whose points add up, links,
// history, the review opened at the threshold, a full recompute that
// agrees with the incremental state, and tenant isolation.
func TestRiskScore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")
		ctx := context.Background()
		s.do(t, "POST", "/v1/events", key, signupRing()).want(t, 200)
		if n, err := s.Fraud.RefreshDirty(ctx, 100); err != nil || n != 6 {
			t.Fatalf("refreshed %d accounts: %v", n, err)
		}
		// u1 and u2 share a device: each one's new score makes the other due again, once.
		if n, err := s.Fraud.RefreshDirty(ctx, 100); err != nil || n != 2 {
			t.Fatalf("second round refreshed %d accounts: %v", n, err)
		}
		if n, err := s.Fraud.RefreshDirty(ctx, 100); err != nil || n != 0 {
			t.Fatalf("the scores did not settle: %d refreshed in a third round: %v", n, err)
		}

		r := s.do(t, "GET", "/v1/accounts/u1/risk", key, nil).want(t, 200)
		got := fired(r)
		for _, name := range []string{"email.disposable", "ip.accounts_per_hour", "account.duplicate", "payment.failures", "purchase.high_value_new_account"} {
			if _, ok := got[name]; !ok {
				t.Errorf("signal %s did not fire: %s", name, r.Raw)
			}
		}
		if ids := got["payment.failures"]["event_ids"].([]any); len(ids) != 4 {
			t.Errorf("payment failure evidence: %v", ids)
		}
		sum := 0.0
		for _, c := range r.Body["contributions"].([]any) {
			sum += c.(map[string]any)["points"].(float64)
		}
		score := r.Body["score"].(float64)
		if math.Abs(sum-score) > 1e-9 || score < 70 || r.Body["band"] != "critical" {
			t.Fatalf("score %v (%v), contributions sum to %v: %s", score, r.Body["band"], sum, r.Raw)
		}
		// 89 from its own signals, then 100 once its device peer u2 was scored.
		hist := r.Body["history"].([]any)
		if len(hist) != 2 || hist[0].(map[string]any)["score"] != score || hist[1].(map[string]any)["score"].(float64) >= score {
			t.Fatalf("history: %v", hist)
		}
		links := r.Body["links"].([]any)
		if !slices.ContainsFunc(links, func(l any) bool {
			m := l.(map[string]any)
			return m["account_id"] == "u2" && m["kind"] == "device"
		}) {
			t.Fatalf("links: %v", links)
		}
		// u3 shares only the IP: checked, not a duplicate.
		if _, ok := fired(s.do(t, "GET", "/v1/accounts/u3/risk", key, nil).want(t, 200))["account.duplicate"]; ok {
			t.Fatal("a shared IP alone made a duplicate account")
		}

		// Crossing the threshold opened one review per account, with the
		// explanation: u1, and u2 (a new account on the shared device).
		items := held(t, s, mp)
		var reviewed []string
		for _, it := range items {
			if it.Source == "risk" && it.Target.Type == "account" {
				reviewed = append(reviewed, it.Target.ID)
				if !strings.Contains(string(it.History[0].Detail), "review threshold") {
					t.Errorf("review of %s: %s", it.Target.ID, it.History[0].Detail)
				}
			}
		}
		if slices.Sort(reviewed); !slices.Equal(reviewed, []string{"u1", "u2"}) {
			t.Fatalf("risk reviews for %v, want u1 and u2 once each", reviewed)
		}
		// Nothing new: a refresh keeps the score, the history and the review as they are.
		s.do(t, "POST", "/v1/events", key, batch(ev("login1", "login", map[string]any{"account_id": "u1"}))).want(t, 200)
		if _, err := s.Fraud.RefreshDirty(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if again := s.do(t, "GET", "/v1/accounts/u1/risk", key, nil).want(t, 200); len(again.Body["history"].([]any)) != len(hist) {
			t.Fatalf("history after an unchanged refresh: %s", again.Raw)
		}
		if items2 := held(t, s, mp); len(items2) != len(items) || len(items2[0].History) != len(items[0].History) {
			t.Fatalf("a second review was opened: %+v", items2)
		}

		// A moderator confirms u4–u5: each now carries a share of the other's risk.
		s.do(t, "POST", "/v1/accounts/u4/links", key, map[string]any{"account_id": "u5", "note": "same bank account"}).want(t, 204)
		s.do(t, "POST", "/v1/accounts/u4/links", key, map[string]any{"account_id": "u4"}).problem(t, 422, "itself")
		s.do(t, "POST", "/v1/accounts/u4/links", key, map[string]any{"account_id": "nobody"}).want(t, 404)
		l := s.do(t, "GET", "/v1/accounts/u5/links", key, nil).want(t, 200)
		if !strings.Contains(l.Raw, `"kind":"confirmed"`) || !strings.Contains(l.Raw, `"account_id":"u4"`) {
			t.Fatalf("confirmed link: %s", l.Raw)
		}
		s.do(t, "DELETE", "/v1/accounts/u4/links/u5", key, nil).want(t, 204)
		s.do(t, "DELETE", "/v1/accounts/u4/links/u5", key, nil).want(t, 404)

		// The full recompute agrees with the incremental state; a lost state is found and rebuilt.
		actor := audit.Actor{Type: audit.ActorSystem, ID: "test"}
		if rc, err := s.Fraud.Recompute(ctx, actor, mp, false); err != nil || len(rc.Differ) != 0 || rc.Accounts != 6 || rc.Events != 12 {
			t.Fatalf("recompute: %+v %v", rc, err)
		}
		if _, err := s.DB.W.ExecContext(ctx, `UPDATE risk_states SET state = '{}' WHERE account_id = 'u2'`); err != nil {
			t.Fatal(err)
		}
		if rc, err := s.Fraud.Recompute(ctx, actor, mp, true); err != nil || !slices.Equal(rc.Differ, []string{"u2"}) || !rc.Written {
			t.Fatalf("recompute after a lost state: %+v %v", rc, err)
		}
		if rc, err := s.Fraud.Recompute(ctx, actor, mp, false); err != nil || len(rc.Differ) != 0 {
			t.Fatalf("recompute after rebuilding: %+v %v", rc, err)
		}

		s.do(t, "GET", "/v1/accounts/u1/risk", keyB, nil).want(t, 404)
		s.do(t, "GET", "/v1/accounts/u1/links", keyB, nil).want(t, 404)
		s.do(t, "GET", "/v1/accounts/u1/risk", "", nil).want(t, 401)
		s.do(t, "GET", "/v1/accounts/ghost/risk", key, nil).want(t, 404)
	})
}

// TestPublicEndpointsStayPrivate walks every operation the API documents
// as public (no security requirement) and the other unauthenticated
// routes, and checks none reveals a risk score, a signal, a device or an
// exact address (R-P5).
func TestPublicEndpointsStayPrivate(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	ring := signupRing()
	evs := ring["events"].([]map[string]any)
	l := listing("l1", "u1")
	l["location"] = map[string]any{"street": "Hafenstraße 7", "postcode": "20457", "city": "Hamburg", "country": "DE"}
	evs = append(evs, ev("l1", "listing.upserted", l))
	s.do(t, "POST", "/v1/events", key, batch(evs...)).want(t, 200)
	if _, err := s.Fraud.RefreshDirty(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"email.disposable", "payment.failures", "dev-shared", "198.51.100.7", "Hafenstraße", "mailinator", `"score"`, "contributions"}

	var doc struct {
		Security []map[string][]string `json:"security"`
		Paths    map[string]map[string]struct {
			Security *[]map[string][]string `json:"security"`
		} `json:"paths"`
	}
	spec := s.do(t, "GET", "/openapi.json", "", nil).want(t, 200)
	if err := json.Unmarshal([]byte(spec.Raw), &doc); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/console/login"}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			public := (op.Security != nil && len(*op.Security) == 0) || (op.Security == nil && len(doc.Security) == 0)
			if public && method == "get" {
				p := strings.NewReplacer("{id}", "u1", "{reference}", "u1", "{other}", "u2").Replace(path)
				paths = append(paths, p)
			}
		}
	}
	for _, p := range paths {
		req, _ := http.NewRequest("GET", s.URL+p, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.WriteString(string(buf[:n]))
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		for _, sec := range secrets {
			if p != "/openapi.json" && strings.Contains(b.String(), sec) {
				t.Errorf("public %s reveals %q", p, sec)
			}
		}
	}
	// Every /v1 operation that reads accounts needs the marketplace's key.
	for path := range doc.Paths {
		if strings.HasPrefix(path, "/v1/accounts/") {
			p := strings.NewReplacer("{id}", "u1", "{other}", "u2").Replace(path)
			if r := s.do(t, "GET", p, "", nil); r.Status != 401 && r.Status != 405 {
				t.Errorf("GET %s without a key: %d", p, r.Status)
			}
		}
	}
}
