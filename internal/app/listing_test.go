package app_test

import (
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestListingLifecycleAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := start(t, db.Dialect, app.Config{})
		mp, key := s.tenant(t, "Alpha")
		agent := s.moderator(t, mp, user.Agent)
		l := listing("flat1", "acct-qz7")
		l["category"], l["images"] = "rentals", []map[string]any{{"url": "https://img.example/1.jpg"}}
		l["location"] = map[string]any{"street": "Hafenstraße 7", "postcode": "20457", "city": "Hamburg", "country": "DE"}
		s.do(t, "POST", "/v1/events", key, batch(ev("f1", "listing.upserted", l))).want(t, 200)

		move := func(body map[string]any) response {
			return s.do(t, "POST", "/v1/listings/flat1/status", key, body)
		}
		move(map[string]any{"status": "rejected", "actor": "moderator", "moderator_id": agent}).problem(t, 422, "reason")
		move(map[string]any{"status": "paused", "actor": "owner"}).problem(t, 403, "owner may not")
		r := move(map[string]any{"status": "changes_requested", "actor": "moderator", "moderator_id": agent, "reason": "State the monthly costs.",
			"clause": "Cost transparency", "fields": []string{"attributes.costs"}}).want(t, 200)
		if items := r.Body["items"].([]any); len(items) != 1 || !strings.Contains(r.Raw, "attributes.costs") {
			t.Fatalf("history: %s", r.Raw)
		}
		move(map[string]any{"status": "approved", "actor": "moderator", "moderator_id": agent, "reason": "Costs added."}).want(t, 200)
		s.do(t, "POST", "/v1/listings/flat1/property-check", key, map[string]any{"moderator_id": agent, "checked": true, "note": "Lease in the seller's name"}).want(t, 200)
		tr := s.do(t, "GET", "/v1/listings/flat1/trust", key, nil).want(t, 200)
		if tr.Body["live"] != true || !strings.Contains(tr.Raw, "property_checked") || !strings.Contains(tr.Raw, `"postcode_prefix":"204"`) {
			t.Fatalf("trust view: %s", tr.Raw)
		}
		for _, secret := range []string{"Hafenstraße", "20457", "acct-qz7", "risk", "score"} {
			if strings.Contains(tr.Raw, secret) {
				t.Errorf("trust view reveals %q: %s", secret, tr.Raw)
			}
		}
		s.do(t, "GET", "/v1/listings/nope/trust", key, nil).want(t, 404)

		// Rentals requiring Contact Verified: an unverified seller is asked
		// to verify before the listing can go live.
		doc := "categories:\n  rentals:\n    listing:\n      require_contact_verified: true\n"
		s.do(t, "PUT", "/v1/policy", key, map[string]any{"document": doc, "expected_version": 0}).want(t, 200)
		flat := listing("flat2", "acct-qz7")
		flat["category"], flat["description"] = "rentals", "Sunny flat near the park with a balcony"
		d := s.do(t, "POST", "/v1/checks/listing", key, flat).want(t, 200)
		if d.Body["outcome"] == "approved" || !strings.Contains(d.Raw, `"key":"seller.contact_unverified","outcome":"changes_requested"`) {
			t.Fatalf("unverified seller: %s", d.Raw)
		}
		// Nor may a moderator put it live before the seller verifies.
		s.do(t, "POST", "/v1/listings/flat2/status", key, map[string]any{"status": "approved", "actor": "moderator", "moderator_id": agent,
			"reason": "Looks fine."}).problem(t, 403, "email and phone are verified")
	})
}
