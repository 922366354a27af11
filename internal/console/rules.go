package console

import (
	"net/http"

	"github.com/vigil-ts/vigil/internal/compliance"
)

// rulesData is the page of the rules' and detectors' precision (R-C6).
type rulesData struct {
	Precision        compliance.Precision
	Period           periodForm
	Rules, Detectors []precisionRow
	// EnoughJudged is how many judged hits rank a row with the first.
	EnoughJudged int
}

// precisionRow is one rule's or detector's row of the page.
type precisionRow struct {
	// Name is the rule's name or the finding code; Group the rule's check
	// or the code's detector family.
	Name, Group string
	Shadow      bool
	// WouldHaveDone and WouldChange are a shadow rule's verdict and the
	// decisions it would have made stricter.
	WouldHaveDone string
	WouldChange   int
	compliance.Figures
	// Shown is the precision for people ("83%", "—" when none was
	// judged); Bar is its bar's length in percent, Low marks a
	// precision under one half, Few one resting on fewer judged hits
	// than the ranking needs.
	Shown    string
	Bar      float64
	Low, Few bool
}

// newPrecisionRow fills in how a row's precision is shown.
func newPrecisionRow(name, group string, f compliance.Figures) precisionRow {
	r := precisionRow{Name: name, Group: group, Figures: f, Shown: "—"}
	if p := f.Precision; p != nil {
		r.Shown, r.Bar, r.Low = number(*p*100)+"%", round1(*p*100), *p < 0.5
		r.Few = f.Judged < compliance.EnoughJudged
	}
	return r
}

// rulePrecision shows how often people upheld each custom rule (shadow
// rules with what they would have done) and each detector over a period,
// worst precision first.
func (c *server) rulePrecision(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	form, from, to, status := pagePeriod(r, c.d.Now(), "rules", 90, transparencyPeriods()...)
	form.Fallback = "the last 90 days"
	p, err := c.d.Compliance.Precision(r.Context(), v.mp.ID, from, to)
	if err != nil {
		return err
	}
	d := rulesData{Precision: p, Period: form, EnoughJudged: compliance.EnoughJudged}
	for _, rp := range p.Rules {
		row := newPrecisionRow(rp.Rule, rp.Check, rp.Figures)
		row.Shadow, row.WouldHaveDone, row.WouldChange = rp.Shadow, rp.WouldHaveDone, rp.WouldChange
		d.Rules = append(d.Rules, row)
	}
	for _, dp := range p.Detectors {
		d.Detectors = append(d.Detectors, newPrecisionRow(dp.Code, dp.Detector, dp.Figures))
	}
	return c.render(w, r, status, "rules", d)
}
