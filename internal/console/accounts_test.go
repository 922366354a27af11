package console

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/risk"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/user"
)

// seedRisk ingests a small ring into f's marketplace and scores it: u1
// signs up with a throwaway address and a foreign identity document on a
// device it shares with u2, fails four payments, verifies its phone and
// logs in, which opens a review; u3 is a shop. The fraud
// service's clock stands still, a second further for each round of
// refreshes (so that each change gets its own place in the history): a
// score computed by a test and one computed by a page agree to the tenth
// of a point.
func seedRisk(t *testing.T, f *fixture) {
	t.Helper()
	ctx := t.Context()
	now := time.Now().UTC().Truncate(time.Second)
	f.fraudClock.Store(now.UnixNano())
	var batch []event.Envelope
	add := func(id, typ string, minutesAgo int, data map[string]any) {
		raw, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, event.Envelope{ID: id, Type: typ, OccurredAt: now.Add(-time.Duration(minutesAgo) * time.Minute), Data: raw})
	}
	add("a1", "account.upserted", 60, map[string]any{"account_id": "u1", "kind": "private", "email": "quick.buyer@mailinator.com",
		"device_id": "dev-shared", "ip": "198.51.100.7", "country": "DE", "id_country": "FR"})
	add("a2", "account.upserted", 55, map[string]any{"account_id": "u2", "kind": "private", "email": "u2@example.com", "device_id": "dev-shared"})
	add("a3", "account.upserted", 50, map[string]any{"account_id": "u3", "kind": "business", "email": "shop@example.org"})
	for i := range 4 {
		add(fmt.Sprintf("pf%d", i), "payment.failed", 40-i, map[string]any{"account_id": "u1", "order_id": fmt.Sprintf("o%d", i)})
	}
	add("vp", "verification.changed", 30, map[string]any{"account_id": "u1", "kind": "phone", "status": "verified"})
	add("li", "login", 20, map[string]any{"account_id": "u1"})
	if _, err := f.ingest.Ingest(ctx, f.mp.Marketplace.ID, audit.Actor{Type: audit.ActorAPIKey, ID: f.mp.Key.ID}, batch, true); err != nil {
		t.Fatal(err)
	}
	for round := range 5 {
		f.fraudClock.Store(now.Add(time.Duration(round+1) * time.Second).UnixNano())
		n, err := f.fraud.RefreshDirty(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the scores did not settle")
}

var (
	contributionRow = regexp.MustCompile(`(?s)<tr class="contribution (is-risk|is-trust)" data-signal="([^"]+)">.*?<td class="num points">([^<]+)</td>`)
	listedScore     = regexp.MustCompile(`(?s)<code>u1</code></a></td>\s*<td class="num">(\d+)</td>`)
)

// TestAccountPages covers the accounts at risk, an account's explained
// score, its signals, timeline, links and history, confirming and
// removing links by role, and marketplace isolation, on both databases.
func TestAccountPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixtureOn(t, db)
		seedRisk(t, f)
		ctx := t.Context()
		mp := f.mp.Marketplace.ID
		want, err := f.fraud.Assess(ctx, mp, "u1")
		if err != nil {
			t.Fatal(err)
		}
		e := want.Explanation

		agent := f.loggedIn(t, "agent", user.Agent, mp)
		stored, err := f.db.RiskScore(ctx, mp, "u1")
		if err != nil {
			t.Fatal(err)
		}
		list := agent.get("/console/accounts").want(t, http.StatusOK, "Accounts at risk", `href="/console/accounts/u1"`,
			`<span class="badge band-`+stored.Band+`">`, `<a href="/console/accounts" aria-current="page">Accounts</a>`)
		if m := listedScore.FindStringSubmatch(list.body); m == nil || m[1] != fmt.Sprint(stored.Score) {
			t.Fatalf("u1's listed score = %v, want %d\n%s", m, stored.Score, list.body)
		}
		agent.get("/console/accounts?account=+u1+").redirectsTo(t, "/console/accounts/u1?mp="+mp)

		page := agent.get("/console/accounts/u1").want(t, http.StatusOK,
			fmt.Sprintf(`<span class="score-value">%d</span>`, e.Score), "computed now", "R-P2", "never shown to other users",
			"= "+fmt.Sprint(e.Score), "email.disposable", "payment.failures", "account.duplicate", "verified.phone")

		// One chart row per contribution, with its points; trust to the left.
		rows := contributionRow.FindAllStringSubmatch(page.body, -1)
		if len(rows) != len(e.Contributions) || len(rows) < 4 {
			t.Fatalf("%d chart rows for %d contributions:\n%s", len(rows), len(e.Contributions), page.body)
		}
		for i, c := range e.Contributions {
			side := "is-risk"
			if c.Points < 0 || (c.Points == 0 && c.Positive) {
				side = "is-trust"
			}
			got := rows[i]
			if p := html.UnescapeString(got[3]); got[2] != c.Signal || p != points(c.Points) || got[1] != side {
				t.Errorf("chart row %d = %s %s %s, want %s %s %s", i, got[2], p, got[1], c.Signal, points(c.Points), side)
			}
		}
		page.want(t, http.StatusOK, `data-signal="verified.phone"`, `data-signal="peer.u2"`)

		// The linked account, the timeline's evidence, the history.
		if !regexp.MustCompile(`<td><a href="/console/accounts/u2"><code>u2</code></a></td>\s*<td>device</td>`).MatchString(page.body) {
			t.Error("the device link to u2 is not listed")
		}
		page.want(t, http.StatusOK, `<tr id="ev-pf0" class="evidence">`, `<a href="#ev-pf0"><code>pf0</code></a>`, `<tr id="ev-vp" class="evidence">`,
			`<tr id="ev-li">`, `<svg class="sparkline"`)
		hist, err := f.db.RiskHistory(ctx, mp, "u1", 10)
		if err != nil || len(hist) < 2 {
			t.Fatalf("history %v: %v", hist, err)
		}
		if !regexp.MustCompile(fmt.Sprintf(`(?s)<h2 id="history-title">Score history</h2>.*?<td class="num">%d</td>.*?<td class="num">%d</td>`,
			hist[0].Score, hist[1].Score)).MatchString(page.body) {
			t.Errorf("the score history does not list %d then %d", hist[0].Score, hist[1].Score)
		}
		if !regexp.MustCompile(`(?s)<tr id="ev-pf3" class="evidence">.*?<code>payment.failures</code>`).MatchString(page.body) {
			t.Error("the timeline does not name the signal a payment failure is evidence of")
		}

		// An agent looks but does not link.
		page.lacks(t, `action="/console/accounts/u1/links"`, "Confirm link").want(t, http.StatusOK, "Senior moderators and admins can confirm")
		agent.post("/console/accounts/u1/links", url.Values{"account_id": {"u3"}}).want(t, http.StatusForbidden, "Not allowed")
		if ls, err := f.db.ConfirmedLinks(ctx, mp, "u1"); err != nil || len(ls) != 0 {
			t.Fatalf("an agent's post confirmed links: %v %v", ls, err)
		}

		// A senior moderator confirms a link; it shows as confirmed and is audited.
		senior := f.loggedIn(t, "senior", user.SeniorModerator, mp)
		senior.get("/console/accounts/u1").want(t, http.StatusOK, `action="/console/accounts/u1/links"`, "Confirm link")
		senior.post("/console/accounts/u1/links", url.Values{"account_id": {" u3 "}, "confidence": {"0.8"}, "note": {"same payout IBAN"}}).
			redirectsTo(t, "/console/accounts/u1?done=link-confirmed&mp="+mp)
		linked := senior.get("/console/accounts/u1?done=link-confirmed&mp="+mp).want(t, http.StatusOK, "The link was confirmed",
			`action="/console/accounts/u1/links/u3/remove"`)
		if !regexp.MustCompile(`(?s)<code>u3</code></a></td>\s*<td>confirmed</td>\s*<td class="num">80%</td>\s*<td><span class="badge badge-yes">yes</span>`).
			MatchString(linked.body) {
			t.Errorf("the confirmed link is not listed as confirmed:\n%s", linked.body)
		}
		audited := regexp.MustCompile(`(?s)<td>senior</td>\s*<td><code>account.link_confirmed</code></td>\s*<td>account <a href="/console/accounts/u1"><code>u1</code></a></td>\s*<td><code class="detail">[^<]*same payout IBAN`)
		if a := senior.get("/console/audit"); !audited.MatchString(a.body) {
			t.Errorf("the confirmation is not in the audit log as the senior moderator's:\n%s", a.body)
		}

		// Mistakes are explained on the form, which keeps what was typed.
		for _, tc := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"account_id": {"u1"}}, "An account cannot be linked to itself."},
			{url.Values{"account_id": {"nobody"}}, "There is no such account in this marketplace."},
			{url.Values{"account_id": {"u2"}, "confidence": {"2"}}, "Confidence must be above 0 and at most 1."},
			{url.Values{"account_id": {"u2"}, "confidence": {"NaN"}}, "Confidence must be a number above 0 and at most 1"},
			{url.Values{"account_id": {""}}, "Both accounts are required."},
		} {
			senior.post("/console/accounts/u1/links", tc.form).want(t, http.StatusUnprocessableEntity, tc.msg,
				`value="`+tc.form.Get("account_id")+`"`, `<span class="score-value">`)
		}

		// Removing the link, once.
		senior.post("/console/accounts/u1/links/u3/remove", nil).redirectsTo(t, "/console/accounts/u1?done=link-removed&mp="+mp)
		senior.get("/console/accounts/u1").lacks(t, `/links/u3/remove"`)
		senior.post("/console/accounts/u1/links/u3/remove", nil).want(t, http.StatusNotFound, "No such link")
		agent.post("/console/accounts/u1/links/u2/remove", nil).want(t, http.StatusForbidden)
		senior.get("/console/audit").want(t, http.StatusOK, "account.link_removed")

		// Unknown accounts and other marketplaces are not found.
		agent.get("/console/accounts/ghost").want(t, http.StatusNotFound, "Not found")
		outsider := f.loggedIn(t, "outsider", user.SeniorModerator, f.other.Marketplace.ID)
		outsider.get("/console/accounts/u1").want(t, http.StatusNotFound).lacks(t, "email.disposable", "mailinator")
		outsider.get("/console/accounts").want(t, http.StatusOK).lacks(t, `href="/console/accounts/u1"`)
		outsider.post("/console/accounts/u1/links", url.Values{"account_id": {"u2"}}).want(t, http.StatusNotFound)
		agent.get("/console/accounts/u1?mp="+f.other.Marketplace.ID).want(t, http.StatusNotFound)
		if ls, err := f.db.ConfirmedLinks(ctx, mp, "u1"); err != nil || len(ls) != 0 {
			t.Fatalf("links left after removal and refused posts: %v %v", ls, err)
		}

		// The dashboard's recent events and the review queue link their accounts.
		agent.get("/console/").want(t, http.StatusOK, `<a href="/console/accounts/u1"><code>u1</code></a>`)
		agent.get("/console/decisions").want(t, http.StatusOK, `account <a href="/console/accounts/u1"><code>u1</code></a>`)
	})
}

// TestAccountWithoutContributions renders an account no signal fired for.
func TestAccountWithoutContributions(t *testing.T) {
	c := &server{d: Deps{Now: time.Now}}
	var err error
	if c.assets, err = loadAssets(embedded, "static"); err != nil {
		t.Fatal(err)
	}
	if c.pages, err = parsePages(embedded, c.funcs()); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	d := accountData{ID: "quiet", Scored: true, Account: fraud.Assessment{AccountID: "quiet", Explanation: risk.Explanation{Band: "low"}},
		Signals: []signalRow{{Signal: risk.Signal{Name: "email.disposable", Detail: "No email address known."}}}}
	if err := c.render(w, httptest.NewRequest(http.MethodGet, "/console/accounts/quiet", nil), http.StatusOK, "account", d); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	for _, s := range []string{"No signal fired, so the score is 0.", `<span class="score-value">0</span>`, "Signals checked (0 of 1 fired)", "No score stored yet"} {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q:\n%s", s, body)
		}
	}
	if strings.Contains(body, `class="chart"`) {
		t.Error("an empty chart is drawn")
	}
}

func TestBars(t *testing.T) {
	bs, scale := bars([]risk.Contribution{{Signal: "a", Points: 20}, {Signal: "peer.u9", Points: 10}, {Signal: "t", Points: -5, Positive: true}})
	if scale != 20 {
		t.Fatalf("scale = %v", scale)
	}
	for i, want := range []bar{{X: 50, Width: 50}, {X: 50, Width: 25, Peer: "u9"}, {X: 37.5, Width: 12.5, Trust: true}} {
		if b := bs[i]; b.X != want.X || b.Width != want.Width || b.Trust != want.Trust || b.Peer != want.Peer {
			t.Errorf("bar %d = %+v, want x %v width %v trust %v peer %q", i, b, want.X, want.Width, want.Trust, want.Peer)
		}
	}
	if got := sparkline([]store.RiskScore{{Score: 100}, {Score: 50}, {Score: 0}}); got != "0.0,29.0 50.0,15.0 100.0,1.0" {
		t.Errorf("sparkline = %q", got)
	}
	for in, want := range map[float64]string{0: "0.0", 12.34: "+12.3", -5: "-5.0"} {
		if got := points(in); got != want {
			t.Errorf("points(%v) = %q, want %q", in, got, want)
		}
	}
	if got := accountURL("a/b c", "links", "x?y"); got != "/console/accounts/a%2Fb%20c/links/x%3Fy" {
		t.Errorf("accountURL = %q", got)
	}
}
