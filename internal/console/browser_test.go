package console

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// chromium finds the browser: $VIGIL_CHROMIUM, else chromium on the usual
// path. Without one the test is skipped, unless VIGIL_REQUIRE_CHROMIUM=1
// (CI), where a missing browser must not pass silently.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/chromium", "chromium", "chromium-browser"}
	if p := os.Getenv("VIGIL_CHROMIUM"); p != "" {
		candidates = []string{p}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("VIGIL_REQUIRE_CHROMIUM") == "1" {
		t.Fatalf("Chromium required (VIGIL_REQUIRE_CHROMIUM=1) but not found among %v", candidates)
	}
	t.Skip("SKIPPED: Chromium not found; install the Debian package chromium to run the console browser test")
	return ""
}

// browser is a headless Chromium driving a test's console, with the
// helpers the browser tests share.
type browser struct {
	t   *testing.T
	ctx context.Context
	// shots are the directories screenshots go to: the test's temp dir
	// and $VIGIL_SCREENSHOT_DIR, if set.
	shots []string
}

// newBrowser starts Chromium for t (or skips t, see chromium); it stops
// when t ends or a minute after it started, so start it once the test's
// data is in place.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	b := &browser{t: t, ctx: bctx, shots: []string{t.TempDir()}}
	if dir := os.Getenv("VIGIL_SCREENSHOT_DIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		b.shots = append(b.shots, dir)
	}
	return b
}

// run takes steps, failing the test with what they were for.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text is the visible text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// noSideways checks that nothing sticks out sideways, which would mean
// horizontal scrolling.
func (b *browser) noSideways(page string, width int64) {
	b.t.Helper()
	wide, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil {
		b.t.Fatal(err)
	}
	if wide {
		b.t.Errorf("the %s page scrolls sideways at %dpx", page, width)
	}
}

// screenshot saves the whole page as name.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.save(name, chromedp.FullScreenshot(100))
}

// screenshotView saves what the window shows as name.png, such as a modal
// dialog over the page.
func (b *browser) screenshotView(name string) {
	b.t.Helper()
	b.save(name, chromedp.CaptureScreenshot())
}

// save saves the screenshot capture takes as name.png.
func (b *browser) save(name string, capture chromedp.Action[[]byte]) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, capture)
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	for _, dir := range b.shots {
		p := filepath.Join(dir, name+".png")
		if err := os.WriteFile(p, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
		b.t.Logf("screenshot: %s", p)
	}
}

// login logs in through the form and waits for the dashboard.
func (b *browser) login(base, username string) {
	b.t.Helper()
	b.run("log in as "+username,
		chromedp.Navigate(base+"/console/"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.stats")),
	)
}

// TestBrowser logs in through the real form in Chromium, checks the
// dashboard, uses an htmx button (which must carry the CSRF header), checks
// that an account's explanation chart draws its bars, and screenshots the
// dashboard, webhooks and account pages at desktop and tablet width into
// the test's temp dir and $VIGIL_SCREENSHOT_DIR, if set.
func TestBrowser(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	f.addUser(t, "moderator", user.Admin, "")
	seedForScreenshots(t, f)
	seedRisk(t, f)
	b := newBrowser(t)
	ctx := t.Context()

	b.run("open the console",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(f.srv.URL+"/console/"),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	b.screenshot("login")
	b.login(f.srv.URL, "moderator")
	if h := b.text("main h1"); h != "Dashboard" {
		t.Errorf("heading = %q, want Dashboard", h)
	}
	if mp := b.text("main .lede"); !strings.Contains(mp, "Bikes & Boards") {
		t.Errorf("dashboard names %q, want Bikes & Boards", mp)
	}
	// htmx loaded despite the strict content security policy.
	if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof htmx === "object" && htmx.version.startsWith("2.")`)); err != nil || !ok {
		t.Errorf("htmx 2 not loaded: %v, %v", ok, err)
	}
	b.screenshot("dashboard")

	// An htmx button: the post carries the CSRF header from <body>, the
	// redirect is followed and the new <main> swapped in.
	b.run("send a test webhook",
		chromedp.Navigate(f.srv.URL+"/console/admin/webhooks"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/test"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)),
		chromedp.WaitVisible(chromedp.CSS("main .notice")),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "test message was queued") {
		t.Errorf("after Send test the page says %q", n)
	}
	// htmx swapped the result in: the browser did not navigate.
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err != nil || loc != f.srv.URL+"/console/admin/webhooks" {
		t.Errorf("after Send test the browser is at %q (%v); want the same page, updated by htmx", loc, err)
	}

	// The explanation chart draws a visible bar per contribution: risk to
	// the right of the centre line, trust to the left (CSP allows no
	// inline styles, so this also proves the SVG bars need none).
	want, err := f.fraud.Assess(ctx, f.mp.Marketplace.ID, "u1")
	if err != nil {
		t.Fatal(err)
	}
	b.run("open the accounts at risk",
		chromedp.Navigate(f.srv.URL+"/console/accounts"),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/console/accounts/u1"]`)),
	)
	b.screenshot("accounts")
	b.run("open an account",
		chromedp.Click(chromedp.CSS(`main a[href="/console/accounts/u1"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.chart tr.contribution")),
	)
	type drawn struct {
		Signal                      string
		RowHeight, Left, Width, Mid float64
	}
	bars, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]drawn](`Array.from(document.querySelectorAll("table.chart tr.contribution")).map(tr => {
		const bar = tr.querySelector("rect.bar-fill").getBoundingClientRect(), svg = tr.querySelector("svg.bar").getBoundingClientRect();
		return {Signal: tr.dataset.signal, RowHeight: tr.getBoundingClientRect().height, Left: bar.left, Width: bar.width, Mid: svg.left + svg.width / 2};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(bars) != len(want.Explanation.Contributions) {
		t.Fatalf("%d chart rows drawn for %d contributions", len(bars), len(want.Explanation.Contributions))
	}
	for i, c := range want.Explanation.Contributions {
		b := bars[i]
		switch {
		case b.Signal != c.Signal || b.RowHeight <= 0:
			t.Errorf("chart row %d: %+v, want %s visible", i, b, c.Signal)
		case c.Points > 0 && (b.Width < 1 || b.Left < b.Mid-1):
			t.Errorf("risk bar %s: %+v, want a bar right of the centre", c.Signal, b)
		case c.Points < 0 && (b.Width < 1 || b.Left+b.Width > b.Mid+1):
			t.Errorf("trust bar %s: %+v, want a bar left of the centre", c.Signal, b)
		}
	}
	if n := b.text("table.chart tfoot .points"); n != fmt.Sprintf("= %d", want.Explanation.Score) {
		t.Errorf("chart total %q, want = %d", n, want.Explanation.Score)
	}

	for _, width := range []int64{1280, 800} {
		w := map[int64]string{1280: "1280", 800: "800"}[width]
		b.run("dashboard at "+w,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(f.srv.URL+"/console/"),
			chromedp.WaitVisible(chromedp.CSS("dl.stats")),
		)
		b.screenshot("dashboard-" + w)
		b.run("webhooks at "+w,
			chromedp.Navigate(f.srv.URL+"/console/admin/webhooks"),
			chromedp.WaitVisible(chromedp.CSS("article.subscription")),
		)
		b.screenshot("webhooks-" + w)
		// Wide: the nav is beside the content; tablet: above it.
		above, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](
			`document.querySelector("nav.side").getBoundingClientRect().bottom <= document.querySelector("main").getBoundingClientRect().top`))
		if err != nil {
			t.Fatal(err)
		}
		if above != (width < 900) {
			t.Errorf("at %dpx the nav is above the content: %v", width, above)
		}
		b.noSideways("webhooks", width)
		b.run("account at "+w,
			chromedp.Navigate(f.srv.URL+"/console/accounts/u1"),
			chromedp.WaitVisible(chromedp.CSS("table.chart")),
		)
		b.screenshot("account-" + w)
		b.noSideways("account", width)
	}
}

// seedForScreenshots gives the pages something to show: events, a couple
// of webhook subscriptions with deliveries in each state.
func seedForScreenshots(t *testing.T, f *fixture) {
	t.Helper()
	ctx := t.Context()
	mp := f.mp.Marketplace.ID
	now := time.Now().UTC()
	var batch []event.Envelope
	for i, data := range []string{
		`{"account_id":"acc-1001","kind":"private","country":"DE"}`,
		`{"account_id":"acc-1002","kind":"business","country":"AT"}`,
		`{"listing_id":"lst-5001","account_id":"acc-1002","title":"Carbon road bike","description":"Barely used","price":{"amount":120000,"currency":"EUR"},"category":"bikes"}`,
		`{"message_id":"msg-9","conversation_id":"conv-3","sender_id":"acc-1001","recipient_id":"acc-1002","text":"Is it still available?"}`,
	} {
		typ := []string{"account.upserted", "account.upserted", "listing.upserted", "message.sent"}[i]
		batch = append(batch, event.Envelope{ID: "seed-" + string(rune('a'+i)), Type: typ, OccurredAt: now.Add(time.Duration(i-10) * time.Minute), Data: json.RawMessage(data)})
	}
	if _, err := f.ingest.Ingest(ctx, mp, audit.Actor{Type: audit.ActorAPIKey, ID: f.mp.Key.ID}, batch, true); err != nil {
		t.Fatal(err)
	}
	feed, err := f.outbox.Subscribe(ctx, system, mp, "https://hooks.example.com/vigil/moderation", []string{"case.resolved", "appeal.decided"}, "Moderation feed")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.outbox.Subscribe(ctx, system, mp, "https://ops.example.com/alerts", nil, ""); err != nil {
		t.Fatal(err)
	}
	outcomes := []struct {
		status string
		code   int
		err    string
	}{
		{store.DeliveryDelivered, 200, ""},
		{store.DeliveryFailed, 503, "endpoint answered 503 Service Unavailable"},
		{store.DeliveryPending, 0, "dial tcp: i/o timeout"},
	}
	for range outcomes {
		if err := f.outbox.Test(ctx, system, mp, feed.ID); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := f.db.WebhookDeliveries(ctx, mp, feed.ID, len(outcomes))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range ds {
		o := outcomes[i]
		if err := f.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.RecordWebhookAttempt(ctx, d.ID, o.status, o.code, o.err, now)
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// seedCases fills the queue for the browser test and its screenshots: two
// weeks of cases opened and closed in the past (on the cases service's
// clock), some left open and now breaching their SLA, and today's: fraud
// reports on a listing in the reporters' words, a spike of reports on
// another, an account reported for harassment and a price report. It
// returns the fraud case's id.
func seedCases(t *testing.T, f *fixture) string {
	t.Helper()
	ctx := t.Context()
	mp := f.mp.Marketplace.ID
	senior := f.addUser(t, "senior", user.SeniorModerator, mp)
	m := cases.Moderator{User: senior, Via: audit.Actor{Type: audit.ActorUser, ID: senior.ID}}
	now := time.Now().UTC()
	reasons := []string{"spam_or_misleading", "wrong_price", "scam_or_fraud", "offensive_content", "duplicate_listing"}
	for d := 13; d >= 1; d-- {
		day := now.AddDate(0, 0, -d)
		for i := range 1 + d%3 {
			f.casesClock.Store(day.Add(time.Duration(i) * time.Hour).UnixNano())
			filed := f.report(t, mp, "message", fmt.Sprintf("msg-%d-%d", d, i), reasons[(d+i)%len(reasons)], fmt.Sprintf("rep-%d", i), "")
			if (d+i)%4 == 3 {
				continue // left open
			}
			// Closed within hours to days: some in time, some late.
			f.casesClock.Store(day.Add(time.Duration(6+3*d+i) * time.Hour).UnixNano())
			if _, err := f.cases.Act(ctx, mp, m, filed.CaseID, cases.ActionRequest{Action: cases.ActResolve, Resolution: "Handled."}); err != nil {
				t.Fatal(err)
			}
		}
	}
	f.casesClock.Store(0)
	f.seedListings(t, mp, "acc-2001", "lst-6001", "Brand new e-bike, 90% off, write me on WhatsApp", "lst-6002", "Kids bike, 12 inch, red")
	fraud := f.report(t, mp, "listing", "lst-5001", "scam_or_fraud", "rep-7",
		"The seller asked me to pay a deposit by bank transfer before I could see <b>the bike</b>.")
	f.report(t, mp, "listing", "lst-5001", "counterfeit_or_illegal", "tf-1", "The frame number is not in the brand's register.")
	for i := range 11 {
		f.report(t, mp, "listing", "lst-6001", "spam_or_misleading", fmt.Sprintf("spam-%d", i), "")
	}
	f.report(t, mp, "account", "acc-1001", "harassment", "rep-8", "Sent insults after I declined the offer.")
	f.report(t, mp, "listing", "lst-6002", "wrong_price", "rep-9", "")
	if _, err := f.cases.Sweep(ctx, 100); err != nil {
		t.Fatal(err)
	}
	return fraud.CaseID
}

// TestBrowserQueue works the queue in Chromium as an agent: the keyboard
// moves the selection and opens a case, the agent claims it and removes
// the content with a resolution template, which brings in the next case;
// the closed case shows it resolved with its history, and the queue no
// longer lists it; c claims from the queue.
// It screenshots the queue, a case, the dashboard and the decisions page
// (which lists the proactive cases) at desktop and tablet width, where
// nothing may scroll sideways.
func TestBrowserQueue(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "agent", user.Agent, mp)
	seedForScreenshots(t, f)
	seedRisk(t, f) // u1's score opens a proactive case
	fraudCase := seedCases(t, f)
	b := newBrowser(t)
	base := f.srv.URL

	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "agent")
	b.run("open the queue", chromedp.Navigate(base+"/console/cases"), chromedp.WaitVisible(chromedp.CSS("#queue tbody tr")))
	rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tbody tr")).map(r => r.dataset.case)`))
	if err != nil || len(rows) < 3 {
		t.Fatalf("queue rows %v, %v", rows, err)
	}
	if hint := b.text(".keys-hint"); !strings.Contains(hint, "claims it") {
		t.Errorf("the keys hint says %q", hint)
	}
	selected := func() string {
		t.Helper()
		id, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector("#queue tr.is-selected") || {dataset: {}}).dataset.case || ""`))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	if s := selected(); s != "" {
		t.Fatalf("%q selected before any key", s)
	}
	for _, step := range []struct{ key, want string }{{"j", rows[0]}, {"j", rows[1]}, {kb.ArrowDown, rows[2]}, {"k", rows[1]}, {kb.ArrowUp, rows[0]}} {
		b.run("press "+step.key, chromedp.KeyEvent(step.key))
		if s := selected(); s != step.want {
			t.Fatalf("after %q the selection is %q, want %q", step.key, s, step.want)
		}
	}
	top := rows[0]
	b.run("open the selected case with Enter",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.ID("actions-title")),
	)
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err != nil || loc != base+workedFrom(top, "", mp) {
		t.Fatalf("Enter opened %q (%v), want the case %s", loc, err, top)
	}
	b.run("claim it", chromedp.Click(chromedp.ID("claim")), chromedp.WaitVisible(chromedp.CSS("main .notice")))
	if n := b.text("main .notice"); !strings.Contains(n, "You claimed the case") {
		t.Errorf("after claiming the page says %q", n)
	}
	b.run("remove the content with a template",
		chromedp.Click(chromedp.CSS("#close-remove_content > summary")),
		chromedp.WaitVisible(chromedp.ID("remove_content-template")),
		chromedp.SetValue(chromedp.ID("remove_content-template"), "content_removed"),
		chromedp.Click(chromedp.CSS(`#close-remove_content button[type="submit"]`)),
		// Closed, the case gives way to the next one in the queue.
		chromedp.WaitVisible(chromedp.CSS(`[data-case-page="`+rows[1]+`"]`)),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "The case was closed") {
		t.Errorf("after closing the page says %q", n)
	}
	b.run("back to the closed case", chromedp.Navigate(base+"/console/cases/"+top), chromedp.WaitVisible(chromedp.CSS(".case-badges .status-resolved")))
	if s := b.text(".case-badges .status-resolved"); s != "Resolved" {
		t.Errorf("status badge %q, want Resolved", s)
	}
	steps, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("ol.history li.step")).map(s => s.className)`))
	if err != nil {
		t.Fatal(err)
	}
	if h := strings.Join(steps, " "); !strings.Contains(h, "step-report_added") || !strings.Contains(h, "step-claim") || !strings.HasSuffix(h, "step-closed") {
		t.Errorf("history steps %v, want the reports, the claim and the closing last", steps)
	}
	if r := b.text("ol.history li.step-closed"); !strings.Contains(r, "The content breached our rules and was removed.") {
		t.Errorf("the closing step says %q", r)
	}
	b.run("back to the queue", chromedp.Navigate(base+"/console/cases"), chromedp.WaitVisible(chromedp.CSS("#queue tbody tr")))
	left, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tbody tr")).map(r => r.dataset.case)`))
	if err != nil || slices.Contains(left, top) || len(left) != len(rows)-1 {
		t.Fatalf("after resolving %s the queue lists %v (%v)", top, left, err)
	}
	// c claims the selected case from the queue and opens it.
	b.run("claim with c",
		chromedp.KeyEvent("j"),
		chromedp.KeyEvent("c"),
		chromedp.WaitVisible(chromedp.ID("actions-title")),
	)
	if n := b.text("main .notice"); !strings.Contains(n, "You claimed the case") {
		t.Errorf("after c the page says %q", n)
	}
	if v := f.caseOf(t, mp, left[0]); v.Status != "reviewing" {
		t.Errorf("c left the case %s", v.Status)
	}

	for _, width := range []int64{1280, 800} {
		w := fmt.Sprint(width)
		b.run("queue at "+w, chromedp.EmulateViewport(width, 900), chromedp.Navigate(base+"/console/cases"),
			chromedp.WaitVisible(chromedp.CSS("#queue")), chromedp.KeyEvent("j"), chromedp.KeyEvent("j"))
		b.screenshot("queue-" + w)
		b.noSideways("queue", width)
		// The queue's table fits its box too, claim buttons included.
		if fits, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(w => w.scrollWidth <= w.clientWidth)(document.querySelector("#queue").parentElement)`)); err != nil || !fits {
			t.Errorf("at %dpx the queue's table scrolls sideways in its box (%v)", width, err)
		}
		b.run("case at "+w, chromedp.Navigate(base+"/console/cases/"+fraudCase), chromedp.WaitVisible(chromedp.CSS("ol.history")))
		b.screenshot("case-" + w)
		b.noSideways("case", width)
		b.run("dashboard at "+w, chromedp.Navigate(base+"/console/"), chromedp.WaitVisible(chromedp.CSS("svg.bar-chart")))
		b.screenshot("dashboard-queue-" + w)
		b.noSideways("dashboard", width)
		b.run("decisions at "+w, chromedp.Navigate(base+"/console/decisions"), chromedp.WaitVisible(chromedp.CSS("#queue")))
		b.screenshot("decisions-" + w)
		b.noSideways("decisions", width)
		b.run("transparency at "+w, chromedp.Navigate(base+"/console/transparency"), chromedp.WaitVisible(chromedp.CSS("svg.breakdown")))
		b.screenshot("transparency-" + w)
		b.noSideways("transparency", width)
	}
}

// TestBrowserCaseKeys works a filtered queue in Chromium as an agent with
// the keyboard alone: j and Enter open a case, c claims it, e goes to the
// evidence, t and a digit choose a template (which says what it will do
// and closes nothing by itself), r and Enter close the case, and the
// next case of the same queue comes in without the page loading again,
// with its address, title and history; Back returns to the closed case,
// j and k step through the queue, shortcuts wait while a field has the
// focus, ? opens the list of keys (Tab stays in it, Escape closes it) and
// Escape goes back to the queue, its filter kept. It screenshots the case
// with a template chosen and with the list of keys open.
func TestBrowserCaseKeys(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "agent", user.Agent, mp)
	f.cases.Scanner = f.checks(spotPhones)
	f.seedListings(t, mp, "acc-2001", "lst-1", "Brand new e-bike, 90% off, call 0151 2345678 and pay upfront",
		"lst-2", "Kids bike, 12 inch, red", "lst-3", "Road bike, carbon frame", "lst-4", "City bike with basket")
	f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-1", "The seller wants a deposit by bank transfer.")
	f.report(t, mp, "listing", "lst-1", "scam_or_fraud", "rep-2", "")
	f.report(t, mp, "listing", "lst-2", "wrong_price", "rep-3", "")
	f.report(t, mp, "listing", "lst-3", "spam_or_misleading", "rep-4", "")
	f.report(t, mp, "listing", "lst-4", "offensive_content", "rep-5", "")
	f.report(t, mp, "account", "acc-7", "harassment", "rep-6", "") // not a listing: not in the queue below
	b := newBrowser(t)
	base := f.srv.URL

	// eval evaluates a JavaScript expression; wait polls one until it is
	// true.
	eval := func(expr string) string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`String(`+expr+`)`))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return s
	}
	wait := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("waiting for %s (%s): %v\nthe page shows %s at %s", what, expr, err, eval(`document.title`), eval(`location.href`))
		}
	}
	press := func(keys ...string) {
		t.Helper()
		for _, k := range keys {
			b.run("press "+k, chromedp.KeyEvent(k))
		}
	}
	focused := func() string { return eval(`document.activeElement.id || document.activeElement.className`) }
	showing := func(id string) string { return `document.querySelector('[data-case-page="` + id + `"]') !== null` }

	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "agent")
	b.run("open the listings' queue", chromedp.Navigate(base+"/console/cases?target=listing"), chromedp.WaitVisible(chromedp.CSS("#queue tbody tr")))
	rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#queue tbody tr")).map(r => r.dataset.case)`))
	if err != nil || len(rows) != 4 {
		t.Fatalf("queue rows %v, %v", rows, err)
	}
	at := func(i int) string { return base + workedFrom(rows[i], "target=listing", mp) }
	// arrived is whether case i is in, at its address, its heading
	// focused: htmx is done with it.
	arrived := func(i int) string {
		return showing(rows[i]) + ` && location.href === "` + at(i) + `" && document.activeElement.id === "case-title"`
	}

	b.run("open the first case with j and Enter", chromedp.KeyEvent("j"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-case-page="`+rows[0]+`"]`)))
	if loc := eval(`location.href`); loc != at(0) {
		t.Fatalf("Enter opened %s, want %s", loc, at(0))
	}
	if hint := b.text("main .keys-hint"); !strings.Contains(hint, "c claim") || !strings.Contains(hint, "All shortcuts") {
		t.Errorf("the case's keys hint says %q", hint)
	}
	// From here on the page must never load again: a full load would
	// lose this.
	eval(`window.vigilMarker = "kept"`)
	kept := func(when string) {
		t.Helper()
		if m := eval(`window.vigilMarker`); m != "kept" {
			t.Fatalf("%s the page loaded again (marker %q)", when, m)
		}
	}

	press("c")
	wait("the claim", `(document.querySelector("main .notice") || {}).textContent?.includes("You claimed the case")`)
	kept("after c")
	if loc := eval(`location.href`); loc != at(0) {
		t.Errorf("after the claim the address is %s, want %s", loc, at(0))
	}
	if v := f.caseOf(t, mp, rows[0]); v.Status != "reviewing" || v.Assignee == "" {
		t.Errorf("c left the case %s, held by %q", v.Status, v.Assignee)
	}
	wait("the heading focused", `document.activeElement.id === "case-title"`)

	// e: the content with its evidence marked, its stored data unfolded;
	// again, the detectors' findings.
	press("e")
	if id := focused(); id != "content-title" {
		t.Errorf("e focused %q, want the content's heading", id)
	}
	if open := eval(`document.querySelector("[data-evidence] details").open`); open != "true" {
		t.Error("e left the stored data folded")
	}
	press("e")
	if id := focused(); id != "evidence-title" {
		t.Errorf("e again focused %q, want the evidence in the reports", id)
	}

	// t, then the template's digit: its form opens with it chosen and
	// says what it will do; nothing is closed yet.
	press("t")
	if c := focused(); c != "pick" {
		t.Errorf("t focused %q, want the first template", c)
	}
	key := eval(`document.querySelector('#template-picker [data-template="content_removed"]').dataset.key`)
	press(key)
	if open := eval(`document.getElementById("close-remove_content").open && document.getElementById("remove_content-template").value`); open != "content_removed" {
		t.Errorf("the template's digit %s: form open and chosen = %q", key, open)
	}
	preview := b.text("#remove_content-preview")
	for _, want := range []string{"Remove content:", "the content is removed", "The content breached our rules and was removed."} {
		if !strings.Contains(preview, want) {
			t.Errorf("the preview %q does not say %q", preview, want)
		}
	}
	if f := eval(`document.activeElement.textContent.trim() + " " + document.activeElement.closest("details").id`); f != "Remove content close-remove_content" {
		t.Errorf("after the digit the focus is on %q, want the form's button", f)
	}
	if v := f.caseOf(t, mp, rows[0]); v.Status != "reviewing" {
		t.Fatalf("choosing a template closed the case: %s", v.Status)
	}
	b.screenshotView("case-keys-template")
	// r goes to the form being filled in, its button since a template is
	// chosen; Enter closes the case and the next one comes in.
	press("r")
	if f := eval(`document.activeElement.closest("details").id`); f != "close-remove_content" {
		t.Errorf("r moved to %q", f)
	}
	press(kb.Enter)
	wait("the next case", arrived(1))
	kept("after closing")
	if loc := eval(`location.href`); loc != at(1) {
		t.Errorf("after closing the address is %s, want the next case, %s", loc, at(1))
	}
	if title := eval(`document.title`); title != "Case "+rows[1]+" · Vigil" {
		t.Errorf("after closing the title is %q", title)
	}
	if n := b.text("main .notice"); !strings.Contains(n, "The case was closed") {
		t.Errorf("the next case says %q", n)
	}
	if live := eval(`document.getElementById("keys-live").textContent`); !strings.Contains(live, "The case was closed") {
		t.Errorf("screen readers are told %q", live)
	}
	if v := f.caseOf(t, mp, rows[0]); v.Status != "resolved" || v.Outcome != "content_removed" {
		t.Errorf("the closed case is %s, %s", v.Status, v.Outcome)
	}

	// Back: the closed case, from the server (no copy kept in the
	// browser), still without loading the page; Forward again.
	eval(`history.back()`)
	wait("Back", arrived(0))
	kept("after Back")
	if s := b.text(".case-badges .badge"); s != "Resolved" {
		t.Errorf("Back shows the case %q", s)
	}
	if saved := eval(`sessionStorage.getItem("htmx-history-cache")`); saved != "null" {
		t.Errorf("htmx kept a copy of a case page: %.80s", saved)
	}
	eval(`history.forward()`)
	wait("Forward", arrived(1))

	// j, k: the next case and back to the previous one, each a new entry.
	press("j")
	wait("j", arrived(2))
	kept("after j")
	press("k")
	wait("k", arrived(1))
	kept("after j and k")
	if n := eval(`history.length`); n < "5" {
		t.Errorf("history has %s entries", n)
	}

	// While a field has the focus the keys are its own: r goes to Resolve
	// (no template chosen: its first field), where j does not leave.
	press("r")
	if id := focused(); id != "resolve-template" {
		t.Fatalf("r focused %q, want Resolve's first field", id)
	}
	press("j")
	if loc := eval(`location.href`); loc != at(1) {
		t.Fatalf("j in a field went to %s", loc)
	}
	press(kb.Tab, kb.Tab) // past the resolution to the button
	press("j")
	wait("j from the button", arrived(2))

	// ?: the list of keys, in a modal dialog that keeps the focus.
	press("?")
	wait("the dialog", `document.getElementById("keys-help").open`)
	if in := eval(`document.getElementById("keys-help").contains(document.activeElement)`); in != "true" {
		t.Errorf("the dialog opened without the focus (%q)", focused())
	}
	press(kb.Tab, kb.Tab, kb.Tab)
	if in := eval(`document.getElementById("keys-help").contains(document.activeElement)`); in != "true" {
		t.Errorf("Tab left the dialog for %q", focused())
	}
	if keys := b.text("#keys-help table"); !strings.Contains(keys, "Next case") || !strings.Contains(keys, "Nothing closes a case with one key") {
		t.Errorf("the dialog lists %q", keys)
	}
	b.screenshotView("case-keys-help")
	press("j") // the page's keys wait while the dialog is open
	press(kb.Escape)
	wait("the dialog closed", `!document.getElementById("keys-help").open`)
	if loc := eval(`location.href`); loc != at(2) {
		t.Errorf("with the dialog open the keys moved the page to %s", loc)
	}

	// Escape: back to the queue, its filter kept.
	b.run("Escape to the queue", chromedp.KeyEvent(kb.Escape), chromedp.WaitVisible(chromedp.ID("queue")))
	if loc := eval(`location.href`); loc != base+"/console/cases?mp="+mp+"&target=listing" {
		t.Errorf("Escape went to %s", loc)
	}
}
