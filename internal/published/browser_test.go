package published

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// In a real browser, under the page's own CSP, the stylesheet applies and
// the page fits a phone's width without scrolling sideways (tables scroll
// inside their own box). Skipped without Chromium, unless
// VIGIL_REQUIRE_CHROMIUM=1.
func TestPageInBrowser(t *testing.T) {
	exe, err := exec.LookPath("chromium")
	if p := os.Getenv("VIGIL_CHROMIUM"); p != "" {
		exe, err = p, nil
	}
	if err != nil {
		if os.Getenv("VIGIL_REQUIRE_CHROMIUM") == "1" {
			t.Fatal("Chromium required (VIGIL_REQUIRE_CHROMIUM=1) but not found")
		}
		t.Skip("SKIPPED: Chromium not found")
	}
	srv := httptest.NewServer(newHandler(t, secretPolicy, fakePolicies{}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 45*time.Second)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()))
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)

	if err := chromedp.Do(bctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/policies/secret-market"),
		chromedp.WaitVisible(chromedp.ID("consequences")),
	); err != nil {
		t.Fatal(err)
	}
	background, err := chromedp.Run(bctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	overflow, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("VIGIL_SCREENSHOT_DIR"); dir != "" {
		if png, err := chromedp.Run(bctx, chromedp.FullScreenshot(90)); err == nil {
			os.WriteFile(filepath.Join(dir, "published-policy.png"), png, 0o644)
		}
	}
	if background != "rgb(243, 244, 246)" {
		t.Errorf("stylesheet not applied: page background %q", background)
	}
	if strings.TrimSpace(heading) != "Secret Market: trust & safety policy" {
		t.Errorf("heading %q", heading)
	}
	if overflow {
		t.Error("the page scrolls sideways on a phone")
	}
}
