package policy

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/vigil-ts/vigil/internal/detect"
)

const rulesDoc = `
rules:
  - name: cheap
    check: listing
    expr: listing.price < context.category_median_price / 2
    outcome: pending_review
    severity: high
    clause: "§3 Prices"
  - name: contact_new_account
    check: listing
    expr: has_finding("contact.") && account.age_days < 7
    outcome: rejected
    severity: high
    clause: "§5 Contact"
  - name: long_text_trial
    check: listing
    shadow: true
    expr: size(listing.description) > 20
    outcome: rejected
    severity: low
    clause: "§9 Trial"
  - name: cars_only
    check: listing
    categories: [cars]
    expr: listing.?attributes.?mileage_km.orValue(0) > 300000
    outcome: pending_review
    severity: medium
    clause: "§4 Mileage"
  - name: message_rule
    check: message
    expr: message.text.contains("deposit")
    outcome: hold
    severity: medium
    clause: "§6 Deposits"
`

func compileYAML(t testing.TB, yaml string) *Compiled {
	t.Helper()
	c, err := Compile(mustParse(t, []byte(yaml)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEvaluate(t *testing.T) {
	c := compileYAML(t, rulesDoc)
	listing := func(fields map[string]any) map[string]any {
		l := map[string]any{"title": "VW Golf", "description": "short", "price": 5000}
		for k, v := range fields {
			l[k] = v
		}
		return l
	}
	stats := map[string]any{"category_median_price": 20000}
	tests := []struct {
		name     string
		category string
		vars     map[string]any
		// want maps rule names to "fired", "shadow", an error substring
		// ("error: …") or "none"; rules not named are not checked.
		want map[string]string
	}{
		{"a rule fires", "", map[string]any{"listing": listing(nil), "context": stats},
			map[string]string{"cheap": "fired"}},
		{"a false rule is not a hit", "", map[string]any{"listing": listing(map[string]any{"price": 15000}), "context": stats},
			map[string]string{"cheap": "none"}},
		{"a missing variable does not fire", "", map[string]any{"listing": listing(nil)},
			map[string]string{"cheap": "error: no such attribute(s): context"}},
		{"a missing field does not fire", "", map[string]any{"listing": map[string]any{"title": "x"}, "context": stats},
			map[string]string{"cheap": "error: no such key: price"}},
		{"has_finding matches a prefix", "", map[string]any{"findings": FindingVars([]detect.Finding{{Code: "contact.phone"}}), "account": map[string]any{"age_days": 3}},
			map[string]string{"contact_new_account": "fired"}},
		{"has_finding needs the prefix", "", map[string]any{"findings": FindingVars([]detect.Finding{{Code: "price.too_low"}}), "account": map[string]any{"age_days": 3}},
			map[string]string{"contact_new_account": "none"}},
		{"a shadow rule is returned marked", "", map[string]any{"listing": listing(map[string]any{"description": strings.Repeat("long ", 10)})},
			map[string]string{"long_text_trial": "shadow"}},
		{"a category rule runs in its category", "cars", map[string]any{"listing": listing(map[string]any{"attributes": map[string]any{"mileage_km": 350000}})},
			map[string]string{"cars_only": "fired"}},
		{"optional access tolerates a missing attribute", "cars", map[string]any{"listing": listing(nil)},
			map[string]string{"cars_only": "none"}},
		{"a category rule skips other categories", "boats", map[string]any{"listing": listing(map[string]any{"attributes": map[string]any{"mileage_km": 350000}})},
			map[string]string{"cars_only": "none"}},
		{"rules of another check do not run", "", map[string]any{"message": map[string]any{"text": "deposit"}},
			map[string]string{"message_rule": "none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]RuleHit{}
			for _, h := range c.Evaluate(CheckListing, tt.category, tt.vars) {
				got[h.Rule] = h
			}
			for rule, want := range tt.want {
				h, ok := got[rule]
				var state string
				switch {
				case !ok:
					state = "none"
				case h.Err != "":
					state = "error: " + h.Err
				case h.Fired && h.Shadow:
					state = "shadow"
				case h.Fired:
					state = "fired"
				}
				if !strings.HasPrefix(state, want) {
					t.Errorf("%s: got %q (%+v), want %q", rule, state, h, want)
				}
				if ok && h.Err != "" && h.Fired {
					t.Errorf("%s: a rule that failed to evaluate fired", rule)
				}
			}
		})
	}
	hits := c.Evaluate(CheckMessage, "", map[string]any{"message": map[string]any{"text": "send a deposit"}})
	want := []RuleHit{{Rule: "message_rule", Verdict: Verdict{Outcome: Hold, Severity: SeverityMedium, Clause: "§6 Deposits"}, Fired: true}}
	if !reflect.DeepEqual(hits, want) {
		t.Errorf("message hits = %+v, want %+v", hits, want)
	}
}

// The static estimate assumes at most 50 images; a listing with more must
// still stop at the limit rather than run on.
func TestRuntimeCostLimit(t *testing.T) {
	c := compileYAML(t, `
rules:
  - {name: stock, check: listing, expr: 'listing.images.exists(i, i.contains("stock-photo"))', outcome: rejected, severity: low, clause: x}
`)
	images := make([]any, 2000)
	for i := range images {
		images[i] = strings.Repeat("a", 1000)
	}
	hits := c.Evaluate(CheckListing, "", map[string]any{"listing": map[string]any{"images": images}})
	if len(hits) != 1 || hits[0].Fired || !strings.Contains(hits[0].Err, "cost limit") {
		t.Fatalf("hits = %+v, want a cost limit error", hits)
	}
}

func TestCompileRejectsRules(t *testing.T) {
	tests := []struct {
		name, expr string
		check      Check
		want       string // the problem, after "rules[0].expr: rule \"r\": "
	}{
		{"type error", `listing.price + "x" > 1`, CheckListing, `found no matching overload for '_>_' applied to '(string, int)'`},
		{"not a bool", `listing.price + 1`, CheckListing, "a rule must be true or false (a bool), but this expression is int"},
		{"a bare field", `listing.title`, CheckListing, "a rule must be true or false (a bool), but this expression is dyn; compare the value, e.g. listing.attributes.garage == true"},
		{"too expensive", `findings.all(a, findings.all(b, findings.all(c, a.code != c.code)))`, CheckListing, "too expensive: it may cost up to"},
		{"unknown field", `listing.titel == "x"`, CheckListing, `listing has no field "titel"; did you mean "title"?`},
		{"shortened field", `context.category_median > 5`, CheckListing, `context has no field "category_median"; did you mean "category_median_price"?`},
		{"unknown field by index", `account["age"] > 3`, CheckListing, `account has no field "age"; its fields are id, kind, age_days,`},
		{"variable of another check", `message.text == ""`, CheckListing, "undeclared reference to 'message'"},
		{"bad regular expression", `listing.title.matches("(")`, CheckListing, "invalid matches argument"},
		{"syntax", `listing.price >`, CheckListing, "Syntax error"},
		{"int times double", `listing.price < 0.5 * context.category_median_price`, CheckListing, "fails on values of the documented types (no such overload); CEL does not mix int and double"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := fmt.Sprintf("rules:\n  - name: r\n    check: %s\n    expr: '%s'\n    outcome: hold\n    severity: low\n    clause: x\n", tt.check, tt.expr)
			if tt.check == CheckListing {
				doc = strings.Replace(doc, "outcome: hold", "outcome: rejected", 1)
			}
			ps := Lint([]byte(doc))
			if len(ps) != 1 || ps[0].Path != "rules[0].expr" || !strings.Contains(ps[0].Message, `rule "r": `+tt.want) {
				t.Fatalf("Lint = %v, want one problem at rules[0].expr containing %q", ps, tt.want)
			}
			if ps[0].Line != 4 || ps[0].Column < 12 {
				t.Errorf("problem at %d:%d, want line 4 within the expression", ps[0].Line, ps[0].Column)
			}
			if _, err := Compile(mustParse(t, []byte(doc))); err == nil {
				t.Error("Compile accepted the rule")
			}
		})
	}
}

// Problems inside a block scalar point at the line and column in the YAML.
func TestRuleProblemPosition(t *testing.T) {
	doc := `rules:
  - name: r
    check: listing
    outcome: rejected
    severity: low
    clause: x
    expr: |
      listing.price > 10
        && acount.age_days < 7
`
	want := "9:12: rules[0].expr: rule \"r\": undeclared reference to 'acount' (did you mean 'account'?)"
	if ps := Lint([]byte(doc)); len(ps) != 1 || ps[0].String() != want {
		t.Fatalf("Lint = %v, want %s", ps, want)
	}
}

func TestEvaluateConcurrent(t *testing.T) {
	c := compileYAML(t, rulesDoc)
	vars := map[string]any{
		"listing":  map[string]any{"title": "x", "description": strings.Repeat("long ", 10), "price": 100},
		"context":  map[string]any{"category_median_price": 20000},
		"account":  map[string]any{"age_days": 1},
		"findings": FindingVars([]detect.Finding{{Code: "contact.email", Field: "description"}}),
	}
	findings := []detect.Finding{{Code: "contact.email", Field: "description"}}
	wantHits := c.Evaluate(CheckListing, "cars", vars)
	want := c.Outcome(CheckListing, "cars", findings, wantHits)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 200 {
				hits := c.Evaluate(CheckListing, "cars", vars)
				if got := c.Outcome(CheckListing, "cars", findings, hits); !reflect.DeepEqual(got, want) {
					t.Errorf("concurrent decision %+v, want %+v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	if want.Outcome != Rejected {
		t.Errorf("outcome %s, want rejected (contact_new_account)", want.Outcome)
	}
}
