// Package eval measures detection quality on labelled examples: it loads
// JSONL files of texts with the finding codes a careful moderator expects,
// runs them through a detector and reports precision and recall per code
// and micro-averaged over all codes. `vigil eval` and the detectors' own
// quality tests use it.
package eval

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// checks are the kinds of entity an example can be checked as.
const checks = "message listing review"

// CoreCodes returns the codes that are always evaluated, labelled in a
// file or not: a detector that fires one of them where no example expects
// it loses precision.
func CoreCodes() []string {
	return []string{
		"contact.phone", "contact.email", "contact.url", "contact.handle",
		"link.phishing", "scam.script", "text.prohibited",
	}
}

// Example is one labelled text.
type Example struct {
	// Check is "message", "listing" or "review".
	Check string `json:"check"`
	// Text is the text to check.
	Text string `json:"text"`
	// Expect lists the finding codes that must fire; empty means none may.
	Expect []string `json:"expect"`
	// Line is the example's line in its file (1-based); Source the file
	// name when known. Neither is read from JSON.
	Line   int    `json:"-"`
	Source string `json:"-"`
}

// Load reads examples from JSONL: one JSON object per line, blank lines
// allowed. Errors name the line. "expect" is required (an empty list is a
// valid label: nothing may fire), and unknown fields are rejected so that
// a misspelt "expects" is not silently read as "nothing expected".
func Load(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4*1024*1024)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		var ex struct {
			Check  string    `json:"check"`
			Text   string    `json:"text"`
			Expect *[]string `json:"expect"`
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("line %d: more than one JSON value", line)
		}
		switch {
		case !slices.Contains(strings.Fields(checks), ex.Check):
			return nil, fmt.Errorf("line %d: check %q is not one of %s", line, ex.Check, checks)
		case ex.Expect == nil:
			return nil, fmt.Errorf("line %d: \"expect\" is missing (use [] when nothing may fire)", line)
		case strings.TrimSpace(ex.Text) == "":
			return nil, fmt.Errorf("line %d: \"text\" is empty", line)
		}
		for _, c := range *ex.Expect {
			if strings.TrimSpace(c) == "" {
				return nil, fmt.Errorf("line %d: empty code in \"expect\"", line)
			}
		}
		out = append(out, Example{Check: ex.Check, Text: ex.Text, Expect: *ex.Expect, Line: line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", len(out)+1, err)
	}
	return out, nil
}

// Counts are true positives, false positives and false negatives.
type Counts struct {
	TP, FP, FN int
}

// Precision is TP/(TP+FP); 1 when nothing fired, since nothing was wrong.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN); 1 when nothing was expected.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (c *Counts) add(o Counts) {
	c.TP += o.TP
	c.FP += o.FP
	c.FN += o.FN
}

// Miss is an example whose codes differ from its labels.
type Miss struct {
	Example  Example
	Got      []string
	Missing  []string // expected, not found
	Spurious []string // found, not expected
}

// Report is the result of Score.
type Report struct {
	// Codes holds the counts per evaluated code.
	Codes map[string]Counts
	// Total is the micro-average: the sum of all codes' counts.
	Total Counts
	// Examples is how many examples were scored.
	Examples int
	// Misses are the misclassified examples, in input order.
	Misses []Miss
	// Verbose makes Write list the misses above the table.
	Verbose bool
}

// Score runs every example through run and compares the codes it returns
// with the labels. Only the evaluated codes count: the union of all codes
// in the examples' Expect plus CoreCodes. Other codes that run returns
// (say link.shortener when no example labels it) are ignored, because an
// unlabelled code has no ground truth to be right or wrong against.
// Duplicate codes from run count once.
func Score(examples []Example, run func(Example) ([]string, error)) (Report, error) {
	evaluated := map[string]bool{}
	for _, c := range CoreCodes() {
		evaluated[c] = true
	}
	for _, ex := range examples {
		for _, c := range ex.Expect {
			evaluated[c] = true
		}
	}
	rep := Report{Codes: map[string]Counts{}, Examples: len(examples)}
	for c := range evaluated {
		rep.Codes[c] = Counts{}
	}
	for _, ex := range examples {
		got, err := run(ex)
		if err != nil {
			return Report{}, fmt.Errorf("%s: %w", where(ex), err)
		}
		gotSet := map[string]bool{}
		for _, c := range got {
			if evaluated[c] {
				gotSet[c] = true
			}
		}
		wantSet := map[string]bool{}
		for _, c := range ex.Expect {
			wantSet[c] = true
		}
		miss := Miss{Example: ex, Got: slices.Sorted(maps.Keys(gotSet))}
		for c := range evaluated {
			var k Counts
			switch {
			case gotSet[c] && wantSet[c]:
				k.TP = 1
			case gotSet[c]:
				k.FP = 1
				miss.Spurious = append(miss.Spurious, c)
			case wantSet[c]:
				k.FN = 1
				miss.Missing = append(miss.Missing, c)
			}
			cc := rep.Codes[c]
			cc.add(k)
			rep.Codes[c] = cc
			rep.Total.add(k)
		}
		if len(miss.Missing)+len(miss.Spurious) > 0 {
			slices.Sort(miss.Missing)
			slices.Sort(miss.Spurious)
			rep.Misses = append(rep.Misses, miss)
		}
	}
	return rep, nil
}

func where(ex Example) string {
	if ex.Source != "" {
		return fmt.Sprintf("%s:%d", ex.Source, ex.Line)
	}
	return fmt.Sprintf("line %d", ex.Line)
}

// Write prints the misses (when Verbose), a table per code and, as its
// last line, "precision=P recall=R" with the micro-averaged figures.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	if r.Verbose && len(r.Misses) > 0 {
		fmt.Fprintf(&b, "misclassified (%d of %d):\n", len(r.Misses), r.Examples)
		for _, m := range r.Misses {
			fmt.Fprintf(&b, "  %s [%s] expected %s got %s", where(m.Example), m.Example.Check, list(m.Example.Expect), list(m.Got))
			if len(m.Missing) > 0 {
				fmt.Fprintf(&b, " missing %s", list(m.Missing))
			}
			if len(m.Spurious) > 0 {
				fmt.Fprintf(&b, " spurious %s", list(m.Spurious))
			}
			fmt.Fprintf(&b, "\n    %q\n", m.Example.Text)
		}
		b.WriteString("\n")
	}
	codes := slices.Sorted(maps.Keys(r.Codes))
	fmt.Fprintf(&b, "%-18s %5s %5s %5s %9s %7s\n", "code", "TP", "FP", "FN", "precision", "recall")
	for _, c := range codes {
		k := r.Codes[c]
		fmt.Fprintf(&b, "%-18s %5d %5d %5d %9.3f %7.3f\n", c, k.TP, k.FP, k.FN, k.Precision(), k.Recall())
	}
	fmt.Fprintf(&b, "%-18s %5d %5d %5d %9.3f %7.3f\n", "micro", r.Total.TP, r.Total.FP, r.Total.FN, r.Total.Precision(), r.Total.Recall())
	fmt.Fprintf(&b, "precision=%.3f recall=%.3f\n", r.Total.Precision(), r.Total.Recall())
	_, err := io.WriteString(w, b.String())
	return err
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	return "[" + strings.Join(xs, " ") + "]"
}

// LoadFiles loads the examples of several JSONL files, in order, with
// each example's Source set to its file. Errors name the file and line.
func LoadFiles(paths ...string) ([]Example, error) {
	var all []Example
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		exs, err := Load(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		for i := range exs {
			exs[i].Source = filepath.Base(p)
		}
		all = append(all, exs...)
	}
	if len(all) == 0 {
		return nil, errors.New("eval: no examples")
	}
	return all, nil
}
