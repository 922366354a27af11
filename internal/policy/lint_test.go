package policy

import (
	"os"
	"strings"
	"testing"
)

func TestLintExampleIsClean(t *testing.T) {
	b, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if ps := Lint(b); ps != nil {
		t.Fatalf("example.yaml:\n%v", ps)
	}
	c, err := Compile(parseFile(t, "testdata/example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The example does what its comments say.
	cars, parts := c.Policy("cars"), c.Policy("parts")
	if !cars.Listing.ManualReview || cars.Listing.Duplicates.TitleSimilarity != 0.95 || cars.Review.MinLength != 80 {
		t.Errorf("cars policy: %+v", cars.Listing)
	}
	if parts.Listing.ManualReview || parts.Listing.CounterfeitBrands["Brembo"] != 8000 ||
		parts.Outcomes.Listing["listing.counterfeit"].Outcome != Rejected || len(parts.Listing.Blocklist) != 4 {
		t.Errorf("parts policy: %+v", parts.Listing)
	}
	if got := c.Policy("").Outcomes.Message["contact."].Outcome; got != Warn {
		t.Errorf("contact details in messages: %s, want warn", got)
	}
}

func TestLintEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n"} {
		if ps := Lint([]byte(in)); ps != nil {
			t.Errorf("Lint(%q) = %v", in, ps)
		}
	}
}

func TestLintValues(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"fraction out of range", "review:\n  text_similarity: 80\n",
			[]string{"2:20: review.text_similarity: must be a fraction between 0 and 1 (0.9 means 90%), got 80"}},
		{"negative count", "listing:\n  min_images: -1\n",
			[]string{"2:15: listing.min_images: must be at least 0, got -1"}},
		{"zero duration", "message:\n  new_conversations: {window: 0s}\n",
			[]string{"2:31: message.new_conversations.window: must be a positive duration such as 24h or 7d, got 0s"}},
		{"unknown outcome", "outcomes:\n  listing:\n    \"contact.\": {outcome: approve}\n",
			[]string{`3:27: outcomes.listing["contact."].outcome: "approve" is not a valid listing outcome; did you mean "approved"? (one of approved, changes_requested, pending_review, rejected)`}},
		{"an outcome of another check", "outcomes:\n  message:\n    \"scam.\": {outcome: rejected}\n",
			[]string{`3:24: outcomes.message["scam."].outcome: "rejected" is not a valid message outcome; use one of allow, warn, mask, hold, block`}},
		{"a new mapping needs every field", "outcomes:\n  review:\n    review.spam: {outcome: hold}\n",
			[]string{
				`3:18: outcomes.review["review.spam"].clause: is empty; cite the policy clause the decision rests on, e.g. "§3.2 Prohibited items"`,
				`3:18: outcomes.review["review.spam"].severity: "" is not a valid severity; use one of low, medium, high, critical`,
			}},
		{"bad outcome key", "outcomes:\n  listing:\n    \"Contact\": {outcome: rejected, severity: low, clause: x}\n",
			[]string{`3:16: outcomes.listing.Contact: "Contact" is not a finding code, a prefix ending in "." (contact.) or "*"`}},
		{"unknown required field", "listing:\n  required_fields: [title, pictures]\n",
			[]string{`2:28: listing.required_fields[1]: "pictures" is not a valid listing field; use one of id, account_id, title, description, price, currency, category, attributes, images, location`}},
		{"domain with a scheme", "links:\n  blocked_domains: [\"https://evil.example\"]\n",
			[]string{`2:21: links.blocked_domains[0]: "https://evil.example" is not a domain; write it without scheme or path, in lower case, e.g. example.com`}},
		{"rule fields", "rules:\n  - name: Big Rule\n    check: listings\n    expr: 'true'\n",
			[]string{
				`2:11: rules[0].name: must be a short name of lower-case letters, digits, _ and - (it labels hits and statistics), got "Big Rule"`,
				`3:12: rules[0].check: "listings" is not a valid check; did you mean "listing"? (one of listing, message, review)`,
			}},
		{"duplicate rule names", "rules:\n" +
			"  - {name: r, check: review, expr: 'true', outcome: hold, severity: low, clause: x}\n" +
			"  - {name: r, check: review, expr: 'false', outcome: hold, severity: low, clause: x}\n",
			[]string{`3:12: rules[1].name: "r" is also the name of rules[0]; names must be unique`}},
		{"an empty rule is reported once", "rules:\n  - {name: e, check: review, expr: \"\", outcome: hold, severity: low, clause: x}\n",
			[]string{`2:36: rules[0].expr: is empty; write a CEL expression that is true when the rule should fire`}},
		{"report group must exist", "reports:\n  reasons:\n    fake_review: trust\n",
			[]string{`3:18: reports.reasons.fake_review: "trust" is not a valid group in reports.groups; use one of content, cost, fraud, freshness, quality, safety`}},
		{"appeal SLA per tier", "appeals:\n  sla:\n    banned: 24h\n",
			[]string{`3:13: appeals.sla.banned: "banned" is not a valid tier; use one of warning, flagged, restricted, suspended, blocked`}},
		{"DSA decision value", "enforcement:\n  dsa:\n    decisions:\n      restricted: {provision: DECISION_PROVISION_PARTIAL}\n",
			[]string{`4:31: enforcement.dsa.decisions.restricted.provision: "DECISION_PROVISION_PARTIAL" is not a valid provision decision; did you mean "DECISION_PROVISION_PARTIAL_SUSPENSION"? (one of DECISION_PROVISION_PARTIAL_SUSPENSION, DECISION_PROVISION_TOTAL_SUSPENSION, DECISION_PROVISION_PARTIAL_TERMINATION, DECISION_PROVISION_TOTAL_TERMINATION)`}},
		{"DSA territory outside the EEA", "enforcement:\n  dsa:\n    territorial_scope: [DE, US]\n",
			[]string{`3:29: enforcement.dsa.territorial_scope[1]: "US" is not a valid EEA country code; did you mean "ES"? (one of AT, BE, BG, CY, CZ, DE, DK, EE, ES, FI, FR, GR, HR, HU, IE, IS, IT, LI, LT, LU, LV, MT, NL, NO, PL, PT, RO, SE, SI, SK)`}},
		{"DSA restriction that does not exist", "enforcement:\n  dsa:\n    decisions:\n      listing.hidden: {visibility: [DECISION_VISIBILITY_OTHER]}\n",
			[]string{
				`4:23: enforcement.dsa.decisions["listing.hidden"]: "listing.hidden" is not a valid restriction; did you mean "listing.paused"? (one of restricted, suspended, blocked, early_payout_loss, raised_commission, live_selling_loss, temporary_suspension, permanent_ban, listing.rejected, listing.paused, listing.changes_requested, message.block, message.mask, message.removed, review.reject, review.removed)`,
				`4:23: enforcement.dsa.decisions["listing.hidden"].visibility_other: is empty; explain the restriction DECISION_VISIBILITY_OTHER stands for`,
			}},
		{"a verdict cites an unknown ground", "outcomes:\n  listing:\n    \"category.prohibited\": {ground: weapons}\n",
			[]string{`3:37: outcomes.listing["category.prohibited"].ground: "weapons" is not one of enforcement.grounds (counterfeit, fake_reviews, fraud, fulfilment, harassment, hate, intellectual_property, misleading_content, other, phishing, prohibited_items, spam)`}},
		{"DMCA order", "enforcement:\n  dmca: {suspend_at: 2}\n",
			[]string{"2:22: enforcement.dmca.suspend_at: must be more than restrict_at (3), got 2"}},
		{"an override against a default", "freshness:\n  penalty_after: 30d\n",
			[]string{"2:3: freshness.stale_after: must be later than penalty_after (30d), got 21d"}},
		{"a category problem names the category", "categories:\n  cars:\n    listing:\n      price: {below_market: 2}\n",
			[]string{"4:29: categories.cars.listing.price.below_market: must be a fraction between 0 and 1 (0.9 means 90%), got 2"}},
		{"a marketplace problem is reported once", "review:\n  min_length: -5\ncategories:\n  cars: {review: {edit_window: 1h}}\n  boats: {review: {edit_window: 2h}}\n",
			[]string{"2:15: review.min_length: must be at least 0, got -5"}},
		{"unknown signal in weights", "risk:\n  weights:\n    email.disposible: 20\n",
			[]string{`3:23: risk.weights["email.disposible"]: "email.disposible" is not a valid signal name; did you mean "email.disposable"? (one of ` + strings.Join(append(RiskSignals(), TrustSignals()...), ", ") + ")"}},
		{"a trust signal adding risk", "risk:\n  weights:\n    verified.phone: 5\n",
			[]string{`3:21: risk.weights["verified.phone"]: verified.phone is a trust signal: its weight must be between -100 and 0 points, got 5`}},
		{"a risk signal lowering risk", "risk:\n  weights:\n    velocity: -5\n",
			[]string{`3:15: risk.weights.velocity: velocity raises the risk: its weight must be between 0 and 100 points, got -5`}},
		{"bands out of order", "risk:\n  bands: {high: 20}\n",
			[]string{"2:17: risk.bands.high: must be above medium (25) and at most 100, got 20"}},
		{"review threshold on the scale", "risk:\n  review_threshold: 150\n",
			[]string{"2:21: risk.review_threshold: must be between 1 and 100, got 150"}},
		{"unknown identifier kind", "risk:\n  link_confidence:\n    cookie: 0.5\n",
			[]string{`3:13: risk.link_confidence.cookie: "cookie" is not a valid identifier kind; use one of email, phone, payment, device, address, ip`}},
		{"link confidence is a fraction", "risk:\n  link_confidence:\n    ip: 30\n",
			[]string{"3:9: risk.link_confidence.ip: must be a fraction between 0 and 1 (0.9 means 90%), got 30"}},
		{"peer share is a fraction", "risk:\n  peer_share: 1.5\n",
			[]string{"2:15: risk.peer_share: must be a fraction between 0 and 1 (0.9 means 90%), got 1.5"}},
		{"one shared buyer is not several", "risk:\n  shared_buyers: 1\n",
			[]string{"2:18: risk.shared_buyers: must be at least 2, got 1"}},
		{"velocity tiers youngest first", "risk:\n  velocity:\n    - {max_age: 7d, listings: 20, orders: 10, window: 24h}\n    - {max_age: 1d, listings: 5, orders: 3, window: 0s}\n",
			[]string{
				"4:17: risk.velocity[1].max_age: must be older than velocity[0].max_age (7d): tiers go from the youngest accounts to the oldest, got 24h",
				"4:53: risk.velocity[1].window: must be a positive duration such as 24h or 7d, got 0s",
			}},
		{"zero durations", "risk:\n  tenure: 0s\n  age_horizon: 0s\n  chargeback_window: 0s\n",
			[]string{
				"2:11: risk.tenure: must be a positive duration such as 24h or 7d, got 0s",
				"3:16: risk.age_horizon: must be a positive duration such as 24h or 7d, got 0s",
				"4:22: risk.chargeback_window: must be a positive duration such as 24h or 7d, got 0s",
			}},
		{"parse and value problems together", "review:\n  min_lenght: 5\n  text_similarity: 2\n",
			[]string{
				`2:3: review: unknown key "min_lenght"; did you mean "min_length"?`,
				"3:20: review.text_similarity: must be a fraction between 0 and 1 (0.9 means 90%), got 2",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Lint([]byte(tt.yaml))
			got := make([]string, len(ps))
			for i, p := range ps {
				got[i] = p.String()
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
