package policy

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-ts/vigil/internal/detect"
)

// fuzzDocs are policy documents: clean ones, and the mistakes people
// editing YAML make.
var fuzzDocs = []string{
	"",
	"# nothing yet\n",
	"~\n",
	layered,
	rulesDoc,
	"review:\n  min_length: 80\nlisting:\n  blocklist: [replica]\ncategories:\n  cars:\n    listing:\n      manual_review: true\n      blocklist+: [tachojustierung]\n",
	"outcomes:\n  message:\n    \"contact.\":\n      outcome: warn\n      clause: \"§5.1\"\n    \"*\": null\n",
	"listing:\n  pirce: 1\n",
	"review:\n  min_length: \"50\"\n  edit_window: 2 days\n",
	"review:\n  min_length: [\n",
	"- listing\n",
	"a: &x {b: *x}\n",
	"listing: &l {manual_review: true}\ncategories: {cars: {listing: *l}}\n",
	"<<: {review: {min_length: 1}}\n",
	"risk:\n  bands: {medium: 50, high: 40, critical: 101}\n  weights: {velocity: 150, account.tenure: 5}\n",
	"review:\n  edit_window: 106752d\nappeals:\n  blocked_window: -7d\n",
	"enforcement:\n  grounds:\n    other: {clause: x, category: STATEMENT_CATEGORY_other}\n",
	"rules:\n  - name: r\n    check: listing\n    outcome: rejected\n    severity: low\n    clause: x\n    expr: |\n      listing.price > 10\n        && acount.age_days < 7\n",
	"rules:\n  - {name: r, check: review, outcome: hold, severity: low, clause: x, expr: \"review.text.matches('[')\"}\n",
	"\ufeffcurrency: EUR\r\n",
	"currency: \"\x00\"\n",
	"\t- x",
}

// FuzzParse checks Parse, Lint and Compile on any document: Parse returns
// a document or Problems, every one with a message and a line of the
// document; Lint is clean exactly when Parse and Compile accept the
// document, reports every problem Parse reports, and Compile's problems
// when Parse has none; and a compiled policy rendered with Marshal parses
// and compiles again to the same effective policy, in every category.
func FuzzParse(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add([]byte(d))
	}
	if b, err := os.ReadFile("testdata/example.yaml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return
		}
		lines := yamlLines(data)
		doc, err := Parse(data)
		lint := Lint(data)
		checkProblems(t, data, lint, lines)
		if err != nil {
			var ps Problems
			if doc != nil || !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("Parse(%q) = %v, %v: want nil and Problems", data, doc, err)
			}
			for _, p := range ps {
				if p.Line < 1 {
					t.Fatalf("Parse(%q): problem %q has no line", data, p)
				}
			}
			checkProblems(t, data, ps, lines)
			for _, p := range ps {
				if !contains(lint, p) {
					t.Fatalf("Parse(%q) reports %q, Lint does not: %v", data, p, lint)
				}
			}
			return
		}
		if doc == nil {
			t.Fatalf("Parse(%q) = nil, nil", data)
		}
		c, err := Compile(doc)
		if err != nil {
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 || !reflect.DeepEqual(ps, lint) {
				t.Fatalf("Compile(%q) = %v, but Lint = %v", data, err, lint)
			}
			return
		}
		if lint != nil {
			t.Fatalf("Parse and Compile accept %q, Lint reports %v", data, lint)
		}
		for _, category := range append([]string{""}, c.Categories()...) {
			want := c.Policy(category)
			b, err := Marshal(want)
			if err != nil {
				t.Fatalf("Marshal(%q of %q): %v", category, data, err)
			}
			again, err := Parse(b)
			if err != nil {
				t.Fatalf("%q: Marshal of category %q does not parse: %v\n%s", data, category, err, b)
			}
			c2, err := Compile(again)
			if err != nil {
				t.Fatalf("%q: Marshal of category %q does not compile: %v\n%s", data, category, err, b)
			}
			if got := c2.Policy(""); !reflect.DeepEqual(got, want) {
				t.Fatalf("%q: category %q changed in a Marshal round trip:\n%s", data, category, b)
			}
		}
	})
}

// FuzzRuleExpr puts any expression into a rule, written in each YAML
// scalar style, and checks that Lint places the expression's problems on
// a line and column of the document inside the expression's text, and
// that a rule that compiles evaluates without panicking, with or without
// the variables it reads, and fires or fails without doing both.
func FuzzRuleExpr(f *testing.F) {
	for _, e := range []string{
		`listing.price < context.category_median_price / 2`, `has_finding("contact.") && account.age_days < 7`,
		"listing.price > 10\n  && acount.age_days < 7", `size(listing.description) > 20`, `listing.?attributes.?mileage_km.orValue(0) > 300000`,
		`message.text.contains("deposit")`, `review.text.matches("[")`, `0.5 * listing.price > 1`, `listing.prize > 1`, `listing["titel"] == ""`,
		`findings.exists(f, findings.exists(g, f.code == g.code))`, `listing.title`, `true`, `1 +`, `"\u00e9"`, "\t\"\"\n",
	} {
		f.Add(e, uint8(0), uint8(0))
		f.Add(e, uint8(1), uint8(1))
		f.Add(e, uint8(2), uint8(2))
	}
	f.Fuzz(func(t *testing.T, expr string, check, style uint8) {
		if len(expr) > 1024 {
			return
		}
		c := Checks()[int(check)%len(Checks())]
		outcome := c.Outcomes()[len(c.Outcomes())-1]
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: expr,
			Style: []yaml.Style{0, yaml.LiteralStyle, yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle, yaml.FoldedStyle}[int(style)%5]}
		rule := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			str("name"), str("r"), str("check"), str(string(c)), str("outcome"), str(outcome),
			str("severity"), str("low"), str("clause"), str("§1"), str("expr"), n,
		}}
		root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("rules"), {Kind: yaml.SequenceNode, Content: []*yaml.Node{rule}}}}
		data, err := yaml.Marshal(root)
		if err != nil {
			return // not every text can be written in every style
		}
		var back struct {
			Rules []struct{ Expr string }
		}
		if yaml.Unmarshal(data, &back) != nil || len(back.Rules) != 1 || back.Rules[0].Expr != expr {
			return // the style does not carry this text unchanged
		}
		lint := Lint(data)
		checkProblems(t, data, lint, yamlLines(data))
		for _, p := range lint {
			if p.Path != "rules[0].expr" && p.Path != "rules[0]" {
				t.Fatalf("rule %q: problem %q outside the rule\n%s", expr, p, data)
			}
			if p.Path == "rules[0].expr" && (p.Line < exprLine(data) || p.Column < 1) {
				t.Fatalf("rule %q: problem %q is not inside the expression\n%s", expr, p, data)
			}
		}
		if lint != nil {
			return
		}
		doc, err := Parse(data)
		if err != nil {
			t.Fatalf("Lint accepts %q, Parse does not: %v", data, err)
		}
		cp, err := Compile(doc)
		if err != nil {
			t.Fatalf("Lint accepts %q, Compile does not: %v", data, err)
		}
		rc, err := newRuleCompiler()
		if err != nil {
			t.Fatal(err)
		}
		findings := FindingVars([]detect.Finding{{Code: "contact.phone", Field: "text", Value: "+4915112345678", Match: "0151 12345678"}})
		for _, vars := range []map[string]any{nil, rc.samples[c], {"findings": findings}} {
			for _, h := range cp.Evaluate(c, "", vars) {
				if h.Rule != "r" || h.Fired == (h.Err != "") {
					t.Fatalf("rule %q: hit %+v", expr, h)
				}
			}
		}
	})
}

// FuzzDuration checks policy durations: one that parses renders as text
// that parses back to it, and a text without a minus sign is never a
// negative duration (as it would be had it overflowed).
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"24h", "72h", "3d", "7d", "168h", "1d12h", "90m", "30s", "0", "1d-5h", "106752d", "9223372036s", "-7d", " 7d ", "2147483647d", "1.5h", "1d1d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Duration
		if err := d.UnmarshalText([]byte(s)); err != nil {
			return
		}
		text, err := d.MarshalText()
		if err != nil {
			t.Fatalf("%q = %v: MarshalText: %v", s, d.Std(), err)
		}
		var again Duration
		if err := again.UnmarshalText(text); err != nil || again != d {
			t.Fatalf("%q = %v renders as %q, which parses as %v (%v)", s, d.Std(), text, again.Std(), err)
		}
		if !strings.Contains(s, "-") && d < 0 {
			t.Fatalf("%q parses as the negative duration %v", s, d.Std())
		}
	})
}

// checkProblems checks that every problem has a message and, when it has
// a place, a line of the document.
func checkProblems(t *testing.T, data []byte, ps Problems, lines int) {
	t.Helper()
	for _, p := range ps {
		if strings.TrimSpace(p.Message) == "" || p.Line < 0 || p.Line > lines || p.Column < 0 || p.Line == 0 && p.Column != 0 {
			t.Fatalf("%q: problem %+v has no message or is out of the document (%d lines)", data, p, lines)
		}
	}
}

func contains(ps Problems, p Problem) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// yamlLines counts the lines of data as YAML does: \r\n, \r, \n, NEL,
// LS and PS each end one.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return 1 + strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\u0085") + strings.Count(s, "\u2028") + strings.Count(s, "\u2029")
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// exprLine is the line of the "expr:" key in a document FuzzRuleExpr
// wrote.
func exprLine(data []byte) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "expr:") {
			return i + 1
		}
	}
	return 1
}
