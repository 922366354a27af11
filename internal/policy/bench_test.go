package policy

import (
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/detect"
)

// fiveListingRules are typical listing rules: arithmetic on statistics, a
// finding lookup, a text scan, an optional attribute and a regex.
const fiveListingRules = `
rules:
  - {name: cheap, check: listing, outcome: pending_review, severity: high, clause: x,
     expr: 'listing.price < context.category_median_price / 3'}
  - {name: contact_new, check: listing, outcome: rejected, severity: high, clause: x,
     expr: 'has_finding("contact.") && account.age_days < 7'}
  - {name: keyword, check: listing, outcome: pending_review, severity: low, clause: x,
     expr: 'listing.description.lowerAscii().contains("western union")'}
  - {name: mileage, check: listing, outcome: pending_review, severity: low, clause: x,
     expr: 'listing.?attributes.?mileage_km.orValue(0) > 400000'}
  - {name: title_shouting, check: listing, outcome: changes_requested, severity: low, clause: x, shadow: true,
     expr: 'listing.title.matches("^[A-Z0-9 !]{20,}$")'}
`

func BenchmarkEvaluate(b *testing.B) {
	c := compileYAML(b, fiveListingRules)
	findings := []detect.Finding{{Code: "contact.phone", Field: "description", Value: "+41791234567"}}
	vars := map[string]any{
		"listing": map[string]any{
			"title":       "VW Golf 1.4 TSI Highline, first owner",
			"description": strings.Repeat("Well kept, full service history, new tyres. ", 20),
			"price":       1450000, "currency": "EUR", "category": "cars",
			"attributes": map[string]any{"mileage_km": 82000, "fuel": "petrol"},
			"images":     []any{"a.jpg", "b.jpg"},
		},
		"account":  map[string]any{"age_days": 420, "kind": "private", "verified": []any{"email", "phone"}},
		"context":  map[string]any{"category_median_price": 1600000, "category_mad": 300000, "category_samples": 900},
		"findings": FindingVars(findings),
	}
	if hits := c.Evaluate(CheckListing, "cars", vars); len(hits) != 0 {
		b.Fatalf("hits %+v; the benchmark listing should be clean", hits)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Evaluate(CheckListing, "cars", vars)
	}
}

func BenchmarkResolve(b *testing.B) {
	doc := parseFile(b, "testdata/example.yaml")
	b.ReportAllocs()
	for b.Loop() {
		Resolve(doc, "cars")
	}
}

func BenchmarkOutcome(b *testing.B) {
	c, err := Compile(parseFile(b, "testdata/example.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	findings := []detect.Finding{{Code: "contact.phone", Field: "description"}, {Code: "price.below_market", Field: "price"}, {Code: "duplicate.title", Field: "title"}}
	hits := []RuleHit{{Rule: "cheap_car_new_seller", Verdict: Verdict{Outcome: PendingReview, Severity: SeverityHigh, Clause: "x"}, Fired: true}}
	b.ReportAllocs()
	for b.Loop() {
		c.Outcome(CheckListing, "cars", findings, hits)
	}
}

func BenchmarkCompile(b *testing.B) {
	doc := parseFile(b, "testdata/example.yaml")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(doc); err != nil {
			b.Fatal(err)
		}
	}
}
