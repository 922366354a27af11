package compliance

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
)

// Transparency is a marketplace's transparency report over a period
// (R-C4): notices and reports by category and source, actions by type and
// ground, own-initiative against notice-based, automated against manual,
// the median time to action, appeals and their outcomes, and reporters
// suspended for misuse (R-R10).
type Transparency struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Notices counts what users and flaggers sent.
	Notices NoticeFigures `json:"notices"`
	Actions ActionFigures `json:"actions"`
	Appeals appeal.Stats  `json:"appeals"`
	// MisuseSuspensions counts reporters suspended for manifestly
	// unfounded reports.
	MisuseSuspensions int `json:"misuse_suspensions"`
}

// NoticeFigures are the notices and reports received.
type NoticeFigures struct {
	Total int `json:"total"`
	// DSA counts the DSA notices among them.
	DSA        int            `json:"dsa_notices"`
	ByCategory map[string]int `json:"by_category" doc:"By reason group (fraud, safety, content, …)."`
	BySource   map[string]int `json:"by_source" doc:"By reporter type: user, trusted_flagger, internal."`
}

// ActionFigures are the decisions taken.
type ActionFigures struct {
	// Cases counts the cases closed by outcome.
	Cases map[string]int `json:"cases_by_outcome"`
	// OwnInitiative cases were opened by Vigil's checks, rules or risk
	// score; NoticeBased by reports and notices.
	OwnInitiative int `json:"own_initiative"`
	NoticeBased   int `json:"notice_based"`
	// Enforcement counts the account enforcement steps by what they did
	// (tier:restricted, sanction:early_payout_loss, termination_scheduled
	// …) and by ground, and how many automation took.
	Enforcement map[string]int `json:"enforcement_by_type" doc:"tier:TIER for a move to that tier, sanction:KIND for a sanction, else the step (sanction_lifted, termination_scheduled …)."`
	ByGround    map[string]int `json:"enforcement_by_ground"`
	// Automated counts the checks' decisions and automation's steps;
	// Manual the cases people closed and the steps people took.
	Automated int `json:"automated"`
	Manual    int `json:"manual"`
	// Decisions counts the automated checks' decisions by kind/outcome.
	Decisions map[string]int `json:"automated_decisions"`
	// MedianHours is the median time from a case opening to its decision.
	MedianHours float64 `json:"median_hours_to_action"`
}

// Report computes the transparency report for [from, to).
func (s *Service) Report(ctx context.Context, marketplaceID string, from, to time.Time) (Transparency, error) {
	r := Transparency{From: from, To: to,
		Notices: NoticeFigures{ByCategory: map[string]int{}, BySource: map[string]int{}},
		Actions: ActionFigures{Cases: map[string]int{}, Enforcement: map[string]int{}, ByGround: map[string]int{}, Decisions: map[string]int{}}}
	reps, err := s.DB.ReportTallies(ctx, marketplaceID, from, to)
	if err != nil {
		return r, err
	}
	for _, t := range reps {
		r.Notices.Total += t.Count
		r.Notices.ByCategory[t.Keys[0]] += t.Count
		r.Notices.BySource[t.Keys[1]] += t.Count
		if t.Keys[2] == "notice" {
			r.Notices.DSA += t.Count
		}
	}
	cs, err := s.DB.CaseTallies(ctx, marketplaceID, from, to)
	if err != nil {
		return r, err
	}
	for _, t := range cs {
		// A moderator closes every case: each closure is a decision by
		// a person.
		r.Actions.Cases[t.Keys[0]] += t.Count
		r.Actions.Manual += t.Count
		if t.Keys[1] == "report" {
			r.Actions.NoticeBased += t.Count
		} else {
			r.Actions.OwnInitiative += t.Count
		}
	}
	times, err := s.DB.CaseHandlingTimes(ctx, marketplaceID, from, to)
	if err != nil {
		return r, err
	}
	r.Actions.MedianHours = appeal.MedianHours(times)
	en, err := s.DB.EnforcementTallies(ctx, marketplaceID, from, to)
	if err != nil {
		return r, err
	}
	for _, t := range en {
		r.Actions.Enforcement[t.Keys[0]] += t.Count
		if t.Keys[1] != "" {
			r.Actions.ByGround[t.Keys[1]] += t.Count
		}
		if t.Keys[2] == "automated" {
			r.Actions.Automated += t.Count
		} else {
			r.Actions.Manual += t.Count
		}
	}
	ds, err := s.DB.DecisionTallies(ctx, marketplaceID, from, to)
	if err != nil {
		return r, err
	}
	for _, t := range ds {
		r.Actions.Decisions[t.Keys[0]+"/"+t.Keys[1]] += t.Count
		r.Actions.Automated += t.Count
	}
	if s.Appeals != nil {
		if r.Appeals, err = s.Appeals.Statistics(ctx, marketplaceID, from, to); err != nil {
			return r, err
		}
	}
	r.MisuseSuspensions, err = s.DB.AuditCount(ctx, marketplaceID, "reporter.suspended", from, to)
	return r, err
}

// CSV writes the report as section, item, value rows, for spreadsheets.
func (r Transparency) CSV() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	row := func(section, item string, v any) { _ = w.Write([]string{section, item, fmt.Sprint(v)}) }
	each := func(section string, m map[string]int) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			row(section, k, m[k])
		}
	}
	row("section", "item", "value")
	row("period", "from", r.From.UTC().Format(time.RFC3339))
	row("period", "to", r.To.UTC().Format(time.RFC3339))
	row("notices", "total", r.Notices.Total)
	row("notices", "dsa_notices", r.Notices.DSA)
	each("notices_by_category", r.Notices.ByCategory)
	each("notices_by_source", r.Notices.BySource)
	each("cases_by_outcome", r.Actions.Cases)
	row("actions", "own_initiative", r.Actions.OwnInitiative)
	row("actions", "notice_based", r.Actions.NoticeBased)
	row("actions", "automated", r.Actions.Automated)
	row("actions", "manual", r.Actions.Manual)
	row("actions", "median_hours_to_action", strconv.FormatFloat(r.Actions.MedianHours, 'f', 2, 64))
	each("enforcement_by_type", r.Actions.Enforcement)
	each("enforcement_by_ground", r.Actions.ByGround)
	each("automated_decisions", r.Actions.Decisions)
	row("appeals", "filed", r.Appeals.Filed)
	each("appeals_by_outcome", r.Appeals.Decided)
	row("appeals", "reversal_rate", strconv.FormatFloat(r.Appeals.Reversed, 'f', 3, 64))
	row("appeals", "median_handling_hours", strconv.FormatFloat(r.Appeals.MedianHrs, 'f', 2, 64))
	row("misuse", "reporters_suspended", r.MisuseSuspensions)
	w.Flush()
	return b.Bytes(), w.Error()
}
