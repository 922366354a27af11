package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/compliance"
)

// integrity is the result of verifying a chain from the console.
type integrity struct {
	OK      bool
	Entries int64
	// Break names the first bad entry of a broken chain.
	Break *audit.Break
	Err   string
	Took  time.Duration
	At    time.Time
}

// verifyAudit verifies the chain the page shows, from its first entry to
// its head, and shows the result above the log (R-C5).
func (c *server) verifyAudit(w http.ResponseWriter, r *http.Request, v *viewer) error {
	chain, err := auditChain(r, v)
	if err != nil {
		return err
	}
	d, err := c.auditPage(r, v)
	if err != nil {
		return err
	}
	start := time.Now()
	n, err := c.d.DB.VerifyAuditChain(r.Context(), chain)
	in := &integrity{OK: err == nil, Entries: n, Took: time.Since(start), At: c.d.Now()}
	if err != nil && !errors.As(err, &in.Break) {
		return err
	}
	d.Integrity = in
	if !in.OK {
		c.d.Log.ErrorContext(r.Context(), "audit chain broken", "chain", chain, "err", err)
	}
	return c.render(w, r, http.StatusOK, "audit", d)
}

// exportAudit downloads the chain's entries of a period as JSON lines, as
// vigil audit export writes them.
func (c *server) exportAudit(w http.ResponseWriter, r *http.Request, v *viewer) error {
	chain, err := auditChain(r, v)
	if err != nil {
		return err
	}
	from, to, msg := dateRange(r, c.d.Now(), 30)
	if msg != "" {
		d, err := c.auditPage(r, v)
		if err != nil {
			return err
		}
		d.Integrity = &integrity{Err: msg}
		return c.render(w, r, http.StatusUnprocessableEntity, "audit", d)
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="audit-%s-%s.jsonl"`, from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)))
	if _, err := c.d.Compliance.AuditLog(r.Context(), chain, from, to, w); err != nil {
		// The download has begun: it ends early, and the log says why.
		c.d.Log.ErrorContext(r.Context(), "console audit export cut off", "err", err)
	}
	return nil
}

// dateRange reads ?from=&to= as days (YYYY-MM-DD, to inclusive) and
// returns the period [from, to+1 day); without them, the last days days
// up to today. msg explains a period it cannot use.
func dateRange(r *http.Request, now time.Time, days int) (from, to time.Time, msg string) {
	day := func(name string, def time.Time) (time.Time, bool) {
		s := r.FormValue(name)
		if s == "" {
			return def, true
		}
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	today := now.UTC().Truncate(24 * time.Hour)
	last, ok := day("to", today)
	if !ok {
		return from, to, "The end date is not a date (YYYY-MM-DD)."
	}
	first, ok := day("from", last.AddDate(0, 0, 1-days))
	if !ok {
		return from, to, "The start date is not a date (YYYY-MM-DD)."
	}
	if last.Before(first) {
		return from, to, "The start date is after the end date."
	}
	return first, last.AddDate(0, 0, 1), ""
}

// transparencyPeriods are the ready-made periods of the transparency
// report, in days.
func transparencyPeriods() []int { return []int{30, 90, 365} }

// transparencyData is the transparency report page.
type transparencyData struct {
	Report compliance.Transparency
	Period periodForm
	Charts []breakdownChart
	// AsOf is when the report was read, when it comes from a snapshot.
	AsOf time.Time
}

// periodForm is a report page's period form (the "period-form"
// partial): the period's first and last days, the ready-made periods,
// and why the period asked for could not be used.
type periodForm struct {
	// Action is the page the form reloads; From and To are the days
	// shown, Query repeats them for a download link.
	Action, From, To, Query string
	Periods                 []periodLink
	Error                   string
	// Fallback names the period shown instead of a wrong one.
	Fallback string
	// Download and DownloadLabel are the page's download of the same
	// period, if it has one.
	Download, DownloadLabel string
}

// periodLink is a ready-made period.
type periodLink struct {
	Label, Href string
	Current     bool
}

// pagePeriod reads a report page's period at path (see dateRange),
// with the last days days by default: a period it cannot use is
// explained, the default shown instead and the status is 422. periods
// are the ready-made periods offered, in days up to today.
func pagePeriod(r *http.Request, now time.Time, path string, days int, periods ...int) (f periodForm, from, to time.Time, status int) {
	from, to, msg := dateRange(r, now, days)
	status = http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
		from, to, _ = dateRange(&http.Request{}, now, days)
	}
	f = periodForm{Action: consolePath + path, From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly), Error: msg}
	f.Query = "from=" + f.From + "&to=" + f.To
	for _, n := range periods {
		first, _, _ := dateRange(&http.Request{}, now, n)
		link := periodLink{Label: fmt.Sprintf("Last %d days", n), Href: f.Action + "?from=" + first.Format(time.DateOnly) + "&to=" + now.UTC().Format(time.DateOnly)}
		link.Current = msg == "" && first.Equal(from) && to.Equal(now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1))
		f.Periods = append(f.Periods, link)
	}
	return f, from, to, status
}

// transparency shows the transparency report of a period with its charts
// (R-C4); transparencyCSV downloads it.
func (c *server) transparency(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	form, from, to, status := pagePeriod(r, c.d.Now(), "transparency", 365, transparencyPeriods()...)
	form.Fallback, form.Download, form.DownloadLabel = "the last year", consolePath+"transparency.csv?"+form.Query, "Download CSV"
	key := fmt.Sprintf("transparency:%s:%d:%d", v.mp.ID, from.UnixMicro(), to.UnixMicro())
	rep, at, err := cached(r.Context(), c.snaps, key, func(ctx context.Context) (compliance.Transparency, error) {
		return c.d.Compliance.Report(ctx, v.mp.ID, from, to)
	})
	if err != nil {
		return err
	}
	return c.render(w, r, status, "transparency", transparencyData{Report: rep, Period: form, Charts: transparencyCharts(rep), AsOf: at})
}

func (c *server) transparencyCSV(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	from, to, msg := dateRange(r, c.d.Now(), 365)
	if msg != "" {
		c.errorPage(w, r, http.StatusUnprocessableEntity, "Wrong period", msg)
		return nil
	}
	rep, err := c.d.Compliance.Report(r.Context(), v.mp.ID, from, to)
	if err != nil {
		return err
	}
	b, err := rep.CSV()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="transparency-%s-%s.csv"`, from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)))
	_, err = w.Write(b)
	return err
}

// transparencyCharts draws the report's breakdowns.
func transparencyCharts(r compliance.Transparency) []breakdownChart {
	a := r.Actions
	return []breakdownChart{
		newBreakdown("chart-notice-group", "Notices by reason group", r.Notices.ByCategory),
		newBreakdown("chart-notice-source", "Notices by source", r.Notices.BySource),
		newBreakdown("chart-case-outcome", "Cases closed by outcome", a.Cases),
		newBreakdown("chart-initiative", "Own initiative or notice", map[string]int{"own_initiative": a.OwnInitiative, "notice_based": a.NoticeBased}),
		newBreakdown("chart-enforcement", "Enforcement by type", a.Enforcement),
		newBreakdown("chart-ground", "Enforcement by ground", a.ByGround),
		newBreakdown("chart-automation", "Automated or by a person", map[string]int{"automated": a.Automated, "manual": a.Manual}),
		newBreakdown("chart-appeals", "Appeals by outcome", r.Appeals.Decided),
	}
}
