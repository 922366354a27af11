package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"golang.org/x/sync/errgroup"
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

// briefDetail is how many characters of a detail an item page's trail
// shows.
const briefDetail = 120

// Short is the entry's detail cut to briefDetail characters.
func (r auditRow) Short() string {
	if d := []rune(r.Detail); len(d) > briefDetail {
		return string(d[:briefDetail]) + "…"
	}
	return r.Detail
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
	return namedRows(entries, name), nil
}

// namedRows names each entry's actor with name.
func namedRows(entries []audit.Entry, name func(typ, id string) string) []auditRow {
	var rows []auditRow
	for _, e := range entries {
		rows = append(rows, auditRow{Entry: e, Actor: name(e.ActorType, e.ActorID)})
	}
	return rows
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
	// AsOf is when the queue figures, their history and the counts were
	// read, when they come from a snapshot (zero: just now).
	AsOf   time.Time
	Events []store.StoredEvent
	Audit  []auditRow
}

// dashboardFigures are the dashboard's aggregate reads, which it serves
// from a snapshot for a few seconds.
type dashboardFigures struct {
	Queue  cases.Dashboard
	Counts store.Counts
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
	fig, at, err := cached(ctx, c.snaps, "dashboard:"+v.mp.ID+":"+d.Range.Key, func(ctx context.Context) (dashboardFigures, error) {
		// Two reads at once: each counts a hundred thousand rows or more
		// from an index on a connection of its own.
		var f dashboardFigures
		g, ctx := errgroup.WithContext(ctx)
		g.Go(func() (err error) {
			f.Queue, err = c.d.Cases.Dashboard(ctx, v.mp.ID, d.Range.Span, d.Range.N)
			return err
		})
		g.Go(func() (err error) {
			f.Counts, err = c.d.DB.Counts(ctx, v.mp.ID)
			return err
		})
		return f, g.Wait()
	})
	if err != nil {
		return err
	}
	d.Queue, d.Spans, d.Charts, d.Counts, d.AsOf = fig.Queue.Now, fig.Queue.Spans, queueCharts(fig.Queue.Spans, d.Range.Span), fig.Counts, at
	if d.Recommended, d.More, err = c.pendingRecommendations(ctx, v.mp.ID); err != nil {
		return err
	}
	if d.Appeals, d.Overdue, d.MoreAppeals, err = c.openAppeals(ctx, v.mp.ID); err != nil {
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
	// Of is the item whose trail the page shows, when it is filtered to
	// one (?subject_type=&subject_id=).
	Of   *itemRef
	Rows []auditRow
	// Newer and Older link to the neighbouring pages; empty at the ends.
	// A trail's pages link to the newest instead of the newer one.
	Newer, Older, Newest string
	// Admins may verify the chain and export it (see compliance.go);
	// Integrity is the result of a verification just run.
	Admin     bool
	Integrity *integrity
	// From and To are the export form's default period.
	From, To string
}

// Table is the page's entries as the "audit-table" partial lists them.
func (d auditData) Table() auditTable {
	t := auditTable{Rows: d.Rows}
	if d.Of != nil {
		t.Of = *d.Of
	}
	return t
}

// auditLog shows a chain newest first, a page at a time, or the trail of
// one item in it (see trailSubjects). A page ends before an entry
// (?before=SEQ).
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
	if typ, id := q.Get("subject_type"), q.Get("subject_id"); typ != "" && id != "" {
		d.Of = &itemRef{Type: typ, ID: id}
	}
	now := c.d.Now()
	d.From, d.To = now.AddDate(0, 0, -30).Format(time.DateOnly), now.Format(time.DateOnly)
	page := func(before int64) string {
		p := url.Values{}
		if d.System {
			p.Set("chain", "system")
		}
		if d.Of != nil {
			p.Set("subject_type", d.Of.Type)
			p.Set("subject_id", d.Of.ID)
		}
		if before > 0 {
			p.Set("before", strconv.FormatInt(before, 10))
		}
		if len(p) == 0 {
			return consolePath + "audit"
		}
		return consolePath + "audit?" + p.Encode()
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	var entries []audit.Entry
	if d.Of != nil {
		entries, err = c.trailPage(ctx, chain, *d.Of, before, page, &d)
	} else {
		entries, err = c.chainPage(ctx, chain, before, page, &d)
	}
	if err != nil {
		return d, err
	}
	d.Rows, err = c.auditRows(ctx, chain, entries)
	return d, err
}

// chainPage reads the page of a chain before entry before (the newest
// when 0) and links d to its neighbours. store.AuditQuery can only select
// entries after a sequence number, but a chain's numbers run 1, 2, 3…
// without gaps (its verification depends on it), so the page before SEQ
// is exactly the entries after SEQ-1-pageSize.
func (c *server) chainPage(ctx context.Context, chain string, before int64, page func(int64) string, d *auditData) ([]audit.Entry, error) {
	var entries []audit.Entry
	var err error
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
		return nil, err
	}
	head, _, err := c.d.DB.AuditHead(ctx, chain)
	if err != nil {
		return nil, err
	}
	if n := len(entries); n > 0 {
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
	return entries, nil
}

// trailPage reads the page of item it's trail in chain before entry
// before (the newest when 0) and links d to the older page and the
// newest. A trail's numbers have gaps, so a page knows the one after it
// (it reads one entry more) but not the one before.
func (c *server) trailPage(ctx context.Context, chain string, it itemRef, before int64, page func(int64) string, d *auditData) ([]audit.Entry, error) {
	subjects, err := c.trailSubjects(ctx, chain, it)
	if err != nil {
		return nil, err
	}
	entries, err := c.d.DB.AuditTrail(ctx, store.AuditTrailQuery{Chain: chain, Subjects: subjects, Before: before, Limit: auditPageSize + 1})
	if err != nil {
		return nil, err
	}
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		d.Older = page(entries[auditPageSize-1].Seq)
	}
	if before > 0 {
		d.Newest = page(0)
	}
	return entries, nil
}
