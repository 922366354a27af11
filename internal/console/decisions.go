package console

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

type decisionsData struct {
	Decisions []decisionRow
	Review    []store.ReviewItem
}

type decisionRow struct {
	store.Decision
	Codes []string
}

// decisions lists recent automated decisions and what waits for review.
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
	if d.Review, err = c.d.DB.PendingReviewItems(ctx, v.mp.ID, 100); err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "decisions", d)
}

type decisionData struct {
	Decision store.Decision
	Result   check.Decided
	Texts    []highlighted
	Input    string
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

// decision shows one decision with its evidence in place.
func (c *server) decision(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	dec, err := c.d.DB.Decision(r.Context(), v.mp.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	res, err := check.ResultOf(dec)
	if err != nil {
		return err
	}
	var input map[string]any
	if err := json.Unmarshal(dec.Input, &input); err != nil {
		return err
	}
	d := decisionData{Decision: dec, Result: res}
	for _, field := range []string{"title", "description", "text"} {
		if s, ok := input[field].(string); ok && s != "" {
			d.Texts = append(d.Texts, highlight(field, s, res.Findings))
		}
	}
	if loc, ok := input["location"].(map[string]any); ok {
		delete(loc, "street") // exact addresses stay out of sight (R-L9)
	}
	pretty, err := json.MarshalIndent(input, "", "  ")
	if err != nil {
		return err
	}
	d.Input = string(pretty)
	return c.render(w, r, http.StatusOK, "decision", d)
}

// highlight cuts text at the spans of the findings on field. Overlapping
// spans keep the first; spans outside the text are ignored.
func highlight(field, text string, fs []detect.Finding) highlighted {
	var spans []detect.Finding
	for _, f := range fs {
		if f.Field == field && f.Span != nil && f.Span.Start >= 0 && f.Span.End <= len(text) && f.Span.Start < f.Span.End {
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

type policyData struct {
	Category   string
	Categories []string
	Version    int64
	Effective  string
}

// policyPage shows the policy in force for a category.
func (c *server) policyPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	eff, err := c.d.Policies.Get(r.Context(), v.mp.ID)
	if err != nil {
		return err
	}
	cat := r.URL.Query().Get("category")
	y, err := policy.Marshal(eff.Compiled.Policy(cat))
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "policy", policyData{Category: cat, Categories: eff.Compiled.Categories(), Version: eff.Version, Effective: string(y)})
}
