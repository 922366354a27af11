package console

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/user"
)

// phoneSpotter stands in for the text detectors: it marks one phone
// number, and a payment scam (which holds a listing for review).
type phoneSpotter struct{}

// spotPhones is the check services' text factory that finds phone numbers
// with phoneSpotter.
func spotPhones(*policy.Policy) (check.TextScanner, error) { return phoneSpotter{}, nil }

func (phoneSpotter) Scan(text, field string) []detect.Finding {
	var fs []detect.Finding
	for _, s := range [][3]string{{"0151 2345678", "contact.phone", "+491512345678"}, {"Western Union", "scam.payment", "western union"}} {
		if i := strings.Index(text, s[0]); i >= 0 {
			fs = append(fs, detect.Finding{Code: s[1], Field: field, Span: &detect.Span{Start: i, End: i + len(s[0])}, Match: s[0], Value: s[2]})
		}
	}
	return fs
}

func TestDecisionPages(t *testing.T) {
	f := newFixture(t)
	svc := f.checks(spotPhones)
	mp := f.mp.Marketplace.ID
	data, _ := json.Marshal(map[string]any{"listing_id": "l1", "account_id": "u1", "title": "Sofa <b>grey</b>",
		"description": "Call me on 0151 2345678 after six.", "price": map[string]any{"amount": 12000, "currency": "EUR"}, "category": "furniture",
		"location": map[string]any{"street": "Geheimweg 7", "city": "Berlin", "country": "DE"}})
	res, err := svc.Listing(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, data, "")
	if err != nil {
		t.Fatal(err)
	}
	// A scam holds a listing for review: it opens a proactive case.
	data, _ = json.Marshal(map[string]any{"listing_id": "l2", "account_id": "u1", "title": "Camera",
		"description": "Pay by Western Union to 0151 2345678, I ship the camera after.", "price": map[string]any{"amount": 9000, "currency": "EUR"},
		"category": "furniture", "location": map[string]any{"street": "Geheimweg 7", "city": "Berlin", "country": "DE"}})
	held, err := svc.Listing(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, data, "")
	if err != nil || held.Outcome != "pending_review" {
		t.Fatalf("scam listing: %+v, %v", held, err)
	}
	c := f.loggedIn(t, "agent", user.Agent, "")
	// The held listing opened a proactive case, listed and linked.
	proactive, err := f.cases.List(t.Context(), mp, cases.ListQuery{Source: "proactive"})
	if err != nil || len(proactive.Items) != 1 || proactive.Items[0].Target.ID != "l2" {
		t.Fatalf("proactive cases = %+v, %v", proactive, err)
	}
	id := proactive.Items[0].ID
	c.get("/console/decisions?mp="+mp).want(t, 200, "Recent decisions", "Waiting for review (1)", "l1", res.Outcome,
		`<a class="case-link" href="/console/cases/`+id+`">`, "Detector", "<code>l2</code>")
	c.get("/console/cases/"+id+"?mp="+mp).want(t, 200, "Held by an automated check", "What the check found (", "scam.payment",
		`<mark title="scam.payment" data-code="scam.payment">Western Union`, `<mark title="contact.phone" data-code="contact.phone">0151 2345678`,
		`href="/console/decisions/`+held.DecisionID+`"`, "case on listing <code>l2</code>").
		lacks(t, "Geheimweg")
	page := c.get("/console/decisions/"+res.DecisionID+"?mp="+mp).want(t, 200, "contact.phone",
		`<mark title="contact.phone" data-code="contact.phone">0151 2345678`, "Sofa <b>grey</b>", "required.images",
		`by account <a href="/console/accounts/u1"><code>u1</code></a>`)
	if strings.Contains(page.body, "<b>grey") {
		t.Fatal("listing text reached the page unescaped")
	}
	if strings.Contains(page.body, "Geheimweg") {
		t.Fatal("the exact street address is shown on the decision page")
	}
	c.get("/console/decisions/"+res.DecisionID+"?mp="+f.other.Marketplace.ID).want(t, 404)
	c.get("/console/policy?category=furniture&mp="+mp).want(t, 200, "min_length: 50", "built-in defaults")
}
