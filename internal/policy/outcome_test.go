package policy

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/detect"
)

func TestOutcomeWorstWins(t *testing.T) {
	c := compileYAML(t, "")
	tests := []struct {
		check  Check
		codes  []string
		want   string
		fields []string
		flag   bool
	}{
		{CheckListing, nil, Approved, nil, false},
		{CheckListing, []string{"required.images"}, ChangesRequested, []string{"images"}, false},
		{CheckListing, []string{"contact.phone", "required.title"}, ChangesRequested, []string{"description", "title"}, false},
		// A suspicion outranks a fix; the fields are still listed.
		{CheckListing, []string{"contact.phone", "price.too_low"}, PendingReview, []string{"description"}, false},
		{CheckListing, []string{"price.too_low", "link.phishing", "contact.url"}, Rejected, []string{"description"}, false},
		{CheckListing, []string{"something.new"}, PendingReview, nil, false},
		{CheckMessage, nil, Allow, nil, false},
		{CheckMessage, []string{"contact.email"}, Mask, nil, false},
		{CheckMessage, []string{"scam.script"}, Warn, nil, true},
		{CheckMessage, []string{"scam.script", "contact.email"}, Mask, nil, true},
		{CheckMessage, []string{"contact.phone", "link.phishing"}, Block, nil, false},
		{CheckReview, []string{"review.new_reviewer"}, LowPriority, nil, false},
		{CheckReview, []string{"review.new_reviewer", "review.burst"}, Hold, nil, false},
		{CheckReview, []string{"review.burst", "review.too_short"}, Reject, nil, false},
		{CheckReview, []string{"review.self"}, Hold, nil, true},
	}
	for _, tt := range tests {
		var findings []detect.Finding
		for _, code := range tt.codes {
			field := "description"
			if f, ok := strings.CutPrefix(code, "required."); ok {
				field = f
			}
			findings = append(findings, detect.Finding{Code: code, Field: field})
		}
		d := c.Outcome(tt.check, "", findings, nil)
		if d.Outcome != tt.want || !reflect.DeepEqual(d.Fields, tt.fields) || d.Flag != tt.flag {
			t.Errorf("%s %v: got %s fields %v flag %v, want %s fields %v flag %v",
				tt.check, tt.codes, d.Outcome, d.Fields, d.Flag, tt.want, tt.fields, tt.flag)
		}
		if len(d.Reasons) != len(findings) {
			t.Errorf("%s %v: %d reasons for %d findings", tt.check, tt.codes, len(d.Reasons), len(findings))
		}
	}
}

func TestOutcomeOrder(t *testing.T) {
	want := map[Check][]string{
		CheckListing: {Approved, ChangesRequested, PendingReview, Rejected},
		CheckMessage: {Allow, Warn, Mask, Hold, Block},
		CheckReview:  {Publish, LowPriority, Hold, Reject},
	}
	for _, c := range Checks() {
		if got := c.Outcomes(); !slices.Equal(got, want[c]) {
			t.Errorf("%s outcomes = %v, want %v", c, got, want[c])
		}
	}
	if Check("payment").Outcomes() != nil {
		t.Error("unknown check has outcomes")
	}
}

func TestOutcomeRuleHits(t *testing.T) {
	c := compileYAML(t, "")
	v := func(o string) Verdict { return Verdict{Outcome: o, Severity: SeverityHigh, Clause: "§1"} }
	tests := []struct {
		name string
		hits []RuleHit
		want string
	}{
		{"a fired rule counts", []RuleHit{{Rule: "r", Verdict: v(Rejected), Fired: true}}, Rejected},
		{"a shadow rule is ignored", []RuleHit{{Rule: "r", Verdict: v(Rejected), Fired: true, Shadow: true}}, Approved},
		{"a failed rule is ignored", []RuleHit{{Rule: "r", Verdict: v(Rejected), Err: "no such key: price"}}, Approved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := c.Outcome(CheckListing, "", nil, tt.hits)
			if d.Outcome != tt.want {
				t.Fatalf("outcome %s, want %s", d.Outcome, tt.want)
			}
			if tt.want != Approved && (len(d.Reasons) != 1 || d.Reasons[0].Rule != "r" || d.Reasons[0].Clause != "§1" || d.Severity != SeverityHigh) {
				t.Errorf("reasons %+v, severity %s", d.Reasons, d.Severity)
			}
			if tt.want == Approved && len(d.Reasons) != 0 {
				t.Errorf("ignored hit left reasons %+v", d.Reasons)
			}
		})
	}
}

func TestOutcomeManualReviewAndCategories(t *testing.T) {
	c := compileYAML(t, `
outcomes:
  listing:
    "*": ~
categories:
  cars:
    listing:
      manual_review: true
  parts:
    outcomes:
      listing:
        "price.": {outcome: rejected, clause: "§3.4 Parts prices"}
`)
	d := c.Outcome(CheckListing, "cars", nil, nil)
	if d.Outcome != PendingReview || len(d.Reasons) != 1 || d.Reasons[0].Key != ManualReviewCode || !d.NeedsReview() {
		t.Errorf("manual review: %+v", d)
	}
	if d := c.Outcome(CheckListing, "bikes", nil, nil); d.Outcome != Approved || d.NeedsReview() {
		t.Errorf("no manual review outside cars: %+v", d)
	}
	price := []detect.Finding{{Code: "price.too_low", Field: "price"}}
	if d := c.Outcome(CheckListing, "parts", price, nil); d.Outcome != Rejected || d.Reasons[0].Clause != "§3.4 Parts prices" {
		t.Errorf("category outcome: %+v", d)
	}
	if d := c.Outcome(CheckListing, "", price, nil); d.Outcome != PendingReview {
		t.Errorf("marketplace outcome: %+v", d)
	}
	// With the fallback removed, an unknown code is listed but changes nothing.
	d = c.Outcome(CheckListing, "", []detect.Finding{{Code: "novel.signal"}}, nil)
	if d.Outcome != Approved || len(d.Reasons) != 1 || d.Reasons[0].Key != "" {
		t.Errorf("unmapped finding: %+v", d)
	}
	if d := c.Outcome(Check("payment"), "", price, nil); d.Outcome != "" || d.Reasons != nil {
		t.Errorf("unknown check: %+v", d)
	}
}

func TestMappingLookup(t *testing.T) {
	m := Mapping{
		Fallback:        {Outcome: "fallback"},
		"link.":         {Outcome: "prefix"},
		"link.phishing": {Outcome: "exact"},
		"link.short.":   {Outcome: "longer prefix"},
	}
	tests := []struct{ code, key, outcome string }{
		{"link.phishing", "link.phishing", "exact"},
		{"link.lookalike", "link.", "prefix"},
		{"link.short.bitly", "link.short.", "longer prefix"},
		{"linked", Fallback, "fallback"},
		{"contact.phone", Fallback, "fallback"},
	}
	for _, tt := range tests {
		key, v, ok := m.Lookup(tt.code)
		if !ok || key != tt.key || v.Outcome != tt.outcome {
			t.Errorf("Lookup(%s) = %s %s %v, want %s %s", tt.code, key, v.Outcome, ok, tt.key, tt.outcome)
		}
	}
	delete(m, Fallback)
	if _, _, ok := m.Lookup("contact.phone"); ok {
		t.Error("Lookup without fallback matched")
	}
}
