package console

import (
	"testing"

	"github.com/vigil-ts/vigil/internal/user"
)

// The policy page links to the marketplace's public policy page (R-C7).
func TestPolicyPageLinksToPublishedPage(t *testing.T) {
	f := newFixture(t)
	c := f.loggedIn(t, "agent", user.Agent, "")
	slug := f.mp.Marketplace.Slug
	c.get("/console/policy?mp="+f.mp.Marketplace.ID).want(t, 200, `href="/policies/`+slug+`"`, `href="/policies/`+slug+`.json"`)
}
