package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// moderator creates a console user of a marketplace with a role.
func (s *server) moderator(t *testing.T, mp string, role user.Role) string {
	t.Helper()
	u, err := s.Users.Create(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "test"}, string(role)+"-"+mp[:8], "correct horse battery", role, mp)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestEnforcementAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		agent, senior := s.moderator(t, mp, user.Agent), s.moderator(t, mp, user.SeniorModerator)
		s.do(t, "POST", "/v1/events", key, batch(ev("a1", "account.upserted", account("seller")), ev("l1", "listing.upserted", listing("l1", "seller")),
			ev("o1", "order.paid", map[string]any{"order_id": "o1", "buyer_id": "buyer", "seller_id": "seller", "amount": map[string]any{"amount": 4500, "currency": "EUR"}}))).want(t, 200)

		caps := s.do(t, "GET", "/v1/accounts/seller/capabilities", key, nil).want(t, 200)
		if caps.Body["tier"] != "clear" || caps.Body["can_list"] != true || caps.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("clear capabilities: %s", caps.Raw)
		}
		// An agent may not restrict: 403 problem, nothing changed.
		body := map[string]any{"moderator_id": agent, "tier": "restricted", "template": "counterfeit"}
		s.do(t, "POST", "/v1/accounts/seller/tier", key, body).problem(t, 403, "senior_moderator")
		s.do(t, "POST", "/v1/accounts/seller/tier", key, map[string]any{"moderator_id": senior, "tier": "restricted"}).problem(t, 422, "reason")
		s.do(t, "POST", "/v1/accounts/seller/tier", key, map[string]any{"moderator_id": senior, "tier": "jail", "reason": "x"}).problem(t, 422, "tier")
		body["moderator_id"] = senior
		r := s.do(t, "POST", "/v1/accounts/seller/tier", key, body).want(t, 200)
		stmt, _ := r.Body["statement"].(map[string]any)
		if stmt == nil || stmt["facts_and_circumstances"] == "" || r.Body["capabilities"].(map[string]any)["can_list"] != false {
			t.Fatalf("restricted: %s", r.Raw)
		}
		caps = s.do(t, "GET", "/v1/accounts/seller/capabilities", key, nil).want(t, 200)
		if caps.Body["tier"] != "restricted" || caps.Body["can_offer"] != false || caps.Body["can_buy"] != true ||
			caps.Body["in_flight_orders"].(map[string]any)["paid"] != "may_complete" {
			t.Fatalf("restricted capabilities: %s", caps.Raw)
		}
		// A new listing from the restricted seller is rejected by the check.
		chk := s.do(t, "POST", "/v1/checks/listing", key, listing("l2", "seller")).want(t, 200)
		if chk.Body["outcome"] != "rejected" || !strings.Contains(chk.Raw, "account.restricted") {
			t.Fatalf("listing from a restricted seller: %s", chk.Raw)
		}
		// A sanction, and the enforcement record.
		s.do(t, "POST", "/v1/accounts/seller/sanctions", key, map[string]any{"moderator_id": senior, "kind": "temporary_suspension", "duration": "40d",
			"template": "scam"}).problem(t, 422, "at most")
		sn := s.do(t, "POST", "/v1/accounts/seller/sanctions", key, map[string]any{"moderator_id": senior, "kind": "temporary_suspension", "duration": "10d",
			"template": "scam"}).want(t, 201)
		frozen := sn.Body["capabilities"].(map[string]any)["frozen_orders"]
		if fmt.Sprint(frozen) != "[o1]" {
			t.Fatalf("frozen orders: %s", sn.Raw)
		}
		rec := s.do(t, "GET", "/v1/accounts/seller/enforcement", key, nil).want(t, 200)
		if n := len(rec.Body["timeline"].([]any)); n != 2 || len(rec.Body["statements"].([]any)) != 2 {
			t.Fatalf("enforcement record: %s", rec.Raw)
		}
		sid := sn.Body["action"].(map[string]any)["sanction_id"].(string)
		s.do(t, "POST", "/v1/accounts/seller/sanctions/"+sid+"/lift", key, map[string]any{"moderator_id": senior, "reason": "Proved the shipments."}).want(t, 200)
		s.do(t, "POST", "/v1/accounts/seller/sanctions/"+sid+"/lift", key, map[string]any{"moderator_id": senior, "reason": "again"}).problem(t, 422, "already")

		// The statements export, in the Transparency Database's format.
		sor := s.do(t, "GET", "/v1/statements-of-reasons?format=dsa", key, nil).want(t, 200)
		if items, _ := sor.Body["statements"].([]any); len(items) != 2 || strings.Contains(sor.Raw, "seller") || !strings.Contains(sor.Raw, `"puid"`) {
			t.Fatalf("statements export: %s", sor.Raw)
		}
		s.do(t, "GET", "/v1/statements-of-reasons?cursor=x", key, nil).problem(t, 422, "cursor")
		// A flagged seller's listings are screened strictly: held for a person.
		s.do(t, "POST", "/v1/accounts/other/tier", key, map[string]any{"moderator_id": agent, "tier": "flagged", "reason": "Several reports this week."}).want(t, 200)
		held := s.do(t, "POST", "/v1/checks/listing", key, listing("l3", "other")).want(t, 200)
		if held.Body["outcome"] != "pending_review" || !strings.Contains(held.Raw, "account.flagged") {
			t.Fatalf("listing from a flagged seller: %s", held.Raw)
		}
		// Public trust profile: no tier, no history.
		pub := s.do(t, "GET", "/v1/accounts/other/trust-profile", key, nil).want(t, 200)
		if strings.Contains(pub.Raw, "flagged") || strings.Contains(pub.Raw, "tier") || strings.Contains(pub.Raw, "holder") {
			t.Fatalf("public profile: %s", pub.Raw)
		}
		own := s.do(t, "GET", "/v1/accounts/other/trust-profile?view=holder", key, nil).want(t, 200)
		if own.Body["holder"].(map[string]any)["tier"] != "flagged" {
			t.Fatalf("holder profile: %s", own.Raw)
		}
		// Recommendations: recommend on a case, approve through the API.
		f := s.do(t, "POST", "/v1/reports", key, map[string]any{"target": map[string]any{"type": "account", "id": "other"}, "reason": "scam_or_fraud",
			"details": "asked to pay outside", "reporter": map[string]any{"id": "r1"}}).want(t, 201)
		s.do(t, "POST", "/v1/cases/"+f.Body["case_id"].(string)+"/actions", key, map[string]any{"action": "recommend_tier", "tier": "suspended",
			"note": "Repeated scams.", "moderator_id": agent}).want(t, 200)
		list := s.do(t, "GET", "/v1/recommendations", key, nil).want(t, 200)
		items := list.Body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("recommendations: %s", list.Raw)
		}
		id := items[0].(map[string]any)["id"].(string)
		s.do(t, "POST", "/v1/recommendations/"+id+"/decision", key, map[string]any{"moderator_id": agent, "decision": "approve"}).problem(t, 403, "senior_moderator")
		s.do(t, "POST", "/v1/recommendations/"+id+"/decision", key, map[string]any{"moderator_id": senior, "decision": "approve", "template": "scam"}).want(t, 200)
		if c := s.do(t, "GET", "/v1/accounts/other/capabilities", key, nil).want(t, 200); c.Body["tier"] != "suspended" {
			t.Fatalf("after approval: %s", c.Raw)
		}
		// A suspended account's messages are blocked by the check.
		msg := s.do(t, "POST", "/v1/checks/message", key, map[string]any{"message_id": "m1", "conversation_id": "c1", "sender_id": "other",
			"recipient_id": "buyer", "text": "Still interested?"}).want(t, 200)
		if msg.Body["outcome"] != "block" || !strings.Contains(msg.Raw, "account.suspended") {
			t.Fatalf("message from a suspended account: %s", msg.Raw)
		}
		// Another marketplace sees none of it.
		_, keyB := s.tenant(t, "Beta")
		if c := s.do(t, "GET", "/v1/accounts/other/capabilities", keyB, nil).want(t, 200); c.Body["tier"] != "clear" {
			t.Fatalf("tenant isolation: %s", c.Raw)
		}
		s.do(t, "POST", "/v1/accounts/other/tier", keyB, map[string]any{"moderator_id": senior, "tier": "clear", "reason": "x"}).problem(t, 422, "moderator_id")
	})
}

// TestCapabilitiesAcrossServers runs two serve processes' worth of Vigil
// on one PostgreSQL database: each answers capabilities from its own
// memory, and a decision taken through one is in the other's answer
// within moments.
func TestCapabilitiesAcrossServers(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	a := startOn(t, app.Config{DB: dsn})
	b := startOn(t, app.Config{DB: dsn})
	mp, key := a.tenant(t, "Alpha")
	senior := a.moderator(t, mp, user.SeniorModerator)
	tier := func(s *server) string {
		return s.do(t, "GET", "/v1/accounts/acc/capabilities", key, nil).want(t, 200).Body["tier"].(string)
	}
	if tier(b) != "clear" {
		t.Fatal("not clear")
	}
	for _, s := range []*server{a, b} {
		deadline := time.Now().Add(5 * time.Second)
		for !s.Enforce.CacheLive() {
			if time.Now().After(deadline) {
				t.Fatal("cache never went live")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for i, want := range []string{"flagged", "restricted", "warning"} {
		a.do(t, "POST", "/v1/accounts/acc/tier", key, map[string]any{"moderator_id": senior, "tier": want, "reason": fmt.Sprint("step ", i)}).want(t, 200)
		deadline := time.Now().Add(5 * time.Second)
		for tier(b) != want {
			if time.Now().After(deadline) {
				t.Fatalf("server B still answers %s, want %s", tier(b), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// API keys are cached too: a key revoked through A stops working on B.
	k2, secret, err := a.Tenants.CreateKey(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "test"}, mp, "second")
	if err != nil {
		t.Fatal(err)
	}
	b.do(t, "GET", "/v1/accounts/acc/capabilities", secret, nil).want(t, 200)
	if err := a.Tenants.RevokeKey(context.Background(), audit.Actor{Type: audit.ActorSystem, ID: "test"}, mp, k2.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.do(t, "GET", "/v1/accounts/acc/capabilities", secret, nil).Status != 401 {
		if time.Now().After(deadline) {
			t.Fatal("server B still accepts the revoked key")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
