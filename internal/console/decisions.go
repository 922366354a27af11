package console

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/store"
)

// decisionsData is the decisions page: recent decisions and the open
// proactive cases.
type decisionsData struct {
	Decisions []decisionRow
	// Cases are the open proactive cases: what checks and the risk score
	// held for a person (the "case-table" partial); More is set when there
	// are more than one page of them.
	Cases []caseRow
	More  bool
}

type decisionRow struct {
	store.Decision
	Codes []string
}

// decisions lists recent automated decisions and the open proactive cases
// they opened.
func (c *server) decisions(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	ctx := r.Context()
	ds, err := c.d.DB.Decisions(ctx, store.DecisionsQuery{MarketplaceID: v.mp.ID, Limit: 100})
	if err != nil {
		return err
	}
	var d decisionsData
	for _, dec := range ds {
		var fs []detect.Finding
		if err := json.Unmarshal(dec.Findings, &fs); err != nil {
			return err
		}
		row := decisionRow{Decision: dec}
		for _, f := range fs {
			row.Codes = append(row.Codes, f.Code)
		}
		d.Decisions = append(d.Decisions, row)
	}
	page, err := c.d.Cases.List(ctx, v.mp.ID, cases.ListQuery{Source: "proactive"})
	if err != nil {
		return err
	}
	if d.Cases, err = c.caseRows(ctx, v, page.Items, false); err != nil {
		return err
	}
	d.More = page.NextCursor != ""
	return c.render(w, r, http.StatusOK, "decisions", d)
}

// decisionData is one decision's page: the decision, its result, the
// checked data with the evidence marked, the case it opened, if any, and
// its audit trail.
type decisionData struct {
	Decision store.Decision
	Result   check.Decided
	shownData
	Case  *store.Case
	Trail trail
}

// shownData is an entity's data as moderators see it: its texts with the
// findings' evidence marked, and all of it as indented JSON, without the
// exact street address, which stays out of sight (R-L9).
type shownData struct {
	Texts []highlighted
	JSON  string
}

// textFields are the fields shown as text with their evidence: the ones
// the text detectors scan.
func textFields() []string { return []string{"title", "description", "text", "display_name"} }

// showData prepares an entity's stored data (or a check's input) for a
// page, marking the findings' evidence in its texts.
func showData(raw json.RawMessage, fs []detect.Finding) (shownData, error) {
	var data map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		return shownData{}, err
	}
	var d shownData
	for _, field := range textFields() {
		if s, ok := data[field].(string); ok && s != "" {
			d.Texts = append(d.Texts, highlight(field, s, fs))
		}
	}
	if loc, ok := data["location"].(map[string]any); ok {
		delete(loc, "street")
	}
	pretty, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return shownData{}, err
	}
	d.JSON = string(pretty)
	return d, nil
}

// highlighted is one text field of the checked entity cut into segments,
// the ones a finding points at marked with its code.
type highlighted struct {
	Field    string
	Segments []segment
}

type segment struct {
	Text string
	Code string // empty for unmarked text
}

// loadDecision gathers a decision's page, its evidence in place.
func (c *server) loadDecision(ctx context.Context, v *viewer, id string) (decisionData, error) {
	dec, err := c.d.DB.Decision(ctx, v.mp.ID, id)
	if err != nil {
		return decisionData{}, err
	}
	res, err := check.ResultOf(dec)
	if err != nil {
		return decisionData{}, err
	}
	d := decisionData{Decision: dec, Result: res}
	if d.shownData, err = showData(dec.Input, res.Findings); err != nil {
		return d, err
	}
	if d.Case, err = c.heldIn(ctx, dec); err != nil {
		return d, err
	}
	name, err := c.actorNames(ctx, v.mp.ID)
	if err != nil {
		return d, err
	}
	d.Trail, err = c.loadTrail(ctx, v, name, itemRef{Type: "decision", ID: id}, decisionTrail(dec, d.Case))
	return d, err
}

// highlight cuts text at the spans of the findings on field. Overlapping
// spans keep the first; spans outside the text are ignored, and so are
// spans that no longer read as their finding's match (the text changed
// since it was checked).
func highlight(field, text string, fs []detect.Finding) highlighted {
	var spans []detect.Finding
	for _, f := range fs {
		if f.Field == field && f.Span != nil && f.Span.Start >= 0 && f.Span.End <= len(text) && f.Span.Start < f.Span.End &&
			(f.Match == "" || text[f.Span.Start:f.Span.End] == f.Match) {
			spans = append(spans, f)
		}
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].Span.Start < spans[j].Span.Start })
	h := highlighted{Field: field}
	pos := 0
	for _, f := range spans {
		if f.Span.Start < pos {
			continue
		}
		if f.Span.Start > pos {
			h.Segments = append(h.Segments, segment{Text: text[pos:f.Span.Start]})
		}
		h.Segments = append(h.Segments, segment{Text: text[f.Span.Start:f.Span.End], Code: f.Code})
		pos = f.Span.End
	}
	if pos < len(text) {
		h.Segments = append(h.Segments, segment{Text: text[pos:]})
	}
	return h
}
