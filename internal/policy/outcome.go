package policy

import (
	"slices"

	"github.com/vigil-ts/vigil/internal/detect"
)

// ManualReviewCode is the finding code Outcome adds to every listing of a
// category whose policy sets listing.manual_review, so that the
// requirement is mapped, cited and explained like any finding.
const ManualReviewCode = "listing.manual_review"

// Decision is what a check decided and why.
type Decision struct {
	Check Check `json:"check"`
	// Outcome is the worst outcome over Reasons; the least severe outcome of
	// the check when there are none.
	Outcome string `json:"outcome"`
	// Severity is the highest severity over Reasons.
	Severity string `json:"severity,omitempty"`
	// Flag asks for a review item even if the outcome lets the content
	// through.
	Flag bool `json:"flag,omitempty"`
	// Fields are the listing fields to change: the fields of the findings
	// that request changes, whatever the final outcome, so that a moderator
	// holding the listing can ask for them too.
	Fields []string `json:"fields,omitempty"`
	// Reasons has one entry per finding, then one per rule that fired and
	// is not in shadow mode.
	Reasons []Reason `json:"reasons"`
}

// NeedsReview reports whether the decision puts the entity in front of a
// moderator: it is held for review, or flagged.
func (d Decision) NeedsReview() bool {
	return d.Flag || d.Outcome == PendingReview || d.Outcome == Hold
}

// Reason is one finding or rule hit and the verdict it led to.
type Reason struct {
	// Finding is the finding, for a finding; it points into the findings
	// given to Outcome.
	Finding *detect.Finding `json:"finding,omitempty"`
	// Rule is the rule's name, for a rule hit.
	Rule string `json:"rule,omitempty"`
	// Key is the outcomes key that matched the finding's code ("contact.",
	// "*"); empty when none did and the finding did not affect the outcome.
	Key string `json:"key,omitempty"`
	Verdict
}

// Outcome maps findings and rule hits through the outcomes of category's
// policy to a decision: the worst outcome wins (see [Check.Outcomes]).
// Shadow hits and hits that did not fire are ignored. A finding no key
// matches is listed with the least severe outcome. An unknown check gives
// a Decision with no outcome.
func (c *Compiled) Outcome(check Check, category string, findings []detect.Finding, hits []RuleHit) Decision {
	d := Decision{Check: check}
	outcomes := check.Outcomes()
	if outcomes == nil {
		return d
	}
	p := c.Policy(category)
	d.Outcome = outcomes[0]
	d.Reasons = make([]Reason, 0, len(findings)+len(hits)+1)
	add := func(r Reason) {
		d.Reasons = append(d.Reasons, r)
		if check.rank(r.Outcome) > check.rank(d.Outcome) {
			d.Outcome = r.Outcome
		}
		if slices.Index(Severities(), r.Severity) > slices.Index(Severities(), d.Severity) {
			d.Severity = r.Severity
		}
		d.Flag = d.Flag || r.Flag
		if r.Outcome == ChangesRequested && r.Finding != nil && r.Finding.Field != "" && !slices.Contains(d.Fields, r.Finding.Field) {
			d.Fields = append(d.Fields, r.Finding.Field)
		}
	}
	mapping := p.Outcomes.For(check)
	decide := func(f *detect.Finding) {
		key, v, ok := mapping.Lookup(f.Code)
		if !ok {
			v = Verdict{Outcome: outcomes[0]}
		}
		add(Reason{Finding: f, Key: key, Verdict: v})
	}
	for i := range findings {
		decide(&findings[i])
	}
	if check == CheckListing && p.Listing.ManualReview {
		decide(&detect.Finding{Code: ManualReviewCode, Detail: "listings in this category are reviewed before publishing"})
	}
	for _, h := range hits {
		if h.Fired && !h.Shadow {
			add(Reason{Rule: h.Rule, Verdict: h.Verdict})
		}
	}
	return d
}
