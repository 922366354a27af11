package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
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

// appealed puts account at tier by decider and files its appeal.
func (f *fixture) appealed(t *testing.T, mp, account, tier string, decider store.User) appeal.Appeal {
	t.Helper()
	if _, err := f.enforce.SetTier(t.Context(), mp, enforce.Person(decider, audit.Actor{Type: audit.ActorUser, ID: decider.ID}), account, tier,
		enforce.Decision{Template: "counterfeit"}); err != nil {
		t.Fatal(err)
	}
	a, err := f.appeals.File(t.Context(), mp, audit.Actor{Type: audit.ActorAPIKey, ID: "k"}, plan(account), "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAppealsPages works the appeals queue and appeal pages by role, on
// both databases.
func TestAppealsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		mp := f.mp.Marketplace.ID
		senior, admin := f.addUser(t, "senior", user.SeniorModerator, mp), f.addUser(t, "admin1", user.Admin, mp)
		restricted := f.appealed(t, mp, "r1", enforce.Restricted, senior) // due in 72 h
		blocked := f.appealed(t, mp, "b1", enforce.Blocked, admin)        // due in 24 h
		suspended := f.appealed(t, mp, "s1", enforce.Suspended, senior)   // due in 48 h

		rev := f.loggedIn(t, "reviewer", user.AppealsReviewer, mp)
		q := rev.get("/console/appeals").want(t, http.StatusOK, "Appeals", "23 h left", "47 h left", "2 days left")
		if i, j, k := strings.Index(q.body, blocked.ID), strings.Index(q.body, suspended.ID), strings.Index(q.body, restricted.ID); !(i < j && j < k) {
			t.Errorf("queue not ordered by due time: %d %d %d", i, j, k)
		}
		rev.get("/console/").want(t, http.StatusOK, "Appeals waiting for a decision:", `<a href="/console/appeals"><strong>3</strong></a>`)
		page := "/console/appeals/" + restricted.ID
		rev.get(page).want(t, http.StatusOK, "Plan of action", "A wholesaler sold me bags", "The decision appealed", "Statement of reasons",
			"Counterfeit goods", "Reverse", "Reduce one tier", "Maintain", "Escalate")

		// The senior who restricted may not review it; the page says who can.
		sen := f.client(t)
		sen.login("senior")
		sen.get(page).want(t, http.StatusOK, "Appeals reviewers decide appeals").lacks(t, `name="outcome"`)
		sen.post(page+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"I reviewed my own decision and it was wrong."}}).
			want(t, http.StatusForbidden, "Not saved.", "The moderator who took the decision cannot review its appeal.")
		// A reply without reasons is refused, and the typed reply kept.
		rev.post(page+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"ok fine"}}).
			want(t, http.StatusUnprocessableEntity, "A reasoned reply of 20 to 5000 characters is required", "ok fine</textarea>")
		if c := f.caps(t, mp, "r1"); c.Tier != enforce.Restricted {
			t.Fatalf("a refused decision changed the account: %s", c.Tier)
		}
		// Reverse: the account is clear again and the page says so.
		rev.post(page+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"The receipts show the bags were genuine."}}).
			redirectsTo(t, page+"?done=appeal-decided&mp="+mp)
		rev.get(page+"?done=appeal-decided").want(t, http.StatusOK, "The appeal was decided", "Reverse", "The receipts show the bags were genuine.")
		if c := f.caps(t, mp, "r1"); c.Tier != enforce.Clear {
			t.Fatalf("after reverse: %s", c.Tier)
		}
		// Reduce: suspended → restricted.
		rev.post("/console/appeals/"+suspended.ID+"/decision", url.Values{"outcome": {"reduce"}, "reply": {"A first offence: restricted instead."}}).
			redirectsTo(t, "/console/appeals/"+suspended.ID+"?done=appeal-decided&mp="+mp)
		if c := f.caps(t, mp, "s1"); c.Tier != enforce.Restricted {
			t.Fatalf("after reduce: %s", c.Tier)
		}
		// Escalate, then the escalating reviewer may not decide; another may.
		bp := "/console/appeals/" + blocked.ID
		rev.post(bp+"/decision", url.Values{"outcome": {"escalate"}, "reply": {"Long clean record; needs a senior look."}}).
			redirectsTo(t, bp+"?done=appeal-escalated&mp="+mp)
		rev.get(bp).want(t, http.StatusOK, "escalated", "Long clean record", "An escalated appeal is decided by an admin").lacks(t, `name="outcome"`)
		rev2 := f.loggedIn(t, "reviewer2", user.AppealsReviewer, mp)
		rev2.post(bp+"/decision", url.Values{"outcome": {"maintain"}, "reply": {"The counterfeits were proven; the block stands."}}).
			redirectsTo(t, bp+"?done=appeal-decided&mp="+mp)
		if c := f.caps(t, mp, "b1"); c.Tier != enforce.Blocked {
			t.Fatalf("after maintain: %s", c.Tier)
		}
		rev.get("/console/appeals?status=decided").want(t, http.StatusOK, "Maintain", "Reduce", "Reverse")
		rev.get("/console/appeals").want(t, http.StatusOK, "No appeal is waiting for a decision.")

		// Missing CSRF: refused before anything runs.
		other := f.appealed(t, mp, "x1", enforce.Restricted, senior)
		rev.do(http.MethodPost, "/console/appeals/"+other.ID+"/decision", url.Values{"outcome": {"reverse"}, "reply": {"The receipts show it all."}}, nil).
			want(t, http.StatusForbidden)
		if c := f.caps(t, mp, "x1"); c.Tier != enforce.Restricted {
			t.Fatal("a post without CSRF changed the account")
		}
		// Another marketplace's reviewer does not see it.
		f.loggedIn(t, "outsider", user.AppealsReviewer, f.other.Marketplace.ID).get("/console/appeals/"+other.ID).want(t, http.StatusNotFound)
	})
}

// TestBrowserAppeal decides an appeal through its page in Chromium.
func TestBrowserAppeal(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	senior := f.addUser(t, "senior", user.SeniorModerator, mp)
	f.addUser(t, "reviewer", user.AppealsReviewer, mp)
	a := f.appealed(t, mp, "r9", enforce.Suspended, senior)
	b := newBrowser(t)
	base := f.srv.URL
	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "reviewer")
	b.run("open the queue", chromedp.Navigate(base+"/console/appeals"), chromedp.WaitVisible(chromedp.CSS("tr.appeal-row a.countdown")))
	b.run("open the appeal and reverse it",
		chromedp.Click(chromedp.CSS("tr.appeal-row a.countdown")),
		chromedp.WaitVisible(chromedp.ID("appeal-reply-text")),
		chromedp.SendKeys(chromedp.ID("appeal-reply-text"), "The buyers confirmed the goods arrived as described."),
		chromedp.Click(chromedp.CSS(`button[name="outcome"][value="reverse"]`)),
		chromedp.WaitVisible(chromedp.ID("appeal-outcome")),
	)
	if got := b.text("#appeal-outcome"); got != "Reverse" {
		t.Errorf("outcome shown %q", got)
	}
	if got := b.text("#appeal-reply"); !strings.Contains(got, "buyers confirmed") {
		t.Errorf("reply shown %q", got)
	}
	if c := f.caps(t, mp, "r9"); c.Tier != enforce.Clear {
		t.Errorf("after reversing in the browser: %s (appeal %s)", c.Tier, a.ID)
	}
	b.screenshot("appeal-decided")
	b.noSideways("appeal", 1280)
}
