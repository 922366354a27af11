package console

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/audit"
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

// TestBrowser logs in through the real form in Chromium, checks the
// dashboard, uses an htmx button (which must carry the CSRF header), checks
// that an account's explanation chart draws its bars, and screenshots the
// dashboard, webhooks and account pages at desktop and tablet width into
// the test's temp dir and $VIGIL_SCREENSHOT_DIR, if set.
func TestBrowser(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	f := newFixture(t)
	f.addUser(t, "moderator", user.Admin, "")
	seedForScreenshots(t, f)
	seedRisk(t, f)

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser),
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
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	// noSideways checks that nothing sticks out sideways, which would mean
	// horizontal scrolling.
	noSideways := func(page string, width int64) {
		t.Helper()
		wide, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide {
			t.Errorf("the %s page scrolls sideways at %dpx", page, width)
		}
	}
	shots := []string{t.TempDir()}
	if dir := os.Getenv("VIGIL_SCREENSHOT_DIR"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		shots = append(shots, dir)
	}
	screenshot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		for _, dir := range shots {
			p := filepath.Join(dir, name+".png")
			if err := os.WriteFile(p, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", p)
		}
	}

	run("open the console",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(f.srv.URL+"/console/"),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
	screenshot("login")
	run("log in",
		chromedp.SendKeys(chromedp.ID("username"), "moderator"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.CSS(`main button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.stats")),
	)
	if h := text("main h1"); h != "Dashboard" {
		t.Errorf("heading = %q, want Dashboard", h)
	}
	if mp := text("main .lede"); !strings.Contains(mp, "Bikes & Boards") {
		t.Errorf("dashboard names %q, want Bikes & Boards", mp)
	}
	// htmx loaded despite the strict content security policy.
	if ok, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`typeof htmx === "object" && htmx.version.startsWith("2.")`)); err != nil || !ok {
		t.Errorf("htmx 2 not loaded: %v, %v", ok, err)
	}
	screenshot("dashboard")

	// An htmx button: the post carries the CSRF header from <body>, the
	// redirect is followed and the new <main> swapped in.
	run("send a test webhook",
		chromedp.Navigate(f.srv.URL+"/console/admin/webhooks"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/test"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)),
		chromedp.WaitVisible(chromedp.CSS("main .notice")),
	)
	if n := text("main .notice"); !strings.Contains(n, "test message was queued") {
		t.Errorf("after Send test the page says %q", n)
	}
	// htmx swapped the result in: the browser did not navigate.
	if loc, err := chromedp.Run(bctx, chromedp.Location()); err != nil || loc != f.srv.URL+"/console/admin/webhooks" {
		t.Errorf("after Send test the browser is at %q (%v); want the same page, updated by htmx", loc, err)
	}

	// The explanation chart draws a visible bar per contribution: risk to
	// the right of the centre line, trust to the left (CSP allows no
	// inline styles, so this also proves the SVG bars need none).
	want, err := f.fraud.Assess(ctx, f.mp.Marketplace.ID, "u1")
	if err != nil {
		t.Fatal(err)
	}
	run("open the accounts at risk",
		chromedp.Navigate(f.srv.URL+"/console/accounts"),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/console/accounts/u1"]`)),
	)
	screenshot("accounts")
	run("open an account",
		chromedp.Click(chromedp.CSS(`main a[href="/console/accounts/u1"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.chart tr.contribution")),
	)
	type drawn struct {
		Signal                      string
		RowHeight, Left, Width, Mid float64
	}
	bars, err := chromedp.Run(bctx, chromedp.Evaluate[[]drawn](`Array.from(document.querySelectorAll("table.chart tr.contribution")).map(tr => {
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
	if n := text("table.chart tfoot .points"); n != fmt.Sprintf("= %d", want.Explanation.Score) {
		t.Errorf("chart total %q, want = %d", n, want.Explanation.Score)
	}

	for _, width := range []int64{1280, 800} {
		w := map[int64]string{1280: "1280", 800: "800"}[width]
		run("dashboard at "+w,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(f.srv.URL+"/console/"),
			chromedp.WaitVisible(chromedp.CSS("dl.stats")),
		)
		screenshot("dashboard-" + w)
		run("webhooks at "+w,
			chromedp.Navigate(f.srv.URL+"/console/admin/webhooks"),
			chromedp.WaitVisible(chromedp.CSS("article.subscription")),
		)
		screenshot("webhooks-" + w)
		// Wide: the nav is beside the content; tablet: above it.
		above, err := chromedp.Run(bctx, chromedp.Evaluate[bool](
			`document.querySelector("nav.side").getBoundingClientRect().bottom <= document.querySelector("main").getBoundingClientRect().top`))
		if err != nil {
			t.Fatal(err)
		}
		if above != (width < 900) {
			t.Errorf("at %dpx the nav is above the content: %v", width, above)
		}
		noSideways("webhooks", width)
		run("account at "+w,
			chromedp.Navigate(f.srv.URL+"/console/accounts/u1"),
			chromedp.WaitVisible(chromedp.CSS("table.chart")),
		)
		screenshot("account-" + w)
		noSideways("account", width)
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
