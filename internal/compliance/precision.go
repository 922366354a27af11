package compliance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// EnoughJudged is how many judged hits make a precision figure worth
// ranking: rules and detectors with at least this many come first, worst
// precision first.
const EnoughJudged = 5

// Precision is how often people agreed with each custom rule and each
// detector when they fired, over the decisions of a period (R-C6). A hit
// asserts a breach of the rules: it is upheld when the person who judged
// the decision (see LabelledDecision) found one, overturned when they
// found none. Shadow rules are measured the same way against the human
// outcome of the subject they fired on, so that their precision is known
// before they are switched on.
type Precision struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Decisions counts the period's decisions, Judged those a person
	// judged.
	Decisions    int `json:"decisions"`
	Judged       int `json:"judged"`
	EnoughJudged int `json:"enough_judged" doc:"Rules and detectors with at least this many judged hits are listed first, worst precision first."`
	// Rules and Detectors are sorted worst first among those with enough
	// judged hits, then the others.
	Rules     []RulePrecision     `json:"rules"`
	Detectors []DetectorPrecision `json:"detectors"`
}

// Figures count a rule's or detector's hits and what people found.
type Figures struct {
	Hits       int `json:"hits" doc:"Decisions of the period it fired in."`
	Judged     int `json:"judged" doc:"Of those, the decisions a person judged."`
	Upheld     int `json:"upheld" doc:"Judged decisions where the person found a breach."`
	Overturned int `json:"overturned" doc:"Judged decisions where the person found none."`
	// Precision is Upheld / (Upheld + Overturned); nil when none was
	// judged.
	Precision *float64 `json:"precision" doc:"upheld / (upheld + overturned); null when no hit was judged."`
}

// RulePrecision is a custom rule's figures. A rule that ran in shadow
// mode for part of the period and live for the rest has a row for each.
type RulePrecision struct {
	Rule string `json:"rule"`
	// Check is the check the rule runs in.
	Check  string `json:"check"`
	Shadow bool   `json:"shadow"`
	// WouldHaveDone is a shadow rule's verdict: the outcome it would have
	// given had it been live (its latest hit's).
	WouldHaveDone string `json:"would_have_done,omitempty" doc:"Shadow rules: the outcome they would have given."`
	// WouldChange counts a shadow rule's hits whose verdict is stricter
	// than the outcome decided: the decisions it would have changed.
	WouldChange int `json:"would_change,omitempty" doc:"Shadow rules: hits whose verdict is stricter than the outcome decided."`
	Figures
}

// DetectorPrecision is a finding code's figures.
type DetectorPrecision struct {
	Code     string `json:"code"`
	Detector string `json:"detector" doc:"The detector family: the code's first part."`
	Figures
}

// count adds a hit on a decision whose human finding is violation (nil:
// nobody judged it).
func (f *Figures) count(violation *bool) {
	f.Hits++
	if violation == nil {
		return
	}
	f.Judged++
	if *violation {
		f.Upheld++
	} else {
		f.Overturned++
	}
}

func (f *Figures) finish() {
	if n := f.Upheld + f.Overturned; n > 0 {
		p := float64(f.Upheld) / float64(n)
		f.Precision = &p
	}
}

// rank orders figures worst first: those with enough judged hits by
// precision, then those with some, then those nobody judged, each by
// more judged (or hit) first.
func rank(a, b Figures) int {
	group := func(f Figures) int {
		switch {
		case f.Judged >= EnoughJudged:
			return 0
		case f.Judged > 0:
			return 1
		}
		return 2
	}
	prec := func(f Figures) float64 {
		if f.Precision == nil {
			return 0
		}
		return *f.Precision
	}
	return cmp.Or(cmp.Compare(group(a), group(b)), cmp.Compare(prec(a), prec(b)), cmp.Compare(b.Judged, a.Judged), cmp.Compare(b.Hits, a.Hits))
}

// Precision computes each rule's and detector's figures over the
// decisions made in [from, to), with the judgements made since from.
func (s *Service) Precision(ctx context.Context, marketplaceID string, from, to time.Time) (Precision, error) {
	p := Precision{From: from, To: to, EnoughJudged: EnoughJudged, Rules: []RulePrecision{}, Detectors: []DetectorPrecision{}}
	j, err := s.judged(ctx, marketplaceID, from)
	if err != nil {
		return p, err
	}
	type ruleKey struct {
		name   string
		shadow bool
	}
	rules, detectors := map[ruleKey]*RulePrecision{}, map[string]*DetectorPrecision{}
	err = s.DB.ScanDecisionSpans(ctx, marketplaceID, from, to, func(d store.DecisionSpan) error {
		x, err := decode(d.Decision)
		if err != nil {
			return fmt.Errorf("decision %s: %w", d.ID, err)
		}
		rs := restricts(d.Decision, x.reasons)
		p.Decisions++
		var violation *bool
		if js := j.of(d, rs); len(js) > 0 {
			v := js[len(js)-1].Violation
			violation = &v
			p.Judged++
		}
		seen := map[string]bool{}
		for _, f := range x.findings {
			if seen[f.Code] {
				continue
			}
			seen[f.Code] = true
			dp := detectors[f.Code]
			if dp == nil {
				dp = &DetectorPrecision{Code: f.Code, Detector: Detector(f.Code)}
				detectors[f.Code] = dp
			}
			dp.count(violation)
		}
		for _, h := range x.hits {
			k := ruleKey{h.Rule, h.Shadow}
			if !h.Fired || seen["rule:"+h.Rule] {
				continue
			}
			seen["rule:"+h.Rule] = true
			rp := rules[k]
			if rp == nil {
				rp = &RulePrecision{Rule: h.Rule, Check: d.Kind, Shadow: h.Shadow}
				rules[k] = rp
			}
			if h.Shadow {
				rp.WouldHaveDone = h.Outcome
				if stricter(d.Decision, h.Verdict, rs) {
					rp.WouldChange++
				}
			}
			rp.count(violation)
		}
		return nil
	})
	if err != nil {
		return p, err
	}
	for _, rp := range rules {
		rp.finish()
		p.Rules = append(p.Rules, *rp)
	}
	for _, dp := range detectors {
		dp.finish()
		p.Detectors = append(p.Detectors, *dp)
	}
	slices.SortFunc(p.Rules, func(a, b RulePrecision) int {
		return cmp.Or(rank(a.Figures, b.Figures), strings.Compare(a.Rule, b.Rule), cmp.Compare(boolInt(a.Shadow), boolInt(b.Shadow)))
	})
	slices.SortFunc(p.Detectors, func(a, b DetectorPrecision) int {
		return cmp.Or(rank(a.Figures, b.Figures), strings.Compare(a.Code, b.Code))
	})
	return p, nil
}

// stricter reports whether a shadow rule's verdict v would have made
// decision d stricter: an outcome further along the check's outcomes, or
// a flag on a decision that flagged nothing.
func stricter(d store.Decision, v policy.Verdict, restricts bool) bool {
	outs := policy.Check(d.Kind).Outcomes()
	return slices.Index(outs, v.Outcome) > slices.Index(outs, d.Outcome) || (v.Flag && !restricts)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
