package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// plan is a plan of action an appellant would write.
func plan(account string) appeal.Filing {
	return appeal.Filing{AccountID: account,
		RootCause:          "A wholesaler sold me bags he said were genuine surplus stock.",
		CorrectiveAction:   "I removed every listing from that wholesaler and refunded the buyers.",
		PreventiveMeasures: "I only list goods with a receipt from an authorised dealer now."}
}

// file files an appeal as the marketplace's backend would.
func (f *fixture) file(t *testing.T, mp string, req appeal.Filing) appeal.Appeal {
	t.Helper()
	a, err := f.appeals.File(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, req, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// appealed puts account at tier by decider and files its appeal.
func (f *fixture) appealed(t *testing.T, mp, account, tier string, decider store.User) appeal.Appeal {
	t.Helper()
	if _, err := f.enforce.SetTier(t.Context(), mp, enforce.Person(decider, audit.Actor{Type: audit.ActorUser, ID: decider.ID}), account, tier,
		enforce.Decision{Template: "counterfeit"}); err != nil {
		t.Fatal(err)
	}
	return f.file(t, mp, plan(account))
}

// later sets the console's clock d ahead of now; 0 sets it back to the
// real time.
func (f *fixture) later(d time.Duration) {
	if d == 0 {
		f.consoleClock.Store(0)
		return
	}
	f.consoleClock.Store(time.Now().Add(d).UnixNano())
}

// appealOf loads an appeal, failing the test on error.
func (f *fixture) appealOf(t *testing.T, mp, id string) appeal.Appeal {
	t.Helper()
	a, err := f.appeals.Get(t.Context(), mp, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAppealSLA reads an appeal's SLA state and countdown at a time: a
// quarter of its SLA left makes it at risk, its due time breached, and
// once decided it met or missed its due time.
func TestAppealSLA(t *testing.T) {
	filed := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	open := appeal.Appeal{Status: "open", CreatedAt: filed, DueAt: filed.Add(24 * time.Hour)}
	decided := func(after time.Duration) appeal.Appeal {
		a := open
		a.Status, a.ResolvedAt = "decided", filed.Add(after)
		return a
	}
	for _, tc := range []struct {
		a          appeal.Appeal
		at         time.Duration
		state, say string
	}{
		{open, 0, cases.SLAOnTrack, "24 h left"},
		{open, 17*time.Hour + 59*time.Minute, cases.SLAOnTrack, "6 h left"},
		{open, 18 * time.Hour, cases.SLAAtRisk, "6 h left"},
		{open, 23*time.Hour + 59*time.Minute + 30*time.Second, cases.SLAAtRisk, "1 min left"},
		{open, 24 * time.Hour, cases.SLABreached, "overdue by 1 min"},
		{open, 74 * time.Hour, cases.SLABreached, "overdue by 2 days"},
		{decided(24 * time.Hour), 80 * time.Hour, cases.SLAMet, ""},
		{decided(25 * time.Hour), 80 * time.Hour, cases.SLAMissed, ""},
	} {
		if got := slaOf(tc.a, filed.Add(tc.at), 0.25); got.State != tc.state || got.Left != tc.say {
			t.Errorf("%s appeal %s after filing: %+v, want %s %q", tc.a.Status, tc.at, got, tc.state, tc.say)
		}
	}
}

// appealRowID matches a row of the appeals queue.
var appealRowID = regexp.MustCompile(`<tr class="appeal-row" data-appeal="([^"]+)">`)

// TestAppealsQueue lists the open appeals soonest due first with their SLA
// countdowns at the console's clock, at risk and breached marked, and
// counts them on the dashboard, on both databases.
func TestAppealsQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		senior, admin := f.addUser(t, "senior", user.SeniorModerator, mp), f.addUser(t, "admin1", user.Admin, mp)
		f.seedAccount(t, mp, "r1", "business")
		restricted := f.appealed(t, mp, "r1", enforce.Restricted, senior) // due in 72 h
		blocked := f.appealed(t, mp, "b1", enforce.Blocked, admin)        // due in 24 h
		suspended := f.appealed(t, mp, "s1", enforce.Suspended, senior)   // due in 48 h

		rev := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)
		q := rev.get("/console/appeals").want(t, http.StatusOK, `<a href="/console/appeals" aria-current="page">Appeals</a>`,
			`<a href="/console/appeals?status=open" aria-current="page">Open</a>`, "23 h left", "47 h left", "2 days left",
			`<span class="badge sla-on_track">On track</span>`, `href="/console/accounts/r1"`, "business user",
			`<span class="badge tier-blocked">Blocked</span> Tier`, "<td>Appeal</td>")
		order := appealRowID.FindAllStringSubmatch(q.body, -1)
		if len(order) != 3 || order[0][1] != blocked.ID || order[1][1] != suspended.ID || order[2][1] != restricted.ID {
			t.Fatalf("queue not soonest due first: %v", order)
		}
		q.lacks(t, "sla-at_risk", "sla-breached")

		// 20 hours on, less than a quarter of the blocked account's 24 h
		// is left; 25 hours on, it is overdue.
		f.later(20 * time.Hour)
		rev.get("/console/appeals").want(t, http.StatusOK, `class="countdown sla-text-at_risk">3 h left</a> <span class="badge sla-at_risk">At risk</span>`,
			`class="countdown sla-text-on_track">27 h left</a>`)
		f.later(25 * time.Hour)
		rev.get("/console/appeals").want(t, http.StatusOK, `class="countdown sla-text-breached">overdue by 1 h</a> <span class="badge sla-breached">Breached</span>`,
			`class="countdown sla-text-on_track">22 h left</a>`, "46 h left")
		rev.get("/console/").want(t, http.StatusOK, "Appeals waiting for a decision:", `<a href="/console/appeals"><strong>3</strong></a>`,
			`<span class="badge sla-breached">1 breached their SLA</span>`)
		rev.get("/console/appeals/"+blocked.ID).want(t, http.StatusOK, `id="appeal-countdown">overdue by 1 h</strong>`)
		f.later(0)
		rev.get("/console/").want(t, http.StatusOK, `<a href="/console/appeals"><strong>3</strong></a>`).lacks(t, "breached their SLA")

		// One account's appeals; nothing decided yet.
		rev.get("/console/appeals?account=s1").want(t, http.StatusOK, "For account", suspended.ID).lacks(t, blocked.ID, restricted.ID)
		rev.get("/console/appeals?status=decided").want(t, http.StatusOK, "No appeal was decided yet.")
		// Another marketplace sees none of them.
		f.loggedIn(t, "outsider", user.AppealsReviewer, f.other.Marketplace.ID).get("/console/appeals").
			want(t, http.StatusOK, "No appeal is waiting for a decision.").lacks(t, blocked.ID)
	})
}

// TestAppealsPages works appeals against tiers through their pages by
// role, on both databases: the decision appealed with its evidence and
// statement beside the plan of action; an agent and the moderator who
// took the decision refused with nothing changed; a reviewer reverses,
// reduces and escalates, and an admin decides the escalated appeal.
func TestAppealsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		senior, admin := f.addUser(t, "senior", user.SeniorModerator, mp), f.addUser(t, "admin1", user.Admin, mp)
		restricted := f.appealed(t, mp, "r1", enforce.Restricted, senior)
		suspended := f.appealed(t, mp, "s1", enforce.Suspended, senior)
		blocked := f.appealed(t, mp, "b1", enforce.Blocked, admin)
		rev := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)

		page := "/console/appeals/" + restricted.ID
		r := rev.get(page).want(t, http.StatusOK, "Appeal by account", "Against the account's tier", "2 days left",
			// the decision appealed, its evidence and statement of reasons
			"The decision appealed", "by senior.", "Tier changed", `<span class="badge tier-clear">Clear</span> → <span class="badge tier-restricted">Restricted</span> · senior`,
			"Counterfeit goods <code>counterfeit</code>", "<dt>Template</dt><dd>counterfeit</dd>", "Listings offered counterfeit goods, which our terms prohibit.",
			`<details class="statement" id="statement-`, `" open>`, "No longer: creating listings, making offers, live selling", "Appeal until",
			// the plan of action, the account now, the outcomes
			"Plan of action", "A wholesaler sold me bags", "I removed every listing", "I only list goods with a receipt",
			"The account now</span> <span class=\"badge tier-restricted\">Restricted</span> · may not list, make offers, sell live",
			`name="reply"`, `value="reverse"`, `value="reduce"`, "Reduce one tier", `value="maintain"`, `value="escalate"`)
		if !regexp.MustCompile(`(?s)<div class="columns columns-side">\s*<section class="card" aria-labelledby="decision-title">.*?aria-labelledby="poa-title"`).MatchString(r.body) {
			t.Error("the decision appealed and the plan of action are not side by side")
		}
		rev.get(accountURL("r1")).want(t, http.StatusOK, `<a href="/console/appeals?account=r1">1 open appeal</a>`)
		unchanged := func(what string) {
			t.Helper()
			if c, a := f.caps(t, mp, "r1"), f.appealOf(t, mp, restricted.ID); c.Tier != enforce.Restricted || a.Status != "open" {
				t.Fatalf("%s changed something: %s, appeal %s", what, c.Tier, a.Status)
			}
		}
		reverse := url.Values{"outcome": {"reverse"}, "reply": {"The receipts show the bags were genuine."}}

		// An agent and the senior who restricted see it read-only, with
		// who decides and why not them; their posts are refused.
		agent := f.loggedIn(t, "agent", user.Agent, mp)
		agent.get(page).want(t, http.StatusOK, "An appeals reviewer who did not take the appealed decision decides it.",
			"Appeals are reviewed by appeals reviewers, not agent.").lacks(t, `name="outcome"`, `name="reply"`)
		agent.post(page+"/decision", reverse).want(t, http.StatusForbidden, "Not saved.", "Appeals are reviewed by appeals reviewers, not agent.")
		unchanged("an agent's post")
		sen := f.client(t)
		sen.login("senior")
		sen.get(page).want(t, http.StatusOK, "The moderator who took the decision cannot review its appeal.").lacks(t, `name="outcome"`)
		sen.post(page+"/decision", reverse).want(t, http.StatusForbidden, "Not saved.", "The moderator who took the decision cannot review its appeal.")
		unchanged("the decider's post")

		// A reply without reasons is refused, the reply kept as typed.
		r = rev.post(page+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"ok <b>fine</b>"}}).
			want(t, http.StatusUnprocessableEntity, "Not saved.", "A reasoned reply of 20 to 5000 characters is required (got 14).",
				"ok <b>fine</b></textarea>", `value="reverse"`)
		if strings.Contains(r.body, "<b>fine") {
			t.Error("the reply reached the page unescaped")
		}
		rev.post(page+"/decision", url.Values{"outcome": {"pardon"}, "reply": {"The receipts show the bags were genuine."}}).
			want(t, http.StatusUnprocessableEntity, "Outcome must be one of reverse, reduce, maintain, escalate.")
		unchanged("a refused reply")

		// Missing or forged CSRF: refused before anything runs.
		rev.do(http.MethodPost, page+"/decision", reverse, nil).want(t, http.StatusForbidden, "Request refused", "did not come from the console")
		forged := url.Values{"outcome": {"reverse"}, "reply": {"The receipts show the bags were genuine."}, "csrf": {"forged"}}
		rev.do(http.MethodPost, page+"/decision", forged, nil).want(t, http.StatusForbidden, "Request refused")
		unchanged("a post without the CSRF token")

		// Another marketplace's reviewer finds nothing, and changes nothing.
		outsider := f.loggedIn(t, "outsider", user.AppealsReviewer, f.other.Marketplace.ID)
		outsider.get(page).want(t, http.StatusNotFound)
		outsider.post(page+"/decision", reverse).want(t, http.StatusNotFound)
		unchanged("another marketplace's post")
		rev.get("/console/appeals/no-such-appeal").want(t, http.StatusNotFound)

		// Reverse: the account is clear again, at once, and the page says
		// so with the step it took, linked back from the account.
		rev.post(page+"/decision", reverse).redirectsTo(t, page+"?done=appeal-decided&mp="+mp)
		rev.get(page+"?done=appeal-decided").want(t, http.StatusOK, "The appeal was decided", `id="appeal-outcome">Reverse</span>`,
			"<dt>Reviewer</dt><dd>reviewer,", "Decided in time", `id="appeal-reply">The receipts show the bags were genuine.</dd>`,
			`<span class="badge tier-restricted">Restricted</span> → <span class="badge tier-clear">Clear</span> · reviewer`,
			"The account now</span> <span class=\"badge tier-clear\">Clear</span> · no limits").lacks(t, `name="outcome"`)
		if c := f.caps(t, mp, "r1"); c.Tier != enforce.Clear || !c.CanList {
			t.Fatalf("after reverse: %+v", c)
		}
		rev.get(accountURL("r1")).want(t, http.StatusOK, `<a href="/console/appeals/`+restricted.ID+`">appeal <code>`+restricted.ID+`</code></a>`)
		rev.post(page+"/decision", reverse).want(t, http.StatusUnprocessableEntity, "The appeal is already decided (reverse).")

		// Reduce: suspended → restricted.
		sp := "/console/appeals/" + suspended.ID
		rev.post(sp+"/decision", url.Values{"outcome": {"reduce"}, "reply": {"A first offence: restricted instead."}}).
			redirectsTo(t, sp+"?done=appeal-decided&mp="+mp)
		rev.get(sp).want(t, http.StatusOK, `id="appeal-outcome">Reduce</span>`,
			`<span class="badge tier-suspended">Suspended</span> → <span class="badge tier-restricted">Restricted</span> · reviewer`)
		if c := f.caps(t, mp, "s1"); c.Tier != enforce.Restricted {
			t.Fatalf("after reduce: %s", c.Tier)
		}

		// Escalate: the escalating reviewer, and the admin who blocked, may
		// not decide it then; another admin maintains it.
		bp := "/console/appeals/" + blocked.ID
		rev.post(bp+"/decision", url.Values{"outcome": {"escalate"}, "reply": {"Long clean record; needs a senior look."}}).
			redirectsTo(t, bp+"?done=appeal-escalated&mp="+mp)
		rev.get(bp+"?done=appeal-escalated").want(t, http.StatusOK, "The appeal was escalated", `<span class="badge flag-escalated">escalated</span>`,
			"Escalated by reviewer:", "Long clean record; needs a senior look.",
			"It was escalated: an admin, or an appeals reviewer other than reviewer, decides it.").lacks(t, `name="outcome"`)
		rev.post(bp+"/decision", url.Values{"outcome": {"maintain"}, "reply": {"On reflection the block stands."}}).
			want(t, http.StatusForbidden, "An escalated appeal is decided by a senior reviewer")
		blocker := f.client(t)
		blocker.login("admin1")
		blocker.post(bp+"/decision", url.Values{"outcome": {"maintain"}, "reply": {"My own block was right all along."}}).
			want(t, http.StatusForbidden, "The moderator who took the decision cannot review its appeal.")
		if a := f.appealOf(t, mp, blocked.ID); a.Status != "escalated" {
			t.Fatalf("refused decisions changed the escalated appeal: %s", a.Status)
		}
		admin2 := f.loggedIn(t, "admin2", user.Admin, mp)
		admin2.get(bp).want(t, http.StatusOK, `name="reply"`, `value="maintain"`)
		admin2.post(bp+"/decision", url.Values{"outcome": {"maintain"}, "reply": {"The counterfeits were proven; the block stands."}}).
			redirectsTo(t, bp+"?done=appeal-decided&mp="+mp)
		admin2.get(bp).want(t, http.StatusOK, `id="appeal-outcome">Maintain</span>`, "<dt>Reviewer</dt><dd>admin2,", "Nothing: the decision stands.",
			"Escalated by reviewer:")
		if c := f.caps(t, mp, "b1"); c.Tier != enforce.Blocked {
			t.Fatalf("after maintain: %s", c.Tier)
		}

		rev.get("/console/appeals?status=decided").want(t, http.StatusOK, `<span class="badge outcome-maintain">Maintain</span>`,
			`<span class="badge outcome-reduce">Reduce</span>`, `<span class="badge outcome-reverse">Reverse</span>`, "SLA met", "by admin2")
		rev.get("/console/appeals").want(t, http.StatusOK, "No appeal is waiting for a decision.")
	})
}

// TestAppealSubjects shows appeals against a sanction, a case's content
// decision and an automated decision, each with what it was and only the
// outcomes that apply to it, on both databases.
func TestAppealSubjects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp, ctx := f.mp.Marketplace.ID, t.Context()
		senior, agentUser := f.addUser(t, "senior", user.SeniorModerator, mp), f.addUser(t, "agent", user.Agent, mp)
		rev := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)

		// A sanction, imposed through the API on the senior's word:
		// reversed or maintained, never reduced.
		res, err := f.enforce.Impose(ctx, mp, enforce.Person(senior, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}), "s1",
			enforce.SanctionRequest{Kind: enforce.LiveSellingLoss, Duration: "14d", Decision: enforce.Decision{Template: "harassment"}})
		if err != nil {
			t.Fatal(err)
		}
		req := plan("s1")
		req.Decision = &appeal.Ref{Type: appeal.SubjectSanction, ID: res.Action.SanctionID}
		sp := "/console/appeals/" + f.file(t, mp, req).ID
		rev.get(sp).want(t, http.StatusOK, "Against a sanction", "Sanction imposed", "Live selling loss", "by senior.", "Statement of reasons",
			"No longer: live selling", "<dt>Via</dt><dd>api_key k</dd>", "may not sell live", `value="reverse"`, `value="maintain"`, "only a tier can be reduced").lacks(t, `value="reduce"`)
		rev.post(sp+"/decision", url.Values{"outcome": {"reduce"}, "reply": {"Reduce what exactly, though?"}}).
			want(t, http.StatusUnprocessableEntity, "A sanction is reversed or maintained; reduce lowers a tier.")
		rev.post(sp+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"The buyer confirmed the stream was a misunderstanding."}}).
			redirectsTo(t, sp+"?done=appeal-decided&mp="+mp)
		rev.get(sp).want(t, http.StatusOK, `id="appeal-outcome">Reverse</span>`, "Sanction lifted", "The account now</span> <span class=\"badge tier-clear\">Clear</span> · no limits")
		if c := f.caps(t, mp, "s1"); len(c.Sanctions) != 0 || !c.CanGoLive {
			t.Fatalf("after reversing the sanction: %+v", c)
		}

		// A case that removed a listing: reversed, the listing is live again.
		f.seedListings(t, mp, "seller", "lst-1", "Genuine leather bag, barely used.")
		filed := f.report(t, mp, "listing", "lst-1", "counterfeit_or_illegal", "rep-1", "Looks fake.")
		m := cases.Moderator{User: agentUser, Via: audit.Actor{Type: audit.ActorUser, ID: agentUser.ID}}
		for _, act := range []cases.ActionRequest{{Action: cases.ActClaim}, {Action: cases.ActRemoveContent, Template: "content_removed"}} {
			if _, err := f.cases.Act(ctx, mp, m, filed.CaseID, act); err != nil {
				t.Fatal(err)
			}
		}
		req = plan("seller")
		req.Decision = &appeal.Ref{Type: appeal.SubjectCase, ID: filed.CaseID}
		cp := "/console/appeals/" + f.file(t, mp, req).ID
		rev.get(cp).want(t, http.StatusOK, "Complaint by account", "Against a case's content decision", "by agent.",
			`<a href="/console/cases/`+filed.CaseID+`">`, `listing <a href="/console/listings/lst-1"><code>lst-1</code></a>`, "<dt>Outcome</dt><dd>Content removed", "The content breached our rules and was removed.",
			`The listing: <a href="/console/listings/lst-1">`, `value="reverse"`).lacks(t, `value="reduce"`)
		rev.post(cp+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"The seller sent the receipt from the brand's shop."}}).
			redirectsTo(t, cp+"?done=appeal-decided&mp="+mp)
		rev.get(cp).want(t, http.StatusOK, `id="appeal-outcome">Reverse</span>`, `The listing <a href="/console/listings/lst-1"><code>lst-1</code></a> went live again.`)
		if st, err := f.db.ListingState(ctx, mp, "lst-1"); err != nil || st.Status != "approved" {
			t.Fatalf("the listing after the reversal: %+v, %v", st, err)
		}

		// An automated decision that held a listing: its outcome, evidence
		// and page; maintained.
		data, _ := json.Marshal(map[string]any{"listing_id": "l2", "account_id": "u1", "title": "Camera",
			"description": "Pay by Western Union, I ship the camera after.", "price": map[string]any{"amount": 9000, "currency": "EUR"},
			"category": "furniture", "location": map[string]any{"city": "Berlin", "country": "DE"}})
		held, err := f.checks(spotPhones).Listing(ctx, mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, data, "")
		if err != nil || held.Outcome != "pending_review" {
			t.Fatalf("held listing: %+v, %v", held, err)
		}
		req = plan("u1")
		req.Decision = &appeal.Ref{Type: appeal.SubjectDecision, ID: held.DecisionID}
		dp := "/console/appeals/" + f.file(t, mp, req).ID
		rev.get(dp).want(t, http.StatusOK, "Against an automated decision", "by an automated check.",
			`<a href="/console/decisions/`+held.DecisionID+`">`, `<span class="badge outcome-pending_review">pending_review</span>`,
			"<code>scam.payment</code>", "<mark>Western Union</mark>").lacks(t, `value="reduce"`)
		rev.post(dp+"/decision", url.Values{"outcome": {"maintain"}, "reply": {"Payment by Western Union is never allowed here."}}).
			redirectsTo(t, dp+"?done=appeal-decided&mp="+mp)
		rev.get(dp).want(t, http.StatusOK, `id="appeal-outcome">Maintain</span>`, "Nothing: the decision stands.")
	})
}

// TestBrowserAppeal decides an appeal through its page in Chromium: from
// the queue to the appeal, whose decision and plan of action sit side by
// side, a reasoned reply and Reverse; the outcome shows and the account
// is clear. It screenshots the queue and the page at desktop and tablet
// width, where nothing may scroll sideways.
func TestBrowserAppeal(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	senior := f.addUser(t, "senior", user.SeniorModerator, mp)
	f.addUser(t, "reviewer", user.AppealsReviewer, mp)
	a := f.appealed(t, mp, "r9", enforce.Suspended, senior)
	f.appealed(t, mp, "r8", enforce.Restricted, senior)
	b := newBrowser(t)
	base := f.srv.URL

	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "reviewer")
	b.run("open the queue", chromedp.Navigate(base+"/console/appeals"), chromedp.WaitVisible(chromedp.CSS("tr.appeal-row a.countdown")))
	if got := b.text("tr.appeal-row a.countdown"); got != "47 h left" {
		t.Errorf("the soonest due appeal's countdown says %q", got)
	}
	b.screenshot("appeals-1280")
	b.noSideways("appeals", 1280)
	b.run("open the appeal", chromedp.Click(chromedp.CSS("tr.appeal-row a.countdown")), chromedp.WaitVisible(chromedp.ID("appeal-reply-text")))
	side, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
		const d = document.getElementById("decision-title").closest("section").getBoundingClientRect();
		const p = document.getElementById("poa-title").closest("section").getBoundingClientRect();
		return Math.abs(d.top - p.top) < 1 && d.right <= p.left;
	})()`))
	if err != nil || !side {
		t.Errorf("at 1280px the decision appealed is not beside the plan of action (%v)", err)
	}
	b.screenshot("appeal-1280")
	b.noSideways("appeal", 1280)
	b.run("reverse it",
		chromedp.SendKeys(chromedp.ID("appeal-reply-text"), "The buyers confirmed the goods arrived as described."),
		chromedp.Click(chromedp.CSS(`button[name="outcome"][value="reverse"]`)),
		chromedp.WaitVisible(chromedp.ID("appeal-outcome")),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "The appeal was decided") {
		t.Errorf("after deciding the page says %q", n)
	}
	if got := b.text("#appeal-outcome"); got != "Reverse" {
		t.Errorf("outcome shown %q", got)
	}
	if got := b.text("#appeal-reply"); !strings.Contains(got, "buyers confirmed") {
		t.Errorf("reply shown %q", got)
	}
	if got := b.text("#appeal-result"); !strings.Contains(got, "Suspended → Clear") || !strings.Contains(got, "reviewer") {
		t.Errorf("the step the outcome took shows as %q", got)
	}
	if c := f.caps(t, mp, "r9"); c.Tier != enforce.Clear {
		t.Errorf("after reversing in the browser: %s (appeal %s)", c.Tier, a.ID)
	}
	b.run("tablet", chromedp.EmulateViewport(800, 900), chromedp.Navigate(base+"/console/appeals"), chromedp.WaitVisible(chromedp.CSS("tr.appeal-row")))
	b.screenshot("appeals-800")
	b.noSideways("appeals", 800)
	b.run("the decided appeal at 800", chromedp.Navigate(base+"/console/appeals/"+a.ID), chromedp.WaitVisible(chromedp.ID("appeal-outcome")))
	b.screenshot("appeal-800")
	b.noSideways("appeal", 800)
}
