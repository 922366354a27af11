package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// welcomeData tells the welcome page whom it speaks to.
type welcomeData struct {
	Admin bool
}

// noMarketplace answers a page that works in a marketplace when none
// exists yet (a fresh install), explaining how to create one.
func (c *server) noMarketplace(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return c.render(w, r, http.StatusOK, "welcome", welcomeData{Admin: v.admin() && v.operator()})
}

// auditRow is an audit entry with its actor named for people.
type auditRow struct {
	audit.Entry
	Actor string
}

// auditRows names each entry's actor for people (see actorNames).
func (c *server) auditRows(ctx context.Context, chain string, entries []audit.Entry) ([]auditRow, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	name, err := c.actorNames(ctx, chain)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{Entry: e, Actor: name(e.ActorType, e.ActorID)}
	}
	return rows, nil
}

// actorNames returns a function that names an actor for people: users by
// username, API keys by name (looked up in chain's marketplace), the
// system by job.
func (c *server) actorNames(ctx context.Context, chain string) (func(typ, id string) string, error) {
	users, err := c.d.DB.Users(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[audit.ActorUser+" "+u.ID] = u.Username
	}
	if chain != audit.SystemChain {
		keys, err := c.d.DB.APIKeys(ctx, chain)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			names[audit.ActorAPIKey+" "+k.ID] = "API key “" + k.Name + "”"
		}
	}
	return func(typ, id string) string {
		if n, ok := names[typ+" "+id]; ok {
			return n
		}
		if typ == audit.ActorSystem {
			return "System (" + id + ")"
		}
		return typ + " " + id
	}, nil
}

// dashboardData is the dashboard's content.
type dashboardData struct {
	Banner alertBanner
	// Queue is the moderation queue now; Spans its history over the
	// chosen range, oldest first, drawn in Charts.
	Queue  store.QueueStats
	Spans  []store.CaseBucket
	Charts []barChart
	// Recommended counts the recommendations waiting for a person (More:
	// at least that many).
	Recommended int
	More        bool
	// Appeals counts the open appeals, Overdue those past their SLA
	// (MoreAppeals: at least that many).
	Appeals, Overdue int
	MoreAppeals      bool
	// Range is the period shown, one of Ranges.
	Range  dashboardRange
	Ranges []dashboardRange
	Counts store.Counts
	Events []store.StoredEvent
	Audit  []auditRow
}

// dashboardRange is a period the dashboard's charts offer: N spans of
// Span each, the current one last.
type dashboardRange struct {
	Key, Label string
	Span       time.Duration
	N          int
}

// Hourly reports whether the range is shown hour by hour.
func (r dashboardRange) Hourly() bool { return r.Span < 24*time.Hour }

// dashboardRanges are the periods the dashboard offers, shortest first;
// the one marked default is shown unless another is asked for.
func dashboardRanges() (ranges []dashboardRange, def int) {
	const day = 24 * time.Hour
	return []dashboardRange{{"24h", "24 hours", time.Hour, 24}, {"7d", "7 days", day, 7}, {"14d", "14 days", day, 14}, {"30d", "30 days", day, 30}}, 2
}

// pickDashboardRange reads ?range=, falling back to the default range.
func pickDashboardRange(key string) (dashboardRange, []dashboardRange) {
	ranges, def := dashboardRanges()
	for _, r := range ranges {
		if r.Key == key {
			return r, ranges
		}
	}
	return ranges[def], ranges
}

// recent is how many events and audit entries the dashboard shows.
const recent = 10

// dashboard shows the marketplace at a glance: the alerts, the moderation
// queue now and over the chosen days with the recommendations waiting, the
// entity totals, and the latest events and changes.
func (c *server) dashboard(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	ctx := r.Context()
	var d dashboardData
	d.Range, d.Ranges = pickDashboardRange(r.URL.Query().Get("range"))
	var err error
	if d.Banner, err = c.alertBanner(ctx, v, ""); err != nil {
		return err
	}
	q, err := c.d.Cases.Dashboard(ctx, v.mp.ID, d.Range.Span, d.Range.N)
	if err != nil {
		return err
	}
	d.Queue, d.Spans, d.Charts = q.Now, q.Spans, queueCharts(q.Spans, d.Range.Span)
	if d.Recommended, d.More, err = c.pendingRecommendations(ctx, v.mp.ID); err != nil {
		return err
	}
	if d.Appeals, d.Overdue, d.MoreAppeals, err = c.openAppeals(ctx, v.mp.ID); err != nil {
		return err
	}
	if d.Counts, err = c.d.DB.Counts(ctx, v.mp.ID); err != nil {
		return err
	}
	if d.Events, err = c.d.DB.Events(ctx, store.EventsQuery{MarketplaceID: v.mp.ID, Limit: recent}); err != nil {
		return err
	}
	entries, err := c.d.DB.AuditEntries(ctx, store.AuditQuery{Chain: v.mp.ID, Newest: true, Limit: recent})
	if err != nil {
		return err
	}
	if d.Audit, err = c.auditRows(ctx, v.mp.ID, entries); err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "dashboard", d)
}

// auditPageSize is how many entries one page of the audit log shows.
const auditPageSize = 50

// auditData is one page of a chain, newest first.
type auditData struct {
	// System is set when showing the operators' chain rather than the
	// marketplace's.
	System  bool
	CanView bool // whether the viewer may switch to the operators' chain
	Rows    []auditRow
	// Newer and Older link to the neighbouring pages; empty at the ends.
	Newer, Older string
	// Admins may verify the chain and export it (see compliance.go);
	// Integrity is the result of a verification just run.
	Admin     bool
	Integrity *integrity
	// From and To are the export form's default period.
	From, To string
}

// auditLog shows a chain newest first, a page at a time. A page ends
// before an entry (?before=SEQ). store.AuditQuery can only select entries
// after a sequence number, but a chain's numbers run 1, 2, 3… without gaps
// (its verification depends on it), so the page before SEQ is exactly the
// entries after SEQ-1-pageSize.
func (c *server) auditLog(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if !auditSystem(r) && v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	d, err := c.auditPage(r, v)
	if err != nil {
		return err
	}
	return c.render(w, r, http.StatusOK, "audit", d)
}

// auditSystem says whether an audit page is for the operators' chain
// (?chain=system) rather than the marketplace's.
func auditSystem(r *http.Request) bool { return r.URL.Query().Get("chain") == "system" }

// auditChain is the chain an audit page is for: the operators' only for
// operators, else the marketplace's, which must be chosen.
func auditChain(r *http.Request, v *viewer) (string, error) {
	switch {
	case auditSystem(r) && !v.operator():
		return "", store.ErrNotFound
	case auditSystem(r):
		return audit.SystemChain, nil
	case v.mp == nil:
		return "", store.ErrNotFound
	}
	return v.mp.ID, nil
}

// auditPage gathers a page of the audit log.
func (c *server) auditPage(r *http.Request, v *viewer) (auditData, error) {
	ctx := r.Context()
	q := r.URL.Query()
	d := auditData{System: auditSystem(r), CanView: v.operator(), Admin: v.admin()}
	chain, err := auditChain(r, v)
	if err != nil {
		return d, err
	}
	now := c.d.Now()
	d.From, d.To = now.AddDate(0, 0, -30).Format(time.DateOnly), now.Format(time.DateOnly)
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var entries []audit.Entry
	switch {
	case before <= 0:
		entries, err = c.d.DB.AuditEntries(ctx, store.AuditQuery{Chain: chain, Newest: true, Limit: auditPageSize})
	case before > 1:
		after := max(0, before-1-auditPageSize)
		// Limit is never 0 here, which the store would read as "no limit".
		entries, err = c.d.DB.AuditEntries(ctx, store.AuditQuery{Chain: chain, AfterSeq: after, Limit: int(before - 1 - after)})
		slices.Reverse(entries)
	}
	if err != nil {
		return d, err
	}
	head, _, err := c.d.DB.AuditHead(ctx, chain)
	if err != nil {
		return d, err
	}
	if d.Rows, err = c.auditRows(ctx, chain, entries); err != nil {
		return d, err
	}
	if n := len(entries); n > 0 {
		page := func(before int64) string {
			p := url.Values{}
			if d.System {
				p.Set("chain", "system")
			}
			if before > 0 {
				p.Set("before", strconv.FormatInt(before, 10))
			}
			if len(p) == 0 {
				return consolePath + "audit"
			}
			return consolePath + "audit?" + p.Encode()
		}
		if oldest := entries[n-1].Seq; oldest > 1 {
			d.Older = page(oldest)
		}
		if newest := entries[0].Seq; newest < head {
			next := newest + 1 + auditPageSize
			if next > head {
				next = 0 // the newest page
			}
			d.Newer = page(next)
		}
	}
	return d, nil
}
