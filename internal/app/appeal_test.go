package app_test

import (
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestAppealsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		senior, reviewer := s.moderator(t, mp, user.SeniorModerator), s.moderator(t, mp, user.AppealsReviewer)
		s.do(t, "POST", "/v1/accounts/seller/tier", key, map[string]any{"moderator_id": senior, "tier": "suspended", "template": "scam"}).want(t, 200)
		plan := map[string]any{"account_id": "seller",
			"root_cause":          "A friend used my account to sell things he never had.",
			"corrective_action":   "I changed my password and refunded every buyer he took money from.",
			"preventive_measures": "Two-factor login is on and nobody else has access any more."}
		s.do(t, "POST", "/v1/appeals", key, map[string]any{"account_id": "seller", "root_cause": "sorry", "corrective_action": "x", "preventive_measures": "y"}).
			problem(t, 422, "root_cause")
		filed := s.do(t, "POST", "/v1/appeals", key, plan).want(t, 201)
		id, _ := filed.Body["id"].(string)
		if id == "" || filed.Body["status"] != "open" || filed.Body["due_at"] == nil || filed.Body["tier"] != "suspended" {
			t.Fatalf("filed: %s", filed.Raw)
		}
		s.do(t, "POST", "/v1/appeals", key, plan).problem(t, 409, "open appeal")
		// The appellant's view names no reviewer and no moderator.
		st := s.do(t, "GET", "/v1/appeals/"+id, key, nil).want(t, 200)
		if strings.Contains(st.Raw, senior) || strings.Contains(st.Raw, "reviewer") || st.Body["status"] != "open" {
			t.Fatalf("appellant view: %s", st.Raw)
		}
		q := s.do(t, "GET", "/v1/appeals", key, nil).want(t, 200)
		if items := q.Body["items"].([]any); len(items) != 1 {
			t.Fatalf("queue: %s", q.Raw)
		}
		review := map[string]any{"moderator_id": senior, "outcome": "reverse", "reply": "The account was taken over; the evidence shows it."}
		s.do(t, "POST", "/v1/appeals/"+id+"/decision", key, review).problem(t, 403, "took the decision cannot review")
		review["moderator_id"] = reviewer
		d := s.do(t, "POST", "/v1/appeals/"+id+"/decision", key, review).want(t, 200)
		if d.Body["outcome"] != "reverse" || d.Body["status"] != "decided" {
			t.Fatalf("decided: %s", d.Raw)
		}
		if c := s.do(t, "GET", "/v1/accounts/seller/capabilities", key, nil).want(t, 200); c.Body["tier"] != "clear" || c.Body["can_buy"] != true {
			t.Fatalf("capabilities after reverse: %s", c.Raw)
		}
		st = s.do(t, "GET", "/v1/appeals/"+id, key, nil).want(t, 200)
		if st.Body["outcome"] != "reverse" || !strings.Contains(st.Raw, "taken over") {
			t.Fatalf("appellant view after: %s", st.Raw)
		}
		stats := s.do(t, "GET", "/v1/appeals/statistics", key, nil).want(t, 200)
		if num(stats.Body["filed"]) != 1 || stats.Body["reversal_rate"] != 1.0 {
			t.Fatalf("statistics: %s", stats.Raw)
		}
		// Another marketplace cannot see or decide it.
		_, keyB := s.tenant(t, "Beta")
		s.do(t, "GET", "/v1/appeals/"+id, keyB, nil).want(t, 404)
	})
}

func TestNoticesAPI(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	body := map[string]any{"target": map[string]any{"type": "listing", "id": "l9"}, "reporter": map[string]any{"id": "flagger", "type": "trusted_flagger"},
		"explanation": "Counterfeit watches with a registered trademark.", "location": "https://market.example/l/l9",
		"notifier_name": "Brand Protection EU", "notifier_email": "notices@brand.example"}
	s.do(t, "POST", "/v1/notices", key, body).problem(t, 422, "good_faith")
	body["good_faith"] = true
	f := s.do(t, "POST", "/v1/notices", key, body).want(t, 201)
	ref, _ := f.Body["reference"].(string)
	if !strings.HasPrefix(ref, "VR-") || f.Body["status"] != "received" {
		t.Fatalf("receipt: %s", f.Raw)
	}
	st := s.do(t, "GET", "/v1/reports/"+ref, key, nil).want(t, 200)
	if strings.Contains(st.Raw, "brand.example") {
		t.Fatalf("the status view repeats the notifier's email: %s", st.Raw)
	}
	c := s.do(t, "GET", "/v1/cases/"+f.Body["case_id"].(string), key, nil).want(t, 200)
	if !strings.Contains(c.Raw, "trusted_flagger") || !strings.Contains(c.Raw, "illegal_content") {
		t.Fatalf("the notice's case: %s", c.Raw)
	}
}
