package console

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance/compliancetest"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/user"
)

// seedLabels seeds the feedback loop's known decisions and judgements
// in the fixture's marketplace, through its services with the real text
// detectors.
func seedLabels(t *testing.T, f *fixture) {
	t.Helper()
	texts := func(*policy.Policy) (check.TextScanner, error) { return text.New(text.DefaultConfig()) }
	f.appeals.Listings = f.cases.Listings
	compliancetest.Seed(t, compliancetest.Services{DB: f.db, Policies: f.policies, Checks: f.checks(texts), Cases: f.cases, Appeals: f.appeals,
		Listings: f.cases.Listings, Now: f.deps.Now}, f.mp.Marketplace.ID)
}

// TestRulesPage shows the seeded rules' and detectors' precision, worst
// first, the shadow rule with its badge and what it would have done,
// bars for the figures, and explains a wrong period; another
// marketplace's page shows none of it.
func TestRulesPage(t *testing.T) {
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	seedLabels(t, f)
	c := f.loggedIn(t, "agent", user.Agent, "")
	// The default period, the last 90 days, also holds the seed's first
	// decision, held by the live rule and approved: 14 decisions, 11
	// judged, and the live rule upheld once in 4.
	p := c.get("/console/rules?mp="+mp).want(t, 200, `<a href="/console/rules" aria-current="page">Rules</a>`, "Rules and detectors",
		"over the 14 automated decisions", "people judged 11", compliancetest.LiveRule, compliancetest.ShadowRule, "Shadow",
		"Would have done:", "Rejected", "changing 3 decisions", "25%", "50%", "contact.phone", "category.prohibited", "100%", "few judged",
		`<rect class="bar-fill is-low" x="0" y="20%" width="25.0%"`, `<rect class="bar-fill" x="0" y="20%" width="100.0%"`, "Last 90 days")
	if live, shadow := strings.Index(p.body, "<code>"+compliancetest.LiveRule), strings.Index(p.body, "<code>"+compliancetest.ShadowRule); live < 0 || live > shadow {
		t.Errorf("the live rule (25%%) is not listed before the shadow rule (50%%)")
	}
	c.get("/console/rules?mp="+mp+"&from=2026-12-10&to=2026-12-01").want(t, 422, "The start date is after the end date.", "Showing the last 90 days instead.",
		compliancetest.LiveRule)
	c.get("/console/rules?mp="+mp+"&from=2020-01-01&to=2020-01-31").want(t, 200, "No custom rule fired in this period.",
		"No detector found anything in this period.")
	c.get("/console/rules?mp="+f.other.Marketplace.ID).want(t, 200, "No custom rule fired").lacks(t, compliancetest.LiveRule)
}

// TestBrowserRules draws the rules page in Chromium at desktop and tablet
// width: the precision bars have their lengths, and nothing scrolls
// sideways.
func TestBrowserRules(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	f.addUser(t, "agent", user.Agent, f.mp.Marketplace.ID)
	seedLabels(t, f)
	b := newBrowser(t)
	base := f.srv.URL
	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "agent")
	for _, width := range []int64{1280, 800} {
		w := fmt.Sprint(width)
		b.run("rules at "+w, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+"/console/rules"),
			chromedp.WaitVisible(chromedp.ID("rule-precision")))
		b.screenshot("rules-" + w)
		b.noSideways("rules", width)
		// The shadow rule's bar (50%) is half its track.
		ratio, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](`(r => r.querySelector(".bar-fill").getBoundingClientRect().width /
			r.querySelector(".bar-track").getBoundingClientRect().width)(document.querySelector("#rule-precision tr.is-shadow"))`))
		if err != nil || ratio < 0.49 || ratio > 0.51 {
			t.Errorf("at %dpx the shadow rule's bar is %.2f of its track (%v), want 0.5", width, ratio, err)
		}
	}
}
