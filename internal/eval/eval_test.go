package eval

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	in := `{"check":"message","text":"call 0151 23456789","expect":["contact.phone"]}

{"check":"review","text":"great seller","expect":[]}
`
	exs, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 2 {
		t.Fatalf("got %d examples, want 2", len(exs))
	}
	if exs[0].Line != 1 || exs[1].Line != 3 {
		t.Errorf("lines = %d, %d; want 1, 3 (blank lines count)", exs[0].Line, exs[1].Line)
	}
	if !slices.Equal(exs[0].Expect, []string{"contact.phone"}) || exs[1].Expect == nil || len(exs[1].Expect) != 0 {
		t.Errorf("expect = %v, %#v", exs[0].Expect, exs[1].Expect)
	}
}

func TestLoadErrors(t *testing.T) {
	good := `{"check":"message","text":"hi","expect":[]}` + "\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"bad json", good + `{"check":"message",` + "\n", "line 2:"},
		{"unknown check", good + good + `{"check":"email","text":"x","expect":[]}`, `line 3: check "email"`},
		{"missing expect", `{"check":"listing","text":"x"}`, `line 1: "expect" is missing`},
		{"null expect", `{"check":"listing","text":"x","expect":null}`, `line 1: "expect" is missing`},
		{"misspelt field", `{"check":"listing","text":"x","expects":[]}`, `line 1: json: unknown field "expects"`},
		{"empty text", "\n" + `{"check":"review","text":" ","expect":[]}`, `line 2: "text" is empty`},
		{"empty code", `{"check":"review","text":"x","expect":[""]}`, `line 1: empty code`},
		{"two values", `{"check":"review","text":"x","expect":[]} {}`, `line 1: more than one`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	exs := []Example{
		{Check: "message", Text: "a", Expect: []string{"contact.phone"}, Line: 1},                  // TP phone
		{Check: "message", Text: "b", Expect: []string{"contact.phone", "contact.email"}, Line: 2}, // TP phone, FN email
		{Check: "message", Text: "c", Expect: []string{}, Line: 3},                                 // FP url
		{Check: "review", Text: "d", Expect: []string{"text.profanity"}, Line: 4},                  // TP profanity (labelled, so evaluated)
		{Check: "listing", Text: "e", Expect: []string{"scam.script"}, Line: 5},                    // FN scam, shortener ignored
	}
	got := map[string][]string{
		"a": {"contact.phone", "contact.phone"},
		"b": {"contact.phone"},
		"c": {"contact.url"},
		"d": {"text.profanity"},
		"e": {"link.shortener"},
	}
	rep, err := Score(exs, func(ex Example) ([]string, error) { return got[ex.Text], nil })
	if err != nil {
		t.Fatal(err)
	}
	// TP = 3 (phone a, phone b, profanity d), FP = 1 (url c), FN = 2 (email b, scam e).
	if rep.Total != (Counts{TP: 3, FP: 1, FN: 2}) {
		t.Fatalf("total = %+v", rep.Total)
	}
	if p, r := rep.Total.Precision(), rep.Total.Recall(); math.Abs(p-0.75) > 1e-9 || math.Abs(r-0.6) > 1e-9 {
		t.Errorf("precision, recall = %v, %v; want 0.75, 0.6", p, r)
	}
	if _, ok := rep.Codes["link.shortener"]; ok {
		t.Error("link.shortener is never labelled and must not be evaluated")
	}
	if rep.Codes["contact.phone"] != (Counts{TP: 2}) || rep.Codes["contact.url"] != (Counts{FP: 1}) {
		t.Errorf("per code = %+v", rep.Codes)
	}
	if len(rep.Misses) != 3 || rep.Misses[0].Example.Line != 2 || !slices.Equal(rep.Misses[0].Missing, []string{"contact.email"}) {
		t.Errorf("misses = %+v", rep.Misses)
	}

	var b strings.Builder
	rep.Verbose = true
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "precision=0.750 recall=0.600" {
		t.Errorf("last line = %q", last)
	}
	if !strings.Contains(out, "line 2 [message] expected [contact.phone contact.email] got [contact.phone] missing [contact.email]") {
		t.Errorf("verbose output lacks the miss of line 2:\n%s", out)
	}
	if strings.Index(out, "misclassified") > strings.Index(out, "precision=") {
		t.Error("misses must come above the table")
	}
}

func TestScoreEmpty(t *testing.T) {
	rep, err := Score(nil, func(Example) ([]string, error) { return nil, nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Precision() != 1 || rep.Total.Recall() != 1 {
		t.Errorf("empty report: %+v", rep.Total)
	}
}

func TestScoreRunError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Score([]Example{{Check: "message", Text: "x", Expect: []string{}, Line: 7, Source: "m.jsonl"}},
		func(Example) ([]string, error) { return nil, boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "m.jsonl:7") {
		t.Errorf("err = %v", err)
	}
}
