package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const layered = `
review:
  min_length: 80
listing:
  blocklist: [replica]
  price:
    min_samples: 40
links:
  shorteners+: [tiny.example]
outcomes:
  listing:
    "price.":
      outcome: rejected
    "duplicate.": ~
categories:
  cars:
    review:
      min_length: 120
    listing:
      blocklist+: [tacho]
      required_attributes:
        rentals+: [deposit]
        cars: [mileage]
  boats:
    listing:
      blocklist: []
`

func TestResolveLayers(t *testing.T) {
	doc, def := mustParse(t, []byte(layered)), Default()
	tests := []struct {
		name     string
		category string
		get      func(*Policy) any
		want     any
	}{
		{"marketplace overrides the default", "", func(p *Policy) any { return p.Review.MinLength }, 80},
		{"category overrides the marketplace", "cars", func(p *Policy) any { return p.Review.MinLength }, 120},
		{"unknown category gets the marketplace", "bikes", func(p *Policy) any { return p.Review.MinLength }, 80},
		{"absent field keeps the default", "cars", func(p *Policy) any { return p.Review.EditWindow }, def.Review.EditWindow},
		{"field by field inside a struct", "", func(p *Policy) any { return p.Listing.Price }, Price{Min: 1, HighMADs: 5, LowMADs: 3.5, BelowMarket: 0.5, MADFloor: 0.05, MinSamples: 40, Window: 1000}},
		{"a list replaces", "", func(p *Policy) any { return p.Listing.Blocklist }, []string{"replica"}},
		{"key+ appends", "cars", func(p *Policy) any { return p.Listing.Blocklist }, []string{"replica", "tacho"}},
		{"an empty list clears", "boats", func(p *Policy) any { return p.Listing.Blocklist }, []string(nil)},
		{"key+ appends to a default list", "", func(p *Policy) any { return p.Links.Shorteners[len(p.Links.Shorteners)-1] }, "tiny.example"},
		{"key+ appends inside a map", "cars", func(p *Policy) any { return p.Listing.RequiredAttributes["rentals"] }, []string{"rent_monthly", "additional_costs", "available_from", "deposit"}},
		{"a map gains a key", "cars", func(p *Policy) any { return p.Listing.RequiredAttributes["cars"] }, []string{"mileage"}},
		{"a map entry merges field by field", "", func(p *Policy) any { return p.Outcomes.Listing["price."] }, Verdict{Outcome: Rejected, Severity: SeverityMedium, Clause: def.Outcomes.Listing["price."].Clause}},
		{"null removes a map entry", "", func(p *Policy) any { _, ok := p.Outcomes.Listing["duplicate."]; return ok }, false},
		{"other map entries stay", "", func(p *Policy) any { return p.Outcomes.Listing["contact."] }, def.Outcomes.Listing["contact."]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.get(Resolve(doc, tt.category)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	if !reflect.DeepEqual(Resolve(nil, "cars"), def) {
		t.Error("Resolve(nil) is not the defaults")
	}
	if got := doc.Categories(); !reflect.DeepEqual(got, []string{"boats", "cars"}) {
		t.Errorf("Categories() = %v", got)
	}
}

// A marketplace overriding one weight, or one link confidence, keeps every
// other default; a category can override again on top.
func TestResolveRiskWeights(t *testing.T) {
	doc := mustParse(t, []byte(`
risk:
  weights:
    email.disposable: 30
    velocity: ~
  link_confidence:
    ip: 0.1
  velocity:
    - {max_age: 3d, listings: 10, orders: 5, window: 24h}
categories:
  cars:
    risk:
      weights:
        price.below_market: 40
`))
	def := Default().Risk
	tests := []struct {
		name     string
		category string
		get      func(*Risk) any
		want     any
	}{
		{"the overridden weight", "", func(r *Risk) any { return r.Weights["email.disposable"] }, 30.0},
		{"another weight keeps its default", "", func(r *Risk) any { return r.Weights["account.duplicate"] }, def.Weights["account.duplicate"]},
		{"null removes a weight", "", func(r *Risk) any { _, ok := r.Weights["velocity"]; return ok }, false},
		{"all other weights stay", "", func(r *Risk) any { return len(r.Weights) }, len(def.Weights) - 1},
		{"a category overrides on top", "cars", func(r *Risk) any { return r.Weights["price.below_market"] }, 40.0},
		{"and inherits the marketplace's weight", "cars", func(r *Risk) any { return r.Weights["email.disposable"] }, 30.0},
		{"other categories keep the marketplace's", "boats", func(r *Risk) any { return r.Weights["price.below_market"] }, def.Weights["price.below_market"]},
		{"one link confidence", "", func(r *Risk) any { return r.LinkConfidence["ip"] }, 0.1},
		{"the other link confidences stay", "", func(r *Risk) any { return r.LinkConfidence["email"] }, def.LinkConfidence["email"]},
		{"velocity tiers replace as a list", "", func(r *Risk) any { return r.Velocity }, []VelocityTier{{MaxAge: Days(3), Listings: 10, Orders: 5, Window: Hours(24)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Resolve(doc, tt.category).Risk
			if got := tt.get(&r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
	if _, err := Compile(doc); err != nil {
		t.Errorf("the document does not compile: %v", err)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"unknown key with a suggestion", "listing:\n  pirce: 1\n",
			[]string{`2:3: listing: unknown key "pirce"; did you mean "price"?`}},
		{"unknown key lists the keys", "review:\n  stars: 1\n",
			[]string{`2:3: review: unknown key "stars"; the keys are verified_purchase_only, one_per_order, min_delay_after_delivery, min_length, edit_window, burst, new_reviewer_age, text_similarity, rating_mismatch`}},
		{"unknown top-level section", "listings: {}\n",
			[]string{`1:1: unknown key "listings" at the top level; did you mean "listing"?`}},
		{"unknown key in a category", "categories:\n  cars:\n    review:\n      min_lenght: 9\n",
			[]string{`4:7: categories.cars.review: unknown key "min_lenght"; did you mean "min_length"?`}},
		{"unknown key in a rule", "rules:\n  - name: x\n    exprr: 'true'\n",
			[]string{`3:5: rules[0]: unknown key "exprr"; did you mean "expr"?`}},
		{"not a number", "review:\n  min_length: fifty\n",
			[]string{`2:15: review.min_length: want a whole number, got "fifty"`}},
		{"a quoted number", "review:\n  min_length: \"50\"\n",
			[]string{`2:15: review.min_length: want a whole number, got "50" (remove the quotes)`}},
		{"not a bool", "listing:\n  manual_review: maybe\n",
			[]string{`2:18: listing.manual_review: want true or false, got "maybe"`}},
		{"not a duration", "review:\n  edit_window: 2 days\n",
			[]string{`2:16: review.edit_window: "2 days" is not a duration such as 24h, 7d or 1d12h`}},
		{"a scalar for a list", "listing:\n  blocklist: replica\n",
			[]string{`2:14: listing.blocklist: want a list ([a, b] or lines starting with "- "), got "replica"`}},
		{"a list for a section", "review: [1]\n",
			[]string{`1:9: review: want a mapping (key: value), got a list`}},
		{"+ on a non-list", "review:\n  min_length+: 5\n",
			[]string{`2:3: review: "min_length+" appends to a list, but review.min_length is a whole number`}},
		{"a key set twice", "review:\n  min_length: 5\n  min_length: 6\n",
			[]string{`3:3: review: "min_length" is set twice (first on line 2)`}},
		{"no value", "review:\n  min_length:\n",
			[]string{`2:14: review.min_length: has no value; give one, or remove the key to keep the inherited value`}},
		{"not a mapping", "- listing\n",
			[]string{`1:1: a policy document is a mapping of sections (listing:, message:, review:, outcomes:, rules:, categories: …), got a list`}},
		{"YAML syntax", "review:\n  min_length: [\n",
			[]string{`2: YAML syntax: did not find expected node content`}},
		{"every problem at once", "review:\n  min_length: x\n  edit_window: y\n",
			[]string{`2:15: review.min_length: want a whole number, got "x"`, `3:16: review.edit_window: "y" is not a duration such as 24h, 7d or 1d12h`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse error = %v, want Problems", err)
			}
			if got := strings.Split(ps.Error(), "\n"); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing yet\n", "~\n"} {
		doc, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if !reflect.DeepEqual(Resolve(doc, "x"), Default()) {
			t.Errorf("%q does not resolve to the defaults", in)
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		text string
	}{
		{"24h", 24 * time.Hour, "24h"},
		{"72h", 72 * time.Hour, "72h"},
		{"3d", 72 * time.Hour, "72h"},
		{"7d", 7 * 24 * time.Hour, "7d"},
		{"168h", 7 * 24 * time.Hour, "7d"},
		{"1d12h", 36 * time.Hour, "36h"},
		{"90m", 90 * time.Minute, "1h30m"},
		{"30s", 30 * time.Second, "30s"},
		{"0", 0, "0s"},
	}
	for _, tt := range tests {
		var d Duration
		if err := d.UnmarshalText([]byte(tt.in)); err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if d.Std() != tt.want || d.String() != tt.text {
			t.Errorf("%s = %v (%s), want %v (%s)", tt.in, d.Std(), d, tt.want, tt.text)
		}
	}
	for _, bad := range []string{"", "d", "7 days", "1w", "xd", "7d7"} {
		var d Duration
		if err := d.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%q parsed as %s", bad, d)
		}
	}
}
