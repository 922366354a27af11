package published

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
)

func compile(t *testing.T, yaml string) *policy.Compiled {
	t.Helper()
	doc, err := policy.Parse([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func has(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

func measure(t *testing.T, ms []Measure, id string) Measure {
	t.Helper()
	for _, m := range ms {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no measure %s in %+v", id, ms)
	return Measure{}
}

func route(t *testing.T, a Appeals, decision string) AppealRoute {
	t.Helper()
	for _, r := range a.Routes {
		if r.Decision == decision {
			return r
		}
	}
	t.Fatalf("no appeal route %q in %+v", decision, a.Routes)
	return AppealRoute{}
}

// Every section of the page built from the defaults carries real content,
// with the SPEC's numbers.
func TestDefaultPage(t *testing.T) {
	pg := Build(Marketplace{Name: "Kleinmarkt", Slug: "kleinmarkt"}, compile(t, ""), 0)
	au := pg.AcceptableUse
	if len(au.Intro) == 0 || len(au.Grounds) < 5 || len(au.MessageRules) == 0 || len(au.ReviewRules) == 0 {
		t.Fatalf("acceptable use is thin: %+v", au)
	}
	for _, g := range au.Grounds {
		if g.Clause == "" || g.Meaning == "" || strings.Contains(g.Meaning, "STATEMENT_") {
			t.Errorf("ground %s: %+v", g.ID, g)
		}
	}
	if last := au.Grounds[len(au.Grounds)-1]; last.ID != "other" {
		t.Errorf("the catch-all ground is not last: %s", last.ID)
	}
	for _, want := range []string{"a title, a description, a price and a category", "at least 1 photo", "rentals", "price of zero",
		"Phone numbers, email addresses, links to other websites and social-media handles are not allowed in listings"} {
		if !has(au.ListingRules, want) {
			t.Errorf("listing rules lack %q: %q", want, au.ListingRules)
		}
	}
	if !has(au.MessageRules, "hidden") || !has(au.ReviewRules, "at least 50 characters") || !has(au.ReviewRules, "24 hours after delivery") {
		t.Errorf("message or review rules: %q %q", au.MessageRules, au.ReviewRules)
	}
	if len(au.Checks) != 3 || len(au.Checks[0].Outcomes) == 0 || au.Checks[0].Outcomes[0].Outcome != policy.Rejected {
		t.Fatalf("automated checks: %+v", au.Checks)
	}
	for _, c := range au.Checks {
		for _, o := range c.Outcomes {
			for _, cl := range o.Clauses {
				if strings.Contains(cl, "(R-") || strings.Contains(cl, "in this category") {
					t.Errorf("%s %s: clause %q", c.Subject, o.Outcome, cl)
				}
			}
		}
	}

	cq := pg.Consequences
	if ids := func() []string {
		var out []string
		for _, m := range cq.Tiers {
			out = append(out, m.ID)
		}
		return out
	}(); !slices.Equal(ids, policy.Tiers()[1:]) {
		t.Fatalf("tiers %v", ids)
	}
	for _, m := range slices.Concat(cq.Tiers, cq.Sanctions) {
		if m.Name == "" || len(m.Triggers) == 0 || m.Duration == "" || m.Appeal == "" {
			t.Errorf("measure %s is incomplete: %+v", m.ID, m)
		}
	}
	if w := measure(t, cq.Tiers, "warning"); len(w.Removes) != 0 || w.Notice == "" || !has(w.Triggers, "shipped without tracking") {
		t.Errorf("warning: %+v", w)
	}
	if r := measure(t, cq.Tiers, "restricted"); !slices.Equal(r.Removes, []string{"creating and publishing listings", "making and accepting offers", "live selling"}) ||
		!has(r.Triggers, "3 accepted copyright (DMCA) takedown notices within 12 months") || !strings.Contains(r.Appeal, "72 hours") {
		t.Errorf("restricted: %+v", r)
	}
	if s := measure(t, cq.Tiers, "suspended"); !has(s.Removes, "all marketplace actions") || !has(s.Removes, "frozen") || !has(s.Triggers, "5 accepted") {
		t.Errorf("suspended: %+v", s)
	}
	if b := measure(t, cq.Tiers, "blocked"); !has(b.Removes, "access to the account") || !strings.Contains(b.Appeal, "within 7 days of the block; decided within 24 hours") {
		t.Errorf("blocked: %+v", b)
	}
	if s := measure(t, cq.Sanctions, "temporary_suspension"); s.Duration != "Up to 30 days." || !strings.Contains(s.Appeal, "48 hours") {
		t.Errorf("temporary suspension: %+v", s)
	}
	if s := measure(t, cq.Sanctions, "live_selling_loss"); !has(s.Triggers, "more than 10% of orders shipped late over the last 30 days") || !has(s.Triggers, "shipping quiz") {
		t.Errorf("live selling loss: %+v", s)
	}
	if s := measure(t, cq.Sanctions, "permanent_ban"); s.Duration != "Permanent." || !has(s.Removes, "access to the account") {
		t.Errorf("permanent ban: %+v", s)
	}
	if !has(cq.BusinessUsers, "takes effect 30 days after notice") || !has(cq.BusinessUsers, "a legal obligation requires it") {
		t.Errorf("business users: %q", cq.BusinessUsers)
	}

	rp := pg.Reports
	codes := 0
	for _, g := range rp.Groups {
		codes += len(g.Reasons)
		if g.SLA == "" || len(g.Reasons) == 0 {
			t.Errorf("report group %+v", g)
		}
	}
	if codes != len(policy.Default().Reports.Reasons) || rp.Groups[0].SLA != "24 hours" || !rp.Groups[0].First || rp.TrustedFlaggerSLA != "24 hours" {
		t.Errorf("reports: %+v", rp)
	}
	if g := rp.Groups[len(rp.Groups)-1]; g.First || g.SLA != "48 hours" {
		t.Errorf("low-severity group: %+v", g)
	}
	if !has(rp.Notes, "Illegal content") || !has(rp.Notes, "manifestly unfounded") {
		t.Errorf("report notes: %q", rp.Notes)
	}

	ap := pg.Appeals
	if r := route(t, ap, "Account restricted"); r.SLA != "72 hours" {
		t.Errorf("restricted appeal: %+v", r)
	}
	if r := route(t, ap, "Account blocked"); r.SLA != "24 hours" || r.Window != "Within 7 days of the block" {
		t.Errorf("blocked appeal: %+v", r)
	}
	if r := route(t, ap, "A business user's complaint (P2B)"); r.SLA != "72 hours" || !strings.Contains(r.Window, "6 months") {
		t.Errorf("complaint: %+v", r)
	}
	if len(ap.PlanOfAction) != 3 || len(ap.Outcomes) != 4 || len(ap.Notes) == 0 {
		t.Errorf("appeals: %+v", ap)
	}

	if len(pg.Ranking.Factors) < 3 || !has(pg.Ranking.Applied, "7 days gets a ranking penalty") || !has(pg.Ranking.Applied, "After 21 days") {
		t.Errorf("ranking: %+v", pg.Ranking)
	}
	if pg.Contact != nil {
		t.Errorf("the defaults publish a contact: %+v", pg.Contact)
	}
}

// A marketplace's overrides reach the page: what it changes is what the
// page says.
func TestOverridesShowOnPage(t *testing.T) {
	c := compile(t, `
listing:
  prohibited_categories: [weapons, tobacco]
  min_images: 3
enforcement:
  grounds:
    animal_welfare:
      clause: "§7 Live animals"
      category: STATEMENT_CATEGORY_ANIMAL_WELFARE
  dmca:
    restrict_at: 2
    suspend_at: 4
appeals:
  sla:
    restricted: 96h
  complaint_window_months: 9
freshness:
  penalty_after: 10d
  stale_after: 30d
  stale_action: expire
published:
  contact: https://help.example.com/safety
  ranking_factors:
    - name: Distance
      description: Listings near the buyer come first.
rules:
  - name: vin
    check: listing
    expr: "!has(listing.attributes.vin)"
    outcome: changes_requested
    severity: low
    clause: Car listings must state the VIN
    categories: [cars]
categories:
  cars:
    listing:
      manual_review: true
`)
	pg := Build(Marketplace{Name: "Autohof", Slug: "autohof"}, c, 4)
	au := pg.AcceptableUse
	if !slices.Equal(au.ProhibitedCategories, []string{"weapons", "tobacco"}) || !has(au.ListingRules, "at least 3 photos") {
		t.Errorf("listing: %q %q", au.ProhibitedCategories, au.ListingRules)
	}
	g := au.Grounds[0]
	if g.ID != "animal_welfare" || g.Clause != "§7 Live animals" || g.Meaning != "Animal welfare" {
		t.Errorf("new ground: %+v", g)
	}
	var clauses []string
	for _, o := range au.Checks[0].Outcomes {
		clauses = append(clauses, o.Clauses...)
	}
	if !slices.Contains(clauses, "Car listings must state the VIN (in cars)") {
		t.Errorf("custom rule's clause missing: %q", clauses)
	}
	if len(au.CategoryRules) != 1 || au.CategoryRules[0].Category != "cars" || !has(au.CategoryRules[0].Rules, "checked by a person before it goes live") {
		t.Errorf("category rules: %+v", au.CategoryRules)
	}
	if r := measure(t, pg.Consequences.Tiers, "restricted"); !has(r.Triggers, "at 2 accepted") || !strings.Contains(r.Appeal, "96 hours") {
		t.Errorf("restricted: %+v", r)
	}
	if r := route(t, pg.Appeals, "Account restricted"); r.SLA != "96 hours" {
		t.Errorf("restricted appeal: %+v", r)
	}
	if r := route(t, pg.Appeals, "Raised commission"); r.Window != "Within 9 months of the decision" || r.SLA != "96 hours" {
		t.Errorf("sanction appeal: %+v", r)
	}
	if !has(pg.Ranking.Applied, "10 days gets a ranking penalty") || !has(pg.Ranking.Applied, "After 30 days without reconfirmation it expires") {
		t.Errorf("freshness: %q", pg.Ranking.Applied)
	}
	if len(pg.Ranking.Factors) != 1 || pg.Ranking.Factors[0].Name != "Distance" {
		t.Errorf("ranking factors: %+v", pg.Ranking.Factors)
	}
	if pg.Contact == nil || pg.Contact.Href != "https://help.example.com/safety" || pg.PolicyVersion != 4 {
		t.Errorf("contact or version: %+v %d", pg.Contact, pg.PolicyVersion)
	}
}

func TestWords(t *testing.T) {
	tests := []struct{ got, want string }{
		{span(policy.Hours(24)), "24 hours"},
		{span(policy.Hours(72)), "72 hours"},
		{span(policy.Days(7)), "7 days"},
		{span(policy.Hours(1)), "1 hour"},
		{span(policy.Duration(30 * time.Minute)), "30 minutes"},
		{span(policy.Hours(36)), "36 hours"},
		{percent(0.1), "10%"},
		{percent(0.075), "7.5%"},
		{money(500, "EUR"), "EUR 5.00"},
		{money(500, "JPY"), "JPY 500"},
		{cleanClause("Duplicate listings (R-L4)"), "Duplicate listings"},
		{cleanClause("§3 Cars (used)"), "§3 Cars (used)"},
		{categoryMeaning("STATEMENT_CATEGORY_OTHER_VIOLATION_TC"), "Other violation of the terms and conditions"},
		{join([]string{"a", "b", "c"}, "or"), "a, b or c"},
		{sentence("no_longer_available"), "No longer available"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	for in, want := range map[string]string{"trust@example.com": "mailto:trust@example.com", "https://x.example/help": "https://x.example/help",
		"Use the help centre": "", "javascript:alert(1)": "", "@handle": ""} {
		if c := contact(in); c == nil || c.Href != want || c.Text != in {
			t.Errorf("contact(%q) = %+v, want href %q", in, c, want)
		}
	}
	if contact("  ") != nil {
		t.Error("a blank contact is published")
	}
}
