package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// seedAccount describes an account of mp (private or business), as the
// marketplace's backend would, so that it has a page.
func (f *fixture) seedAccount(t *testing.T, mp, id, kind string) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"account_id": id, "kind": kind, "country": "DE"})
	if err != nil {
		t.Fatal(err)
	}
	batch := []event.Envelope{{ID: "acc-" + id, Type: "account.upserted", OccurredAt: time.Now().UTC().Add(-time.Hour), Data: data}}
	if _, err := f.ingest.Ingest(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, batch, true); err != nil {
		t.Fatal(err)
	}
}

// accountFixture is a fixture whose marketplace describes one account of
// kind; it returns the marketplace's id and the account page's path.
func accountFixture(t *testing.T, id, kind string) (f *fixture, mp, page string) {
	t.Helper()
	f = newFixture(t)
	mp = f.mp.Marketplace.ID
	f.seedAccount(t, mp, id, kind)
	return f, mp, accountURL(id)
}

// caps is an account's capabilities now, failing the test on error.
func (f *fixture) caps(t *testing.T, mp, id string) enforce.Capabilities {
	t.Helper()
	c, err := f.enforce.Capabilities(t.Context(), mp, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enforcementTimeline is an account's enforcement timeline, newest first.
func (f *fixture) enforcementTimeline(t *testing.T, mp, id string) []enforce.Action {
	t.Helper()
	tl, err := f.enforce.Timeline(t.Context(), mp, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	return tl
}

var optionValue = regexp.MustCompile(`<option value="([^"]*)"`)

// options lists the values a page's select with id offers.
func options(t *testing.T, r response, id string) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</select>`).FindStringSubmatch(r.body)
	if m == nil {
		return nil
	}
	var out []string
	for _, o := range optionValue.FindAllStringSubmatch(m[1], -1) {
		out = append(out, o[1])
	}
	return out
}

// TestEnforcementTiers changes an account's tier from its page by role,
// on both databases: an agent is offered and may make only the moves the
// policy gives agents, and a refused move is explained with nothing
// changed; a senior moderator restricts with a template, and the badge,
// the capabilities, the timeline and the statement of reasons show it.
func TestEnforcementTiers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		f.seedAccount(t, mp, "s1", "private")
		page := accountURL("s1")

		agent := f.loggedIn(t, "agent", user.Agent, mp)
		r := agent.get(page).want(t, http.StatusOK, "Enforcement", `<span class="badge tier-clear">Clear</span>`, "Change tier",
			"No enforcement decision yet")
		if got := options(t, r, "tier-to"); !slices.Equal(got, []string{"warning", "flagged"}) {
			t.Errorf("an agent is offered the tiers %v, want warning and flagged", got)
		}
		// The policy gives every sanction and every lift to senior roles.
		r.lacks(t, "Impose a sanction", "Lift early", `name="termination_exception"`)

		// Restricting is refused, explained on the open form, which keeps
		// what was sent, and nothing is recorded.
		r = agent.post(page+"/tier", url.Values{"tier": {"restricted"}, "template": {"counterfeit"}, "reason": {"Fake <b>brand</b> bags"}}).
			want(t, http.StatusForbidden, "Not saved.", "Moving an account to restricted needs the senior_moderator role or above, not agent.",
				`id="change-tier" open`, `<option value="counterfeit" selected>`, "Fake <b>brand</b> bags</textarea>")
		if strings.Contains(r.body, "<b>brand") {
			t.Error("the reason sent reached the page unescaped")
		}
		if tl, c := f.enforcementTimeline(t, mp, "s1"), f.caps(t, mp, "s1"); len(tl) != 0 || c.Tier != enforce.Clear {
			t.Fatalf("a refused move changed the account: %+v %+v", tl, c)
		}
		// A warning is the agent's to give.
		agent.post(page+"/tier", url.Values{"tier": {"warning"}, "reason": {"Asked a buyer to pay outside the platform."}}).
			redirectsTo(t, page+"?done=tier-changed&mp="+mp)
		r = agent.get(page+"?done=tier-changed").want(t, http.StatusOK, "The account's tier was changed",
			`<span class="badge tier-warning">Warning</span>`, "Asked a buyer to pay outside the platform.", "Tier changed")
		if got := options(t, r, "tier-to"); !slices.Equal(got, []string{"flagged"}) {
			t.Errorf("at warning an agent is offered %v, want flagged (lowering is for seniors)", got)
		}

		// Mistakes a senior moderator can fix are explained and change nothing.
		senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
		r = senior.get(page).want(t, http.StatusOK, "Impose a sanction")
		if got := options(t, r, "tier-to"); !slices.Equal(got, []string{"clear", "flagged", "restricted", "suspended"}) {
			t.Errorf("a senior moderator is offered %v", got)
		}
		if got := options(t, r, "sanction-kind"); !slices.Equal(got, []string{"early_payout_loss", "raised_commission", "live_selling_loss", "temporary_suspension"}) {
			t.Errorf("a senior moderator is offered the sanctions %v", got)
		}
		senior.post(page+"/tier", url.Values{"tier": {"suspended"}, "ground": {"fraud"}}).
			want(t, http.StatusUnprocessableEntity, "Say why: a reason or a template is required.", `<option value="fraud" selected>`)
		senior.post(page+"/tier", url.Values{"tier": {"suspended"}, "reason": {"x"}, "ground": {"made_up"}}).
			want(t, http.StatusUnprocessableEntity, `Ground "made_up" is not one of the policy's grounds.`)
		senior.post(page+"/tier", url.Values{"tier": {"warning"}, "reason": {"again"}}).
			want(t, http.StatusUnprocessableEntity, "The account is already warning.")
		if tl := f.enforcementTimeline(t, mp, "s1"); len(tl) != 1 {
			t.Fatalf("refused posts were recorded: %+v", tl)
		}

		// Restricting with a template: the badge, what the account may do,
		// the timeline entry and its statement of reasons.
		senior.post(page+"/tier", url.Values{"tier": {"restricted"}, "template": {"counterfeit"}}).
			redirectsTo(t, page+"?done=tier-changed&mp="+mp)
		r = senior.get(page).want(t, http.StatusOK, `<span class="badge tier-restricted">Restricted</span>`,
			"<dt>List</dt><dd><span class=\"badge\">no</span>", "<dt>Buy</dt><dd><span class=\"badge badge-yes\">yes</span>",
			"<dt>Deals in flight</dt><dd>May complete",
			// the timeline, newest first
			`<span class="badge tier-warning">Warning</span> → <span class="badge tier-restricted">Restricted</span> · senior`,
			"Listings offered counterfeit goods, which our terms prohibit.", "Counterfeit goods <code>counterfeit</code>",
			// the statement of reasons
			`<details class="statement"`, "Account restricted", "No longer: creating listings, making offers, live selling",
			"Appeal until", "decided within 72h", "plan of action", "out-of-court dispute settlement", "Automated decision", ", without end")
		tl := f.enforcementTimeline(t, mp, "s1")
		if len(tl) != 2 || tl[0].ToTier != enforce.Restricted || tl[0].StatementID == "" || tl[0].Actor.Type != audit.ActorUser {
			t.Fatalf("timeline: %+v", tl)
		}
		if !regexp.MustCompile(`(?s)<li class="step step-tier" id="action-` + tl[0].ID + `">.*?<li class="step step-tier" id="action-` + tl[1].ID + `">`).
			MatchString(r.body) {
			t.Error("the timeline is not newest first")
		}
		if !regexp.MustCompile(`(?s)id="action-` + tl[0].ID + `">.*?<dt>Automated</dt><dd><span class="badge">no</span>.*?<details class="statement" id="statement-` + tl[0].StatementID).
			MatchString(r.body) {
			t.Error("the restriction's entry does not carry its statement of reasons")
		}
		if c := f.caps(t, mp, "s1"); c.Tier != enforce.Restricted || c.CanList {
			t.Fatalf("after restricting: %+v", c)
		}
		// The audit log names the senior moderator.
		senior.get("/console/audit").want(t, http.StatusOK, "enforcement.tier")
		// An agent may not lower it again; a senior may.
		agent.post(page+"/tier", url.Values{"tier": {"clear"}, "reason": {"resolved"}}).
			want(t, http.StatusForbidden, "Lowering restricted to clear needs the senior_moderator role or above, not agent.")
		senior.post(page+"/tier", url.Values{"tier": {"clear"}, "reason": {"The seller removed the listings."}}).
			redirectsTo(t, page+"?done=tier-changed&mp="+mp)
		senior.get(page).want(t, http.StatusOK, `<span class="badge tier-clear">Clear</span>`)
	})
}

// TestEnforcementSanctions imposes sanctions from an account's page,
// shows them with their expiry and remedial step, refuses mistakes and
// roles without changing anything, and lifts one early.
func TestEnforcementSanctions(t *testing.T) {
	t.Parallel()
	f, mp, page := accountFixture(t, "s2", "private")
	senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
	agent := f.loggedIn(t, "agent", user.Agent, mp)

	for _, tc := range []struct {
		form   url.Values
		status int
		msg    string
	}{
		{url.Values{"kind": {"raised_commission"}, "duration": {"14d"}, "template": {"harassment"}}, http.StatusUnprocessableEntity,
			"A raised commission needs its rate in percent, such as 15."},
		{url.Values{"kind": {"raised_commission"}, "duration": {"14d"}, "commission_rate": {"150"}, "template": {"harassment"}}, http.StatusUnprocessableEntity,
			"The commission rate must be a percentage above 0 and at most 100"},
		{url.Values{"kind": {"early_payout_loss"}, "duration": {"14d"}, "commission_rate": {"15"}, "template": {"fulfilment"}}, http.StatusUnprocessableEntity,
			"A commission rate is for a raised commission only"},
		{url.Values{"kind": {"temporary_suspension"}, "duration": {"31d"}, "template": {"scam"}}, http.StatusUnprocessableEntity,
			"Temporary_suspension lasts at most 30d by the policy, not 31d."},
		{url.Values{"kind": {"live_selling_loss"}, "duration": {"7d"}, "remedial": {"shipping_quiz"}, "template": {"harassment"}}, http.StatusUnprocessableEntity,
			"Only logistics sanctions can be lifted by a remedial step"},
		{url.Values{"kind": {"permanent_ban"}, "template": {"scam"}}, http.StatusForbidden,
			"Imposing permanent_ban needs the admin role or above, not senior_moderator."},
	} {
		senior.post(page+"/sanctions", tc.form).want(t, tc.status, "Not saved.", tc.msg, `id="impose-sanction" open`,
			`value="`+tc.form.Get("duration")+`"`)
	}
	agent.post(page+"/sanctions", url.Values{"kind": {"early_payout_loss"}, "duration": {"7d"}, "template": {"fulfilment"}}).
		want(t, http.StatusForbidden, "Imposing early_payout_loss needs the senior_moderator role or above, not agent.")
	if c, tl := f.caps(t, mp, "s2"), f.enforcementTimeline(t, mp, "s2"); len(c.Sanctions) != 0 || len(tl) != 0 {
		t.Fatalf("refused sanctions were imposed: %+v %+v", c, tl)
	}

	// A raised commission and a logistics sanction with its remedial step.
	senior.post(page+"/sanctions", url.Values{"kind": {"raised_commission"}, "duration": {"14d"}, "commission_rate": {"17.5"},
		"template": {"harassment"}}).redirectsTo(t, page+"?done=sanction-imposed&mp="+mp)
	senior.post(page+"/sanctions", url.Values{"kind": {"live_selling_loss"}, "duration": {"7d"}, "class": {"logistics"},
		"remedial": {"shipping_quiz"}, "template": {"fulfilment"}}).redirectsTo(t, page+"?done=sanction-imposed&mp="+mp)
	c := f.caps(t, mp, "s2")
	if len(c.Sanctions) != 2 || c.CommissionRate == nil || *c.CommissionRate != 0.175 || c.CanGoLive {
		t.Fatalf("after imposing: %+v", c)
	}
	var commission enforce.Sanction
	for _, s := range c.Sanctions {
		if s.Kind == enforce.RaisedCommission {
			commission = s
		}
	}
	r := senior.get(page+"?done=sanction-imposed").want(t, http.StatusOK, "The sanction was imposed",
		"<dt>Commission</dt><dd><strong>17.5%</strong> (raised)", "<dt>Go live</dt><dd><span class=\"badge\">no</span>",
		`<span class="badge class-logistics">logistics</span>`, `<code>shipping_quiz</code> lifts it early`,
		`<span class="badge class-behavioural">behavioural</span>`, "Sanction imposed", "Raised commission",
		"Loss of live-selling access", "No longer: live selling", when(commission.ExpiresAt), `id="lift-`+commission.ID+`"`)
	if n := strings.Count(r.body, `<details class="statement"`); n != 2 {
		t.Errorf("%d statements of reasons shown, want one per sanction", n)
	}
	agent.get(page).want(t, http.StatusOK, "Raised commission").lacks(t, "Lift early")

	// Lifting: refused for an agent and without a reason, then done.
	lift := page + "/sanctions/" + commission.ID + "/lift"
	agent.post(lift, url.Values{"reason": {"goodwill"}}).
		want(t, http.StatusForbidden, "Lifting a sanction early needs the senior_moderator role or above, or an appeal.")
	senior.post(lift, url.Values{"reason": {" "}}).
		want(t, http.StatusUnprocessableEntity, "Say why: a reason or a template is required.", `id="lift-`+commission.ID+`" open`)
	senior.post(page+"/sanctions/no-such-sanction/lift", url.Values{"reason": {"x"}}).want(t, http.StatusNotFound)
	if c := f.caps(t, mp, "s2"); len(c.Sanctions) != 2 {
		t.Fatalf("a refused lift lifted: %+v", c.Sanctions)
	}
	senior.post(lift, url.Values{"reason": {"The seller appealed by phone."}}).redirectsTo(t, page+"?done=sanction-lifted&mp="+mp)
	senior.get(page+"?done=sanction-lifted").want(t, http.StatusOK, "The sanction was lifted", "Sanction lifted", "The seller appealed by phone.",
		"<dt>Commission</dt><dd>Standard").lacks(t, `id="lift-`+commission.ID+`"`)
	if c := f.caps(t, mp, "s2"); len(c.Sanctions) != 1 || c.CommissionRate != nil {
		t.Fatalf("after lifting: %+v", c)
	}
	senior.post(lift, url.Values{"reason": {"twice"}}).want(t, http.StatusUnprocessableEntity, "The sanction is already lifted.")
}

// TestEnforcementBusinessTermination blocks a business user: an admin is
// offered the termination exceptions, and without one the block waits
// for the notice period, which the page says.
func TestEnforcementBusinessTermination(t *testing.T) {
	t.Parallel()
	f, mp, page := accountFixture(t, "shop", "business")
	admin := f.loggedIn(t, "admin", user.Admin, mp)
	r := admin.get(page).want(t, http.StatusOK, "business user", `name="termination_exception"`)
	if got := options(t, r, "tier-exception"); !slices.Equal(got, []string{"", "legal_obligation", "imperative_reason", "repeated_infringement"}) {
		t.Errorf("termination exceptions offered: %v", got)
	}
	admin.post(page+"/tier", url.Values{"tier": {"blocked"}, "template": {"scam"}}).redirectsTo(t, page+"?done=termination-scheduled&mp="+mp)
	admin.get(page+"?done=termination-scheduled").want(t, http.StatusOK, "The termination was scheduled", "A block is scheduled for",
		"Another tier decision before then cancels it.", `<span class="badge tier-clear">Clear</span>`, "Termination scheduled", "Takes effect")
	if c := f.caps(t, mp, "shop"); c.Tier != enforce.Clear || c.TerminationAt.IsZero() {
		t.Fatalf("during the notice period: %+v", c)
	}
	// A private account is offered no exception.
	f.seedAccount(t, mp, "person", "private")
	admin.get(accountURL("person")).want(t, http.StatusOK).lacks(t, `name="termination_exception"`)
}

// TestRecommendationPages lists the recommendations cases made, lets only
// the roles allowed decide them, approves one and rejects another, and
// counts the pending ones on the dashboard.
func TestRecommendationPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	ctx := t.Context()
	agentUser := f.addUser(t, "agent", user.Agent, mp)
	m := cases.Moderator{User: agentUser, Via: audit.Actor{Type: audit.ActorUser, ID: agentUser.ID}}
	f.seedAccount(t, mp, "x1", "private")
	recommend := func(account, note string) string {
		filed := f.report(t, mp, "account", account, "scam_or_fraud", "rep-"+account, "")
		if _, err := f.cases.Act(ctx, mp, m, filed.CaseID, cases.ActionRequest{Action: cases.ActRecommendTier, Tier: "suspended", Note: note}); err != nil {
			t.Fatal(err)
		}
		return filed.CaseID
	}
	case1 := recommend("x1", "Third scam this month.")
	case2 := recommend("x2", "Asked for a <b>deposit</b>.") // x2: reported, no events of its own
	recs, err := f.enforce.Recommendations(ctx, mp, "pending", "", 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("recommendations: %+v %v", recs, err)
	}
	byAccount := map[string]string{recs[0].AccountID: recs[0].ID, recs[1].AccountID: recs[1].ID}
	rec1, rec2 := byAccount["x1"], byAccount["x2"]

	// An agent sees them, with their cases, but may not decide a suspension.
	agent := f.client(t)
	agent.login("agent")
	agent.get("/console/").want(t, http.StatusOK, "Recommendations waiting for a decision:", `<a href="/console/recommendations"><strong>2</strong></a>`)
	list := agent.get("/console/recommendations").want(t, http.StatusOK, `<a href="/console/recommendations" aria-current="page">Recommendations</a>`,
		`<span class="badge tier-suspended">Suspended</span>`, `href="/console/accounts/x1"`, `href="/console/accounts/x2"`,
		`<a href="/console/cases/`+case1+`">the case</a>`, `<a href="/console/cases/`+case2+`">the case</a>`, "Third scam this month.",
		"Asked for a <b>deposit</b>.", "<dt>Case id</dt><dd>"+case1, "<dt>Reason group</dt><dd>fraud", "by agent",
		"Deciding it needs a role the policy allows to apply Suspended.").
		lacks(t, `/approve"`, `/reject"`)
	if strings.Contains(list.body, "<b>deposit") {
		t.Error("a recommendation's reason reached the page unescaped")
	}
	agent.post("/console/recommendations/"+rec1+"/approve", url.Values{"template": {"scam"}}).
		want(t, http.StatusForbidden, "Moving an account to suspended needs the senior_moderator role or above, not agent.")

	// A senior moderator approves one: the account is suspended.
	senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
	senior.get("/console/recommendations").want(t, http.StatusOK, `action="/console/recommendations/`+rec1+`/approve"`,
		`action="/console/recommendations/`+rec2+`/reject"`, `id="reject-`+rec2+`-reason" name="reason" rows="3" maxlength="5000" required`)
	senior.post("/console/recommendations/"+rec1+"/approve", url.Values{"template": {"scam"}}).
		redirectsTo(t, "/console/recommendations?done=recommendation-approved&mp="+mp)
	senior.get("/console/recommendations?done=recommendation-approved").want(t, http.StatusOK, "The recommendation was approved").
		lacks(t, `id="rec-`+rec1+`"`)
	if c := f.caps(t, mp, "x1"); c.Tier != enforce.Suspended {
		t.Fatalf("approved, the account is %s", c.Tier)
	}
	senior.get(accountURL("x1")).want(t, http.StatusOK, `<span class="badge tier-suspended">Suspended</span>`, "Account suspended",
		"The account took part in a scam against other members.")

	// Rejecting needs a reason; the refusal keeps the form open.
	senior.post("/console/recommendations/"+rec2+"/reject", url.Values{"ground": {"fraud"}}).
		want(t, http.StatusUnprocessableEntity, "Say why the recommendation is rejected.", `id="reject-`+rec2+`" open`, `<option value="fraud" selected>`)
	senior.post("/console/recommendations/"+rec1+"/approve", nil).want(t, http.StatusUnprocessableEntity, "The recommendation is already approved.")
	senior.post("/console/recommendations/"+rec2+"/reject", url.Values{"reason": {"The buyer's own messages show no deposit was asked."}}).
		redirectsTo(t, "/console/recommendations?done=recommendation-rejected&mp="+mp)
	if c := f.caps(t, mp, "x2"); c.Tier != enforce.Clear {
		t.Fatalf("rejected, the account is %s", c.Tier)
	}
	senior.get("/console/recommendations?done=recommendation-rejected").want(t, http.StatusOK, "The recommendation was rejected",
		"No recommendation is waiting for a decision.")
	senior.get("/console/recommendations?status=approved").want(t, http.StatusOK, `id="rec-`+rec1+`"`, "<dt>Approved</dt><dd>by senior").
		lacks(t, `id="rec-`+rec2+`"`, `/approve"`)
	senior.get("/console/recommendations?status=rejected").want(t, http.StatusOK, `id="rec-`+rec2+`"`, "<dt>Rejected</dt><dd>by senior",
		"The buyer's own messages show no deposit was asked.").lacks(t, `id="rec-`+rec1+`"`)
	senior.get("/console/recommendations?status=rejected&account=x1").want(t, http.StatusOK, "No recommendation was rejected yet.")
	// x2 has no events, but its enforcement record gives it a page.
	senior.get(accountURL("x2")).want(t, http.StatusOK, "Vigil has no events for this account", "Recommendation rejected",
		"The buyer's own messages show no deposit was asked.").lacks(t, "Why this score")
	agent.get("/console/").want(t, http.StatusOK, `<a href="/console/recommendations"><strong>0</strong></a>`)
	// So does an open case: a reported account can be acted on at once.
	f.report(t, mp, "account", "x3", "harassment", "rep-x3", "")
	senior.get(accountURL("x3")).want(t, http.StatusOK, "Vigil has no events for this account", "Change tier", `<span class="badge tier-clear">Clear</span>`)
	senior.get(accountURL("x4")).want(t, http.StatusNotFound)

	// Unknown recommendations, and those of other marketplaces, are not found.
	senior.post("/console/recommendations/nope/approve", nil).want(t, http.StatusNotFound)
	outsider := f.loggedIn(t, "outsider", user.SeniorModerator, f.other.Marketplace.ID)
	outsider.get("/console/recommendations?status=approved").want(t, http.StatusOK).lacks(t, rec1, "x1")
	outsider.post("/console/recommendations/"+rec2+"/approve", nil).want(t, http.StatusNotFound)
}

// TestEnforcementRefused covers the posts refused before any service
// runs: without the session's CSRF token, and from roles that do not work
// the queue, who see the Enforcement section read-only.
func TestEnforcementRefused(t *testing.T) {
	t.Parallel()
	f, mp, page := accountFixture(t, "s3", "private")
	senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
	for path, form := range map[string]url.Values{
		page + "/tier":      {"tier": {"restricted"}, "template": {"counterfeit"}},
		page + "/sanctions": {"kind": {"early_payout_loss"}, "duration": {"7d"}, "template": {"fulfilment"}},
	} {
		senior.do(http.MethodPost, path, form, nil).want(t, http.StatusForbidden, "Request refused", "did not come from the console")
		form.Set("csrf", "forged")
		senior.do(http.MethodPost, path, form, nil).want(t, http.StatusForbidden, "Request refused")
	}
	if c, tl := f.caps(t, mp, "s3"), f.enforcementTimeline(t, mp, "s3"); c.Tier != enforce.Clear || len(c.Sanctions) != 0 || len(tl) != 0 {
		t.Fatalf("a post without the CSRF token changed the account: %+v %+v", c, tl)
	}
	reviewer := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)
	reviewer.get(page).want(t, http.StatusOK, "Enforcement", "Your role can see the account's standing but not change it").
		lacks(t, "Change tier", "Impose a sanction")
	reviewer.post(page+"/tier", url.Values{"tier": {"warning"}, "reason": {"x"}}).want(t, http.StatusForbidden, "Your role does not give access")
	reviewer.get("/console/recommendations").want(t, http.StatusOK, "Recommendations")
	if tl := f.enforcementTimeline(t, mp, "s3"); len(tl) != 0 {
		t.Fatalf("refused posts were recorded: %+v", tl)
	}
}

// TestCommissionRate reads the sanction form's rate in percent.
func TestCommissionRate(t *testing.T) {
	for _, tc := range []struct {
		kind, in string
		want     float64
		ok       bool
	}{
		{enforce.RaisedCommission, "15", 0.15, true},
		{enforce.RaisedCommission, " 12.5 % ", 0.125, true},
		{enforce.RaisedCommission, "100", 1, true},
		{enforce.RaisedCommission, "", 0, false},
		{enforce.RaisedCommission, "0", 0, false},
		{enforce.RaisedCommission, "NaN", 0, false},
		{enforce.RaisedCommission, "fifteen", 0, false},
		{enforce.EarlyPayoutLoss, "", 0, true},
		{enforce.EarlyPayoutLoss, "15", 0, false},
	} {
		got, err := commissionRate(tc.kind, tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("commissionRate(%s, %q) = %v, %v", tc.kind, tc.in, got, err)
		}
	}
}

// TestBrowserEnforcement changes an account's tier through the form in
// Chromium as a senior moderator: the badge and the timeline update, and
// the statement of reasons opens. It screenshots the account's page and
// the recommendations at desktop and tablet width, where nothing may
// scroll sideways.
func TestBrowserEnforcement(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "senior", user.SeniorModerator, mp)
	f.seedAccount(t, mp, "s4", "business")
	agentUser := f.addUser(t, "agent", user.Agent, mp)
	filed := f.report(t, mp, "account", "s4", "scam_or_fraud", "rep-1", "")
	if _, err := f.cases.Act(t.Context(), mp, cases.Moderator{User: agentUser, Via: audit.Actor{Type: audit.ActorUser, ID: agentUser.ID}}, filed.CaseID,
		cases.ActionRequest{Action: cases.ActRecommendTier, Tier: "suspended", Note: "Two buyers paid and received nothing."}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	base := f.srv.URL

	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "senior")
	b.run("open the account", chromedp.Navigate(base+accountURL("s4")), chromedp.WaitVisible(chromedp.ID("enforcement-title")))
	if tier := b.text(".standing .badge"); tier != "Clear" {
		t.Fatalf("the tier badge says %q before the change", tier)
	}
	b.run("restrict it through the form",
		chromedp.Click(chromedp.CSS("#change-tier > summary")),
		chromedp.WaitVisible(chromedp.ID("tier-to")),
		chromedp.SetValue(chromedp.ID("tier-to"), "restricted"),
		chromedp.SetValue(chromedp.ID("tier-template"), "counterfeit"),
		chromedp.SendKeys(chromedp.ID("tier-reason"), "Three listings of fake branded bags."),
		chromedp.Click(chromedp.CSS(`#change-tier button[type="submit"]`)),
		// Only the new page has the restricted badge.
		chromedp.WaitVisible(chromedp.CSS(".standing .tier-restricted")),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "The account's tier was changed") {
		t.Errorf("after the change the page says %q", n)
	}
	if tier := b.text(".standing .badge"); tier != "Restricted" {
		t.Errorf("the tier badge says %q, want Restricted", tier)
	}
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err != nil || !strings.HasPrefix(loc, base+accountURL("s4")+"?done=tier-changed") {
		t.Errorf("after the change the browser is at %q (%v)", loc, err)
	}
	entry := b.text(".enforcement-timeline li.step")
	for _, want := range []string{"Tier changed", "Clear → Restricted", "senior", "Three listings of fake branded bags.", "Counterfeit goods"} {
		if !strings.Contains(entry, want) {
			t.Errorf("the timeline's newest entry lacks %q: %q", want, entry)
		}
	}
	b.run("open the statement of reasons",
		chromedp.Click(chromedp.CSS(".enforcement-timeline li.step details.statement > summary")),
		chromedp.WaitVisible(chromedp.CSS(".enforcement-timeline li.step details.statement dl")),
	)
	if st := b.text(".enforcement-timeline li.step details.statement dl"); !strings.Contains(st, "No longer: creating listings, making offers, live selling") ||
		!strings.Contains(st, "Appeal until") {
		t.Errorf("the statement says %q", st)
	}
	if c := f.caps(t, mp, "s4"); c.Tier != enforce.Restricted {
		t.Errorf("the account is %s after the form", c.Tier)
	}

	for _, width := range []int64{1280, 800} {
		w := fmt.Sprint(width)
		b.run("account at "+w, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+accountURL("s4")),
			chromedp.WaitVisible(chromedp.ID("enforcement-title")),
			chromedp.Click(chromedp.CSS("#impose-sanction > summary")), chromedp.WaitVisible(chromedp.ID("sanction-kind")))
		b.screenshot("account-enforcement-" + w)
		b.noSideways("account", width)
		b.run("recommendations at "+w, chromedp.Navigate(base+"/console/recommendations"), chromedp.WaitVisible(chromedp.CSS("article.recommendation")),
			chromedp.Click(chromedp.CSS("article.recommendation details.action > summary")))
		b.screenshot("recommendations-" + w)
		b.noSideways("recommendations", width)
	}
}
