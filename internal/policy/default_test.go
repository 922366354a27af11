package policy

import (
	"os"
	"reflect"
	"testing"
	"time"
)

func TestDefaultCarriesSpecNumbers(t *testing.T) {
	p := Default()
	const day = 24 * time.Hour
	tests := []struct {
		spec      string
		got, want any
	}{
		{"R-L1 at least one image", p.Listing.MinImages, 1},
		{"R-L3 price 0 fails", p.Listing.Price.Min, int64(1)},
		{"R-L4 title similarity", p.Listing.Duplicates.TitleSimilarity, 0.90},
		{"R-M2 new conversations per hour", p.Message.NewConversations, Rate{Max: 20, Window: Hours(1)}},
		{"R-V1 review delay after delivery", p.Review.MinDelayAfterDelivery.Std(), 24 * time.Hour},
		{"R-V1 review length", p.Review.MinLength, 50},
		{"R-V1 review edit window", p.Review.EditWindow.Std(), 48 * time.Hour},
		{"R-V2 review burst", p.Review.Burst, Rate{Max: 5, Window: Hours(24)}},
		{"R-V2 new reviewer age", p.Review.NewReviewerAge.Std(), 7 * day},
		{"R-V2 review similarity", p.Review.TextSimilarity, 0.80},
		{"R-V2 five stars", p.Review.RatingMismatch.MinRating, 5},
		{"R-F1 accounts per IP", p.Risk.AccountsPerIP, Rate{Max: 3, Window: Hours(1)}},
		{"R-F2 payment failures", p.Risk.PaymentFailures, 3},
		{"R-F2 refund rate", p.Risk.RefundRate, 0.30},
		{"R-F2 dispute rate", p.Risk.DisputeRate, 0.05},
		{"R-F2 high value, EUR 500", [2]any{p.Risk.HighValue, p.Currency}, [2]any{int64(50000), "EUR"}},
		{"R-F3 fulfilment window", p.Risk.FulfilmentWindow.Std(), 30 * day},
		{"R-F3 burst of 5-star reviews, R-V2's >5 in 24h", p.Risk.ReviewBurst, Rate{Max: 5, Window: Hours(24)}},
		{"R-R6 resolve within 48h", p.Reports.SLA.Std(), 48 * time.Hour},
		{"R-R1 reason codes", len(p.Reports.Reasons), 15},
		{"R-E2 DMCA 3 and 5 in 12 months", p.Enforcement.DMCA, DMCA{RestrictAt: 3, SuspendAt: 5, WindowMonths: 12}},
		{"R-E3 sanctions up to 30 days", p.Enforcement.SanctionLimits, SanctionLimits{Days(30), Days(30), Days(30)}},
		{"R-E7 yearly re-check", p.Enforcement.BusinessRecheckMonths, 12},
		{"R-C3 30 days notice", p.Enforcement.BusinessTerminationNotice.Std(), 30 * day},
		{"R-A2 restricted SLA", p.Appeals.SLA["restricted"].Std(), 72 * time.Hour},
		{"R-A2 suspended SLA", p.Appeals.SLA["suspended"].Std(), 48 * time.Hour},
		{"R-A2 blocked SLA", p.Appeals.SLA["blocked"].Std(), 24 * time.Hour},
		{"R-A2 blocked appeal window", p.Appeals.BlockedWindow.Std(), 7 * day},
		{"R-A5 complaints for 6 months", p.Appeals.ComplaintWindowMonths, 6},
		{"R-L8 ranking penalty from day 7", p.Freshness.PenaltyAfter.Std(), 7 * day},
		{"R-L8 hidden from day 21", p.Freshness.StaleAfter.Std(), 21 * day},
		{"R-M1 contact details masked", p.Outcomes.Message["contact."].Outcome, Mask},
		{"R-L5 phishing takedown", p.Links.TakedownWebhook, true},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// The risk section's choices (R-F6 gives no numbers) are what the risk
// package and the documentation assume.
func TestDefaultRisk(t *testing.T) {
	r := Default().Risk
	const day = 24 * time.Hour
	tests := []struct {
		name      string
		got, want any
	}{
		{"bands", r.Bands, Bands{Medium: 25, High: 50, Critical: 75}},
		{"review threshold", r.ReviewThreshold, 70},
		{"email link", r.LinkConfidence["email"], 0.95},
		{"payment link", r.LinkConfidence["payment"], 0.9},
		{"device link", r.LinkConfidence["device"], 0.85},
		{"phone link", r.LinkConfidence["phone"], 0.8},
		{"address link", r.LinkConfidence["address"], 0.6},
		{"ip link", r.LinkConfidence["ip"], 0.3},
		{"a shared IP alone is no duplicate", r.LinkConfidence["ip"] < r.DuplicateMinConfidence, true},
		{"a shared address is", r.LinkConfidence["address"] >= r.DuplicateMinConfidence, true},
		{"peer share", r.PeerShare, 0.5},
		{"peer cap", r.PeerMaxPoints, 30.0},
		{"min orders", r.MinOrders, 5},
		{"chargebacks", [2]any{r.Chargebacks, r.ChargebackWindow.Std()}, [2]any{1, 90 * day}},
		{"shared buyers", r.SharedBuyers, 2},
		{"velocity tiers", len(r.Velocity), 3},
		{"first velocity tier", r.Velocity[0], VelocityTier{MaxAge: Days(1), Listings: 5, Orders: 3, Window: Hours(24)}},
		{"tenure", r.Tenure.Std(), 365 * day},
		{"age horizon", r.AgeHorizon.Std(), 30 * day},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// Every signal has a default weight of the right sign, and no weight names
// a signal that does not exist.
func TestDefaultWeights(t *testing.T) {
	w := Default().Risk.Weights
	names := append(RiskSignals(), TrustSignals()...)
	if len(w) != len(names) {
		t.Errorf("%d weights for %d signals", len(w), len(names))
	}
	for _, name := range RiskSignals() {
		if !(w[name] > 0) {
			t.Errorf("risk signal %s has weight %v, want > 0", name, w[name])
		}
	}
	for _, name := range TrustSignals() {
		if !(w[name] < 0) {
			t.Errorf("trust signal %s has weight %v, want < 0", name, w[name])
		}
	}
	seen := map[string]bool{}
	for _, name := range names {
		if seen[name] {
			t.Errorf("signal %s listed twice", name)
		}
		seen[name] = true
	}
}

func TestDefaultIsValid(t *testing.T) {
	if ps := validate(Default()); len(ps) > 0 {
		t.Fatalf("defaults invalid:\n%v", ps)
	}
	if _, err := Compile(nil); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a := Default()
	a.Listing.RequiredAttributes["rentals"][0] = "changed"
	a.Outcomes.Listing["contact."] = Verdict{}
	a.Risk.Weights["velocity"] = 99
	a.Risk.Velocity[0].Listings = 99
	if b := Default(); b.Listing.RequiredAttributes["rentals"][0] != "rent_monthly" || b.Outcomes.Listing["contact."].Outcome == "" ||
		b.Risk.Weights["velocity"] == 99 || b.Risk.Velocity[0].Listings == 99 {
		t.Fatal("Default shares state between calls")
	}
}

// An effective policy, rendered and parsed again, is the same policy: what
// GET /v1/policy shows can be edited and PUT back.
func TestMarshalRoundTrip(t *testing.T) {
	doc := parseFile(t, "testdata/example.yaml")
	for _, category := range []string{"", "cars", "parts", "boats"} {
		t.Run(category, func(t *testing.T) {
			want := Resolve(doc, category)
			b, err := Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			if ps := Lint(b); ps != nil {
				t.Fatalf("marshalled policy does not lint:\n%v", ps)
			}
			again, err := Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			if got := Resolve(again, category); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip changed the policy:\n%s", b)
			}
		})
	}
}

func parseFile(t testing.TB, name string) *Document {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return mustParse(t, b)
}

func mustParse(t testing.TB, yaml []byte) *Document {
	t.Helper()
	doc, err := Parse(yaml)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
