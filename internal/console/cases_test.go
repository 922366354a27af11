package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// report files a report on a target of mp as the marketplace's backend
// would, failing the test if it is refused.
func (f *fixture) report(t *testing.T, mp, typ, id, reason, reporter, details string) cases.Filed {
	t.Helper()
	rt := "user"
	if strings.HasPrefix(reporter, "tf-") {
		rt = "trusted_flagger"
	}
	filed, err := f.cases.File(t.Context(), mp, system, cases.ReportRequest{Target: cases.Target{Type: typ, ID: id}, Reason: reason,
		Details: details, Reporter: cases.ReporterRef{ID: reporter, Type: rt}}, "")
	if err != nil {
		t.Fatalf("filing %s on %s %s: %v", reason, typ, id, err)
	}
	return filed
}

// seedListings ingests an account and its listings into mp: pairs of
// listing id and description.
func (f *fixture) seedListings(t *testing.T, mp, account string, listings ...string) {
	t.Helper()
	f.seedAccount(t, mp, account, "private")
	now := time.Now().UTC()
	var batch []event.Envelope
	for i := 0; i+1 < len(listings); i += 2 {
		data, err := json.Marshal(map[string]any{"listing_id": listings[i], "account_id": account, "title": "Listing " + listings[i],
			"description": listings[i+1], "price": map[string]any{"amount": 25000, "currency": "EUR"}, "category": "bikes",
			"location": map[string]any{"street": "Geheimweg 7", "city": "Berlin", "country": "DE"}})
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, event.Envelope{ID: "ev-" + listings[i], Type: "listing.upserted", OccurredAt: now.Add(-time.Duration(30-i) * time.Minute), Data: data})
	}
	if _, err := f.ingest.Ingest(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, batch, true); err != nil {
		t.Fatal(err)
	}
}

// caseOf loads a case, failing the test on error.
func (f *fixture) caseOf(t *testing.T, mp, id string) cases.View {
	t.Helper()
	v, err := f.cases.Get(t.Context(), mp, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// queueRow matches a queue row's case id and priority; historyStep a step
// of a case's history.
var (
	queueRow    = regexp.MustCompile(`<tr data-case="([^"]+)">\s*<td class="num priority">([0-9.]+)</td>`)
	historyStep = regexp.MustCompile(`<li class="step step-([a-z_]+)">`)
)

// listed returns the case ids a queue page lists, in order, checking that
// their priorities never rise.
func listed(t *testing.T, r response) []string {
	t.Helper()
	var ids []string
	last := 1e9
	for _, m := range queueRow.FindAllStringSubmatch(r.body, -1) {
		p, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		if p > last && !strings.Contains(r.Request.URL.RawQuery, "sort=age") {
			t.Errorf("priority %v listed after %v", p, last)
		}
		last = p
		ids = append(ids, m[1])
	}
	return ids
}

func TestQueue(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.seedListings(t, mp, "acc-1", "lst-1", "A bike", "lst-2", "Another bike")
	cost := f.report(t, mp, "listing", "lst-2", "wrong_price", "rep-1", "")
	fraud := f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-2", "")
	f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-3", "") // joins the same case
	account := f.report(t, mp, "account", "acc-7", "harassment", "rep-4", "")
	f.report(t, f.other.Marketplace.ID, "listing", "lst-9", "scam_or_fraud", "rep-5", "")

	agent := f.loggedIn(t, "agent", user.Agent, mp)
	page := agent.get("/console/cases").want(t, http.StatusOK, "Moderation queue", `<a href="/console/cases" aria-current="page">Cases</a>`,
		"Take next case", `<kbd>j</kbd>`, `href="/console/accounts/acc-7"`, `by <a href="/console/accounts/acc-1">`, "queue.js")
	ids := listed(t, page)
	// Safety and fraud are critical; fraud's two reporters put it first,
	// the low-severity price report last.
	if want := []string{fraud.CaseID, account.CaseID, cost.CaseID}; strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("queue lists %v, want %v", ids, want)
	}
	for filter, want := range map[string][]string{
		"group=cost":               {cost.CaseID},
		"target=account":           {account.CaseID},
		"source=report":            {fraud.CaseID, account.CaseID, cost.CaseID},
		"source=proactive":         nil,
		"sla=on_track&group=fraud": {fraud.CaseID},
		"sla=breached":             nil,
		"assignee=unassigned":      {fraud.CaseID, account.CaseID, cost.CaseID},
		"assignee=mine":            nil,
		"sort=age":                 {cost.CaseID, fraud.CaseID, account.CaseID},
		"status=closed":            nil,
	} {
		r := agent.get("/console/cases?"+filter).want(t, http.StatusOK)
		if got := listed(t, r); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("?%s lists %v, want %v", filter, got, want)
		}
	}
	// The filter form shows the choices made.
	agent.get("/console/cases?group=cost&sort=age").want(t, http.StatusOK, `<option value="cost" selected>Cost</option>`,
		`<option value="age" selected>Oldest first</option>`)
	agent.get("/console/cases?status=bogus").want(t, http.StatusUnprocessableEntity, `Status "bogus" is not one of open`)
	agent.get("/console/cases?assignee=someone").want(t, http.StatusUnprocessableEntity, `Assignee "someone" is not one of mine, unassigned or anyone.`)

	// Claiming from the queue opens the case; it is then the agent's.
	agent.post("/console/cases/"+cost.CaseID+"/actions", url.Values{"action": {"claim"}}).
		redirectsTo(t, "/console/cases/"+cost.CaseID+"?done=case-claim&mp="+mp)
	mine := agent.get("/console/cases?assignee=mine").want(t, http.StatusOK, "agent")
	if got := listed(t, mine); len(got) != 1 || got[0] != cost.CaseID {
		t.Errorf("my cases = %v, want the claimed one", got)
	}
	if strings.Contains(mine.body, `action="/console/cases/`+cost.CaseID+`/actions`) {
		t.Error("the queue offers to claim a case the agent holds already")
	}
	// Take next claims the most urgent case nobody holds, until none is left.
	agent.post("/console/cases/next", nil).redirectsTo(t, "/console/cases/"+fraud.CaseID+"?done=case-claim&mp="+mp)
	agent.post("/console/cases/next", nil).redirectsTo(t, "/console/cases/"+account.CaseID+"?done=case-claim&mp="+mp)
	agent.post("/console/cases/next", nil).redirectsTo(t, "/console/cases?done=queue-empty&mp="+mp)
	agent.get("/console/cases?done=queue-empty").want(t, http.StatusOK, "Nothing left to take")
	if v := f.caseOf(t, mp, fraud.CaseID); v.Status != "reviewing" || v.Assignee == "" {
		t.Errorf("after take next the case is %s held by %q", v.Status, v.Assignee)
	}
}

func TestQueuePages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	for i := range queuePageSize + 2 {
		f.report(t, mp, "message", fmt.Sprintf("msg-%02d", i), "spam_or_misleading", fmt.Sprint("rep-", i), "")
	}
	c := f.loggedIn(t, "agent", user.Agent, mp)
	first := c.get("/console/cases?target=message").want(t, http.StatusOK, "Next page")
	next := regexp.MustCompile(`href="(/console/cases\?[^"]*cursor=[^"]+)" rel="next"`).FindStringSubmatch(first.body)
	if next == nil {
		t.Fatalf("no next page link:\n%s", first.body)
	}
	second := c.get(strings.ReplaceAll(next[1], "&amp;", "&")).want(t, http.StatusOK, "First page").lacks(t, "Next page")
	a, b := listed(t, first), listed(t, second)
	if len(a) != queuePageSize || len(b) != 2 {
		t.Fatalf("pages of %d and %d cases, want %d and 2", len(a), len(b), queuePageSize)
	}
	if !strings.Contains(next[1], "target=message") {
		t.Errorf("the next page link %s drops the filter", next[1])
	}
	for _, id := range b {
		if strings.Contains(strings.Join(a, " "), id) {
			t.Errorf("case %s on both pages", id)
		}
	}
}

func TestCasePage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	ctx := t.Context()
	f.seedListings(t, mp, "acc-1", "lst-1", "Call 0151 2345678 and pay <i>upfront</i>", "lst-old", "Old bike")
	f.cases.Scanner = f.checks(spotPhones)
	// rep-1's earlier report was upheld: their record shows it.
	old := f.report(t, mp, "listing", "lst-old", "wrong_price", "rep-1", "")
	senior := f.addUser(t, "senior", user.SeniorModerator, mp)
	if _, err := f.cases.Act(ctx, mp, cases.Moderator{User: senior, Via: audit.Actor{Type: audit.ActorUser, ID: senior.ID}}, old.CaseID,
		cases.ActionRequest{Action: cases.ActResolve, Resolution: "Price corrected."}); err != nil {
		t.Fatal(err)
	}
	first := f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-1", "Seller wants <b>a deposit</b> first")
	second := f.report(t, mp, "listing", "lst-1", "suspicious_contact", "tf-1", "")
	v := f.caseOf(t, mp, first.CaseID)

	c := f.loggedIn(t, "agent", user.Agent, mp)
	page := c.get("/console/cases/"+first.CaseID).want(t, http.StatusOK,
		"Fraud case on listing <code>lst-1</code>", "Pending",
		// the reports, escaped
		first.Reference, second.Reference, "scam_or_fraud", "suspicious_contact", "Seller wants <b>a deposit</b> first", "Trusted flagger",
		// the reporters' track records: rep-1 upheld once, (1+1)/(1+2)
		`<td><code>rep-1</code> <span class="sub">User</span></td>`, "67%", "50%",
		// the priority explained
		fmt.Sprintf("Priority %s", number(v.Priority.Score)), `<tr data-part="severity">`, `<tr data-part="reporters">`,
		`<tr data-part="trusted_flagger">`, "Reason group fraud is of critical severity.",
		// the content with the evidence found in it marked
		`<mark title="contact.phone" data-code="contact.phone">0151 2345678`, "Evidence in the reported content (1)",
		"pay <i>upfront</i>",
		// the account's risk
		`Account <a href="/console/accounts/acc-1">`, "risk, computed now",
		// the history
		"Report added", "Evidence found in the reported content", "Reporter type", "Trusted flagger",
		// the actions an agent has
		`value="claim"`, `value="remove_content"`, `value="pause_listing"`, `value="request_changes"`, `name="unfounded"`,
		"The content breached our rules and was removed.", `value="escalate"`, `value="recommend_tier"`, `value="note"`)
	page.lacks(t, "Geheimweg", `value="assign"`)
	for _, raw := range []string{"<b>a deposit", "<i>upfront"} {
		if strings.Contains(page.body, raw) {
			t.Errorf("user text %q reached the page unescaped", raw)
		}
	}
	if steps := historyStep.FindAllStringSubmatch(page.body, -1); len(steps) != len(v.History) {
		t.Errorf("%d history steps shown, the case has %d", len(steps), len(v.History))
	}

	// Closing: the agent claims, removes the content with a template, and
	// the page shows the outcome and the steps; the listing is rejected.
	post := "/console/cases/" + first.CaseID + "/actions"
	c.post(post, url.Values{"action": {"claim"}}).redirectsTo(t, "/console/cases/"+first.CaseID+"?done=case-claim&mp="+mp)
	c.get("/console/cases/"+first.CaseID+"?done=case-claim").want(t, http.StatusOK, "You claimed the case", "Reviewing", "claim until", `value="release"`).
		lacks(t, `id="claim"`)
	c.post(post, url.Values{"action": {"note"}, "note": {"Checked the <script>phone</script>."}}).
		redirectsTo(t, "/console/cases/"+first.CaseID+"?done=case-note&mp="+mp)
	c.post(post, url.Values{"action": {"remove_content"}, "template": {"content_removed"}}).
		redirectsTo(t, "/console/cases/"+first.CaseID+"?done=case-closed&mp="+mp)
	done := c.get("/console/cases/"+first.CaseID+"?done=case-closed").want(t, http.StatusOK, "The case was closed", "Resolved", "Content removed",
		"The content breached our rules and was removed.", "Claimed", "Closed", "Remove content", "Checked the <script>phone</script>.",
		"The case is resolved: only notes can be added.")
	if strings.Contains(done.body, "<script>phone") {
		t.Error("a note reached the page unescaped")
	}
	if st, err := f.db.ListingState(ctx, mp, "lst-1"); err != nil || st.Status != "rejected" {
		t.Errorf("listing after remove_content: %+v, %v", st, err)
	}
	if got := listed(t, c.get("/console/cases")); strings.Contains(strings.Join(got, " "), first.CaseID) {
		t.Error("the closed case is still in the queue")
	}
	c.get("/console/cases?status=closed").want(t, http.StatusOK, first.CaseID)
}

func TestCaseActionRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	filed := f.report(t, mp, "account", "acc-5", "harassment", "rep-1", "")
	post := "/console/cases/" + filed.CaseID + "/actions"
	agent := f.loggedIn(t, "agent", user.Agent, mp)
	before := f.caseOf(t, mp, filed.CaseID)

	// Mistakes are explained, the form keeps what was typed, and nothing
	// changes.
	agent.post(post, url.Values{"action": {"escalate"}, "note": {"  "}}).want(t, http.StatusUnprocessableEntity,
		"Not saved.", "Say why the case is escalated.", `id="do-escalate" open`)
	agent.post(post, url.Values{"action": {"dismiss"}, "template": {"content_removed"}, "resolution": {"Kept <b>this</b>"}}).
		want(t, http.StatusUnprocessableEntity, `Template "content_removed" is for remove_content, not dismiss.`, `id="close-dismiss" open`,
			"Kept <b>this</b></textarea>")
	agent.post(post, url.Values{"action": {"pause_listing"}, "resolution": {"x"}}).
		want(t, http.StatusUnprocessableEntity, "This case is about account", "and pause listing works only on listings.")
	agent.post(post, url.Values{"action": {"assign"}, "assignee": {"someone-else"}}).
		want(t, http.StatusForbidden, "Only senior moderators assign cases to others.")
	if after := f.caseOf(t, mp, filed.CaseID); len(after.History) != len(before.History) || after.Status != before.Status {
		t.Fatalf("a refused action changed the case: %+v", after)
	}

	// Escalated, the case is for seniors: the agent sees why and is refused.
	senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
	senior.get("/console/cases/"+filed.CaseID).want(t, http.StatusOK, `value="assign"`, "Auto – least loaded online")
	senior.post(post, url.Values{"action": {"escalate"}, "note": {"Threats; needs a senior."}}).
		redirectsTo(t, "/console/cases/"+filed.CaseID+"?done=case-escalate&mp="+mp)
	agent.get("/console/cases/"+filed.CaseID).want(t, http.StatusOK, "escalated", "only senior moderators and admins can act on it").
		lacks(t, `id="claim"`, `value="remove_content"`)
	agent.post(post, url.Values{"action": {"claim"}}).want(t, http.StatusForbidden, "The case is escalated to a senior moderator.")
	agent.post(post, url.Values{"action": {"warn"}, "template": {"warned"}}).want(t, http.StatusForbidden, "escalated to a senior moderator")
	agent.post("/console/cases/next", nil).redirectsTo(t, "/console/cases?done=queue-empty&mp="+mp)
	if v := f.caseOf(t, mp, filed.CaseID); v.Status != "pending" || v.Assignee != "" {
		t.Fatalf("the agent changed an escalated case: %+v", v)
	}
	// Notes are still welcome.
	agent.post(post, url.Values{"action": {"note"}, "note": {"Seen this user before."}}).
		redirectsTo(t, "/console/cases/"+filed.CaseID+"?done=case-note&mp="+mp)

	// Workload balancing: both moderators are online (they loaded pages),
	// and auto assigns the case to one of the seniors.
	senior.post(post, url.Values{"action": {"assign"}, "assignee": {"auto"}}).
		redirectsTo(t, "/console/cases/"+filed.CaseID+"?done=case-assign&mp="+mp)
	v := f.caseOf(t, mp, filed.CaseID)
	if u, err := f.db.User(t.Context(), v.Assignee); err != nil || u.Username != "senior" {
		t.Fatalf("auto assigned the escalated case to %+v, %v; want the only senior online", u, err)
	}
	senior.get("/console/cases/"+filed.CaseID).want(t, http.StatusOK, "Assigned", "<dt>Assignee</dt><dd>senior")

	// An appeals reviewer may read cases but not act on them.
	reviewer := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)
	reviewer.get("/console/cases/"+filed.CaseID).want(t, http.StatusOK, "Report added").lacks(t, "Add a note", "Take next case")
	reviewer.post(post, url.Values{"action": {"note"}, "note": {"x"}}).want(t, http.StatusForbidden, "Your role does not give access")
}

func TestCaseScoping(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp, other := f.mp.Marketplace.ID, f.other.Marketplace.ID
	theirs := f.report(t, other, "listing", "lst-x", "scam_or_fraud", "rep-1", "Secret of the other marketplace")
	c := f.loggedIn(t, "scoped", user.SeniorModerator, mp)
	for _, path := range []string{"/console/cases/" + theirs.CaseID, "/console/cases/" + theirs.CaseID + "?mp=" + other, "/console/cases?mp=" + other} {
		c.get(path).want(t, http.StatusNotFound, "Not found").lacks(t, "Secret of the other", theirs.Reference)
	}
	c.get("/console/cases").want(t, http.StatusOK).lacks(t, theirs.CaseID)
	c.post("/console/cases/"+theirs.CaseID+"/actions", url.Values{"action": {"claim"}}).want(t, http.StatusNotFound)
	c.post("/console/cases/"+theirs.CaseID+"/actions", url.Values{"action": {"claim"}, "mp": {other}}).want(t, http.StatusNotFound)
	if v := f.caseOf(t, other, theirs.CaseID); v.Status != "pending" || len(v.History) != 1 {
		t.Fatalf("a user of another marketplace changed the case: %+v", v)
	}
}

func TestAlertsAndDashboard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	var spike cases.Filed
	for i := range 11 { // one more than the policy's spike limit
		spike = f.report(t, mp, "listing", "lst-hot", "scam_or_fraud", fmt.Sprintf("rep-%d", i), "")
	}
	calm := f.report(t, mp, "review", "rev-1", "offensive_content", "rep-x", "")
	c := f.loggedIn(t, "agent", user.Agent, mp)
	queue := c.get("/console/cases").want(t, http.StatusOK, "Report spike.", "Fraud case on listing lst-hot.", "11 reports on listing lst-hot within 1h (limit 10).",
		`href="/console/cases/`+spike.CaseID+`"`, "Acknowledge", "spike</span>")
	if got := listed(t, queue); len(got) != 2 || got[0] != spike.CaseID {
		t.Errorf("queue = %v, want the spiking case %s on top", got, spike.CaseID)
	}
	dash := c.get("/console/").want(t, http.StatusOK, "Report spike.", "Moderation queue", `<dt>Open</dt><dd><a href="/console/cases">2</a></dd>`,
		`<dt>Unassigned</dt><dd><a href="/console/cases?assignee=unassigned">2</a></dd>`, `href="/console/cases?group=fraud">Fraud <strong>1</strong>`,
		`href="/console/cases?group=content">Content <strong>1</strong>`, "Queue depth", "Opened and closed", "Closed within SLA", "Mean age of closed cases",
		"Decisions: automated and by people", `<a href="/console/?range=14d" aria-current="page">14 days</a>`)
	if n := strings.Count(dash.body, `<svg class="bar-chart"`); n != 5 {
		t.Errorf("%d charts on the dashboard, want 5", n)
	}
	figures := regexp.MustCompile(`<td class="nowrap"><time datetime="[^"]+">\w+ \d+ \w+</time></td>`)
	for days, want := range map[string]int{"": 14, "?range=7d": 7, "?range=30d": 30, "?range=99d": 14} {
		if n := len(figures.FindAllString(c.get("/console/"+days).want(t, http.StatusOK).body, -1)); n != want {
			t.Errorf("dashboard%s shows %d days, want %d", days, n, want)
		}
	}
	// Hour by hour over the last 24 hours: the two cases opened this hour
	// are in its bar and its row.
	hourly := c.get("/console/?range=24h").want(t, http.StatusOK, `<a href="/console/?range=24h" aria-current="page">24 hours</a>`,
		"Figures per hour", "Queue depth per hour from ", "· Opened: 2</title>")
	hours := regexp.MustCompile(`<td class="nowrap"><time datetime="[^"]+">\w+ \d\d:00</time></td>`)
	if n := len(hours.FindAllString(hourly.body, -1)); n != 24 {
		t.Errorf("the 24-hour dashboard shows %d hours, want 24", n)
	}
	// Today two cases opened and are still open: today's bar says so.
	c.get("/console/").want(t, http.StatusOK, "· Open cases: 2</title>", "· Opened: 2</title>")

	alerts, err := f.cases.Alerts(t.Context(), mp)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts = %+v, %v", alerts, err)
	}
	c.post("/console/alerts/"+alerts[0].ID+"/acknowledge", url.Values{"back": {"cases"}}).
		redirectsTo(t, "/console/cases?done=alert-acknowledged&mp="+mp)
	c.get("/console/cases?done=alert-acknowledged").want(t, http.StatusOK, "The alert was acknowledged.").lacks(t, "Report spike.")
	c.get("/console/").want(t, http.StatusOK).lacks(t, "Report spike.")
	c.post("/console/alerts/"+alerts[0].ID+"/acknowledge", nil).want(t, http.StatusNotFound, "acknowledged already")

	// Closing a case shows in today's figures.
	c.post("/console/cases/"+calm.CaseID+"/actions", url.Values{"action": {"dismiss"}, "template": {"no_violation"}, "unfounded": {"1"}}).
		redirectsTo(t, "/console/cases/"+calm.CaseID+"?done=case-closed&mp="+mp)
	c.get("/console/").want(t, http.StatusOK, "· Closed: 1</title>", "· Within SLA: 100%</title>", "1 of 1")
	if v := f.caseOf(t, mp, calm.CaseID); v.Status != "dismissed" || v.Reports[0].Outcome != "unfounded" {
		t.Errorf("dismissed as unfounded: %+v", v)
	}
}

func TestActivityRecorded(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	c := f.loggedIn(t, "agent", user.Agent, mp)
	c.get("/console/cases").want(t, http.StatusOK)
	online, err := f.db.OnlineModerators(t.Context(), mp, cases.ModeratorRoles(), time.Now().Add(-time.Minute))
	if err != nil || len(online) != 1 || online[0].Username != "agent" {
		t.Fatalf("online moderators = %+v, %v; want the agent who just loaded a page", online, err)
	}
}

func TestRelative(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		5 * time.Hour: "in 5 h", 30 * time.Minute: "in 30 min", 72 * time.Hour: "in 3 days",
		20 * time.Second: "just now", -20 * time.Second: "just now", -3 * time.Hour: "3 h ago",
	} {
		if got := relative(now, now.Add(d)); got != want {
			t.Errorf("relative(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestBarChart(t *testing.T) {
	t.Parallel()
	for x, want := range map[float64]float64{0: 2, 1: 2, 3: 5, 5: 5, 7: 10, 12: 20, 480: 500} {
		if got := niceCeil(x, 2); got != want {
			t.Errorf("niceCeil(%v) = %v, want %v", x, got, want)
		}
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	days := []store.CaseBucket{{Start: day, Open: 4, Opened: 4, Automated: 6}, {Start: day.AddDate(0, 0, 1), Open: 2, Opened: 1, Closed: 3, ClosedInSLA: 2, AgeHours: 30, Automated: 2}}
	charts := queueCharts(days, 24*time.Hour)
	if len(charts) != 5 {
		t.Fatalf("%d charts", len(charts))
	}
	depth, flow, sla, age, decided := charts[0], charts[1], charts[2], charts[3], charts[4]
	// Automated against people: 6 automated the first day, 2 automated and
	// 3 closed cases the second.
	if len(decided.Bars) != 3 || decided.Bars[0].Class != "series-automated" || decided.Bars[0].Title != "1 Mar · Automated: 6" ||
		decided.Bars[2].Class != "series-closed" || decided.Bars[2].Title != "2 Mar · By people: 3" {
		t.Errorf("decided bars %+v", decided.Bars)
	}
	// Depth 4 is the top of its scale (4 → 5); 2 is half as high.
	if len(depth.Bars) != 2 || depth.Bars[1].H*2 != depth.Bars[0].H || depth.Bars[0].H != round1(4.0/5*(chartBase-chartTop)) {
		t.Errorf("depth bars %+v", depth.Bars)
	}
	// Whole counts: ticks 0 and 5, no 2.5.
	if len(depth.Ticks) != 2 || depth.Ticks[1].Label != "5" {
		t.Errorf("depth ticks %+v", depth.Ticks)
	}
	// Opened and closed side by side: three bars (no bar for 0 closed).
	if len(flow.Bars) != 3 || flow.Bars[1].X >= flow.Bars[2].X || flow.Bars[1].Class != "series-opened" || flow.Bars[2].Class != "series-closed" {
		t.Errorf("flow bars %+v", flow.Bars)
	}
	// SLA: a day without closed cases has no bar; 2 of 3 in time.
	if len(sla.Bars) != 1 || sla.Bars[0].Title != "2 Mar · Within SLA: 66.67%" || sla.Empty != "" {
		t.Errorf("sla bars %+v", sla.Bars)
	}
	for _, ch := range charts {
		for _, b := range ch.Bars {
			if b.X < chartLeft || b.X+b.W > chartRight+0.1 || b.Y < chartTop-0.1 || b.Y+b.H > chartBase+0.1 {
				t.Errorf("%s: bar %+v outside the plot", ch.ID, b)
			}
		}
	}
	if age.Bars[0].Title != "2 Mar · Mean age: 30 h" {
		t.Errorf("age bar %+v", age.Bars[0])
	}
	if empty := newBarChart("x", "X", "", true, nil, 24*time.Hour, 2); len(empty.Bars) != 0 {
		t.Errorf("a chart of no days: %+v", empty)
	}
	// Hours are labelled by the clock.
	hour := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
	hourly := newBarChart("h", "Opened", "", true, []time.Time{hour, hour.Add(time.Hour)}, time.Hour, 2,
		chartSeries{Name: "Opened", Class: "series-opened", Values: []float64{1, 2}})
	if hourly.Desc != "Opened per hour from 14:00 to 15:00." || hourly.Bars[1].Title != "15:00 · Opened: 2" {
		t.Errorf("hourly chart: %q, bars %+v", hourly.Desc, hourly.Bars)
	}
}
