package console

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/user"
)

// phoneSpotter stands in for the text detectors: it marks one phone number.
type phoneSpotter struct{}

func (phoneSpotter) Scan(text, field string) []detect.Finding {
	i := strings.Index(text, "0151 2345678")
	if i < 0 {
		return nil
	}
	return []detect.Finding{{Code: "contact.phone", Field: field, Span: &detect.Span{Start: i, End: i + 12}, Match: "0151 2345678", Value: "+491512345678"}}
}

func TestDecisionPages(t *testing.T) {
	f := newFixture(t)
	svc := check.New(f.deps, f.policies, func(*policy.Policy) (check.TextScanner, error) { return phoneSpotter{}, nil }, nil)
	mp := f.mp.Marketplace.ID
	data, _ := json.Marshal(map[string]any{"listing_id": "l1", "account_id": "u1", "title": "Sofa <b>grey</b>",
		"description": "Call me on 0151 2345678 after six.", "price": map[string]any{"amount": 12000, "currency": "EUR"}, "category": "furniture",
		"location": map[string]any{"street": "Geheimweg 7", "city": "Berlin", "country": "DE"}})
	res, err := svc.Listing(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, data, "")
	if err != nil {
		t.Fatal(err)
	}
	c := f.loggedIn(t, "agent", user.Agent, "")
	c.get("/console/decisions?mp="+mp).want(t, 200, "Recent decisions", "Waiting for review", "l1", res.Outcome)
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
