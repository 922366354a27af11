package console

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/vigil-ts/vigil/internal/user"
)

// bodyClass is the class attribute of a page's <body>.
var bodyClass = regexp.MustCompile(`<body class="([^"]*)"`)

// classes returns the classes on the response's <body>.
func (r response) classes(t *testing.T) string {
	t.Helper()
	m := bodyClass.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: <body> has no class\n%s", r.Request.URL.Path, r.body)
	}
	return m[1]
}

// seedPhotos ingests a listing of mp by account with images: URLs, or
// upload ids (img_…).
func (f *fixture) seedPhotos(t *testing.T, mp, account, id, title string, images ...string) {
	t.Helper()
	var ims []string
	for _, im := range images {
		key := "url"
		if strings.HasPrefix(im, "img_") {
			key = "id"
		}
		ims = append(ims, fmt.Sprintf(`{%q:%q}`, key, im))
	}
	f.ingestJSON(t, mp, "listing.upserted", fmt.Sprintf(`{"listing_id":%q,"account_id":%q,"title":%q,"description":"Reported photos",
		"price":{"amount":100,"currency":"EUR"},"category":"bikes","images":[%s]}`, id, account, title, strings.Join(ims, ",")))
}

// TestSettings: a user's settings start at the defaults (images blurred,
// in colour) and apply to every page as classes on <body>; saving needs
// the CSRF token, confirms, and changes nobody else's console.
func TestSettings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	ana, bo := f.loggedIn(t, "ana", user.Agent, mp), f.loggedIn(t, "bo", user.AppealsReviewer, mp)
	for _, page := range []string{"/console/", "/console/cases", "/console/settings"} {
		if got := ana.get(page).classes(t); got != "images-blurred" {
			t.Errorf("%s by default: body class %q, want images-blurred", page, got)
		}
	}
	r := ana.get("/console/settings").want(t, http.StatusOK, "Blur images until I reveal them", "Show images in grayscale")
	if !strings.Contains(r.body, `name="blur_images" checked`) || strings.Contains(r.body, `name="grayscale" checked`) {
		t.Errorf("the form does not show the defaults:\n%s", r.body)
	}

	ana.do(http.MethodPost, "/console/settings", url.Values{"grayscale": {"on"}}, nil).want(t, http.StatusForbidden, "Request refused")
	if got := ana.get("/console/").classes(t); got != "images-blurred" {
		t.Errorf("a post without the token changed the settings: %q", got)
	}
	ana.post("/console/settings", url.Values{"grayscale": {"on"}}).redirectsTo(t, "/console/settings?done=settings-saved&mp="+mp)
	r = ana.get("/console/settings?done=settings-saved").want(t, http.StatusOK, "Your settings were saved.")
	if got := r.classes(t); got != "images-clear images-grayscale" {
		t.Errorf("after saving: body class %q", got)
	}
	if !strings.Contains(r.body, `name="grayscale" checked`) || strings.Contains(r.body, `name="blur_images" checked`) {
		t.Errorf("the form does not show what was saved:\n%s", r.body)
	}
	if got := ana.get("/console/audit").classes(t); got != "images-clear images-grayscale" {
		t.Errorf("another page: body class %q", got)
	}
	if got := bo.get("/console/").classes(t); got != "images-blurred" {
		t.Errorf("another user's body class %q", got)
	}
	ana.post("/console/settings", url.Values{"blur_images": {"on"}, "grayscale": {"on"}}).redirectsTo(t, "/console/settings?done=settings-saved&mp="+mp)
	if got := ana.get("/console/").classes(t); got != "images-blurred images-grayscale" {
		t.Errorf("both on: body class %q", got)
	}
}

// TestContentImages: a listing's photos show on its page and on its
// case's page, each blurred behind its own button, with alt text, no
// referrer and lazy loading; uploads and plain-HTTP URLs are counted, not
// loaded, and the content security policy admits https images only.
func TestContentImages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.seedAccount(t, mp, "seller", "private")
	f.seedPhotos(t, mp, "seller", "l-photos", "Frame & forks", "https://cdn.example.com/a.jpg?w=800&h=600", "http://cdn.example.com/b.jpg",
		"img_0123456789abcdef", "https://cdn.example.com/c.jpg")
	filed := f.report(t, mp, "listing", "l-photos", "scam_or_fraud", "rep-1", "")
	agent := f.loggedIn(t, "agent", user.Agent, mp)
	img := `<img src="https://cdn.example.com/a.jpg?w=800&amp;h=600" alt="Photo 1 of 4 of the listing “Frame &amp; forks”" referrerpolicy="no-referrer" loading="lazy"`
	for _, page := range []string{listingURL("l-photos"), caseURL(filed.CaseID)} {
		r := agent.get(page).want(t, http.StatusOK, "Photos", "1 uploaded image: Vigil keeps only", "1 image is not shown: served over plain HTTP",
			`<button type="button" class="reveal" data-reveal><span class="when-blurred">Show image</span>`)
		if !strings.Contains(r.body, img) || !strings.Contains(r.body, `alt="Photo 4 of 4 of the listing`) {
			t.Errorf("%s: the photos are not shown as guarded images:\n%s", page, r.body)
		}
		if strings.Contains(r.body, `src="http://`) {
			t.Errorf("%s loads a plain-HTTP image", page)
		}
		if n := strings.Count(r.body, `<li class="guarded">`); n != 2 {
			t.Errorf("%s: %d guarded images, want 2", page, n)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https:;") {
			t.Errorf("Content-Security-Policy = %q", csp)
		}
	}
	f.seedListings(t, mp, "seller-2", "l-plain", "No photos at all")
	agent.get(listingURL("l-plain")).want(t, http.StatusOK).lacks(t, "Photos", "guarded")
}

// TestBrowserImages: in Chromium, a listing's photo is blurred until its
// button is clicked and blurred again on the second click; with blurring
// turned off and grayscale on in the settings, it shows in grayscale at
// once. The header's search box opens the listing.
func TestBrowserImages(t *testing.T) {
	t.Parallel()
	chromium(t) // skip before seeding
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	f.addUser(t, "agent", user.Agent, mp)
	f.seedAccount(t, mp, "seller", "private")
	// Nothing listens there: the image fails at once, its styles apply all the same.
	f.seedPhotos(t, mp, "seller", "l-photo", "Reported bike", "https://127.0.0.1:9/bike.jpg")
	b := newBrowser(t)
	base := f.srv.URL
	b.run("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(base, "agent")
	filter := func() string {
		t.Helper()
		s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".guarded img")).filter`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b.run("search for the listing",
		chromedp.SendKeys(chromedp.ID("top-search-q"), "l-photo"),
		chromedp.Submit(chromedp.ID("top-search-q")),
		chromedp.WaitVisible(chromedp.CSS(".guarded img")),
	)
	if loc, err := chromedp.Run(b.ctx, chromedp.Location()); err != nil || !strings.HasPrefix(loc, base+listingURL("l-photo")) {
		t.Errorf("the search led to %q (%v), want the listing", loc, err)
	}
	if got := filter(); !strings.Contains(got, "blur") {
		t.Errorf("before revealing: filter %q, want a blur", got)
	}
	b.screenshot("images-blurred")
	b.run("reveal it", chromedp.Click(chromedp.CSS(".guarded button[data-reveal]")), chromedp.WaitVisible(chromedp.CSS(".guarded.revealed .when-revealed")))
	if got := filter(); got != "none" {
		t.Errorf("revealed: filter %q, want none", got)
	}
	b.run("blur it again", chromedp.Click(chromedp.CSS(".guarded button[data-reveal]")), chromedp.WaitVisible(chromedp.CSS(".guarded:not(.revealed) .when-blurred")))
	if got := filter(); !strings.Contains(got, "blur") {
		t.Errorf("blurred again: filter %q, want a blur", got)
	}

	b.run("turn blurring off and grayscale on",
		chromedp.Navigate(base+"/console/settings"),
		chromedp.WaitVisible(chromedp.ID("setting-blur")),
		chromedp.Click(chromedp.ID("setting-blur")),
		chromedp.Click(chromedp.ID("setting-grayscale")),
		chromedp.Click(chromedp.CSS(`form[action="/console/settings"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("main .notice")),
		chromedp.Navigate(base+listingURL("l-photo")),
		chromedp.WaitVisible(chromedp.CSS(".guarded img")),
	)
	if got := filter(); !strings.Contains(got, "grayscale") || strings.Contains(got, "blur") {
		t.Errorf("grayscale, not blurred: filter %q", got)
	}
	if shown, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".guarded .reveal")).display !== "none"`)); err != nil || shown {
		t.Errorf("the reveal button shows with blurring off: %v, %v", shown, err)
	}
	b.screenshot("images-grayscale")
	b.noSideways("listing", 1280)
}
