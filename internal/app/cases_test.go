package app_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

func reportBody(target, reason, reporter string) map[string]any {
	return map[string]any{"target": map[string]any{"type": "listing", "id": target}, "reason": reason,
		"details": "Asked me to pay outside the platform", "reporter": map[string]any{"id": reporter}}
}

// TestReportsAPI covers the reports and cases API over HTTP on both
// databases: 201 with a reference once durable, idempotent retries, clear
// problems, the queue with filters and cursors, actions for a named
// moderator, the confirmation webhook, and tenant isolation.
func TestReportsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true, Workers: 2})
		mp, key := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")
		rcv := newReceiver(t)
		sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL + "/hook", "event_types": []string{"report.received"}}).want(t, 201)
		rcv.set(200, sub.Body["secret"].(string))
		s.do(t, "POST", "/v1/events", key, batch(ev("l1", "listing.upserted", listing("l1", "seller")))).want(t, 200)

		hdr := map[string]string{"Idempotency-Key": "rep-1"}
		first := s.doH(t, "POST", "/v1/reports", key, reportBody("l1", "scam_or_fraud", "buyer-1"), hdr).want(t, 201)
		ref, caseID := first.Body["reference"].(string), first.Body["case_id"].(string)
		if !referenceRE.MatchString(ref) || caseID == "" || first.Body["status"] != "received" {
			t.Fatalf("report: %s", first.Raw)
		}
		again := s.doH(t, "POST", "/v1/reports", key, reportBody("l1", "scam_or_fraud", "buyer-1"), hdr).want(t, 201)
		if again.Body["reference"] != ref || again.Body["replayed"] != true {
			t.Fatalf("retry: %s", again.Raw)
		}
		s.doH(t, "POST", "/v1/reports", key, reportBody("l1", "harassment", "buyer-1"), hdr).problem(t, 409, "different report")
		s.do(t, "POST", "/v1/reports", key, reportBody("l1", "not_a_reason", "buyer-1")).problem(t, 422, "scam_or_fraud")
		s.do(t, "POST", "/v1/reports", key, map[string]any{"target": map[string]any{"type": "order", "id": "o1"}, "reason": "other",
			"reporter": map[string]any{"id": "x"}}).problem(t, 422, "target.type")
		s.do(t, "POST", "/v1/reports", key, `{"target":`).problem(t, 400, "")
		second := s.do(t, "POST", "/v1/reports", key, reportBody("l1", "wrong_price", "buyer-2")).want(t, 201)
		if second.Body["case_id"] != caseID {
			t.Fatalf("a second report on l1 opened another case: %s", second.Raw)
		}
		for i := range 3 {
			s.do(t, "POST", "/v1/reports", key, reportBody(fmt.Sprintf("other-%d", i), "wrong_price", "buyer-3")).want(t, 201)
		}
		waitDelivery(t, s, key, sub.Body["id"].(string), "delivered")

		st := s.do(t, "GET", "/v1/reports/"+ref, key, nil).want(t, 200)
		if st.Body["status"] != "received" || st.Body["reason"] != "scam_or_fraud" {
			t.Fatalf("status: %s", st.Raw)
		}
		s.do(t, "GET", "/v1/reports/"+ref, keyB, nil).problem(t, 404, "not found")

		// The queue: highest priority first, filters and cursor pages.
		q := s.do(t, "GET", "/v1/cases", key, nil).want(t, 200)
		items := q.Body["items"].([]any)
		top := items[0].(map[string]any)
		if len(items) != 4 || top["id"] != caseID || top["report_count"].(float64) != 2 || len(top["references"].([]any)) != 2 {
			t.Fatalf("queue: %s", q.Raw)
		}
		if f := s.do(t, "GET", "/v1/cases?reason_group=cost", key, nil).want(t, 200); len(f.Body["items"].([]any)) != 3 {
			t.Fatalf("reason group filter: %s", f.Raw)
		}
		var seen []string
		next := ""
		for range 5 {
			p := s.do(t, "GET", "/v1/cases?limit=3&sort=age&cursor="+url.QueryEscape(next), key, nil).want(t, 200)
			for _, it := range p.Body["items"].([]any) {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			c, _ := p.Body["next_cursor"].(string)
			if c == "" {
				break
			}
			next = c
		}
		if len(seen) != 4 || seen[0] != caseID {
			t.Fatalf("pages by age: %v", seen)
		}
		s.do(t, "GET", "/v1/cases?cursor=garbage", key, nil).problem(t, 422, "cursor")
		s.do(t, "GET", "/v1/cases?sla=late", key, nil).problem(t, 422, "sla")

		// Actions name a moderator of this marketplace.
		ctx := context.Background()
		agent, err := s.Users.Create(ctx, audit.Actor{Type: audit.ActorSystem, ID: "test"}, "agent", "correct horse battery", user.Agent, mp)
		if err != nil {
			t.Fatal(err)
		}
		act := func(body map[string]any) response {
			body["moderator_id"] = agent.ID
			return s.do(t, "POST", "/v1/cases/"+caseID+"/actions", key, body)
		}
		s.do(t, "POST", "/v1/cases/"+caseID+"/actions", key, map[string]any{"action": "claim", "moderator_id": "nobody"}).problem(t, 422, "moderator_id")
		if c := act(map[string]any{"action": "claim"}).want(t, 200); c.Body["status"] != "reviewing" || c.Body["assignee"] != agent.ID {
			t.Fatalf("claim: %s", c.Raw)
		}
		act(map[string]any{"action": "pause_listing"}).problem(t, 422, "resolution")
		act(map[string]any{"action": "fly"}).problem(t, 422, "action")
		done := act(map[string]any{"action": "pause_listing", "template": "listing_paused"}).want(t, 200)
		if done.Body["status"] != "resolved" || done.Body["outcome"] != "listing_paused" || len(done.Body["history"].([]any)) < 4 {
			t.Fatalf("resolved: %s", done.Raw)
		}
		if l, err := s.DB.ListingState(ctx, mp, "l1"); err != nil || l.Status != "paused" {
			t.Fatalf("listing after pause: %+v %v", l, err)
		}
		if st := s.do(t, "GET", "/v1/reports/"+ref, key, nil).want(t, 200); st.Body["status"] != "closed" || st.Body["outcome"] != "action_taken" {
			t.Fatalf("closed report: %s", st.Raw)
		}
		act(map[string]any{"action": "claim"}).problem(t, 403, "resolved")
		s.do(t, "GET", "/v1/cases/"+caseID, keyB, nil).problem(t, 404, "not found")
		s.do(t, "POST", "/v1/cases/"+caseID+"/actions", keyB, map[string]any{"action": "note", "note": "x", "moderator_id": agent.ID}).problem(t, 422, "moderator_id")
		// The next case goes to whoever asks.
		n := s.do(t, "POST", "/v1/cases/next", key, map[string]any{"moderator_id": agent.ID}).want(t, 200)
		if n.Body["assignee"] != agent.ID || n.Body["status"] != "reviewing" {
			t.Fatalf("next: %s", n.Raw)
		}
	})
}

// referenceRE is a report reference: VR- and two groups of four
// Crockford base-32 characters.
var referenceRE = regexp.MustCompile(`^VR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

// held returns the open proactive cases (what checks and the risk score
// held for review), each with its history.
func held(t *testing.T, s *server, mp string) []cases.View {
	t.Helper()
	p, err := s.Cases.List(context.Background(), mp, cases.ListQuery{Source: "proactive", Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]cases.View, len(p.Items))
	for i, it := range p.Items {
		if out[i], err = s.Cases.Get(context.Background(), mp, it.ID); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
