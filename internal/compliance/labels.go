package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// The feedback loop (R-C6): every automated decision a person later
// judged, with what they found, as labelled data for training; and from
// the same labels each rule's and detector's precision.
//
// A decision speaks for its subject — a listing's version, a message, a
// review — from when it was made until the subject's next decision. The
// person's word on it is the last of:
//   - the last case on the subject a moderator closed in that time: a
//     breach found (resolved, warned, content_removed, listing_paused,
//     changes_requested) or none (no_violation, approved), see
//     cases.FoundViolation; this is how a held decision's proactive case
//     judges it, and how a report judges a decision that let content
//     through;
//   - the last move of the listing a moderator made outside a case in
//     that time: approved is no breach, any other status a breach;
//   - an appeal decided against that case (maintain keeps its finding,
//     reverse turns it round) or against the decision itself (maintain:
//     the decision was right, reverse: it was wrong).
//
// The decision is upheld when the person agrees with it — a breach where
// it restricted the content (any outcome but the check's mildest:
// approved, allow, publish) or flagged it for review, no breach where it
// let the content through — and overturned otherwise.

// The human outcome of a judged decision.
const (
	// Upheld: the person agreed with the decision.
	Upheld = "upheld"
	// Overturned: the person disagreed with it.
	Overturned = "overturned"
)

// LabelledDecision is one line of the labelled-data export: an automated
// decision with its features and the human outcome. It carries no
// personal data beyond what the features need: no account, sender,
// recipient, author or reporter id, no email or phone (contact details
// found in a text are masked, and their findings carry no value), no
// street or full postcode.
type LabelledDecision struct {
	DecisionID string `json:"decision_id"`
	// Kind is the check: listing, message or review.
	Kind    string  `json:"kind"`
	Subject Subject `json:"subject"`
	// Category is the listing's category.
	Category string `json:"category,omitempty"`
	// Outcome is what the check decided.
	Outcome string `json:"outcome"`
	// Restricts is whether the decision restricted or flagged the
	// content: what a person's finding of a breach upholds.
	Restricts     bool      `json:"restricts"`
	PolicyVersion int64     `json:"policy_version"`
	CreatedAt     time.Time `json:"created_at"`
	Findings      []Finding `json:"findings"`
	// RuleHits are the custom rules evaluated, shadow ones marked.
	RuleHits []policy.RuleHit `json:"rule_hits"`
	Reasons  []Reason         `json:"reasons"`
	// Features are the input fields the checks read.
	Features Features `json:"features"`
	// Label is Upheld or Overturned; null for a decision no person
	// judged (exported only when asked for all decisions).
	Label *string `json:"label"`
	// Violation is what the person found: a breach of the rules or
	// none; null when no person judged the decision.
	Violation *bool `json:"violation"`
	// Judgements are the people's judgements behind the label, oldest
	// first; the last one decides.
	Judgements []Judgement `json:"judgements,omitempty"`
}

// Subject is what a decision was about.
type Subject struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// Finding is a detector's finding as a feature: its code, the detector
// family (the code's first part: contact, link, price, scam …), where it
// was found and the value measured. Contact details' values are left out.
type Finding struct {
	Code      string       `json:"code"`
	Detector  string       `json:"detector"`
	Field     string       `json:"field,omitempty"`
	Span      *detect.Span `json:"span,omitempty"`
	Value     string       `json:"value,omitempty"`
	Threshold string       `json:"threshold,omitempty"`
}

// Reason is one finding or rule and the verdict it led to.
type Reason struct {
	// Code is the finding's code, for a finding.
	Code string `json:"code,omitempty"`
	// Rule is the rule's name, for a rule.
	Rule string `json:"rule,omitempty"`
	// Key is the outcomes key that matched the finding's code.
	Key string `json:"key,omitempty"`
	policy.Verdict
}

// Features are the fields of the checked content the checks read: a
// listing's title, description, price, attributes, image count and public
// area; a message's or review's text, a review's rating. Contact details
// found in a text are replaced by "[hidden]".
type Features struct {
	Title       string         `json:"title,omitempty"`
	Description string         `json:"description,omitempty"`
	Text        string         `json:"text,omitempty"`
	Price       *event.Money   `json:"price,omitempty"`
	Attributes  map[string]any `json:"attributes,omitempty"`
	ImageCount  int            `json:"image_count,omitempty"`
	// Area is the listing's city, country and postcode prefix, as the
	// public trust view shows it.
	Area *listing.Area `json:"area,omitempty"`
	// Rating is a review's stars.
	Rating int `json:"rating,omitempty"`
	// AboutListing marks a message sent about a listing.
	AboutListing bool `json:"about_listing,omitempty"`
}

// Judgement is one person's word on a decision or its subject.
type Judgement struct {
	// By is case (a moderator closed the case on the subject),
	// listing_move (a moderator moved the listing outside a case) or
	// appeal (an appeals reviewer decided an appeal against that case or
	// against the decision).
	By      string    `json:"by" enum:"case,listing_move,appeal"`
	ID      string    `json:"id"`
	Outcome string    `json:"outcome" doc:"The case's outcome, the listing's new status or the appeal's outcome (maintain, reverse)."`
	At      time.Time `json:"at"`
	// Violation is what the judgement leaves standing: a breach of the
	// rules, or none.
	Violation bool `json:"violation"`
}

// Labels writes the decisions made in [from, to) that a person judged,
// one LabelledDecision per line (JSON Lines), oldest first; with all,
// every decision of the period, those nobody judged with a null label.
// It returns how many it wrote.
func (s *Service) Labels(ctx context.Context, marketplaceID string, from, to time.Time, all bool, w io.Writer) (int, error) {
	j, err := s.judged(ctx, marketplaceID, from)
	if err != nil {
		return 0, err
	}
	chars, err := s.areaChars(ctx, marketplaceID)
	if err != nil {
		return 0, err
	}
	enc := json.NewEncoder(w)
	n := 0
	err = s.DB.ScanDecisionSpans(ctx, marketplaceID, from, to, func(d store.DecisionSpan) error {
		l, err := labelled(d, j, chars)
		if err != nil {
			return fmt.Errorf("decision %s: %w", d.ID, err)
		}
		if l.Label == nil && !all {
			return nil
		}
		n++
		return enc.Encode(l)
	})
	return n, err
}

// areaChars is how much of a postcode the marketplace shows the public.
func (s *Service) areaChars(ctx context.Context, marketplaceID string) (int, error) {
	if s.Policies == nil {
		return policy.Default().Listing.AreaPostcodeChars, nil
	}
	p, err := s.Policies.Policy(ctx, marketplaceID)
	if err != nil {
		return 0, err
	}
	return p.Listing.AreaPostcodeChars, nil
}

// decoded is a stored decision's JSON documents, read back.
type decoded struct {
	findings []detect.Finding
	hits     []policy.RuleHit
	reasons  []policy.Reason
}

func decode(d store.Decision) (decoded, error) {
	var x decoded
	for _, doc := range []struct {
		raw json.RawMessage
		dst any
	}{{d.Findings, &x.findings}, {d.RuleHits, &x.hits}, {d.Reasons, &x.reasons}} {
		if len(doc.raw) == 0 {
			continue
		}
		if err := json.Unmarshal(doc.raw, doc.dst); err != nil {
			return x, err
		}
	}
	return x, nil
}

// restricts reports whether a decision restricted or flagged its content:
// an outcome other than the check's mildest, or a reason that flags it
// for review.
func restricts(d store.Decision, reasons []policy.Reason) bool {
	if outs := policy.Check(d.Kind).Outcomes(); len(outs) > 0 && d.Outcome != outs[0] {
		return true
	}
	return slices.ContainsFunc(reasons, func(r policy.Reason) bool { return r.Flag })
}

// labelled builds a decision's export line.
func labelled(d store.DecisionSpan, j judged, areaChars int) (LabelledDecision, error) {
	x, err := decode(d.Decision)
	if err != nil {
		return LabelledDecision{}, err
	}
	l := LabelledDecision{DecisionID: d.ID, Kind: d.Kind, Subject: Subject{Type: d.SubjectType, ID: d.SubjectID}, Category: d.Category,
		Outcome: d.Outcome, Restricts: restricts(d.Decision, x.reasons), PolicyVersion: d.PolicyVersion, CreatedAt: d.CreatedAt,
		Findings: make([]Finding, 0, len(x.findings)), RuleHits: x.hits, Reasons: make([]Reason, 0, len(x.reasons))}
	if l.RuleHits == nil {
		l.RuleHits = []policy.RuleHit{}
	}
	for _, f := range x.findings {
		ff := Finding{Code: f.Code, Detector: Detector(f.Code), Field: f.Field, Span: f.Span, Value: f.Value, Threshold: f.Threshold}
		if personal(f.Code) {
			ff.Value = ""
		}
		l.Findings = append(l.Findings, ff)
	}
	for _, r := range x.reasons {
		rr := Reason{Rule: r.Rule, Key: r.Key, Verdict: r.Verdict}
		if r.Finding != nil {
			rr.Code = r.Finding.Code
		}
		l.Reasons = append(l.Reasons, rr)
	}
	if l.Features, err = features(d.Decision, x.findings, areaChars); err != nil {
		return l, err
	}
	l.Judgements = j.of(d, l.Restricts)
	if n := len(l.Judgements); n > 0 {
		v := l.Judgements[n-1].Violation
		label := Overturned
		if v == l.Restricts {
			label = Upheld
		}
		l.Label, l.Violation = &label, &v
	}
	return l, nil
}

// Detector is the detector family of a finding code: its first part
// ("contact" for contact.phone, "price" for price.below_market).
func Detector(code string) string {
	family, _, _ := strings.Cut(code, ".")
	return family
}

// personal reports whether a finding's value is personal data: a phone
// number, an email address, a messenger handle or a contact URL.
func personal(code string) bool { return Detector(code) == "contact" }

// features reads the checked content's fields from the decision's input,
// with the contact details found in its texts masked.
func features(d store.Decision, findings []detect.Finding, areaChars int) (Features, error) {
	masked := func(field, s string) string {
		var fs []detect.Finding
		for _, f := range findings {
			if f.Field == field && personal(f.Code) {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			return s
		}
		return text.Mask(s, fs)
	}
	var f Features
	var err error
	switch policy.Check(d.Kind) {
	case policy.CheckListing:
		var l event.ListingUpserted
		if err = json.Unmarshal(d.Input, &l); err == nil {
			f.Title, f.Description, f.Price = masked("title", l.Title), masked("description", l.Description), &l.Price
			f.Attributes, f.ImageCount = l.Attributes, len(l.Images)
			if l.Location != nil {
				a := listing.AreaOf(l.Location, areaChars)
				f.Area = &a
			}
		}
	case policy.CheckMessage:
		var m event.MessageSent
		if err = json.Unmarshal(d.Input, &m); err == nil {
			f.Text, f.AboutListing = masked("text", m.Text), m.ListingID != ""
		}
	case policy.CheckReview:
		var r event.ReviewSubmitted
		if err = json.Unmarshal(d.Input, &r); err == nil {
			f.Text, f.Rating = masked("text", r.Text), r.Rating
		}
	}
	return f, err
}

// judged is what people said since a period began: cases and listing
// moves by subject, appeals by what they appealed, each oldest first.
type judged struct {
	bySubject map[[2]string][]store.Judgement
	appeals   map[[2]string][]store.Judgement
}

// judged loads the judgements made at or after since.
func (s *Service) judged(ctx context.Context, marketplaceID string, since time.Time) (judged, error) {
	js, err := s.DB.Judgements(ctx, marketplaceID, since)
	j := judged{bySubject: map[[2]string][]store.Judgement{}, appeals: map[[2]string][]store.Judgement{}}
	for _, x := range js {
		key := [2]string{x.TargetType, x.TargetID}
		switch {
		case x.Source != store.JudgedByAppeal:
			j.bySubject[key] = append(j.bySubject[key], x)
		case x.Outcome == appeal.Maintain || x.Outcome == appeal.Reverse:
			// Content decisions are only maintained or reversed.
			j.appeals[key] = append(j.appeals[key], x)
		}
	}
	return j, err
}

// of returns the judgements of decision d, oldest first: the last case
// or listing move on its subject while d spoke for it, the appeals
// against that case, and the appeals against d. restricts is whether d
// restricted or flagged its content.
func (j judged) of(d store.DecisionSpan, restricts bool) []Judgement {
	var out []Judgement
	var last *store.Judgement
	for i, x := range j.bySubject[[2]string{d.SubjectType, d.SubjectID}] {
		if x.At.Before(d.CreatedAt) {
			continue
		}
		if !d.Superseded.IsZero() && !x.At.Before(d.Superseded) {
			break
		}
		last = &j.bySubject[[2]string{d.SubjectType, d.SubjectID}][i]
	}
	appealed := func(a store.Judgement, stands bool) Judgement {
		return Judgement{By: a.Source, ID: a.ID, Outcome: a.Outcome, At: a.At, Violation: stands != (a.Outcome == appeal.Reverse)}
	}
	if last != nil {
		found := last.Outcome != listing.Approved
		if last.Source == store.JudgedByCase {
			found = cases.FoundViolation(last.Outcome)
		}
		out = append(out, Judgement{By: last.Source, ID: last.ID, Outcome: last.Outcome, At: last.At, Violation: found})
		if last.Source == store.JudgedByCase {
			for _, a := range j.appeals[[2]string{appeal.SubjectCase, last.ID}] {
				out = append(out, appealed(a, found))
			}
		}
	}
	for _, a := range j.appeals[[2]string{appeal.SubjectDecision, d.ID}] {
		out = append(out, appealed(a, restricts))
	}
	slices.SortStableFunc(out, func(a, b Judgement) int { return a.At.Compare(b.At) })
	return out
}
