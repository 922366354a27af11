package console

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Pages of the moderation queue (SPEC §5): the queue with its filters and
// keyboard shortcuts, a case with everything needed to decide it and its
// actions, and the banner of spike and SLA alerts. Every change goes
// through cases.Service, which checks the moderator's role and the case's
// state for the console and the API alike; these pages only leave out the
// buttons it would refuse.

// queuePageSize is how many cases one page of the queue lists.
const queuePageSize = 50

// caseURL is the console path of a case's page, or with more of a path
// below it.
func caseURL(id string, more ...string) string {
	return consoleURL(append([]string{"cases", id}, more...)...)
}

// caseRow is a case as the "case-table" partial lists it.
type caseRow struct {
	cases.Item
	// AssigneeName names the moderator holding the case.
	AssigneeName string
	// Claimable shows the row's claim button: the viewer may take the case.
	Claimable bool
	// From is the queue the row is listed in, which its links carry.
	From queueRef
}

// queueRef is the queue a case is worked from: the queue page's filters,
// which a case's page carries in ?from= so that it can step to the cases
// either side of it in the same queue, and go back to it.
type queueRef struct {
	// filters are the queue's filters that are set; none for the queue
	// as it opens.
	filters url.Values
	// mp is the marketplace, which the links name too.
	mp string
}

// queueOf is the queue query q selects: only its filters, not its page
// or confirmation.
func queueOf(q url.Values, v *viewer) queueRef {
	ref := queueRef{filters: url.Values{}}
	for _, f := range queueFilters(q, nil) {
		if f.Value != "" {
			ref.filters.Set(f.Name, f.Value)
		}
	}
	if v.mp != nil {
		ref.mp = v.mp.ID
	}
	return ref
}

// queueFrom is the queue a case's page was opened from, as its ?from=
// carries the queue's query; the queue as it opens if none.
func queueFrom(r *http.Request, v *viewer) queueRef {
	q, err := url.ParseQuery(r.URL.Query().Get("from"))
	if err != nil {
		q = nil
	}
	return queueOf(q, v)
}

// withQuery is path with p and the marketplace as its query.
func (q queueRef) withQuery(path string, p url.Values) string {
	if q.mp != "" {
		p.Set("mp", q.mp)
	}
	if len(p) == 0 {
		return path
	}
	return path + "?" + p.Encode()
}

// CaseURL is the page of case id, or a path below it, worked from this
// queue.
func (q queueRef) CaseURL(id string, more ...string) string {
	p := url.Values{}
	if len(q.filters) > 0 {
		p.Set("from", q.filters.Encode())
	}
	return q.withQuery(caseURL(id, more...), p)
}

// URL is the queue's own page.
func (q queueRef) URL() string {
	p := url.Values{}
	maps.Copy(p, q.filters)
	return q.withQuery(consolePath+"cases", p)
}

// mayClaim reports whether v may claim a case, as cases.Service.Act
// decides it: an open case v does not hold yet, not escalated and held by
// nobody else unless v is senior.
func (v *viewer) mayClaim(it cases.Item) bool {
	open := it.Status == "pending" || it.Status == "reviewing"
	return v.works() && open && it.Assignee != v.user.ID && (v.senior() || (!it.Escalated && it.Assignee == ""))
}

// caseRows names the assignees of a list of cases; with claim, the rows
// v may claim get a claim button.
func (c *server) caseRows(ctx context.Context, v *viewer, items []cases.Item, claim bool) ([]caseRow, error) {
	if len(items) == 0 {
		return nil, nil
	}
	name, err := c.actorNames(ctx, v.mp.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]caseRow, len(items))
	for i, it := range items {
		rows[i] = caseRow{Item: it, Claimable: claim && v.mayClaim(it)}
		if it.Assignee != "" {
			rows[i].AssigneeName = name(audit.ActorUser, it.Assignee)
		}
	}
	return rows, nil
}

// --- Alerts -----------------------------------------------------------------

// alertBanner is the "alerts" partial's content.
type alertBanner struct {
	// Groups are the alerts shown at once, the most urgent, and those
	// folded away under them; the second group may be missing.
	Groups [][]alertRow
	// Back is the page the acknowledge buttons return to ("" for the
	// dashboard); CanAcknowledge shows them.
	Back           string
	CanAcknowledge bool
}

// alertsShown is how many alerts the banner shows before it folds the
// rest away, so that the page below stays in view.
const alertsShown = 3

// alertRow is an alert with its kind and its case in words.
type alertRow struct {
	store.Alert
	Label, Case string
}

// alertKinds are the kinds of alert, most urgent first, with their names.
func alertKinds() [][2]string {
	return [][2]string{{"spike", "Report spike."}, {"sla_breached", "SLA breached."}, {"sla_at_risk", "SLA at risk."}}
}

// alertBanner loads the marketplace's unacknowledged alerts of open
// cases, spikes first.
func (c *server) alertBanner(ctx context.Context, v *viewer, back string) (alertBanner, error) {
	as, err := c.d.Cases.Alerts(ctx, v.mp.ID)
	if err != nil {
		return alertBanner{}, err
	}
	kinds := alertKinds()
	rank := func(kind string) int {
		if i := slices.IndexFunc(kinds, func(k [2]string) bool { return k[0] == kind }); i >= 0 {
			return i
		}
		return len(kinds)
	}
	slices.SortStableFunc(as, func(a, b store.Alert) int { return cmp.Compare(rank(a.Kind), rank(b.Kind)) })
	b := alertBanner{Back: back, CanAcknowledge: v.works()}
	var rows []alertRow
	for _, a := range as {
		row := alertRow{Alert: a, Label: human(a.Kind) + "."}
		if i := rank(a.Kind); i < len(kinds) {
			row.Label = kinds[i][1]
		}
		k, err := c.d.DB.Case(ctx, v.mp.ID, a.CaseID)
		if err != nil {
			return b, err
		}
		if !k.Open() {
			continue // handled: nothing left to alert about
		}
		row.Case = fmt.Sprintf("%s case on %s %s.", human(k.ReasonGroup), k.TargetType, k.TargetID)
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		b.Groups = append(b.Groups, rows[:min(len(rows), alertsShown)])
	}
	if len(rows) > alertsShown {
		b.Groups = append(b.Groups, rows[alertsShown:])
	}
	return b, nil
}

// acknowledge marks an alert seen and goes back to the page it was on.
func (c *server) acknowledge(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	err := c.d.Cases.Acknowledge(r.Context(), v.mp.ID, v.moderator(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.errorPage(w, r, http.StatusNotFound, "No such alert",
			"This alert was acknowledged already, or it belongs to a marketplace you cannot see. Nothing was changed.")
		return nil
	}
	if err != nil {
		return err
	}
	back := ""
	if r.PostFormValue("back") == "cases" {
		back = "cases"
	}
	return done(w, r, v, back, "alert-acknowledged")
}

// --- The queue --------------------------------------------------------------

// choice is one option of a select.
type choice struct{ Value, Label string }

// filterField is one of the queue's filters: a select sent as the query
// parameter Name.
type filterField struct {
	Name, Label, Value string
	Options            []choice
}

// choices makes options of codes, labelled in words, after first.
func choices(codes []string, first ...choice) []choice {
	for _, c := range codes {
		first = append(first, choice{Value: c, Label: human(c)})
	}
	return first
}

// queueFilters are the queue's filters, set to the request's query; groups
// are the policy's reason groups.
func queueFilters(q url.Values, groups []string) []filterField {
	anyOf := choice{Value: "", Label: "Any"}
	fs := []filterField{
		{Name: "status", Label: "Status", Options: choices([]string{"open", "pending", "reviewing", "closed", "resolved", "dismissed", "all"})},
		{Name: "group", Label: "Reason group", Options: choices(groups, anyOf)},
		{Name: "target", Label: "Target", Options: choices(cases.TargetTypes(), anyOf)},
		{Name: "source", Label: "Source", Options: append(choices([]string{"report"}, anyOf),
			choice{Value: "proactive", Label: "Proactive (any below)"}, choice{Value: "detector", Label: "Detector"},
			choice{Value: "rule", Label: "Rule"}, choice{Value: "risk", Label: "Risk score"})},
		{Name: "sla", Label: "SLA", Options: choices([]string{cases.SLAOnTrack, cases.SLAAtRisk, cases.SLABreached}, anyOf)},
		{Name: "assignee", Label: "Assignee", Options: choices([]string{"mine", "unassigned"}, choice{Value: "", Label: "Anyone"})},
		{Name: "sort", Label: "Sort by", Options: []choice{{Value: "priority", Label: "Highest priority"}, {Value: "age", Label: "Oldest first"}}},
	}
	for i := range fs {
		fs[i].Value = q.Get(fs[i].Name)
	}
	return fs
}

// listQuery reads the queue's filters for cases.Service.List, which
// checks them; an assignee filter it does not know is ErrInvalid too.
func listQuery(q url.Values, v *viewer) (cases.ListQuery, error) {
	lq := cases.ListQuery{Status: q.Get("status"), ReasonGroup: q.Get("group"), TargetType: q.Get("target"), Source: q.Get("source"),
		SLA: q.Get("sla"), Sort: q.Get("sort"), Cursor: q.Get("cursor"), Limit: queuePageSize}
	switch a := q.Get("assignee"); a {
	case "":
	case "mine":
		lq.Assignee = v.user.ID
	case "unassigned":
		lq.Assignee = "none"
	default:
		return lq, fmt.Errorf("%w: assignee %q is not one of mine, unassigned or anyone", cases.ErrInvalid, a)
	}
	return lq, nil
}

// queueData is the queue page's content.
type queueData struct {
	// form holds a filter the service refused.
	form
	Banner  alertBanner
	Filters []filterField
	Cases   []caseRow
	// Next is the next page's address, empty on the last; First the first
	// page's, on a later page.
	Next, First string
	// CanWork shows the Take next case button.
	CanWork bool
}

// queue lists the cases the filters select, highest priority first unless
// sorted by age, a page at a time.
func (c *server) queue(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return c.noMarketplace(w, r, v)
	}
	ctx := r.Context()
	q := r.URL.Query()
	eff, err := c.d.Policies.Get(ctx, v.mp.ID)
	if err != nil {
		return err
	}
	groups := eff.Compiled.Policy("").Reports.Groups
	d := queueData{Filters: queueFilters(q, slices.Sorted(maps.Keys(groups))), CanWork: v.works()}
	if d.Banner, err = c.alertBanner(ctx, v, "cases"); err != nil {
		return err
	}
	var page cases.Page
	lq, err := listQuery(q, v)
	if err == nil {
		page, err = c.d.Cases.List(ctx, v.mp.ID, lq)
	}
	status, f, err := outcome(err, "")
	if err != nil {
		return err
	}
	d.form = f
	if d.Cases, err = c.caseRows(ctx, v, page.Items, true); err != nil {
		return err
	}
	from := queueOf(q, v)
	for i := range d.Cases {
		d.Cases[i].From = from
	}
	link := func(cursor string) string {
		p := r.URL.Query()
		p.Del("done")
		p.Del("cursor")
		if cursor != "" {
			p.Set("cursor", cursor)
		}
		p.Set("mp", v.mp.ID)
		return consolePath + "cases?" + p.Encode()
	}
	if page.NextCursor != "" {
		d.Next = link(page.NextCursor)
	}
	if lq.Cursor != "" {
		d.First = link("")
	}
	return c.render(w, r, status, "cases", d)
}

// takeNext claims the most urgent case the viewer may work and opens it.
func (c *server) takeNext(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	got, err := c.d.Cases.Next(r.Context(), v.mp.ID, v.moderator())
	if errors.Is(err, store.ErrNotFound) {
		return done(w, r, v, "cases", "queue-empty")
	}
	status, f, err := outcome(err, "")
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		c.errorPage(w, r, status, "Not possible", f.Error)
		return nil
	}
	return done(w, r, v, strings.TrimPrefix(caseURL(got.ID), consolePath), "case-"+cases.ActClaim)
}

// --- A case -----------------------------------------------------------------

// caseData is a case's page.
type caseData struct {
	// form holds a refused action: its reason and what was sent.
	form
	Case cases.View
	// Assignee and ResolvedBy name the moderators.
	Assignee, ResolvedBy string
	Priority             []priorityBar
	// Content is the target as Vigil stores it, its evidence marked; nil
	// when the marketplace never sent it.
	Content *shownData
	// Images are a listing's pictures, shown as the viewer's settings
	// say (blurred until revealed, grayscale).
	Images contentImages
	// Findings are what the automated decision that held the target
	// found; Evidence what the detectors found in reported content.
	Findings, Evidence []detect.Finding
	// Risk is the target account's score, computed now, and Chart its
	// explanation; nil when the case names no account or Vigil has no
	// events for it.
	Risk    *fraud.Assessment
	Chart   riskChart
	History []historyRow
	// Appeals are those against the case's decision, newest first.
	Appeals []store.Appeal
	Trail   trail
	Act     caseActions
	// Nav is the queue the case is worked from and its neighbours there.
	Nav caseNav
}

// caseNav is where a case's page sits in the queue it is worked from.
type caseNav struct {
	queueRef
	// Prev and Next are the pages of the cases before and after it in
	// that queue, worked from it too; "" at its ends.
	Prev, Next string
}

// caseNav finds the cases either side of case id in queue q, in the
// queue's own order (cases.Service.Neighbours). A queue whose filters the
// service refuses has none: its page says why.
func (c *server) caseNav(ctx context.Context, v *viewer, q queueRef, id string) (caseNav, error) {
	n := caseNav{queueRef: q}
	lq, err := listQuery(q.filters, v)
	var prev, next string
	if err == nil {
		prev, next, err = c.d.Cases.Neighbours(ctx, v.mp.ID, lq, id)
	}
	switch {
	case errors.Is(err, cases.ErrInvalid):
		return n, nil
	case err != nil:
		return n, err
	}
	if prev != "" {
		n.Prev = q.CaseURL(prev)
	}
	if next != "" {
		n.Next = q.CaseURL(next)
	}
	return n, nil
}

// Sent is field as the refused post sent it, when that post was for
// action: the form that failed shows again what was typed into it.
func (d caseData) Sent(action, field string) string {
	if d.Values.Get("action") != action {
		return ""
	}
	return d.Values.Get(field)
}

// priorityBar is a part of a case's priority with the length of its bar,
// a percentage of the largest part's.
type priorityBar struct {
	cases.Part
	Width float64
}

// priorityBars lays a priority's parts out as bars.
func priorityBars(parts []cases.Part) []priorityBar {
	top := 0.0
	for _, p := range parts {
		top = max(top, p.Points)
	}
	out := make([]priorityBar, len(parts))
	for i, p := range parts {
		out[i] = priorityBar{Part: p}
		if top > 0 && p.Points > 0 {
			out[i].Width = round1(p.Points / top * 100)
		}
	}
	return out
}

// caseActions are the action forms the viewer is offered.
type caseActions struct {
	// Work is set for moderators; others only see the case.
	Work bool
	// Only says why nothing but notes can be added, when so.
	Only string
	// The open case's actions the viewer may take. TakeOver is a claim of
	// a case another moderator holds (seniors only).
	Claim, TakeOver, Release, Assign, Escalate, Recommend bool
	// Moderators are who Assign may choose.
	Moderators []store.User
	Tiers      []string
	Closing    []closingAction
	// Picks are the closing actions' templates, in order, for the
	// template picker.
	Picks []templatePick
}

// templatePick is a resolution template as the template picker offers it.
type templatePick struct {
	policy.Template
	// Label names the closing action the template is for.
	Label string
	// Key is the digit that chooses it, for the first nine; else "".
	Key string
}

// closingAction is one of the forms that close a case.
type closingAction struct {
	Action, Label, Help string
	// Templates are the policy's resolution templates for the action.
	Templates []policy.Template
	// Fields asks for the listing fields to change (request_changes);
	// Unfounded offers to mark the reports manifestly unfounded (dismiss).
	Fields, Unfounded bool
	// ListingOnly: the action applies to listings only.
	ListingOnly bool
}

// closingActions are the ways to close a case, in the order offered.
func closingActions() []closingAction {
	return []closingAction{
		{Action: cases.ActDismiss, Label: "Dismiss", Help: "No violation: the reports are closed as not upheld.", Unfounded: true},
		{Action: cases.ActApprove, Label: "Approve", Help: "The content may stay; a held listing goes live."},
		{Action: cases.ActResolve, Label: "Resolve", Help: "The reports are upheld; nothing changes here (the marketplace acts on its side)."},
		{Action: cases.ActWarn, Label: "Warn the account", Help: "The reports are upheld and the account holder is warned. The account's tier does not change."},
		{Action: cases.ActRemoveContent, Label: "Remove content", Help: "The reports are upheld and the content is removed; a listing is rejected."},
		{Action: cases.ActPauseListing, Label: "Pause listing", Help: "The listing is paused until the seller corrects it.", ListingOnly: true},
		{Action: cases.ActRequestChanges, Label: "Request changes", Help: "The seller must change the listing fields named.", Fields: true, ListingOnly: true},
	}
}

// caseActionsFor decides which forms v is offered on a case: those
// cases.Service.Act would accept, so that none of them is a dead end.
func caseActionsFor(v *viewer, cv cases.View, pol *policy.Policy, users []store.User) caseActions {
	a := caseActions{Work: v.works()}
	if !a.Work {
		return a
	}
	held, me := cv.Assignee, v.user.ID
	switch {
	case cv.Status != "pending" && cv.Status != "reviewing":
		a.Only = "The case is " + cv.Status + ": only notes can be added."
		return a
	case cv.Escalated && !v.senior():
		a.Only = "The case is escalated to a senior moderator: only senior moderators and admins can act on it. You can add notes."
		return a
	case held != "" && held != me && !v.senior():
		a.Only = "Another moderator holds the case until their claim expires. You can add notes."
		return a
	}
	a.Claim, a.TakeOver = held != me, held != "" && held != me
	a.Release = held != ""
	a.Assign, a.Escalate, a.Recommend = v.senior(), !cv.Escalated, cv.AccountID != ""
	a.Tiers = cases.RecommendableTiers()
	for _, u := range users {
		m := viewer{user: u}
		if m.works() && u.DisabledAt.IsZero() && (u.MarketplaceID == "" || u.MarketplaceID == v.mp.ID) && (!cv.Escalated || m.senior()) {
			a.Moderators = append(a.Moderators, u)
		}
	}
	for _, ca := range closingActions() {
		if !slices.Contains(cases.Actions(), ca.Action) || (ca.ListingOnly && cv.Target.Type != "listing") {
			continue
		}
		for _, t := range pol.Reports.Templates {
			if t.Action == ca.Action {
				ca.Templates = append(ca.Templates, t)
				p := templatePick{Template: t, Label: ca.Label}
				if len(a.Picks) < 9 {
					p.Key = strconv.Itoa(len(a.Picks) + 1)
				}
				a.Picks = append(a.Picks, p)
			}
		}
		a.Closing = append(a.Closing, ca)
	}
	return a
}

// casePage shows a case worked from the queue its ?from= names. To htmx,
// which swaps the page in without loading it, it also says what the
// browser's address and history are to show (see historyEntry).
func (c *server) casePage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	q := queueFrom(r, v)
	if swapped(r) {
		historyEntry(w, r, q.CaseURL(r.PathValue("id")))
	}
	return itemPage(c, "case", c.caseIn(q))(w, r, v)
}

// historyEntry tells htmx the address of the page it swapped in: a new
// history entry when it is another case than the one the browser shows,
// such as the next case, else the same entry with the confirmation left
// out of its address (after a claim or a note).
func historyEntry(w http.ResponseWriter, r *http.Request, at string) {
	header := "HX-Push-Url"
	if cur, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && cur.Path == r.URL.Path {
		header = "HX-Replace-Url"
	}
	w.Header().Set(header, at)
}

// caseIn is loadCase for a case worked from queue q: with its neighbours
// there.
func (c *server) caseIn(q queueRef) func(ctx context.Context, v *viewer, id string) (caseData, error) {
	return func(ctx context.Context, v *viewer, id string) (caseData, error) {
		d, err := c.loadCase(ctx, v, id)
		if err != nil {
			return d, err
		}
		d.Nav, err = c.caseNav(ctx, v, q, id)
		return d, err
	}
}

// loadCase gathers what a case's page shows. A case of another
// marketplace is store.ErrNotFound.
func (c *server) loadCase(ctx context.Context, v *viewer, id string) (caseData, error) {
	cv, err := c.d.Cases.Get(ctx, v.mp.ID, id)
	if err != nil {
		return caseData{}, err
	}
	d := caseData{Case: cv, Priority: priorityBars(cv.Priority.Parts)}
	name, err := c.actorNames(ctx, v.mp.ID)
	if err != nil {
		return d, err
	}
	if cv.Assignee != "" {
		d.Assignee = name(audit.ActorUser, cv.Assignee)
	}
	if cv.ResolvedBy != "" {
		d.ResolvedBy = name(audit.ActorUser, cv.ResolvedBy)
	}
	for _, s := range cv.History {
		d.History = append(d.History, describeStep(s, name))
		if s.Kind == "evidence" {
			var ev struct{ Findings []detect.Finding }
			if err := json.Unmarshal(s.Detail, &ev); err != nil {
				return d, fmt.Errorf("case %s evidence: %w", id, err)
			}
			d.Evidence = append(d.Evidence, ev.Findings...)
		}
	}
	if cv.DecisionID != "" {
		dec, err := c.d.DB.Decision(ctx, v.mp.ID, cv.DecisionID)
		switch {
		case err == nil:
			res, err := check.ResultOf(dec)
			if err != nil {
				return d, err
			}
			d.Findings = res.Findings
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
	}
	category := ""
	e, err := c.d.DB.Entity(ctx, v.mp.ID, cv.Target.Type, cv.Target.ID)
	switch {
	case err == nil:
		shown, err := showData(e.Data, slices.Concat(d.Findings, d.Evidence))
		if err != nil {
			return d, err
		}
		d.Content = &shown
		var cat struct{ Category, Title string }
		if json.Unmarshal(e.Data, &cat) == nil {
			category = cat.Category
		}
		if cv.Target.Type == "listing" {
			d.Images = imagesOf(e.Data, cat.Title)
		}
	case !errors.Is(err, store.ErrNotFound):
		return d, err
	}
	if cv.AccountID != "" {
		a, err := c.d.Fraud.Assess(ctx, v.mp.ID, cv.AccountID)
		switch {
		case err == nil:
			d.Risk, d.Chart = &a, chartOf(a.Explanation)
		case !errors.Is(err, store.ErrNotFound):
			return d, err
		}
		if d.Appeals, err = c.d.DB.DecisionAppeals(ctx, v.mp.ID, cv.AccountID, appeal.SubjectCase, id, trailSize); err != nil {
			return d, err
		}
	}
	if d.Trail, err = c.loadTrail(ctx, v, name, itemRef{Type: "case", ID: id}, caseTrail(id, cv.Target.Type, cv.Target.ID, cv.AccountID)); err != nil {
		return d, err
	}
	// The policy of the target's category, as Act applies it.
	eff, err := c.d.Policies.Get(ctx, v.mp.ID)
	if err != nil {
		return d, err
	}
	users, err := c.d.DB.Users(ctx)
	if err != nil {
		return d, err
	}
	d.Act = caseActionsFor(v, cv, eff.Compiled.Policy(category), users)
	return d, nil
}

// caseAction takes one action on a case: back to the case with a
// confirmation, or after closing it on to the next case of the queue it
// was worked from (?from=), if any; or the case again with the reason it
// was refused and nothing changed.
func (c *server) caseAction(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if v.mp == nil {
		return store.ErrNotFound
	}
	ctx, id, q := r.Context(), r.PathValue("id"), queueFrom(r, v)
	req := cases.ActionRequest{Action: r.PostFormValue("action"), Assignee: r.PostFormValue("assignee"), Note: r.PostFormValue("note"),
		Template: r.PostFormValue("template"), Resolution: r.PostFormValue("resolution"), Tier: r.PostFormValue("tier"),
		Fields: commaList(r.PostFormValue("fields")), Unfounded: r.PostFormValue("unfounded") != ""}
	_, err := c.d.Cases.Act(ctx, v.mp.ID, v.moderator(), id, req)
	code, page := "case-"+req.Action, q.CaseURL(id)
	if slices.ContainsFunc(closingActions(), func(a closingAction) bool { return a.Action == req.Action }) {
		code = "case-closed"
		if err == nil {
			n, err := c.caseNav(ctx, v, q, id)
			if err != nil {
				return err
			}
			page = cmp.Or(n.Next, page)
		}
	}
	return settle(w, r, v, err, "Someone changed the case at the same moment. Nothing was changed; look at it again and retry.",
		strings.TrimPrefix(page, consolePath), code, reload(c, w, r, v, "case", id, c.caseIn(q)))
}

// --- History ----------------------------------------------------------------

// historyRow is a step of a case's history in words.
type historyRow struct {
	cases.Step
	Actor, Label string
	// Facts are the step's details; Note and Resolution its texts.
	Facts            []fact
	Note, Resolution string
}

// fact is one labelled detail.
type fact struct{ Label, Value string }

// stepLabel names a kind of history step.
func stepLabel(kind string) string {
	switch kind {
	case "report_added":
		return "Report added"
	case "held":
		return "Held by an automated check"
	case "evidence":
		return "Evidence found in the reported content"
	case "claim":
		return "Claimed"
	case "release":
		return "Released"
	case "assign":
		return "Assigned"
	case "escalate":
		return "Escalated"
	case "recommend_tier":
		return "Tier recommended"
	case "claim_expired":
		return "Claim expired"
	case "sla_at_risk":
		return "SLA at risk"
	case "sla_breached":
		return "SLA breached"
	}
	return human(kind)
}

// stepFacts are the details a step may carry that are shown as facts, in
// order, with their labels. note and resolution are shown as texts, and
// via (the credential acted through) only when it is not the actor's own
// session.
func stepFacts() [][2]string {
	return [][2]string{{"action", "Action"}, {"outcome", "Outcome"}, {"template", "Template"}, {"reference", "Report"},
		{"reason", "Reason"}, {"group", "Reason group"}, {"reporter_id", "Reporter"}, {"reporter_type", "Reporter type"},
		{"weight", "Weight"}, {"source", "Source"}, {"codes", "Codes"}, {"severity", "Severity"}, {"decision_id", "Decision"},
		{"assignee", "Assignee"}, {"tier", "Recommended tier"}, {"account_id", "Account"}, {"fields", "Fields"},
		{"findings", "Findings"}, {"claim_expires_at", "Claimed until"}, {"claim_expired_at", "Claim expired at"}, {"due_at", "Due"}}
}

// describeStep puts a history step into words; name names actors.
func describeStep(s cases.Step, name func(typ, id string) string) historyRow {
	row := historyRow{Step: s, Actor: name(s.ActorType, s.ActorID), Label: stepLabel(s.Kind)}
	var detail map[string]any
	if json.Unmarshal(s.Detail, &detail) != nil {
		return row
	}
	row.Note, _ = detail["note"].(string)
	row.Resolution, _ = detail["resolution"].(string)
	delete(detail, "note")
	delete(detail, "resolution")
	delete(detail, "assignee_username") // the assignee is named from the users
	if via, ok := detail["via"].(map[string]any); ok {
		typ, _ := via["type"].(string)
		id, _ := via["id"].(string)
		if typ != s.ActorType || id != s.ActorID {
			row.Facts = append(row.Facts, fact{Label: "Via", Value: name(typ, id)})
		}
	}
	delete(detail, "via")
	for _, k := range stepFacts() {
		if v, ok := detail[k[0]]; ok {
			row.Facts = append(row.Facts, fact{Label: k[1], Value: factValue(k[0], v, name)})
			delete(detail, k[0])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(detail)) {
		row.Facts = append(row.Facts, fact{Label: human(k), Value: factValue(k, detail[k], name)})
	}
	return row
}

// factValue writes a detail's value for people: times as the console
// shows them, assignees and actors by name, actions and outcomes in words,
// findings by code, lists joined.
func factValue(key string, v any, name func(typ, id string) string) string {
	switch x := v.(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil && strings.HasSuffix(key, "_at") {
			return when(t)
		}
		switch key {
		case "assignee":
			return name(audit.ActorUser, x)
		case "action", "outcome", "reporter_type", "source":
			return human(x)
		}
		return x
	case float64:
		return number(x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			if f, ok := e.(map[string]any); ok && f["code"] != nil {
				e = f["code"]
			}
			parts[i] = factValue(key, e, name)
		}
		return strings.Join(parts, ", ")
	case nil:
		return "—"
	case map[string]any:
		// An actor, such as the credential a decision was taken through:
		// an audit.Actor, which the enforcement evidence keeps without
		// JSON names.
		typ, _ := x["Type"].(string)
		id, _ := x["ID"].(string)
		if typ != "" && id != "" && len(x) == 2 {
			return name(typ, id)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
