package cases

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/vigil-ts/vigil/internal/policy"
)

// Reporter is one distinct reporter of a case as the priority weighs them.
type Reporter struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// Upheld and Dismissed are their earlier reports' outcomes.
	Upheld    int `json:"upheld"`
	Dismissed int `json:"dismissed"`
	// Suspended: their reporting is deprioritised for misuse (R-R10).
	Suspended bool `json:"suspended,omitempty"`
}

// Accuracy is the share of a reporter's closed reports that were upheld,
// smoothed so that a new reporter starts at one half and a few outcomes
// move it only a little (the Discourse flagging approach: a reporter's
// history earns their reports weight).
func (r Reporter) Accuracy() float64 {
	return float64(r.Upheld+1) / float64(r.Upheld+r.Dismissed+2)
}

// Weight is what the reporter counts for: their type's weight times twice
// their accuracy (so 1× for a new reporter, up to 2× for one always upheld,
// towards 0× for one always dismissed); 0 while suspended.
func (r Reporter) Weight(p policy.Priority) float64 {
	if r.Suspended {
		return 0
	}
	return p.ReporterTypes[r.Type] * 2 * r.Accuracy()
}

// PriorityInput is what a case's priority is computed from.
type PriorityInput struct {
	// Group is the case's most severe reason group and Severity its
	// severity.
	Group, Severity string
	Reporters       []Reporter
	// Risk is the target account's risk score; negative when unknown.
	Risk int
	// Value is the target's price in the policy currency's minor units;
	// negative when unknown or in another currency.
	Value int64
	// Spiking: the target or its account is receiving a burst of reports.
	Spiking bool
}

// Part is one term of a priority with its points and why.
type Part struct {
	Part   string  `json:"part"`
	Points float64 `json:"points"`
	Detail string  `json:"detail"`
}

// Priority is a case's priority and its explanation; the parts' points add
// up to Score.
type Priority struct {
	Score float64 `json:"score"`
	Parts []Part  `json:"parts"`
}

// ComputePriority weighs a case (R-R4): the reason group's severity, the
// weighted number of distinct reporters, a trusted flagger's report, the
// target account's risk and the target's value, plus the spike bonus that
// puts a spiking case on top (R-R5). Pure: the same input gives the same
// priority.
func ComputePriority(p policy.Priority, in PriorityInput) Priority {
	var out Priority
	add := func(part string, points float64, detail string, args ...any) {
		points = math.Round(points*100) / 100
		out.Parts = append(out.Parts, Part{Part: part, Points: points, Detail: fmt.Sprintf(detail, args...)})
		out.Score += points
	}
	add("severity", p.Severity[in.Severity], "Reason group %s is of %s severity.", in.Group, in.Severity)
	if len(in.Reporters) > 0 {
		total, trusted := 0.0, 0
		var notes []string
		for _, r := range in.Reporters {
			total += r.Weight(p)
			if r.Type == "trusted_flagger" {
				trusted++
			}
			if r.Suspended {
				notes = append(notes, r.ID+" counts 0 (reporting suspended for misuse)")
			}
		}
		// Ten weighted reporters reach the most; each further one adds less.
		pts := min(p.Reporters, p.Reporters*math.Log2(1+total)/math.Log2(11))
		detail := fmt.Sprintf("%d distinct reporter(s) weighing %.2f by type and track record.", len(in.Reporters), total)
		if len(notes) > 0 {
			slices.Sort(notes)
			detail += " " + strings.Join(notes, "; ") + "."
		}
		add("reporters", pts, "%s", detail)
		if trusted > 0 {
			add("trusted_flagger", p.TrustedFlagger, "Reported by %d trusted flagger(s).", trusted)
		}
	}
	if in.Risk >= 0 {
		add("risk", p.Risk*float64(in.Risk)/100, "The account's risk score is %d.", in.Risk)
	}
	if in.Value > 0 && p.ValueCap > 0 {
		share := min(1, math.Log1p(float64(in.Value))/math.Log1p(float64(p.ValueCap)))
		add("value", p.Value*share, "The target is worth %s minor units.", fmt.Sprint(in.Value))
	}
	if in.Spiking {
		add("spike", p.Spike, "A burst of reports on the target or its account.")
	}
	out.Score = math.Round(out.Score*100) / 100
	return out
}

// holdGroupPrefixes maps a held decision's finding codes to the reason group
// whose severity and SLA the proactive case takes, by code prefix; the
// most severe match wins, and content is the fallback.
var holdGroupPrefixes = [][2]string{
	{"link.phishing", "fraud"}, {"scam.", "fraud"}, {"risk.", "fraud"}, {"counterfeit", "fraud"}, {"price.below_market", "fraud"},
	{"contact.", "safety"}, {"spam.", "safety"}, {"review.self", "fraud"},
	{"text.", "content"}, {"review.", "content"}, {"duplicate.", "quality"}, {"required.", "quality"}, {"price.", "cost"},
}

// holdGroup is the reason group of a proactive case held for codes.
func holdGroup(pol *policy.Policy, codes []string) string {
	best, bestSev := "", -1
	for _, c := range codes {
		for _, pg := range holdGroupPrefixes {
			if !strings.HasPrefix(c, pg[0]) {
				continue
			}
			if g, ok := pol.Reports.Groups[pg[1]]; ok {
				if sev := slices.Index(policy.Severities(), g.Severity); sev > bestSev {
					best, bestSev = pg[1], sev
				}
			}
			break
		}
	}
	if best != "" {
		return best
	}
	if _, ok := pol.Reports.Groups["content"]; ok || len(pol.Reports.Groups) == 0 {
		return "content"
	}
	return slices.Min(slices.Collect(maps.Keys(pol.Reports.Groups)))
}

// moreSevere reports whether group a outranks group b under pol.
func moreSevere(pol *policy.Policy, a, b string) bool {
	sa := slices.Index(policy.Severities(), pol.Reports.Groups[a].Severity)
	sb := slices.Index(policy.Severities(), pol.Reports.Groups[b].Severity)
	return sa > sb
}
