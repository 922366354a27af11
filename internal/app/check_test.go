package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func checkListing(id, acc, title string, price int, category string) map[string]any {
	return map[string]any{"listing_id": id, "account_id": acc, "title": title, "description": "Item " + id + ": " + title + ", kept with care by seller " + acc + ".",
		"price": map[string]any{"amount": price, "currency": "EUR"}, "category": category,
		"images": []map[string]any{{"url": "https://img.example.com/" + id + ".jpg"}}}
}

func codes(r response) []string {
	var out []string
	for _, f := range r.Body["findings"].([]any) {
		out = append(out, f.(map[string]any)["code"].(string))
	}
	return out
}

func TestListingChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		_, keyB := s.tenant(t, "Beta")

		ok := s.do(t, "POST", "/v1/checks/listing", key, checkListing("l1", "u1", "Trek road bike 56cm", 45000, "bikes")).want(t, 200)
		if ok.Body["outcome"] != "approved" || ok.Body["status"] != "approved" || len(codes(ok)) != 0 {
			t.Fatalf("clean listing: %s", ok.Raw)
		}
		if l := s.do(t, "GET", "/v1/listings/l1", key, nil).want(t, 200); l.Body["data"].(map[string]any)["title"] != "Trek road bike 56cm" {
			t.Fatalf("checked listing not stored: %s", l.Raw)
		}

		noImage := checkListing("l2", "u2", "Oak dining table", 30000, "furniture")
		delete(noImage, "images")
		r := s.do(t, "POST", "/v1/checks/listing", key, noImage).want(t, 200)
		if r.Body["outcome"] != "changes_requested" || !slices.Contains(codes(r), "required.images") {
			t.Fatalf("listing without images: %s", r.Raw)
		}
		if f, _ := r.Body["fields_to_change"].([]any); len(f) != 1 || f[0] != "images" {
			t.Fatalf("fields to change: %s", r.Raw)
		}

		// The same seller again with a near-identical title: held for review, naming the original.
		dup := s.do(t, "POST", "/v1/checks/listing", key, checkListing("l3", "u1", "Trek road bike 56 cm", 44000, "bikes")).want(t, 200)
		if dup.Body["outcome"] != "pending_review" || !slices.Contains(codes(dup), "duplicate.title") {
			t.Fatalf("duplicate title: %s", dup.Raw)
		}
		if refs := dup.Body["findings"].([]any)[0].(map[string]any)["refs"].([]any); refs[0] != "l1" {
			t.Fatalf("duplicate evidence: %v", refs)
		}
		if items := held(t, s, mp); len(items) != 1 || items[0].Target.ID != "l3" || items[0].DecisionID == "" {
			t.Fatalf("review queue: %+v", items)
		}

		// Price sanity once the category has enough prices.
		for i := range 35 {
			s.do(t, "POST", "/v1/checks/listing", key, checkListing(fmt.Sprintf("p%d", i), fmt.Sprintf("s%d", i),
				fmt.Sprintf("Camera body model %d", i*7919), 24000+(i%7)*500, "cameras")).want(t, 200)
		}
		cheap := s.do(t, "POST", "/v1/checks/listing", key, checkListing("cheap", "s99", "Mirrorless camera, like new", 3000, "cameras")).want(t, 200)
		if !slices.Contains(codes(cheap), "price.below_market") || cheap.Body["outcome"] == "approved" {
			t.Fatalf("a price far below the category was not flagged: %s", cheap.Raw)
		}

		// Policy: a prohibited category, a live rule and a shadow rule.
		pol := `listing:
  prohibited_categories: [weapons]
  counterfeit_brands:
    Rolex: 200000
rules:
  - name: expensive_from_unknown
    check: listing
    expr: listing.price > 500000
    outcome: pending_review
    severity: medium
    clause: "§4 High-value listings"
  - name: shadow_everything
    check: listing
    expr: listing.price > 0
    outcome: rejected
    severity: high
    clause: "trial"
    shadow: true
`
		s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": pol}).want(t, 200)
		r = s.do(t, "POST", "/v1/checks/listing", key, checkListing("w1", "u5", "Hunting knife", 5000, "weapons")).want(t, 200)
		if r.Body["outcome"] != "rejected" || !slices.Contains(codes(r), "category.prohibited") {
			t.Fatalf("prohibited category: %s", r.Raw)
		}
		r = s.do(t, "POST", "/v1/checks/listing", key, checkListing("rx1", "u7", "Rolex Submariner, like new", 9900, "watches")).want(t, 200)
		if !slices.Contains(codes(r), "listing.counterfeit") {
			t.Fatalf("a brand at an implausible price: %s", r.Raw)
		}
		r = s.do(t, "POST", "/v1/checks/listing", key, checkListing("car1", "u6", "Porsche 911 Carrera", 9500000, "cars")).want(t, 200)
		if r.Body["outcome"] != "pending_review" {
			t.Fatalf("rule did not apply (and the shadow rule must not reject): %s", r.Raw)
		}
		var shadowSeen bool
		for _, h := range r.Body["rule_hits"].([]any) {
			h := h.(map[string]any)
			if h["rule"] == "shadow_everything" && h["shadow"] == true {
				shadowSeen = true
			}
		}
		if !shadowSeen || num(r.Body["policy_version"]) != 1 {
			t.Fatalf("shadow rule not recorded: %s", r.Raw)
		}

		// Idempotent retries return the first decision.
		hdr := map[string]string{"Idempotency-Key": "req-42"}
		first := s.doH(t, "POST", "/v1/checks/listing", key, checkListing("i1", "u7", "Road bike", 20000, "bikes"), hdr).want(t, 200)
		again := s.doH(t, "POST", "/v1/checks/listing", key, checkListing("i1", "u7", "Road bike", 20000, "bikes"), hdr).want(t, 200)
		if first.Body["decision_id"] != again.Body["decision_id"] || again.Body["replayed"] != true {
			t.Fatalf("retry decided again: %s / %s", first.Raw, again.Raw)
		}

		// Stored decisions are explainable later, and private to the marketplace.
		id := dup.Body["decision_id"].(string)
		if d := s.do(t, "GET", "/v1/decisions/"+id, key, nil).want(t, 200); d.Body["outcome"] != "pending_review" || len(codes(d)) == 0 {
			t.Fatalf("stored decision: %s", d.Raw)
		}
		s.do(t, "GET", "/v1/decisions/"+id, keyB, nil).problem(t, 404, "not found")

		// Invalid input: a clear 422 naming the field, nothing stored.
		bad := checkListing("bad", "u8", "x", 100, "bikes")
		bad["price"] = map[string]any{"amount": 100, "currency": "euro"}
		s.do(t, "POST", "/v1/checks/listing", key, bad).problem(t, 422, "currency")
		s.do(t, "GET", "/v1/listings/bad", key, nil).want(t, 404)
	})
}

func TestMessageRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		_, key := s.tenant(t, "Alpha")
		msg := func(conv string, i int) map[string]any {
			return map[string]any{"message_id": fmt.Sprintf("%s-%d", conv, i), "conversation_id": conv, "sender_id": "spammer",
				"recipient_id": fmt.Sprintf("r-%s", conv), "text": "Hello, is this still available?"}
		}
		for i := range 20 {
			if r := s.do(t, "POST", "/v1/checks/message", key, msg(fmt.Sprintf("c%d", i), 0)).want(t, 200); r.Body["outcome"] != "allow" {
				t.Fatalf("conversation %d: %s", i, r.Raw)
			}
		}
		// Replies in an existing conversation are not new conversations.
		if r := s.do(t, "POST", "/v1/checks/message", key, msg("c3", 1)).want(t, 200); r.Body["outcome"] != "allow" {
			t.Fatalf("reply: %s", r.Raw)
		}
		r := s.do(t, "POST", "/v1/checks/message", key, msg("c20", 0)).want(t, 200)
		if r.Body["outcome"] != "block" || !slices.Contains(codes(r), "spam.rate_limit") {
			t.Fatalf("21st new conversation within the hour: %s", r.Raw)
		}
	})
}

func TestReviewChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		_, key := s.tenant(t, "Alpha")
		long := "The bike was exactly as described, well packed and the seller answered every question quickly."
		old := "2026-10-01T10:00:00Z"
		order := func(id, buyer, seller, typ, at string) map[string]any {
			return map[string]any{"id": id + "-" + typ, "type": "order." + typ, "occurred_at": at,
				"data": map[string]any{"order_id": id, "buyer_id": buyer, "seller_id": seller, "amount": map[string]any{"amount": 5000, "currency": "EUR"}}}
		}
		acct := func(id, ip string) map[string]any {
			return map[string]any{"id": "acc-" + id, "type": "account.upserted", "occurred_at": "2026-01-01T10:00:00Z",
				"data": map[string]any{"account_id": id, "kind": "private", "ip": ip}}
		}
		s.do(t, "POST", "/v1/events", key, batch(acct("buyer", "203.0.113.1"), acct("seller", "203.0.113.2"), acct("twin", "203.0.113.2"),
			order("o1", "buyer", "seller", "created", old), order("o1", "buyer", "seller", "delivered", old),
			order("o2", "twin", "seller", "created", old), order("o2", "twin", "seller", "delivered", old),
			order("o3", "buyer", "seller", "created", old))).want(t, 200)
		review := func(id, order, author, subject, text string, rating int) map[string]any {
			return map[string]any{"review_id": id, "order_id": order, "author_id": author, "subject_id": subject, "rating": rating, "text": text}
		}
		r := s.do(t, "POST", "/v1/checks/review", key, review("r1", "o1", "buyer", "seller", long, 5)).want(t, 200)
		if r.Body["outcome"] != "publish" {
			t.Fatalf("a genuine review: %s", r.Raw)
		}
		for _, tc := range []struct {
			name, code string
			body       map[string]any
		}{
			{"not a party to the order", "review.not_verified", review("r2", "o1", "stranger", "seller", long+" Really.", 5)},
			{"second review of one order", "review.duplicate_order", review("r3", "o1", "buyer", "seller", "Second thoughts: "+long, 4)},
			{"not delivered", "review.too_early", review("r4", "o3", "buyer", "seller", "Still waiting but the seller was friendly and answered quickly.", 4)},
			{"too short", "review.too_short", review("r5", "o1", "buyer", "seller", "Great!", 5)},
			{"self-review through a shared IP", "review.self", review("r6", "o2", "twin", "seller", "Absolutely the best seller on the platform, fast shipping, five stars!", 5)},
			{"copy of another review", "review.similar", review("r7", "o2", "twin", "seller", long, 5)},
			{"five stars, angry text", "review.rating_mismatch", review("r8", "o1", "buyer", "seller", "Terrible seller, the item was broken and he never answered. Awful experience, avoid!", 5)},
		} {
			r := s.do(t, "POST", "/v1/checks/review", key, tc.body).want(t, 200)
			if !slices.Contains(codes(r), tc.code) || r.Body["outcome"] == "publish" {
				t.Errorf("%s: want %s and not published: %s", tc.name, tc.code, r.Raw)
			}
		}
	})
}

func TestMaskingAndTakedown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{AllowPrivateWebhooks: true, Workers: 1})
		_, key := s.tenant(t, "Alpha")
		rcv := newReceiver(t)
		sub := s.do(t, "POST", "/v1/webhooks", key, map[string]any{"url": rcv.srv.URL, "event_types": []string{"link.takedown"}}).want(t, 201)
		rcv.set(200, sub.Body["secret"].(string))

		text := "Hi! Call me on null eins fünf eins 2 3 4 5 6 7 8 9 and we sort it out."
		r := s.do(t, "POST", "/v1/checks/message", key, map[string]any{"message_id": "m1", "conversation_id": "c1",
			"sender_id": "a", "recipient_id": "b", "text": text}).want(t, 200)
		masked, _ := r.Body["masked_text"].(string)
		if r.Body["outcome"] != "mask" || !slices.Contains(codes(r), "contact.phone") || masked == "" ||
			strings.Contains(masked, "eins fünf") || !strings.HasPrefix(masked, "Hi! Call me on ") {
			t.Fatalf("obfuscated phone not masked: %s", r.Raw)
		}
		f := r.Body["findings"].([]any)[0].(map[string]any)
		span := f["span"].(map[string]any)
		if got := text[num(span["start"]):num(span["end"])]; !strings.Contains(got, "null eins") {
			t.Fatalf("span points at %q", got)
		}

		l := checkListing("ph1", "u9", "Payment help", 1000, "services")
		l["description"] = "Please confirm the payment at https://paypal-secure-login.com/verify to receive the item."
		r = s.do(t, "POST", "/v1/checks/listing", key, l).want(t, 200)
		if !slices.Contains(codes(r), "link.phishing") || r.Body["outcome"] == "approved" {
			t.Fatalf("phishing link: %s", r.Raw)
		}
		d := waitDelivery(t, s, key, sub.Body["id"].(string), "delivered")
		if d["event_type"] != "link.takedown" {
			t.Fatalf("takedown webhook: %v", d)
		}
	})
}

// TestIngestedListingsFeedTheChecks: a listing that arrives as an event
// after the indexes are loaded is still found as a duplicate.
func TestIngestedListingsFeedTheChecks(t *testing.T) {
	s := start(t, store.SQLite, app.Config{})
	_, key := s.tenant(t, "Alpha")
	s.do(t, "POST", "/v1/checks/listing", key, checkListing("first", "u1", "Canon EOS R6 body", 150000, "cameras")).want(t, 200)
	s.do(t, "POST", "/v1/events", key, batch(ev("e1", "listing.upserted", checkListing("evented", "u2", "Leica M6 film camera", 250000, "cameras")))).want(t, 200)
	r := s.do(t, "POST", "/v1/checks/listing", key, checkListing("again", "u2", "Leica M6 film camera", 240000, "cameras")).want(t, 200)
	if !slices.Contains(codes(r), "duplicate.title") {
		t.Fatalf("the event-ingested listing is unknown to the duplicate check: %s", r.Raw)
	}
}
