package policy

import (
	"strings"
	"testing"
)

// The built-in published section is complete enough to publish as it is,
// and its ranking factors name the freshness penalty Vigil applies.
func TestDefaultPublished(t *testing.T) {
	p := Default().Published
	if strings.TrimSpace(p.AcceptableUse) == "" || len(p.RankingFactors) < 3 {
		t.Fatalf("default published section is thin: %+v", p)
	}
	var ps Problems
	validatePublished(&ps, &p)
	if len(ps) > 0 {
		t.Fatalf("default published section does not validate: %v", ps)
	}
	found := false
	for _, f := range p.RankingFactors {
		if f.Name == "Freshness" && strings.Contains(f.Description, "penalty") {
			found = true
		}
	}
	if !found {
		t.Errorf("no ranking factor mentions the freshness penalty: %+v", p.RankingFactors)
	}
}

func TestPublishedOverride(t *testing.T) {
	doc := mustParse(t, []byte(`published:
  contact: trust@example.com
  ranking_factors:
    - name: Distance
      description: Closer listings first.
categories:
  cars:
    published:
      contact: cars@example.com
`))
	p := Resolve(doc, "")
	if p.Published.Contact != "trust@example.com" || len(p.Published.RankingFactors) != 1 || p.Published.RankingFactors[0].Name != "Distance" {
		t.Fatalf("override not applied: %+v", p.Published)
	}
	if p.Published.AcceptableUse != Default().Published.AcceptableUse {
		t.Error("a key the document does not set lost its default")
	}
	if got := Resolve(doc, "cars").Published.Contact; got != "cars@example.com" {
		t.Errorf("category contact = %q", got)
	}
}

func TestPublishedValidation(t *testing.T) {
	tests := []struct {
		name, yaml, path string
	}{
		{"empty factor name", "published:\n  ranking_factors:\n    - name: \"\"\n      description: x\n", "published.ranking_factors[0].name"},
		{"duplicate factor", "published:\n  ranking_factors:\n    - {name: Price, description: a}\n    - {name: price, description: b}\n", "published.ranking_factors[1].name"},
		{"undescribed factor", "published:\n  ranking_factors:\n    - name: Price\n", "published.ranking_factors[0].description"},
		{"contact on two lines", "published:\n  contact: \"a\\nb\"\n", "published.contact"},
		{"acceptable use too long", "published:\n  acceptable_use: " + strings.Repeat("x", maxAcceptableUse+1) + "\n", "published.acceptable_use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := Lint([]byte(tt.yaml))
			for _, p := range ps {
				if p.Path == tt.path {
					if p.Line == 0 {
						t.Errorf("problem has no line: %v", p)
					}
					return
				}
			}
			t.Fatalf("no problem at %s: %v", tt.path, ps)
		})
	}
}
